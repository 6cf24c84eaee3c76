import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AutoModel, AutoTokenizer, env } from '@huggingface/transformers';
import type { Config } from '../../config/config';
import {
  HUB_MANIFEST,
  describeProblems,
  getModelEntry,
  hubNotice,
  modelFolder,
  resolveModelEntry,
  sha256File,
  verifyModels,
  type HubManifest,
  type ModelEntry,
} from '../model-registry';
import type { BuildResult, Progress } from './build-models';

/** Which hub repository and file variant stands in for a registry model. */
export interface HubSource {
  repo: string;
  revision: string;
  /** transformers.js dtype of the graph to fetch (`q8` is the hub's `onnx/model_quantized.onnx`). */
  dtype: HubManifest['dtype'];
}

/** The hub counterparts of the registry models: the same encoder, converted and quantized upstream. */
export const HUB_SOURCES: Readonly<Record<string, HubSource>> = {
  'multilingual-e5-small': { repo: 'Xenova/multilingual-e5-small', revision: 'main', dtype: 'q8' },
};

/**
 * Downloads the hub variant of every registry model into its usual folder, once: a folder whose manifest
 * and files still match is left alone. transformers.js does the fetching (its `remoteHost` and path
 * template, i.e. whatever the user's environment points it at) into a scratch cache; whatever it fetched
 * to load the tokenizer and the graph is moved into the model folder, with {@link HUB_MANIFEST} recording
 * each file's sha256 so start-up verification can name a missing or corrupt file. The runtime then loads
 * the folder offline like the converted one.
 */
export async function downloadHubModels(
  config: Pick<Config, 'stateDir' | 'modelDir'>,
  progress: Progress,
  sources: Readonly<Record<string, HubSource>> = HUB_SOURCES,
): Promise<BuildResult[]> {
  const location = { modelDir: config.modelDir, models: { source: 'hub' as const } };
  const results: BuildResult[] = [];
  for (const [name, source] of Object.entries(sources)) {
    const entry = getModelEntry(name);
    const folder = modelFolder(config, entry);
    const started = Date.now();
    if ((await verifyModels(location, [name])).length === 0) {
      progress(`${name}: hub download up to date (${folder})`);
      results.push({ model: name, folder, status: 'up-to-date', seconds: 0, bytes: await bytesOf(folder) });
      continue;
    }
    const scratch = `${folder}.download`;
    rmSync(scratch, { recursive: true, force: true });
    progress(`${name}: downloading ${source.repo} (revision ${source.revision}, dtype ${source.dtype})`);
    await fetchWithTransformers(source, scratch);
    // transformers.js caches the main revision under {repo}/ and any other under {repo}/{revision}/.
    const fetched = path.join(scratch, source.repo, ...(source.revision === 'main' ? [] : [source.revision]));
    const manifest = await manifestOf(entry, source, fetched);
    writeFileSync(path.join(fetched, HUB_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(path.dirname(folder), { recursive: true });
    renameSync(fetched, folder);
    rmSync(scratch, { recursive: true, force: true });
    const remaining = await verifyModels(location, [name]);
    if (remaining.length > 0) throw new Error(describeProblems(remaining));
    const seconds = (Date.now() - started) / 1000;
    const bytes = await bytesOf(folder);
    progress(
      `${name}: downloaded ${Object.keys(manifest.files).length} files in ${seconds.toFixed(1)}s, ` +
        `${(bytes / 1e6).toFixed(1)} MB in ${folder} as version ${manifest.version}`,
    );
    const notice = hubNotice(resolveModelEntry(location, name));
    if (notice !== undefined) progress(notice);
    results.push({ model: name, folder, status: 'built', seconds, bytes });
  }
  return results;
}

/**
 * Loads the tokenizer and the graph from the hub with transformers.js' own download and file cache, so
 * exactly the files it needs land in `cacheDir`. The global `env` is restored afterwards: the runtime
 * embedder must stay offline.
 */
async function fetchWithTransformers(source: HubSource, cacheDir: string): Promise<void> {
  const saved = {
    allowRemoteModels: env.allowRemoteModels,
    allowLocalModels: env.allowLocalModels,
    useFSCache: env.useFSCache,
    cacheDir: env.cacheDir,
  };
  env.allowRemoteModels = true;
  env.allowLocalModels = false;
  env.useFSCache = true;
  env.cacheDir = cacheDir;
  try {
    const options = { revision: source.revision };
    await AutoTokenizer.from_pretrained(source.repo, options);
    const model = await AutoModel.from_pretrained(source.repo, { ...options, dtype: source.dtype });
    await model.dispose();
  } finally {
    Object.assign(env, saved);
  }
}

async function manifestOf(entry: ModelEntry, source: HubSource, folder: string): Promise<HubManifest> {
  if (!existsSync(folder)) throw new Error(`transformers.js fetched nothing into ${folder}`);
  const files: Record<string, string> = {};
  for (const file of listFiles(folder)) files[file] = await sha256File(path.join(folder, file));
  // The version names the content, so a changed upstream file re-keys the vectors instead of mixing them.
  const digest = createHash('sha256');
  for (const [file, sum] of Object.entries(files)) digest.update(`${file}\0${sum}\n`);
  const version = `hub-${source.revision}-${source.dtype}-${digest.digest('hex').slice(0, 12)}`;
  if (version === entry.version) throw new Error(`hub version ${version} collides with the registry's`);
  return {
    repo: source.repo,
    revision: source.revision,
    dtype: source.dtype,
    version,
    fetchedAt: new Date().toISOString(),
    files,
  };
}

/** Relative paths (with `/`) of every file under `root`, sorted so the manifest and version are stable. */
function listFiles(root: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const item of readdirSync(path.join(root, prefix), { withFileTypes: true })) {
    const relative = prefix === '' ? item.name : `${prefix}/${item.name}`;
    if (item.isDirectory()) files.push(...listFiles(root, relative));
    else if (item.isFile()) files.push(relative);
  }
  return files.sort();
}

async function bytesOf(folder: string): Promise<number> {
  let total = 0;
  for (const file of listFiles(folder)) total += (await stat(path.join(folder, file))).size;
  return total;
}
