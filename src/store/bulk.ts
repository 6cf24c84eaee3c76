import type { Client } from '@elastic/elasticsearch';
import { describeEsError, isRetryableWriteFailure } from './elasticsearch';

/** Outcome of a bulk write: ids written, and ids refused for good with the reason. */
export interface BulkResult {
  written: string[];
  failed: { id: string; status: number; reason: string }[];
}

export interface BulkOptions {
  /** Upper bound of one `_bulk` request body; ES recommends a few MB. */
  maxBytes: number;
  /** Attempts per item for 429/5xx before the whole call throws (the job is then retried by BullMQ). */
  maxAttempts?: number;
  /** Base of the exponential back-off between attempts. */
  backoffMs?: number;
  refresh?: boolean;
}

interface Prepared {
  id: string;
  lines: string;
  bytes: number;
}

/**
 * Upserts documents keyed by `id` with `_bulk`, in requests sized by bytes. Items refused with 429/5xx
 * are retried with exponential back-off; items refused for their content (4xx) are reported, not retried.
 * A transport failure that outlasts the attempts throws so the caller's job is retried later: nothing is
 * dropped silently.
 */
export async function bulkUpsert(
  client: Client,
  index: string,
  docs: readonly { id: string }[],
  options: BulkOptions,
): Promise<BulkResult> {
  const maxAttempts = options.maxAttempts ?? 6;
  const backoffMs = options.backoffMs ?? 200;
  const result: BulkResult = { written: [], failed: [] };
  let pending: Prepared[] = docs.map((doc) => {
    const lines = `${JSON.stringify({ index: { _index: index, _id: doc.id } })}\n${JSON.stringify(doc)}\n`;
    return { id: doc.id, lines, bytes: Buffer.byteLength(lines) };
  });
  for (let attempt = 1; pending.length > 0; attempt++) {
    const retry: Prepared[] = [];
    let lastError = '';
    for (const chunk of chunkByBytes(pending, options.maxBytes)) {
      try {
        const response = await client.bulk(
          { body: chunk.map((item) => item.lines).join(''), refresh: options.refresh ?? false },
          { maxRetries: 0 },
        );
        response.items.forEach((entry, i) => {
          const item = chunk[i];
          const op = entry.index;
          if (!item || !op) return;
          if (op.error === undefined) result.written.push(item.id);
          else if (isRetryableWriteFailure(op.status, op.error.type)) {
            retry.push(item);
            lastError = `${op.status} ${op.error.type}`;
          } else {
            result.failed.push({
              id: item.id,
              status: op.status,
              reason: `${op.error.type}: ${op.error.reason ?? ''}`,
            });
          }
        });
      } catch (error) {
        retry.push(...chunk);
        lastError = describeEsError(error);
      }
    }
    if (retry.length > 0 && attempt >= maxAttempts) {
      throw new Error(
        `Bulk write to ${index} failed for ${retry.length} documents after ${attempt} attempts: ${lastError}`,
      );
    }
    if (retry.length > 0) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
    pending = retry;
  }
  return result;
}

/** Splits items into groups whose serialized size stays under `maxBytes` (a lone huge item goes alone). */
export function chunkByBytes<T extends { bytes: number }>(items: readonly T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    if (current.length > 0 && size + item.bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += item.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
