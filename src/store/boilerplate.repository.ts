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
   * once this batch is counted. One round trip per batch: the batch's posts are summed per channel and
   * line first, so each line is one HINCRBY whose reply is its count with this batch included.
   */
  async observe(items: readonly { channel: string; lineKeys: readonly string[] }[]): Promise<Set<string>[]> {
    const keys = items.map((item) => this.channelKey(item.channel));
    const increments = new Map<string, Map<string, number>>();
    items.forEach((item, i) => {
      const key = keys[i] ?? '';
      const lines = increments.get(key) ?? new Map<string, number>();
      increments.set(key, lines);
      // A line counts once per post, however often the post repeats it.
      for (const line of new Set(item.lineKeys)) lines.set(line, (lines.get(line) ?? 0) + 1);
    });
    const pipeline = this.redis.pipeline();
    for (const [key, lines] of increments) {
      for (const [line, by] of lines) {
        pipeline.hincrby(key, line, by);
      }
      pipeline.expire(key, TTL_SECONDS);
    }
    const replies = (await pipeline.exec()) ?? [];
    const counts = new Map<string, Map<string, number>>();
    let reply = 0;
    for (const [key, lines] of increments) {
      const found = new Map<string, number>();
      counts.set(key, found);
      // Replies come in the order the commands were queued: one per line, then the channel's EXPIRE.
      for (const line of lines.keys()) found.set(line, countOf(replies[reply++], key));
      countOf(replies[reply++], key);
    }
    return items.map((item, i) => {
      const found = counts.get(keys[i] ?? '');
      return new Set(item.lineKeys.filter((line) => (found?.get(line) ?? 0) >= this.minPosts));
    });
  }

  private channelKey(channel: string): string {
    return `${this.prefix}:boilerplate:${createHash('sha1').update(channel).digest('hex')}`;
  }
}

/** The integer reply of one pipelined command; a failed command throws, so the batch is retried. */
function countOf(reply: [Error | null, unknown] | undefined, key: string): number {
  if (reply === undefined) throw new Error(`boilerplate counts of ${key}: no reply from Redis`);
  const [error, value] = reply;
  if (error) throw error;
  return Number(value);
}
