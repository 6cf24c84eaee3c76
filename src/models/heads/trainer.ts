import { createRng, shuffled, type Rng } from './rng';

/**
 * Softmax regression and 1-hidden-layer MLP heads on sentence embeddings, trained with Adam, L2, class
 * weights and early stopping. Written by hand on Float32Arrays: the data are a few thousand 384-dim
 * vectors, so a full ML framework buys nothing (tfjs-node needs a native download that cannot happen
 * here; `ml-logistic-regression` has no class weights, seeding, early stopping or MLP), and owning the
 * loop keeps training bit-for-bit reproducible from a seed.
 */

/** One fully connected layer; `weights` is row-major `out × in`. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** Input standardization, then layers; hidden layers use ReLU, the last one softmax. */
export interface Network {
  mean: Float32Array;
  scale: Float32Array;
  layers: DenseLayer[];
}

/** Labelled vectors: `y[i]` is the class index of `x[i]`. */
export interface LabelledVectors {
  x: readonly Float32Array[];
  y: readonly number[];
}

export interface TrainOptions {
  classes: number;
  /** Hidden units; 0 means softmax regression. */
  hidden: number;
  /** L2 penalty on weights (not biases), per sample. */
  l2: number;
  learningRate: number;
  maxEpochs: number;
  /** Epochs without a better validation loss before stopping. */
  patience: number;
  batchSize: number;
  seed: number;
  /** `balanced`: each class weighs as much as any other in the loss, whatever its size. */
  classWeighting: 'balanced' | 'none';
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainOptions, 'classes'> = {
  hidden: 0,
  l2: 1e-3,
  learningRate: 3e-3,
  maxEpochs: 200,
  patience: 12,
  batchSize: 32,
  seed: 42,
  classWeighting: 'balanced',
};

/** The outcome of one training run. */
export interface TrainResult {
  network: Network;
  /** Epoch (1-based) whose weights were kept. */
  bestEpoch: number;
  epochs: number;
  validationLoss: number;
}

/** Class weights that make every class count equally in the loss; mean weight per sample is 1. */
export function balancedClassWeights(y: readonly number[], classes: number): Float64Array {
  const counts = new Float64Array(classes);
  for (const label of y) counts[label] = (counts[label] ?? 0) + 1;
  const weights = new Float64Array(classes);
  for (let c = 0; c < classes; c++) {
    const count = counts[c] ?? 0;
    weights[c] = count > 0 ? y.length / (classes * count) : 0;
  }
  return weights;
}

/** Per-feature mean and 1/std of the training vectors (e5 vectors are anisotropic; this evens them out). */
export function fitStandardizer(
  x: readonly Float32Array[],
  dim: number,
): { mean: Float32Array; scale: Float32Array } {
  const mean = new Float64Array(dim);
  const square = new Float64Array(dim);
  for (const row of x) {
    for (let j = 0; j < dim; j++) {
      const v = row[j] ?? 0;
      mean[j] = (mean[j] ?? 0) + v;
      square[j] = (square[j] ?? 0) + v * v;
    }
  }
  const n = Math.max(1, x.length);
  const outMean = new Float32Array(dim);
  const outScale = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const m = (mean[j] ?? 0) / n;
    const variance = Math.max(0, (square[j] ?? 0) / n - m * m);
    outMean[j] = m;
    outScale[j] = 1 / Math.sqrt(variance + 1e-8);
  }
  return { mean: outMean, scale: outScale };
}

function initLayer(inputs: number, outputs: number, rng: Rng, relu: boolean): DenseLayer {
  // He init before a ReLU, Glorot-like before the softmax: keeps early logits small and gradients alive.
  const std = relu ? Math.sqrt(2 / inputs) : Math.sqrt(1 / (inputs + outputs));
  const weights = new Float32Array(inputs * outputs);
  for (let i = 0; i < weights.length; i++) weights[i] = rng.normal() * std;
  return { inputs, outputs, weights, bias: new Float32Array(outputs) };
}

