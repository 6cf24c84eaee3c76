import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { STAGES, batchJobId, fromJobData, nextStage, toJobData, type BatchJobData, type Stage } from './jobs';
import { backoffDelay, type StageQueues } from './queues';
import type { StageHandler } from './stages/stage';

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
}

/**
 * Starts one BullMQ worker per stage. The runner, not the stages, decides what happens next: it enqueues
 * the outcome for the next stage with a deterministic job id (so a retry after a crash cannot duplicate
 * it), and splits posts that failed alone into single-post jobs so one poison post never blocks a batch.
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
  const outcome = await options.handlers[stage](batch);
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
    await options.queues[stage].add(
      stage,
      toJobData({ runId: batch.runId, batchKey, posts: [item], rejects: [] }),
      { jobId: batchJobId(stage, batchKey) },
    );
  }
  const next = nextStage(stage, options.skipStages);
  const { posts, rejects } = outcome.next;
  if (next !== undefined && (posts.length > 0 || rejects.length > 0)) {
    await options.queues[next].add(next, toJobData(outcome.next), {
      jobId: batchJobId(next, outcome.next.batchKey),
    });
  }
  return { posts: posts.length, rejects: rejects.length, poison: outcome.poison.length };
}
