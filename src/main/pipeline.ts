import type { Stage } from '../pipeline/jobs';
import { BatchProducer, type PostValidator } from '../pipeline/producer';
import { closeQueues, createQueues, pendingJobs, type StageQueues } from '../pipeline/queues';
import { startWorkers, type PipelineWorkers } from '../pipeline/runner';
import { indexStage } from '../pipeline/stages/index.stage';
import { ingestStage } from '../pipeline/stages/ingest.stage';
import { normalizeStage } from '../pipeline/stages/normalize.stage';
import { passThrough, type StageHandler } from '../pipeline/stages/stage';
import { validatePost } from '../pipeline/validate';
import { BoilerplateRepository } from '../store/boilerplate.repository';
import { LedgerRepository } from '../store/ledger.repository';
import { RejectsRepository } from '../store/rejects.repository';
import type { Context } from './context';

/** Queues, ledger and repositories of the pipeline, built on a process context. */
export interface Pipeline {
  queues: StageQueues;
  ledger: LedgerRepository;
  rejects: RejectsRepository;
  startWorkers(stages?: readonly Stage[]): PipelineWorkers;
  /** Starts a producer for one run (an import, an API request). */
  producer(source: string): Promise<BatchProducer>;
  pending(): Promise<number>;
  close(): Promise<void>;
}

const validate: PostValidator = (post, now) => {
  const verdict = validatePost(post, now);
  return verdict.ok ? { ok: true } : { ok: false, code: verdict.code, reason: verdict.reason };
};

export function createPipeline(context: Context): Pipeline {
  const { config, redis, es, logger } = context;
  const prefix = config.queuePrefix;
  const queues = createQueues(redis, prefix, {
    attempts: config.pipeline.jobAttempts,
    backoffMs: config.pipeline.jobBackoffMs,
  });
  const ledger = new LedgerRepository(redis, prefix);
  const rejects = new RejectsRepository(es, config.indexPrefix, config.bulkMaxBytes);
  const handlers: Record<Stage, StageHandler> = {
    ingest: ingestStage(ledger),
    normalize: normalizeStage({ boilerplate: new BoilerplateRepository(redis, prefix) }),
    enrich: passThrough,
    cluster: passThrough,
    detect: passThrough,
    index: indexStage({ posts: context.posts, rejects, ledger }),
  };
  const pending = (): Promise<number> => pendingJobs(queues);
  return {
    queues,
    ledger,
    rejects,
    pending,
    startWorkers: (stages) =>
      startWorkers({
        connection: redis,
        prefix,
        queues,
        handlers,
        logger,
        concurrency: (stage) => config.pipeline.stageConcurrency[stage] ?? config.pipeline.workerConcurrency,
        lockMs: config.pipeline.workerLockMs,
        backoffMs: config.pipeline.jobBackoffMs,
        ...(stages ? { stages } : {}),
      }),
    producer: (source) =>
      BatchProducer.start(source, {
        ingestQueue: queues.ingest,
        ledger,
        validate,
        batchSize: config.pipeline.batchSize,
        maxPendingBatches: config.pipeline.maxPendingBatches,
        pending,
      }),
    close: () => closeQueues(queues),
  };
}
