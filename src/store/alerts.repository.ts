import type { Client, estypes } from '@elastic/elasticsearch';
import type { AlertDocument, AlertStatus, AlertType, Severity, VersionedAlert } from '../alerts/alert';
import { aliasName } from './indices';

/** Filters of the alert list (API and dashboards). */
export interface AlertListQuery {
  type?: AlertType;
  status?: AlertStatus | readonly AlertStatus[];
  severity?: Severity | readonly Severity[];
  assignee?: string;
  place?: string;
  category?: string;
  topic?: string;
  storyId?: string;
  /** Alerts updated at or after this instant. */
  since?: string;
  until?: string;
  /** Full text over the title. */
  text?: string;
  sort?: 'updatedAt' | 'createdAt' | 'score';
  size?: number;
  from?: number;
}

/** Outcome of a guarded write: `conflict` means someone else wrote first; re-read and re-apply. */
export type GuardedResult = 'written' | 'conflict';

const asArray = <T extends string>(value: T | readonly T[]): T[] =>
  typeof value === 'string' ? [value] : [...value];

/**
 * Alerts in Elasticsearch, one document per alert id (derived from type + subject, see `alertIdFor`).
 * Every write is guarded: `create` fails when the alert exists, `replace` when it changed since it was
 * read (`if_seq_no`/`if_primary_term`). Callers re-read and retry on `conflict`, so several workers and
 * several analysts never overwrite each other and a subject never gets two alerts.
 */
export class AlertsRepository {
  private readonly index: string;

  constructor(
    private readonly client: Client,
    prefix: string,
  ) {
    this.index = aliasName(prefix, 'alerts');
  }

  /** The alert with its version (real-time get: sees writes not yet refreshed). */
  async get(id: string): Promise<VersionedAlert | undefined> {
    const response = await this.client.get<AlertDocument>({ index: this.index, id }, { ignore: [404] });
    if (!response.found || response._source === undefined) return undefined;
    if (response._seq_no === undefined || response._primary_term === undefined) return undefined;
    return { doc: response._source, seqNo: response._seq_no, primaryTerm: response._primary_term };
  }

  /** Several alerts with their versions; absent ids are missing from the map. */
  async getMany(ids: readonly string[]): Promise<Map<string, VersionedAlert>> {
    const out = new Map<string, VersionedAlert>();
    if (ids.length === 0) return out;
    const response = await this.client.mget<AlertDocument>({ index: this.index, ids: [...ids] });
    for (const entry of response.docs) {
      if (!('found' in entry) || !entry.found || entry._source === undefined) continue;
      if (entry._seq_no === undefined || entry._primary_term === undefined) continue;
      out.set(entry._id, { doc: entry._source, seqNo: entry._seq_no, primaryTerm: entry._primary_term });
    }
    return out;
  }

  /** Creates the alert unless one with its id exists (then `conflict`). */
  async create(doc: AlertDocument, refresh: boolean | 'wait_for' = false): Promise<GuardedResult> {
    return this.guarded(() =>
      this.client.create({ index: this.index, id: doc.id, document: doc, refresh }, { ignore: [409] }),
    );
  }

  /** Replaces the alert if it is still at `version`; otherwise `conflict`. */
  async replace(
    doc: AlertDocument,
    version: { seqNo: number; primaryTerm: number },
    refresh: boolean | 'wait_for' = false,
  ): Promise<GuardedResult> {
    return this.guarded(() =>
      this.client.index(
        {
          index: this.index,
          id: doc.id,
          document: doc,
          if_seq_no: version.seqNo,
          if_primary_term: version.primaryTerm,
          refresh,
        },
        { ignore: [409] },
      ),
    );
  }

  private async guarded(write: () => Promise<estypes.WriteResponseBase>): Promise<GuardedResult> {
    const response = await write();
    // With `ignore: [409]` the client returns the error body instead of throwing; it has no `result`.
    return 'result' in response && typeof response.result === 'string' ? 'written' : 'conflict';
  }

  /** Alerts for lists, most recently updated first by default. */
  async list(query: AlertListQuery = {}): Promise<{ total: number; items: AlertDocument[] }> {
    const filter: estypes.QueryDslQueryContainer[] = [];
    if (query.type !== undefined) filter.push({ term: { type: query.type } });
    if (query.status !== undefined) filter.push({ terms: { status: asArray(query.status) } });
    if (query.severity !== undefined) filter.push({ terms: { severity: asArray(query.severity) } });
    if (query.assignee !== undefined) filter.push({ term: { assignee: query.assignee } });
    if (query.place !== undefined) filter.push({ term: { place: query.place } });
    if (query.category !== undefined) filter.push({ term: { category: query.category } });
    if (query.topic !== undefined) filter.push({ term: { topic: query.topic } });
    if (query.storyId !== undefined) filter.push({ term: { storyId: query.storyId } });
    if (query.since !== undefined || query.until !== undefined) {
      filter.push({
        range: {
          updatedAt: {
            ...(query.since === undefined ? {} : { gte: query.since }),
            ...(query.until === undefined ? {} : { lt: query.until }),
          },
        },
      });
    }
    const must: estypes.QueryDslQueryContainer[] =
      query.text === undefined ? [] : [{ match: { title: query.text } }];
    const response = await this.client.search<AlertDocument>({
      index: this.index,
      query: { bool: { filter, must } },
      sort: [{ [query.sort ?? 'updatedAt']: 'desc' }, { id: 'asc' }],
      size: query.size ?? 20,
      from: query.from ?? 0,
      track_total_hits: true,
    });
    const total =
      typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    return { total, items: response.hits.hits.flatMap((hit) => (hit._source ? [hit._source] : [])) };
  }

  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: this.index });
  }
}
