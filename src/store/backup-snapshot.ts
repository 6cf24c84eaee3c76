import { errors, type Client } from '@elastic/elasticsearch';
import { describeEsError } from './elasticsearch';

/**
 * Registers a shared-filesystem snapshot repository unless one of that name exists (then it is used as
 * configured, whatever its type: an operator may have registered S3 or GCS instead). A relative `location`
 * resolves below the node's first `path.repo`; the local server has `path.repo` under the state folder
 * (src/provision/elasticsearch.ts), an external cluster needs it set on every node.
 */
export async function ensureSnapshotRepository(
  client: Client,
  name: string,
  location: string,
): Promise<{ created: boolean; type: string }> {
  try {
    const found = await client.snapshot.getRepository({ name });
    return { created: false, type: found[name]?.type ?? 'unknown' };
  } catch (error) {
    if (!(error instanceof errors.ResponseError && error.statusCode === 404)) throw error;
  }
  try {
    await client.snapshot.createRepository({ name, repository: { type: 'fs', settings: { location } } });
  } catch (error) {
    throw new Error(
      `cannot register snapshot repository ${name} at ${location}: ${describeEsError(error)}. ` +
        'The location must be inside path.repo of every node (elasticsearch.yml), writable by Elasticsearch.',
      { cause: error },
    );
  }
  return { created: true, type: 'fs' };
}

/** Takes a snapshot of exactly these indices (no cluster state, no aliases needed) and waits for it. */
export async function createSnapshot(
  client: Client,
  repository: string,
  snapshot: string,
  indices: readonly string[],
): Promise<{ shards: number }> {
  const response = await client.snapshot.create({
    repository,
    snapshot,
    indices: indices.join(','),
    include_global_state: false,
    wait_for_completion: true,
  });
  const info = response.snapshot;
  const failed = info?.shards?.failed ?? 1;
  if (info?.state !== 'SUCCESS' || failed > 0) {
    throw new Error(
      `snapshot ${repository}/${snapshot} ended ${info?.state ?? 'unknown'}, ${failed} shard(s) failed`,
    );
  }
  return { shards: info.shards?.successful ?? 0 };
}

/** Restores `indices` of a snapshot, renamed from one index prefix to another, without their aliases. */
export async function restoreSnapshot(
  client: Client,
  repository: string,
  snapshot: string,
  indices: readonly string[],
  rename: { from: string; to: string },
): Promise<void> {
  const response = await client.snapshot.restore({
    repository,
    snapshot,
    indices: indices.join(','),
    include_global_state: false,
    // The snapshot's aliases carry the old prefix; the caller points the new ones.
    include_aliases: false,
    ...(rename.from === rename.to
      ? {}
      : { rename_pattern: `^${escapeJavaRegex(rename.from)}-(.+)$`, rename_replacement: `${rename.to}-$1` }),
    wait_for_completion: true,
  });
  const failed = response.snapshot?.shards.failed ?? 0;
  if (failed > 0) throw new Error(`restore of ${repository}/${snapshot}: ${failed} shard(s) failed`);
}

export async function deleteSnapshot(client: Client, repository: string, snapshot: string): Promise<void> {
  await client.snapshot.delete({ repository, snapshot }, { ignore: [404] });
}

function escapeJavaRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