/** Activations of every layer for one input: `[standardized input, hidden..., probabilities]`. */
function forwardAll(network: Network, vector: Float32Array): Float64Array[] {
  const dim = network.mean.length;
  const input = new Float64Array(dim);
  for (let j = 0; j < dim; j++)
    input[j] = ((vector[j] ?? 0) - (network.mean[j] ?? 0)) * (network.scale[j] ?? 1);
  const activations: Float64Array[] = [input];
  let current = input;
  network.layers.forEach((layer, index) => {
    const out = new Float64Array(layer.outputs);
    for (let o = 0; o < layer.outputs; o++) {
      let sum = layer.bias[o] ?? 0;
      const offset = o * layer.inputs;
      for (let i = 0; i < layer.inputs; i++) sum += (layer.weights[offset + i] ?? 0) * (current[i] ?? 0);
      out[o] = sum;
    }
    if (index < network.layers.length - 1) {
      for (let o = 0; o < out.length; o++) out[o] = Math.max(0, out[o] ?? 0);
    } else softmaxInPlace(out);
    activations.push(out);
    current = out;
  });
  return activations;
}

function softmaxInPlace(values: Float64Array): void {
  let max = -Infinity;
  for (const v of values) max = Math.max(max, v);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const e = Math.exp((values[i] ?? 0) - max);
    values[i] = e;
    sum += e;
  }
  for (let i = 0; i < values.length; i++) values[i] = (values[i] ?? 0) / sum;
}

/** Class probabilities for one vector. */
export function predictProba(network: Network, vector: Float32Array): Float64Array {
  const activations = forwardAll(network, vector);
  return activations[activations.length - 1] ?? new Float64Array(0);
}

/** Mean (class-weighted) cross-entropy of a network on a data set. */
export function meanLoss(network: Network, data: LabelledVectors, weights: Float64Array | undefined): number {
  let total = 0;
  let weightSum = 0;
  data.x.forEach((vector, i) => {
    const label = data.y[i] ?? 0;
    const w = weights?.[label] ?? 1;
    total -= w * Math.log(Math.max(predictProba(network, vector)[label] ?? 0, 1e-12));
    weightSum += w;
  });
  return weightSum > 0 ? total / weightSum : 0;
}

function cloneNetwork(network: Network): Network {
  return {
    mean: network.mean.slice(),
    scale: network.scale.slice(),
    layers: network.layers.map((layer) => ({
      ...layer,
      weights: layer.weights.slice(),
      bias: layer.bias.slice(),
    })),
  };
}

interface AdamState {
  m: Float64Array;
  v: Float64Array;
}

/**
 * Trains on `train`, keeps the weights of the epoch with the lowest validation loss (same class
 * weights as training), stops after `patience` epochs without improvement. Deterministic for a seed.
 */
