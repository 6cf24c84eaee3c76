import type { Client, estypes } from '@elastic/elasticsearch';
import type { SourceKind, SourceRecord } from '../alerts/registry';
import { aliasName } from './indices';

export interface SourceListQuery {
  kind?: SourceKind;
  platform?: string;
  region?: string;
  /** Full text over the title. */
  text?: string;
  size?: number;
  from?: number;
}

/** Entries the detector keeps in memory at most. */
const ALL_LIMIT = 10_000;

/** The sources registry (ES index `sources`): credibility of channels, keyed by `sourceIdFor`. */
export class SourcesRepository {
  private readonly index: string;

  constructor(
    private readonly client: Client,
    prefix: string,
  ) {
    this.index = aliasName(prefix, 'sources');
  }

  async upsert(record: SourceRecord, refresh: boolean | 'wait_for' = 'wait_for'): Promise<void> {
    await this.client.index({ index: this.index, id: record.id, document: record, refresh });
  }

  /** Registers many sources in one `_bulk` (imports of a registry file); throws on any refusal. */
  async bulkUpsert(records: readonly SourceRecord[]): Promise<void> {
    if (records.length === 0) return;
    const operations = records.flatMap((r) => [{ index: { _index: this.index, _id: r.id } }, r]);
    const response = await this.client.bulk({ operations, refresh: 'wait_for' });
    const failed = response.items.find((item) => item.index?.error !== undefined);
    if (failed?.index?.error) {
      throw new Error(`source ${failed.index._id ?? '?'} not written: ${failed.index.error.reason ?? ''}`);
    }
  }

  async get(id: string): Promise<SourceRecord | undefined> {
    const response = await this.client.get<SourceRecord>({ index: this.index, id }, { ignore: [404] });
    return response.found ? response._source : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const response = await this.client.delete(
      { index: this.index, id, refresh: 'wait_for' },
      { ignore: [404] },
    );
    return response.result === 'deleted';
  }

  async list(query: SourceListQuery = {}): Promise<{ total: number; items: SourceRecord[] }> {
    const filter: estypes.QueryDslQueryContainer[] = [];
    if (query.kind !== undefined) filter.push({ term: { kind: query.kind } });
    if (query.platform !== undefined) filter.push({ term: { platform: query.platform } });
    if (query.region !== undefined) filter.push({ term: { region: query.region } });
    const must: estypes.QueryDslQueryContainer[] =
      query.text === undefined ? [] : [{ match: { title: query.text } }];
    const response = await this.client.search<SourceRecord>({
      index: this.index,
      query: { bool: { filter, must } },
      sort: [{ id: 'asc' }],
      size: query.size ?? 20,
      from: query.from ?? 0,
      track_total_hits: true,
    });
    const total =
      typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    return { total, items: response.hits.hits.flatMap((hit) => (hit._source ? [hit._source] : [])) };
  }

  /** The whole registry, for the detector's in-memory lookup. */
  async all(): Promise<SourceRecord[]> {
    const response = await this.client.search<SourceRecord>({
      index: this.index,
      query: { match_all: {} },
      sort: [{ id: 'asc' }],
      size: ALL_LIMIT,
    });
    return response.hits.hits.flatMap((hit) => (hit._source ? [hit._source] : []));
  }
}
