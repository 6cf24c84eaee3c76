import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { errorHandler, notFound } from './middleware/errors';
import { healthRoutes, type ReadinessProbe } from './routes/health/health.routes';

/** Everything the HTTP layer needs, built by `src/main`; the app never creates clients itself. */
export interface AppDeps {
  logger: Logger;
  readiness: ReadinessProbe;
}

/** Builds the Express app without listening, so tests can run it on port 0. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
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
  app.use(helmet());
  app.use(healthRoutes(deps.readiness));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
