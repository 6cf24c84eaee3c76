import type { ModelName } from './model-registry';

/** A sentence encoder: L2-normalized vectors, one per text, in input order. */
export interface Encoder {
  /** Registry name and version; key stored vectors by both. */
  readonly model: string;
  readonly version: string;
  readonly dim: number;
  /** Texts that look for something (search box, a fake to match); e5's `query: ` side. */
  embedQueries(texts: readonly string[]): Promise<Float32Array[]>;
  /** Texts that are looked for (posts, topic descriptions); e5's `passage: ` side. */
  embedPassages(texts: readonly string[]): Promise<Float32Array[]>;
  /** Stops the workers; pending calls reject. */
  close(): Promise<void>;
}

/** Tuning of the local encoder; every field has a default suited to a 2-core machine. */
export interface EncoderOptions {
  model?: ModelName;
  /** Tokens per text including `<s>`/`</s>`; longer texts are truncated (default 256). */
  maxTokens?: number;
  /** Texts per forward pass (default 4; see DEFAULT_BATCH_SIZE). */
  batchSize?: number;
  /** Worker threads (default 2, see `defaultLayout` in encoder-pool.ts). */
  workers?: number;
  /** onnxruntime threads per worker (default: available cores / workers). */
  threadsPerWorker?: number;
  /** Compiled worker script; by default the `encoder-worker.js` beside this module. */
  workerScript?: string;
}

export const DEFAULT_MAX_TOKENS = 256;
/**
 * Small forward passes are the cheapest per post: less padding, and a pass's activations stay in the
 * core's cache. `npm run bench:models -- --only enrich --batch-size N` on 500 Telegram posts, posts per
 * CPU second: 1 → 60, 2 → 69, 4 → 58–63, 8 → 51–57, 16 → 48–54, 32 → 41–47 (load 18–25, ±10%).
 */
export const DEFAULT_BATCH_SIZE = 4;
