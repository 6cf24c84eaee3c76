import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { aptInstall, commandExists, isAlive, run, sleep, waitForExit } from './process';
import { choosePort } from './ports';
import type { ServicesState } from './state';

type RedisState = NonNullable<ServicesState['redis']>;

/**
 * Starts Debian's redis-server on 127.0.0.1 with AOF persistence in `<dataDir>/redis`.
 * Idempotent: a running instance recorded in the state is reused.
 */
export async function startRedis(
  dataDir: string,
  previous: RedisState | undefined,
  log: (line: string) => void,
): Promise<RedisState> {
  if (previous && isAlive(previous.pid) && (await ping(previous.port))) {
    log(`Redis already running at ${previous.url}`);
    return previous;
  }
  if (!commandExists('redis-server')) await aptInstall(['redis-server'], log);
  const dir = path.join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await choosePort(previous?.port ?? 6379);
  const pidFile = path.join(dir, 'redis.pid');
  const logFile = path.join(dir, 'redis.log');
  // AOF with fsync every second: an acknowledged job survives a crash or restart of Redis.
  const result = await run('redis-server', [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'yes',
    '--pidfile',
    pidFile,
    '--logfile',
    logFile,
  ]);
  if (result.code !== 0) throw new Error(`redis-server failed to start: ${result.stderr || result.stdout}`);
  for (let attempt = 0; attempt < 50; attempt++) {
    if (existsSync(pidFile) && (await ping(port))) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      const url = `redis://127.0.0.1:${port}`;
      log(`Redis ready at ${url} (AOF in ${dir})`);
      return { url, pid, port };
    }
    await sleep(100);
  }
  throw new Error(`Redis did not become ready on port ${port}; see ${logFile}`);
}

/** Stops Redis cleanly (SHUTDOWN flushes the AOF) and waits for the process to exit. */
export async function stopRedis(state: RedisState, log: (line: string) => void): Promise<void> {
  if (!isAlive(state.pid)) return;
  await run('redis-cli', ['-p', String(state.port), 'shutdown']);
  if (!(await waitForExit(state.pid, 10_000))) process.kill(state.pid, 'SIGKILL');
  log(`Redis stopped (port ${state.port})`);
}

async function ping(port: number): Promise<boolean> {
  if (!commandExists('redis-cli')) return false;
  const result = await run('redis-cli', ['-p', String(port), 'ping']);
  return result.stdout.trim() === 'PONG';
}

export async function redisStatus(state: RedisState | undefined): Promise<string> {
  if (!state) return 'not started by this project';
  return isAlive(state.pid) && (await ping(state.port))
    ? `running at ${state.url}`
    : `stopped (last at ${state.url})`;
}
