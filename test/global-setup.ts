import { loadConfig } from '../src/config/config';
import { resolveConnections } from '../src/provision/connections';
import { assertElasticsearchReachable, createElasticsearchClient } from '../src/store/elasticsearch';
import { assertRedisReachable } from '../src/store/redis';

/**
 * Integration tests need the real services. `npm test` starts them; running jest directly needs
 * `npm run dozor -- services up` first (or REDIS_URL / ELASTICSEARCH_URL). Fail once, clearly, not per test.
 */
export default async function globalSetup(): Promise<void> {
  const connections = resolveConnections(loadConfig());
  const es = createElasticsearchClient(connections.elasticsearch);
  try {
    await assertElasticsearchReachable(es, connections.elasticsearch.url);
  } finally {
    await es.close();
  }
  await assertRedisReachable(connections.redisUrl);
}
