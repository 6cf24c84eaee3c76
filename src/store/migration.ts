import type { Client, estypes } from '@elastic/elasticsearch';
import { isRetryableStatus } from './elasticsearch';
import { aliasTargets, createVersionedIndex, isAlreadyExists } from './index-manager';
import { aliasName, versionedIndexName, type IndexDefinition, type IndexName } from './indices';

/** Where a migration is, for progress lines. */
export interface MigrationProgress {
  name: IndexName;
  phase: 'copy' | 'catch-up' | 'frozen' | 'switched';
  pass: number;
  /** Documents written to the new index so far (a document changed during the copy counts again). */
  copied: number;
  /** Documents in the old index when the migration started. */
  total: number;
}

export interface MigrationResult {
  name: IndexName;
  alias: string;
  from: string;
  to: string;
  copied: number;
  passes: number;
  /** How long writers were held back (answered 429 and retried) while the last changes were copied. */
  frozenMs: number;
  /** Documents deleted from the old index during the copy and therefore removed from the new one. */
  deletesCarried: number;
}

export interface MigrateOptions {
  /** Documents per page of the copy and per `_bulk` request. */
  batchSize?: number;
  /** A catch-up pass that copied fewer documents than this ends the passes: writes are then frozen. */
  freezeBelow?: number;
  /** Catch-up passes before freezing anyway (a source written faster than we copy would never settle). */
  maxPasses?: number;
  /** Drop the new index left by an interrupted migration (and lift its freeze) and start again. */
  restart?: boolean;
  /** Delete the old index after the switch (by default it stays, read-only, for a rollback). */
  dropOld?: boolean;
  onProgress?: (progress: MigrationProgress) => void;
}

/**
 * Moves the documents of a logical index into the version `definition` describes (a mapping change) and
 * points the alias at it, while readers and writers keep using the alias.
 *
 * The stripped test build has no `_reindex`, so documents are copied by point-in-time + `search_after`
 * and `_bulk`. Writes that arrive during the copy go to the old index, as before; they are caught up by
 * `_seq_no`: each pass copies the documents changed since the local checkpoint the previous pass started
 * from (every operation at or below a checkpoint is visible after a refresh). When a pass copies little,
 * the old index is frozen with `index.blocks.read_only_allow_delete`, which answers every write (deletes
 * too) with 429 — the status bulk writers retry with back-off, and single-document writers hand to their
 * caller (BullMQ retries the job, an API client gets an error) — so the final pass is exact. The alias then moves in
 * one atomic `_aliases` call, and held-back writes land in the new index on their next attempt. Readers
 * always see one complete index behind the alias and never an error; writers wait for the length of the
 * last pass (`frozenMs`). Deletions made during the copy are carried over before the switch.
 */
