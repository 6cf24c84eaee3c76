import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/*
 * Shared clustering state in Redis. Every key lives under `<prefix>:lsh:` and expires `ttl` seconds after
 * the story's last activity, which bounds memory on an endless stream:
 *
 *   fp:<fingerprint>  → story id           exact level; SET NX makes concurrent copies agree
 *   b:<band key>      → sorted set         LSH bucket: the `bucketCap` stories last active in the band
 *                                          (score: publication ms), plus the member '#' whose score is
 *                                          minus the number of stories ever added (the creation guard)
 *   ex:<story>        → list "post\tfacts\ttext"  exemplars for verification; `exemplarCap` (×3 after merges)
 *   pz:<story>        → "<ms>|<post id>"   patient zero order key, decides which story survives a merge
 *   into:<story>      → story id           merged-into pointer (followed by every script)
 *   rej:<story>       → set of story ids   analyst rejections, never auto-merged
 *   post:<post id>    → hash               the post's assignment (story, level, score, applied)
 *   merges            → hash loser → json  merges whose story records are not yet written (crash repair)
 *
 * Every decision that two workers could race on is one Lua script, so it is atomic. Scripts compute key
 * names themselves, which needs a single Redis (or one hash slot); Dozor runs one Redis (6.2 or later:
 * buckets use `ZADD GT`).
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
-- Stories ever added to a bucket: minus the score of its '#' member (negative, so it always ranks first).
local function added(k)
  local n = redis.call('ZSCORE', k, '#')
  return n and -tonumber(n) or 0
end
-- Puts a story in a bucket with the time of its latest post there; past the cap the story least
-- recently active in the band leaves. A band shared by a stock phrasing thus keeps the stories of the
-- last hours, which is where a copy's original is, instead of freezing on the first ones ever seen.
-- Returns 1 when the story is new in the bucket.
local function bucket(k, sid, ms, cap, ttl)
  -- GT still adds a new member; it only keeps an existing one from moving back in time.
  local new = redis.call('ZADD', k, 'GT', ms, sid)
  -- Past the cap all but the cap latest stories leave: a negative rank spares a ZCARD.
  if new == 1 and -tonumber(redis.call('ZINCRBY', k, -1, '#')) > cap then
    redis.call('ZREMRANGEBYRANK', k, 1, -cap - 1)
  end
  redis.call('EXPIRE', k, ttl)
  return new
end
local function msOf(pz) return tonumber(string.sub(pz, 1, 15)) end
`;

/**
 * Fingerprint's story, or how many stories each band's bucket ever received (for the creation guard) and the
 * candidate stories of the bands with their exemplars and rejections. Candidates are ranked by the bands
 * they share with the post, each band weighted by how rare its bucket is (cap / size, rounded down):
 * a common phrasing fills its buckets to the cap with stories of other events, so sharing such a band
 * says little, while sharing a band only a few stories have is what a copy and its original do. Ties
 * break on the story id, so every worker ranks the same way.
 */
const LOOKUP = `${ROOT}
local fp = redis.call('GET', P .. 'fp:' .. ARGV[2])
if fp then return { root(fp) } end
local maxc, cap = tonumber(ARGV[3]), tonumber(ARGV[4])
local nb = tonumber(ARGV[5])
local score, ids, counts = {}, {}, {}
for i = 1, nb do
  -- Rank 0 is the '#' counter; the stories follow.
  local members = redis.call('ZRANGE', P .. 'b:' .. ARGV[5 + i], 0, -1, 'WITHSCORES')
  local n = #members / 2 - 1
  counts[i] = #members > 0 and -tonumber(members[2]) or 0
  local w = n > 0 and math.max(1, math.floor(cap / n)) or 0
  for j = 3, #members, 2 do
    local s = members[j]
    if score[s] then score[s] = score[s] + w else score[s] = w; ids[#ids + 1] = s end
  end
end
-- Ids grouped by score and only the groups needed sorted: sorting every bucket member with a Lua
-- comparator would dominate the cost of a lookup.
local groups, levels = {}, {}
for _, s in ipairs(ids) do
  local v = score[s]
  local group = groups[v]
  if group then group[#group + 1] = s else groups[v] = { s }; levels[#levels + 1] = v end
end
table.sort(levels, function(x, y) return x > y end)
-- Merge pointers are followed for the best ids only: resolving every bucket member would cost a GET
-- each, and merged stories are few.
local seen, res = {}, { '', counts }
for _, v in ipairs(levels) do
  local group = groups[v]
  table.sort(group)
  for _, s in ipairs(group) do
    if #res > maxc + 1 then break end
    local r = root(s)
    if not seen[r] then
      seen[r] = true
      res[#res + 1] = { r, redis.call('LRANGE', P .. 'ex:' .. r, 0, -1), redis.call('SMEMBERS', P .. 'rej:' .. r) }
    end
  end
  if #res > maxc + 1 then break end
end
return res
`;

