import type { Client, estypes } from '@elastic/elasticsearch';
import type { RejectRecord } from '../pipeline/jobs';
import { bulkUpsert, type BulkResult } from './bulk';
import { aliasName } from './indices';

/** The rejects index: every refused record with its reason, queryable by people and the API. */
export class RejectsRepository {
  private readonly index: string;

  constructor(
    private readonly client: Client,
    prefix: string,
    private readonly bulkMaxBytes: number,
  ) {
    this.index = aliasName(prefix, 'rejects');
  }

  bulkUpsert(records: readonly RejectRecord[]): Promise<BulkResult> {
    return bulkUpsert(this.client, this.index, records, { maxBytes: this.bulkMaxBytes });
  }

  /** Most recent rejects, optionally of one code, newest first. */
  async recent(
    options: { code?: string; size?: number } = {},
  ): Promise<{ total: number; items: RejectRecord[] }> {
    const response = await this.client.search<RejectRecord>({
      index: this.index,
      query: options.code === undefined ? { match_all: {} } : { term: { code: options.code } },
      sort: [{ rejectedAt: 'desc' }],
      size: options.size ?? 50,
      track_total_hits: true,
    });
    const total =
      typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    return { total, items: response.hits.hits.flatMap((hit) => (hit._source ? [hit._source] : [])) };
  }

  /** Count per reject code. */
  async countsByCode(): Promise<Record<string, number>> {
    const response = await this.client.search<unknown, { codes: estypes.AggregationsStringTermsAggregate }>({
      index: this.index,
      size: 0,
      aggs: { codes: { terms: { field: 'code', size: 100 } } },
    });
    const buckets = response.aggregations?.codes.buckets ?? [];
    return Object.fromEntries(
      (Array.isArray(buckets) ? buckets : Object.values(buckets)).map((bucket) => [
        String(bucket.key),
        bucket.doc_count,
      ]),
    );
  }
}
