import type { Config } from '../config/config';
import { elasticsearchStatus, startElasticsearch, stopElasticsearch } from './elasticsearch';
import { redisStatus, startRedis, stopRedis } from './redis';
import { readServicesState, writeServicesState } from './state';

type Log = (line: string) => void;

/**
 * Starts the local Redis and Elasticsearch unless REDIS_URL / ELASTICSEARCH_URL point at external ones.
 * Safe to run twice: running services are reused. Data lives in the state folder and survives `down`.
 */
export async function servicesUp(config: Config, log: Log): Promise<void> {
  const state = readServicesState(config.stateDir);
  if (config.redisUrl === undefined) {
    state.redis = await startRedis(config.dataDir, state.redis, log);
    writeServicesState(config.stateDir, state);
  } else {
    log(`Redis: using external ${redactUrl(config.redisUrl)} (REDIS_URL)`);
  }
  if (config.elasticsearch.url === undefined) {
    state.elasticsearch = await startElasticsearch({
      stateDir: config.stateDir,
      dataDir: config.dataDir,
      javaHome: config.esJavaHome,
      previous: state.elasticsearch,
      log,
    });
    writeServicesState(config.stateDir, state);
  } else {
    log(`Elasticsearch: using external ${redactUrl(config.elasticsearch.url)} (ELASTICSEARCH_URL)`);
  }
}

/** Stops what `servicesUp` started; external services are never touched. */
export async function servicesDown(config: Config, log: Log): Promise<void> {
  const state = readServicesState(config.stateDir);
  if (state.elasticsearch) await stopElasticsearch(state.elasticsearch, log);
  if (state.redis) await stopRedis(state.redis, log);
}

export async function servicesStatus(config: Config): Promise<{ redis: string; elasticsearch: string }> {
  const state = readServicesState(config.stateDir);
  return {
    redis:
      config.redisUrl === undefined
        ? await redisStatus(state.redis)
        : `external ${redactUrl(config.redisUrl)}`,
    elasticsearch:
      config.elasticsearch.url === undefined
        ? await elasticsearchStatus(state.elasticsearch)
        : `external ${redactUrl(config.elasticsearch.url)}`,
  };
}

/** Hides credentials embedded in a URL before it is printed or logged. */
export function redactUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password !== '') url.password = '***';
  return url.toString();
}
