import type { SourceKind } from '../alerts/registry';

/**
 * Every threshold and weight of the detectors, in one place. Values were set on the synthetic corpus
 * (`datasets/synthetic`, seeds other than the evaluation's) and checked by `npx tsx scripts/eval/alerts.ts`;
 * change them here and re-run that to see the effect on precision and recall. Bump `version` when a
 * change alters which alerts are raised: alerts record the version that produced them.
 */
export const DETECTORS = {
  version: 'detect-2',

  sources: {
    /** Credibility by kind when a source is registered without one, and for unregistered channels. */
    credibility: {
      official: 0.95,
      media: 0.8,
      community: 0.5,
      anonymous: 0.25,
      unknown: 0.3,
    } satisfies Record<SourceKind, number>,
    /** A channel Dozor first saw this recently counts as a new account. */
    newWithinMs: 3 * 86_400_000,
    /**
     * …but only once Dozor has watched long enough to know which channels are old: during the first day
     * of observation every channel is "new", which would make the signal meaningless.
     */
    observationWarmupMs: 24 * 3_600_000,
    /** How long the in-memory copy of the registries is trusted before re-reading (edits apply this fast). */
    registryCacheMs: 30_000,
  },

  fake: {
    /**
     * Logistic model of fake-likeness: score = σ(bias + Σ weight × feature). Features are 0..1 (see
     * `fakeFeatures`); weights are log-odds, so a weight of 2 multiplies the odds by e² ≈ 7.4.
     */
    weights: {
      bias: -4.2,
      /** Share of the story's copies in its busiest window posted by distinct unregistered or new sources. */
      coordination: 3.2,
      /** Stylistic markers («СРОЧНО», «перешлите всем», «власти скрывают», caps, «!!!»), saturating. */
      style: 2.6,
      /** The fake-likeness head (trained on Russian fake/real headlines), applied to the post vectors. */
      head: 0.8,
      /** 1 − mean credibility of the story's sources. */
      lowCredibility: 1.2,
      /** Spread speed: copies in the first hour, saturating at `speedSaturation`. */
      speed: 1.0,
      /** Match with a known fake in the registry (semantic or lexical). */
      knownFake: 5.0,
      /** Match with an official refutation. */
      refuted: 3.5,
      /** Share of the story's posts by official sources and registered media (they rarely push fakes). */
      officialShare: -4.0,
    },
    /** Raise an alert at this calibrated probability. */
    alertAt: 0.7,
    /** Stories smaller than this need a registry match to alert (a lone post is not a campaign). */
    minStorySize: 5,
    /** Coordination looks at the busiest window of this length in the story's life. */
    coordinationWindowMs: 60 * 60_000,
    /** Distinct sources in that window before coordination counts at all, and where it saturates. */
    coordinationMinSources: 5,
    coordinationSaturation: 12,
    speedSaturation: 20,
    /** Style: this many marker points give a style feature of 1. */
    styleSaturation: 4,
    /** Text marker patterns and their points; matched on the cleaned text, case-insensitively unless noted. */
    markers: [
      {
        code: 'urgent',
        pattern: /(?:^|[^\p{L}])(?:срочно|внимание)(?:[^\p{L}]|$)/iu,
        points: 1,
        name: '«срочно»',
      },
      {
        code: 'forward',
        pattern:
          /(?:перешлите|распространите|поделитесь|репост)[^.!?]{0,30}?(?:всем|соседям|родным|знакомым|родителям)?/iu,
        points: 1.5,
        name: '«перешлите всем»',
      },
      {
        code: 'hidden',
        pattern: /скрыва(?:ют|ет|ется)|замалчива|молчат|пока не удалили/iu,
        points: 1.5,
        name: '«власти скрывают»',
      },
      {
        code: 'insider',
        pattern: /инсайдер|источник в администрации|знакомый из|мне сказал|источник сообщ/iu,
        points: 1,
        name: 'ссылка на анонимного инсайдера',
      },
    ],
    /** Words of 4+ letters in capitals: this share of the words gives one point (and two at double). */
    capsShare: 0.15,
    /** «!!!», «‼️»: runs of this many exclamation marks count; two runs or more give one point. */
    exclamationRun: 3,
    /** Known-fake registry match: cosine of e5 vectors, or lemma containment of the entry in the post. */
    semanticMatch: 0.9,
    lexicalMatch: 0.6,
    /** Two stories about one place are one claim (one alert) at this cosine, or 3 shared distinctive stems. */
    sameClaimCosine: 0.88,
    /** Entries with fewer content lemmas than this are matched semantically only (too short to be specific). */
    lexicalMinLemmas: 6,
    /** A refutation about the same place answers a claim sharing this share of 3 distinctive stems (2 of 3). */
    refutationStems: 2 / 3,
    /** Official refutations are detected in official posts by these patterns. */
    refutationPatterns: [
      /не соответству\p{L}* действительност/iu,
      /\bфейк/iu,
      /опроверга/iu,
      /недостоверн/iu,
    ],
    severity: {
      /** Distinct sources for `high`, and for `critical` together with a registry or refutation match. */
      highSources: 10,
      criticalSources: 20,
    },
  },

  emergency: {
    /** The burst window: posts about one (place, category) in this trailing window are counted. */
    windowMs: 60 * 60_000,
    /** Buckets of the counters in Redis (the window is a whole number of them). */
    bucketMs: 5 * 60_000,
    /** The baseline is the mean hourly rate of the (place, category) over this many preceding days… */
    baselineDays: 7,
    /** …but never below this rate per hour: a place that never complained still has some chance to. */
    baselineFloorPerHour: 0.25,
    /** Poisson tail probability of the window count under the baseline below which it is a burst. */
    pValue: 1e-6,
    /** And at least this many posts from this many distinct sources in the window. */
    minPosts: 8,
    minSources: 6,
    /** Severity points; `low` < 2 ≤ `medium` < 3 ≤ `high` < 5 ≤ `critical`. */
    severity: {
      people: [
        { atLeast: 1000, points: 1 },
        { atLeast: 10_000, points: 2 },
      ],
      houses: [
        { atLeast: 20, points: 1 },
        { atLeast: 100, points: 2 },
      ],
      days: [
        { atLeast: 2, points: 1 },
        { atLeast: 3, points: 2 },
      ],
      /** Posts in the window. */
      volume: [
        { atLeast: 15, points: 1 },
        { atLeast: 40, points: 2 },
      ],
      /** Window count over the previous window's. */
      growth: 2,
      growthPoints: 1,
      levels: { medium: 2, high: 3, critical: 5 },
    },
    /** A resolved emergency is reopened only by a new burst this long after it was resolved. */
    reopenAfterMs: 6 * 3_600_000,
  },

  trend: {
    /** Bucket of topic and term counters. */
    bucketMs: 3_600_000,
    /** The trailing window whose share of stories per topic is tested. */
    windowMs: 6 * 3_600_000,
    /** Seasonal baseline: same hours of day over this many previous days (and weekday weights from them). */
    baselineDays: 28,
    /**
     * Only topics with this many posts and distinct stories in the window, and this many days of
     * history. Trends are tested on stories: one story's copies are one voice.
     */
    minPosts: 30,
    minStories: 15,
    minHistoryDays: 3,
    /** Share in window over baseline share, and the z-score of the binomial test. */
    minRatio: 2.5,
    minZ: 6,
    /**
     * And the window's share must exceed the mean daily share of these hours by this many day-to-day
     * standard deviations (never taken below `minDailySpread` × the mean: a few quiet days understate it).
     */
    dailySpreads: 4,
    minDailySpread: 0.25,
    /** Week over week: a topic is rising (falling) when it changes by at least this fraction. */
    weekChange: 0.3,
    /** Terms reported with a trend: top N lemmas of the window by lift over their baseline. */
    topTerms: 8,
  },

  routing: {
    /** Response deadline of a routed appeal. */
    deadlineMs: 24 * 3_600_000,
    /** Trust the routing head above this probability; below, the routing table decides. */
    headMinScore: 0.5,
    /** Regions the routing head was trained for (its departments exist only there). */
    headRegions: ['Курская область'],
  },
} as const;

export type DetectorsConfig = typeof DETECTORS;
