/**
 * `npm run bench:models`: the local encoder and the enrich stage. Prints figures, asserts nothing.
 *
 * 1. Throughput at 128-token inputs, batch 1, 8 and 32: our encoder (worker pool, tokenization and pooling
 *    included, production defaults) against a bare onnxruntime-node session with the same graph, session
 *    options and token ids; rounds alternate between the two and the best round of each counts, so a burst
 *    of load from other processes hits both alike.
 * 2. Latency of one embedding (p50/p95), a short post and a 128-token text.
 * 3. Memory (RSS) of the bare session and of the encoder.
 * 4. The enrich stage itself (src/pipeline/stages/enrich.stage.ts: one embedding per post plus zero-shot
 *    topics) on real Telegram news posts cleaned by `analyzePost`, batches of BATCH_SIZE with the stage's
 *    concurrency, for the default worker layout and the alternative one.
 *
 * Every figure is printed with the load average at the time: on a shared machine the figures are only
 * comparable within one run. CPU seconds (all threads of this process) are printed too; posts per CPU
 * second barely depend on the load. `-- --only enrich` (or throughput, latency) runs one section;
 * `-- --posts N` sets the enrich sample (default 1000).
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AutoTokenizer, Tensor, env } from '@huggingface/transformers';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { PROJECT_ROOT, loadConfig, type Config } from '../src/config/config';
import { DEFAULT_BATCH_SIZE, type Encoder, type EncoderOptions } from '../src/models/encoder';
import { createEncoder, defaultLayout } from '../src/models/encoder-pool';
import { Classifier } from '../src/models/heads/classifier';
import { getModelEntry, modelFolder, type ModelEntry } from '../src/models/model-registry';
import { loadNormalizer, prepareText } from '../src/models/text-prep';
import { sessionOptions } from '../src/models/transformers-embedder';
import type { BatchPayload, PostInFlight } from '../src/pipeline/jobs';
import { parseSource } from '../src/pipeline/sources';
import { enrichStage } from '../src/pipeline/stages/enrich.stage';
import { analyzePost } from '../src/text';

const TOKENS = 128;
const BATCHES = [1, 8, 32] as const;
const TEXTS_PER_ROUND = 64;
const ROUNDS = 3;
const WORKER_SCRIPT = path.join(PROJECT_ROOT, 'dist', 'models', 'encoder-worker.js');
const SECTIONS = ['throughput', 'latency', 'enrich'] as const;
type Section = (typeof SECTIONS)[number];

const SENTENCES = [
  'Во дворе дома на Садовой третий день не вывозят мусор, жители жалуются в администрацию.',
  'Power outage reported in the northern district since morning, crews are on site.',
  'Из-за аварии на подстанции без света остались пять сёл и две школы.',
  'The river burst its banks overnight and flooded gardens along the valley road.',
];

/** Texts that all fill the 128-token budget, each different so no cache can help. */
function benchTexts(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: 12 }, (_, j) => SENTENCES[(i + j) % SENTENCES.length] ?? '').join(` ${i} `),
  );
}

