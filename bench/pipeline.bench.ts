/**
 * `npm run bench:pipeline` — end-to-end import throughput (files → indexed and searchable, models off)
 * against the raw `_bulk` rate of the very same documents, measured in one run on the same machine.
 * Needs the services (`npm run dozor -- services up`). Uses its own index/queue prefix and deletes it.
 */
import { readdirSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import type { Worker } from 'bullmq';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/config';
import { createContext } from '../src/main/context';
import { createPipeline } from '../src/main/pipeline';
import { parseSource } from '../src/pipeline/sources';
import { bulkUpsert } from '../src/store/bulk';
import { deleteKeysWithPrefix } from '../src/store/redis';
import { deleteIndices } from '../src/store/index-manager';
import { INDEX_DEFINITIONS, aliasName } from '../src/store/indices';
import { cpuBetween, cpuPerItem, serviceCpu } from './service-cpu';

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const datasetsDir = loadConfig().datasetsDir;
  const rawDir = path.join(datasetsDir, 'telegram-news', 'raw');
  const files = readdirSync(rawDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => path.join(rawDir, name));
  const prefix = `bench-pipeline-${Date.now().toString(36)}`;
  const context = await createContext({
    env: {
      ...process.env,
      DOZOR_INDEX_PREFIX: prefix,
      DOZOR_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      DOZOR_MODELS: 'off',
    },
  });
  const pipeline = createPipeline(context);
  try {
    log(
      `Machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    );
    log(`Input: ${files.length} files of ${rawDir}`);
    log(`Load average at start: ${loadAverage()}`);

    // End to end: parse → queue → every stage → bulk index → refreshed and searchable.
    const workers = await pipeline.startWorkers();
    const timings = new StageTimings();
    timings.watch(workers.workers);
    const cpuBefore = await serviceCpu(context.es, context.redis);
    const started = process.hrtime.bigint();
    const producer = await pipeline.producer('bench:pipeline');
    for (const file of files)
      for await (const record of parseSource('tg-dump', file, {})) await producer.add(record);
    await producer.flush();
    for (;;) {
      const run = await pipeline.ledger.run(producer.runId);
      if (
        run &&
        run.accepted + run.duplicate + run.rejected === producer.stats.read &&
        run.indexed + run.refused === run.accepted
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await context.posts.refresh();
    const endToEndSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuAfter = await serviceCpu(context.es, context.redis);
    await workers.close();
    const indexed = await context.posts.count();
    const endToEndRate = indexed / endToEndSeconds;
    log(
      `End to end: ${indexed} posts indexed in ${endToEndSeconds.toFixed(2)} s = ${Math.round(endToEndRate)} posts/s`,
    );
    // On 2 cores these three share one budget: their sum per post bounds the rate.
    log(`${cpuPerItem(cpuBetween(cpuBefore, cpuAfter), indexed)} (this process: parse, queue, every stage)`);
    log(await indexingTimes(context.es, prefix));
    log('Stages (wait = queued → picked up, work = picked up → done, busy = work summed over jobs):');
    for (const line of timings.lines()) log(line);

    // Raw bulk: the same documents, read back, written by plain `_bulk` into a fresh index of the same mapping.
    const docs: { id: string }[] = [];
    const scroll = context.es.helpers.scrollDocuments<{ id: string }>({
      index: aliasName(prefix, 'posts'),
      size: 2000,
    });
    for await (const doc of scroll) docs.push(doc);
    const rawIndex = `${prefix}-raw`;
    await context.es.indices.create({
      index: rawIndex,
      settings: { number_of_shards: 1, auto_expand_replicas: '0-1' },
      mappings: INDEX_DEFINITIONS.posts.mappings,
    });
    const rawStarted = process.hrtime.bigint();
    await bulkUpsert(context.es, rawIndex, docs, { maxBytes: context.config.bulkMaxBytes });
    await context.es.indices.refresh({ index: rawIndex });
    const rawSeconds = Number(process.hrtime.bigint() - rawStarted) / 1e9;
    const rawRate = docs.length / rawSeconds;
    log(`Raw _bulk: ${docs.length} documents in ${rawSeconds.toFixed(2)} s = ${Math.round(rawRate)} docs/s`);
    log(`Load average at the end: ${loadAverage()}`);
    log(
      `Ratio end to end / raw bulk: ${(endToEndRate / rawRate).toFixed(2)} (target ≥ 0.5; end to end target ≥ 2,000 posts/s)`,
    );
  } finally {
    await pipeline.close();
    await deleteIndices(context.es, prefix);
    await deleteKeysWithPrefix(context.redis, prefix);
    await context.close();
  }
}

/** Writes and Elasticsearch's indexing time per index: the story records cost about what the posts do. */
async function indexingTimes(es: Client, prefix: string): Promise<string> {
  const stats = await es.indices.stats({ index: `${prefix}-*`, metric: 'indexing' });
  const parts = (['posts', 'stories'] as const).map((name) => {
    const entry = Object.entries(stats.indices ?? {}).find(([index]) =>
      index.startsWith(`${aliasName(prefix, name)}-v`),
    )?.[1];
    const writes = entry?.primaries?.indexing?.index_total ?? 0;
    const ms = entry?.primaries?.indexing?.index_time_in_millis ?? 0;
    return `${name} ${writes} writes, ${(ms / 1000).toFixed(1)} s`;
  });
  return `Elasticsearch indexing time: ${parts.join('; ')}`;
}

/** 1, 5 and 15 minute load averages: figures taken on a shared machine mean little without them. */
function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
}

/** Per stage: how long each job waited in its queue and how long a worker spent on it (BullMQ's timestamps). */
class StageTimings {
  private readonly stats = new Map<string, { jobs: number; wait: number; work: number }>();

  /** Records every job the workers complete, from the job objects they already hold (no extra reads). */
  watch(workers: readonly Worker[]): void {
    for (const worker of workers) {
      worker.on('completed', (job) => {
        const entry = this.stats.get(worker.name) ?? { jobs: 0, wait: 0, work: 0 };
        const picked = job.processedOn ?? job.timestamp;
        entry.jobs++;
        entry.wait += picked - job.timestamp;
        entry.work += (job.finishedOn ?? picked) - picked;
        this.stats.set(worker.name, entry);
      });
    }
  }

  lines(): string[] {
    return [...this.stats].map(([stage, { jobs, wait, work }]) => {
      const n = Math.max(1, jobs);
      return (
        `  ${stage.padEnd(9)} ${String(jobs).padStart(4)} jobs, wait ${Math.round(wait / n)} ms, ` +
        `work ${Math.round(work / n)} ms, busy ${(work / 1000).toFixed(1)} s`
      );
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:pipeline failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