export async function migrateIndex(
  client: Client,
  prefix: string,
  definition: IndexDefinition,
  options: MigrateOptions = {},
): Promise<MigrationResult> {
  const batchSize = options.batchSize ?? 1000;
  const freezeBelow = options.freezeBelow ?? batchSize;
  const maxPasses = options.maxPasses ?? 10;
  const alias = aliasName(prefix, definition.name);
  const to = versionedIndexName(prefix, definition);
  const targets = await aliasTargets(client, alias);
  const [from] = targets;
  if (from === undefined || targets.length !== 1) {
    throw new Error(`alias ${alias} points at ${targets.length} indices; expected one (run \`dozor init\`)`);
  }
  if (from === to) {
    return { name: definition.name, alias, from, to, copied: 0, passes: 0, frozenMs: 0, deletesCarried: 0 };
  }
  await createTarget(client, prefix, definition, from, to, options.restart ?? false);

  const total = (await client.count({ index: from })).count;
  const progress = { name: definition.name, pass: 0, copied: 0, total };
  const report = (phase: MigrationProgress['phase']): void => options.onProgress?.({ ...progress, phase });
  let frozenAt: number | undefined;
  let deletesCarried: number;
  try {
    let checkpoint = -1;
    for (;;) {
      progress.pass++;
      const { localCheckpoint } = await primarySeqNo(client, from);
      const copied = await copyChangedSince(client, from, to, checkpoint, batchSize, (n) => {
        progress.copied += n;
        report(progress.pass === 1 ? 'copy' : 'catch-up');
      });
      checkpoint = localCheckpoint;
      if (progress.pass > 1 && (copied < freezeBelow || progress.pass >= maxPasses)) break;
    }

    // Refresh before the freeze: the first refresh of the copy builds its segments (vectors too), which
    // must not lengthen the time writers are held back.
    await client.indices.putSettings({ index: to, settings: { 'index.refresh_interval': null } });
    await client.indices.refresh({ index: to });
    frozenAt = Date.now();
    await setFrozen(client, from, true);
    report('frozen');
    // Operations admitted before the block finish; after that the old index no longer changes.
    await waitUntilQuiet(client, from);
    progress.pass++;
    progress.copied += await copyChangedSince(client, from, to, checkpoint, batchSize, () => undefined);
    await client.indices.refresh({ index: to });
    deletesCarried = await carryDeletes(client, from, to, batchSize);
    const [sourceCount, targetCount] = await Promise.all([
      client.count({ index: from }),
      client.count({ index: to }),
    ]);
    if (sourceCount.count !== targetCount.count) {
      throw new Error(`${to} holds ${targetCount.count} documents, ${from} ${sourceCount.count}`);
    }
    await client.indices.updateAliases({
      actions: [{ remove: { index: from, alias } }, { add: { index: to, alias, is_write_index: true } }],
    });
  } catch (error) {
    // Before the switch nothing depends on the new index: lift the freeze, drop it, rerun later.
    if (frozenAt !== undefined) await setFrozen(client, from, false);
    await client.indices.delete({ index: to }, { ignore: [404] });
    throw error;
  }
  const frozenMs = Date.now() - frozenAt;
  report('switched');
  // The old index stays frozen: a write resolved to it just before the switch is refused with 429 and
  // retried through the alias, so it cannot land where nobody reads.
  if (options.dropOld === true) await client.indices.delete({ index: from });
  return {
    name: definition.name,
    alias,
    from,
    to,
    copied: progress.copied,
    passes: progress.pass,
    frozenMs,
    deletesCarried,
  };
}

async function createTarget(
  client: Client,
  prefix: string,
  definition: IndexDefinition,
  from: string,
  to: string,
  restart: boolean,
): Promise<void> {
  if (restart) {
    await setFrozen(client, from, false);
    await client.indices.delete({ index: to }, { ignore: [404] });
  }
  try {
    // No refreshes while copying: the index is searched by nobody until the switch.
    await createVersionedIndex(client, prefix, definition, {
      withAlias: false,
      settings: { refresh_interval: '-1' },
    });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    throw new Error(
      `${to} already exists: another migration is running, or one was interrupted ` +
        '(then rerun with --restart)',
      { cause: error },
    );
  }
}

/** Sequence numbers of the index's only primary shard. */
async function primarySeqNo(
  client: Client,
  index: string,
): Promise<{ maxSeqNo: number; localCheckpoint: number }> {
  const stats = await client.indices.stats({ index, level: 'shards', metric: 'docs' });
  const shards = stats.indices?.[index]?.shards ?? {};
  const ids = Object.keys(shards);
  if (ids.length !== 1) {
    throw new Error(`${index} has ${ids.length} shards; migrations follow one shard's _seq_no`);
  }
  const primary = Object.values(shards)
    .flat()
    .find((copy) => copy.routing?.primary === true);
  const seqNo = primary?.seq_no;
  if (seqNo === undefined) throw new Error(`${index}: no started primary shard`);
  return { maxSeqNo: seqNo.max_seq_no, localCheckpoint: seqNo.local_checkpoint };
}

