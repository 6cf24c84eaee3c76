import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ScriptRunner } from './scripts';

/** One post counted for an emergency key (a place + category). */
export interface BurstEvent {
  key: string;
  postId: string;
  /** Distinct-source key (platform, channel and author). */
  sourceKey: string;
  /** Publication time, epoch milliseconds. */
  at: number;
  /** Figures the post states, with the credibility weight of its source. */
  figures?: { people?: number; houses?: number; days?: number; weight: number };
  /** A short evidence record (kept for the first posts of a key only). */
  evidence?: string;
}

/** Counters of one key at an instant. */
export interface BurstStats {
  key: string;
  windowPosts: number;
  previousWindowPosts: number;
  windowSources: number;
  dayPosts: number;
  daySources: number;
  /** Earliest post in the window (epoch ms), or undefined when the window is empty. */
  firstInWindow?: number;
  /** Posts per hour bucket (epoch ms of the hour → count) over the baseline days. */
  hourly: Map<number, number>;
  figures: { people?: number; houses?: number; days?: number; weight: number }[];
  evidence: string[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Posts and sources are kept a little over a day (the day counts), hourly counts over the baseline. */
const KEEP_MS = DAY + 2 * HOUR;

const RECORD = `
local p = ARGV[1]
local key = ARGV[2]
local n = tonumber(ARGV[3])
local baselineTtl = tonumber(ARGV[4])
local evidenceCap = tonumber(ARGV[5])
local keepMs = tonumber(ARGV[6])
local base = p .. key
local maxAt = 0
for i = 0, n - 1 do
  local o = 7 + i * 5
  local postId, source, at, figures, evidence = ARGV[o], ARGV[o + 1], tonumber(ARGV[o + 2]), ARGV[o + 3], ARGV[o + 4]
  if at > maxAt then maxAt = at end
  if redis.call('ZADD', base .. ':posts', 'NX', at, postId) == 1 then
    local hour = math.floor(at / 3600000) * 3600000
    redis.call('HINCRBY', base .. ':hourly', hour, 1)
    if figures ~= '' then redis.call('HSET', base .. ':figures', postId, figures) end
    if evidence ~= '' and redis.call('HLEN', base .. ':evidence') < evidenceCap then
      redis.call('HSET', base .. ':evidence', postId, evidence)
    end
  end
  redis.call('ZADD', base .. ':sources', 'GT', at, source)
end
redis.call('ZREMRANGEBYSCORE', base .. ':posts', '-inf', maxAt - keepMs)
redis.call('ZREMRANGEBYSCORE', base .. ':sources', '-inf', maxAt - keepMs)
for _, suffix in ipairs({':posts', ':sources', ':figures', ':evidence'}) do
  redis.call('PEXPIRE', base .. suffix, keepMs)
end
redis.call('PEXPIRE', base .. ':hourly', baselineTtl)
return 1
`;

const STATS = `
local p = ARGV[1]
local key = ARGV[2]
local at = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local base = p .. key
local posts = base .. ':posts'
local sources = base .. ':sources'
local first = redis.call('ZRANGEBYSCORE', posts, at - window, at, 'WITHSCORES', 'LIMIT', 0, 1)
return {
  redis.call('ZCOUNT', posts, at - window, at),
  redis.call('ZCOUNT', posts, at - 2 * window, '(' .. (at - window)),
  redis.call('ZCOUNT', sources, at - window, at),
  redis.call('ZCOUNT', posts, at - 86400000, at),
  redis.call('ZCOUNT', sources, at - 86400000, at),
  first[2] or '',
  redis.call('HGETALL', base .. ':hourly'),
  redis.call('HVALS', base .. ':figures'),
  redis.call('HVALS', base .. ':evidence')
}
`;

const figuresSchema = z.object({
  people: z.number().optional(),
  houses: z.number().optional(),
  days: z.number().optional(),
  weight: z.number(),
});

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : String(v))) : [];

/**
 * Burst counters of the emergency detector in Redis, per key (a place + category): posts by time
 * (idempotent: a post counts once however often its batch is retried), distinct sources, hourly counts
 * for the baseline, the figures posts state, and a few evidence records. Shared by every worker.
 */
export class BurstsRepository {
  private readonly p: string;
  private readonly scripts: ScriptRunner<'RECORD' | 'STATS'>;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly options: { baselineDays: number; evidenceCap?: number },
  ) {
    this.p = `${prefix}:bursts:`;
    this.scripts = new ScriptRunner(redis, { RECORD, STATS });
  }

  /** Counts posts (grouped per key: one script call per key). */
  async record(events: readonly BurstEvent[]): Promise<void> {
    const byKey = new Map<string, BurstEvent[]>();
    for (const e of events) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
    const baselineTtl = (this.options.baselineDays + 2) * DAY;
    await this.scripts.run(
      [...byKey].map(([key, list]) => ({
        script: 'RECORD' as const,
        args: [
          this.p,
          key,
          list.length,
          baselineTtl,
          this.options.evidenceCap ?? 20,
          KEEP_MS,
          ...list.flatMap((e) => [
            e.postId,
            e.sourceKey,
            e.at,
            e.figures === undefined ? '' : JSON.stringify(e.figures),
            e.evidence ?? '',
          ]),
        ],
      })),
    );
  }

  /** Counters of each key at `at` (epoch ms) over a trailing window of `windowMs`. */
  async stats(queries: readonly { key: string; at: number }[], windowMs: number): Promise<BurstStats[]> {
    const replies = await this.scripts.run(
      queries.map((q) => ({ script: 'STATS' as const, args: [this.p, q.key, q.at, windowMs] })),
    );
    return replies.map((reply, i): BurstStats => {
      const row: unknown[] = Array.isArray(reply) ? reply : [];
      const num = (j: number): number => Number(row[j] ?? 0);
      const hourlyFlat = strings(row[6]);
      const hourly = new Map<number, number>();
      for (let j = 0; j + 1 < hourlyFlat.length; j += 2)
        hourly.set(Number(hourlyFlat[j]), Number(hourlyFlat[j + 1]));
      const first = row[5];
      const figures = strings(row[7]).flatMap((raw) => {
        const parsed = figuresSchema.safeParse(JSON.parse(raw));
        return parsed.success ? [parsed.data] : [];
      });
      const stats: BurstStats = {
        key: queries[i]?.key ?? '',
        windowPosts: num(0),
        previousWindowPosts: num(1),
        windowSources: num(2),
        dayPosts: num(3),
        daySources: num(4),
        hourly,
        figures: figures.map(({ weight, ...rest }) => ({ ...stripUndefined(rest), weight })),
        evidence: strings(row[8]),
      };
      if (typeof first === 'string' && first !== '') stats.firstInWindow = Number(first);
      return stats;
    });
  }
}

function stripUndefined(m: {
  people?: number | undefined;
  houses?: number | undefined;
  days?: number | undefined;
}): {
  people?: number;
  houses?: number;
  days?: number;
} {
  const out: { people?: number; houses?: number; days?: number } = {};
  if (m.people !== undefined) out.people = m.people;
  if (m.houses !== undefined) out.houses = m.houses;
  if (m.days !== undefined) out.days = m.days;
  return out;
}
