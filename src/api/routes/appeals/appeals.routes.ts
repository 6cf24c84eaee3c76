import { z } from 'zod';
import {
  appealResponseTimes,
  listAppeals,
  listOverdueAppeals,
  rerouteAppeal,
  respondToAppeal,
  type AppealsDeps,
} from '../../../alerts/appeals';
import type { KeyInfo } from '../../../store/keys.repository';
import { defineRoute, type RouteDefinition } from '../../openapi/route';
import { cursorParam, idParam, limitParam, nextOffsetCursor, offsetOf, pageOf } from '../../schemas/common';
import { viaUseCase } from '../review-errors';

const appealSchema = z
  .object({
    id: z.string(),
    storyId: z.string(),
    title: z.string(),
    topic: z.string().optional(),
    department: z.string(),
    routedBy: z.enum(['head', 'table', 'person']),
    routeScore: z.number().optional(),
    region: z.string().optional(),
    place: z.string().optional(),
    placeId: z.string().optional(),
    openedAt: z.string(),
    deadlineAt: z.string(),
    status: z.enum(['open', 'responded']),
    respondedAt: z.string().optional(),
    respondedBy: z.string().optional(),
    response: z.string().optional(),
    responseMs: z.number().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Appeal' });

const READERS = ['analyst', 'duty_officer', 'leadership', 'admin'] as const;
const WORKERS = ['analyst', 'duty_officer', 'admin'] as const;
const actor = (key: KeyInfo): string => `${key.name} (${key.id})`;
const idParams = z.object({ id: idParam });

/** Residents' problems routed to departments: lists, overdue items, responses, re-routing, statistics. */
export function appealsRoutes(deps: AppealsDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/appeals',
      operationId: 'listAppeals',
      tag: 'appeals',
      summary: 'Routed appeals, nearest deadline first',
      description: '`overdue=true`: open appeals past their deadline now.',
      roles: READERS,
      query: z
        .object({
          department: z.string().max(300).optional(),
          status: z.enum(['open', 'responded']).optional(),
          overdue: z.enum(['true', 'false']).optional(),
          limit: limitParam(20, 100),
          cursor: cursorParam,
        })
        .strict(),
      response: pageOf(appealSchema).meta({ id: 'AppealPage' }),
      async handler({ query }) {
        const { cursor, limit, overdue, department, status } = query;
        const key = `appeals:${JSON.stringify({ department, status, overdue })}`;
        const offset = offsetOf(cursor, key);
        const filter = { ...(department === undefined ? {} : { department }), size: limit, from: offset };
        const page =
          overdue === 'true'
            ? await listOverdueAppeals(deps, filter)
            : await listAppeals(deps, { ...filter, ...(status === undefined ? {} : { status }) });
        return { ...page, nextCursor: nextOffsetCursor(key, offset, page.items.length, page.total) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/appeals/response-times',
      operationId: 'appealResponseTimes',
      tag: 'appeals',
      summary: 'Per department: answered, open, overdue, response times',
      roles: READERS,
      response: z
        .object({
          items: z.array(
            z.object({
              department: z.string(),
              responded: z.number().int(),
              open: z.number().int(),
              overdue: z.number().int(),
              meanMs: z.number().optional(),
              p50Ms: z.number().optional(),
              p95Ms: z.number().optional(),
            }),
          ),
        })
        .meta({ id: 'AppealResponseTimes' }),
      async handler() {
        return { items: await appealResponseTimes(deps) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/appeals/{id}/response',
      operationId: 'respondToAppeal',
      tag: 'appeals',
      summary: 'Record the department’s response',
      roles: WORKERS,
      params: idParams,
      body: z.object({ response: z.string().max(4000).trim().min(1) }).strict(),
      response: appealSchema,
      errors: [404, 409, 422],
      handler: ({ params, body, key }) =>
        viaUseCase(respondToAppeal(deps, { id: params.id, by: actor(key), response: body.response })),
    }),
    defineRoute({
      method: 'post',
      path: '/appeals/{id}/department',
      operationId: 'rerouteAppeal',
      tag: 'appeals',
      summary: 'Send the appeal to another department (the deadline stays)',
      roles: WORKERS,
      params: idParams,
      body: z.object({ department: z.string().max(300).trim().min(1) }).strict(),
      response: appealSchema,
      errors: [404, 409],
      handler: ({ params, body }) =>
        viaUseCase(rerouteAppeal(deps, { id: params.id, department: body.department })),
    }),
  ];
}
