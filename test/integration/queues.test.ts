import { Worker } from 'bullmq';
import type { BatchJobData } from '../../src/pipeline/jobs';
import { closeQueues, createQueues, enqueueBatch, type StageQueues } from '../../src/pipeline/queues';
import { createTestContext, type TestContext } from '../support/context';
import { waitUntil } from '../support/drill';

const batch = (batchKey: string) => ({ runId: 'r1', batchKey, posts: [], rejects: [] });

/** Stage queues on the real Redis: what they keep of finished jobs, and how a re-queued batch is recognised. */
describe('stage queues', () => {
  let context: TestContext;
  let queues: StageQueues;
  let worker: Worker<BatchJobData> | undefined;
  const processed: string[] = [];

  beforeAll(async () => {
    context = await createTestContext('queues');
    queues = createQueues(context.redis, context.config.queuePrefix, { attempts: 2, backoffMs: 100 });
    worker = new Worker<BatchJobData>(
      'detect',
      (job) => {
        processed.push(job.data.batchKey);
        return Promise.resolve();
      },
      { connection: context.redis.duplicate(), prefix: context.config.queuePrefix, concurrency: 1 },
    );
  });
  afterAll(async () => {
    await worker?.close();
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
});
