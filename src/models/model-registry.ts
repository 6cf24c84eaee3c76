import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config/config';
import registryJson from './registry.json';

/** The command that (re)builds every local model; quoted in every error about a missing model file. */
export const BUILD_COMMAND = 'npm run models:build';

/** The command that downloads the hub variant of the models instead (opt-in, needs internet once). */
export const HUB_BUILD_COMMAND = `${BUILD_COMMAND} -- --source hub`;

/** Written by the hub download into the model folder: what was fetched, from where, with checksums. */
export const HUB_MANIFEST = 'dozor-hub.json';

/** Where a model folder comes from (`DOZOR_MODEL_SOURCE`); `offline` is the registry's own build. */
export type ModelSource = 'offline' | 'hub';

/** The parts of the config that locate a model folder; `models.source` defaults to `offline`. */
export type ModelLocation = Pick<Config, 'modelDir'> & { models?: Pick<Config['models'], 'source'> };

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex sha256');
const dtype = z.enum(['q4', 'q8', 'int8', 'fp32']);
const fileChecksums = z
  .record(z.string(), sha256)
  .refine((files) => Object.keys(files).length > 0, 'lists no files');

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
  dtype,
  source: z.object({ package: z.string(), version: z.string(), wheel: z.string(), sha256 }),
  /** Relative path inside the folder -> sha256 of its bytes. */
  files: fileChecksums,
  /** Set when the folder was downloaded from the hub; `source` then still names the offline build. */
  hub: z.object({ repo: z.string(), revision: z.string(), offlineVersion: z.string() }).optional(),
});

/** Contents of {@link HUB_MANIFEST}. */
export const hubManifestSchema = z.object({
  repo: z.string().min(1),
  revision: z.string().min(1),
  dtype,
  /** Never equal to the registry version: vectors are keyed by model@version. */
  version: z.string().startsWith('hub-'),
  fetchedAt: z.string(),
  /** Every file fetched (relative path -> sha256); the manifest itself is not listed. */
  files: fileChecksums,
});

/** What a hub download recorded. */
export type HubManifest = z.infer<typeof hubManifestSchema>;

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

/**
 * The entry the runtime loads for the configured source: the registry entry itself offline; for the hub,
 * the registry entry with the version, dtype and checksums recorded by the download. Throws
 * {@link ModelFilesError} when the hub folder has no readable manifest.
 */
export function resolveModelEntry(config: ModelLocation, name: string): ModelEntry {
  const entry = getModelEntry(name);
  if (sourceOf(config) === 'offline') return entry;
  const manifest = readHubManifest(config, entry);
  if ('problem' in manifest) throw new ModelFilesError([manifest]);
  return hubEntry(entry, manifest);
}

/** The registry entry as seen through a hub manifest. */
export function hubEntry(entry: ModelEntry, manifest: HubManifest): ModelEntry {
  return {
    ...entry,
    version: manifest.version,
    dtype: manifest.dtype,
    files: manifest.files,
    hub: { repo: manifest.repo, revision: manifest.revision, offlineVersion: entry.version },
  };
}

function sourceOf(config: ModelLocation): ModelSource {
  return config.models?.source ?? 'offline';
}

function readHubManifest(config: ModelLocation, entry: ModelEntry): HubManifest | ModelFileProblem {
  const file = path.join(modelFolder(config, entry), HUB_MANIFEST);
  const problem = { model: entry.name, file: HUB_MANIFEST, path: file, source: 'hub' as const };
  if (!existsSync(file)) return { ...problem, problem: 'missing', expected: 'a hub download manifest' };
  try {
    return hubManifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return { ...problem, problem: 'corrupt', expected: 'a valid hub download manifest', actual: reason };
  }
}

/**
 * Start-up notice for a hub folder: its vectors come from another conversion of the same encoder, while
 * the trained heads and zero-shot thresholds were fitted on the offline build.
 */
export function hubNotice(entry: ModelEntry): string | undefined {
  if (entry.hub === undefined) return undefined;
  return (
    `model ${entry.name}@${entry.version} was downloaded from the hub (${entry.hub.repo}, revision ` +
    `${entry.hub.revision}). The trained heads and zero-shot thresholds were fitted on the offline build ` +
    `${entry.name}@${entry.hub.offlineVersion}; their scores on these vectors are not calibrated. ` +
    `Unset DOZOR_MODEL_SOURCE and run \`${BUILD_COMMAND}\` for the evaluated setup.`
  );
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
  /** `hub` when the fix is the hub download; absent for the offline build. */
  source?: ModelSource;
}

/**
 * Checks every file of the given models (default: all) against the registry checksums, or, for the hub
 * source, against the checksums its download recorded.
 */
export async function verifyModels(
  config: ModelLocation,
  names: readonly string[] = MODEL_REGISTRY.map((model) => model.name),
): Promise<ModelFileProblem[]> {
  const problems: ModelFileProblem[] = [];
  for (const name of names) {
    let entry = getModelEntry(name);
    if (sourceOf(config) === 'hub') {
      const manifest = readHubManifest(config, entry);
      if ('problem' in manifest) {
        problems.push(manifest);
        continue;
      }
      entry = hubEntry(entry, manifest);
    }
    const source = entry.hub === undefined ? {} : { source: 'hub' as const };
    for (const [file, expected] of Object.entries(entry.files)) {
      const full = path.join(modelFolder(config, entry), file);
      if (!existsSync(full)) {
        problems.push({ model: entry.name, file, path: full, problem: 'missing', expected, ...source });
        continue;
      }
      const actual = await sha256File(full);
      if (actual !== expected) {
        problems.push({
          model: entry.name,
          file,
          path: full,
          problem: 'corrupt',
          expected,
          actual,
          ...source,
        });
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
  const command = problems.some((p) => p.source === 'hub') ? HUB_BUILD_COMMAND : BUILD_COMMAND;
  return `Local model files are not ready:\n${lines.join('\n')}\nRun \`${command}\` to (re)build them.`;
}

/**
 * Verifies the models and throws {@link ModelFilesError} when anything is missing or corrupt; a hub folder
 * that passes gets a process warning at start-up (see {@link hubNotice}).
 */
export async function assertModelsReady(config: ModelLocation, names?: readonly string[]): Promise<void> {
  const problems = await verifyModels(config, names);
  if (problems.length > 0) throw new ModelFilesError(problems);
  for (const name of names ?? MODEL_REGISTRY.map((model) => model.name)) {
    const notice = hubNotice(resolveModelEntry(config, name));
    if (notice !== undefined) process.emitWarning(notice, 'DozorModelSource');
  }
}
