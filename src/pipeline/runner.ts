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
  /** Set when the batch failed and went back to its stage in parts instead: how many. */
  split?: number;
}

/**
 * What a bug throws on the content of one post (an outage throws something else): a batch hitting one
 * cannot succeed on retry, so it is split at once and the post is isolated in a few rounds.
 */
const BUG_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError];

/**
 * A batch whose worker process died this many times while running it is split before it runs again: a
 * post that kills the process (out of memory, a native crash) is isolated like one that throws.
 */
export const SPLIT_AFTER_STALLS = 2;

/** A failed run of a batch job, as the runner sees it. */
export interface BatchFailure {
  stage: Stage;
  /** Posts and rejects the batch holds. */
  items: number;
  error: unknown;
  /** Attempts finished before this one, and the attempts the job has in all. */
  attemptsMade: number;
  attempts: number;
}

/**
 * Whether a batch can be split at all. Not at ingest: it admits a batch in one ledger call keyed by the
 * batch key (nothing there fails for one post), and halves under new keys would be taken for duplicates.
 */
export function isSplittable(stage: Stage, items: number): boolean {
  return stage !== 'ingest' && items >= 2;
}

/**
 * Whether a failed batch job should be split rather than retried whole: at once for a bug, and on its
 * last attempt for anything else, so a batch never parks in the dead-letter queue with its mates.
 */
export function shouldSplit(failure: BatchFailure): boolean {
  if (!isSplittable(failure.stage, failure.items)) return false;
  return (
    failure.attemptsMade + 1 >= failure.attempts || BUG_ERRORS.some((type) => failure.error instanceof type)
  );
}

/**
 * Parts of a batch, each smaller, under keys derived from its key: its rejects in a part of their own
 * (a reject the index stage cannot store must not drag a post along), its posts or rejects in halves.
 */
export function splitBatch(batch: BatchPayload): BatchPayload[] {
  const part = (suffix: string, posts: BatchPayload['posts'], rejects: BatchPayload['rejects']) => ({
    ...batch,
    batchKey: `${batch.batchKey}.${suffix}`,
    posts,
    rejects,
  });
  const { posts, rejects } = batch;
  if (posts.length > 0 && rejects.length > 0) return [part('p', posts, []), part('r', [], rejects)];
  const halve = <T>(items: readonly T[]): [T[], T[]] => {
    const middle = Math.ceil(items.length / 2);
    return [items.slice(0, middle), items.slice(middle)];
  };
  if (posts.length > 0) {
    const [first, second] = halve(posts);
    return [part('0', first, []), part('1', second, [])];
  }
  const [first, second] = halve(rejects);
  return [part('0', [], first), part('1', [], second)];
}

/**
 * Starts one BullMQ worker per stage. The runner, not the stages, decides what happens next: it enqueues
 * the outcome for the next stage with a deterministic job id (so a retry after a crash cannot duplicate
 * it), and splits posts that failed alone into single-post jobs so one poison post never blocks a batch.
 * A stage that throws for the whole batch (cluster, detect and index work on batches) has the batch split
 * (see `shouldSplit`, `splitBatch`) until the post that makes it throw is alone in its job.
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
  const items = batch.posts.length + batch.rejects.length;
  const split = async (reason: string, details: Record<string, unknown>): Promise<JobResult> => {
    const parts = splitBatch(batch);
    options.logger.warn(
      { queue: stage, jobId: job.id, postIds: batch.posts.map((item) => item.post.id), ...details },
      `${reason}; split in ${parts.length} so a post that fails alone cannot hold back the others`,
    );
    for (const part of parts) await enqueueBatch(options.queues[stage], stage, part);
    return { posts: 0, rejects: 0, poison: 0, split: parts.length };
  };
  if (job.stalledCounter >= SPLIT_AFTER_STALLS && isSplittable(stage, items)) {
    return split('batch outlived its worker repeatedly', { stalls: job.stalledCounter });
  }
  let outcome: StageOutcome;
  try {
    outcome = await options.handlers[stage](batch);
  } catch (error) {
    const attempts = job.opts.attempts ?? 1;
    if (!shouldSplit({ stage, items, error, attemptsMade: job.attemptsMade, attempts })) throw error;
    return split('batch failed', { attempt: job.attemptsMade + 1, err: error });
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