async function waitUntilQuiet(client: Client, index: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { maxSeqNo, localCheckpoint } = await primarySeqNo(client, index);
    if (maxSeqNo === localCheckpoint) return;
    if (Date.now() > deadline) throw new Error(`${index}: operations still in flight after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** 429 to every document write and mapping change; reads go on, and the index itself may be deleted. */
async function setFrozen(client: Client, index: string, frozen: boolean): Promise<void> {
  await client.indices.putSettings({
    index,
    settings: { 'index.blocks.read_only_allow_delete': frozen ? true : null },
  });
}

/**
 * Copies every document whose `_seq_no` is above `afterSeqNo` (all of them for -1) as it is now.
 * Returns how many were copied.
 */
async function copyChangedSince(
  client: Client,
  from: string,
  to: string,
  afterSeqNo: number,
  batchSize: number,
  onBatch: (copied: number) => void,
): Promise<number> {
  // Everything at or below the checkpoint read before this refresh is visible to the point in time.
  await client.indices.refresh({ index: from });
  const query: estypes.QueryDslQueryContainer =
    afterSeqNo < 0 ? { match_all: {} } : { range: { _seq_no: { gt: afterSeqNo } } };
  let copied = 0;
  for await (const hits of pages(client, from, query, batchSize, true)) {
    await bulkIndex(client, to, hits);
    copied += hits.length;
    onBatch(hits.length);
  }
  return copied;
}

/** Pages of a point-in-time scan in index order (`_shard_doc`, the cheapest sort). */
async function* pages(
  client: Client,
  index: string,
  query: NonNullable<estypes.SearchRequest['query']>,
  size: number,
  withSource: boolean,
): AsyncGenerator<estypes.SearchHit<Record<string, unknown>>[]> {
  let pitId = (await client.openPointInTime({ index, keep_alive: '2m' })).id;
  let searchAfter: estypes.SortResults | undefined;
  try {
    for (;;) {
      const request: estypes.SearchRequest = {
        pit: { id: pitId, keep_alive: '2m' },
        query,
        size,
        sort: [{ _shard_doc: 'asc' }],
        // Elasticsearch 9 leaves dense vectors out of `_source` unless asked: a copy without this
        // would silently lose every embedding.
        _source: withSource ? { exclude_vectors: false } : false,
        track_total_hits: false,
      };
      if (searchAfter !== undefined) request.search_after = searchAfter;
      const response = await client.search<Record<string, unknown>>(request);
      pitId = response.pit_id ?? pitId;
      const hits = response.hits.hits;
      if (hits.length === 0) return;
      yield hits;
      searchAfter = hits[hits.length - 1]?.sort;
      if (hits.length < size || searchAfter === undefined) return;
    }
  } finally {
    await client.closePointInTime({ id: pitId }, { ignore: [404] });
  }
}

/** Writes hits under their own ids; retries 429/5xx items, fails on anything else. */
async function bulkIndex(
  client: Client,
  index: string,
  hits: readonly estypes.SearchHit<Record<string, unknown>>[],
): Promise<void> {
  let pending = hits.filter((hit) => hit._id !== undefined);
  for (let attempt = 1; pending.length > 0; attempt++) {
    const operations = pending.flatMap((hit) => [
      { index: { _index: index, _id: hit._id } },
      hit._source ?? {},
    ]);
    const response = await client.bulk({ operations, refresh: false });
    const retry: typeof pending = [];
    let lastError = '';
    response.items.forEach((item, i) => {
      const op = item.index;
      const hit = pending[i];
      if (op?.error === undefined || hit === undefined) return;
      if (!isRetryableStatus(op.status)) {
        throw new Error(`copying ${hit._id ?? ''} into ${index}: ${op.error.type}: ${op.error.reason ?? ''}`);
      }
      retry.push(hit);
      lastError = `${op.status} ${op.error.type}`;
    });
    if (retry.length > 0 && attempt >= 8) {
      throw new Error(`copy into ${index}: ${retry.length} documents refused 8 times (${lastError})`);
    }
    if (retry.length > 0) await sleep(100 * 2 ** attempt);
    pending = retry;
  }
}

/**
 * Removes from the new index the documents deleted from the old one since they were copied. Only looked
 * for when the counts differ (the new index has extra documents exactly then), so usually free.
 */
async function carryDeletes(client: Client, from: string, to: string, batchSize: number): Promise<number> {
  await client.indices.refresh({ index: from });
  const [source, target] = await Promise.all([client.count({ index: from }), client.count({ index: to })]);
  if (target.count <= source.count) return 0;
  const alive = new Set<string>();
  for await (const hits of pages(client, from, { match_all: {} }, batchSize, false)) {
    for (const hit of hits) if (hit._id !== undefined) alive.add(hit._id);
  }
  const gone: string[] = [];
  for await (const hits of pages(client, to, { match_all: {} }, batchSize, false)) {
    for (const hit of hits) if (hit._id !== undefined && !alive.has(hit._id)) gone.push(hit._id);
  }
  for (let i = 0; i < gone.length; i += batchSize) {
    const operations = gone.slice(i, i + batchSize).map((id) => ({ delete: { _index: to, _id: id } }));
    const response = await client.bulk({ operations, refresh: true });
    if (response.errors) {
      const failed = response.items.find((item) => item.delete?.error !== undefined);
      throw new Error(`removing deleted documents from ${to}: ${JSON.stringify(failed?.delete?.error)}`);
    }
  }
  return gone.length;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
