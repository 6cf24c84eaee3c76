import { z } from 'zod';
import { ALERT_STATUSES, SEVERITIES } from '../alerts/alert';

const bucketSchema = z.object({ start: z.string(), count: z.number().int() });

const themeSchema = z.object({
  topic: z.string(),
  count: z.number().int(),
  previous: z.number().int(),
  changePct: z.number().nullable().meta({ description: 'null: the theme was absent in the previous period' }),
});

/**
 * The briefing for leadership, for one day or one week: the same object is shown by the dashboard,
 * rendered as Markdown, HTML or PDF by `dozor digest`, and returned by `GET /api/v1/digests`.
 */
export const digestSchema = z
  .object({
    period: z.enum(['day', 'week']),
    from: z.string(),
    to: z.string(),
    previousFrom: z.string(),
    region: z.string().optional(),
    generatedAt: z.string(),
    volume: z.object({
      total: z.number().int(),
      previous: z.number().int(),
      changePct: z.number().nullable(),
      series: z.array(bucketSchema).meta({ description: 'Posts per day (week) or per hour (day)' }),
    }),
    themes: z.array(themeSchema).meta({ description: 'Most discussed themes of the period' }),
    rising: z.array(themeSchema).meta({ description: 'Themes that grew most against the previous period' }),
    themeSeries: z.array(z.object({ topic: z.string(), buckets: z.array(bucketSchema) })),
    emergencies: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        place: z.string().optional(),
        category: z.string().optional(),
        severity: z.enum(SEVERITIES),
        status: z.enum(ALERT_STATUSES),
        firstPostAt: z.string(),
        postCount: z.number().int(),
      }),
    ),
    fakes: z.object({
      confirmed: z.number().int(),
      medianTimeToAlertMs: z.number().nullable(),
      medianTimeToConfirmMs: z.number().nullable(),
      items: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          firstPostAt: z.string(),
          timeToAlertMs: z.number(),
          confirmedAt: z.string().optional(),
          timeToConfirmMs: z.number().optional(),
          postCount: z.number().int(),
        }),
      ),
    }),
    appeals: z.array(
      z.object({
        department: z.string(),
        open: z.number().int(),
        overdue: z.number().int(),
        responded: z.number().int(),
        meanMs: z.number().optional(),
      }),
    ),
  })
  .meta({ id: 'Digest' });

export type Digest = z.infer<typeof digestSchema>;
export type DigestPeriod = Digest['period'];
