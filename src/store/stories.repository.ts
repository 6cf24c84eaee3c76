import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import type { StoryDocument } from '../cluster/story';
import { describeEsError, isRetryableStatus } from './elasticsearch';
import { aliasTargets } from './index-manager';
import { aliasName } from './indices';

/** The version Elasticsearch gave a record, for optimistic concurrency. */
export interface StoryVersion {
  seqNo: number;
  primaryTerm: number;
}

/** A story record with its version. */
export interface VersionedStory extends StoryVersion {
  doc: StoryDocument;
}

/** A write guarded by the version read (or "must not exist yet" when `version` is absent). */
export interface GuardedWrite {
  doc: StoryDocument;
  version?: StoryVersion;
}

/** Ids that lost a race, and the version Elasticsearch gave each record written. */
export interface GuardedWriteResult {
  conflicts: string[];
  versions: Map<string, StoryVersion>;
}

export interface StoryListQuery {
  status?: 'active' | 'merged';
  /** Full-text over title and representative text. */
  text?: string;
  /**
   * Lemmas of `text` (from `analyzeQuery`): a story whose representative has them all matches too, so
   * «Ковров» finds «в Коврове» (the stripped server has no Russian analyzer for the text fields).
   */
  lemmas?: readonly string[];
  since?: string;
  sort?: 'lastActivityAt' | 'size' | 'firstSeenAt';
  size?: number;
  from?: number;
}

/** Nearest post of a story to a vector (semantic level), with its text to check its facts. */
export interface VectorNeighbour {
  postId: string;
  storyId: string;
  score: number;
  textClean: string;
}

/**
 * Story records in Elasticsearch. Writes are guarded by `if_seq_no`/`if_primary_term`: several workers
 * update the same story, and a lost update would lose members. Callers re-read and retry conflicts.
 */
export class StoriesRepository {
  private readonly index: string;
  private readonly postsIndex: string;

  constructor(
    private readonly client: Client,
    prefix: string,
  ) {
    this.index = aliasName(prefix, 'stories');
    this.postsIndex = aliasName(prefix, 'posts');
  }

  async get(id: string): Promise<StoryDocument | undefined> {
    const response = await this.client.get<StoryDocument>({ index: this.index, id }, { ignore: [404] });
    return response.found ? response._source : undefined;
  }

  /**
   * The concrete indices behind the alias, as one key ('' when it is missing): versions only compare
   * within one index, and `dozor migrate` moves the alias to a new one.
   */
  async aliasTargetKey(): Promise<string> {
    return (await aliasTargets(this.client, this.index)).sort().join(',');
  }

  /** Reads records with their versions; absent ids are missing from the map. */
  async getVersioned(ids: readonly string[]): Promise<Map<string, VersionedStory>> {
    const out = new Map<string, VersionedStory>();
    if (ids.length === 0) return out;
    const response = await this.client.mget<StoryDocument>({ index: this.index, ids: [...ids] });
    for (const entry of response.docs) {
      if (!('found' in entry) || !entry.found || entry._source === undefined) continue;
      if (entry._seq_no === undefined || entry._primary_term === undefined) continue;
      out.set(entry._id, { doc: entry._source, seqNo: entry._seq_no, primaryTerm: entry._primary_term });
    }
    return out;
  }

