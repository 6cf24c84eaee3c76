/**
 * Drill 10 (issue 8): soak. A `dozor serve` process and `dozor worker` processes run on a throw-away
 * prefix while posts are pushed through `POST /api/v1/posts` at a steady rate and readers call the API
 * (alerts, post search, stories, emergency board), for a set time. Every sample prints the RSS and heap
 * of each process, the queue depth, the ledger and the errors; the end checks the bounds below and
 * exits 1 when one is broken. Not part of CI (it runs for minutes).
 *
 *   npm run drill:soak                                     # 30 min, 100 posts/s, API 50 req/s, models on
 *   npm run drill:soak -- --minutes 5 --models off         # shortened
 *
 * Bounds: no HTTP error, no request failure, no dead letter, no process exit; every post sent is in the
 * ledger (indexed, duplicate or rejected) once the queues drain; queue depth never above
 * MAX_PENDING_BATCHES + 2 × the pushes in flight (each push checks the back-pressure and then adds its
 * job, and a job handing its batch to the next stage counts twice for an instant); per Dozor process, the lowest RSS of the last fifth of the run at most
 * `--rss-growth-mb` (default 100) above the lowest RSS of the warm-up window (10–30 % of the run), and
 * the same for heap used with `--heap-growth-mb` (default 50). Lowest values, because the garbage
 * collector's saw-tooth makes single samples noisy; a leak raises the floor.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { generate } from '../../datasets/synthetic/generator';
import { createContext } from '../../src/main/context';
import { createPipeline } from '../../src/main/pipeline';
import { listDeadLetters } from '../../src/pipeline/queues';
import { choosePort } from '../../src/provision/ports';
import { readServicesState } from '../../src/provision/state';
import { deleteIndices } from '../../src/store/index-manager';
import { KeysRepository } from '../../src/store/keys.repository';
import { deleteKeysWithPrefix } from '../../src/store/redis';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'posts-per-s': { type: 'string', default: '100' },
    'api-rps': { type: 'string', default: '50' },
    workers: { type: 'string', default: '2' },
    models: { type: 'string', default: 'on' },
    'sample-s': { type: 'string', default: '10' },
    'rss-growth-mb': { type: 'string', default: '100' },
    'heap-growth-mb': { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
  },
});
const MINUTES = Number(args.minutes);
const POSTS_PER_S = Number(args['posts-per-s']);
const API_RPS = Number(args['api-rps']);
const WORKERS = Number(args.workers);
const SAMPLE_MS = Number(args['sample-s']) * 1000;
const MB = 1024 * 1024;
/** Posts per push request: 10 requests/s at 100 posts/s, the rest of the API budget goes to readers. */
const PUSH_BATCH = 10;
/** Concurrent push requests at most (a slow API is not flooded: the rate drops instead). */
const PUSHES_IN_FLIGHT = 20;
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const MEMORY_PRELOAD = path.resolve(__dirname, '..', 'soak-memory.mjs');

interface Child {
  name: string;
  process: ChildProcess;
  memoryFile: string;
}

interface Sample {
  at: number;
  memory: Record<string, { rss: number; heapUsed: number } | undefined>;
  pending: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number): string => (bytes / MB).toFixed(0);

const memoryLine = z.object({ rss: z.number(), heapUsed: z.number() });
const pushReply = z.object({ queued: z.number(), rejected: z.array(z.unknown()) }).partial();

/** The last line of a child's memory file (written every second by scripts/soak-memory.mjs). */
function lastMemory(file: string): { rss: number; heapUsed: number } | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const last = lines[lines.length - 1];
  if (last === undefined || last === '') return undefined;
  return memoryLine.parse(JSON.parse(last));
}

/** RSS of a process not started by the drill (the local Redis and Elasticsearch), from /proc. */
function procRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Latencies and outcomes of API calls, per route kind. */
class ApiStats {
  readonly latencies: number[] = [];
  requests = 0;
  errors = new Map<string, number>();

  record(ms: number, error: string | undefined): void {
    this.requests++;
    this.latencies.push(ms);
    if (error !== undefined) this.errors.set(error, (this.errors.get(error) ?? 0) + 1);
  }

  errorCount(): number {
    return [...this.errors.values()].reduce((sum, n) => sum + n, 0);
  }

  percentile(p: number): number {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  }
}

async function call(
  stats: ApiStats,
  url: string,
  key: string,
  init: { method?: string; body?: string } = {},
): Promise<unknown> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.timeout(30_000),
    });
    const body: unknown = await response.json().catch(() => undefined);
    stats.record(
      performance.now() - started,
      response.ok ? undefined : `HTTP ${response.status} ${new URL(url).pathname}`,
    );
    return body;
  } catch (error) {
    stats.record(performance.now() - started, `request failed: ${String(error)}`.slice(0, 120));
    return undefined;
  }
}

