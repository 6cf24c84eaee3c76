import { errors, type Client } from '@elastic/elasticsearch';
import { INDEX_DEFINITIONS, aliasName, versionedIndexName, type IndexName } from './indices';

/** What start-up found for each logical index. */
export interface IndexState {
  name: IndexName;
  alias: string;
  index: string;
  created: boolean;
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
      await client.indices.create({
        index,
        settings: {
          number_of_shards: 1,
          // One replica where there is a second node, none on a single local node (keeps health green).
          auto_expand_replicas: '0-1',
        },
        mappings: definition.mappings,
        aliases: { [alias]: { is_write_index: true } },
      });
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

function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof errors.ResponseError &&
    error.body !== null &&
    JSON.stringify(error.body).includes('resource_already_exists_exception')
  );
}
