import type { AlertEvidence, AlertSignal, Severity } from '../alerts/alert';
import type { Detection } from '../alerts/detection';
import { DETECTORS } from './detectors.config';
import { plural } from './magnitude';

/**
 * Trends: a topic whose share of all posts in the trailing window is far above its seasonal baseline
 * (the same hours of day on previous days). Testing the share, not the count, keeps a busy Monday —
 * more of everything — from looking like a trend. Topic ids are the taxonomy's, so a theme keeps its
 * id and name from week to week.
 */

export interface TopicWindow {
  topic: string;
  name: string;
  /**
   * Distinct stories of the topic and of all topics in the window (one story's copies count once: a
   * news item reposted fifty times is not a theme on the rise), and the topic's posts.
   */
  count: number;
  total: number;
  posts: number;
  /** Distinct stories in the same hours of day over the previous days. */
  baselineCount: number;
  baselineTotal: number;
  /** Days of history behind the baseline. */
  historyDays: number;
  /** The topic's share in the same hours on each baseline day: how much it varies by itself. */
  dailyShares: readonly number[];
  windowStart: string;
  windowEnd: string;
  /** Terms of the topic that rose most (lemma, count in the window, lift over baseline). */
  topTerms: { term: string; count: number; lift: number }[];
  evidence: AlertEvidence;
}

export interface TrendTest {
  trend: boolean;
  share: number;
  baselineShare: number;
  ratio: number;
  z: number;
  /** Mean and spread of the daily shares in these hours. */
  dailyMean: number;
  dailySpread: number;
}

/** Binomial z-test of the window's share of stories against the (smoothed) baseline share. */
export function trendTest(
  w: Pick<TopicWindow, 'count' | 'total' | 'baselineCount' | 'baselineTotal' | 'historyDays' | 'dailyShares'>,
): TrendTest {
  const config = DETECTORS.trend;
  const baselineShare = (w.baselineCount + 1) / (w.baselineTotal + 2);
  const share = w.total === 0 ? 0 : w.count / w.total;
  const sd = Math.sqrt(Math.max(1e-9, w.total * baselineShare * (1 - baselineShare)));
  const z = (w.count - w.total * baselineShare) / sd;
  const ratio = share / baselineShare;
  // A theme's share also varies from day to day by itself (a Monday of complaints about the weekend's
  // rubbish): the window must stand out from that spread too, not only from the binomial noise.
  const mean =
    w.dailyShares.length === 0
      ? baselineShare
      : w.dailyShares.reduce((a, b) => a + b, 0) / w.dailyShares.length;
  const daySd = Math.sqrt(
    w.dailyShares.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, w.dailyShares.length - 1),
  );
  const spread = Math.max(daySd, config.minDailySpread * mean);
  const aboveDays = share >= mean + config.dailySpreads * spread;
  const trend =
    aboveDays &&
    w.historyDays >= config.minHistoryDays &&
    w.count >= config.minStories &&
    ratio >= config.minRatio &&
    z >= config.minZ;
  return { trend, share, baselineShare, ratio, z, dailyMean: mean, dailySpread: spread };
}

const percent = (x: number): string => `${Math.round(x * 100)}%`;

export function detectTrend(w: TopicWindow): Detection | undefined {
  const test = trendTest(w);
  if (!test.trend) return undefined;
  const hours = Math.round((Date.parse(w.windowEnd) - Date.parse(w.windowStart)) / 3_600_000);
  const change = Math.round((test.ratio - 1) * 100);
  const signals: AlertSignal[] = [
    {
      code: 'share_burst',
      text: `За ${hours} ч тема «${w.name}» — ${w.posts} ${plural(w.posts, 'публикация', 'публикации', 'публикаций')} в ${w.count} ${plural(w.count, 'истории', 'историях', 'историях')} (${percent(test.share)} всех историй), обычно в эти часы ${percent(test.baselineShare)}: рост на ${change}%.`,
      values: {
        posts: w.posts,
        stories: w.count,
        totalStories: w.total,
        share: Math.round(test.share * 1000) / 1000,
        baselineShare: Math.round(test.baselineShare * 1000) / 1000,
        changePercent: change,
        z: Math.round(test.z * 10) / 10,
        dailyMean: Math.round(test.dailyMean * 1000) / 1000,
        dailySpread: Math.round(test.dailySpread * 1000) / 1000,
      },
    },
  ];
  if (w.topTerms.length > 0) {
    signals.push({
      code: 'top_terms',
      text: `Чаще всего: ${w.topTerms.map((t) => `«${t.term}» (${t.count})`).join(', ')}.`,
      values: Object.fromEntries(w.topTerms.map((t) => [t.term, t.count])),
    });
  }
  if (w.evidence.sources.length > 0) {
    const top = w.evidence.sources.slice(0, 3).map((s) => s.channel);
    signals.push({
      code: 'sources',
      text: `Основные источники: ${top.join(', ')}; всего ${w.evidence.sources.length}.`,
      values: { sources: w.evidence.sources.length },
    });
  }
  const severity: Severity = test.ratio >= 5 ? 'high' : test.ratio >= 3.5 ? 'medium' : 'low';
  return {
    type: 'trend',
    subject: { kind: 'topic', topic: w.topic },
    topic: w.topic,
    title: `Рост темы «${w.name}»`,
    summary: `Тема «${w.name}» выросла на ${change}% против обычного для этих часов: ${w.posts} публикаций в ${w.count} историях за ${hours} ч.`,
    severity,
    score: Math.round(Math.min(1, test.z / (4 * DETECTORS.trend.minZ)) * 1000) / 1000,
    signals,
    evidence: { ...w.evidence, topTerms: w.topTerms.map(({ term, count }) => ({ term, count })) },
    postCount: w.posts,
    sourceCount: w.evidence.sources.length,
    firstPostAt: w.windowStart,
    detector: { name: 'trend', version: DETECTORS.version },
  };
}

/** A theme's change week over week, for the weekly briefing. */
export interface WeeklyChange {
  topic: string;
  name: string;
  thisWeek: number;
  lastWeek: number;
  /** Change of the topic's share of all posts, as a fraction (+0.4 = 40% more of the conversation). */
  change: number;
  direction: 'rising' | 'falling' | 'stable';
}

/** Rising and falling themes: shares compared so that a busier week does not lift every theme. */
export function weeklyChanges(
  thisWeek: Readonly<Record<string, number>>,
  lastWeek: Readonly<Record<string, number>>,
  names: Readonly<Record<string, string>>,
): WeeklyChange[] {
  const sum = (r: Readonly<Record<string, number>>): number => Object.values(r).reduce((a, b) => a + b, 0);
  const totalNow = Math.max(1, sum(thisWeek));
  const totalBefore = Math.max(1, sum(lastWeek));
  const topics = new Set([...Object.keys(thisWeek), ...Object.keys(lastWeek)]);
  const out: WeeklyChange[] = [];
  for (const topic of topics) {
    const now = thisWeek[topic] ?? 0;
    const before = lastWeek[topic] ?? 0;
    const change = (now + 1) / totalNow / ((before + 1) / totalBefore) - 1;
    const threshold = DETECTORS.trend.weekChange;
    out.push({
      topic,
      name: names[topic] ?? topic,
      thisWeek: now,
      lastWeek: before,
      change: Math.round(change * 1000) / 1000,
      direction: change >= threshold ? 'rising' : change <= -threshold ? 'falling' : 'stable',
    });
  }
  return out.sort((a, b) => b.change - a.change || a.topic.localeCompare(b.topic));
}
