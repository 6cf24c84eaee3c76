import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_BATCH_SIZE, DEFAULT_MAX_TOKENS, type Encoder, type EncoderOptions } from './encoder';
import type { WorkerRequest, WorkerResponse } from './encoder-worker';
import { assertModelsReady, resolveModelEntry, type ModelEntry, type ModelLocation } from './model-registry';
import type { EmbeddingKind } from './text-prep';
import type { EmbedderSettings } from './transformers-embedder';

interface Job {
  request: WorkerRequest;
  resolve: (vectors: Float32Array) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

/**
 * Production runs `dist/models/encoder-worker.js`. Under jest (TypeScript through @swc/jest, no dist) the
 * worker starts from this small bootstrap that compiles the worker's .ts modules with @swc/core, a dev
 * dependency, so tests do not depend on a prior `npm run build`.
 */
const TS_BOOTSTRAP = `
const { readFileSync } = require('node:fs');
const { workerData } = require('node:worker_threads');
const { transformSync } = require(workerData.bootstrapSwc);
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(workerData.bootstrapEntry);
`;

/**
 * V8 young generation of each worker. The tokenizer's trie of 250k pieces is millions of long-lived
 * objects, and every batch's lattice and tensors are short-lived garbage; with the default few MB that
 * garbage reaches the old generation and each major collection walks the whole trie. A CPU profile of 320
 * texts of 128 tokens: 1.55 s in the collector by default, 0.63 s at 128 MB, 0.55 s at 256 MB.
 */
const YOUNG_GENERATION_MB = 128;

interface WorkerLaunch {
  script: string;
  eval: boolean;
  extra: Record<string, string>;
}

function resolveWorker(explicit: string | undefined): WorkerLaunch {
  if (explicit !== undefined) return { script: explicit, eval: false, extra: {} };
  const compiled = path.join(__dirname, 'encoder-worker.js');
  if (existsSync(compiled)) return { script: compiled, eval: false, extra: {} };
  const source = path.join(__dirname, 'encoder-worker.ts');
  if (existsSync(source)) {
    return {
      script: TS_BOOTSTRAP,
      eval: true,
      extra: { bootstrapEntry: source, bootstrapSwc: require.resolve('@swc/core') },
    };
  }
  throw new Error(`encoder worker not found next to ${__filename}; run \`npm run build\`.`);
}

/**
 * The transformers.js encoder behind a pool of worker threads. Calls are split into batches (texts of
 * similar length together, so little padding), batches queue for the next idle worker, and vectors come
 * back in input order. A worker that crashes fails only its own batch and is replaced.
 */
export class WorkerPoolEncoder implements Encoder {
  readonly model: string;
  readonly version: string;
  readonly dim: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly entry: ModelEntry,
    private readonly settings: EmbedderSettings,
    private readonly launch: WorkerLaunch,
    private readonly batchSize: number,
  ) {
    this.model = entry.name;
    this.version = entry.version;
    this.dim = entry.dim;
  }

