import type { Config, ElasticsearchConfig } from '../config/config';
import { readServicesState } from './state';

/** Where this process finds Redis and Elasticsearch. */
export interface Connections {
  redisUrl: string;
  elasticsearch: ElasticsearchConfig;
}

/**
 * External URLs from the config win; otherwise the services `dozor services up` recorded are used.
 * Throws with the fix when neither exists.
 */
export function resolveConnections(config: Config): Connections {
  const state = readServicesState(config.stateDir);
  const redisUrl = config.redisUrl ?? state.redis?.url;
  const esUrl = config.elasticsearch.url ?? state.elasticsearch?.url;
  const missing = [
    redisUrl === undefined ? 'Redis (REDIS_URL)' : undefined,
    esUrl === undefined ? 'Elasticsearch (ELASTICSEARCH_URL)' : undefined,
  ].filter((name) => name !== undefined);
  if (redisUrl === undefined || esUrl === undefined) {
    throw new Error(
      `${missing.join(' and ')} not configured. Start the local services with ` +
        '`npm run dozor -- services up`, or set the variables to point at your own.',
    );
  }
  return { redisUrl, elasticsearch: { ...config.elasticsearch, url: esUrl } };
}
