import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { Network } from './trainer';

/** The encoder a head was trained on; vectors of any other encoder or version mean nothing to it. */
export const encoderIdentitySchema = z.object({
  model: z.string().min(1),
  version: z.string().min(1),
  dim: z.number().int().positive(),
  /** e5 side the training texts were embedded on; callers must embed on the same side. */
  kind: z.enum(['query', 'passage']),
  /** Token budget of the training embeddings (longer texts were truncated). */
  maxTokens: z.number().int().positive(),
});
export type HeadEncoder = z.infer<typeof encoderIdentitySchema>;

const metricsSchema = z.object({
  accuracy: z.number(),
  macroF1: z.number(),
  weightedF1: z.number(),
  size: z.number().int(),
  perClass: z.array(
    z.object({
      label: z.string(),
      precision: z.number(),
      recall: z.number(),
      f1: z.number(),
      support: z.number(),
    }),
  ),
});

/** What a reader needs to trust (or distrust) a head: data, split, settings, scores, caveats. */
export const modelCardSchema = z.object({
  description: z.string(),
  /** Day of training (UTC); the weights depend only on data and seed. */
  trainedOn: z.string(),
  data: z.object({
    dataset: z.string(),
    /** Path under `config.datasetsDir`. */
    path: z.string(),
    rows: z.number().int(),
    labelColumn: z.string(),
    preprocessing: z.array(z.string()),
  }),
  split: z.object({
    method: z.string(),
    seed: z.number().int(),
    train: z.number().int(),
    validation: z.number().int(),
    test: z.number().int(),
  }),
  labelMerging: z
    .object({
      minCount: z.number().int(),
      otherLabel: z.string(),
      mergedClasses: z.number().int(),
      mergedRows: z.number().int(),
    })
    .optional(),
  model: z.object({
    kind: z.enum(['softmax-regression', 'mlp']),
    hidden: z.number().int(),
    l2: z.number(),
    learningRate: z.number(),
    batchSize: z.number().int(),
    classWeighting: z.string(),
    bestEpoch: z.number().int(),
    epochs: z.number().int(),
  }),
  /** Validation macro-F1 of every configuration tried; the best one was kept. */
  selection: z.array(z.object({ config: z.string(), validationMacroF1: z.number() })),
  metrics: z.object({ test: metricsSchema }),
  caveats: z.array(z.string()),
});
export type ModelCard = z.infer<typeof modelCardSchema>;

const layerSchema = z.object({
  inputs: z.number().int().positive(),
  outputs: z.number().int().positive(),
  weights: z.array(z.number()),
  bias: z.array(z.number()),
});

/** A trained head as stored in `src/models/heads/<name>.json`. */
export const headFileSchema = z
  .object({
    format: z.literal('dozor-head/1'),
    name: z.string().min(1),
    labels: z.array(z.string()).min(2),
    encoder: encoderIdentitySchema,
    mean: z.array(z.number()),
    scale: z.array(z.number()),
    layers: z.array(layerSchema).min(1),
    card: modelCardSchema,
  })
  .superRefine((head, ctx) => {
    let inputs = head.encoder.dim;
    if (head.mean.length !== inputs || head.scale.length !== inputs) {
      ctx.addIssue({ code: 'custom', message: `mean/scale must have ${inputs} values` });
    }
    head.layers.forEach((layer, l) => {
      if (
        layer.inputs !== inputs ||
        layer.weights.length !== layer.inputs * layer.outputs ||
        layer.bias.length !== layer.outputs
      ) {
        ctx.addIssue({ code: 'custom', message: `layer ${l} has inconsistent shapes` });
      }
      inputs = layer.outputs;
    });
    if (inputs !== head.labels.length) {
      ctx.addIssue({
        code: 'custom',
        message: `last layer has ${inputs} outputs for ${head.labels.length} labels`,
      });
    }
  });
export type HeadFile = z.infer<typeof headFileSchema>;

/** Rounds to `digits` significant digits: 4 keep predictions intact and the JSON small enough to commit. */
export function roundSignificant(value: number, digits = 4): number {
  return value === 0 || !Number.isFinite(value) ? 0 : Number(value.toPrecision(digits));
}

function rounded(values: Float32Array, digits: number): number[] {
  return Array.from(values, (v) => roundSignificant(v, digits));
}

/** Network + metadata → the stored form (weights rounded). */
export function toHeadFile(
  network: Network,
  meta: { name: string; labels: string[]; encoder: HeadEncoder; card: ModelCard },
  digits = 4,
): HeadFile {
  return {
    format: 'dozor-head/1',
    name: meta.name,
    labels: meta.labels,
    encoder: meta.encoder,
    mean: rounded(network.mean, digits),
    scale: rounded(network.scale, digits),
    layers: network.layers.map((layer) => ({
      inputs: layer.inputs,
      outputs: layer.outputs,
      weights: rounded(layer.weights, digits),
      bias: rounded(layer.bias, digits),
    })),
    card: meta.card,
  };
}

/** The stored form → a network ready for {@link predictProba}. */
export function networkOf(head: HeadFile): Network {
  return {
    mean: Float32Array.from(head.mean),
    scale: Float32Array.from(head.scale),
    layers: head.layers.map((layer) => ({
      inputs: layer.inputs,
      outputs: layer.outputs,
      weights: Float32Array.from(layer.weights),
      bias: Float32Array.from(layer.bias),
    })),
  };
}

/** Parses and validates a head; the error names the file. */
export function parseHeadFile(json: unknown, source: string): HeadFile {
  const parsed = headFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `head file ${source} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

export function readHeadFile(file: string): HeadFile {
  return parseHeadFile(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** Writes a head as compact JSON with one top-level field per line (diffs stay readable). */
export function writeHeadFile(file: string, head: HeadFile): void {
  const lines = Object.entries(head).map(([key, value]) =>
    key === 'card' ? `"card": ${JSON.stringify(value, null, 2)}` : `"${key}": ${JSON.stringify(value)}`,
  );
  writeFileSync(file, `{\n${lines.join(',\n')}\n}\n`);
}
