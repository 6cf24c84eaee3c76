/**
 * Replays a synthetic scenario through the real pipeline stages (normalize → enrich → cluster → detect
 * → index) against the real Redis and Elasticsearch, in publication order and in small batches, the way
 * a live stream arrives. Shared by the alert evaluation, the alert benchmark and the detect integration
 * tests. The detectors run on event time: "now" is the newest publication time seen, so a week replays
 * in minutes and time-to-alert is measured in the stream's own time.
 */
import { generate, type Emitted, type GenerateOptions } from '../../datasets/synthetic/generator';
import type { Source } from '../../datasets/synthetic/sources';
import type { Summary } from '../../datasets/synthetic/truth';
import { registerSources } from '../../src/alerts/registries';
import type { SourceKind } from '../../src/alerts/registry';
import type { DetectOutcome } from '../../src/detect/service';
import type { Post } from '../../src/domain/post';
import { postFromInput, postInputSchema } from '../../src/domain/post-input';
import type { Context } from '../../src/main/context';
import type { Encoder } from '../../src/models/encoder';
import { createEncoder } from '../../src/models/encoder-pool';
import { Classifier } from '../../src/models/heads/classifier';
import { assertModelsReady, getModelEntry } from '../../src/models/model-registry';
import type { BatchPayload } from '../../src/pipeline/jobs';
import { batchKeyOf } from '../../src/pipeline/jobs';
import { clusterStage } from '../../src/pipeline/stages/cluster.stage';
import { detectStage } from '../../src/pipeline/stages/detect.stage';
import { enrichStage } from '../../src/pipeline/stages/enrich.stage';
import { indexStage } from '../../src/pipeline/stages/index.stage';
import { normalizeStage } from '../../src/pipeline/stages/normalize.stage';
import type { StageHandler } from '../../src/pipeline/stages/stage';
import { LIMITS } from '../../src/cluster/thresholds';
import { AlertsRepository } from '../../src/store/alerts.repository';
import { AppealsRepository } from '../../src/store/appeals.repository';
import { BoilerplateRepository } from '../../src/store/boilerplate.repository';
import { BurstsRepository } from '../../src/store/bursts.repository';
import { KnownFakesRepository } from '../../src/store/known-fakes.repository';
import { LocksRepository } from '../../src/store/locks.repository';
import { LedgerRepository } from '../../src/store/ledger.repository';
import { LshRepository } from '../../src/store/lsh.repository';
import { RejectsRepository } from '../../src/store/rejects.repository';
import { SourceSightingsRepository } from '../../src/store/source-sightings.repository';
import { SourcesRepository } from '../../src/store/sources.repository';
import { StoriesRepository } from '../../src/store/stories.repository';
import { TrendsRepository } from '../../src/store/trends.repository';
import { DETECTORS } from '../../src/detect/detectors.config';

/** The kinds a ЦУР registers: residents and campaign accounts are not in any registry. */
const REGISTERED: Readonly<Partial<Record<Source['kind'], SourceKind>>> = {
  official: 'official',
  media: 'media',
  community: 'community',
  anonymous: 'anonymous',
};

export interface Replay {
  repos: {
    alerts: AlertsRepository;
    appeals: AppealsRepository;
    knownFakes: KnownFakesRepository;
    sources: SourcesRepository;
    stories: StoriesRepository;
  };
  /** Registers the scenario's established sources (officials, media, communities, anonymous channels). */
  registerSources(sources: readonly Source[]): Promise<number>;
  /** Runs posts through the stages in batches; returns the detect outcomes. */
  feed(posts: readonly Emitted[], batchSize: number): Promise<DetectOutcome[]>;
  /** Whether the encoder and heads ran. */
  models: boolean;
  close(): Promise<void>;
}

