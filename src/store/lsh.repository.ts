import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/*
 * Shared clustering state in Redis. Every key lives under `<prefix>:lsh:` and expires `ttl` seconds after
 * the story's last activity, which bounds memory on an endless stream:
 *
 *   fp:<fingerprint>  → story id           exact level; SET NX makes concurrent copies agree
 *   b:<band key>      → set of story ids   LSH buckets; at most `bucketCap` stories each
 *   ex:<story>        → list "post\tfacts\ttext"  exemplars for verification; `exemplarCap` (×3 after merges)
 *   pz:<story>        → "<ms>|<post id>"   patient zero order key, decides which story survives a merge
 *   into:<story>      → story id           merged-into pointer (followed by every script)
 *   rej:<story>       → set of story ids   analyst rejections, never auto-merged
 *   post:<post id>    → hash               the post's assignment (story, level, score, applied)
 *   merges            → hash loser → json  merges whose story records are not yet written (crash repair)
 *
 * Every decision that two workers could race on is one Lua script, so it is atomic. Scripts compute key
 * names themselves, which needs a single Redis (or one hash slot); Dozor runs one Redis.
 */

const ROOT = `
local P = ARGV[1]
local function root(id)
  local cur = id
  for _ = 1, 64 do
    local nxt = redis.call('GET', P .. 'into:' .. cur)
    if not nxt then return cur end
    cur = nxt
  end
  return cur
end
`;

/**
 * Fingerprint's story, or the candidate stories of the bands with their exemplars and rejections. The
 * candidates are the stories sharing the most bands with the post (then the smaller id): the number of
 * shared bands grows with the Jaccard similarity, so a copy's story ranks first even when a common
 * phrasing puts dozens of unrelated stories in some of the buckets.
 */
const LOOKUP = `${ROOT}
local fp = redis.call('GET', P .. 'fp:' .. ARGV[2])
if fp then return { root(fp) } end
local maxc = tonumber(ARGV[3])
local nb = tonumber(ARGV[4])
local hits, all = {}, {}
for i = 1, nb do
  for _, s in ipairs(redis.call('SMEMBERS', P .. 'b:' .. ARGV[4 + i])) do
    local r = root(s)
    if hits[r] then hits[r] = hits[r] + 1 else hits[r] = 1; all[#all + 1] = r end
  end
end
table.sort(all, function(x, y)
  if hits[x] ~= hits[y] then return hits[x] > hits[y] end
  return x < y
end)
local res = { '' }
for i = 1, math.min(#all, maxc) do
  local r = all[i]
  res[#res + 1] = { r, redis.call('LRANGE', P .. 'ex:' .. r, 0, -1), redis.call('SMEMBERS', P .. 'rej:' .. r) }
end
return res
`;

/**
 * Creates a story for a post, but only if nothing it has not verified appeared meanwhile: the fingerprint
 * must still be free and the bands must hold no story outside the \`seen\` set. Otherwise it returns the
 * newcomers and claims nothing, and the caller verifies them and decides again (optimistic concurrency).
 */
const CREATE = `${ROOT}
local sid, fpKey, pz, ex = ARGV[2], P .. 'fp:' .. ARGV[3], ARGV[4], ARGV[5]
local ttl, cap = tonumber(ARGV[6]), tonumber(ARGV[7])
local ns = tonumber(ARGV[8])
local seen = {}
for i = 1, ns do seen[ARGV[8 + i]] = true end
local at = 9 + ns
local nb = tonumber(ARGV[at])
local existing = redis.call('GET', fpKey)
if existing then return { 'exact', root(existing) } end
if redis.call('EXISTS', P .. 'pz:' .. sid) == 1 or redis.call('EXISTS', P .. 'into:' .. sid) == 1 then
  return { 'exact', root(sid) }
end
local conflicts = { 'conflict' }
for i = 1, nb do
  for _, s in ipairs(redis.call('SMEMBERS', P .. 'b:' .. ARGV[at + i])) do
    local r = root(s)
    if not seen[r] then seen[r] = true; conflicts[#conflicts + 1] = r end
  end
end
if #conflicts > 1 then return conflicts end
redis.call('SET', fpKey, sid, 'EX', ttl)
for i = 1, nb do
  local k = P .. 'b:' .. ARGV[at + i]
  if redis.call('SCARD', k) < cap then redis.call('SADD', k, sid) end
  redis.call('EXPIRE', k, ttl)
end
if ex ~= '' then
  redis.call('RPUSH', P .. 'ex:' .. sid, ex)
  redis.call('EXPIRE', P .. 'ex:' .. sid, ttl)
end
redis.call('SET', P .. 'pz:' .. sid, pz, 'EX', ttl)
return { 'created', sid }
`;

