import type { HeadFile } from './head-file';
import { createRng } from './rng';
import type { LabelledVectors } from './trainer';

/**
 * Toy data for the unit tests: `classes` Gaussian blobs around random unit directions in `dim`
 * dimensions, normalized like sentence vectors. Lives beside the specs, never used by production code.
 */
export function gaussianBlobs(options: {
  classes: number;
  perClass: number;
  dim: number;
  spread: number;
  seed: number;
}): LabelledVectors & { centers: Float32Array[] } {
  const rng = createRng(options.seed);
  const normalize = (v: Float32Array): Float32Array => {
    const norm = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0)) || 1;
    return v.map((x) => x / norm);
  };
  const centers = Array.from({ length: options.classes }, () =>
    normalize(Float32Array.from({ length: options.dim }, () => rng.normal())),
  );
  const x: Float32Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < options.perClass; i++) {
    centers.forEach((center, c) => {
      x.push(normalize(center.map((v) => v + rng.normal() * options.spread)));
      y.push(c);
    });
  }
  return { x, y, centers };
}

/** A minimal valid model card for toy heads. */
export function toyCard(): HeadFile['card'] {
  return {
    description: 'toy',
    trainedOn: '2025-01-01',
    data: { dataset: 'toy', path: 'toy', rows: 1, labelColumn: 'y', preprocessing: [] },
    split: { method: 'none', seed: 1, train: 1, validation: 0, test: 0 },
    model: {
      kind: 'mlp',
      hidden: 4,
      l2: 0,
      learningRate: 0,
      batchSize: 1,
      classWeighting: 'none',
      bestEpoch: 1,
      epochs: 1,
    },
    selection: [],
    metrics: { test: { accuracy: 0, macroF1: 0, weightedF1: 0, size: 0, perClass: [] } },
    caveats: [],
  };
}

/** A toy head of `labels.length` classes on `dim`-dim vectors: class i wins when coordinate i is largest. */
export function toyHead(name: string, labels: string[], encoder: HeadFile['encoder']): HeadFile {
  const dim = encoder.dim;
  const weights: number[] = [];
  labels.forEach((_, c) => {
    for (let j = 0; j < dim; j++) weights.push(j === c ? 5 : 0);
  });
  return {
    format: 'dozor-head/1',
    name,
    labels,
    encoder,
    mean: Array<number>(dim).fill(0),
    scale: Array<number>(dim).fill(1),
    layers: [{ inputs: dim, outputs: labels.length, weights, bias: Array<number>(labels.length).fill(0) }],
    card: toyCard(),
  };
}
