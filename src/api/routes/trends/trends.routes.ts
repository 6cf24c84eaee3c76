import { z } from 'zod';
import { listAlerts, type ReviewDeps } from '../../../alerts/review';
import type { PostSearchRepository } from '../../../store/post-search.repository';
import { HttpError } from '../../errors';
import { defineRoute, type RouteDefinition } from '../../openapi/route';
import { csvOf, isoInstant } from '../../schemas/common';
import { alertSummary } from '../alerts/alerts.routes';
import { alertSummarySchema } from '../alerts/schema';

const HOUR = 3_600_000;
const INTERVALS = { hour: HOUR, day: 24 * HOUR } as const;

export const trendsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    interval: z.enum(['hour', 'day']),
    series: z.array(
      z.object({
        topic: z.string(),
        total: z.number().int(),
        previous: z.number().int().meta({ description: 'Posts in the period of equal length before `from`' }),
        changePct: z.number().nullable(),
        buckets: z.array(z.object({ start: z.string(), count: z.number().int() })),
      }),
    ),
    bursts: z.array(alertSummarySchema).meta({ description: 'Trend alerts (bursts) updated in the period' }),
  })
  .meta({ id: 'Trends' });

export const changePct = (now: number, before: number): number | null =>
  before === 0 ? (now === 0 ? 0 : null) : Math.round(((now - before) / before) * 100);

/** Topic series with change against the previous period, and the trend alerts (bursts) of the period. */
export function trendsRoutes(deps: {
  review: ReviewDeps;
  postSearch: PostSearchRepository;
  now?: () => Date;
}): RouteDefinition[] {
  const now = deps.now ?? (() => new Date());
  return [
    defineRoute({
      method: 'get',
      path: '/trends',
      operationId: 'getTrends',
      tag: 'trends',
      summary: 'Topic series and bursts',
      description: 'Default: the last 7 days by day. Topics are the stable topic ids of the pipeline.',
      roles: ['analyst', 'leadership', 'duty_officer', 'admin'],
      query: z
        .object({
          from: isoInstant.optional(),
          to: isoInstant.optional(),
          interval: z.enum(['hour', 'day']).default('day'),
          topic: csvOf(z.string().min(1).max(200), 20).optional(),
          limit: z.coerce.number().int().min(1).max(20).default(8),
        })
        .strict(),
      response: trendsSchema,
      async handler({ query }) {
        const step = INTERVALS[query.interval];
        const to = query.to === undefined ? Math.ceil(now().getTime() / step) * step : Date.parse(query.to);
        const from = query.from === undefined ? to - 7 * 24 * HOUR : Date.parse(query.from);
        if (!(from < to)) throw new HttpError(400, 'invalid_request', '`from` must be before `to`');
        if ((to - from) / step > 1000)
          throw new HttpError(400, 'invalid_request', 'Too many buckets; use a longer interval');
        const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
        const previous = { from: new Date(from - (to - from)).toISOString(), to: range.from };
        const top =
          query.topic ?? (await deps.postSearch.termCounts('topics', range, query.limit)).map((t) => t.key);
        const [series, before, bursts] = await Promise.all([
          deps.postSearch.histogramsByTerm('topics', top, range, step),
          deps.postSearch.termCounts('topics', { ...previous, topics: top }, top.length || 1),
          listAlerts(deps.review, { type: 'trend', since: range.from, until: range.to, size: 50 }),
        ]);
        const previousOf = new Map(before.map((t) => [t.key, t.count]));
        return {
          ...range,
          interval: query.interval,
          series: top.map((topic) => {
            const buckets = series.get(topic) ?? [];
            const total = buckets.reduce((sum, b) => sum + b.count, 0);
            const prev = previousOf.get(topic) ?? 0;
            return { topic, total, previous: prev, changePct: changePct(total, prev), buckets };
          }),
          bursts: bursts.items.map(alertSummary),
        };
      },
    }),
  ];
}
