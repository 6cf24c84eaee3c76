import type { Redis } from 'ioredis';
import { ScriptRunner } from './scripts';

/** One post's share of the trend counters. */
export interface TrendPost {
  postId: string;
  /** Hour and day buckets (epoch ms) of its publication. */
  hour: number;
  day: number;
  /** Its story (its own id when it has none): a story's copies count once among distinct stories. */
  storyId: string;
  topics: readonly string[];
  /** Lemmas its topics' term counts get, each once. */
  terms: readonly string[];
}

/** Counts of some posts: posts and story ids per (hour, topic), and lemma counts per (day, topic). */
interface TrendIncrements {
  /** Hour bucket (epoch ms) → topic → posts; the pseudo-topic `*` counts all posts. */
  topics: Map<number, Map<string, number>>;
  /** Day bucket (epoch ms) → topic → lemma → count. */
  terms: Map<number, Map<string, Map<string, number>>>;
  /** Hour bucket → topic → story ids (distinct stories, so one story's copies count once). */
  stories: Map<number, Map<string, Set<string>>>;
}

export const ALL_TOPICS = '*';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Terms kept per (day, topic): the long tail says nothing about trends and would fill memory. */
const TERMS_KEPT = 2000;

/**
 * Adds the counts of posts not counted before: a marker per post (in a set per publication hour) makes a
 * retried batch, or the halves of a split one, add nothing twice. If any post was counted already the
 * script writes nothing and returns those ids, and the caller sends the counts of the others; markers and
 * counts are written in one script, so a crash leaves neither or both.
 */
const ADD = `
local p = ARGV[1]
local ttl = tonumber(ARGV[2])
local keep = tonumber(ARGV[3])
local nPosts = tonumber(ARGV[4])
local counted = {}
for j = 0, nPosts - 1 do
  local id, hour = ARGV[5 + 2 * j], ARGV[6 + 2 * j]
  if redis.call('SISMEMBER', p .. 'counted:' .. hour, id) == 1 then counted[#counted + 1] = id end
end
if #counted > 0 then return counted end
for j = 0, nPosts - 1 do
  local key = p .. 'counted:' .. ARGV[6 + 2 * j]
  redis.call('SADD', key, ARGV[5 + 2 * j])
  redis.call('PEXPIRE', key, 2 * 86400000)
end
local i = 5 + 2 * nPosts
local nTopics = tonumber(ARGV[i]); i = i + 1
for _ = 1, nTopics do
  local key = p .. 'topics:' .. ARGV[i]
  redis.call('HINCRBY', key, ARGV[i + 1], tonumber(ARGV[i + 2]))
  redis.call('PEXPIRE', key, ttl)
  i = i + 3
end
local nTerms = tonumber(ARGV[i]); i = i + 1
local touched = {}
for _ = 1, nTerms do
  local key = p .. 'terms:' .. ARGV[i] .. ':' .. ARGV[i + 1]
  redis.call('ZINCRBY', key, tonumber(ARGV[i + 3]), ARGV[i + 2])
  touched[key] = true
  i = i + 4
end
for key in pairs(touched) do
  redis.call('ZREMRANGEBYRANK', key, 0, -(keep + 1))
  redis.call('PEXPIRE', key, ttl)
end
local nStories = tonumber(ARGV[i]); i = i + 1
for _ = 1, nStories do
  local key = p .. 'stories:' .. ARGV[i] .. ':' .. ARGV[i + 1]
  local n = tonumber(ARGV[i + 2])
  redis.call('PFADD', key, unpack(ARGV, i + 3, i + 2 + n))
  redis.call('PEXPIRE', key, ttl)
  i = i + 3 + n
end
return nPosts
`;

/** Sums posts' shares into the counters' increments. */
function trendIncrements(posts: readonly TrendPost[]): TrendIncrements {
  const increments: TrendIncrements = { topics: new Map(), terms: new Map(), stories: new Map() };
  const within = <K, V>(map: Map<K, V>, key: K, make: () => V): V => {
    let value = map.get(key);
    if (value === undefined) map.set(key, (value = make()));
    return value;
  };
  for (const post of posts) {
    const topics = within(increments.topics, post.hour, () => new Map<string, number>());
    const stories = within(increments.stories, post.hour, () => new Map<string, Set<string>>());
    for (const topic of [ALL_TOPICS, ...post.topics]) {
      topics.set(topic, (topics.get(topic) ?? 0) + 1);
      within(stories, topic, () => new Set<string>()).add(post.storyId);
    }
    for (const topic of post.topics) {
      const perDay = within(increments.terms, post.day, () => new Map<string, Map<string, number>>());
      const terms = within(perDay, topic, () => new Map<string, number>());
      for (const term of post.terms) terms.set(term, (terms.get(term) ?? 0) + 1);
    }
  }
  return increments;
}

