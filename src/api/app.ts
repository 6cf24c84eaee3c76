import { randomUUID } from 'node:crypto';
import cors from 'cors';
import express, { Router, type Express } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { webRoutes } from '../web/web.routes';
import { HttpError } from './errors';
import { authenticate } from './middleware/auth';
import { errorHandler, notFound } from './middleware/errors';
import { mountRoutes } from './openapi/route';
import { healthRoutes, type ReadinessProbe } from './routes/health/health.routes';
import { apiRoutes, type ApiDeps } from './routes';

/** Everything the HTTP layer needs, built by `src/main`; the app never creates clients itself. */
export interface AppDeps extends ApiDeps {
  logger: Logger;
  readiness: ReadinessProbe;
  /** Browser origins allowed to call the API (CORS); the dashboard itself is same-origin. */
  corsOrigins: readonly string[];
  /** Requests per minute per API key. */
  rateLimitPerMinute: number;
}

/**
 * The strictest policy the dashboard works with: only our own scripts and styles, no inline code, no
 * plugins, no framing. Post texts are rendered with `textContent`, and this is the second line of defence.
 */
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    manifestSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    objectSrc: ["'none'"],
  },
};

/** Builds the Express app without listening, so tests can run it on port 0. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );
  app.use(helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY }));
  app.use(healthRoutes(deps.readiness));
  // The dashboard's shell and assets carry no data and are open; every datum comes from /api/v1 with a key.
  app.use(webRoutes());

  const api = Router();
  api.use(
    cors({
      origin: [...deps.corsOrigins],
      allowedHeaders: ['authorization', 'x-api-key', 'content-type', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'ratelimit', 'ratelimit-policy', 'retry-after'],
      maxAge: 600,
    }),
  );
  // Everything under /api/v1 needs a key; each route then declares the roles it allows.
  api.use(authenticate(deps.keys));
  api.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Per key, not per address: many people share a ЦУР's NAT, and a key is who is accountable.
      keyGenerator: (req) => req.apiKey?.id ?? 'anonymous',
      handler: (_req, _res, next) => {
        next(
          new HttpError(
            429,
            'rate_limited',
            `More than ${deps.rateLimitPerMinute} requests a minute for this key`,
          ),
        );
      },
    }),
  );
  api.use(mountRoutes(apiRoutes(deps), deps.audit));
  app.use('/api/v1', api);

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
