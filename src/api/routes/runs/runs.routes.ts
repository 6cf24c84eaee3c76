import { Router } from 'express';
import type { LedgerRepository } from '../../../store/ledger.repository';
import { HttpError } from '../../errors';
import { allow } from '../../middleware/auth';

/** The ledger over HTTP: totals, and the counters of one import run or push request. */
export function runsRoutes(ledger: LedgerRepository): Router {
  const router = Router();
  router.get('/ledger', allow('admin', 'analyst'), async (_req, res) => {
    res.json({ totals: await ledger.counts(), runs: await ledger.recentRuns(20) });
  });
  router.get('/runs/:runId', allow('admin', 'ingest', 'analyst'), async (req, res) => {
    const runId = req.params.runId;
    if (typeof runId !== 'string' || !/^[a-z0-9-]{1,64}$/.test(runId)) {
      throw new HttpError(400, 'invalid_request', 'Malformed run id');
    }
    const run = await ledger.run(runId);
    if (run === undefined) throw new HttpError(404, 'not_found', `No run ${runId}`);
    res.json(run);
  });
  return router;
}
