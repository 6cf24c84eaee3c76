import { Redis } from 'ioredis';

/**
 * One factory for every Redis connection: our own state and BullMQ share the same settings.
 * `maxRetriesPerRequest: null` is what BullMQ workers require (blocking commands must wait out an outage
 * instead of failing), and it makes our own commands wait for Redis to come back rather than lose writes.
 */
export function createRedis(url: string, connectionName = 'dozor'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // Back off up to 2 s between reconnects; never give up: Redis restarts must not kill workers.
    retryStrategy: (times) => Math.min(times * 100, 2000),
    connectionName,
  });
}

/** Closes a connection, waiting for pending replies; falls back to disconnect when Redis is gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/** Fails fast (within `timeoutMs`) with the fix when Redis is unreachable, instead of retrying forever. */
export async function assertRedisReachable(url: string, timeoutMs = 5000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new Error(
      `Redis at ${url} is not reachable (${error instanceof Error ? error.message : String(error)}). ` +
        'Start the local one with `npm run dozor -- services up`, or fix REDIS_URL.',
      { cause: error },
    );
  } finally {
    probe.disconnect();
  }
}

/**
 * Deletes every key under `<prefix>:` (a test's or benchmark's throw-away prefix). SCAN in pages and
 * UNLINK per page: a run leaves hundreds of thousands of keys, too many for one command's arguments.
 */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const page of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
    const keys = Array.isArray(page) ? page.filter((key): key is string => typeof key === 'string') : [];
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  }
  return deleted;
}
