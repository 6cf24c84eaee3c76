import { z } from 'zod';
import { severityRank, type AlertDocument } from '../../../alerts/alert';
import { listAlerts, type ReviewDeps } from '../../../alerts/review';
import type { PostSearchRepository } from '../../../store/post-search.repository';
import { defineRoute, type RouteDefinition } from '../../openapi/route';
import { alertSummary } from '../alerts/alerts.routes';
import { alertSummarySchema } from '../alerts/schema';

const HOUR = 3_600_000;
/** Places on the board at most; a region has dozens of districts, not thousands. */
const MAX_PLACES = 30;
/** Growth compares the last GROWTH_HOURS with the GROWTH_HOURS before them. */
const GROWTH_HOURS = 3;

const bucketSchema = z.object({ start: z.string(), count: z.number().int() });

export const boardSchema = z
  .object({
    generatedAt: z.string(),
    hours: z.number().int(),
    alerts: z.array(alertSummarySchema).meta({ description: 'Open emergencies, worst and newest first' }),
    places: z.array(
      z.object({
        place: z.string(),
        placeId: z.string().optional(),
        region: z.string().optional(),
        categories: z.array(z.string()),
        alerts: z.number().int(),
        posts: z.number().int().meta({ description: 'Posts behind the place’s alerts' }),
        series: z.array(bucketSchema).meta({ description: 'Posts about the place per hour' }),
        growthPct: z
          .number()
          .nullable()
          .meta({ description: `Change of the last ${GROWTH_HOURS} h against the ${GROWTH_HOURS} h before` }),
      }),
    ),
  })
  .meta({ id: 'EmergencyBoard' });

function growth(series: readonly { count: number }[]): number | null {
  const recent = series.slice(-GROWTH_HOURS).reduce((sum, b) => sum + b.count, 0);
  const before = series.slice(-2 * GROWTH_HOURS, -GROWTH_HOURS).reduce((sum, b) => sum + b.count, 0);
  if (before === 0) return recent === 0 ? 0 : null;
  return Math.round(((recent - before) / before) * 100);
}

const OPEN = ['new', 'in_review', 'confirmed', 'acknowledged'] as const;

/** The duty officer's board: open emergencies and, per place, counts and an hourly sparkline. */
export function emergenciesRoutes(deps: {
  review: ReviewDeps;
  postSearch: PostSearchRepository;
  now?: () => Date;
}): RouteDefinition[] {
  const now = deps.now ?? (() => new Date());
  return [
    defineRoute({
      method: 'get',
      path: '/emergencies',
      operationId: 'getEmergencyBoard',
      tag: 'emergencies',
      summary: 'Emergency board: open emergencies and places with hourly counts',
      description: 'Poll it (the dashboard does every few seconds); it is cheap and never cached.',
      roles: ['duty_officer', 'analyst', 'leadership', 'admin'],
      query: z.object({ hours: z.coerce.number().int().min(6).max(168).default(24) }).strict(),
      response: boardSchema,
      async handler({ query, res }) {
        res.setHeader('cache-control', 'no-store');
        const to = new Date(Math.ceil(now().getTime() / HOUR) * HOUR);
        const from = new Date(to.getTime() - query.hours * HOUR);
        const page = await listAlerts(deps.review, { type: 'emergency', status: OPEN, size: 200 });
        const alerts = [...page.items].sort(
          (a, b) =>
            severityRank(b.severity) - severityRank(a.severity) || (a.updatedAt < b.updatedAt ? 1 : -1),
        );
        const byPlace = new Map<string, AlertDocument[]>();
        for (const alert of alerts) {
          const key = alert.placeId ?? alert.place ?? 'unknown';
          byPlace.set(key, [...(byPlace.get(key) ?? []), alert]);
        }
        const places = await Promise.all(
          [...byPlace.values()].slice(0, MAX_PLACES).map(async (group) => {
            const first = group[0];
            const names = [first?.placeId, first?.place].filter((name) => name !== undefined);
            const series =
              names.length === 0
                ? []
                : await deps.postSearch.histogram(
                    { places: names, from: from.toISOString(), to: to.toISOString() },
                    HOUR,
                  );
            return {
              place: first?.place ?? first?.placeId ?? 'место не определено',
              ...(first?.placeId === undefined ? {} : { placeId: first.placeId }),
              ...(first?.region === undefined ? {} : { region: first.region }),
              categories: [...new Set(group.flatMap((a) => (a.category === undefined ? [] : [a.category])))],
              alerts: group.length,
              posts: group.reduce((sum, a) => sum + a.postCount, 0),
              series,
              growthPct: growth(series),
            };
          }),
        );
        places.sort((a, b) => b.posts - a.posts);
        return {
          generatedAt: now().toISOString(),
          hours: query.hours,
          alerts: alerts.map(alertSummary),
          places,
        };
      },
    }),
  ];
}
