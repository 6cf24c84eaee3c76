import { createPipeline, type Pipeline } from '../../../src/main/pipeline';
import { createTestContext, type TestContext } from '../../support/context';
import {
  drillCorpus,
  drillEnv,
  expectConnectionErrors,
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
import { PrivateRedis } from '../../support/private-services';

/**
 * Drill 2 (issue 8): Redis goes away twice in the middle of an import — once stopped cleanly, once killed
 * with SIGKILL — while the producer is writing and two worker processes are busy. Redis keeps an AOF
 * (appended before it replies, fsync every second): a killed process loses nothing it acknowledged, so
 * every post must be indexed once, with no duplicate, and copies must still share one story.
 */
describe('drill: Redis restarts mid-import (AOF on)', () => {
  let redis: PrivateRedis;
  let context: TestContext;
  let pipeline: Pipeline;
  const workers: WorkerProcess[] = [];
  const settings = { BATCH_SIZE: '50', WORKER_LOCK_MS: '3000', JOB_BACKOFF_MS: '200' };

  beforeAll(async () => {
    redis = await PrivateRedis.start('redis-restart');
    context = await createTestContext('drill-redis', { REDIS_URL: redis.url, ...settings });
    pipeline = createPipeline(context);
    expectConnectionErrors(context, pipeline);
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => killChild(worker.child, 'SIGKILL')));
    await pipeline.close();
    await context.cleanup();
    await redis.cleanup();
  });

  it('loses no post, duplicates none, and keeps copies in one story', async () => {
    const corpus = drillCorpus('redis', { singles: 5400, groups: 150, copies: 4 });
    const total = corpus.posts.length;
    const env = drillEnv(context, { REDIS_URL: redis.url, ...settings });
    workers.push(spawnWorker(env), spawnWorker(env));
    const producer = await pipeline.producer('drill redis-restart');
    const third = Math.ceil(total / 3);
    const indexed = async (): Promise<number> => (await pipeline.ledger.run(producer.runId))?.indexed ?? 0;

    await produce(producer, corpus.posts.slice(0, third));
    await waitUntil('first posts indexed', async () => (await indexed()) >= 500);

    // Restart 1: a clean SHUTDOWN while the producer is writing the second third.
    // (Nothing may ask Redis anything while it is down: commands wait for it to come back.)
    const atStop = await indexed();
    const second = produce(producer, corpus.posts.slice(third, 2 * third));
    await redis.stop();
    await sleep(2000);
    await redis.start();
    await second;
    expect(atStop).toBeLessThan(total); // the stop really happened mid-import

    // Restart 2: SIGKILL, no shutdown at all, while the last third is being written.
    await waitUntil('more posts indexed after restart 1', async () => (await indexed()) >= 2 * 500);
    const last = produce(producer, corpus.posts.slice(2 * third));
    await redis.kill();
    await sleep(2000);
    await redis.start();
    await last;

    const run = await explainedBy(workers, () => waitForRunSettled(pipeline, producer.runId, total, 300_000));
    expect(run).toMatchObject({ accepted: total, indexed: total, duplicate: 0, rejected: 0, refused: 0 });
    await expectEveryPostOnce(context, pipeline, corpus);
  }, 300_000);
});
