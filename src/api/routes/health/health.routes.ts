import { Router } from 'express';

/** What `/readyz` reports for one dependency. */
export interface DependencyCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export type ReadinessProbe = () => Promise<DependencyCheck[]>;

/**
 * `/healthz`: the process is up. `/readyz`: Redis and Elasticsearch answer and the indices exist.
 * Both are open without a key so orchestrators can probe them; they reveal no data.
 */
export function healthRoutes(probe: ReadinessProbe): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await probe();
    const ready = checks.every((check) => check.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
