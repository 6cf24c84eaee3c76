/**
 * `npx tsx bench/alerts.bench.ts [--seeds 3] [--rate 50]`: alert latency and false alerts through the
 * live pipeline (BullMQ workers for every stage, models as configured, the HTTP API on a free port),
 * against the local Redis and Elasticsearch under a throw-away prefix.
 *
 * 1. Latency: synthetic demo weeks (3 fake campaigns and 3 emergencies each) are pushed at `--rate`
 *    posts/s in requests of 10 posts, the way the push API receives them, with their publication times
 *    shifted to end now. The API's alert list is polled every 100 ms; an alert's latency is the time
 *    from the acceptance of the post that triggered it (`triggerPostAt`) to its first appearance there.
 *    Polling goes on until the pipeline has drained, so a backlog (the stages slower than the stream)
 *    shows in the latency instead of hiding the alerts it delays. Load averages are printed with each
 *    figure.
 * 2. False alerts: a synthetic week with no incident (`quiet-week`), pushed as fast as the pipeline
 *    takes it; every alert raised is false.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { z } from 'zod';
import type { Emitted } from '../datasets/synthetic/generator';
import type { Source } from '../datasets/synthetic/sources';
import { scenarioPosts } from '../scripts/eval/alerts-replay';
import type { AlertDocument } from '../src/alerts/alert';
import { registerSources } from '../src/alerts/registries';
import type { SourceKind } from '../src/alerts/registry';
import { postFromInput, postInputSchema } from '../src/domain/post-input';
import { loadConfig } from '../src/config/config';
import { startApi } from '../src/main/api';
import { createContext, type Context } from '../src/main/context';
import { createPipeline } from '../src/main/pipeline';
import { AlertsRepository } from '../src/store/alerts.repository';
import { deleteIndices } from '../src/store/index-manager';
import { KeysRepository } from '../src/store/keys.repository';
import { SourcesRepository } from '../src/store/sources.repository';

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i < 0 ? Number.NaN : Number(process.argv[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** The 1-, 5- and 15-minute load averages: figures on a shared machine mean little without them. */
const load = (): string =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const REQUEST = 10;

const REGISTERED: Readonly<Partial<Record<Source['kind'], SourceKind>>> = {
  official: 'official',
  media: 'media',
  community: 'community',
  anonymous: 'anonymous',
};

const listedSchema = z.object({
  items: z.array(z.object({ id: z.string(), type: z.string(), title: z.string() })),
});
type ListedAlert = z.infer<typeof listedSchema>['items'][number];

/** Publication times shifted so the stream ends now (posts must not be from the future). */
function shifted(posts: readonly Emitted[], endsAt: number): Emitted[] {
  const times = posts.map((e) => Date.parse(String(e.post.publishedAt)));
  const last = Math.max(...times);
  return posts.map((e, i) => ({
    ...e,
    post: { ...e.post, publishedAt: new Date((times[i] ?? last) - last + endsAt).toISOString() },
  }));
}