export function trainNetwork(
  train: LabelledVectors,
  validation: LabelledVectors,
  options: TrainOptions,
): TrainResult {
  const first = train.x[0];
  if (first === undefined) throw new Error('cannot train on an empty data set');
  const dim = first.length;
  const rng = createRng(options.seed);
  const { mean, scale } = fitStandardizer(train.x, dim);
  const layers =
    options.hidden > 0
      ? [initLayer(dim, options.hidden, rng, true), initLayer(options.hidden, options.classes, rng, false)]
      : [initLayer(dim, options.classes, rng, false)];
  const network: Network = { mean, scale, layers };
  const classWeights =
    options.classWeighting === 'balanced' ? balancedClassWeights(train.y, options.classes) : undefined;
  const state: { w: AdamState; b: AdamState }[] = layers.map((layer) => ({
    w: { m: new Float64Array(layer.weights.length), v: new Float64Array(layer.weights.length) },
    b: { m: new Float64Array(layer.bias.length), v: new Float64Array(layer.bias.length) },
  }));
  const gradients = layers.map((layer) => ({
    w: new Float64Array(layer.weights.length),
    b: new Float64Array(layer.bias.length),
  }));
  const beta1 = 0.9;
  const beta2 = 0.999;
  let step = 0;
  let best = cloneNetwork(network);
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let epoch = 0;
  const order = train.x.map((_, i) => i);

  while (epoch < options.maxEpochs && epoch - bestEpoch < options.patience) {
    epoch++;
    const indices = shuffled(order, rng);
    for (let start = 0; start < indices.length; start += options.batchSize) {
      const batch = indices.slice(start, start + options.batchSize);
      for (const g of gradients) {
        g.w.fill(0);
        g.b.fill(0);
      }
      let batchWeight = 0;
      for (const index of batch) {
        const vector = train.x[index];
        const label = train.y[index] ?? 0;
        if (vector === undefined) continue;
        const w = classWeights?.[label] ?? 1;
        batchWeight += w;
        accumulateGradients(network, vector, label, w, gradients);
      }
      if (batchWeight === 0) continue;
      step++;
      layers.forEach((layer, l) => {
        const g = gradients[l];
        const s = state[l];
        if (g === undefined || s === undefined) return;
        adamUpdate(layer.weights, g.w, s.w, batchWeight, options, step, beta1, beta2, options.l2);
        adamUpdate(layer.bias, g.b, s.b, batchWeight, options, step, beta1, beta2, 0);
      });
    }
    const loss = meanLoss(network, validation.x.length > 0 ? validation : train, classWeights);
    if (loss < bestLoss - 1e-6) {
      bestLoss = loss;
      bestEpoch = epoch;
      best = cloneNetwork(network);
    }
  }
  return { network: best, bestEpoch, epochs: epoch, validationLoss: bestLoss };
}

function adamUpdate(
  params: Float32Array,
  gradient: Float64Array,
  state: AdamState,
  batchWeight: number,
  options: TrainOptions,
  step: number,
  beta1: number,
  beta2: number,
  l2: number,
): void {
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  for (let i = 0; i < params.length; i++) {
    const p = params[i] ?? 0;
    const g = (gradient[i] ?? 0) / batchWeight + l2 * p;
    const m = beta1 * (state.m[i] ?? 0) + (1 - beta1) * g;
    const v = beta2 * (state.v[i] ?? 0) + (1 - beta2) * g * g;
    state.m[i] = m;
    state.v[i] = v;
    params[i] = p - (options.learningRate * (m / correction1)) / (Math.sqrt(v / correction2) + 1e-8);
  }
}

/** Back-propagates the weighted cross-entropy of one sample into the gradient buffers. */
function accumulateGradients(
  network: Network,
  vector: Float32Array,
  label: number,
  weight: number,
  gradients: { w: Float64Array; b: Float64Array }[],
): void {
  const activations = forwardAll(network, vector);
  const last = network.layers.length - 1;
  // dLoss/dlogits of softmax + cross-entropy is p - onehot.
  let delta = Float64Array.from(activations[last + 1] ?? [], (p, c) => weight * (p - (c === label ? 1 : 0)));
  for (let l = last; l >= 0; l--) {
    const layer = network.layers[l];
    const input = activations[l];
    const g = gradients[l];
    if (layer === undefined || input === undefined || g === undefined) return;
    const previous = new Float64Array(layer.inputs);
    for (let o = 0; o < layer.outputs; o++) {
      const d = delta[o] ?? 0;
      if (d === 0) continue;
      g.b[o] = (g.b[o] ?? 0) + d;
      const offset = o * layer.inputs;
      for (let i = 0; i < layer.inputs; i++) {
        g.w[offset + i] = (g.w[offset + i] ?? 0) + d * (input[i] ?? 0);
        if (l > 0) previous[i] = (previous[i] ?? 0) + d * (layer.weights[offset + i] ?? 0);
      }
    }
    if (l > 0) {
      // ReLU derivative: gradient passes only where the unit was active.
      for (let i = 0; i < previous.length; i++) if ((input[i] ?? 0) <= 0) previous[i] = 0;
    }
    delta = previous;
  }
}
