import {
  assignTopics,
  bestThreshold,
  calibrateThresholds,
  relativeScores,
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

describe('relativeScores', () => {
  it('subtracts the mean over topics', () => {
    expect(Array.from(relativeScores(Float64Array.from([0.9, 0.8, 0.7])))).toEqual([
      expect.closeTo(0.1),
      expect.closeTo(0),
      expect.closeTo(-0.1),
    ]);
  });
});

describe('calibrateThresholds', () => {
  const items = [
    { scores: Float64Array.from([0.9, 0.5]), gold: new Set(['water']) },
    { scores: Float64Array.from([0.88, 0.55]), gold: new Set(['water']) },
    { scores: Float64Array.from([0.8, 0.6]), gold: new Set<string>() },
    { scores: Float64Array.from([0.7, 0.95]), gold: new Set<string>() },
    // Off topic, yet leaning to water as much as the appeals: only the gate keeps it out.
    { scores: Float64Array.from([0.85, 0.5]), gold: new Set<string>() },
  ];
  const options = { minPositives: 2, maxTopics: 3, maxFalseAlarms: 0 };

  it('calibrates relative scores of topics with enough examples; the others get the pooled fallback', () => {
    const thresholds = calibrateThresholds(items, ['water', 'roads'], options);
    expect(thresholds.byTopic.water).toBeCloseTo(0.165);
    expect(thresholds.byTopic.roads).toBeUndefined();
    expect(thresholds.fallback).toBeCloseTo(0.165);
  });

  it('sets the gate so that no more off-topic posts than allowed get a topic', () => {
    const thresholds = calibrateThresholds(items, ['water', 'roads'], options);
    expect(thresholds.gate).toBe(0.88);
    expect(assignTopics(items[4]?.scores ?? new Float64Array(), ['water', 'roads'], thresholds)).toEqual([]);
    expect(assignTopics(items[0]?.scores ?? new Float64Array(), ['water', 'roads'], thresholds)).toEqual([
      { topic: 'water', score: 0.9 },
    ]);
  });

  it('falls back to 1 (assign nothing) when no topic has calibration data', () => {
    expect(calibrateThresholds(items, ['water', 'roads'], { ...options, minPositives: 10 }).fallback).toBe(1);
  });
});

describe('assignTopics', () => {
  const thresholds: TopicThresholds = {
    byTopic: { a: 0.05, b: 0.05 },
    fallback: 0.1,
    maxTopics: 2,
    gate: 0.8,
  };

  it('returns topics whose relative score clears their threshold, largest margin first, capped', () => {
    const scores = Float64Array.from([0.9, 0.92, 0.7]);
    expect(assignTopics(scores, ['a', 'b', 'c'], thresholds).map((t) => t.topic)).toEqual(['b', 'a']);
    expect(assignTopics(scores, ['a', 'b', 'c'], { ...thresholds, maxTopics: 1 })).toEqual([
      { topic: 'b', score: 0.92 },
    ]);
  });

  it('assigns nothing when the closest phrase stays under the gate', () => {
    expect(assignTopics(Float64Array.from([0.6, 0.62, 0.4]), ['a', 'b', 'c'], thresholds)).toEqual([]);
  });
});
