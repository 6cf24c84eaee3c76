import { z } from 'zod';
import { ROLES } from '../../../auth/roles';
import type { AuditRepository } from '../../../store/audit.repository';
import { defineRoute, type RouteDefinition } from '../../openapi/route';
import { cursorParam, limitParam, pageOf } from '../../schemas/common';

const auditSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    keyId: z.string(),
    keyName: z.string(),
    role: z.enum(ROLES),
    method: z.string(),
    path: z.string(),
    action: z.string().meta({ description: 'operationId of the route' }),
    status: z.number().int(),
    requestId: z.string(),
  })
  .meta({ id: 'AuditEntry' });

/** The API's audit log: every state change made through it, newest first. */
export function auditRoutes(deps: { audit: AuditRepository }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      operationId: 'listAudit',
      tag: 'admin',
      summary: 'Audit log of state changes',
      roles: ['admin'],
      query: z
        .object({
          limit: limitParam(50, 500),
          cursor: cursorParam.pipe(
            z
              .string()
              .regex(/^\d+-\d+$/)
              .optional(),
          ),
        })
        .strict(),
      response: pageOf(auditSchema).meta({ id: 'AuditPage' }),
      async handler({ query }) {
        const page = await deps.audit.page(query.limit, query.cursor);
        return { items: page.items, nextCursor: page.next ?? null, total: page.total };
      },
    }),
  ];
}
