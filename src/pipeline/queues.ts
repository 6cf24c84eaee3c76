import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  STAGES,
  batchJobId,
  fromJobData,
  toJobData,
  type BatchJobData,
  type BatchPayload,
  type Stage,
} from './jobs';

/** One queue per stage; jobs hold batches in their stored form (see `toJobData`). */
export type StageQueues = Record<Stage, Queue<BatchJobData>>;

/** Retry policy shared by every stage; failed jobs stay in the failed set, which is the dead-letter queue. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

/** Longest wait between two attempts: an outage of a minute or more is ridden out without giving up early. */
export const MAX_BACKOFF_MS = 30_000;

/** Delay before attempt `attemptsMade + 1`: exponential from `baseMs`, capped. */
export function backoffDelay(attemptsMade: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attemptsMade - 1), MAX_BACKOFF_MS);
}

/** One queue per stage, sharing the process's Redis connection. */
export function createQueues(connection: Redis, prefix: string, retry: RetryPolicy): StageQueues {
  const entries = STAGES.map((stage) => {
    const queue = new Queue<BatchJobData>(stage, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: retry.attempts,
        backoff: { type: 'capped', delay: retry.backoffMs },
        // A finished job holds its whole batch (megabytes with vectors), so only the last few are kept, for
        // the queue monitor; the deduplication key of `enqueueBatch` is what recognises a re-queued batch.
        removeOnComplete: { age: 3600, count: 100 },
        removeOnFail: false,
      },
    });
    return [stage, queue] as const;
  });
  return Object.fromEntries(entries) as StageQueues;
}

/**
 * How long a batch's job id stays claimed after it was queued. A stage that runs a batch again (its worker
 * died after queueing the batch for the next stage) queues the same id again; within this window the add
 * is ignored even when the first job has finished and been removed. A duplicate after it costs only time:
 * stages write and count per post (the ledger, stories, trend counters, documents).
 */
export const BATCH_DEDUP_MS = 15 * 60_000;

/** Queues a batch for a stage under its deterministic job id (see {@link BATCH_DEDUP_MS}). */
export async function enqueueBatch(
  queue: Queue<BatchJobData>,
  stage: Stage,
  batch: BatchPayload,
): Promise<void> {
  const jobId = batchJobId(stage, batch.batchKey);
  await queue.add(stage, toJobData(batch), { jobId, deduplication: { id: jobId, ttl: BATCH_DEDUP_MS } });
}

/**
 * Jobs not yet finished across all stages (waiting, delayed, active): the back-pressure signal. Producers
 * ask before every batch, so the queues are asked at once rather than one after the other.
 */
export async function pendingJobs(queues: StageQueues): Promise<number> {
  const counts = await Promise.all(
    Object.values(queues).map((queue) =>
      queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children'),
    ),
  );
  return counts.reduce(
    (total, byState) => total + Object.values(byState).reduce((sum, count) => sum + count, 0),
    0,
  );
}

/** A parked (dead-letter) job, as `dozor dlq list` and the API show it. */
export interface DeadLetter {
  stage: Stage;
  jobId: string;
  posts: number;
  rejects: number;
  attemptsMade: number;
  failedReason: string;
  failedAt: string | undefined;
  postIds: string[];
}

function toDeadLetter(stage: Stage, job: Job<BatchJobData>): DeadLetter {
  const batch = fromJobData(job.data);
  return {
    stage,
    jobId: job.id ?? '',
    posts: batch.posts.length,
    rejects: batch.rejects.length,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason,
    failedAt: job.finishedOn === undefined ? undefined : new Date(job.finishedOn).toISOString(),
    postIds: batch.posts.map((item) => item.post.id),
  };
}

/** Jobs that exhausted their attempts, across stages. */
export async function listDeadLetters(queues: StageQueues, limit = 100): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const stage of STAGES) {
    const jobs = await queues[stage].getFailed(0, limit - 1);
    letters.push(...jobs.map((job) => toDeadLetter(stage, job)));
  }
  return letters;
}

/**
 * Puts parked jobs back in their queues (all of them, or those of one stage / one job id) with their full
 * attempts and back-off again: BullMQ keeps the attempts made, and a job retried without resetting them
 * would be parked again by its first transient error. Jobs are read a page at a time: after a bug the
 * dead-letter queue may hold a job per post.
 */
export async function retryDeadLetters(
  queues: StageQueues,
  filter: { stage?: Stage; jobId?: string } = {},
  pageSize = 200,
): Promise<number> {
  const retry = (job: Job<BatchJobData>) =>
    job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  let retried = 0;
  for (const stage of STAGES) {
    if (filter.stage !== undefined && filter.stage !== stage) continue;
    const queue = queues[stage];
    if (filter.jobId !== undefined) {
      const job = await queue.getJob(filter.jobId);
      if (job !== undefined && (await job.isFailed())) {
        await retry(job);
        retried++;
      }
      continue;
    }
    // A retried job leaves the failed set, so the first page is always the next one; the count read
    // first bounds the loop should jobs fail again meanwhile.
    for (let left = await queue.getFailedCount(); left > 0;) {
      const page = await queue.getFailed(0, Math.min(left, pageSize) - 1);
      if (page.length === 0) break;
      for (const job of page) await retry(job);
      retried += page.length;
      left -= page.length;
    }
  }
  return retried;
}

export async function closeQueues(queues: StageQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}
