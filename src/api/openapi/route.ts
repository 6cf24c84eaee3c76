import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import type { Role } from '../../auth/roles';
import type { KeyInfo } from '../../store/keys.repository';
import { HttpError } from '../errors';
import { allow } from '../middleware/auth';
import { errorBodySchema } from '../schemas/common';
import { parseOr400 } from '../validate';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A non-JSON answer (a Markdown, HTML or PDF digest): sent as is with its content type. */
export class RawResponse {
  constructor(
    readonly contentType: string,
    readonly body: string | Buffer,
    readonly filename?: string,
  ) {}
}

export interface HandlerInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The key that made the request (routes run only after `authenticate`). */
  key: KeyInfo;
  req: Request;
  res: Response;
}

type AnyObject = z.ZodObject<z.ZodRawShape, z.core.$ZodObjectConfig>;

/**
 * One route, declared once: its schemas validate the request and the response at run time AND are the
 * OpenAPI document, so the two cannot drift apart. Every route names the roles it allows.
 */
export interface RouteSpec<
  P extends AnyObject,
  Q extends AnyObject,
  B extends z.ZodType,
  R extends z.ZodType,
> {
  method: Method;
  /** OpenAPI-style path under /api/v1, e.g. `/alerts/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  roles: readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  /** Largest accepted JSON body (default 100 kB). */
  bodyLimit?: string;
  /** Success status (default 200). */
  status?: SuccessStatus;
  response: R;
  /** Other content types the handler may answer with (as a {@link RawResponse}), documented as text. */
  alsoProduces?: readonly string[];
  /** Documented error statuses besides 400, 401, 403, 429, 431 and 500 (e.g. 404, 409). */
  errors?: readonly ErrorStatus[];
  handler(input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R> | RawResponse>;
}

/** A declared route, type-erased so routes of different shapes can sit in one list. */
export interface RouteDefinition {
  method: Method;
  path: string;
  roles: readonly Role[];
  operationId: string;
  operation: ZodOpenApiOperationObject;
  /** Role check, then the JSON body parser when the route takes a body: run before {@link run}. */
  guards: RequestHandler[];
  /**
   * Validates the request, runs the handler, validates the response, calls `beforeSend` (the audit) and
   * sends the response.
   */
  run(req: Request, res: Response, beforeSend: (status: number) => Promise<void>): Promise<void>;
}

export type SuccessStatus = 200 | 201 | 202;
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 431 | 500 | 503;

const ERROR_TEXT: Record<ErrorStatus, string> = {
  400: 'Invalid request (details list each problem)',
  401: 'Missing, unknown or revoked API key',
  403: 'The key’s role may not use this route',
  404: 'Not found',
  409: 'Conflict: the resource changed since it was read',
  413: 'Request body too large',
  415: 'The body is not `application/json`',
  422: 'Not allowed in the current state (e.g. a status change the lifecycle forbids)',
  429: 'Too many requests for this key; retry after the `RateLimit` reset',
  431: 'The URL and headers exceed the server’s 16 KiB limit (shorten the query)',
  500: 'Internal error (the request id is in details)',
  503: 'A dependency is unavailable',
};

/** OpenAPI path `/a/{id}` as an Express path `/a/:id`. */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

export function defineRoute<
  P extends AnyObject = z.ZodObject<Record<string, never>>,
  Q extends AnyObject = z.ZodObject<Record<string, never>>,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(spec: RouteSpec<P, Q, B, R>): RouteDefinition {
  const status = spec.status ?? 200;
  // 431 is Node's own answer to an oversized request line, possible on every route (see `answerClientErrors`).
  const errorCodes: ErrorStatus[] = [401, 403, 429, 431, 500, ...(spec.errors ?? [])];
  if (spec.params || spec.query || spec.body) errorCodes.push(400);
  if (spec.body) errorCodes.push(413, 415);
  errorCodes.sort((a, b) => a - b);
  const responses: ZodOpenApiResponsesObject = {
    [`${status}`]: {
      description: 'Success',
      content: {
        'application/json': { schema: spec.response },
        ...Object.fromEntries(
          (spec.alsoProduces ?? []).map((type) => [
            type,
            { schema: { type: 'string', ...(type === 'application/pdf' ? { format: 'binary' } : {}) } },
          ]),
        ),
      },
    },
  };
  for (const code of errorCodes) {
    responses[`${code}`] = {
      description: ERROR_TEXT[code],
      content: { 'application/json': { schema: errorBodySchema } },
    };
  }
  const operation: ZodOpenApiOperationObject = {
    operationId: spec.operationId,
    summary: spec.summary,
    description: `${spec.description ?? spec.summary}\n\nRoles: ${spec.roles.join(', ')}.`,
    tags: [spec.tag],
    'x-roles': [...spec.roles],
    requestParams: {
      ...(spec.params ? { path: spec.params } : {}),
      ...(spec.query ? { query: spec.query } : {}),
    },
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } }
      : {}),
    responses,
  };
  const guards = [allow(...spec.roles)];
  if (spec.body) guards.push(requireJson, express.json({ limit: spec.bodyLimit ?? '100kb' }), limitDepth);
  return {
    method: spec.method,
    path: spec.path,
    roles: spec.roles,
    operationId: spec.operationId,
    operation,
    guards,
    async run(req, res, beforeSend) {
      const key = req.apiKey;
      if (key === undefined) throw new HttpError(401, 'unauthorized', 'An API key is required');
      const input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>> = {
        params: spec.params ? parseOr400(spec.params, req.params, 'path parameters') : emptyOf<P>(),
        query: spec.query ? parseOr400(spec.query, req.query, 'query parameters') : emptyOf<Q>(),
        body: spec.body ? parseOr400(spec.body, req.body, 'request body') : undefinedOf<B>(),
        key,
        req,
        res,
      };
      const result = await spec.handler(input);
      if (result instanceof RawResponse) {
        await beforeSend(status);
        res.status(status).type(result.contentType);
        if (result.filename !== undefined) res.attachment(result.filename);
        res.send(result.body);
        return;
      }
      // Parsing the response strips whatever the schema does not list (vectors, raw source records)
      // and turns a presenter bug into a logged 500 instead of an undocumented answer.
      const body: unknown = spec.response.parse(result);
      await beforeSend(status);
      res.status(status).json(body);
    },
  };
}

