import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BatchJobData } from '../../src/pipeline/jobs';
import {
  closeQueues,
  createQueues,
  enqueueBatch,
  retryDeadLetters,
  type StageQueues,
} from '../../src/pipeline/queues';
import { createTestContext, type TestContext } from '../support/context';
import { waitUntil } from '../support/drill';

const batch = (batchKey: string) => ({ runId: 'r1', batchKey, posts: [], rejects: [] });

/** Stage queues on the real Redis: what they keep of finished jobs, and how a re-queued batch is recognised. */
describe('stage queues', () => {
  let context: TestContext;
  let queues: StageQueues;
  let worker: Worker<BatchJobData> | undefined;
  let parking: Worker<BatchJobData> | undefined;
  const connections: Redis[] = [];
  const processed: string[] = [];
  let failing = true;

  beforeAll(async () => {
    context = await createTestContext('queues');
    queues = createQueues(context.redis, context.config.queuePrefix, { attempts: 2, backoffMs: 100 });
    worker = new Worker<BatchJobData>(
      'detect',
      (job) => {
        processed.push(job.data.batchKey);
        return Promise.resolve();
      },
      { connection: connection(), prefix: context.config.queuePrefix, concurrency: 1 },
    );
  });
  const connection = (): Redis => {
    const redis = context.redis.duplicate();
    connections.push(redis);
    return redis;
  };
  afterAll(async () => {
    await worker?.close();
    await parking?.close();
    await Promise.all(connections.map((redis) => redis.quit()));
    await closeQueues(queues);
    await context.cleanup();
  });

  it('keeps only the last 100 finished jobs, and ignores a batch queued again after its job was trimmed', async () => {
    await enqueueBatch(queues.detect, 'detect', batch('a'));
    for (let i = 0; i < 130; i++) await enqueueBatch(queues.detect, 'detect', batch(`many-${i}`));
    await waitUntil('all 131 done', async () => {
      return (await queues.detect.getJob('detect-many-129'))?.finishedOn !== undefined;
    });
    // Finished jobs hold whole batches: the completed set is trimmed, batch a's job is gone.
    expect(await queues.detect.getCompletedCount()).toBe(100);
    expect(await queues.detect.getJob('detect-a')).toBeUndefined();
    // A stage that runs its batch again queues batch a again: it is recognised and not run twice.
    await enqueueBatch(queues.detect, 'detect', batch('a'));
    await enqueueBatch(queues.detect, 'detect', batch('b'));
    await waitUntil('batch b done', () => Promise.resolve(processed.includes('b')));
    expect(processed.filter((key) => key === 'a')).toHaveLength(1);
    expect(processed).toHaveLength(132);
  });

  it('puts every parked job back, a page at a time, or only the one asked for', async () => {
    parking = new Worker<BatchJobData>(
      'index',
      (job) => (failing ? Promise.reject(new Error(`parked ${job.data.batchKey}`)) : Promise.resolve()),
      {
        connection: connection(),
        prefix: context.config.queuePrefix,
        concurrency: 5,
        settings: { backoffStrategy: () => 10 },
      },
    );
    for (let i = 0; i < 7; i++) await enqueueBatch(queues.index, 'index', batch(`parked-${i}`));
    await waitUntil('7 jobs parked', async () => (await queues.index.getFailedCount()) === 7);

    failing = false;
    expect(await retryDeadLetters(queues, { jobId: 'index-parked-3' })).toBe(1);
    await waitUntil('the one asked for done', async () => (await queues.index.getCompletedCount()) === 1);
    expect(await queues.index.getFailedCount()).toBe(6);
    expect(await retryDeadLetters(queues, {}, 4)).toBe(6);
    await waitUntil('all done', async () => (await queues.index.getCompletedCount()) === 7);
    expect(await queues.index.getFailedCount()).toBe(0);
  });
});
