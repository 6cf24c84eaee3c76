import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A line seen in at least this many posts of one channel is that channel's boilerplate (signatures, ads). */
export const BOILERPLATE_MIN_POSTS = 8;
/** Counters of a channel expire when it falls silent, bounding Redis memory. */
const TTL_SECONDS = 60 * 60 * 24 * 30;

/**
 * Learns, per channel, which short lines repeat verbatim across many posts. Shared by all workers through
 * Redis, so every process removes the same lines. Counts are approximate under retries (a retried batch
 * counts its lines again), which only makes a line reach the threshold a little sooner.
 */
export class BoilerplateRepository {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly minPosts = BOILERPLATE_MIN_POSTS,
  ) {}

  /**
   * Counts each post's line keys for its channel and returns, per post, the keys that are boilerplate
   * once this batch is counted. One round trip per batch.
   */
  async observe(items: readonly { channel: string; lineKeys: readonly string[] }[]): Promise<Set<string>[]> {
    const pipeline = this.redis.pipeline();
    const keys = items.map((item) => this.channelKey(item.channel));
    items.forEach((item, i) => {
      const key = keys[i] ?? '';
      for (const line of new Set(item.lineKeys)) pipeline.hincrby(key, line, 1);
      pipeline.expire(key, TTL_SECONDS);
    });
    await pipeline.exec();
    const reads = this.redis.pipeline();
    items.forEach((item, i) =>
      reads.hmget(keys[i] ?? '', ...(item.lineKeys.length > 0 ? item.lineKeys : ['-'])),
    );
    const results = (await reads.exec()) ?? [];
    return items.map((item, i) => {
      const counts = results[i]?.[1];
      const found = new Set<string>();
      if (Array.isArray(counts)) {
        item.lineKeys.forEach((line, j) => {
          if (Number(counts[j] ?? 0) >= this.minPosts) found.add(line);
        });
      }
      return found;
    });
  }

  private channelKey(channel: string): string {
    return `${this.prefix}:boilerplate:${createHash('sha1').update(channel).digest('hex')}`;
  }
}
