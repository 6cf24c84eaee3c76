import { loadConfig } from '../src/config/config';
import { ensureChromium } from '../src/provision/chromium';
import { resolveConnections } from '../src/provision/connections';
import { assertElasticsearchReachable, createElasticsearchClient } from '../src/store/elasticsearch';
import { assertRedisReachable } from '../src/store/redis';

/**
 * Integration and browser tests need the real services. `npm test` starts them; running jest directly
 * needs `npm run dozor -- services up` first (or REDIS_URL / ELASTICSEARCH_URL). Fail once, clearly, not
 * per test. They also need Debian's Chromium (the browser tests, and the API's PDF briefing), installed
 * here when missing.
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  const connections = resolveConnections(config);
  const es = createElasticsearchClient(connections.elasticsearch);
  try {
    await assertElasticsearchReachable(es, connections.elasticsearch.url);
  } finally {
    await es.close();
  }
  await assertRedisReachable(connections.redisUrl);
  await ensureChromium(config.chromiumPath, (line) => {
    process.stderr.write(`${line}\n`);
  });
}
