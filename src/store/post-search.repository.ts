import type { Client, estypes } from '@elastic/elasticsearch';
import type { PostDocument } from '../domain/post-document';
import { aliasName } from './indices';

/** Fields never read by the API: big (vectors) or kept only for audits (the source record). */
const EXCLUDED = ['vector', 'raw'];

export type SortValues = (string | number | null)[];

/** Filters shared by search, counts and histograms; each list matches any of its values. */
export interface PostFilter {
  platforms?: readonly string[];
  channels?: readonly string[];
  places?: readonly string[];
  topics?: readonly string[];
  departments?: readonly string[];
  storyId?: string;
  /** ISO instants, `from` inclusive, `to` exclusive, on `publishedAt`. */
  from?: string;
  to?: string;
}

export interface PostSearchQuery extends PostFilter {
  /** Lemmas of the query, from `analyzeQuery`: matched against the lemma field, all required. */
  lemmas: readonly string[];
  sort: 'relevance' | 'newest' | 'oldest';
  size: number;
  /** Sort values of the last hit of the previous page (`search_after`). */
  after?: SortValues;
}

export interface PostHit {
  doc: PostDocument;
  sort: SortValues;
}

export interface TermCount {
  key: string;
  count: number;
}

export interface Bucket {
  start: string;
  count: number;
}

/**
 * Read side of the posts index for the API, trends and briefings: search with filters and cursors,
 * counts, term counts and histograms. Writers use `PostsRepository`.
 */
export class PostSearchRepository {
  private readonly index: string;

  constructor(
    private readonly client: Client,
    prefix: string,
  ) {
    this.index = aliasName(prefix, 'posts');
  }

  async search(query: PostSearchQuery): Promise<{ total: number; hits: PostHit[] }> {
    const must: estypes.QueryDslQueryContainer[] =
      query.lemmas.length === 0
        ? []
        : [{ match: { lemmas: { query: query.lemmas.join(' '), operator: 'and' } } }];
    const sort: estypes.SortCombinations[] =
      query.sort === 'relevance' && query.lemmas.length > 0
        ? ['_score', { publishedAt: 'desc' }, { id: 'asc' }]
        : [{ publishedAt: query.sort === 'oldest' ? 'asc' : 'desc' }, { id: 'asc' }];
    const response = await this.client.search<PostDocument>({
      index: this.index,
      query: { bool: { must, filter: filterClauses(query) } },
      sort,
      size: query.size,
      ...(query.after ? { search_after: query.after } : {}),
      _source: { excludes: EXCLUDED },
      track_total_hits: true,
    });
    return {
      total: totalOf(response.hits.total),
      hits: response.hits.hits.flatMap((hit) =>
        hit._source ? [{ doc: hit._source, sort: sortValues(hit.sort) }] : [],
      ),
    };
  }

  /** Posts by id, in the order asked, without vectors; missing ids are skipped. */
  async getMany(ids: readonly string[]): Promise<PostDocument[]> {
    if (ids.length === 0) return [];
    const response = await this.client.mget<PostDocument>({
      index: this.index,
      ids: [...ids],
      _source_excludes: EXCLUDED,
    });
    return response.docs.flatMap((doc) => ('found' in doc && doc.found && doc._source ? [doc._source] : []));
  }

  async count(filter: PostFilter): Promise<number> {
    return (
      await this.client.count({ index: this.index, query: { bool: { filter: filterClauses(filter) } } })
    ).count;
  }

  /** Most frequent values of a keyword field among the filtered posts. */
  async termCounts(
    field: 'topics' | 'places' | 'department' | 'channel' | 'platform',
    filter: PostFilter,
    size = 20,
  ): Promise<TermCount[]> {
    const response = await this.client.search<unknown, { terms: estypes.AggregationsStringTermsAggregate }>({
      index: this.index,
      size: 0,
      query: { bool: { filter: filterClauses(filter) } },
      aggs: { terms: { terms: { field, size } } },
    });
    return bucketsOf(response.aggregations?.terms.buckets).map((bucket) => ({
      key: String(bucket.key),
      count: bucket.doc_count,
    }));
  }

