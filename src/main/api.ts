import type { Server } from 'node:http';
import { createApp } from '../api/app';
import { answerClientErrors } from '../api/client-errors';
import { LIMITS } from '../cluster/thresholds';
import { StoryService } from '../cluster/story-service';
import { Gazetteer } from '../detect/gazetteer';
import { AlertsRepository } from '../store/alerts.repository';
import { AppealsRepository } from '../store/appeals.repository';
import { AuditRepository } from '../store/audit.repository';
import { KeysRepository } from '../store/keys.repository';
import { KnownFakesRepository } from '../store/known-fakes.repository';
import { LshRepository } from '../store/lsh.repository';
import { PostSearchRepository } from '../store/post-search.repository';
import { SourcesRepository } from '../store/sources.repository';
import { StoriesRepository } from '../store/stories.repository';
import { checkReadiness, type Context } from './context';
import type { Pipeline } from './pipeline';

/** Starts the HTTP API and dashboard on the configured host and port; resolves once it listens. */
export function startApi(
  context: Context,
  pipeline: Pipeline,
  port = context.config.api.port,
): Promise<Server> {
  const { config, es, redis } = context;
  const prefix = config.indexPrefix;
  const alerts = new AlertsRepository(es, prefix);
  const knownFakes = new KnownFakesRepository(es, prefix);
  const app = createApp({
    logger: context.logger,
    readiness: () => checkReadiness(context),
    corsOrigins: config.api.corsOrigins,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    keys: new KeysRepository(redis, config.queuePrefix),
    audit: new AuditRepository(redis, config.queuePrefix),
    ledger: pipeline.ledger,
    rejects: pipeline.rejects,
    queues: pipeline.queues,
    postSearch: new PostSearchRepository(es, prefix),
    stories: new StoryService({
      lsh: new LshRepository(redis, config.queuePrefix, {
        ttlSeconds: LIMITS.stateTtlSeconds,
        bucketCap: LIMITS.bucketCap,
        exemplarCap: LIMITS.exemplarsPerStory,
        maxCandidates: LIMITS.maxCandidates,
      }),
      stories: new StoriesRepository(es, prefix),
    }),
    review: { alerts, knownFakes },
    sources: { sources: new SourcesRepository(es, prefix) },
    knownFakes: { knownFakes },
    appeals: { appeals: new AppealsRepository(es, prefix) },
    gazetteer: Gazetteer.build(),
    chromiumPath: config.chromiumPath,
    producer: (source) => pipeline.producer(source),
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(port, config.api.host, (error?: Error) => {
      if (error) reject(error);
      else resolve(server);
    });
    answerClientErrors(server);
  });
}
