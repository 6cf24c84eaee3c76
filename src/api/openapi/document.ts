import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import type { RouteDefinition } from './route';

export type OpenApiDocument = ReturnType<typeof createDocument>;

/**
 * The OpenAPI 3.1 document of the API, generated from the same zod schemas that validate requests and
 * responses (zod-openapi renders them with zod's own JSON Schema conversion).
 */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], version: string): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    item[route.method] = route.operation;
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Dozor API',
      version,
      description:
        'Monitoring of public posts for regional management centres. Every route needs an API key ' +
        '(`Authorization: Bearer dz_…` or `X-API-Key`) whose role is listed in the route (`x-roles`). ' +
        'Lists are paged with an opaque `cursor` (the previous page’s `nextCursor`); errors always read ' +
        '`{error: {code, message, details}}`.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }, { apiKey: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Dozor API key: dz_<id>_<secret>' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    paths,
  });
}