function load(): string {
  return `load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** Runs `work` once and returns items per wall second and per CPU second (every thread of the process). */
async function rate(items: number, work: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  return { wall: items / ((performance.now() - started) / 1000), cpu: items / cpuSeconds(cpu) };
}

function encoder(config: Config, options: EncoderOptions = {}): Promise<Encoder> {
  return createEncoder(config, { workerScript: WORKER_SCRIPT, ...options });
}

/** Token ids exactly as the encoder builds them, for the bare session. */
async function tokenIds(config: Config, entry: ModelEntry, texts: readonly string[]): Promise<BigInt64Array> {
  env.allowRemoteModels = false;
  env.localModelPath = config.modelDir + path.sep;
  const tokenizer = await AutoTokenizer.from_pretrained(entry.folder, { local_files_only: true });
  const normalize = loadNormalizer(modelFolder(config, entry));
  const encoded: unknown = tokenizer(
    texts.map((text) => prepareText('passage', text, normalize, TOKENS)),
    { padding: true, truncation: true, max_length: TOKENS },
  );
  const ids: unknown =
    typeof encoded === 'object' && encoded !== null ? Reflect.get(encoded, 'input_ids') : undefined;
  if (!(ids instanceof Tensor) || !(ids.data instanceof BigInt64Array) || ids.dims[1] !== TOKENS) {
    throw new Error('bench texts do not fill 128 tokens');
  }
  return ids.data;
}

async function throughput(config: Config, entry: ModelEntry): Promise<void> {
  const layout = defaultLayout();
  const texts = benchTexts(TEXTS_PER_ROUND);
  const ids = await tokenIds(config, entry, texts);
  const rssBefore = process.memoryUsage().rss;
  const session = await InferenceSession.create(
    path.join(modelFolder(config, entry), 'onnx', `model_${entry.dtype}.onnx`),
    sessionOptions(os.availableParallelism()),
  );
  const rssSession = process.memoryUsage().rss;
  console.log(
    `\n## Throughput, ${TOKENS}-token inputs, ${TEXTS_PER_ROUND} texts per round, best of ${ROUNDS} alternating rounds`,
  );
  console.log(
    `encoder: ${layout.workers} worker(s) x ${layout.threadsPerWorker} thread(s), the texts of a round submitted at once ` +
      `in calls of <batch> texts; bare: one session, ${os.availableParallelism()} threads, one run per batch`,
  );
  console.log(
    'batch | encoder sent/s | bare onnxruntime sent/s | ratio | encoder sent/CPU-s | bare sent/CPU-s | load',
  );
  for (const batch of BATCHES) {
    const ours = await encoder(config, { maxTokens: TOKENS, batchSize: batch });
    const calls = Array.from({ length: TEXTS_PER_ROUND / batch }, (_, i) =>
      texts.slice(i * batch, (i + 1) * batch),
    );
    const feeds = (from: number): Record<string, OrtTensor> => ({
      input_ids: new OrtTensor('int64', ids.slice(from * TOKENS, (from + batch) * TOKENS), [batch, TOKENS]),
      attention_mask: new OrtTensor('int64', new BigInt64Array(batch * TOKENS).fill(1n), [batch, TOKENS]),
    });
    await ours.embedPassages(texts.slice(0, batch * layout.workers)); // warm every worker
    await session.run(feeds(0));
    let best = { ours: { wall: 0, cpu: 0 }, bare: { wall: 0, cpu: 0 } };
    for (let round = 0; round < ROUNDS; round++) {
      const o = await rate(TEXTS_PER_ROUND, async () => {
        await Promise.all(calls.map((call) => ours.embedPassages(call)));
      });
      const b = await rate(TEXTS_PER_ROUND, async () => {
        for (let i = 0; i < TEXTS_PER_ROUND; i += batch) await session.run(feeds(i));
      });
      best = {
        ours: o.wall > best.ours.wall ? o : best.ours,
        bare: b.wall > best.bare.wall ? b : best.bare,
      };
    }
    await ours.close();
    console.log(
      `${String(batch).padStart(5)} | ${best.ours.wall.toFixed(1).padStart(14)} | ${best.bare.wall.toFixed(1).padStart(23)} | ` +
        `${(best.ours.wall / best.bare.wall).toFixed(2).padStart(5)} | ${best.ours.cpu.toFixed(1).padStart(18)} | ` +
        `${best.bare.cpu.toFixed(1).padStart(15)} | ${load()}`,
    );
  }
  await session.release();
  const rssFreed = process.memoryUsage().rss;
  const ours = await encoder(config);
  await ours.embedPassages(texts);
  console.log(
    `\n## Memory (RSS)\nbare session: +${mb(rssSession - rssBefore)}; encoder with ${layout.workers} worker(s) after a ` +
      `batch: +${mb(process.memoryUsage().rss - rssFreed)}; process total ${mb(process.memoryUsage().rss)}`,
  );
  await ours.close();
}

async function latency(config: Config): Promise<void> {
  const ours = await encoder(config);
  const post = 'В посёлке нет газа уже неделю, люди замерзают. Когда починят?';
  const long = benchTexts(1)[0] ?? '';
  console.log('\n## Latency of one embedding (50 calls after a warm-up, one at a time)');
  for (const [label, text] of [
    ['short post (~25 tokens)', post],
    [`long text (${TOKENS} tokens)`, long],
  ] as const) {
    await ours.embedPassages([text]);
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      await ours.embedPassages([`${text} ${i}`]);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `${label}: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, ${load()}`,
    );
  }
  await ours.close();
}

