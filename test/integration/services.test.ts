import { loadConfig } from '../../src/config/config';
import { readServicesState } from '../../src/provision/state';
import { runCli } from '../support/cli';
import { createTestContext } from '../support/context';

const config = loadConfig();
const managedLocally = config.redisUrl === undefined && config.elasticsearch.url === undefined;

// Restarting shared services is only meaningful (and only safe) for the ones this project runs.
(managedLocally ? describe : describe.skip)('dozor services up/down', () => {
  it('up twice is harmless, down stops both, and data survives down + up', async () => {
    const before = await createTestContext('services');
    const prefix = before.config.indexPrefix;
    const redisKey = `${prefix}:survives`;
    await before.posts.bulkUpsert(
      [
        {
          id: 'p1',
          platform: 'api',
          channel: 'c',
          externalId: '1',
          text: 'вода',
          textClean: 'вода',
          lemmas: ['вода'],
          lang: 'ru',
          hashtags: [],
          mentions: [],
          urls: [],
          fingerprint: 'f',
          publishedAt: '2024-01-01T00:00:00Z',
          ingestedAt: '2024-01-01T00:00:00Z',
        },
      ],
      true,
    );
    await before.redis.set(redisKey, 'kept');
    await before.close();
    const pids = readServicesState(config.stateDir);

    const again = await runCli(['services', 'up']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already running');
    expect(readServicesState(config.stateDir)).toEqual(pids);

    const down = await runCli(['services', 'down']);
    expect(down.code).toBe(0);
    const stopped = await runCli(['services', 'status']);
    expect(stopped.stdout).toMatch(/redis:\s+stopped/);
    expect(stopped.stdout).toMatch(/elasticsearch:\s+stopped/);

    const up = await runCli(['services', 'up']);
    expect(up.code).toBe(0);
    const after = await createTestContext('unused', {
      DOZOR_INDEX_PREFIX: prefix,
      DOZOR_QUEUE_PREFIX: prefix,
    });
    try {
      expect((await after.posts.get('p1'))?.text).toBe('вода');
      expect(await after.redis.get(redisKey)).toBe('kept');
    } finally {
      await after.cleanup();
    }
  });
});