/** Runs `tick` every `intervalMs` on an absolute schedule (no drift), at most `maxInFlight` at once. */
async function paced(
  intervalMs: number,
  until: number,
  maxInFlight: number,
  tick: () => Promise<void>,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let next = Date.now();
  while (Date.now() < until) {
    next += intervalMs;
    if (inFlight.size < maxInFlight) {
      const running = tick().finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
    await sleep(Math.max(0, next - Date.now()));
  }
  await Promise.all(inFlight);
}

function floor(
  samples: readonly Sample[],
  from: number,
  to: number,
  pick: (s: Sample) => number | undefined,
): number {
  const values = samples
    .filter((_, i) => i >= Math.floor(from * samples.length) && i < Math.ceil(to * samples.length))
    .map(pick)
    .filter((v): v is number => v !== undefined);
  return values.length === 0 ? Number.NaN : Math.min(...values);
}

async function main(): Promise<void> {
  const prefix = `soak-${randomBytes(4).toString('hex')}`;
  const env = {
    ...process.env,
    DOZOR_INDEX_PREFIX: prefix,
    DOZOR_QUEUE_PREFIX: prefix,
    DOZOR_MODELS: args.models,
    API_RATE_LIMIT: '1000000',
    LOG_LEVEL: 'warn',
  };
  const context = await createContext({ env: { ...env, LOG_LEVEL: 'silent' } });
  const pipeline = createPipeline(context);
  const keys = new KeysRepository(context.redis, prefix);
  const ingestKey = (await keys.create('soak-ingest', 'ingest')).token;
  const readerKey = (await keys.create('soak-reader', 'analyst')).token;
  const services = readServicesState(context.config.stateDir);
  const port = await choosePort(18_080);
  const base = `http://127.0.0.1:${port}/api/v1`;
  const memoryDir = mkdtempSync(path.join(os.tmpdir(), 'dozor-soak-'));
  const children: Child[] = [];
  const exits: string[] = [];
  const spawnChild = (name: string, cliArgs: string[]): void => {
    const memoryFile = path.join(memoryDir, `${name}.jsonl`);
    const child = spawn(process.execPath, ['--import', MEMORY_PRELOAD, CLI, ...cliArgs], {
      env: { ...env, DOZOR_SOAK_MEMORY_FILE: memoryFile },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('exit', (code, signal) => exits.push(`${name} exited (${code ?? signal ?? '?'})`));
    children.push({ name, process: child, memoryFile });
  };
  spawnChild('api', ['serve', '--port', String(port)]);
  for (let i = 1; i <= WORKERS; i++) spawnChild(`worker${i}`, ['worker']);

  const totalPosts = Math.round(MINUTES * 60 * POSTS_PER_S);
  const stream = generate({ scenario: 'bench', seed: prefix, posts: totalPosts });
  const stats = { push: new ApiStats(), read: new ApiStats() };
  const samples: Sample[] = [];
  let sent = 0;
  let queued = 0;
  let rejectedAtPush = 0;
  let maxPending = 0;
  try {
    const readyBy = Date.now() + 120_000;
    while (
      !(await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > readyBy) throw new Error('the API did not become ready in 120 s');
      await sleep(500);
    }
    process.stdout.write(
      `soak ${prefix}: ${MINUTES} min, ${POSTS_PER_S} posts/s, API ${API_RPS} req/s ` +
        `(${POSTS_PER_S / PUSH_BATCH} push + ${API_RPS - POSTS_PER_S / PUSH_BATCH} reads), ` +
        `${WORKERS} worker process(es), models ${args.models}; load average ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}\n`,
    );
    const started = Date.now();
    const until = started + MINUTES * 60_000;

    const push = paced(1000 / (POSTS_PER_S / PUSH_BATCH), until, PUSHES_IN_FLIGHT, async () => {
      const posts = [];
      for (let i = 0; i < PUSH_BATCH; i++) {
        const next = stream.next();
        if (next.done === true) break;
        posts.push(next.value.post);
      }
      if (posts.length === 0) return;
      sent += posts.length;
      const reply = pushReply.safeParse(
        await call(stats.push, `${base}/posts`, ingestKey, {
          method: 'POST',
          body: JSON.stringify({ source: 'soak', posts }),
        }),
      );
      queued += reply.data?.queued ?? 0;
      rejectedAtPush += reply.data?.rejected?.length ?? 0;
    });
    const readPaths = [
      '/alerts?limit=20',
      '/posts?q=%D0%B2%D0%BE%D0%B4%D0%B0&limit=20',
      '/stories?limit=20',
      '/emergencies',
      '/posts?limit=20',
    ];
    let r = 0;
    const read = paced(1000 / (API_RPS - POSTS_PER_S / PUSH_BATCH), until, 40, async () => {
      await call(stats.read, `${base}${readPaths[r++ % readPaths.length] ?? ''}`, readerKey);
    });

    const sampler = (async () => {
      while (Date.now() < until) {
        await sleep(Math.min(SAMPLE_MS, Math.max(0, until - Date.now())));
        const memory: Sample['memory'] = {};
        for (const child of children) memory[child.name] = lastMemory(child.memoryFile);
        const pending = await pipeline.pending();
        maxPending = Math.max(maxPending, pending);
        samples.push({ at: Date.now(), memory, pending });
        const ledger = await pipeline.ledger.counts();
        const mem = children
          .map((c) => `${c.name} ${mb(memory[c.name]?.rss ?? 0)}/${mb(memory[c.name]?.heapUsed ?? 0)}`)
          .join(' ');
        const es = procRss(services.elasticsearch?.pid);
        const redis = procRss(services.redis?.pid);
        process.stdout.write(
          `${((Date.now() - started) / 60_000).toFixed(1).padStart(5)} min | sent ${sent} indexed ${ledger.indexed} ` +
            `| queue ${pending} | RSS/heap MB ${mem}` +
            `${es === undefined ? '' : ` es ${mb(es)}`}${redis === undefined ? '' : ` redis ${mb(redis)}`} ` +
            `| errors ${stats.push.errorCount() + stats.read.errorCount()} | p99 read ${stats.read.percentile(99).toFixed(0)} ms ` +
            `| load ${os.loadavg()[0]?.toFixed(1) ?? '?'}\n`,
        );
      }
    })();
    await Promise.all([push, read, sampler]);

    // Drain: every post sent must end up accounted for.
    const drainBy = Date.now() + 300_000;
    for (;;) {
      const ledger = await pipeline.ledger.counts();
      const settled = ledger.queued === 0 && (await pipeline.pending()) === 0;
      if (settled || Date.now() > drainBy) break;
      await sleep(1000);
    }
    const ledger = await pipeline.ledger.counts();
    const deadLetters = (await listDeadLetters(pipeline.queues, 1000)).length;
    const accounted = ledger.indexed + ledger.duplicate + ledger.rejected + ledger.refused;

    const problems: string[] = [];
    const errors = new Map([...stats.push.errors, ...stats.read.errors]);
    if (errors.size > 0) problems.push(`API errors: ${JSON.stringify(Object.fromEntries(errors))}`);
    if (deadLetters > 0) problems.push(`${deadLetters} dead letter(s)`);
    if (exits.length > 0) problems.push(exits.join(', '));
    // Rejects at the push (schema, validation) are ledger rejects too.
    if (accounted !== sent || ledger.queued !== 0) {
      problems.push(`ledger: ${JSON.stringify(ledger)} accounts for ${accounted} of ${sent} sent`);
    }
    const depthBound = context.config.pipeline.maxPendingBatches + 2 * PUSHES_IN_FLIGHT;
    if (maxPending > depthBound) problems.push(`queue depth ${maxPending} > ${depthBound}`);
    process.stdout.write(`\nmemory per process (MB): warm-up floor → last-fifth floor (growth, bound)\n`);
    for (const child of children) {
      for (const [kind, bound] of [
        ['rss', Number(args['rss-growth-mb'])],
        ['heapUsed', Number(args['heap-growth-mb'])],
      ] as const) {
        const warm = floor(samples, 0.1, 0.3, (s) => s.memory[child.name]?.[kind]);
        const end = floor(samples, 0.8, 1, (s) => s.memory[child.name]?.[kind]);
        const growth = (end - warm) / MB;
        process.stdout.write(
          `  ${child.name} ${kind}: ${mb(warm)} → ${mb(end)} (${growth.toFixed(1)}, ≤ ${bound})\n`,
        );
        if (!(growth <= bound))
          problems.push(`${child.name} ${kind} grew ${growth.toFixed(1)} MB > ${bound}`);
      }
    }
    const minutes = (Date.now() - started) / 60_000;
    process.stdout.write(
      `\nsent ${sent} posts (${(sent / (MINUTES * 60)).toFixed(1)}/s), queued ${queued}, rejected at push ${rejectedAtPush}, ledger ${JSON.stringify(ledger)}\n` +
        `API: ${stats.push.requests} pushes (p50 ${stats.push.percentile(50).toFixed(0)} ms, p99 ${stats.push.percentile(99).toFixed(0)} ms), ` +
        `${stats.read.requests} reads (p50 ${stats.read.percentile(50).toFixed(0)} ms, p99 ${stats.read.percentile(99).toFixed(0)} ms)\n` +
        `max queue depth ${maxPending} jobs (bound ${depthBound}); dead letters ${deadLetters}; ${minutes.toFixed(1)} min with drain; ` +
        `load average ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}\n` +
        (sent < 0.95 * MINUTES * 60 * POSTS_PER_S
          ? `note: the push rate was held below ${POSTS_PER_S}/s by back-pressure (the pipeline's pace here)\n`
          : '') +
        (problems.length === 0 ? 'PASS: every bound held\n' : `FAIL:\n  ${problems.join('\n  ')}\n`),
    );
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    for (const child of children) child.process.kill('SIGTERM');
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.process.exitCode !== null || child.process.signalCode !== null) resolve();
            else
              child.process.once('exit', () => {
                resolve();
              });
          }),
      ),
    );
    rmSync(memoryDir, { recursive: true, force: true });
    await pipeline.close();
    if (!args.keep) {
      await deleteIndices(context.es, prefix);
      await deleteKeysWithPrefix(context.redis, prefix);
    }
    await context.close();
  }
}

void main();