/** Builds the stage chain on a context (use a throw-away prefix: the replay writes everything). */
export async function createReplay(context: Context, options: { models: boolean }): Promise<Replay> {
  const { redis, es, config } = context;
  const prefix = config.queuePrefix;
  const stories = new StoriesRepository(es, config.indexPrefix);
  const repos = {
    alerts: new AlertsRepository(es, config.indexPrefix),
    appeals: new AppealsRepository(es, config.indexPrefix),
    knownFakes: new KnownFakesRepository(es, config.indexPrefix),
    sources: new SourcesRepository(es, config.indexPrefix),
    stories,
  };
  let clock = 0;
  const now = (): Date => new Date(clock);
  let encoder: Encoder | undefined;
  let heads: Classifier | undefined;
  let enrich: StageHandler | undefined;
  if (options.models) {
    await assertModelsReady(config);
    const entry = getModelEntry('multilingual-e5-small');
    const key = { model: entry.name, version: entry.version, dim: entry.dim };
    const topics = Classifier.load({ encoder: key, tasks: ['topic'] });
    heads = Classifier.load({ encoder: key, tasks: ['fake', 'route'] });
    encoder = await createEncoder(config, { model: 'multilingual-e5-small', maxTokens: topics.maxTokens });
    enrich = enrichStage({ encoder, classifier: topics });
  }
  const ledger = new LedgerRepository(redis, prefix);
  const outcomes: DetectOutcome[] = [];
  const classify = heads;
  const stages: StageHandler[] = [
    normalizeStage({ boilerplate: new BoilerplateRepository(redis, prefix), now }),
    ...(enrich === undefined ? [] : [enrich]),
    clusterStage({
      lsh: new LshRepository(redis, prefix, {
        ttlSeconds: LIMITS.stateTtlSeconds,
        bucketCap: LIMITS.bucketCap,
        exemplarCap: LIMITS.exemplarsPerStory,
        maxCandidates: LIMITS.maxCandidates,
      }),
      stories,
      semantic: options.models,
      now,
    }),
    detectStage({
      alerts: repos.alerts,
      stories,
      sources: repos.sources,
      knownFakes: repos.knownFakes,
      sightings: new SourceSightingsRepository(redis, prefix),
      bursts: new BurstsRepository(redis, prefix, { baselineDays: DETECTORS.emergency.baselineDays }),
      trends: new TrendsRepository(redis, prefix, { keepDays: DETECTORS.trend.baselineDays + 8 }),
      appeals: repos.appeals,
      locks: new LocksRepository(redis, prefix),
      ...(classify === undefined
        ? {}
        : {
            heads: {
              classify: (task: 'fake' | 'route', v: readonly Float32Array[]) => classify.classify(task, v),
            },
          }),
      now,
      onOutcome: (outcome) => outcomes.push(outcome),
    }),
    indexStage({
      posts: context.posts,
      rejects: new RejectsRepository(es, config.indexPrefix, config.bulkMaxBytes),
      ledger,
      now,
    }),
  ];

  return {
    repos,
    models: options.models,
    async registerSources(sources) {
      const inputs = sources.flatMap((s) => {
        const kind = REGISTERED[s.kind];
        return kind === undefined
          ? []
          : [
              {
                platform: s.platform,
                channel: s.channel,
                title: s.channelTitle,
                kind,
                region: s.region.name,
                firstSeenAt: new Date(s.createdAt).toISOString(),
              },
            ];
      });
      return (await registerSources({ sources: repos.sources }, inputs, 'eval')).length;
    },
    async feed(emitted, batchSize) {
      outcomes.length = 0;
      for (let i = 0; i < emitted.length; i += batchSize) {
        const slice = emitted.slice(i, i + batchSize);
        const posts: Post[] = slice.map((e) => postFromInput(postInputSchema.parse(e.post)));
        clock = Math.max(clock, ...posts.map((p) => Date.parse(p.publishedAt)));
        const runId = 'replay';
        const ids = posts.map((p) => p.id);
        let batch: BatchPayload = {
          runId,
          batchKey: batchKeyOf(runId, ids),
          posts: posts.map((post) => ({ post })),
          rejects: [],
        };
        await ledger.admit(runId, batch.batchKey, ids, []);
        for (const stage of stages) batch = (await stage(batch)).next;
      }
      return [...outcomes];
    },
    async close() {
      await encoder?.close();
    },
  };
}

/** A scenario as a list plus its summary and sources (the generator's return value). */
export function scenarioPosts(options: GenerateOptions): {
  posts: Emitted[];
  summary: Summary;
  sources: readonly Source[];
} {
  const posts: Emitted[] = [];
  const iterator = generate(options);
  for (;;) {
    const next = iterator.next();
    if (next.done === true) return { posts, summary: next.value.summary, sources: next.value.sources };
    posts.push(next.value);
  }
}