/**
 * Creates stories for posts, in order, each only if nothing it has not verified appeared meanwhile: its
 * fingerprint must still be free and none of its buckets may have received more stories than its lookup
 * counted (plus those this same call created before it). A bucket that received one means another worker
 * created a story the post was never compared with: the creation is refused (\`conflict\`), and the
 * caller looks up and decides again (optimistic concurrency).
 * One call for a whole batch, so the stories the batch creates are told apart exactly.
 */
const CREATE = `${ROOT}
local ttl, cap, n = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
-- Stories this call added to each bucket: not newcomers for the posts after them.
local mine = {}
local out = {}
local at = 5
for _ = 1, n do
  local sid, fpKey, pz, ex = ARGV[at], P .. 'fp:' .. ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
  local nb = tonumber(ARGV[at + 4])
  local bands, counts = at + 4, at + 4 + nb
  at = at + 5 + 2 * nb
  local existing = redis.call('GET', fpKey)
  if existing then
    out[#out + 1] = { 'exact', root(existing) }
  elseif redis.call('EXISTS', P .. 'pz:' .. sid, P .. 'into:' .. sid) > 0 then
    out[#out + 1] = { 'exact', root(sid) }
  else
    local grown = false
    for i = 1, nb do
      local k = P .. 'b:' .. ARGV[bands + i]
      if added(k) - (mine[k] or 0) > tonumber(ARGV[counts + i]) then grown = true; break end
    end
    if grown then
      out[#out + 1] = { 'conflict' }
    else
      redis.call('SET', fpKey, sid, 'EX', ttl)
      local ms = msOf(pz)
      for i = 1, nb do
        local k = P .. 'b:' .. ARGV[bands + i]
        if bucket(k, sid, ms, cap, ttl) == 1 then mine[k] = (mine[k] or 0) + 1 end
      end
      if ex ~= '' then
        redis.call('RPUSH', P .. 'ex:' .. sid, ex)
        redis.call('EXPIRE', P .. 'ex:' .. sid, ttl)
      end
      redis.call('SET', P .. 'pz:' .. sid, pz, 'EX', ttl)
      out[#out + 1] = { 'created', sid }
    end
  end
end
return out
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
local ms = msOf(pz)
for i = 1, nb do bucket(P .. 'b:' .. ARGV[9 + i], r, ms, cap, ttl) end
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
  | { kind: 'exact'; storyId: string }
  | {
      kind: 'candidates';
      candidates: LshCandidate[];
      /** Stories in each band's bucket when looked up, in the order of the bands asked for. */
      bandCounts: number[];
    };

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
  { kind: 'created'; storyId: string } | { kind: 'exact'; storyId: string } | { kind: 'conflict' };

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

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assignmentOf(result: [Error | null, unknown] | undefined): PostAssignment | undefined {
  if (result?.[0]) throw result[0];
  const [storyId, level, score] = Array.isArray(result?.[1]) ? (result[1] as unknown[]) : [];
  return typeof storyId === 'string' && typeof level === 'string'
    ? { storyId, level, score: Number(score) }
    : undefined;
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
        args: [
          e.fingerprint,
          String(this.limits.maxCandidates),
          String(this.limits.bucketCap),
          String(e.bands.length),
          ...e.bands,
        ],
      })),
    );
    return replies.map((reply): LookupResult => {
      const rows = Array.isArray(reply) ? (reply as unknown[]) : [];
      const [head, counts, ...rest] = rows;
      if (typeof head === 'string' && head !== '') return { kind: 'exact', storyId: head };
      return {
        kind: 'candidates',
        bandCounts: strings(counts).map(Number),
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

  /**
   * Creates stories atomically, in order (see the CREATE script); `bandCounts` are the bucket sizes the
   * post's lookup returned.
   */
  async create(
    items: readonly { storyId: string; entry: LshEntry; bandCounts: readonly number[] }[],
  ): Promise<CreateResult[]> {
    if (items.length === 0) return [];
    const args = [String(this.limits.ttlSeconds), String(this.limits.bucketCap), String(items.length)];
    for (const { storyId, entry, bandCounts } of items) {
      if (bandCounts.length !== entry.bands.length) throw new Error('create: one count per band expected');
      args.push(
        storyId,
        entry.fingerprint,
        orderKey(entry.publishedAt, entry.postId),
        this.exemplar(entry),
        String(entry.bands.length),
        ...entry.bands,
        ...bandCounts.map(String),
      );
    }
    const [reply] = await this.run([{ script: 'CREATE', args }]);
    const rows = Array.isArray(reply) ? (reply as unknown[]) : [];
    return rows.map((row): CreateResult => {
      const [kind, id = ''] = strings(row);
      if (kind === 'created') return { kind, storyId: id };
      if (kind === 'exact') return { kind, storyId: id };
      return { kind: 'conflict' };
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

  /**
   * What a batch starts from, in one round trip: merges whose story records are not confirmed written
   * (written by MERGE, cleared by `mergeWritten`/`settle`; a crashed worker leaves them) and the
   * assignments already stored for these posts (a retried batch reuses them).
   */
  async batchStart(
    postIds: readonly string[],
  ): Promise<{ pendingMerges: PendingMerge[]; assignments: (PostAssignment | undefined)[] }> {
    const pipeline = this.redis.pipeline();
    pipeline.hgetall(`${this.p}merges`);
    for (const id of postIds) pipeline.hmget(`${this.p}post:${id}`, 'story', 'level', 'score');
    const [merges, ...posts] = (await pipeline.exec()) ?? [];
    return {
      pendingMerges: await this.pendingOf(merges),
      assignments: posts.map((result) => assignmentOf(result)),
    };
  }

  private async pendingOf(reply: [Error | null, unknown] | undefined): Promise<PendingMerge[]> {
    if (reply?.[0]) throw reply[0];
    const raw = isStringRecord(reply?.[1]) ? reply[1] : {};
    const roots = await this.resolve(Object.keys(raw));
    const out: PendingMerge[] = [];
    for (const [loser, json] of Object.entries(raw)) {
      const survivor = roots.get(loser);
      // A loser resolving to itself has no merge pointer (expired): nothing left to repair.
      if (survivor === undefined || survivor === loser) continue;
      const note = JSON.parse(json) as { postId?: string; by?: string; at?: string };
      out.push({
        loser,
        survivor,
        by: note.by ?? 'cluster',
        at: note.at ?? new Date(0).toISOString(),
        ...(note.postId === undefined ? {} : { postId: note.postId }),
      });
    }
    return out;
  }

  async mergeWritten(losers: readonly string[]): Promise<void> {
    if (losers.length > 0) await this.redis.hdel(`${this.p}merges`, ...losers);
  }

  /** Assignments already stored for these posts (a retried batch reuses them). */
  async assignments(postIds: readonly string[]): Promise<(PostAssignment | undefined)[]> {
    if (postIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of postIds) pipeline.hmget(`${this.p}post:${id}`, 'story', 'level', 'score');
    return ((await pipeline.exec()) ?? []).map((result) => assignmentOf(result));
  }

  /**
   * Ends a batch once its story records are written, in one round trip: clears the merges whose records
   * are now written and stores the posts' assignments.
   */
  async settle(
    mergedLosers: readonly string[],
    items: readonly ({ postId: string } & PostAssignment)[],
  ): Promise<void> {
    if (mergedLosers.length === 0 && items.length === 0) return;
    const pipeline = this.redis.pipeline();
    if (mergedLosers.length > 0) pipeline.hdel(`${this.p}merges`, ...mergedLosers);
    for (const item of items) {
      const key = `${this.p}post:${item.postId}`;
      pipeline.hset(key, 'story', item.storyId, 'level', item.level, 'score', String(item.score));
      pipeline.expire(key, this.limits.ttlSeconds);
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  private exemplar(entry: LshEntry): string {
    return entry.exemplar === '' ? '' : `${entry.postId}\t${entry.facts.join(' ')}\t${entry.exemplar}`;
  }
}