  /** Post counts per fixed interval over [from, to), empty buckets included. */
  async histogram(filter: PostFilter & { from: string; to: string }, intervalMs: number): Promise<Bucket[]> {
    const response = await this.client.search<unknown, { hist: estypes.AggregationsDateHistogramAggregate }>({
      index: this.index,
      size: 0,
      query: { bool: { filter: filterClauses(filter) } },
      aggs: {
        hist: {
          date_histogram: {
            field: 'publishedAt',
            fixed_interval: `${Math.round(intervalMs / 1000)}s`,
            min_doc_count: 0,
            extended_bounds: { min: Date.parse(filter.from), max: Date.parse(filter.to) - 1 },
          },
        },
      },
    });
    return histogramBuckets(response.aggregations?.hist.buckets);
  }

  /** Per value of a keyword field (the `keys` given), post counts per fixed interval. */
  async histogramsByTerm(
    field: 'topics' | 'places',
    keys: readonly string[],
    filter: PostFilter & { from: string; to: string },
    intervalMs: number,
  ): Promise<Map<string, Bucket[]>> {
    const out = new Map<string, Bucket[]>();
    if (keys.length === 0) return out;
    const response = await this.client.search<
      unknown,
      {
        byKey: estypes.AggregationsStringTermsAggregate;
      }
    >({
      index: this.index,
      size: 0,
      query: { bool: { filter: [...filterClauses(filter), { terms: { [field]: [...keys] } }] } },
      aggs: {
        byKey: {
          terms: { field, size: keys.length, include: [...keys] },
          aggs: {
            hist: {
              date_histogram: {
                field: 'publishedAt',
                fixed_interval: `${Math.round(intervalMs / 1000)}s`,
                min_doc_count: 0,
                extended_bounds: { min: Date.parse(filter.from), max: Date.parse(filter.to) - 1 },
              },
            },
          },
        },
      },
    });
    for (const bucket of bucketsOf(response.aggregations?.byKey.buckets)) {
      const hist: unknown = bucket.hist;
      out.set(String(bucket.key), isHistogram(hist) ? histogramBuckets(hist.buckets) : []);
    }
    return out;
  }
}

function filterClauses(filter: PostFilter): estypes.QueryDslQueryContainer[] {
  const clauses: estypes.QueryDslQueryContainer[] = [];
  const terms = (field: string, values: readonly string[] | undefined): void => {
    if (values !== undefined && values.length > 0) clauses.push({ terms: { [field]: [...values] } });
  };
  terms('platform', filter.platforms);
  terms('channel', filter.channels);
  terms('places', filter.places);
  terms('topics', filter.topics);
  terms('department', filter.departments);
  if (filter.storyId !== undefined) clauses.push({ term: { storyId: filter.storyId } });
  if (filter.from !== undefined || filter.to !== undefined) {
    clauses.push({
      range: {
        publishedAt: {
          ...(filter.from === undefined ? {} : { gte: filter.from }),
          ...(filter.to === undefined ? {} : { lt: filter.to }),
        },
      },
    });
  }
  return clauses;
}

function totalOf(total: number | estypes.SearchTotalHits | undefined): number {
  return typeof total === 'number' ? total : (total?.value ?? 0);
}

function sortValues(values: estypes.SortResults | undefined): SortValues {
  return (values ?? []).map((value) =>
    typeof value === 'string' || typeof value === 'number' ? value : value === null ? null : String(value),
  );
}

function bucketsOf<B>(buckets: B[] | Record<string, B> | undefined): B[] {
  if (buckets === undefined) return [];
  return Array.isArray(buckets) ? buckets : Object.values(buckets);
}

function histogramBuckets(
  buckets:
    | estypes.AggregationsDateHistogramBucket[]
    | Record<string, estypes.AggregationsDateHistogramBucket>
    | undefined,
): Bucket[] {
  return bucketsOf(buckets).map((bucket) => ({
    start: new Date(bucket.key).toISOString(),
    count: bucket.doc_count,
  }));
}

function isHistogram(value: unknown): value is estypes.AggregationsDateHistogramAggregate {
  return typeof value === 'object' && value !== null && 'buckets' in value;
}
