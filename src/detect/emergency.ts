import type { AlertEvidence, AlertSignal, Magnitude, Severity } from '../alerts/alert';
import type { Detection } from '../alerts/detection';
import { DETECTORS } from './detectors.config';
import { CATEGORY_NAMES, CATEGORY_TOPICS, type EmergencyCategory } from './emergency-lexicon';
import { describeMagnitude, formatCount, plural } from './magnitude';

/**
 * The emergency detector: a burst test per (place, category) against that pair's own baseline, then
 * severity from the stated magnitude, the volume and the growth. Pure: counters come from Redis through
 * the bursts repository.
 */

/** Counts of one (place, category) at the moment of detection. */
export interface EmergencyWindow {
  placeId: string;
  place: string;
  region: string;
  category: EmergencyCategory;
  /** Posts and distinct sources in the trailing window. */
  windowPosts: number;
  windowSources: number;
  /** Posts in the window before it (growth). */
  previousWindowPosts: number;
  /** Mean posts per hour over the baseline days, before the window. */
  baselinePerHour: number;
  /**
   * Earliest post of the incident (the window's, or the open alert's first post when it is ongoing), and
   * the latest (what the detector has seen): how long residents have been reporting it.
   */
  firstPostAt: string;
  lastPostAt: string;
  /** Earliest post of the trailing window: when the current burst began. */
  windowFirstPostAt: string;
  /** Posts and sources of the (place, category) over the last day: what the alert counts. */
  dayPosts: number;
  daySources: number;
  magnitude: Magnitude;
  evidence: AlertEvidence;
}

/** ln Γ(n + 1) = ln n! (exact sum for the small counts we see). */
function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
}

/** P(X ≥ k) for X ~ Poisson(λ), summed in log space from k upwards (precise far into the tail). */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  let log = -lambda + k * Math.log(lambda) - logFactorial(k);
  let sum = 0;
  for (let i = k; i < k + 1000; i++) {
    const term = Math.exp(log);
    sum += term;
    if (term < sum * 1e-12) break;
    log += Math.log(lambda) - Math.log(i + 1);
  }
  return Math.min(1, sum);
}

/** Burst test of a window: significance under the baseline, and enough posts and sources. */
export function isBurst(w: Pick<EmergencyWindow, 'windowPosts' | 'windowSources' | 'baselinePerHour'>): {
  burst: boolean;
  expected: number;
  pValue: number;
} {
  const config = DETECTORS.emergency;
  const perHour = Math.max(config.baselineFloorPerHour, w.baselinePerHour);
  const expected = (perHour * config.windowMs) / 3_600_000;
  const pValue = poissonTail(w.windowPosts, expected);
  const burst =
    w.windowPosts >= config.minPosts && w.windowSources >= config.minSources && pValue < config.pValue;
  return { burst, expected, pValue };
}

function points(value: number | undefined, steps: readonly { atLeast: number; points: number }[]): number {
  if (value === undefined) return 0;
  let out = 0;
  for (const step of steps) if (value >= step.atLeast) out = Math.max(out, step.points);
  return out;
}

export function emergencySeverity(w: EmergencyWindow): { severity: Severity; points: number } {
  const s = DETECTORS.emergency.severity;
  const growth = w.previousWindowPosts === 0 ? Infinity : w.windowPosts / w.previousWindowPosts;
  const total =
    points(w.magnitude.people, s.people) +
    points(w.magnitude.houses, s.houses) +
    points(w.magnitude.days, s.days) +
    points(w.windowPosts, s.volume) +
    (growth >= s.growth ? s.growthPoints : 0);
  const severity: Severity =
    total >= s.levels.critical
      ? 'critical'
      : total >= s.levels.high
        ? 'high'
        : total >= s.levels.medium
          ? 'medium'
          : 'low';
  return { severity, points: total };
}

const minutes = (ms: number): number => Math.max(1, Math.round(ms / 60_000));

/**
 * An emergency detection for the window, or undefined when it is no burst. With `ongoing` (the subject
 * already has an open alert) the burst test is skipped: later posts keep the alert's figures current.
 */
export function detectEmergency(w: EmergencyWindow, ongoing = false): Detection | undefined {
  const test = isBurst(w);
  if (!test.burst && !ongoing) return undefined;
  const { severity, points: total } = emergencySeverity(w);
  const windowMin = minutes(DETECTORS.emergency.windowMs);
  const what = CATEGORY_NAMES[w.category];
  // Past the peak (an ongoing alert, no burst now) the alert keeps the peak's burst and growth signals.
  const signals: AlertSignal[] = [];
  if (test.burst) {
    signals.push({
      code: 'burst',
      text: `За ${windowMin} мин — ${w.windowPosts} ${plural(w.windowPosts, 'сообщение', 'сообщения', 'сообщений')} от ${w.windowSources} ${plural(w.windowSources, 'источника', 'источников', 'источников')} при норме ${test.expected.toFixed(1)} для этого места и темы.`,
      values: {
        posts: w.windowPosts,
        sources: w.windowSources,
        expected: Math.round(test.expected * 100) / 100,
        pValue: test.pValue,
        windowMinutes: windowMin,
      },
    });
  }
  const magnitude = describeMagnitude(w.magnitude);
  if (magnitude !== '') {
    signals.push({
      code: 'magnitude',
      text: `Масштаб по сообщениям: ${magnitude}.`,
      values: { ...w.magnitude },
    });
  }
  if (test.burst) {
    const growth = w.previousWindowPosts === 0 ? undefined : w.windowPosts / w.previousWindowPosts;
    signals.push({
      code: 'growth',
      text:
        growth === undefined
          ? `До этого ${windowMin} мин сообщений не было: всплеск начался ${w.windowFirstPostAt.slice(11, 16)}.`
          : `Рост в ${growth.toFixed(1)} раза к предыдущим ${windowMin} мин (${w.previousWindowPosts} → ${w.windowPosts}).`,
      values: { previous: w.previousWindowPosts, current: w.windowPosts },
    });
  }
  const duration = Date.parse(w.lastPostAt) - Date.parse(w.firstPostAt);
  signals.push({
    code: 'duration',
    text: `Сообщения идут ${minutes(duration)} мин, первое — ${w.firstPostAt.slice(11, 16)} (UTC ${w.firstPostAt.slice(0, 10)}).`,
    values: { minutes: minutes(duration), severityPoints: total },
  });
  const people =
    w.magnitude.people === undefined ? '' : `, затронуто ${formatCount(w.magnitude.people)} жителей`;
  return {
    type: 'emergency',
    subject: { kind: 'place-category', placeId: w.placeId, category: w.category },
    title: `${what}: ${w.place}`,
    summary: `${what} — ${w.place} (${w.region})${people}. ${w.windowPosts} ${plural(w.windowPosts, 'сообщение', 'сообщения', 'сообщений')} за ${windowMin} мин.`,
    severity,
    score: Math.round(Math.min(1, -Math.log10(Math.max(test.pValue, 1e-300)) / 30) * 1000) / 1000,
    signals,
    evidence: w.evidence,
    postCount: Math.max(w.dayPosts, w.windowPosts),
    sourceCount: Math.max(w.daySources, w.windowSources),
    firstPostAt: w.firstPostAt,
    place: w.place,
    placeId: w.placeId,
    region: w.region,
    category: w.category,
    topic: CATEGORY_TOPICS[w.category],
    ...(Object.keys(w.magnitude).length === 0 ? {} : { magnitude: w.magnitude }),
    detector: { name: 'emergency', version: DETECTORS.version },
  };
}
