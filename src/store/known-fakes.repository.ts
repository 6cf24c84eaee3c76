import type { Client, estypes } from '@elastic/elasticsearch';
import type { KnownFake, KnownFakeKind } from '../alerts/registry';
import { aliasName } from './indices';

export interface KnownFakeListQuery {
  kind?: KnownFakeKind;
  status?: 'active' | 'retired';
  /** Full text over title and text. */
  text?: string;
  size?: number;
  from?: number;
}

/** Most entries the detector keeps in memory; a registry of a region is hundreds, not tens of thousands. */
const ACTIVE_LIMIT = 10_000;

/** The known-fakes and official-refutations registry (ES index `known-fakes`), keyed by entry id. */
export class KnownFakesRepository {
  private readonly index: string;

  constructor(
    private readonly client: Client,
    prefix: string,
  ) {
    this.index = aliasName(prefix, 'known-fakes');
  }

  /** Creates or replaces an entry by id. */
  async upsert(entry: KnownFake, refresh: boolean | 'wait_for' = 'wait_for'): Promise<void> {
    await this.client.index({ index: this.index, id: entry.id, document: entry, refresh });
  }

  async get(id: string): Promise<KnownFake | undefined> {
    const response = await this.client.get<KnownFake>({ index: this.index, id }, { ignore: [404] });
    return response.found ? response._source : undefined;
  }

  /** Deletes an entry; false when it did not exist. */
  async delete(id: string): Promise<boolean> {
    const response = await this.client.delete(
      { index: this.index, id, refresh: 'wait_for' },
      { ignore: [404] },
    );
    return response.result === 'deleted';
  }

  async list(query: KnownFakeListQuery = {}): Promise<{ total: number; items: KnownFake[] }> {
    const filter: estypes.QueryDslQueryContainer[] = [];
    if (query.kind !== undefined) filter.push({ term: { kind: query.kind } });
    if (query.status !== undefined) filter.push({ term: { status: query.status } });
    const must: estypes.QueryDslQueryContainer[] =
      query.text === undefined ? [] : [{ multi_match: { query: query.text, fields: ['title^2', 'text'] } }];
    const response = await this.client.search<KnownFake>({
      index: this.index,
      query: { bool: { filter, must } },
      sort: [{ confirmedAt: 'desc' }, { id: 'asc' }],
      size: query.size ?? 20,
      from: query.from ?? 0,
      track_total_hits: true,
      _source: { excludes: ['vector'] },
    });
    const total =
      typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    return { total, items: response.hits.hits.flatMap((hit) => (hit._source ? [hit._source] : [])) };
  }

  /** Every active entry with its vector: what the fake detector matches posts against. */
  async listActive(): Promise<KnownFake[]> {
    const response = await this.client.search<KnownFake>({
      index: this.index,
      query: { term: { status: 'active' } },
      sort: [{ id: 'asc' }],
      size: ACTIVE_LIMIT,
    });
    return response.hits.hits.flatMap((hit) => (hit._source ? [hit._source] : []));
  }

  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: this.index });
  }
}
