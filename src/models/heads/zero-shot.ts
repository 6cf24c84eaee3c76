/**
 * Zero-shot topics: a post's score for a topic is the cosine similarity of its vector (e5 `query:` side)
 * to the closest of the topic's description phrases (`passage:` side). e5 puts a post's similarities to
 * all descriptions in a narrow band whose level depends on the post (its length, how much it reads like an
 * appeal), so topics are decided on the *relative* score — the score minus the post's mean over all topics
 * — against each topic's calibrated threshold, and only for posts whose closest phrase reaches the raw
 * `gate` (which keeps posts about none of the topics out). Vectors are L2-normalized: cosine is a dot product.
 */

/** Phrase vectors of each topic, in taxonomy order. */
export interface TopicPrototypes {
  ids: readonly string[];
  phrases: readonly (readonly Float32Array[])[];
}

/**
 * Per-topic thresholds on relative scores, a fallback for topics without calibration data, a cap on topics
 * per post, and the raw similarity a post's closest phrase must reach before it gets any topic.
 */
export interface TopicThresholds {
  byTopic: Readonly<Record<string, number>>;
  fallback: number;
  maxTopics: number;
  gate: number;
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

/** Scores minus their mean: how much more a post resembles a topic than it resembles topics in general. */
export function relativeScores(scores: Float64Array): Float64Array {
  const mean = scores.reduce((sum, score) => sum + score, 0) / Math.max(1, scores.length);
  return scores.map((score) => score - mean);
}

/** Threshold of a topic: its own when calibrated, the fallback otherwise. */
export function thresholdOf(thresholds: TopicThresholds, topic: string): number {
  return thresholds.byTopic[topic] ?? thresholds.fallback;
}

/** How far each topic's relative score clears its threshold (negative: it does not). */
export function topicMargins(
  scores: Float64Array,
  ids: readonly string[],
  thresholds: TopicThresholds,
): number[] {
  const relative = relativeScores(scores);
  return ids.map((topic, i) => (relative[i] ?? -Infinity) - thresholdOf(thresholds, topic));
}

/**
 * Topics whose relative score reaches their threshold, best margin first, at most `maxTopics`; none when the
 * closest phrase stays under the gate. `score` is the raw cosine similarity.
 */
export function assignTopics(
  scores: Float64Array,
  ids: readonly string[],
  thresholds: TopicThresholds,
): TopicScore[] {
  if (Math.max(...scores) < thresholds.gate) return [];
  const margins = topicMargins(scores, ids, thresholds);
  return ids
    .map((topic, i) => ({ topic, score: scores[i] ?? -1, margin: margins[i] ?? -Infinity }))
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
 * Per-topic thresholds on relative scores for topics with at least `minPositives` gold posts; the fallback
 * is the single threshold that maximizes micro-F1 over all those topics together (applied to topics with
 * too little data to calibrate on their own). Then the gate: the highest raw similarity that keeps
 * calibration micro-F1 best while at most `maxFalseAlarms` of the off-topic posts get a topic.
 */
export function calibrateThresholds(
  items: readonly CalibrationItem[],
  ids: readonly string[],
  options: { minPositives: number; maxTopics: number; maxFalseAlarms: number },
): TopicThresholds {
  const byTopic: Record<string, number> = {};
  const pooledScores: number[] = [];
  const pooledGold: boolean[] = [];
  const relative = items.map((item) => relativeScores(item.scores));
  ids.forEach((topic, t) => {
    const scores = relative.map((r) => r[t] ?? -1);
    const positive = items.map((item) => item.gold.has(topic));
    const positives = positive.filter(Boolean).length;
    if (positives < options.minPositives) return;
    byTopic[topic] = bestThreshold(scores, positive).threshold;
    pooledScores.push(...scores);
    pooledGold.push(...positive);
  });
  const fallback = pooledScores.length > 0 ? bestThreshold(pooledScores, pooledGold).threshold : 1;
  const ungated = { byTopic, fallback, maxTopics: options.maxTopics, gate: -1 };
  return { ...ungated, gate: chooseGate(items, ids, ungated, options.maxFalseAlarms) };
}

/** Gate candidates are the observed best similarities; ties in F1 go to the higher gate. */
function chooseGate(
  items: readonly CalibrationItem[],
  ids: readonly string[],
  thresholds: TopicThresholds,
  maxFalseAlarms: number,
): number {
  const best = items.map((item) => Math.max(...item.scores));
  const assigned = items.map((item) => assignTopics(item.scores, ids, thresholds).map((t) => t.topic));
  const offTopic = items.filter((item) => item.gold.size === 0).length;
  let chosen = { gate: Math.max(...best, 1), f1: -1 };
  for (const gate of [...new Set(best)].sort((a, b) => a - b)) {
    const counts = { tp: 0, fp: 0, fn: 0 };
    let falseAlarms = 0;
    items.forEach((item, i) => {
      const topics = (best[i] ?? -1) >= gate ? (assigned[i] ?? []) : [];
      const hits = topics.filter((topic) => item.gold.has(topic)).length;
      counts.tp += hits;
      counts.fp += topics.length - hits;
      counts.fn += item.gold.size - hits;
      if (item.gold.size === 0 && topics.length > 0) falseAlarms++;
    });
    if (offTopic > 0 && falseAlarms / offTopic > maxFalseAlarms) continue;
    const f1 = f1Of(counts);
    if (f1 >= chosen.f1) chosen = { gate, f1 };
  }
  return chosen.gate;
}
