import { round3 } from './metrics';
import { stratifiedSplit } from './split';
import {
  assignTopics,
  calibrateThresholds,
  f1Of,
  thresholdOf,
  topicScores,
  type BinaryCounts,
  type CalibrationItem,
  type TopicPrototypes,
  type TopicThresholds,
} from './zero-shot';
import type { TopicsFile } from './topics-file';

/** A labelled post for calibration: its vector and gold topics (empty: off-topic). */
export interface TopicExample {
  vector: Float32Array;
  gold: ReadonlySet<string>;
}

export type TopicEvaluation = TopicsFile['card']['metrics']['test'];

/** Scores the test half with the chosen thresholds: per topic, micro/macro F1, top-1, false alarms. */
export function evaluateTopics(
  items: readonly CalibrationItem[],
  prototypes: TopicPrototypes,
  thresholds: TopicThresholds,
): TopicEvaluation {
  const counts = new Map<string, BinaryCounts>(prototypes.ids.map((id) => [id, { tp: 0, fp: 0, fn: 0 }]));
  let offTopic = 0;
  let falseAlarms = 0;
  let labelled = 0;
  let top1 = 0;
  for (const item of items) {
    const assigned = new Set(assignTopics(item.scores, prototypes.ids, thresholds).map((t) => t.topic));
    for (const id of prototypes.ids) {
      const c = counts.get(id);
      if (c === undefined) continue;
      const gold = item.gold.has(id);
      if (assigned.has(id) && gold) c.tp++;
      else if (assigned.has(id)) c.fp++;
      else if (gold) c.fn++;
    }
    if (item.gold.size === 0) {
      offTopic++;
      if (assigned.size > 0) falseAlarms++;
    } else {
      labelled++;
      let best = 0;
      item.scores.forEach((score, i) => {
        if (score > (item.scores[best] ?? -Infinity)) best = i;
      });
      if (item.gold.has(prototypes.ids[best] ?? '')) top1++;
    }
  }
  const perTopic = prototypes.ids.map((topic) => {
    const c = counts.get(topic) ?? { tp: 0, fp: 0, fn: 0 };
    return {
      topic,
      precision: round3(c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0),
      recall: round3(c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0),
      f1: round3(f1Of(c)),
      support: c.tp + c.fn,
      threshold: round3(thresholdOf(thresholds, topic)),
      calibrated: topic in thresholds.byTopic,
    };
  });
  const total = [...counts.values()].reduce(
    (sum, c) => ({ tp: sum.tp + c.tp, fp: sum.fp + c.fp, fn: sum.fn + c.fn }),
    {
      tp: 0,
      fp: 0,
      fn: 0,
    },
  );
  const present = perTopic.filter((t) => t.support > 0);
  return {
    microF1: round3(f1Of(total)),
    macroF1: round3(present.reduce((sum, t) => sum + t.f1, 0) / Math.max(1, present.length)),
    top1Accuracy: round3(labelled > 0 ? top1 / labelled : 0),
    offTopicFalseAlarmRate: round3(offTopic > 0 ? falseAlarms / offTopic : 0),
    perTopic,
  };
}

/** Calibration outcome: thresholds from one half, scores on the other. */
export interface TopicCalibration {
  thresholds: TopicThresholds;
  evaluation: TopicEvaluation;
  calibrationSize: number;
  testSize: number;
}

/**
 * Splits the examples in two halves stratified by gold topic (seeded), picks thresholds on the first and
 * measures the second. Topics with fewer than `minPositives` calibration examples use the pooled fallback;
 * the gate lets at most `maxFalseAlarms` of the calibration half's off-topic posts through.
 */
export function calibrateTopics(
  examples: readonly TopicExample[],
  prototypes: TopicPrototypes,
  options: { seed: number; minPositives: number; maxTopics: number; maxFalseAlarms: number },
): TopicCalibration {
  const items: CalibrationItem[] = examples.map((e) => ({
    scores: topicScores(e.vector, prototypes),
    gold: e.gold,
  }));
  const strata = examples.map((e) => [...e.gold].sort().join('+') || 'none');
  const split = stratifiedSplit(strata, { validation: 0, test: 0.5 }, options.seed);
  const calibration = split.train.map((i) => items[i]).filter((item) => item !== undefined);
  const test = split.test.map((i) => items[i]).filter((item) => item !== undefined);
  const thresholds = calibrateThresholds(calibration, prototypes.ids, options);
  return {
    thresholds,
    evaluation: evaluateTopics(test, prototypes, thresholds),
    calibrationSize: calibration.length,
    testSize: test.length,
  };
}
