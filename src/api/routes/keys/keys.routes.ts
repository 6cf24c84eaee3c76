import { z } from 'zod';
import { ROLES } from '../../../auth/roles';
import type { KeysRepository } from '../../../store/keys.repository';
import { HttpError } from '../../errors';
import { defineRoute, type RouteDefinition } from '../../openapi/route';
import { idParam } from '../../schemas/common';

const keyInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: 'ApiKey' });

/** `/me` for every role (the dashboard picks its pages from it), and key management for admins. */
export function keysRoutes(deps: { keys: KeysRepository }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/me',
      operationId: 'whoAmI',
      tag: 'keys',
      summary: 'The key making this request',
      roles: ROLES,
      response: keyInfoSchema,
      handler: ({ key }) => Promise.resolve(key),
    }),
    defineRoute({
      method: 'get',
      path: '/keys',
      operationId: 'listKeys',
      tag: 'keys',
      summary: 'All API keys (never their secrets)',
      roles: ['admin'],
      response: z.object({ items: z.array(keyInfoSchema) }),
      async handler() {
        return { items: await deps.keys.list() };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/keys',
      operationId: 'createKey',
      tag: 'keys',
      summary: 'Create a key',
      description: 'The token is in this answer only: it is stored hashed and cannot be shown again.',
      roles: ['admin'],
      body: z.object({ name: z.string().max(200).trim().min(1), role: z.enum(ROLES) }).strict(),
      status: 201,
      response: z.object({ token: z.string(), key: keyInfoSchema }).meta({ id: 'CreatedKey' }),
      async handler({ body }) {
        const { token, info } = await deps.keys.create(body.name, body.role);
        return { token, key: info };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/keys/{id}',
      operationId: 'revokeKey',
      tag: 'keys',
      summary: 'Revoke a key (effective on its next request)',
      roles: ['admin'],
      params: z.object({ id: idParam }),
      response: z.object({ revoked: z.boolean() }),
      errors: [404],
      async handler({ params }) {
        if (!(await deps.keys.revoke(params.id)))
          throw new HttpError(404, 'not_found', `No key ${params.id}`);
        return { revoked: true };
      },
    }),
  ];
}