/**
 * Trend counters in Redis: posts and distinct stories (HyperLogLog) per topic per hour (with the
 * total), and top lemmas per topic per day, kept for the baseline period plus a week. Shared by every
 * worker; each post counts once.
 */
export class TrendsRepository {
  private readonly p: string;
  private readonly scripts: ScriptRunner<'ADD'>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly options: { keepDays: number },
  ) {
    this.p = `${prefix}:trends:`;
    this.scripts = new ScriptRunner(redis, { ADD });
  }

  /** Counts the posts not counted before; returns how many that was (0 for a batch counted already). */
  async add(posts: readonly TrendPost[]): Promise<number> {
    let pending = posts;
    while (pending.length > 0) {
      const [reply] = await this.scripts.run([{ script: 'ADD', args: this.addArgs(pending) }]);
      if (!Array.isArray(reply)) return pending.length;
      const counted = new Set(reply.map(String));
      pending = pending.filter((post) => !counted.has(post.postId));
    }
    return 0;
  }

  private addArgs(posts: readonly TrendPost[]): (string | number)[] {
    const increments = trendIncrements(posts);
    const topicArgs: (string | number)[] = [];
    let topicCount = 0;
    for (const [hour, topics] of increments.topics) {
      for (const [topic, n] of topics) {
        topicArgs.push(hour, topic, n);
        topicCount++;
      }
    }
    const termArgs: (string | number)[] = [];
    let termCount = 0;
    for (const [day, topics] of increments.terms) {
      for (const [topic, terms] of topics) {
        for (const [term, n] of terms) {
          termArgs.push(day, topic, term, n);
          termCount++;
        }
      }
    }
    const storyArgs: (string | number)[] = [];
    let storyCount = 0;
    for (const [hour, topics] of increments.stories) {
      for (const [topic, ids] of topics) {
        if (ids.size === 0) continue;
        // One PFADD per (hour, topic) with all its ids: a batch holds a few hundred at most.
        storyArgs.push(hour, topic, ids.size, ...ids);
        storyCount++;
      }
    }
    return [
      this.p,
      this.options.keepDays * DAY,
      TERMS_KEPT,
      posts.length,
      ...posts.flatMap((post) => [post.postId, post.hour]),
      topicCount,
      ...topicArgs,
      termCount,
      ...termArgs,
      storyCount,
      ...storyArgs,
    ];
  }

  /** Posts per topic for each hour bucket (epoch ms) asked; hours without posts map to an empty record. */
  async hourly(hours: readonly number[]): Promise<Map<number, Record<string, number>>> {
    const pipeline = this.redis.pipeline();
    for (const hour of hours) pipeline.hgetall(`${this.p}topics:${hour}`);
    const results = (await pipeline.exec()) ?? [];
    const out = new Map<number, Record<string, number>>();
    hours.forEach((hour, i) => {
      const [error, value] = results[i] ?? [null, {}];
      if (error) throw error;
      const record: Record<string, number> = {};
      if (value !== null && typeof value === 'object') {
        for (const [topic, n] of Object.entries(value)) record[topic] = Number(n);
      }
      out.set(hour, record);
    });
    return out;
  }

  /**
   * Distinct stories of a topic over sets of hours (HyperLogLog union, ~1% error), one count per query:
   * what trends are tested on, so that one story's hundred copies are one voice.
   */
  async distinctStories(queries: readonly { topic: string; hours: readonly number[] }[]): Promise<number[]> {
    const pipeline = this.redis.pipeline();
    for (const q of queries) {
      if (q.hours.length === 0) pipeline.echo('0');
      else pipeline.pfcount(...q.hours.map((hour) => `${this.p}stories:${hour}:${q.topic}`));
    }
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      return Number(value);
    });
  }

  /** Top lemmas of a topic on the given days (summed), most frequent first. */
  async terms(topic: string, days: readonly number[], limit: number): Promise<Map<string, number>> {
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.zrevrange(`${this.p}terms:${day}:${topic}`, 0, limit * 4, 'WITHSCORES');
    const results = (await pipeline.exec()) ?? [];
    const out = new Map<string, number>();
    for (const [error, value] of results) {
      if (error) throw error;
      const flat = Array.isArray(value) ? value.map(String) : [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const term = flat[i] ?? '';
        out.set(term, (out.get(term) ?? 0) + Number(flat[i + 1]));
      }
    }
    return out;
  }
}

export { HOUR as TREND_HOUR_MS, DAY as TREND_DAY_MS };
