import { networkOf, parseHeadFile, toHeadFile, type HeadFile } from './head-file';
import { createRng } from './rng';
import { gaussianBlobs, toyCard } from './test-support';
import { argmax } from './train-head';
import {
  balancedClassWeights,
  DEFAULT_TRAIN_OPTIONS,
  predictProba,
  trainNetwork,
  type TrainOptions,
} from './trainer';

const data = gaussianBlobs({ classes: 3, perClass: 60, dim: 16, spread: 0.15, seed: 1 });
const base: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, classes: 3, maxEpochs: 60, patience: 8, seed: 7 };

function accuracy(
  network: ReturnType<typeof trainNetwork>['network'],
  set: { x: readonly Float32Array[]; y: readonly number[] },
): number {
  const correct = set.x.filter((vector, i) => argmax(predictProba(network, vector)) === set.y[i]).length;
  return correct / set.x.length;
}

describe('trainNetwork', () => {
  const train = { x: data.x.slice(0, 120), y: data.y.slice(0, 120) };
  const held = { x: data.x.slice(120), y: data.y.slice(120) };

  it('learns a separable toy problem with softmax regression', () => {
    const { network } = trainNetwork(train, held, base);
    expect(accuracy(network, held)).toBeGreaterThanOrEqual(0.95);
  });

  it('learns the same problem with a 1-hidden-layer MLP', () => {
    const { network } = trainNetwork(train, held, { ...base, hidden: 8 });
    expect(accuracy(network, held)).toBeGreaterThanOrEqual(0.95);
  });

  it('gives bit-identical weights for the same data and seed, and different ones for another seed', () => {
    const a = trainNetwork(train, held, { ...base, hidden: 4 });
    const b = trainNetwork(train, held, { ...base, hidden: 4 });
    const c = trainNetwork(train, held, { ...base, hidden: 4, seed: 8 });
    expect(Array.from(a.network.layers[0]?.weights ?? [])).toEqual(
      Array.from(b.network.layers[0]?.weights ?? []),
    );
    expect(a.bestEpoch).toBe(b.bestEpoch);
    expect(Array.from(a.network.layers[0]?.weights ?? [])).not.toEqual(
      Array.from(c.network.layers[0]?.weights ?? []),
    );
  });

  it('on data it cannot learn, keeps the best validation epoch and stops after `patience` epochs without progress', () => {
    // Labels shuffled against the vectors: nothing to learn, so validation loss soon rises (overfitting).
    const rng = createRng(3);
    const noise = { x: train.x, y: train.y.map(() => rng.int(3)) };
    const result = trainNetwork(noise, held, { ...base, l2: 0, hidden: 16, maxEpochs: 500, patience: 3 });
    expect(result.epochs).toBeLessThan(500);
    expect(result.epochs - result.bestEpoch).toBeLessThanOrEqual(3);
  });

  it('refuses an empty training set', () => {
    expect(() => trainNetwork({ x: [], y: [] }, held, base)).toThrow(/empty/);
  });

  it('outputs probabilities that sum to 1', () => {
    const { network } = trainNetwork(train, held, base);
    const p = predictProba(network, held.x[0] ?? new Float32Array(16));
    expect(p.reduce((sum, v) => sum + v, 0)).toBeCloseTo(1, 6);
  });
});

describe('balancedClassWeights', () => {
  it('weighs a class inversely to its size, with mean weight 1 per sample', () => {
    const y = [0, 0, 0, 1];
    const w = balancedClassWeights(y, 2);
    expect(w[0]).toBeCloseTo(4 / 6);
    expect(w[1]).toBeCloseTo(2);
    expect(y.reduce((sum, label) => sum + (w[label] ?? 0), 0) / y.length).toBeCloseTo(1);
  });

  it('gives an absent class weight 0 instead of dividing by zero', () => {
    expect(balancedClassWeights([0, 0], 2)[1]).toBe(0);
  });
});

describe('head file round trip', () => {
  it('predicts the same classes after rounding to 4 digits, JSON and back', () => {
    const train = { x: data.x.slice(0, 120), y: data.y.slice(0, 120) };
    const { network } = trainNetwork(
      train,
      { x: data.x.slice(120), y: data.y.slice(120) },
      { ...base, hidden: 4 },
    );
    const head = toHeadFile(network, {
      name: 'toy',
      labels: ['a', 'b', 'c'],
      encoder: { model: 'toy', version: '1', dim: 16, kind: 'query', maxTokens: 8 },
      card: toyCard(),
    });
    const restored = networkOf(parseHeadFile(JSON.parse(JSON.stringify(head)), 'memory'));
    for (const vector of data.x) {
      const before = predictProba(network, vector);
      const after = predictProba(restored, vector);
      expect(argmax(after)).toBe(argmax(before));
      before.forEach((p, i) => {
        expect(Math.abs(p - (after[i] ?? 0))).toBeLessThan(1e-2);
      });
    }
  });

  it('rejects a file whose shapes do not add up, naming the file', () => {
    const head: HeadFile = {
      format: 'dozor-head/1',
      name: 'broken',
      labels: ['a', 'b'],
      encoder: { model: 'toy', version: '1', dim: 2, kind: 'query', maxTokens: 8 },
      mean: [0, 0],
      scale: [1, 1],
      layers: [{ inputs: 2, outputs: 2, weights: [1, 2, 3], bias: [0, 0] }],
      card: toyCard(),
    };
    expect(() => parseHeadFile(head, 'broken.json')).toThrow(/broken\.json.*inconsistent shapes/);
  });
});
