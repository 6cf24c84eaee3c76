import { randomUUID } from 'node:crypto';
import express, { Router, type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { BatchProducer } from '../pipeline/producer';
import type { KeysRepository } from '../store/keys.repository';
import type { LedgerRepository } from '../store/ledger.repository';
import { authenticate } from './middleware/auth';
import { errorHandler, notFound } from './middleware/errors';
import { healthRoutes, type ReadinessProbe } from './routes/health/health.routes';
import { postsRoutes } from './routes/posts/posts.routes';
import { runsRoutes } from './routes/runs/runs.routes';

/** Everything the HTTP layer needs, built by `src/main`; the app never creates clients itself. */
export interface AppDeps {
  logger: Logger;
  readiness: ReadinessProbe;
  keys: KeysRepository;
  ledger: LedgerRepository;
  producer(source: string): Promise<BatchProducer>;
}

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
  app.use(helmet());
  app.use(healthRoutes(deps.readiness));

  // Everything under /api/v1 needs a key; each route then declares the roles it allows.
  const api = Router();
  api.use(authenticate(deps.keys));
  api.use(postsRoutes({ producer: (source) => deps.producer(source) }));
  api.use(runsRoutes(deps.ledger));
  app.use('/api/v1', api);

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
