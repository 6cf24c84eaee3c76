/**
 * `npm run bench:stories` (`npx tsx bench/stories.bench.ts`): story clustering at scale, on the
 * synthetic corpus (scenario `bench`) through the real cluster stage against the real Redis and
 * Elasticsearch, semantic level off.
 *
 * - Fill: posts are clustered in batches by `--workers` concurrent stage loops spread over `--processes`
 *   stage instances (each with its own Redis connection and caches, like separate worker processes whose
 *   concurrent jobs share one handler); the throughput is posts per second of stage time.
 * - Probe: when `N` posts are clustered (each of `--sizes`), the next `--probe` posts are measured twice:
 *   candidate lookup + assignment alone (sketch, the LSH lookup in Redis, verification and decision; read
 *   only), then the full stage on the same posts (which also claims, merges and writes story records).
 *   The cost per post must stay nearly flat as the state grows: the ratio largest/smallest is printed.
 *
 * Options (or env): `--sizes 10000,100000,1000000` (STORIES_BENCH_SIZES), `--probe 2000`
 * (STORIES_BENCH_PROBE), `--batch 250`, `--workers 4 --processes 2` (two `dozor worker` processes at the
 * default `WORKER_CONCURRENCY` of 2 keep four cluster jobs in flight; while one waits on Redis or
 * Elasticsearch another computes). Uses its own prefix and deletes it afterwards.
 * The 1M point takes tens of minutes on 2 cores (generation and analysis of the posts included).
 */
import os from 'node:os';
import { ExemplarCache, decide, type CandidateStory } from '../src/cluster/assign';
import { sketchText } from '../src/cluster/similarity';
import { LIMITS } from '../src/cluster/thresholds';
import type { PostDocument } from '../src/domain/post-document';
import { createContext } from '../src/main/context';
import type { BatchPayload } from '../src/pipeline/jobs';
import { clusterStage } from '../src/pipeline/stages/cluster.stage';
import { deleteIndices } from '../src/store/index-manager';
import { LshRepository } from '../src/store/lsh.repository';
import { closeRedis, createRedis } from '../src/store/redis';
import { StoriesRepository } from '../src/store/stories.repository';
import { bcubed, pairwise } from '../src/cluster/eval/metrics';
import { syntheticPosts } from '../scripts/eval/stories-corpus';
import { NO_CPU, cpuBetween, cpuPerItem, cpuSum, serviceCpu } from './service-cpu';

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function option(name: string, env: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? process.argv[at + 1] : process.env[env];
  return value ?? fallback;
}

