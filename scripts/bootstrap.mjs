#!/usr/bin/env node
// The two-command entry point (`npm start`, `npm test`). It runs before dependencies exist, so it is
// plain Node with no imports outside the standard library. Each step prints what it does and is skipped
// when already done, so a warm machine starts in seconds.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
const [mode = 'start', ...rest] = process.argv.slice(2);
const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;

function step(title, command, args, env = {}) {
  process.stderr.write(`\n==> ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    process.stderr.write(
      `\n✗ ${title} failed (exit ${result.status ?? result.signal}). Fix the error above and rerun.\n`,
    );
    process.exit(result.status || 1);
  }
}

function installDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  // onnxruntime-node's install script would fetch GPU binaries from the network; the CPU build ships inside.
  step('Installing npm dependencies (npm ci)', 'npm', ['ci', '--no-audit', '--no-fund'], {
    ONNXRUNTIME_NODE_INSTALL: 'skip',
  });
}

function prepare() {
  installDependencies();
  step('Compiling TypeScript', process.execPath, [
    path.join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    'tsconfig.build.json',
  ]);
  step('Starting local services (skipped for REDIS_URL / ELASTICSEARCH_URL)', process.execPath, [
    cli,
    'services',
    'up',
  ]);
  if (scripts['models:build']) step('Building local models (cached)', 'npm', ['run', '-s', 'models:build']);
}

switch (mode) {
  case 'deps':
    installDependencies();
    break;
  case 'test':
    prepare();
    step('Running every test', process.execPath, [
      path.join(root, 'node_modules/jest/bin/jest.js'),
      '--runInBand',
      ...rest,
    ]);
    break;
  case 'start':
    prepare();
    // Idempotent: a second start only counts the demo posts as duplicates and reuses the demo keys.
    step('Loading the synthetic demo week and printing demo API keys', 'npm', ['run', '-s', 'demo']);
    process.stderr.write('\n==> Serving the API and dashboard with pipeline workers (Ctrl+C to stop)\n');
    spawnSync(process.execPath, [cli, 'serve', '--workers', ...rest], { cwd: root, stdio: 'inherit' });
    break;
  default:
    process.stderr.write(`Unknown mode ${mode}: use start, test or deps.\n`);
    process.exit(2);
}
