import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config/config';
import { createLogger, type Logger } from '../logging/logger';
import { resolveConnections, type Connections } from '../provision/connections';
import {
  assertElasticsearchReachable,
  createElasticsearchClient,
  describeEsError,
} from '../store/elasticsearch';
import { ensureIndices, missingIndices } from '../store/index-manager';
import { PostsRepository } from '../store/posts.repository';
import { assertRedisReachable, closeRedis, createRedis } from '../store/redis';
import type { DependencyCheck } from '../api/routes/health/health.routes';

/** The real clients and repositories of one process; built only here and in tests. */
export interface Context {
  config: Readonly<Config>;
  connections: Connections;
  logger: Logger;
  es: Client;
  redis: Redis;
  posts: PostsRepository;
  close(): Promise<void>;
}

export interface ContextOptions {
  env?: Record<string, string | undefined>;
  /** Log to stderr: for CLI commands whose stdout carries data. */
  logToStderr?: boolean;
}

/**
 * Validates config, checks that Redis and Elasticsearch answer (failing fast with the fix), creates
 * missing indices, and returns the wired context.
 */
export async function createContext(options: ContextOptions = {}): Promise<Context> {
  const config = loadConfig(options.env);
  const logger = createLogger(config.logLevel, options.logToStderr ? 2 : 1);
  const connections = resolveConnections(config);
  const es = createElasticsearchClient(connections.elasticsearch);
  await assertElasticsearchReachable(es, connections.elasticsearch.url);
  await assertRedisReachable(connections.redisUrl);
  await ensureIndices(es, config.indexPrefix);
  const redis = createRedis(connections.redisUrl);
  return {
    config,
    connections,
    logger,
    es,
    redis,
    posts: new PostsRepository(es, config.indexPrefix, config.bulkMaxBytes),
    async close() {
      await closeRedis(redis);
      await es.close();
    },
  };
}

/** Readiness of the dependencies, for `/readyz`. */
export async function checkReadiness(context: Context): Promise<DependencyCheck[]> {
  const redis: DependencyCheck = await context.redis
    .ping()
    .then(() => ({ name: 'redis', ok: true }))
    .catch((error: unknown) => ({ name: 'redis', ok: false, detail: String(error) }));
  let elasticsearch: DependencyCheck;
  try {
    const missing = await missingIndices(context.es, context.config.indexPrefix);
    elasticsearch =
      missing.length === 0
        ? { name: 'elasticsearch', ok: true }
        : { name: 'elasticsearch', ok: false, detail: `missing indices: ${missing.join(', ')}` };
  } catch (error) {
    elasticsearch = { name: 'elasticsearch', ok: false, detail: describeEsError(error) };
  }
  return [redis, elasticsearch];
}
