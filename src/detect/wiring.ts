import { readFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { WebhookNotifier, startWebhookWorker, type WebhookSettings } from '../alerts/webhooks';
import type { Config } from '../config/config';
import { Classifier } from '../models/heads/classifier';
import { getModelEntry } from '../models/model-registry';
import { detectStage } from '../pipeline/stages/detect.stage';
import type { StageHandler } from '../pipeline/stages/stage';
import { AlertsRepository } from '../store/alerts.repository';
import { AppealsRepository } from '../store/appeals.repository';
import { BurstsRepository } from '../store/bursts.repository';
import { KnownFakesRepository } from '../store/known-fakes.repository';
import { LocksRepository } from '../store/locks.repository';
import { SourceSightingsRepository } from '../store/source-sightings.repository';
import { SourcesRepository } from '../store/sources.repository';
import { StoriesRepository } from '../store/stories.repository';
import { TrendsRepository } from '../store/trends.repository';
import { DETECTORS } from './detectors.config';
import type { DetectDeps } from './service';
import { DEFAULT_ROUTING_TABLE, routingTableSchema, type RoutingTable } from './routing';

/** The detect stage and its webhook delivery, built on a process's clients. */
export interface DetectWiring {
  stage: StageHandler;
  /**
   * Loads the fake and routing heads now (with models on), so a process that runs the detect stage fails
   * at start on a missing or mismatched head; processes that only read queues never load them.
   */
  loadHeads(): void;
  /**
   * Starts the webhook worker (when URLs are configured); run it where the detect stage runs. The
   * caller owns it and closes it with its other workers.
   */
  startWebhooks(): Worker | undefined;
  close(): Promise<void>;
}

/** Reads `ROUTING_TABLE_FILE`, failing with the file and the problem when it is not a valid table. */
export function loadRoutingTable(file: string | undefined): RoutingTable {
  if (file === undefined) return DEFAULT_ROUTING_TABLE;
  const parsed = routingTableSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`ROUTING_TABLE_FILE ${file} is not a routing table: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** The stores the detect stage reads and writes, on a process's clients (each process has its own). */
export function detectStores(context: {
  config: Readonly<Config>;
  es: Client;
  redis: Redis;
}): Pick<
  DetectDeps,
  'alerts' | 'stories' | 'sources' | 'knownFakes' | 'sightings' | 'bursts' | 'trends' | 'appeals' | 'locks'
> {
  const { config, es, redis } = context;
  const prefix = config.queuePrefix;
  return {
    alerts: new AlertsRepository(es, config.indexPrefix),
    stories: new StoriesRepository(es, config.indexPrefix),
    sources: new SourcesRepository(es, config.indexPrefix),
    knownFakes: new KnownFakesRepository(es, config.indexPrefix),
    sightings: new SourceSightingsRepository(redis, prefix),
    bursts: new BurstsRepository(redis, prefix, { baselineDays: DETECTORS.emergency.baselineDays }),
    trends: new TrendsRepository(redis, prefix, { keepDays: DETECTORS.trend.baselineDays + 8 }),
    appeals: new AppealsRepository(es, config.indexPrefix),
    locks: new LocksRepository(redis, prefix),
  };
}

/**
 * Builds the detect stage with every repository it needs. With models on it uses the fake and routing
 * heads (on the vectors the enrich stage stored, so no encoder is loaded here), loaded on first use or by
 * `loadHeads`.
 */
export function createDetect(context: {
  config: Readonly<Config>;
  es: Client;
  redis: Redis;
  logger: Logger;
}): DetectWiring {
  const { config, redis, logger } = context;
  const prefix = config.queuePrefix;
  const settings: WebhookSettings = {
    urls: config.alerts.webhookUrls,
    secret: config.alerts.webhookSecret ?? '',
    attempts: config.alerts.webhookAttempts,
    backoffMs: 2000,
  };
  const notifier = new WebhookNotifier(redis, prefix, settings);
  let heads: Classifier | undefined;
  const classifier = (): Classifier => {
    const entry = getModelEntry('multilingual-e5-small');
    heads ??= Classifier.load({
      encoder: { model: entry.name, version: entry.version, dim: entry.dim },
      tasks: ['fake', 'route'],
    });
    return heads;
  };
  const stage = detectStage({
    ...detectStores(context),
    notifier,
    ...(config.models.enabled
      ? { heads: { classify: (task, vectors) => classifier().classify(task, vectors) } }
      : {}),
    routingTable: loadRoutingTable(config.alerts.routingTableFile),
    responseDeadlineMs: config.alerts.responseDeadlineMs,
    onOutcome: (outcome) => {
      for (const { doc, change } of outcome.alerts) {
        if (change === 'created' || change === 'escalated') {
          logger.info({ alertId: doc.id, type: doc.type, severity: doc.severity, change }, doc.title);
        }
      }
    },
  });
  return {
    stage,
    loadHeads() {
      if (config.models.enabled) classifier();
    },
    startWebhooks() {
      if (settings.urls.length === 0) return undefined;
      return startWebhookWorker({ connection: redis, prefix, settings, logger });
    },
    async close() {
      await notifier.close();
    },
  };
}