/** Telegram news posts as the normalize stage hands them on: every `step`-th post of the dataset. */
async function enrichInput(config: Config, count: number): Promise<PostInFlight[]> {
  const dir = path.join(config.datasetsDir, 'telegram-news', 'raw');
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  const all: PostInFlight[] = [];
  const ingestedAt = new Date().toISOString();
  for (const file of files) {
    for await (const record of parseSource('tg-dump', path.join(dir, file), {})) {
      if (record.kind !== 'post') continue;
      const { textClean, lemmas, lang, hashtags, mentions, urls, fingerprint } = analyzePost(
        record.post.text,
        { channelBoilerplate: new Set() },
      );
      all.push({
        post: record.post,
        doc: { ...record.post, textClean, lemmas, lang, hashtags, mentions, urls, fingerprint, ingestedAt },
      });
    }
  }
  const step = Math.max(1, Math.floor(all.length / count));
  return all.filter((_, i) => i % step === 0).slice(0, count);
}

async function enrich(
  config: Config,
  entry: ModelEntry,
  count: number,
  tuning: Pick<EncoderOptions, 'batchSize'>,
): Promise<void> {
  const posts = await enrichInput(config, count);
  const batchSize = config.pipeline.batchSize;
  const concurrency = config.pipeline.stageConcurrency.enrich ?? config.pipeline.workerConcurrency;
  const batches: BatchPayload[] = [];
  for (let i = 0; i < posts.length; i += batchSize) {
    batches.push({ runId: 'bench', batchKey: `b${i}`, posts: posts.slice(i, i + batchSize), rejects: [] });
  }
  const classifier = Classifier.load({
    encoder: { model: entry.name, version: entry.version, dim: entry.dim },
    tasks: ['topic'],
  });
  const threads = os.availableParallelism();
  const layouts: { workers: number; threadsPerWorker: number }[] = [
    defaultLayout(),
    ...[
      { workers: 1, threadsPerWorker: threads },
      { workers: threads, threadsPerWorker: 1 },
    ].filter((layout) => layout.workers !== defaultLayout().workers),
  ];
  console.log(
    `\n## Enrich stage: ${posts.length} telegram-news posts, batches of ${batchSize}, ${concurrency} jobs at once, ` +
      `${classifier.maxTokens} tokens, ${tuning.batchSize ?? DEFAULT_BATCH_SIZE} texts per forward pass, ` +
      'embedding + zero-shot topics',
  );
  console.log('layout | posts/s | posts/CPU-s | vectors | load');
  for (const layout of layouts) {
    const ours = await encoder(config, { maxTokens: classifier.maxTokens, ...layout, ...tuning });
    const stage = enrichStage({ encoder: ours, classifier });
    await stage({ runId: 'warm', batchKey: 'warm', posts: posts.slice(0, 16), rejects: [] });
    let vectors = 0;
    const queue = [...batches];
    const result = await rate(posts.length, async () => {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
            const outcome = await stage(batch);
            vectors += outcome.next.posts.filter((item) => item.doc?.vector !== undefined).length;
          }
        }),
      );
    });
    await ours.close();
    console.log(
      `${layout.workers} worker(s) x ${layout.threadsPerWorker} thread(s)${layout.workers === defaultLayout().workers ? ' (default)' : ''} | ` +
        `${result.wall.toFixed(1)} | ${result.cpu.toFixed(1)} | ${vectors}/${posts.length} | ${load()}`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      posts: { type: 'string', default: '1000' },
      'batch-size': { type: 'string' },
    },
  });
  const only = (values.only ?? SECTIONS.join(',')).split(',');
  const wanted = (section: Section): boolean => only.includes(section);
  const config = loadConfig();
  const entry = getModelEntry('multilingual-e5-small');
  console.log(
    `# bench:models — ${entry.name}@${entry.version} (onnx/model_${entry.dtype}.onnx), ${os.availableParallelism()} cores, ` +
      `${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${load()}`,
  );
  if (wanted('throughput')) await throughput(config, entry);
  if (wanted('latency')) await latency(config);
  const batchSize = values['batch-size'] === undefined ? {} : { batchSize: Number(values['batch-size']) };
  if (wanted('enrich')) await enrich(config, entry, Number(values.posts), batchSize);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