const sizes = option('sizes', 'STORIES_BENCH_SIZES', '10000,100000,1000000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0)
  .sort((a, b) => a - b);
const probe = Number(option('probe', 'STORIES_BENCH_PROBE', '2000'));
const batchSize = Number(option('batch', 'STORIES_BENCH_BATCH', '250'));
const workers = Number(option('workers', 'STORIES_BENCH_WORKERS', '4'));
const processes = Number(option('processes', 'STORIES_BENCH_PROCESSES', '2'));

const seconds = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e9;
/** Figures on a shared machine mean little without the load they were taken under. */
const load = (): string =>
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;

interface Point {
  size: number;
  lookupUs: number;
  stageUs: number;
  redisMb: number;
  load: string;
}

async function main(): Promise<void> {
  if (sizes.length === 0 || !(probe > 0) || !(batchSize > 0) || !(workers > 0) || !(processes > 0))
    throw new Error('bad options: --sizes a,b,c --probe N --batch N --workers N --processes N');
  const prefix = `bench-stories-${Date.now().toString(36)}`;
  const context = await createContext({
    env: { ...process.env, DOZOR_INDEX_PREFIX: prefix, DOZOR_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' },
  });
  const limits = {
    ttlSeconds: LIMITS.stateTtlSeconds,
    bucketCap: LIMITS.bucketCap,
    exemplarCap: LIMITS.exemplarsPerStory,
    maxCandidates: LIMITS.maxCandidates,
  };
  const connections = Array.from({ length: Math.min(processes, workers) }, (_, i) =>
    createRedis(context.connections.redisUrl, `bench-stories-${i}`),
  );
  const stages = connections.map((redis) =>
    clusterStage({
      lsh: new LshRepository(redis, prefix, limits),
      stories: new StoriesRepository(context.es, prefix),
      semantic: false,
    }),
  );
  const lsh = new LshRepository(context.redis, prefix, limits);
  const total = (sizes.at(-1) ?? 0) + probe * sizes.length;
  // The bench scenario's density (1M posts over 4 weeks) at every size.
  const days = Math.max(2, Math.ceil((28 * total) / 1_000_000));
  const stream = syntheticPosts({ scenario: 'bench', seed: 'bench-stories', posts: total, days });
  let batchNo = 0;
  // Ground truth of every post fed, to measure the clustering quality at scale at the end.
  const truthOf = new Map<string, { story: string; paraphrase: boolean }>();
  const assigned = new Map<string, string>();
  const record = (outcome: { next: BatchPayload }): void => {
    for (const item of outcome.next.posts) assigned.set(item.post.id, item.doc?.storyId ?? '');
  };
  const nextBatches = (posts: number): BatchPayload[] => {
    const out: BatchPayload[] = [];
    let current: PostDocument[] = [];
    for (let n = 0; n < posts; n++) {
      const next = stream.next();
      if (next.done === true) break;
      current.push(next.value.doc);
      truthOf.set(next.value.doc.id, {
        story: next.value.truth.storyId,
        paraphrase: next.value.truth.copyType === 'paraphrase',
      });
      if (current.length === batchSize) {
        out.push(payload(current));
        current = [];
      }
    }
    if (current.length > 0) out.push(payload(current));
    return out;
  };
  const payload = (docs: PostDocument[]): BatchPayload => ({
    runId: 'bench',
    batchKey: `bench-${batchNo++}`,
    posts: docs.map((doc) => ({ post: doc, doc: { ...doc } })),
    rejects: [],
  });
  const redisMb = async (): Promise<number> => {
    const info = await context.redis.info('memory');
    return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 2 ** 20;
  };

  log(
    `Machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  log(
    `Sizes ${sizes.join(', ')}; probe ${probe} posts; batches of ${batchSize}; ${workers} concurrent stage loop(s) in ${stages.length} process(es); corpus ${total} posts over ${days} days`,
  );
  let clustered = 0;
  let fillPosts = 0;
  let fillSeconds = 0;
  let fillCpu = NO_CPU;
  const points: Point[] = [];
  try {
    for (const size of sizes) {
      // Fill up to `size` posts with concurrent stage loops, in chunks generated outside the timing.
      while (clustered < size) {
        const chunk = nextBatches(Math.min(size - clustered, batchSize * workers * 8));
        if (chunk.length === 0) break;
        const posts = chunk.reduce((n, b) => n + b.posts.length, 0);
        const cpuBefore = await serviceCpu(context.es, context.redis);
        const started = process.hrtime.bigint();
        await Promise.all(
          Array.from({ length: workers }, async (_, loop) => {
            const stage = stages[loop % stages.length];
            if (!stage) throw new Error('no stage');
            for (let job = chunk.shift(); job; job = chunk.shift()) record(await stage(job));
          }),
        );
        fillSeconds += seconds(started);
        fillCpu = cpuSum(fillCpu, cpuBetween(cpuBefore, await serviceCpu(context.es, context.redis)));
        fillPosts += posts;
        const before = Math.floor(clustered / 50_000);
        clustered += posts;
        if (Math.floor(clustered / 50_000) > before || clustered === size)
          log(
            `  clustered ${clustered} posts, ${Math.round(fillPosts / fillSeconds)} posts/s so far, ${load()}`,
          );
      }

      // Probe: lookup + assignment alone, then the full stage on the same posts.
      const batches = nextBatches(probe);
      const probed = batches.reduce((n, b) => n + b.posts.length, 0);
      let lookupSeconds = 0;
      for (const batch of batches) {
        const started = process.hrtime.bigint();
        const docs = batch.posts.flatMap((p) => (p.doc ? [p.doc] : []));
        const sketches = docs.map((d) => sketchText(d.textClean, d.fingerprint));
        const lookups = await lsh.lookup(sketches);
        const cache = new ExemplarCache();
        sketches.forEach((sketch, i) => {
          const found = lookups[i];
          const candidates: CandidateStory[] =
            found?.kind === 'candidates'
              ? found.candidates.map((c) => ({ ...c, rejected: new Set(c.rejected) }))
              : [];
          decide(sketch, found?.kind === 'exact' ? found.storyId : undefined, candidates, [], cache);
        });
        lookupSeconds += seconds(started);
      }
      const stage = stages[0];
      if (!stage) throw new Error('no stage');
      const started = process.hrtime.bigint();
      for (const batch of batches) record(await stage(batch));
      const stageSeconds = seconds(started);
      clustered += probed;
      const point = {
        size,
        lookupUs: (lookupSeconds / probed) * 1e6,
        stageUs: (stageSeconds / probed) * 1e6,
        redisMb: await redisMb(),
        load: load(),
      };
      points.push(point);
      log(
        `  at ${size} posts: lookup + assignment ${point.lookupUs.toFixed(0)} µs/post, full stage ${point.stageUs.toFixed(0)} µs/post (${probed} posts), Redis ${point.redisMb.toFixed(0)} MiB, ${point.load}`,
      );
    }

    log('');
    log(
      '| posts already clustered | lookup + assignment, µs/post | full cluster stage, µs/post | Redis memory | measured at |',
    );
    log('|---|---|---|---|---|');
    for (const p of points)
      log(
        `| ${p.size} | ${p.lookupUs.toFixed(0)} | ${p.stageUs.toFixed(0)} | ${p.redisMb.toFixed(0)} MiB | ${p.load} |`,
      );
    const first = points[0];
    const last = points.at(-1);
    if (first && last && last !== first) {
      log('');
      log(
        `Ratio ${last.size}/${first.size}: lookup + assignment ${(last.lookupUs / first.lookupUs).toFixed(2)}, full stage ${(last.stageUs / first.stageUs).toFixed(2)} (target ≤ 1.5)`,
      );
    }
    // Quality at scale: current stories (after merges) against the ground truth, copies and edits.
    const roots = new Map<string, string>();
    const ids = [...new Set(assigned.values())];
    for (let i = 0; i < ids.length; i += 10_000)
      for (const [id, root] of await lsh.resolve(ids.slice(i, i + 10_000))) roots.set(id, root);
    const items = [...assigned].flatMap(([post, story]) => {
      const truth = truthOf.get(post);
      return truth && !truth.paraphrase ? [{ truth: truth.story, predicted: roots.get(story) ?? story }] : [];
    });
    const pw = pairwise(items);
    const b3 = bcubed(items);
    log(
      `Quality over all ${items.length} originals, reposts and edits: pairwise precision ${pw.precision.toFixed(3)}, recall ${pw.recall.toFixed(3)}, F1 ${pw.f1.toFixed(3)}; purity ${b3.purity.toFixed(3)}, completeness ${b3.completeness.toFixed(3)}`,
    );
    log(
      `Cluster stage throughput (semantic level off, ${workers} concurrent loop(s) in ${stages.length} process(es)): ${Math.round(fillPosts / fillSeconds)} posts/s over ${fillPosts} posts (target ≥ 2000), ${load()}`,
    );
    log(`Over the fill, ${cpuPerItem(fillCpu, fillPosts)} (this process: every stage loop)`);
  } finally {
    for (const redis of connections) await closeRedis(redis);
    await deleteIndices(context.es, prefix);
    // The state of a 1M run is millions of keys: removed in slices, by this prefix only.
    let cursor = '0';
    do {
      const [next, keys] = await context.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length > 0) await context.redis.unlink(...keys);
    } while (cursor !== '0');
    await context.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:stories failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
