import type { Pipeline } from '../../src/main/pipeline';
import type { RunCounts } from '../../src/store/ledger.repository';

/** Waits until every admitted post of a run is indexed or refused; fails after `timeoutMs`. */
export async function waitForRunSettled(
  pipeline: Pipeline,
  runId: string,
  expectedRecords: number,
  timeoutMs = 120_000,
): Promise<RunCounts> {
  const deadline = Date.now() + timeoutMs;
  let run: RunCounts | undefined;
  while (Date.now() < deadline) {
    run = await pipeline.ledger.run(runId);
    if (
      run &&
      run.accepted + run.duplicate + run.rejected === expectedRecords &&
      run.indexed + run.refused === run.accepted
    ) {
      return run;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not settle in ${timeoutMs} ms: ${JSON.stringify(run)}`);
}
