/**
 * Zero-shot topics: a post's score for a topic is the cosine similarity of its vector (e5 `query:` side)
 * to the closest of the topic's description phrases (`passage:` side); a topic is assigned when its score
 * reaches that topic's calibrated threshold. Vectors are L2-normalized, so cosine is a dot product.
 */

/** Phrase vectors of each topic, in taxonomy order. */
export interface TopicPrototypes {
  ids: readonly string[];
  phrases: readonly (readonly Float32Array[])[];
}

/** Per-topic thresholds, a fallback for topics without calibration data, and a cap on topics per post. */
export interface TopicThresholds {
  byTopic: Readonly<Record<string, number>>;
  fallback: number;
  maxTopics: number;
}

export interface TopicScore {
  topic: string;
  score: number;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/** Score of every topic for one post vector: max cosine over the topic's phrases. */
export function topicScores(vector: Float32Array, prototypes: TopicPrototypes): Float64Array {
  return Float64Array.from(prototypes.phrases, (phrases) =>
    phrases.reduce((best, phrase) => Math.max(best, dot(vector, phrase)), -1),
  );
}

/** Threshold of a topic: its own when calibrated, the fallback otherwise. */
export function thresholdOf(thresholds: TopicThresholds, topic: string): number {
  return thresholds.byTopic[topic] ?? thresholds.fallback;
}

/** Topics whose score reaches their threshold, best margin first, at most `maxTopics`; may be empty. */
export function assignTopics(
  scores: Float64Array,
  ids: readonly string[],
  thresholds: TopicThresholds,
): TopicScore[] {
  return ids
    .map((topic, i) => ({
      topic,
      score: scores[i] ?? -1,
      margin: (scores[i] ?? -1) - thresholdOf(thresholds, topic),
    }))
    .filter((entry) => entry.margin >= 0)
    .sort((a, b) => b.margin - a.margin || a.topic.localeCompare(b.topic))
    .slice(0, thresholds.maxTopics)
    .map(({ topic, score }) => ({ topic, score }));
}

/** Precision/recall/F1 of one topic's yes/no decisions. */
export interface BinaryCounts {
  tp: number;
  fp: number;
  fn: number;
}

export function f1Of(counts: BinaryCounts): number {
  const denominator = 2 * counts.tp + counts.fp + counts.fn;
  return denominator > 0 ? (2 * counts.tp) / denominator : 0;
}

/** Counts of "score ≥ threshold" against gold membership for one topic. */
export function countAt(
  scores: readonly number[],
  positive: readonly boolean[],
  threshold: number,
): BinaryCounts {
  const counts = { tp: 0, fp: 0, fn: 0 };
  scores.forEach((score, i) => {
    const predicted = score >= threshold;
    const gold = positive[i] ?? false;
    if (predicted && gold) counts.tp++;
    else if (predicted) counts.fp++;
    else if (gold) counts.fn++;
  });
  return counts;
}

/**
 * The threshold that maximizes F1 of one topic on calibration data; candidates are the observed scores.
 * On a tie the higher threshold wins (fewer false alarms for an operator).
 */
export function bestThreshold(
  scores: readonly number[],
  positive: readonly boolean[],
): { threshold: number; f1: number } {
  const candidates = [...new Set(scores)].sort((a, b) => a - b);
  let best = { threshold: candidates[candidates.length - 1] ?? 1, f1: -1 };
  for (const threshold of candidates) {
    const f1 = f1Of(countAt(scores, positive, threshold));
    if (f1 >= best.f1) best = { threshold, f1 };
  }
  return best;
}

/** Calibration input: per post, its topic scores and its gold topics (empty set: belongs to none). */
export interface CalibrationItem {
  scores: Float64Array;
  gold: ReadonlySet<string>;
}

/**
 * Per-topic thresholds for topics with at least `minPositives` gold posts; the fallback is the single
 * threshold that maximizes micro-F1 over all those topics together (applied to topics with too little
 * data to calibrate on their own).
 */
export function calibrateThresholds(
  items: readonly CalibrationItem[],
  ids: readonly string[],
  options: { minPositives: number; maxTopics: number },
): TopicThresholds {
  const byTopic: Record<string, number> = {};
  const pooledScores: number[] = [];
  const pooledGold: boolean[] = [];
  ids.forEach((topic, t) => {
    const scores = items.map((item) => item.scores[t] ?? -1);
    const positive = items.map((item) => item.gold.has(topic));
    const positives = positive.filter(Boolean).length;
    if (positives < options.minPositives) return;
    byTopic[topic] = bestThreshold(scores, positive).threshold;
    pooledScores.push(...scores);
    pooledGold.push(...positive);
  });
  const fallback = pooledScores.length > 0 ? bestThreshold(pooledScores, pooledGold).threshold : 1;
  return { byTopic, fallback, maxTopics: options.maxTopics };
}