  /**
   * Writes records in one `_bulk`, each guarded by its version. Returns the ids that lost a race (409) —
   * the caller re-reads and re-applies them — and the new version of each record written; throws on any
   * other failure so the batch is retried.
   */
  async writeGuarded(writes: readonly GuardedWrite[], refresh = false): Promise<GuardedWriteResult> {
    const versions = new Map<string, StoryVersion>();
    if (writes.length === 0) return { conflicts: [], versions };
    const operations: object[] = [];
    for (const write of writes) {
      const action = write.version
        ? {
            index: {
              _index: this.index,
              _id: write.doc.id,
              if_seq_no: write.version.seqNo,
              if_primary_term: write.version.primaryTerm,
            },
          }
        : { create: { _index: this.index, _id: write.doc.id } };
      operations.push(action, write.doc);
    }
    const response = await this.client.bulk({ operations, refresh });
    const conflicts: string[] = [];
    for (const item of response.items) {
      const op = item.index ?? item.create;
      if (op && !op.error && op._seq_no !== undefined && op._primary_term !== undefined)
        versions.set(op._id ?? '', { seqNo: op._seq_no, primaryTerm: op._primary_term });
      if (!op?.error) continue;
      if (op.status === 409) conflicts.push(op._id ?? '');
      else {
        const reason = `${op.error.type}: ${op.error.reason ?? ''}`;
        throw new Error(
          `story record ${op._id ?? '?'} not written (HTTP ${op.status}${isRetryableStatus(op.status) ? ', retryable' : ''}): ${reason}`,
        );
      }
    }
    return { conflicts, versions };
  }

  /** Stories for the list view, newest activity first by default. */
  async list(query: StoryListQuery = {}): Promise<{ total: number; items: StoryDocument[] }> {
    const filter: estypes.QueryDslQueryContainer[] = [{ term: { status: query.status ?? 'active' } }];
    if (query.since !== undefined) filter.push({ range: { lastActivityAt: { gte: query.since } } });
    // Text matches the title and text as written, or the lemmas of the representative.
    const should: estypes.QueryDslQueryContainer[] = [];
    if (query.text !== undefined) {
      should.push({ multi_match: { query: query.text, fields: ['title^2', 'representativeText'] } });
      if (query.lemmas !== undefined && query.lemmas.length > 0)
        should.push({ match: { lemmas: { query: query.lemmas.join(' '), operator: 'and' } } });
    }
    const response = await this.client.search<StoryDocument>({
      index: this.index,
      query: { bool: { filter, should, ...(should.length > 0 ? { minimum_should_match: 1 } : {}) } },
      sort: [{ [query.sort ?? 'lastActivityAt']: 'desc' }, { id: 'asc' }],
      size: query.size ?? 20,
      from: query.from ?? 0,
      track_total_hits: true,
    });
    const total =
      typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    return { total, items: response.hits.hits.flatMap((hit) => (hit._source ? [hit._source] : [])) };
  }

  /**
   * Semantic level: for each vector, the nearest already indexed posts that belong to a story (one
   * `_msearch` per batch). Posts of the same batch are not indexed yet and are not found.
   */
  async nearestStories(
    vectors: readonly (readonly number[])[],
    options: { k: number; numCandidates: number; minScore: number },
  ): Promise<VectorNeighbour[][]> {
    if (vectors.length === 0) return [];
    const searches: estypes.MsearchRequestItem[] = [];
    for (const vector of vectors) {
      searches.push(
        { index: this.postsIndex },
        {
          knn: {
            field: 'vector',
            query_vector: [...vector],
            k: options.k,
            num_candidates: options.numCandidates,
            filter: { exists: { field: 'storyId' } },
          },
          _source: ['storyId', 'textClean'],
          size: options.k,
        },
      );
    }
    const response = await this.client.msearch<{ storyId?: string; textClean?: string }>({ searches });
    return response.responses.map((result) => {
      if ('error' in result) throw new Error(`kNN search failed: ${JSON.stringify(result.error)}`);
      return result.hits.hits.flatMap((hit) => {
        // ES maps cosine to (1 + cos) / 2 for the score; convert back to the cosine.
        const cos = 2 * (hit._score ?? 0) - 1;
        const storyId = hit._source?.storyId;
        return storyId !== undefined && cos >= options.minScore
          ? [{ postId: hit._id ?? '', storyId, score: cos, textClean: hit._source?.textClean ?? '' }]
          : [];
      });
    });
  }

  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: this.index });
  }
}

export { describeEsError, errors };
