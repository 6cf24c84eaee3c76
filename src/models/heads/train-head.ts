import { networkOf, toHeadFile, type HeadEncoder, type HeadFile, type ModelCard } from './head-file';
import { evaluate, round3, type Evaluation } from './metrics';
import type { Split } from './split';
import {
  DEFAULT_TRAIN_OPTIONS,
  predictProba,
  trainNetwork,
  type Network,
  type TrainOptions,
} from './trainer';

/** One configuration of the small model search. */
export interface HeadConfig {
  hidden: number;
  l2: number;
  learningRate: number;
}

/**
 * Softmax regression at three strengths of L2 and one 64-unit MLP: enough to see whether a non-linear head
 * pays off (on these data sets it mostly does not), cheap enough for 2 shared cores.
 */
export const DEFAULT_GRID: readonly HeadConfig[] = [
  { hidden: 0, l2: 1e-3, learningRate: 1e-3 },
  { hidden: 0, l2: 1e-2, learningRate: 1e-3 },
  { hidden: 0, l2: 1e-1, learningRate: 1e-3 },
  { hidden: 64, l2: 1e-3, learningRate: 1e-3 },
];

export function describeConfig(config: HeadConfig): string {
  return `${config.hidden > 0 ? `mlp(${config.hidden})` : 'softmax'} l2=${config.l2} lr=${config.learningRate}`;
}

/** Everything a head needs besides its vectors: labels, split, card fields that depend on the data. */
export interface HeadSpec {
  name: string;
  /** Class of each row, already merged. */
  labels: readonly string[];
  /** Classes in output order. */
  classes: readonly string[];
  split: Split;
  splitMethod: string;
  seed: number;
  encoder: HeadEncoder;
  card: Pick<ModelCard, 'description' | 'data' | 'caveats'> & { labelMerging?: ModelCard['labelMerging'] };
  grid?: readonly HeadConfig[];
  /** Day of training for the card (`YYYY-MM-DD`). */
  trainedOn: string;
}

/** A trained head with its test evaluation (computed from the rounded, stored weights). */
export interface TrainedHead {
  head: HeadFile;
  evaluation: Evaluation;
}

/** Index of the largest probability. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

function predictAll(network: Network, x: readonly Float32Array[]): number[] {
  return x.map((vector) => argmax(predictProba(network, vector)));
}

/**
 * Tries each configuration on train, picks the best validation macro-F1, then reports test scores of the
 * weights as stored (rounded), so the committed report describes the committed file.
 */
export function trainHead(
  vectors: readonly Float32Array[],
  spec: HeadSpec,
  log: (message: string) => void = () => undefined,
): TrainedHead {
  const index = new Map(spec.classes.map((label, i) => [label, i]));
  const y = spec.labels.map((label) => {
    const i = index.get(label);
    if (i === undefined) throw new Error(`label "${label}" is not one of the head's classes`);
    return i;
  });
  const pick = (rows: readonly number[]) => ({
    x: rows.map((r) => vectors[r] ?? new Float32Array(0)),
    y: rows.map((r) => y[r] ?? 0),
  });
  const train = pick(spec.split.train);
  const validation = pick(spec.split.validation);
  const test = pick(spec.split.test);
  const selection: ModelCard['selection'] = [];
  let best:
    | { config: HeadConfig; options: TrainOptions; result: ReturnType<typeof trainNetwork>; f1: number }
    | undefined;
  for (const config of spec.grid ?? DEFAULT_GRID) {
    const options: TrainOptions = {
      ...DEFAULT_TRAIN_OPTIONS,
      ...config,
      classes: spec.classes.length,
      seed: spec.seed,
    };
    const result = trainNetwork(train, validation, options);
    const f1 = evaluate(validation.y, predictAll(result.network, validation.x), spec.classes).macroF1;
    selection.push({ config: describeConfig(config), validationMacroF1: round3(f1) });
    log(
      `  ${spec.name}: ${describeConfig(config)} → validation macro-F1 ${f1.toFixed(3)} (epoch ${result.bestEpoch}/${result.epochs})`,
    );
    if (best === undefined || f1 > best.f1) best = { config, options, result, f1 };
  }
  if (best === undefined) throw new Error('empty configuration grid');
  const provisional = toHeadFile(best.result.network, {
    name: spec.name,
    labels: [...spec.classes],
    encoder: spec.encoder,
    card: emptyCard(spec),
  });
  const stored = networkOf(provisional);
  const evaluation = evaluate(test.y, predictAll(stored, test.x), spec.classes);
  const card: ModelCard = {
    ...emptyCard(spec),
    model: {
      kind: best.config.hidden > 0 ? 'mlp' : 'softmax-regression',
      hidden: best.config.hidden,
      l2: best.config.l2,
      learningRate: best.config.learningRate,
      batchSize: best.options.batchSize,
      classWeighting: best.options.classWeighting,
      bestEpoch: best.result.bestEpoch,
      epochs: best.result.epochs,
    },
    selection,
    metrics: {
      test: {
        accuracy: round3(evaluation.accuracy),
        macroF1: round3(evaluation.macroF1),
        weightedF1: round3(evaluation.weightedF1),
        size: evaluation.size,
        perClass: evaluation.perClass.map((m) => ({
          label: m.label,
          precision: round3(m.precision),
          recall: round3(m.recall),
          f1: round3(m.f1),
          support: m.support,
        })),
      },
    },
  };
  return { head: { ...provisional, card }, evaluation };
}

function emptyCard(spec: HeadSpec): ModelCard {
  const card: ModelCard = {
    description: spec.card.description,
    trainedOn: spec.trainedOn,
    data: spec.card.data,
    split: {
      method: spec.splitMethod,
      seed: spec.seed,
      train: spec.split.train.length,
      validation: spec.split.validation.length,
      test: spec.split.test.length,
    },
    model: {
      kind: 'softmax-regression',
      hidden: 0,
      l2: 0,
      learningRate: 0,
      batchSize: 0,
      classWeighting: 'none',
      bestEpoch: 0,
      epochs: 0,
    },
    selection: [],
    metrics: { test: { accuracy: 0, macroF1: 0, weightedF1: 0, size: 0, perClass: [] } },
    caveats: spec.card.caveats,
  };
  if (spec.card.labelMerging !== undefined) card.labelMerging = spec.card.labelMerging;
  return card;
}