/**
 * Adds a post to a story (resolved through merges): claims its fingerprint and bands for the story,
 * keeps its text as an exemplar while there is room, and lowers the patient-zero key if it is earlier.
 * Returns the story and, when the fingerprint already belonged to another story, that story (to merge).
 */
const JOIN = `${ROOT}
local r = root(ARGV[2])
local fpKey, pz, ex = P .. 'fp:' .. ARGV[3], ARGV[4], ARGV[5]
local ttl, cap, excap = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local nb = tonumber(ARGV[9])
local clash = ''
if not redis.call('SET', fpKey, r, 'NX', 'EX', ttl) then
  local other = root(redis.call('GET', fpKey))
  if other ~= r then clash = other end
  redis.call('EXPIRE', fpKey, ttl)
end
for i = 1, nb do
  local k = P .. 'b:' .. ARGV[9 + i]
  if redis.call('SCARD', k) < cap then redis.call('SADD', k, r) end
  redis.call('EXPIRE', k, ttl)
end
local exKey = P .. 'ex:' .. r
if ex ~= '' and redis.call('LLEN', exKey) < excap then redis.call('RPUSH', exKey, ex) end
redis.call('EXPIRE', exKey, ttl)
local pzKey = P .. 'pz:' .. r
local cur = redis.call('GET', pzKey)
if not cur or pz < cur then redis.call('SET', pzKey, pz, 'EX', ttl) else redis.call('EXPIRE', pzKey, ttl) end
redis.call('EXPIRE', P .. 'rej:' .. r, ttl)
return { r, clash }
`;

/**
 * Merges two stories: the one whose patient zero is earlier survives (then the smaller id), so the result
 * does not depend on which worker saw the bridge. Refuses pairs an analyst rejected unless forced.
 */
const MERGE = `${ROOT}
local ra, rb = root(ARGV[2]), root(ARGV[3])
local ttl, excap, force, note = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[7]
if ra == rb then return { 'same', ra } end
if force ~= '1' and redis.call('SISMEMBER', P .. 'rej:' .. ra, rb) == 1 then return { 'rejected', ra, rb } end
local pa = redis.call('GET', P .. 'pz:' .. ra) or '~'
local pb = redis.call('GET', P .. 'pz:' .. rb) or '~'
local s, l = ra, rb
if pb < pa or (pb == pa and rb < ra) then s, l = rb, ra end
redis.call('SET', P .. 'into:' .. l, s, 'EX', ttl)
local exS, exL = P .. 'ex:' .. s, P .. 'ex:' .. l
for _, e in ipairs(redis.call('LRANGE', exL, 0, -1)) do
  if redis.call('LLEN', exS) < excap then redis.call('RPUSH', exS, e) end
end
redis.call('DEL', exL)
redis.call('EXPIRE', exS, ttl)
if pb < pa then pa = pb end
if pa ~= '~' then redis.call('SET', P .. 'pz:' .. s, pa, 'EX', ttl) end
local rejS, rejL = P .. 'rej:' .. s, P .. 'rej:' .. l
for _, x in ipairs(redis.call('SMEMBERS', rejL)) do
  local k = P .. 'rej:' .. x
  redis.call('SREM', k, l)
  redis.call('SADD', k, s)
  redis.call('SADD', rejS, x)
end
redis.call('DEL', rejL)
if force == '1' then redis.call('SREM', rejS, l, s) end
redis.call('HSET', P .. 'merges', l, note)
return { 'merged', s, l }
`;

