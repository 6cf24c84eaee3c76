import type { AlertDocument } from '../alerts/alert';
import type { AppealsDeps } from '../alerts/appeals';
import { appealResponseTimes } from '../alerts/appeals';
import { listAlerts, type ReviewDeps } from '../alerts/review';
import type { Gazetteer } from '../detect/gazetteer';
import type { PostFilter, PostSearchRepository, TermCount } from '../store/post-search.repository';
import type { Digest, DigestPeriod } from './schema';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Themes listed in «главные темы» and «растущие темы». */
const TOP_THEMES = 10;
/** A theme must have this many posts in the period to count as rising (small counts swing wildly). */
const MIN_RISING = 5;
/** Alerts of one type read per briefing at most; a week of a region has tens, not thousands. */
const MAX_ALERTS = 500;

export interface DigestDeps {
  postSearch: PostSearchRepository;
  review: Pick<ReviewDeps, 'alerts'>;
  appeals: AppealsDeps;
  /** Resolves a region to the place names the pipeline writes into posts. */
  gazetteer: Pick<Gazetteer, 'all'>;
  now?: () => Date;
}

export interface DigestRequest {
  period: DigestPeriod;
  /** Region name (as in the gazetteer, «Владимирская область»); absent: everything. */
  region?: string;
  /** End of the period (exclusive); default: the start of the current day (UTC) for weeks, hour for days. */
  to?: string;
}

export const changePct = (now: number, before: number): number | null =>
  before === 0 ? (now === 0 ? 0 : null) : Math.round(((now - before) / before) * 100);

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Period bounds: a week ends at a day boundary, a day at an hour boundary (both UTC). */
export function periodBounds(period: DigestPeriod, to: string | undefined, now: Date) {
  const step = period === 'week' ? DAY : HOUR;
  const end = to === undefined ? Math.floor(now.getTime() / step) * step : Date.parse(to);
  const length = period === 'week' ? 7 * DAY : DAY;
  return {
    from: end - length,
    to: end,
    previousFrom: end - 2 * length,
    bucketMs: period === 'week' ? DAY : HOUR,
  };
}

function themes(current: readonly TermCount[], previous: ReadonlyMap<string, number>) {
  return current.map((t) => {
    const before = previous.get(t.key) ?? 0;
    return { topic: t.key, count: t.count, previous: before, changePct: changePct(t.count, before) };
  });
}

const inRegion = (region: string | undefined) => (alert: AlertDocument) =>
  region === undefined || alert.region === region;

/**
 * The briefing of one period: volume against the previous period, top and rising themes, emergencies
 * with their status, confirmed fakes and how fast they were caught, overdue appeals per department.
 */
export async function buildDigest(deps: DigestDeps, request: DigestRequest): Promise<Digest> {
  const now = (deps.now ?? (() => new Date()))();
  const bounds = periodBounds(request.period, request.to, now);
  const iso = (t: number) => new Date(t).toISOString();
  const places =
    request.region === undefined
      ? undefined
      : [
          request.region,
          ...deps.gazetteer
            .all()
            .filter((p) => p.region === request.region)
            .map((p) => p.name),
        ];
  const scope: PostFilter = places === undefined ? {} : { places };
  const range = { ...scope, from: iso(bounds.from), to: iso(bounds.to) };
  const previousRange = { ...scope, from: iso(bounds.previousFrom), to: iso(bounds.from) };

  const [total, previous, series, topNow, topBefore] = await Promise.all([
    deps.postSearch.count(range),
    deps.postSearch.count(previousRange),
    deps.postSearch.histogram(range, bounds.bucketMs),
    deps.postSearch.termCounts('topics', range, 100),
    deps.postSearch.termCounts('topics', previousRange, 100),
  ]);
  const before = new Map(topBefore.map((t) => [t.key, t.count]));
  const allThemes = themes(topNow, before);
  const rising = allThemes
    .filter((t) => t.count >= MIN_RISING && t.count > t.previous)
    .sort((a, b) => (b.changePct ?? Infinity) - (a.changePct ?? Infinity) || b.count - a.count)
    .slice(0, TOP_THEMES);
  const top = allThemes.slice(0, TOP_THEMES);
  const themeSeries = await deps.postSearch.histogramsByTerm(
    'topics',
    top.slice(0, 6).map((t) => t.topic),
    range,
    bounds.bucketMs,
  );

  const [emergencies, fakes, appeals] = await Promise.all([
    listAlerts(deps.review, { type: 'emergency', since: range.from, size: MAX_ALERTS, sort: 'createdAt' }),
    listAlerts(deps.review, { type: 'fake', status: 'confirmed', since: range.from, size: MAX_ALERTS }),
    appealResponseTimes(deps.appeals),
  ]);
  const periodEmergencies = emergencies.items
    .filter(inRegion(request.region))
    .filter((a) => Date.parse(a.firstPostAt) < bounds.to);
  const confirmed = fakes.items.filter(inRegion(request.region)).flatMap((alert) => {
    const confirmation = alert.audit.findLast((e) => e.action === 'status' && e.to === 'confirmed');
    if (confirmation === undefined) return [];
    const at = Date.parse(confirmation.at);
    if (at < bounds.from || at >= bounds.to) return [];
    return [
      {
        id: alert.id,
        title: alert.title,
        firstPostAt: alert.firstPostAt,
        timeToAlertMs: alert.timeToAlertMs,
        confirmedAt: confirmation.at,
        timeToConfirmMs: Math.max(0, at - Date.parse(alert.firstPostAt)),
        postCount: alert.postCount,
      },
    ];
  });

  return {
    period: request.period,
    from: range.from,
    to: range.to,
    previousFrom: previousRange.from,
    ...(request.region === undefined ? {} : { region: request.region }),
    generatedAt: now.toISOString(),
    volume: { total, previous, changePct: changePct(total, previous), series },
    themes: top,
    rising,
    themeSeries: top.slice(0, 6).map((t) => ({ topic: t.topic, buckets: themeSeries.get(t.topic) ?? [] })),
    emergencies: periodEmergencies.map((a) => ({
      id: a.id,
      title: a.title,
      ...(a.place === undefined ? {} : { place: a.place }),
      ...(a.category === undefined ? {} : { category: a.category }),
      severity: a.severity,
      status: a.status,
      firstPostAt: a.firstPostAt,
      postCount: a.postCount,
    })),
    fakes: {
      confirmed: confirmed.length,
      medianTimeToAlertMs: median(confirmed.map((f) => f.timeToAlertMs)),
      medianTimeToConfirmMs: median(confirmed.map((f) => f.timeToConfirmMs)),
      items: confirmed,
    },
    appeals: appeals
      .filter((a) => a.open > 0 || a.overdue > 0 || a.responded > 0)
      .sort((a, b) => b.overdue - a.overdue || b.open - a.open)
      .map((a) => ({
        department: a.department,
        open: a.open,
        overdue: a.overdue,
        responded: a.responded,
        ...(a.meanMs === undefined ? {} : { meanMs: a.meanMs }),
      })),
  };
}
