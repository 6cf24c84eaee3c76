import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { dumpKeys, hasKeys, restoreKeys } from './backup-redis';
import { createSnapshot, ensureSnapshotRepository, restoreSnapshot } from './backup-snapshot';
import { aliasTargets } from './index-manager';
import { INDEX_NAMES, aliasName } from './indices';
import { deleteKeysWithPrefix } from './redis';

const REDIS_FILE = 'redis.jsonl.gz';
const MANIFEST_FILE = 'manifest.json';

const manifestSchema = z.object({
  format: z.literal(1),
  name: z.string(),
  createdAt: z.string(),
  indexPrefix: z.string(),
  queuePrefix: z.string(),
  repository: z.string(),
  location: z.string(),
  snapshot: z.string(),
  indices: z.array(z.object({ name: z.enum(INDEX_NAMES), index: z.string(), docs: z.number().int() })),
  redis: z.object({ file: z.string(), keys: z.number().int() }),
  /** Queues that `dozor backup` paused for the dump: their paused flag is in the dump, to be lifted. */
  pausedQueues: z.array(z.string()),
});

/**
 * What a backup holds. The Elasticsearch half lives in the snapshot repository (on the cluster's side),
 * the Redis half and this manifest in the backup folder (on the side of the machine that ran it).
 */
export type BackupManifest = z.infer<typeof manifestSchema>;

export interface BackupStores {
  es: Client;
  redis: Redis;
  indexPrefix: string;
  queuePrefix: string;
}

export interface BackupOptions {
  /** Folder for the manifest and the Redis dump; must not hold a backup yet. */
  dir: string;
  /** Backup and snapshot name: lower case letters, digits, `-` and `_`. */
  name: string;
  repository: string;
  /** Where an `fs` repository is registered when missing (relative: below `path.repo`). */
  location: string;
  /**
   * Stops the writers before the copy and returns the function that lets them go on, with the names of
   * the queues it paused (recorded so a restore can lift the pause that the dump carries).
   */
  quiesce?: () => Promise<{ resume: () => Promise<void>; paused: string[] }>;
}

/**
 * Backs up everything that matters of one deployment: every logical index (posts, stories, alerts with
 * their review history, sources, rejects, registries, appeals) as an Elasticsearch snapshot, and every
 * Redis key of the queue prefix (ledger, LSH buckets, API keys, audit log, counters, queues) as a dump.
 * Redis is dumped first: whatever it still lists as in flight is redone after a restore, idempotently.
 */
export async function backupStores(stores: BackupStores, options: BackupOptions): Promise<BackupManifest> {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(options.name)) {
    throw new Error(`backup name ${options.name}: use lower case letters, digits, - and _`);
  }
  if (existsSync(path.join(options.dir, MANIFEST_FILE))) {
    throw new Error(`${options.dir} already holds a backup; choose another --dir or --name`);
  }
  mkdirSync(options.dir, { recursive: true });
  await ensureSnapshotRepository(stores.es, options.repository, options.location);
  const quiesced = await options.quiesce?.();
  let manifest: BackupManifest;
  try {
    const indices = [];
    for (const name of INDEX_NAMES) {
      const alias = aliasName(stores.indexPrefix, name);
      const [index, ...more] = await aliasTargets(stores.es, alias);
      if (index === undefined || more.length > 0) throw new Error(`alias ${alias} must point at one index`);
      indices.push({ name, index, docs: (await stores.es.count({ index })).count });
    }
    const redis = await dumpKeys(stores.redis, stores.queuePrefix, path.join(options.dir, REDIS_FILE));
    await createSnapshot(
      stores.es,
      options.repository,
      options.name,
      indices.map((entry) => entry.index),
    );
    manifest = {
      format: 1,
      name: options.name,
      createdAt: new Date().toISOString(),
      indexPrefix: stores.indexPrefix,
      queuePrefix: stores.queuePrefix,
      repository: options.repository,
      location: options.location,
      snapshot: options.name,
      indices,
      redis: { file: REDIS_FILE, keys: redis.keys },
      pausedQueues: quiesced?.paused ?? [],
    };
  } finally {
    await quiesced?.resume();
  }
  const file = path.join(options.dir, MANIFEST_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return manifest;
}

export function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new Error(`${dir} holds no backup (no ${MANIFEST_FILE})`);
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a Dozor backup manifest: ${parsed.error.message}`);
  return parsed.data;
}

export interface RestoreResult {
  indices: { name: string; index: string; docs: number }[];
  keys: number;
}

/**
 * Restores a backup into `stores` (their prefixes may differ from the backup's: a fresh deployment, or a
 * side-by-side copy for inspection). The target must be empty — indices without documents, as start-up
 * creates them, are replaced — unless `replace` allows deleting what is there. Nothing may write to the
 * target meanwhile (stop its workers and API). Checks every index's document count against the manifest.
 */
export async function restoreStores(
  stores: BackupStores,
  dir: string,
  options: { replace: boolean },
): Promise<RestoreResult> {
  const manifest = readManifest(dir);
  const renamed = (index: string): string =>
    `${stores.indexPrefix}${index.slice(manifest.indexPrefix.length)}`;
  await clearTargetIndices(stores, manifest, renamed, options.replace);
  if (await hasKeys(stores.redis, stores.queuePrefix)) {
    if (!options.replace) {
      throw new Error(`Redis already holds keys under ${stores.queuePrefix}: (use --replace to delete them)`);
    }
    await deleteKeysWithPrefix(stores.redis, stores.queuePrefix);
  }

  await ensureSnapshotRepository(stores.es, manifest.repository, manifest.location);
  await restoreSnapshot(
    stores.es,
    manifest.repository,
    manifest.snapshot,
    manifest.indices.map((entry) => entry.index),
    { from: manifest.indexPrefix, to: stores.indexPrefix },
  );
  await stores.es.indices.updateAliases({
    actions: manifest.indices.map((entry) => ({
      add: {
        index: renamed(entry.index),
        alias: aliasName(stores.indexPrefix, entry.name),
        is_write_index: true,
      },
    })),
  });
  const { keys } = await restoreKeys(stores.redis, stores.queuePrefix, path.join(dir, manifest.redis.file));

  const indices = [];
  for (const entry of manifest.indices) {
    const index = renamed(entry.index);
    const docs = (await stores.es.count({ index })).count;
    if (docs !== entry.docs)
      throw new Error(`${index}: ${docs} documents restored, the backup holds ${entry.docs}`);
    indices.push({ name: entry.name, index, docs });
  }
  if (keys !== manifest.redis.keys) {
    throw new Error(`${keys} Redis keys restored, the backup holds ${manifest.redis.keys}`);
  }
  return { indices, keys };
}

/** Deletes the target's indices of each logical name (and any with a restored index's name). */
async function clearTargetIndices(
  stores: BackupStores,
  manifest: BackupManifest,
  renamed: (index: string) => string,
  replace: boolean,
): Promise<void> {
  const doomed = new Set<string>();
  for (const entry of manifest.indices) {
    for (const index of await aliasTargets(stores.es, aliasName(stores.indexPrefix, entry.name)))
      doomed.add(index);
    const target = renamed(entry.index);
    if (await stores.es.indices.exists({ index: target })) doomed.add(target);
  }
  if (doomed.size === 0) return;
  const names = [...doomed];
  const docs = (await stores.es.count({ index: names.join(',') })).count;
  if (docs > 0 && !replace) {
    throw new Error(`${names.join(', ')} hold ${docs} documents (use --replace to delete them)`);
  }
  await stores.es.indices.delete({ index: names.join(',') });
}