/** Records that an analyst ruled two stories different (resolved through merges). */
const REJECT = `${ROOT}
local ra, rb = root(ARGV[2]), root(ARGV[3])
local ttl = tonumber(ARGV[4])
if ra == rb then return { 'same', ra } end
redis.call('SADD', P .. 'rej:' .. ra, rb)
redis.call('SADD', P .. 'rej:' .. rb, ra)
redis.call('EXPIRE', P .. 'rej:' .. ra, ttl)
redis.call('EXPIRE', P .. 'rej:' .. rb, ttl)
return { 'rejected', ra, rb }
`;

/** Resolves story ids through merge pointers. */
const RESOLVE = `${ROOT}
local out = {}
for i = 2, #ARGV do out[#out + 1] = root(ARGV[i]) end
return out
`;

/** Each story's id after merges and the stories an analyst ruled different from it. */
const REJECTIONS = `${ROOT}
local out = {}
for i = 2, #ARGV do
  local r = root(ARGV[i])
  out[#out + 1] = { r, redis.call('SMEMBERS', P .. 'rej:' .. r) }
end
return out
`;

const SCRIPTS = { LOOKUP, CREATE, JOIN, MERGE, REJECT, RESOLVE, REJECTIONS } as const;
type ScriptName = keyof typeof SCRIPTS;

/** A story the buckets proposed: its id (after merges), exemplars and rejections. */
export interface LshCandidate {
  storyId: string;
  exemplars: { postId: string; text: string; facts: string[] }[];
  rejected: string[];
}

export type LookupResult =
  { kind: 'exact'; storyId: string } | { kind: 'candidates'; candidates: LshCandidate[] };

/** What a post contributes to the state: its fingerprint, bands, text and patient-zero order key. */
export interface LshEntry {
  postId: string;
  fingerprint: string;
  bands: readonly string[];
  /** Comparison text kept as an exemplar; empty to keep none (exact copies add nothing). */
  exemplar: string;
  /** Facts of the text, kept with the exemplar (no spaces inside a fact). */
  facts: readonly string[];
  publishedAt: string;
}

export type CreateResult =
  | { kind: 'created'; storyId: string }
  | { kind: 'exact'; storyId: string }
  | { kind: 'conflict'; storyIds: string[] };

export type MergeResult =
  | { kind: 'same'; storyId: string }
  | { kind: 'rejected' }
  | { kind: 'merged'; survivor: string; loser: string };

/** Stored assignment of a post, written once its story record was updated. */
export interface PostAssignment {
  storyId: string;
  level: string;
  score: number;
}

/** A merge recorded in Redis whose story records may not be written yet. */
export interface PendingMerge {
  loser: string;
  survivor: string;
  postId?: string;
  by: string;
  at: string;
}

export interface LshLimits {
  ttlSeconds: number;
  bucketCap: number;
  exemplarCap: number;
  maxCandidates: number;
}

/** Patient-zero order key: zero-padded epoch milliseconds, then the post id (string order = time order). */
export function orderKey(publishedAt: string, postId: string): string {
  const ms = Date.parse(publishedAt);
  return `${String(Number.isFinite(ms) ? Math.max(0, ms) : 0).padStart(15, '0')}|${postId}`;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : String(v))) : [];
}

