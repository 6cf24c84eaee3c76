import type { Client, estypes } from '@elastic/elasticsearch';
import type { PostDocument } from '../domain/post-document';
import { bulkUpsert, type BulkResult } from './bulk';
import { aliasName } from './indices';

/** Typed access to the posts index; the only code that builds queries against it. */
export class PostsRepository {
  private readonly index: string;

  constructor(
    private readonly client: Client,
    prefix: string,
    private readonly bulkMaxBytes: number,
  ) {
    this.index = aliasName(prefix, 'posts');
  }

  /** Writes documents keyed by post id: re-indexing the same post replaces it, never duplicates it. */
  bulkUpsert(docs: readonly PostDocument[], refresh = false): Promise<BulkResult> {
    return bulkUpsert(this.client, this.index, docs, { maxBytes: this.bulkMaxBytes, refresh });
  }

  async get(id: string): Promise<PostDocument | undefined> {
    const response = await this.client.get<PostDocument>({ index: this.index, id }, { ignore: [404] });
    return response.found ? response._source : undefined;
  }

  /** Which of these ids are already indexed (used to count duplicates in the ledger). */
  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const response = await this.client.mget({ index: this.index, ids: [...ids], _source: false });
    return new Set(response.docs.filter((doc) => 'found' in doc && doc.found).map((doc) => doc._id));
  }

  /**
   * Which of these ids carry an embedding. Elasticsearch 9 leaves dense vectors out of returned
   * `_source`, so presence is asked of the index itself.
   */
  async idsWithVector(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const response = await this.client.search({
      index: this.index,
      query: { bool: { filter: [{ ids: { values: [...ids] } }, { exists: { field: 'vector' } }] } },
      _source: false,
      size: ids.length,
    });
    return new Set(response.hits.hits.flatMap((hit) => (hit._id === undefined ? [] : [hit._id])));
  }

  async count(): Promise<number> {
    return (await this.client.count({ index: this.index })).count;
  }

  /** Full-text search over the lemma field, with the query analyzed by our own code into `lemmas`. */
  async searchLemmas(lemmas: readonly string[], size = 20): Promise<{ total: number; hits: PostDocument[] }> {
    const query: estypes.QueryDslQueryContainer =
      lemmas.length === 0
        ? { match_all: {} }
        : { match: { lemmas: { query: lemmas.join(' '), operator: 'and' } } };
    const response = await this.client.search<PostDocument>({
      index: this.index,
      query,
      size,
      sort: lemmas.length === 0 ? [{ publishedAt: 'desc' }] : ['_score', { publishedAt: 'desc' }],
      track_total_hits: true,
    });
    const total =
      typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    return { total, hits: response.hits.hits.flatMap((hit) => (hit._source ? [hit._source] : [])) };
  }

  async deleteById(id: string): Promise<void> {
    await this.client.delete({ index: this.index, id, refresh: true }, { ignore: [404] });
  }

  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: this.index });
  }
}
