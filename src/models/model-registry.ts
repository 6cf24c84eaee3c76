import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config/config';
import registryJson from './registry.json';

/** The command that (re)builds every local model; quoted in every error about a missing model file. */
export const BUILD_COMMAND = 'npm run models:build';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex sha256');

/** Shape of one registry entry (also validates what the encoder pool hands its workers). */
export const modelEntrySchema = z.object({
  /** Stable name used to key embeddings (together with `version`). */
  name: z.string().min(1),
  /** Bumped whenever the files change in a way that changes vectors. */
  version: z.string().min(1),
  /** Folder under `config.modelDir`. */
  folder: z.string().regex(/^[A-Za-z0-9._-]+$/),
  dim: z.number().int().positive(),
  /** transformers.js dtype, i.e. which `onnx/model_<dtype>.onnx` is loaded. */
  dtype: z.enum(['q4', 'q8', 'int8', 'fp32']),
  source: z.object({ package: z.string(), version: z.string(), wheel: z.string(), sha256 }),
  /** Relative path inside the folder -> sha256 of its bytes. */
  files: z.record(z.string(), sha256).refine((files) => Object.keys(files).length > 0, 'lists no files'),
});

const registrySchema = z.object({ models: z.array(modelEntrySchema).min(1) });

/** One model of the registry: what `npm run models:build` produces and start-up verifies. */
export type ModelEntry = z.infer<typeof modelEntrySchema>;

/** Names of the models in the registry. */
export type ModelName = 'multilingual-e5-small';

/** The model registry (src/models/registry.json), validated. */
export const MODEL_REGISTRY: readonly ModelEntry[] = Object.freeze(registrySchema.parse(registryJson).models);

/** Looks a model up by name; throws for an unknown name so a typo fails loudly. */
export function getModelEntry(name: string): ModelEntry {
  const entry = MODEL_REGISTRY.find((model) => model.name === name);
  if (entry === undefined) {
    throw new Error(`Unknown model "${name}"; src/models/registry.json lists ${listNames()}.`);
  }
  return entry;
}

function listNames(): string {
  return MODEL_REGISTRY.map((model) => model.name).join(', ');
}

/** Absolute folder of a model under the configured model directory. */
export function modelFolder(config: Pick<Config, 'modelDir'>, entry: ModelEntry): string {
  return path.join(config.modelDir, entry.folder);
}

/** sha256 of a file, streamed so a 70 MB graph does not sit in memory twice. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file that is absent or whose checksum differs from the registry. */
export interface ModelFileProblem {
  model: string;
  file: string;
  path: string;
  problem: 'missing' | 'corrupt';
  expected: string;
  actual?: string;
}

/** Checks every file of the given models (default: all) against the registry checksums. */
export async function verifyModels(
  config: Pick<Config, 'modelDir'>,
  names: readonly string[] = MODEL_REGISTRY.map((model) => model.name),
): Promise<ModelFileProblem[]> {
  const problems: ModelFileProblem[] = [];
  for (const name of names) {
    const entry = getModelEntry(name);
    for (const [file, expected] of Object.entries(entry.files)) {
      const full = path.join(modelFolder(config, entry), file);
      if (!existsSync(full)) {
        problems.push({ model: entry.name, file, path: full, problem: 'missing', expected });
        continue;
      }
      const actual = await sha256File(full);
      if (actual !== expected) {
        problems.push({ model: entry.name, file, path: full, problem: 'corrupt', expected, actual });
      }
    }
  }
  return problems;
}

/** Thrown at start-up when a model file is missing or corrupt; the message names each path and the fix. */
export class ModelFilesError extends Error {
  override readonly name = 'ModelFilesError';

  constructor(readonly problems: readonly ModelFileProblem[]) {
    super(describeProblems(problems));
  }
}

/** Human-readable report: one line per bad file, then the command that fixes it. */
export function describeProblems(problems: readonly ModelFileProblem[]): string {
  const lines = problems.map((p) =>
    p.problem === 'missing'
      ? `  missing: ${p.path} (model ${p.model})`
      : `  corrupt: ${p.path} (model ${p.model}; sha256 ${p.actual ?? '?'} instead of ${p.expected})`,
  );
  return `Local model files are not ready:\n${lines.join('\n')}\nRun \`${BUILD_COMMAND}\` to (re)build them.`;
}

/** Verifies the models and throws {@link ModelFilesError} when anything is missing or corrupt. */
export async function assertModelsReady(
  config: Pick<Config, 'modelDir'>,
  names?: readonly string[],
): Promise<void> {
  const problems = await verifyModels(config, names);
  if (problems.length > 0) throw new ModelFilesError(problems);
}
