import { STAGES, type Stage } from '../pipeline/jobs';
import { BatchProducer, type PostValidator } from '../pipeline/producer';
import { closeQueues, createQueues, pendingJobs, type StageQueues } from '../pipeline/queues';
import { startWorkers, type PipelineWorkers } from '../pipeline/runner';
import { indexStage } from '../pipeline/stages/index.stage';
import { ingestStage } from '../pipeline/stages/ingest.stage';
import { normalizeStage } from '../pipeline/stages/normalize.stage';
import { clusterStage } from '../pipeline/stages/cluster.stage';
import { enrichStage } from '../pipeline/stages/enrich.stage';
import { passThrough, type StageHandler } from '../pipeline/stages/stage';
import { validatePost } from '../pipeline/validate';
import { LIMITS } from '../cluster/thresholds';
import { createDetect } from '../detect/wiring';
import type { Encoder } from '../models/encoder';
import { createEncoder } from '../models/encoder-pool';
import { Classifier } from '../models/heads/classifier';
import { getModelEntry } from '../models/model-registry';
import { BoilerplateRepository } from '../store/boilerplate.repository';
import { LedgerRepository } from '../store/ledger.repository';
import { LshRepository } from '../store/lsh.repository';
import { RejectsRepository } from '../store/rejects.repository';
import { StoriesRepository } from '../store/stories.repository';
import type { Context } from './context';

/** Queues, ledger and repositories of the pipeline, built on a process context. */
export interface Pipeline {
  queues: StageQueues;
  ledger: LedgerRepository;
  rejects: RejectsRepository;
  /**
   * Starts workers for the given stages (default: all). Loads the local models first when the enrich
   * stage runs here and models are on, failing with the missing file and its fix.
   */
  startWorkers(stages?: readonly Stage[]): Promise<PipelineWorkers>;
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
  const lsh = new LshRepository(redis, prefix, {
    ttlSeconds: LIMITS.stateTtlSeconds,
    bucketCap: LIMITS.bucketCap,
    exemplarCap: LIMITS.exemplarsPerStory,
    maxCandidates: LIMITS.maxCandidates,
  });
  const detect = createDetect(context);
  const stages: Omit<Record<Stage, StageHandler>, 'enrich'> = {
    ingest: ingestStage(ledger),
    normalize: normalizeStage({ boilerplate: new BoilerplateRepository(redis, prefix) }),
    cluster: clusterStage({
      lsh,
      stories: new StoriesRepository(es, config.indexPrefix),
      semantic: config.models.enabled,
    }),
    detect: detect.stage,
    index: indexStage({ posts: context.posts, rejects, ledger }),
  };
  const encoders: Encoder[] = [];
  const pending = (): Promise<number> => pendingJobs(queues);
  return {
    queues,
    ledger,
    rejects,
    pending,
    async startWorkers(only) {
      const enrich = (only ?? STAGES).includes('enrich') && config.models.enabled;
      const handlers: Record<Stage, StageHandler> = {
        ...stages,
        enrich: enrich ? await loadEnrichStage(context, encoders) : passThrough,
      };
      const detectsHere = (only ?? STAGES).includes('detect');
      if (detectsHere) detect.loadHeads();
      // Webhooks of new and escalated alerts are delivered where the detect stage runs.
      const webhooks = detectsHere ? detect.startWebhooks() : undefined;
      const workers = startWorkers({
        connection: redis,
        prefix,
        queues,
        handlers,
        logger,
        concurrency: (stage) => config.pipeline.stageConcurrency[stage] ?? config.pipeline.workerConcurrency,
        lockMs: config.pipeline.workerLockMs,
        backoffMs: config.pipeline.jobBackoffMs,
        // With models off enrich does nothing: batches skip its queue hop.
        skipStages: config.models.enabled ? [] : ['enrich'],
        ...(only ? { stages: only } : {}),
      });
      return {
        workers: workers.workers,
        close: async () => {
          await workers.close();
          await webhooks?.close();
        },
      };
    },
    producer: (source) =>
      BatchProducer.start(source, {
        ingestQueue: queues.ingest,
        ledger,
        validate,
        batchSize: config.pipeline.batchSize,
        maxPendingBatches: config.pipeline.maxPendingBatches,
        pending,
      }),
    async close() {
      await Promise.all(encoders.splice(0).map((encoder) => encoder.close()));
      await detect.close();
      await closeQueues(queues);
    },
  };
}

/** The encoder and the topic heads of the enrich stage; the encoder is closed with the pipeline. */
async function loadEnrichStage(context: Context, encoders: Encoder[]): Promise<StageHandler> {
  const entry = getModelEntry('multilingual-e5-small');
  // Heads first: a head trained on another encoder version fails before the model is loaded.
  const classifier = Classifier.load({
    encoder: { model: entry.name, version: entry.version, dim: entry.dim },
    tasks: ['topic'],
  });
  const encoder = await createEncoder(context.config, {
    model: 'multilingual-e5-small',
    maxTokens: classifier.maxTokens,
  });
  encoders.push(encoder);
  return enrichStage({ encoder, classifier });
}