async function withPipeline<T>(
  label: string,
  run: (env: {
    context: Context;
    push: (posts: readonly Emitted[]) => Promise<void>;
    alerts: () => Promise<ListedAlert[]>;
    /** The stored alert (the API does not show which post triggered it). */
    alert: (id: string) => Promise<AlertDocument | undefined>;
    pending: () => Promise<number>;
  }) => Promise<T>,
  sources: readonly Source[],
): Promise<T> {
  const prefix = `bench-alerts-${label}-${Date.now().toString(36)}`;
  const context = await createContext({
    env: {
      ...process.env,
      DOZOR_INDEX_PREFIX: prefix,
      DOZOR_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      API_RATE_LIMIT: '1000000',
    },
  });
  const pipeline = createPipeline(context);
  const workers = await pipeline.startWorkers();
  const server = await startApi(context, pipeline, 0);
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? (address satisfies AddressInfo).port : 0;
  const base = `http://127.0.0.1:${port}/api/v1`;
  const { token } = await new KeysRepository(context.redis, context.config.queuePrefix).create(
    'bench',
    'analyst',
  );
  const headers = { authorization: `Bearer ${token}` };
  const alerts = new AlertsRepository(context.es, context.config.indexPrefix);
  try {
    await registerSources(
      { sources: new SourcesRepository(context.es, context.config.indexPrefix) },
      sources.flatMap((s) => {
        const kind = REGISTERED[s.kind];
        return kind === undefined
          ? []
          : [
              {
                platform: s.platform,
                channel: s.channel,
                title: s.channelTitle,
                kind,
                region: s.region.name,
                firstSeenAt: new Date(s.createdAt).toISOString(),
              },
            ];
      }),
      'bench',
    );
    const get = async (path: string): Promise<unknown> => {
      const response = await fetch(`${base}${path}`, { headers });
      if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
      return response.json();
    };
    return await run({
      context,
      async push(posts) {
        const producer = await pipeline.producer('bench:alerts');
        for (const e of posts)
          await producer.add({ kind: 'post', post: postFromInput(postInputSchema.parse(e.post)) });
        await producer.flush();
      },
      async alerts() {
        return listedSchema.parse(await get('/alerts?limit=100')).items;
      },
      async alert(id) {
        return (await alerts.get(id))?.doc;
      },
      pending: () => pipeline.pending(),
    });
  } finally {
    server.close();
    await workers.close();
    await pipeline.close();
    await deleteIndices(context.es, prefix);
    const keys = await context.redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 1000) await context.redis.del(...keys.slice(i, i + 1000));
    await context.close();
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function latencyRun(
  seed: string,
  rate: number,
): Promise<{ latencies: number[]; alerts: number; seconds: number; drained: number }> {
  const { posts: raw, sources } = scenarioPosts({ scenario: 'demo', seed });
  const posts = shifted(raw, Date.now() - 60_000);
  return withPipeline(
    seed,
    async ({ push, alerts, alert, pending }) => {
      // Acceptance time of each publication time (several posts may share one).
      const acceptedAt = new Map<string, number>();
      const seen = new Map<string, number>();
      const state = { pushing: true };
      const poller = (async () => {
        while (state.pushing) {
          for (const a of await alerts()) if (!seen.has(a.id)) seen.set(a.id, Date.now());
          await sleep(100);
        }
      })();
      const started = Date.now();
      for (let i = 0; i < posts.length; i += REQUEST) {
        const slice = posts.slice(i, i + REQUEST);
        const due = started + (i / rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
        const now = Date.now();
        for (const e of slice) acceptedAt.set(new Date(String(e.post.publishedAt)).toISOString(), now);
        await push(slice);
      }
      const seconds = (Date.now() - started) / 1000;
      // Wait until the pipeline has drained (a backlog is part of the latency), then poll a little more.
      while ((await pending()) > 0) await sleep(200);
      const drained = (Date.now() - started) / 1000;
      await sleep(3000);
      state.pushing = false;
      await poller;
      const latencies: number[] = [];
      for (const [id, visibleAt] of seen) {
        const detail = await alert(id);
        if (detail === undefined || detail.type === 'trend' || detail.triggerPostAt === undefined) continue;
        const accepted = acceptedAt.get(new Date(detail.triggerPostAt).toISOString());
        if (accepted !== undefined) latencies.push(visibleAt - accepted);
      }
      return { latencies, alerts: seen.size, seconds, drained };
    },
    sources,
  );
}

async function falseAlertRun(): Promise<{
  posts: number;
  byType: Record<string, number>;
  titles: string[];
  seconds: number;
}> {
  const { posts: raw, sources } = scenarioPosts({ scenario: 'quiet-week', seed: 'bench-quiet' });
  const posts = shifted(raw, Date.now() - 60_000);
  return withPipeline(
    'quiet',
    async ({ push, alerts, pending }) => {
      const started = Date.now();
      for (let i = 0; i < posts.length; i += 50) await push(posts.slice(i, i + 50));
      while ((await pending()) > 0) await sleep(200);
      await sleep(2000);
      const listed = await alerts();
      const byType: Record<string, number> = { fake: 0, emergency: 0, trend: 0 };
      for (const a of listed) byType[a.type] = (byType[a.type] ?? 0) + 1;
      return {
        posts: posts.length,
        byType,
        titles: listed.map((a) => `${a.type}: ${a.title}`),
        seconds: (Date.now() - started) / 1000,
      };
    },
    sources,
  );
}

const latencyResultSchema = z.object({
  latencies: z.array(z.number()),
  alerts: z.number(),
  seconds: z.number(),
  drained: z.number(),
});
const quietResultSchema = z.object({
  posts: z.number(),
  byType: z.record(z.string(), z.number()),
  titles: z.array(z.string()),
  seconds: z.number(),
});
const RESULT = 'RESULT ';

/**
 * Runs one measurement in a process of its own and returns what it printed after `RESULT `: a second
 * pipeline with its own encoder pool in one process ended in a segmentation fault of the ONNX runtime
 * (exit 139) after the first run, and a fresh process also starts each run from the same cold state.
 */
function inChild<T>(args: readonly string[], schema: z.ZodType<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT));
      if (code !== 0 || line === undefined) {
        reject(new Error(`bench run ${args.join(' ')} exited with ${code ?? 'a signal'}: ${out}`));
        return;
      }
      resolve(schema.parse(JSON.parse(line.slice(RESULT.length))));
    });
  });
}

async function main(): Promise<void> {
  const seeds = arg('seeds', 3);
  const rate = arg('rate', 50);
  const runIndex = process.argv.indexOf('--run');
  if (runIndex >= 0) {
    const [kind, seed] = (process.argv[runIndex + 1] ?? '').split(':');
    const result =
      kind === 'quiet' ? await falseAlertRun() : await latencyRun(seed ?? 'bench-alerts-1', rate);
    log(`${RESULT}${JSON.stringify(result)}`);
    return;
  }
  log(
    `Machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
      `models ${loadConfig().models.enabled ? 'on' : 'off'}`,
  );
  const latencies: number[] = [];
  for (let s = 0; s < seeds; s++) {
    const run = await inChild(
      ['--run', `latency:bench-alerts-${s + 1}`, '--rate', String(rate)],
      latencyResultSchema,
    );
    latencies.push(...run.latencies);
    log(
      `demo week #${s + 1}: pushed at ${rate} posts/s for ${run.seconds.toFixed(0)} s, drained after ` +
        `${run.drained.toFixed(0)} s, ${run.alerts} alerts (load ${load()}), ` +
        `latencies ${run.latencies.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`,
    );
  }
  log(
    `Latency from post accepted to alert visible through the API at ${rate} posts/s (fake + emergency, ${latencies.length} alerts): ` +
      `p50 ${(percentile(latencies, 50) / 1000).toFixed(2)} s, p95 ${(percentile(latencies, 95) / 1000).toFixed(2)} s, ` +
      `max ${(Math.max(...latencies) / 1000).toFixed(2)} s (load ${load()})`,
  );
  const quiet = await inChild(['--run', 'quiet'], quietResultSchema);
  log(
    `Quiet week (${quiet.posts} posts, no incident, ${quiet.seconds.toFixed(0)} s): false alerts — ` +
      `emergency ${quiet.byType['emergency'] ?? 0}, fake ${quiet.byType['fake'] ?? 0}, trend ${quiet.byType['trend'] ?? 0}` +
      (quiet.titles.length > 0 ? ` (${quiet.titles.join('; ')})` : '') +
      ` (load ${load()})`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