/** The shared LSH/fingerprint state of clustering; the only code that touches its Redis keys. */
export class LshRepository {
  private readonly p: string;
  private readonly shas = new Map<ScriptName, string>();

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly limits: LshLimits,
  ) {
    this.p = `${prefix}:lsh:`;
    for (const [name, body] of Object.entries(SCRIPTS)) {
      this.shas.set(name as ScriptName, createHash('sha1').update(body).digest('hex'));
    }
  }

  /** Runs scripts in one pipeline (one round trip); reloads them once if Redis lost its script cache. */
  private async run(calls: readonly { script: ScriptName; args: readonly string[] }[]): Promise<unknown[]> {
    if (calls.length === 0) return [];
    for (let attempt = 0; ; attempt++) {
      const pipeline = this.redis.pipeline();
      for (const call of calls) {
        pipeline.evalsha(this.shas.get(call.script) ?? '', 0, this.p, ...call.args);
      }
      const results = (await pipeline.exec()) ?? [];
      const failure = results.find(([error]) => error !== null)?.[0];
      if (failure && failure.message.includes('NOSCRIPT') && attempt === 0) {
        await Promise.all(Object.values(SCRIPTS).map((body) => this.redis.script('LOAD', body)));
        continue;
      }
      if (failure) throw failure;
      return results.map(([, value]) => value);
    }
  }

  /** For each post: the story of its fingerprint, or the candidate stories its bands point to. */
  async lookup(entries: readonly Pick<LshEntry, 'fingerprint' | 'bands'>[]): Promise<LookupResult[]> {
    const replies = await this.run(
      entries.map((e) => ({
        script: 'LOOKUP' as const,
        args: [e.fingerprint, String(this.limits.maxCandidates), String(e.bands.length), ...e.bands],
      })),
    );
    return replies.map((reply): LookupResult => {
      const rows = Array.isArray(reply) ? (reply as unknown[]) : [];
      const [head, ...rest] = rows;
      if (typeof head === 'string' && head !== '') return { kind: 'exact', storyId: head };
      return {
        kind: 'candidates',
        candidates: rest.map((row) => {
          const [id, exemplars, rejected] = Array.isArray(row) ? (row as unknown[]) : [];
          return {
            storyId: String(id),
            exemplars: strings(exemplars).map((line) => {
              const tab = line.indexOf('\t');
              const tab2 = line.indexOf('\t', tab + 1);
              const facts = line.slice(tab + 1, tab2);
              return {
                postId: line.slice(0, tab),
                facts: facts === '' ? [] : facts.split(' '),
                text: line.slice(tab2 + 1),
              };
            }),
            rejected: strings(rejected),
          };
        }),
      };
    });
  }

  /** Creates stories atomically (see the CREATE script); `seen` are the stories already verified. */
  async create(
    items: readonly { storyId: string; entry: LshEntry; seen: readonly string[] }[],
  ): Promise<CreateResult[]> {
    const replies = await this.run(
      items.map(({ storyId, entry, seen }) => ({
        script: 'CREATE' as const,
        args: [
          storyId,
          entry.fingerprint,
          orderKey(entry.publishedAt, entry.postId),
          this.exemplar(entry),
          String(this.limits.ttlSeconds),
          String(this.limits.bucketCap),
          String(seen.length),
          ...seen,
          String(entry.bands.length),
          ...entry.bands,
        ],
      })),
    );
    return replies.map((reply): CreateResult => {
      const [kind, ...ids] = strings(reply);
      if (kind === 'created') return { kind, storyId: ids[0] ?? '' };
      if (kind === 'exact') return { kind, storyId: ids[0] ?? '' };
      return { kind: 'conflict', storyIds: ids };
    });
  }

  /** Adds posts to stories; returns each post's story (after merges) and a fingerprint clash if any. */
  async join(
    items: readonly { storyId: string; entry: LshEntry }[],
  ): Promise<{ storyId: string; clash: string | undefined }[]> {
    const replies = await this.run(
      items.map(({ storyId, entry }) => ({
        script: 'JOIN' as const,
        args: [
          storyId,
          entry.fingerprint,
          orderKey(entry.publishedAt, entry.postId),
          this.exemplar(entry),
          String(this.limits.ttlSeconds),
          String(this.limits.bucketCap),
          String(this.limits.exemplarCap),
          String(entry.bands.length),
          ...entry.bands,
        ],
      })),
    );
    return replies.map((reply) => {
      const [storyId = '', clash = ''] = strings(reply);
      return { storyId, clash: clash === '' ? undefined : clash };
    });
  }

  /** Merges pairs of stories in order; each merge is recorded as pending until its records are written. */
  async merge(
    pairs: readonly { a: string; b: string; force?: boolean; postId?: string; by: string; at: string }[],
  ): Promise<MergeResult[]> {
    const replies = await this.run(
      pairs.map((pair) => ({
        script: 'MERGE' as const,
        args: [
          pair.a,
          pair.b,
          String(this.limits.ttlSeconds),
          String(this.limits.exemplarCap * 3),
          pair.force === true ? '1' : '0',
          JSON.stringify({ postId: pair.postId, by: pair.by, at: pair.at }),
        ],
      })),
    );
    return replies.map((reply): MergeResult => {
      const [kind, a = '', b = ''] = strings(reply);
      if (kind === 'merged') return { kind, survivor: a, loser: b };
      if (kind === 'same') return { kind, storyId: a };
      return { kind: 'rejected' };
    });
  }

  /** Records an analyst's rejection of a pair of stories; false when they are already one story. */
  async reject(a: string, b: string): Promise<boolean> {
    const [reply] = await this.run([{ script: 'REJECT', args: [a, b, String(this.limits.ttlSeconds)] }]);
    return strings(reply)[0] === 'rejected';
  }

  /** The current story of each id (following merges). */
  async resolve(storyIds: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(storyIds)];
    if (unique.length === 0) return new Map();
    const [reply] = await this.run([{ script: 'RESOLVE', args: unique }]);
    const roots = strings(reply);
    return new Map(unique.map((id, i) => [id, roots[i] ?? id]));
  }

  /** Stories an analyst ruled different from each of these (keyed by the id after merges). */
  async rejections(storyIds: readonly string[]): Promise<Map<string, string[]>> {
    const unique = [...new Set(storyIds)];
    if (unique.length === 0) return new Map();
    const [reply] = await this.run([{ script: 'REJECTIONS', args: unique }]);
    const rows = Array.isArray(reply) ? (reply as unknown[]) : [];
    return new Map(
      rows.map((row) => {
        const [id, rejected] = Array.isArray(row) ? (row as unknown[]) : [];
        return [String(id), strings(rejected)];
      }),
    );
  }

  /** Merges whose story records are not confirmed written (written by MERGE, cleared by `mergeWritten`). */
  async pendingMerges(): Promise<PendingMerge[]> {
    const raw = await this.redis.hgetall(`${this.p}merges`);
    const out: PendingMerge[] = [];
    const roots = await this.resolve(Object.keys(raw));
    for (const [loser, json] of Object.entries(raw)) {
      const note = JSON.parse(json) as { postId?: string; by?: string; at?: string };
      const survivor = await this.survivorOf(loser);
      if (survivor === undefined) continue;
      out.push({
        loser,
        survivor: roots.get(survivor) ?? survivor,
        by: note.by ?? 'cluster',
        at: note.at ?? new Date(0).toISOString(),
        ...(note.postId === undefined ? {} : { postId: note.postId }),
      });
    }
    return out;
  }

  private async survivorOf(loser: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.p}into:${loser}`)) ?? undefined;
  }

  async mergeWritten(losers: readonly string[]): Promise<void> {
    if (losers.length > 0) await this.redis.hdel(`${this.p}merges`, ...losers);
  }

  /** Assignments already stored for these posts (a retried batch reuses them). */
  async assignments(postIds: readonly string[]): Promise<(PostAssignment | undefined)[]> {
    if (postIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of postIds) pipeline.hmget(`${this.p}post:${id}`, 'story', 'level', 'score');
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      const [storyId, level, score] = Array.isArray(value) ? (value as unknown[]) : [];
      return typeof storyId === 'string' && typeof level === 'string'
        ? { storyId, level, score: Number(score) }
        : undefined;
    });
  }

  /** Stores posts' assignments once their story records are written. */
  async saveAssignments(items: readonly ({ postId: string } & PostAssignment)[]): Promise<void> {
    if (items.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const item of items) {
      const key = `${this.p}post:${item.postId}`;
      pipeline.hset(key, 'story', item.storyId, 'level', item.level, 'score', String(item.score));
      pipeline.expire(key, this.limits.ttlSeconds);
    }
    await pipeline.exec();
  }

  private exemplar(entry: LshEntry): string {
    return entry.exemplar === '' ? '' : `${entry.postId}\t${entry.facts.join(' ')}\t${entry.exemplar}`;
  }
}
