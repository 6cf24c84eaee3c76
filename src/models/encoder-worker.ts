import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { modelEntrySchema } from './model-registry';
import { loadEmbedder } from './transformers-embedder';

/**
 * Worker-thread entry of the encoder pool: loads one transformers.js session and embeds the batches the
 * pool posts, so tokenization and inference never block the API's event loop.
 */

const requestSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['query', 'passage']),
  texts: z.array(z.string()),
});

/** Messages from the pool to a worker. */
export type WorkerRequest = z.infer<typeof requestSchema>;

/** Messages from a worker to the pool. */
export type WorkerResponse =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | { type: 'result'; id: number; vectors: Float32Array }
  | { type: 'failed'; id: number; message: string };

const settingsSchema = z.object({
  modelDir: z.string(),
  entry: modelEntrySchema,
  maxTokens: z.number().int().positive(),
  threads: z.number().int().positive(),
});

function post(message: WorkerResponse, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function serve(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('encoder-worker must run in a worker thread');
  const embedder = await Promise.resolve()
    .then(() => loadEmbedder(settingsSchema.parse(workerData)))
    .catch((error: unknown) => {
      post({ type: 'init-failed', message: errorMessage(error) });
      return undefined;
    });
  if (embedder === undefined) return;
  // One batch at a time: the pool never sends a second request before the first is answered.
  port.on('message', (raw: unknown) => {
    const request = requestSchema.parse(raw);
    embedder.embed(request.kind, request.texts).then(
      (vectors) => {
        post({ type: 'result', id: request.id, vectors }, [vectors.buffer as ArrayBuffer]);
      },
      (error: unknown) => {
        post({ type: 'failed', id: request.id, message: errorMessage(error) });
      },
    );
  });
  post({ type: 'ready' });
}

if (parentPort !== null) void serve();
