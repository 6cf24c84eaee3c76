import type { Redis } from 'ioredis';

/**
 * Atomically admits a batch: a post id never seen before is marked `queued` with this batch as its origin;
 * one seen before is a duplicate — unless its origin is this very batch (a retry after a crash), so
 * retries never turn new posts into duplicates. An id that comes twice in one batch (a file with the same
 * message twice) is admitted once, its later copies are duplicates. Run counters are added once per batch
 * (guard set).
 */
const ADMIT = `
local batch = ARGV[1]
local n = tonumber(ARGV[2])
local out = {}
local seen = {}
local fresh, dup = 0, 0
for i = 1, n do
  local id = ARGV[2 + i]
  local v = redis.call('HGET', KEYS[1], id)
  if seen[id] then
    out[i] = 0
    dup = dup + 1
  elseif not v then
    redis.call('HSET', KEYS[1], id, 'queued|' .. batch)
    redis.call('HINCRBY', KEYS[2], 'queued', 1)
    out[i] = 1
    fresh = fresh + 1
  elseif string.sub(v, -string.len(batch)) == batch then
    out[i] = 1
    fresh = fresh + 1
  else
    out[i] = 0
    dup = dup + 1
  end
  seen[id] = true
end
local m = tonumber(ARGV[3 + n])
for j = 1, m do
  local rid = ARGV[3 + n + 2 * j - 1]
  local code = ARGV[3 + n + 2 * j]
  if redis.call('HSETNX', KEYS[5], rid, code) == 1 then
    redis.call('HINCRBY', KEYS[2], 'rejected', 1)
    redis.call('HINCRBY', KEYS[2], 'rejected:' .. code, 1)
  end
end
if redis.call('SADD', KEYS[4], batch) == 1 then
  redis.call('HINCRBY', KEYS[3], 'accepted', fresh)
  redis.call('HINCRBY', KEYS[3], 'duplicate', dup)
  redis.call('HINCRBY', KEYS[3], 'rejected', m)
  redis.call('HINCRBY', KEYS[2], 'duplicate', dup)
end
return out
`;

/** Moves queued posts to a final state once; repeated calls (retries) change nothing. */
const SETTLE = `
local status = ARGV[1]
local code = ARGV[2]
local moved = 0
for i = 3, #ARGV do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if v and string.sub(v, 1, 7) == 'queued|' then
    redis.call('HSET', KEYS[1], ARGV[i], status .. string.sub(v, 7))
    moved = moved + 1
  end
end
if moved > 0 then
  redis.call('HINCRBY', KEYS[2], 'queued', -moved)
  redis.call('HINCRBY', KEYS[2], status, moved)
  redis.call('HINCRBY', KEYS[3], status, moved)
  if code ~= '' then redis.call('HINCRBY', KEYS[2], 'rejected:' .. code, moved) end
end
return moved
`;

/**
 * Global counters. Every admitted post is in exactly one of queued / indexed / refused; every record that
 * entered is admitted, a duplicate, or rejected (with a code) before admission.
 */
export interface LedgerCounts {
  queued: number;
  indexed: number;
  refused: number;
  rejected: number;
  duplicate: number;
  /**
   * Records by code, those rejected before admission (`rejected`) and those Elasticsearch refused
   * (`refused`, code `index_refused`): the sum is `rejected + refused`.
   */
  rejectedByCode: Record<string, number>;
}

/**
 * Counters of one import run or API request: `accepted + duplicate + rejected` = records read, and the run
 * is settled when `indexed + refused` = `accepted`.
 */
export interface RunCounts {
  runId: string;
  source: string;
  startedAt: string;
  accepted: number;
  duplicate: number;
  rejected: number;
  indexed: number;
  refused: number;
}

/**
 * The ledger: accounts for every post that enters (indexed, duplicate of an existing id, or rejected with a
 * reason). Lives in Redis next to the queues, so it survives worker crashes and shares their durability.
 */
export class LedgerRepository {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(...parts: string[]): string {
    return [this.prefix, 'ledger', ...parts].join(':');
  }

  /** Registers a run (an import or an API request) so its counters can be listed. */
  async startRun(runId: string, source: string, startedAt = new Date()): Promise<void> {
    await this.redis
      .multi()
      .hsetnx(this.key('run', runId), 'source', source)
      .hsetnx(this.key('run', runId), 'startedAt', startedAt.toISOString())
      .zadd(this.key('runs'), 'NX', startedAt.getTime(), runId)
      .exec();
  }

  /** Admits a batch; returns, per post id, whether it is new (to be processed) or a duplicate. */
  async admit(
    runId: string,
    batchKey: string,
    postIds: readonly string[],
    rejects: readonly { id: string; code: string }[],
  ): Promise<boolean[]> {
    const args = [batchKey, String(postIds.length), ...postIds, String(rejects.length)];
    for (const reject of rejects) args.push(reject.id, reject.code);
    const result: unknown = await this.redis.eval(
      ADMIT,
      5,
      this.key('post'),
      this.key('counts'),
      this.key('run', runId),
      this.key('run', runId, 'batches'),
      this.key('reject'),
      ...args,
    );
    if (!Array.isArray(result)) throw new Error('ledger admit: unexpected reply from Redis');
    return result.map((flag) => flag === 1);
  }

  /**
   * Marks queued posts `indexed`, or `refused` with a code when Elasticsearch refused the document.
   * Idempotent; returns how many moved.
   */
  async settle(
    runId: string,
    status: 'indexed' | 'refused',
    ids: readonly string[],
    code = '',
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const moved: unknown = await this.redis.eval(
      SETTLE,
      3,
      this.key('post'),
      this.key('counts'),
      this.key('run', runId),
      status,
      code,
      ...ids,
    );
    return Number(moved);
  }

  async counts(): Promise<LedgerCounts> {
    const raw = await this.redis.hgetall(this.key('counts'));
    const rejectedByCode: Record<string, number> = {};
    for (const [field, value] of Object.entries(raw)) {
      if (field.startsWith('rejected:')) rejectedByCode[field.slice('rejected:'.length)] = Number(value);
    }
    return {
      queued: Number(raw.queued ?? 0),
      indexed: Number(raw.indexed ?? 0),
      refused: Number(raw.refused ?? 0),
      rejected: Number(raw.rejected ?? 0),
      duplicate: Number(raw.duplicate ?? 0),
      rejectedByCode,
    };
  }

  async run(runId: string): Promise<RunCounts | undefined> {
    const raw = await this.redis.hgetall(this.key('run', runId));
    if (raw.source === undefined) return undefined;
    return {
      runId,
      source: raw.source,
      startedAt: raw.startedAt ?? '',
      accepted: Number(raw.accepted ?? 0),
      duplicate: Number(raw.duplicate ?? 0),
      rejected: Number(raw.rejected ?? 0),
      indexed: Number(raw.indexed ?? 0),
      refused: Number(raw.refused ?? 0),
    };
  }

  /** The most recent runs, newest first. */
  async recentRuns(limit = 20): Promise<RunCounts[]> {
    const ids = await this.redis.zrevrange(this.key('runs'), 0, limit - 1);
    const runs = await Promise.all(ids.map((id) => this.run(id)));
    return runs.filter((run) => run !== undefined);
  }

  /** State of one post: `queued`, `indexed`, `refused`, or undefined when it never entered. */
  async postState(postId: string): Promise<string | undefined> {
    const value = await this.redis.hget(this.key('post'), postId);
    return value?.split('|')[0];
  }
}
