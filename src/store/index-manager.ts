import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import {
  INDEX_DEFINITIONS,
  aliasName,
  versionedIndexName,
  type IndexDefinition,
  type IndexName,
} from './indices';

/** What start-up found for each logical index. */
export interface IndexState {
  name: IndexName;
  alias: string;
  index: string;
  created: boolean;
}

/** Settings of every index Dozor creates (start-up and migrations alike). */
export const INDEX_SETTINGS: estypes.IndicesIndexSettings = {
  // One shard: the data fits, and migrations rely on one sequence of `_seq_no` per index.
  number_of_shards: 1,
  // One replica where there is a second node, none on a single local node (keeps health green).
  auto_expand_replicas: '0-1',
};

/** Creates the versioned index of a definition, with its alias as the write index when `withAlias`. */
export async function createVersionedIndex(
  client: Client,
  prefix: string,
  definition: IndexDefinition,
  options: { withAlias: boolean; settings?: estypes.IndicesIndexSettings },
): Promise<void> {
  await client.indices.create({
    index: versionedIndexName(prefix, definition),
    settings: { ...INDEX_SETTINGS, ...options.settings },
    mappings: definition.mappings,
    ...(options.withAlias
      ? { aliases: { [aliasName(prefix, definition.name)]: { is_write_index: true } } }
      : {}),
  });
}

/**
 * Creates every versioned index with its alias when absent. Safe to run from several processes at once:
 * a concurrent creation of the same index is treated as success.
 */
export async function ensureIndices(client: Client, prefix: string): Promise<IndexState[]> {
  const states: IndexState[] = [];
  for (const definition of Object.values(INDEX_DEFINITIONS)) {
    const alias = aliasName(prefix, definition.name);
    const index = versionedIndexName(prefix, definition);
    if (await client.indices.existsAlias({ name: alias })) {
      states.push({ name: definition.name, alias, index, created: false });
      continue;
    }
    try {
      await createVersionedIndex(client, prefix, definition, { withAlias: true });
      states.push({ name: definition.name, alias, index, created: true });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      states.push({ name: definition.name, alias, index, created: false });
    }
  }
  return states;
}

/** Names of the logical indices whose alias is missing; empty when the store is ready. */
export async function missingIndices(client: Client, prefix: string): Promise<IndexName[]> {
  const missing: IndexName[] = [];
  for (const name of Object.keys(INDEX_DEFINITIONS) as IndexName[]) {
    if (!(await client.indices.existsAlias({ name: aliasName(prefix, name) }))) missing.push(name);
  }
  return missing;
}

/** The concrete indices an alias points at (empty when the alias does not exist). */
export async function aliasTargets(client: Client, alias: string): Promise<string[]> {
  try {
    return Object.keys(await client.indices.getAlias({ name: alias }));
  } catch (error) {
    if (error instanceof errors.ResponseError && error.statusCode === 404) return [];
    throw error;
  }
}

/** A logical index whose live version differs from the one the code defines. */
export interface PendingMigration {
  name: IndexName;
  alias: string;
  from: string;
  to: string;
}

/**
 * Logical indices whose alias points at an older version than the code's definition (see `dozor migrate`).
 * A newer live version (code rolled back) is left alone: migrating down could drop fields.
 */
export async function pendingMigrations(
  client: Client,
  prefix: string,
  definitions: readonly IndexDefinition[] = Object.values(INDEX_DEFINITIONS),
): Promise<PendingMigration[]> {
  const pending: PendingMigration[] = [];
  for (const definition of definitions) {
    const alias = aliasName(prefix, definition.name);
    const to = versionedIndexName(prefix, definition);
    const [from, ...more] = await aliasTargets(client, alias);
    if (from === undefined || more.length > 0 || versionOf(from) >= definition.version) continue;
    pending.push({ name: definition.name, alias, from, to });
  }
  return pending;
}

/** The version in a versioned index name (`dozor-posts-v2` → 2); -1 when the name carries none. */
function versionOf(index: string): number {
  const match = /-v(\d+)$/.exec(index);
  return match?.[1] === undefined ? -1 : Number(match[1]);
}

/**
 * Deletes every index of a prefix (tests and `dozor reset`). Names are listed first because clusters
 * usually forbid wildcard deletes (`action.destructive_requires_name`).
 */
export async function deleteIndices(client: Client, prefix: string): Promise<void> {
  const found = await client.indices.get({
    index: `${prefix}-*`,
    allow_no_indices: true,
    expand_wildcards: 'all',
  });
  const names = Object.keys(found);
  if (names.length > 0) await client.indices.delete({ index: names.join(',') });
}

export function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof errors.ResponseError &&
    error.body !== null &&
    JSON.stringify(error.body).includes('resource_already_exists_exception')
  );
}