/**
 * 415 unless the body is declared JSON: `express.json` silently skips other types, which left the handler
 * a missing body and the client a misleading "expected object" 400.
 */
const requireJson: RequestHandler = (req, _res, next) => {
  if (req.is('application/json') === false)
    throw new HttpError(415, 'unsupported_media_type', 'The body must be application/json');
  next();
};

/** Deepest JSON nesting a body may have; Dozor's own bodies need 4 (`{posts: [{metrics: {}}]}`). */
const MAX_JSON_DEPTH = 32;

/**
 * 400 for bodies nested deeper than {@link MAX_JSON_DEPTH}. `JSON.parse` copes with any depth, but every
 * recursive walk after it (zod, `JSON.stringify` of a reject sample, the logger) overflows the stack on
 * `[[[[…]]]]` and turned a 100 kB request into a 500. Walked with an explicit stack for the same reason.
 */
const limitDepth: RequestHandler = (req, _res, next) => {
  const body: unknown = req.body;
  const pending: [unknown, number][] = [[body, 1]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [value, depth] = item;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_JSON_DEPTH) {
      throw new HttpError(400, 'too_deep', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  next();
};

// Routes without a params/query schema get an empty object, without a body schema `undefined`; the
// generic defaults make these the declared types, which TypeScript cannot see through the conditional.
function emptyOf<S extends AnyObject>(): z.output<S> {
  const empty: unknown = {};
  return empty as z.output<S>;
}
function undefinedOf<S extends z.ZodType>(): z.output<S> {
  const nothing: unknown = undefined;
  return nothing as z.output<S>;
}

/** Something that records who changed what (see `AuditRepository`). */
export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}

export interface AuditEntry {
  at: string;
  keyId: string;
  keyName: string;
  role: Role;
  method: string;
  path: string;
  action: string;
  status: number;
  requestId: string;
}

/**
 * Mounts routes on a router. Every state change (any method but GET) that succeeds is written to the
 * audit log (key, action, path) before its answer is sent, so no route can forget to audit.
 */
export function mountRoutes(routes: readonly RouteDefinition[], audit: AuditSink): Router {
  const router = Router();
  const methods = new Map<string, Method[]>();
  for (const route of routes) {
    methods.set(route.path, [...(methods.get(route.path) ?? []), route.method]);
    const handler: RequestHandler = async (req, res) => {
      await route.run(req, res, async (status) => {
        if (route.method === 'get' || req.apiKey === undefined) return;
        await audit.record({
          at: new Date().toISOString(),
          keyId: req.apiKey.id,
          keyName: req.apiKey.name,
          role: req.apiKey.role,
          method: req.method,
          path: req.originalUrl.split('?')[0] ?? req.originalUrl,
          action: route.operationId,
          status,
          requestId: typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : 'unknown',
        });
      });
    };
    router[route.method](expressPath(route.path), ...route.guards, handler);
  }
  // A known path with another method is 405 with `Allow`, not a 404 that says the path does not exist.
  for (const [path, allowed] of methods) {
    const allow = [...allowed, ...(allowed.includes('get') ? ['head'] : [])]
      .map((method) => method.toUpperCase())
      .join(', ');
    router.all(expressPath(path), (req, res) => {
      res.setHeader('allow', allow);
      throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed here; use ${allow}`);
    });
  }
  return router;
}