  /** Verifies the model files (clear error with path and fix), then starts and waits for the workers. */
  static async start(config: ModelLocation, options: EncoderOptions = {}): Promise<WorkerPoolEncoder> {
    const entry = resolveModelEntry(config, options.model ?? 'multilingual-e5-small');
    await assertModelsReady(config, [entry.name]);
    const layout = defaultLayout();
    const workers = positive(options.workers ?? layout.workers, 'workers');
    const threads = positive(
      options.threadsPerWorker ?? Math.max(1, Math.floor(availableParallelism() / workers)),
      'threadsPerWorker',
    );
    const settings: EmbedderSettings = {
      modelDir: config.modelDir,
      entry,
      maxTokens: positive(options.maxTokens ?? DEFAULT_MAX_TOKENS, 'maxTokens'),
      threads,
    };
    if (settings.maxTokens < 3 || settings.maxTokens > 512) {
      throw new RangeError(
        `maxTokens must be within 3..512 (the model has 512 positions), got ${settings.maxTokens}`,
      );
    }
    const pool = new WorkerPoolEncoder(
      entry,
      settings,
      resolveWorker(options.workerScript),
      positive(options.batchSize ?? DEFAULT_BATCH_SIZE, 'batchSize'),
    );
    try {
      await Promise.all(Array.from({ length: workers }, () => pool.spawn()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embed('query', texts);
  }

  embedPassages(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embed('passage', texts);
  }

  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('encoder closed');
    for (const job of this.queue.splice(0)) job.reject(error);
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      slot.job?.reject(error);
      slot.job = undefined;
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private async embed(kind: EmbeddingKind, texts: readonly string[]): Promise<Float32Array[]> {
    if (this.closed) throw new Error('encoder closed');
    const order = texts
      .map((_, index) => index)
      .sort((a, b) => (texts[a]?.length ?? 0) - (texts[b]?.length ?? 0));
    const batches: number[][] = [];
    for (let start = 0; start < order.length; start += this.batchSize) {
      batches.push(order.slice(start, start + this.batchSize));
    }
    const results = await Promise.all(
      batches.map((batch) =>
        this.submit(
          kind,
          batch.map((index) => texts[index] ?? ''),
        ),
      ),
    );
    const vectors: Float32Array[] = new Array<Float32Array>(texts.length);
    batches.forEach((batch, b) => {
      const flat = results[b];
      if (flat === undefined || flat.length !== batch.length * this.dim) {
        throw new Error(`worker returned ${flat?.length ?? 0} values for ${batch.length} texts`);
      }
      batch.forEach((index, row) => {
        vectors[index] = flat.slice(row * this.dim, (row + 1) * this.dim);
      });
    });
    return vectors;
  }

  private submit(kind: EmbeddingKind, texts: string[]): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, kind, texts }, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job !== undefined) continue;
      const job = this.queue.shift();
      if (job === undefined) return;
      slot.job = job;
      slot.worker.postMessage(job.request);
    }
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(this.launch.script, {
        eval: this.launch.eval,
        workerData: { ...this.settings, ...this.launch.extra },
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      const slot: Slot = { worker, job: undefined };
      let ready = false;
      worker.on('message', (message: WorkerResponse) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            this.slots.push(slot);
            resolve();
            this.dispatch();
            return;
          case 'init-failed':
            reject(new Error(`encoder worker failed to load ${this.entry.name}: ${message.message}`));
            void worker.terminate();
            return;
          case 'result':
          case 'failed': {
            const job = slot.job;
            slot.job = undefined;
            if (job !== undefined && job.request.id === message.id) {
              if (message.type === 'result') job.resolve(message.vectors);
              else job.reject(new Error(`embedding failed: ${message.message}`));
            }
            this.dispatch();
            return;
          }
        }
      });
      const onDeath = (reason: string): void => {
        if (!ready) {
          reject(new Error(`encoder worker died while loading: ${reason}`));
          return;
        }
        const index = this.slots.indexOf(slot);
        if (index < 0) return; // already closed or replaced
        this.slots.splice(index, 1);
        slot.job?.reject(new Error(`encoder worker died: ${reason}`));
        slot.job = undefined;
        if (!this.closed) {
          this.spawn().catch((error: unknown) => {
            for (const job of this.queue.splice(0))
              job.reject(error instanceof Error ? error : new Error(String(error)));
          });
        }
      };
      worker.on('error', (error) => {
        onDeath(error.message);
      });
      worker.on('exit', (code) => {
        onDeath(`exit code ${code}`);
      });
    });
  }
}

/**
 * Worker threads and onnxruntime threads per worker when the caller does not choose: two sessions, so one
 * tokenizes (in JavaScript, on its own thread) while the other runs the graph, sharing the cores between
 * them. `npm run bench:models` enrich section, 1000 Telegram posts on 2 cores, same runs: 2 x 1 thread
 * 120 posts/s vs 1 x 2 threads 92 (load 2), 58 vs 48 (load 7); each worker holds its own session and
 * tokenizer (~300–400 MB).
 */
export function defaultLayout(): { workers: number; threadsPerWorker: number } {
  const cores = availableParallelism();
  const workers = Math.min(2, cores);
  return { workers, threadsPerWorker: Math.max(1, Math.floor(cores / workers)) };
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Starts the local encoder (worker threads, offline); fails with the missing file and its fix. */
export function createEncoder(config: ModelLocation, options: EncoderOptions = {}): Promise<Encoder> {
  return WorkerPoolEncoder.start(config, options);
}
