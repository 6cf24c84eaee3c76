import { createPipeline, type Pipeline } from '../../../src/main/pipeline';
import { createTestContext, type TestContext } from '../../support/context';
import {
  deadLetterCount,
  drillCorpus,
  drillEnv,
  expectEveryPostOnce,
  explainedBy,
  killChild,
  produce,
  sleep,
  spawnWorker,
  waitUntil,
  type WorkerProcess,
} from '../../support/drill';
import { waitForRunSettled } from '../../support/pipeline';
import { PrivateElasticsearch } from '../../support/private-services';

const OUTAGE_MS = 60_000;

/**
 * Drill 1 (issue 8): Elasticsearch is stopped for a minute in the middle of a 20,000-post import. The
 * stages that need it (cluster, index) fail and back off; ingest and normalize go on, so the import keeps
 * being accepted. Once Elasticsearch is back, every post is indexed exactly once and the ledger reconciles.
 */
describe('drill: Elasticsearch outage during an import', () => {
  let es: PrivateElasticsearch;
  let context: TestContext;
  let pipeline: Pipeline;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    es = await PrivateElasticsearch.start('es-outage');
    context = await createTestContext('drill-es', { ELASTICSEARCH_URL: es.url });
    pipeline = createPipeline(context);
  }, 300_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => killChild(worker.child, 'SIGKILL')));
    await pipeline.close();
    await context.cleanup();
    await es.cleanup();
  }, 120_000);

  it('backs off, keeps accepting input, and indexes every post exactly once after the restart', async () => {
    const corpus = drillCorpus('es', { singles: 19_200, groups: 200, copies: 4 });
    const total = corpus.posts.length;
    expect(total).toBe(20_000);
    // Two worker processes: the two cores work in parallel, as a deployment's workers would.
    const env = drillEnv(context, { ELASTICSEARCH_URL: es.url });
    workers.push(spawnWorker(env), spawnWorker(env));

    const producer = await pipeline.producer('drill es-outage');
    const run = async () => pipeline.ledger.run(producer.runId);
    const half = total / 2;
    await produce(producer, corpus.posts.slice(0, half));
    // Generous limits: they only stop a drill that hangs (the machine may be busy); nothing is timed.
    await explainedBy(workers, () =>
      waitUntil('first posts indexed', async () => ((await run())?.indexed ?? 0) >= 1000, 300_000),
    );

    await es.stop();
    const stoppedAt = Date.now();
    await sleep(1000); // let a bulk request acknowledged just before the stop settle in the ledger
    const atStop = (await run())?.indexed ?? 0;
    expect(atStop).toBeLessThan(half); // the outage starts mid-import

    // Input keeps being accepted while Elasticsearch is down: the second half is admitted by the ledger.
    await produce(producer, corpus.posts.slice(half));
    await waitUntil('whole import admitted during the outage', async () => (await run())?.accepted === total);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    const beforeRestart = await run();
    expect(beforeRestart?.accepted).toBe(total);
    expect(beforeRestart?.indexed).toBe(atStop); // nothing can be indexed with Elasticsearch down
    // The stages that need it failed and wait for their next attempt (exponential back-off)…
    const delayed = await Promise.all(
      (['cluster', 'index'] as const).map((stage) => pipeline.queues[stage].getDelayedCount()),
    );
    expect(delayed.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
    expect(await deadLetterCount(pipeline)).toBe(0); // …without giving up

    await es.start();
    const settled = await explainedBy(workers, () =>
      waitForRunSettled(pipeline, producer.runId, total, 600_000),
    );
    expect(settled).toMatchObject({ accepted: total, indexed: total, refused: 0, duplicate: 0, rejected: 0 });
    await expectEveryPostOnce(context, pipeline, corpus);
  }, 900_000);
});
