import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';

/** Result of a finished child process. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing output. Never throws for a non-zero exit: callers decide. */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** True when `command` resolves on PATH. */
export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** True when the process with this pid is alive (signal 0 probes without delivering anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to another user (Elasticsearch runs as its own user).
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `pid` exits, up to `timeoutMs`; returns whether it exited. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(200);
  }
  return !isAlive(pid);
}

/** Installs Debian packages when running as root; otherwise explains the fix. */
export async function aptInstall(packages: string[], log: (line: string) => void): Promise<void> {
  if (!isRoot()) {
    throw new Error(
      `Missing ${packages.join(', ')}. Install with: sudo apt-get install -y ${packages.join(' ')}`,
    );
  }
  log(`Installing ${packages.join(', ')} with apt-get (first run only)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = await run('apt-get', ['update', '-qq'], { env });
  if (update.code !== 0) throw new Error(`apt-get update failed:\n${update.stderr}`);
  const install = await run('apt-get', ['install', '-y', '-qq', ...packages], { env });
  if (install.code !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed:\n${install.stderr}`);
}
