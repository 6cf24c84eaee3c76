import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { STAGES, fromJobData, nextStage, type BatchJobData, type BatchPayload, type Stage } from './jobs';
import { backoffDelay, enqueueBatch, type StageQueues } from './queues';
import type { StageHandler, StageOutcome } from './stages/stage';

export interface RunnerOptions {
  connection: Redis;
  prefix: string;
  queues: StageQueues;
  handlers: Record<Stage, StageHandler>;
  logger: Logger;
  concurrency: (stage: Stage) => number;
  lockMs: number;
  backoffMs: number;
  /** Run only these stages in this process (default: all). */
  stages?: readonly Stage[];
  /**
   * Stages the deployment turns off (enrich with models off): batches go straight to the stage after
   * them. Their workers still run, so jobs queued before the switch drain.
   */
  skipStages?: readonly Stage[];
}

/** The workers of one process; `close` lets in-flight jobs finish (or hands them back) before resolving. */
export interface PipelineWorkers {
  workers: Worker<BatchJobData>[];
  close(): Promise<void>;
}

/** What a job returns; BullMQ keeps it with the completed job for inspection. */
interface JobResult {
  posts: number;
  rejects: number;
  poison: number;
  /** Set when the batch failed and went back to its stage as two halves instead. */
  split?: number;
}

/**
 * What a bug throws on the content of one post (an outage throws something else): a batch hitting one
 * cannot succeed on retry, so it is split at once and the post is isolated in a few rounds.
 */
const BUG_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError];

/**
 * Whether a failed batch job should be split in two rather than retried whole: at once for a bug, and on
 * its last attempt for anything else, so a batch never parks in the dead-letter queue with its mates.
 */
export function shouldSplit(posts: number, error: unknown, attemptsMade: number, attempts: number): boolean {
  if (posts < 2) return false;
  return attemptsMade + 1 >= attempts || BUG_ERRORS.some((type) => error instanceof type);
}

/** The two halves of a batch, with keys derived from its own; rejects travel with the first. */
export function splitBatch(batch: BatchPayload): [BatchPayload, BatchPayload] {
  const middle = Math.ceil(batch.posts.length / 2);
  return [
    { ...batch, batchKey: `${batch.batchKey}.0`, posts: batch.posts.slice(0, middle) },
    { ...batch, batchKey: `${batch.batchKey}.1`, posts: batch.posts.slice(middle), rejects: [] },
  ];
}

/**
 * Starts one BullMQ worker per stage. The runner, not the stages, decides what happens next: it enqueues
 * the outcome for the next stage with a deterministic job id (so a retry after a crash cannot duplicate
 * it), and splits posts that failed alone into single-post jobs so one poison post never blocks a batch.
 * A stage that throws for the whole batch (cluster, detect and index work on batches) has the batch split
 * in halves (see `shouldSplit`) until the post that makes it throw is alone in its job.
 */
export function startWorkers(options: RunnerOptions): PipelineWorkers {
  const workers = (options.stages ?? STAGES).map((stage) => {
    const worker = new Worker<BatchJobData, JobResult>(stage, (job) => processJob(stage, job, options), {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency(stage),
      lockDuration: options.lockMs,
      stalledInterval: Math.max(1000, Math.floor(options.lockMs / 2)),
      // Workers may be killed repeatedly (OOM, deploys); a stalled job is retried, not failed, for a while.
      maxStalledCount: 10,
      settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, options.backoffMs) },
    });
    worker.on('failed', (job, error) => {
      options.logger.warn(
        {
          queue: stage,
          jobId: job?.id,
          attempt: job?.attemptsMade,
          posts: job?.data.posts.length,
          err: error,
        },
        'job failed',
      );
    });
    worker.on('error', (error) => {
      options.logger.error({ queue: stage, err: error }, 'worker error');
    });
    return worker;
  });
  return {
    workers,
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}

async function processJob(stage: Stage, job: Job<BatchJobData>, options: RunnerOptions): Promise<JobResult> {
  const batch = fromJobData(job.data);
  let outcome: StageOutcome;
  try {
    outcome = await options.handlers[stage](batch);
  } catch (error) {
    if (!shouldSplit(batch.posts.length, error, job.attemptsMade, job.opts.attempts ?? 1)) throw error;
    options.logger.warn(
      { queue: stage, jobId: job.id, posts: batch.posts.length, attempt: job.attemptsMade + 1, err: error },
      'batch failed; split in two so a post that fails alone cannot hold back the others',
    );
    for (const half of splitBatch(batch)) await enqueueBatch(options.queues[stage], stage, half);
    return { posts: 0, rejects: 0, poison: 0, split: 2 };
  }
  const [firstPoison] = outcome.poison;
  if (firstPoison && batch.posts.length === 1) {
    // Alone in its job: let BullMQ retry it and finally park it in the failed set (the dead-letter queue).
    throw firstPoison.error instanceof Error ? firstPoison.error : new Error(String(firstPoison.error));
  }
  for (const { item, error } of outcome.poison) {
    const batchKey = `${batch.batchKey}-${item.post.id}`;
    options.logger.warn(
      { queue: stage, jobId: job.id, postId: item.post.id, err: error },
      'post failed in its batch; moved to a job of its own',
    );
    await enqueueBatch(options.queues[stage], stage, {
      runId: batch.runId,
      batchKey,
      posts: [item],
      rejects: [],
    });
  }
  const next = nextStage(stage, options.skipStages);
  const { posts, rejects } = outcome.next;
  if (next !== undefined && (posts.length > 0 || rejects.length > 0)) {
    await enqueueBatch(options.queues[next], next, outcome.next);
  }
  return { posts: posts.length, rejects: rejects.length, poison: outcome.poison.length };
}
