/**
 * `npm run bench:models`: throughput of the local encoder (worker pool, tokenization and pooling included)
 * against a bare onnxruntime-node session running the same graph on the same token ids, at batch 1, 8 and
 * 32 with 128-token inputs; then single-embedding latency and memory. Prints figures, asserts nothing.
 */
import path from 'node:path';
import { AutoTokenizer, Tensor, env } from '@huggingface/transformers';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { PROJECT_ROOT, loadConfig } from '../src/config/config';
import { createEncoder } from '../src/models/encoder-pool';
import { getModelEntry, modelFolder } from '../src/models/model-registry';
import { loadNormalizer, prepareText } from '../src/models/text-prep';

const TOKENS = 128;
const THREADS = 2;
const BATCHES = [1, 8, 32] as const;
const TEXTS_PER_RUN = 64;

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

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const entry = getModelEntry('multilingual-e5-small');
  const folder = modelFolder(config, entry);
  const texts = benchTexts(TEXTS_PER_RUN);
  const rssStart = process.memoryUsage().rss;

  // Token ids exactly as the encoder builds them, for the bare session.
  env.allowRemoteModels = false;
  env.localModelPath = config.modelDir + path.sep;
  const tokenizer = await AutoTokenizer.from_pretrained(entry.folder, { local_files_only: true });
  const normalize = loadNormalizer(folder);
  const encoded: unknown = tokenizer(
    texts.map((text) => prepareText('passage', text, normalize, TOKENS)),
    { padding: true, truncation: true, max_length: TOKENS },
  );
  const ids: unknown =
    typeof encoded === 'object' && encoded !== null ? Reflect.get(encoded, 'input_ids') : undefined;
  if (!(ids instanceof Tensor) || !(ids.data instanceof BigInt64Array) || ids.dims[1] !== TOKENS) {
    throw new Error('bench texts do not fill 128 tokens');
  }
  const idData = ids.data;

  const session = await InferenceSession.create(path.join(folder, 'onnx', `model_${entry.dtype}.onnx`), {
    intraOpNumThreads: THREADS,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const rssBare = process.memoryUsage().rss;

  console.log(
    `multilingual-e5-small ${entry.version}, ${TOKENS} tokens, ${THREADS} threads, ${TEXTS_PER_RUN} texts/run`,
  );
  console.log('batch | encoder sent/s | bare onnxruntime sent/s | ratio');
  for (const batch of BATCHES) {
    const encoder = await createEncoder(config, {
      maxTokens: TOKENS,
      batchSize: batch,
      workers: 1,
      threadsPerWorker: THREADS,
      workerScript: path.join(PROJECT_ROOT, 'dist', 'models', 'encoder-worker.js'),
    });
    await encoder.embedPassages(texts.slice(0, batch)); // warm-up
    let started = performance.now();
    for (let i = 0; i < texts.length; i += batch) await encoder.embedPassages(texts.slice(i, i + batch));
    const ours = texts.length / ((performance.now() - started) / 1000);
    await encoder.close();

    const feeds = (from: number): Record<string, OrtTensor> => ({
      input_ids: new OrtTensor('int64', idData.slice(from * TOKENS, (from + batch) * TOKENS), [
        batch,
        TOKENS,
      ]),
      attention_mask: new OrtTensor('int64', new BigInt64Array(batch * TOKENS).fill(1n), [batch, TOKENS]),
    });
    await session.run(feeds(0));
    started = performance.now();
    for (let i = 0; i < texts.length; i += batch) await session.run(feeds(i));
    const bare = texts.length / ((performance.now() - started) / 1000);
    console.log(
      `${String(batch).padStart(5)} | ${ours.toFixed(1).padStart(14)} | ${bare.toFixed(1).padStart(23)} | ${(ours / bare).toFixed(2)}`,
    );
  }

  const encoder = await createEncoder(config, {
    workers: 1,
    threadsPerWorker: THREADS,
    workerScript: path.join(PROJECT_ROOT, 'dist', 'models', 'encoder-worker.js'),
  });
  const post = 'В посёлке нет газа уже неделю, люди замерзают. Когда починят?';
  await encoder.embedPassages([post]);
  const latencies: number[] = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    await encoder.embedPassages([`${post} ${i}`]);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `single post (~25 tokens): p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`,
  );
  console.log(
    `RSS: start ${mb(rssStart)}, + bare session ${mb(rssBare)}, + encoder worker ${mb(process.memoryUsage().rss)}`,
  );
  await encoder.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
