import {
  assignTopics,
  bestThreshold,
  calibrateThresholds,
  topicScores,
  type TopicThresholds,
} from './zero-shot';

const unit = (...values: number[]): Float32Array => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (v) => v / norm);
};

describe('topicScores', () => {
  it('scores a topic by its closest phrase', () => {
    const prototypes = {
      ids: ['water', 'roads'],
      phrases: [[unit(1, 0, 0), unit(0, 1, 0)], [unit(0, 0, 1)]],
    };
    const scores = topicScores(unit(0, 1, 0), prototypes);
    expect(scores[0]).toBeCloseTo(1);
    expect(scores[1]).toBeCloseTo(0);
  });
});

describe('bestThreshold', () => {
  it('picks the cut that maximizes F1, preferring the higher threshold on a tie', () => {
    const scores = [0.9, 0.85, 0.8, 0.7, 0.6];
    const positive = [true, true, false, false, false];
    expect(bestThreshold(scores, positive)).toEqual({ threshold: 0.85, f1: 1 });
  });
});

describe('calibrateThresholds', () => {
  const items = [
    { scores: Float64Array.from([0.9, 0.5]), gold: new Set(['water']) },
    { scores: Float64Array.from([0.88, 0.55]), gold: new Set(['water']) },
    { scores: Float64Array.from([0.8, 0.6]), gold: new Set<string>() },
    { scores: Float64Array.from([0.7, 0.95]), gold: new Set<string>() },
  ];

  it('calibrates topics with enough examples and gives the others the pooled fallback', () => {
    const thresholds = calibrateThresholds(items, ['water', 'roads'], { minPositives: 2, maxTopics: 3 });
    expect(thresholds.byTopic).toEqual({ water: 0.88 });
    expect(thresholds.byTopic.roads).toBeUndefined();
    expect(thresholds.fallback).toBe(0.88);
  });

  it('falls back to 1 (assign nothing) when no topic has calibration data', () => {
    expect(calibrateThresholds(items, ['water', 'roads'], { minPositives: 10, maxTopics: 3 }).fallback).toBe(
      1,
    );
  });
});

describe('assignTopics', () => {
  const thresholds: TopicThresholds = { byTopic: { a: 0.8, b: 0.7 }, fallback: 0.9, maxTopics: 2 };

  it('returns topics over their thresholds, largest margin first, capped at maxTopics', () => {
    const assigned = assignTopics(Float64Array.from([0.82, 0.85, 0.95]), ['a', 'b', 'c'], thresholds);
    expect(assigned.map((t) => t.topic)).toEqual(['b', 'c']);
  });

  it('may assign nothing', () => {
    expect(assignTopics(Float64Array.from([0.1, 0.1, 0.1]), ['a', 'b', 'c'], thresholds)).toEqual([]);
  });
});
