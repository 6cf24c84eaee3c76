import type { Client, estypes } from '@elastic/elasticsearch';
import type { AppealRecord } from '../alerts/registry';
import { z } from 'zod';
import { aliasName } from './indices';

const docCount = z.object({ doc_count: z.number() });
const responseTimesSchema = z.object({
  department: z
    .object({
      buckets: z.array(
        z.object({
          key: z.union([z.string(), z.number()]),
          responded: docCount,
          open: docCount,
          overdue: docCount,
          mean: z.object({ value: z.number().nullable() }),
          pct: z.object({ values: z.record(z.string(), z.number().nullable()) }),
        }),
      ),
    })
    .optional(),
});

export interface AppealListQuery {
  department?: string;
  status?: 'open' | 'responded';
  /** Open appeals whose deadline is before this instant (overdue at that moment). */
  overdueAt?: string;
  size?: number;
  from?: number;
}

/** Response times of one department over the answered appeals. */
export interface ResponseTimes {
  department: string;
  responded: number;
  open: number;
  overdue: number;
  /** Milliseconds; undefined when nothing was answered yet. */
  meanMs?: number;
  p50Ms?: number;
  p95Ms?: number;
}

/** Appeals (residents' problems routed to a department, one per story) in the `appeals` index. */
export class AppealsRepository {
  private readonly index: string;

  constructor(
    private readonly client: Client,
    prefix: string,
  ) {
    this.index = aliasName(prefix, 'appeals');
  }

  /**
   * Creates the appeals that do not exist yet; existing ones (already routed, maybe answered or
   * re-routed by a person) are left alone. Returns the ids created. Retries are harmless.
   */
  async createMissing(records: readonly AppealRecord[]): Promise<string[]> {
    if (records.length === 0) return [];
    const operations = records.flatMap((r) => [{ create: { _index: this.index, _id: r.id } }, r]);
    const response = await this.client.bulk({ operations });
    const created: string[] = [];
    for (const item of response.items) {
      const op = item.create;
      if (op === undefined) continue;
      if (op.error === undefined) created.push(op._id ?? '');
      else if (op.status !== 409) {
        throw new Error(`appeal ${op._id ?? '?'} not written (HTTP ${op.status}): ${op.error.reason ?? ''}`);
      }
    }
    return created;
  }

  async get(id: string): Promise<{ doc: AppealRecord; seqNo: number; primaryTerm: number } | undefined> {
    const response = await this.client.get<AppealRecord>({ index: this.index, id }, { ignore: [404] });
    if (!response.found || response._source === undefined) return undefined;
    if (response._seq_no === undefined || response._primary_term === undefined) return undefined;
    return { doc: response._source, seqNo: response._seq_no, primaryTerm: response._primary_term };
  }

  /** Replaces an appeal if unchanged since read; `conflict` otherwise. */
  async replace(
    doc: AppealRecord,
    version: { seqNo: number; primaryTerm: number },
  ): Promise<'written' | 'conflict'> {
    const response = await this.client.index(
      {
        index: this.index,
        id: doc.id,
        document: doc,
        if_seq_no: version.seqNo,
        if_primary_term: version.primaryTerm,
        refresh: 'wait_for',
      },
      { ignore: [409] },
    );
    return 'result' in response && typeof response.result === 'string' ? 'written' : 'conflict';
  }

  async list(query: AppealListQuery = {}): Promise<{ total: number; items: AppealRecord[] }> {
    const filter: estypes.QueryDslQueryContainer[] = [];
    if (query.department !== undefined) filter.push({ term: { department: query.department } });
    if (query.status !== undefined) filter.push({ term: { status: query.status } });
    if (query.overdueAt !== undefined) {
      filter.push({ term: { status: 'open' } }, { range: { deadlineAt: { lt: query.overdueAt } } });
    }
    const response = await this.client.search<AppealRecord>({
      index: this.index,
      query: { bool: { filter } },
      sort: [{ deadlineAt: 'asc' }, { id: 'asc' }],
      size: query.size ?? 20,
      from: query.from ?? 0,
      track_total_hits: true,
    });
    const total =
      typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    return { total, items: response.hits.hits.flatMap((hit) => (hit._source ? [hit._source] : [])) };
  }

  /** Per department: answered, open, overdue at `now`, and response-time mean/median/p95. */
  async responseTimes(now: string): Promise<ResponseTimes[]> {
    const response = await this.client.search({
      index: this.index,
      size: 0,
      aggs: {
        department: {
          terms: { field: 'department', size: 500 },
          aggs: {
            responded: { filter: { term: { status: 'responded' } } },
            open: { filter: { term: { status: 'open' } } },
            overdue: {
              filter: {
                bool: { filter: [{ term: { status: 'open' } }, { range: { deadlineAt: { lt: now } } }] },
              },
            },
            mean: { avg: { field: 'responseMs' } },
            pct: { percentiles: { field: 'responseMs', percents: [50, 95] } },
          },
        },
      },
    });
    // The client types every aggregate as a union of ~70 shapes; a schema reads the three we asked for.
    const parsed = responseTimesSchema.parse(response.aggregations ?? {});
    return (parsed.department?.buckets ?? []).map((bucket) => {
      const out: ResponseTimes = {
        department: String(bucket.key),
        responded: bucket.responded.doc_count,
        open: bucket.open.doc_count,
        overdue: bucket.overdue.doc_count,
      };
      const p50 = bucket.pct.values['50.0'];
      const p95 = bucket.pct.values['95.0'];
      if (typeof bucket.mean.value === 'number') out.meanMs = bucket.mean.value;
      if (typeof p50 === 'number') out.p50Ms = p50;
      if (typeof p95 === 'number') out.p95Ms = p95;
      return out;
    });
  }

  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: this.index });
  }
}
