import { spawn, type ChildProcess } from 'node:child_process';
import { loadConfig } from '../../src/config/config';
import { createPipeline, type Pipeline } from '../../src/main/pipeline';
import { startRedis, stopRedis } from '../../src/provision/redis';
import { readServicesState, writeServicesState } from '../../src/provision/state';
import { CLI } from '../support/cli';
import { createTestContext, type TestContext } from '../support/context';
import { waitForRunSettled } from '../support/pipeline';
import { makePosts } from '../support/posts';

async function produce(pipeline: Pipeline, count: number, channel: string): Promise<string> {
  const producer = await pipeline.producer(`test ${channel}`);
  for (const post of makePosts(count, channel)) await producer.add({ kind: 'post', post });
  await producer.flush();
  return producer.runId;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('pipeline under failure', () => {
  let context: TestContext;
  let pipeline: Pipeline;

  beforeEach(async () => {
    context = await createTestContext('resilience', { BATCH_SIZE: '50', WORKER_LOCK_MS: '2000' });
    pipeline = createPipeline(context);
  });
  afterEach(async () => {
    await pipeline.close();
    await context.cleanup();
  });

  function spawnWorker(): ChildProcess {
    return spawn(process.execPath, [CLI, 'worker'], {
      env: {
        ...process.env,
        DOZOR_INDEX_PREFIX: context.config.indexPrefix,
        DOZOR_QUEUE_PREFIX: context.config.queuePrefix,
        BATCH_SIZE: '50',
        WORKER_LOCK_MS: '2000',
        LOG_LEVEL: 'silent',
        DOZOR_MODELS: 'off',
      },
      stdio: 'ignore',
    });
  }

  it('when a worker is killed with SIGKILL mid-batch, no post is lost once another worker runs', async () => {
    const total = 6000;
    const runId = await produce(pipeline, total, '@kill_test');
    const first = spawnWorker();
    await waitUntil(async () => ((await pipeline.ledger.run(runId))?.indexed ?? 0) >= 500);
    first.kill('SIGKILL');
    const atKill = (await pipeline.ledger.run(runId))?.indexed ?? 0;
    expect(atKill).toBeLessThan(total); // the kill really happened mid-import

    const second = spawnWorker();
    try {
      const run = await waitForRunSettled(pipeline, runId, total);
      expect(run).toMatchObject({ accepted: total, indexed: total, duplicate: 0, rejected: 0 });
      await context.posts.refresh();
      expect(await context.posts.count()).toBe(total);
      expect((await pipeline.ledger.counts()).queued).toBe(0);
    } finally {
      second.kill('SIGTERM');
    }
  });

  const config = loadConfig();
  const localRedis = config.redisUrl === undefined;
  (localRedis ? it : it.skip)('when Redis restarts mid-import, nothing is lost or duplicated', async () => {
    const workers = await pipeline.startWorkers();
    try {
      const total = 6000;
      const producing = produce(pipeline, total, '@redis_restart');
      await waitUntil(async () => (await context.posts.count()) > 0);
      const state = readServicesState(config.stateDir).redis;
      if (!state) throw new Error('local Redis state missing');
      await stopRedis(state, () => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const restarted = await startRedis(config.dataDir, state, () => undefined);
      writeServicesState(config.stateDir, { ...readServicesState(config.stateDir), redis: restarted });
      const runId = await producing;
      const run = await waitForRunSettled(pipeline, runId, total);
      expect(run).toMatchObject({ accepted: total, indexed: total, duplicate: 0 });
      await context.posts.refresh();
      expect(await context.posts.count()).toBe(total);
    } finally {
      await workers.close();
    }
  });
});
