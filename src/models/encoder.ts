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
  /** Texts per forward pass (default 16). */
  batchSize?: number;
  /** Worker threads (default 1: one session using every core beats two sessions fighting over two). */
  workers?: number;
  /** onnxruntime threads per worker (default: available cores / workers). */
  threadsPerWorker?: number;
  /** Compiled worker script; by default the `encoder-worker.js` beside this module. */
  workerScript?: string;
}

export const DEFAULT_MAX_TOKENS = 256;
export const DEFAULT_BATCH_SIZE = 16;
