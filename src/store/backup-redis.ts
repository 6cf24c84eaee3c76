import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** One key of the dump: its name below the prefix, remaining time to live (0 = none), DUMP payload. */
const lineSchema = z.object({ k: z.string(), t: z.number().int().min(0), v: z.string() });

const PAGE = 500;

/**
 * BullMQ's deduplication keys (`<prefix>:<queue>:de:<job id>`) are left out: taken without the job they
 * stand for (the dump is key by key), a restored one would make the queue drop that job when a stage
 * queues it again. They only save repeated work, so a restore starts without them.
 */
const isDeduplicationKey = (name: string, prefix: string): boolean =>
  /^[^:]+:de:/.test(name.slice(prefix.length + 1));

/**
 * Writes every key under `<prefix>:` but the deduplication keys to a gzip'd JSON Lines file with DUMP
 * (Redis's own serialization of any type: hashes, sorted sets, streams, the queues' lists), so it
 * restores exactly with RESTORE.
 *
 * A logical dump rather than a copy of the RDB/AOF files because it works over the wire against any
 * Redis (a managed one gives no file access), takes only Dozor's keys from a shared instance, and can be
 * restored under another prefix. It is not one atomic point in time across keys: the caller stops the
 * writers first (`dozor backup` pauses the queues). DUMP payloads restore into the same or a newer Redis.
 */
export async function dumpKeys(redis: Redis, prefix: string, file: string): Promise<{ keys: number }> {
  const gzip = createGzip();
  const out = createWriteStream(file, { flags: 'wx' });
  gzip.pipe(out);
  let keys = 0;
  for await (const page of redis.scanStream({ match: `${prefix}:*`, count: PAGE })) {
    const names = Array.isArray(page)
      ? page.filter((key): key is string => typeof key === 'string' && !isDeduplicationKey(key, prefix))
      : [];
    if (names.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const name of names) pipeline.dumpBuffer(name).pttl(name);
    const replies = (await pipeline.exec()) ?? [];
    for (const [i, name] of names.entries()) {
      const [dumpError, payload] = replies[2 * i] ?? [];
      const [ttlError, ttl] = replies[2 * i + 1] ?? [];
      const error = dumpError ?? ttlError;
      if (error) throw error;
      // Gone between SCAN and DUMP (expired): nothing to keep.
      if (!Buffer.isBuffer(payload) || typeof ttl !== 'number' || ttl === -2) continue;
      const line = { k: name.slice(prefix.length + 1), t: Math.max(ttl, 0), v: payload.toString('base64') };
      if (!gzip.write(`${JSON.stringify(line)}\n`)) await once(gzip, 'drain');
      keys++;
    }
  }
  gzip.end();
  await finished(out);
  return { keys };
}

/**
 * Restores a dump under `<prefix>:` (the one it came from or another). Refuses keys that already exist
 * (RESTORE without REPLACE): the caller checks the target prefix is empty, or clears it, first.
 */
export async function restoreKeys(redis: Redis, prefix: string, file: string): Promise<{ keys: number }> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let batch: z.infer<typeof lineSchema>[] = [];
  let keys = 0;
  const flush = async (): Promise<void> => {
    const pipeline = redis.pipeline();
    for (const line of batch) pipeline.restore(`${prefix}:${line.k}`, line.t, Buffer.from(line.v, 'base64'));
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
    keys += batch.length;
    batch = [];
  };
  for await (const text of lines) {
    if (text === '') continue;
    batch.push(lineSchema.parse(JSON.parse(text)));
    if (batch.length >= PAGE) await flush();
  }
  if (batch.length > 0) await flush();
  return { keys };
}

/** Whether any key exists under `<prefix>:`. */
export async function hasKeys(redis: Redis, prefix: string): Promise<boolean> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (found.length > 0) return true;
    cursor = next;
  } while (cursor !== '0');
  return false;
}
