/**
 * A cluster worker process for the concurrency test: `node --import tsx cluster-worker.ts <batches.json>
 * <k> <n>` clusters the batches i with i % n = k, with its own Redis and Elasticsearch connections and
 * the prefixes of its environment, as a `dozor worker` does. It prints `ready` once loaded and starts on
 * a line on stdin, so the test can release every process at the same moment; it then prints one JSON
 * line of [post id, story id] pairs and exits.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { PostDocument } from '../../../src/domain/post-document';
import { createContext } from '../../../src/main/context';
import { cluster, stageFor } from './helpers';

async function main(): Promise<void> {
  const [file = '', k = '0', n = '1'] = process.argv.slice(2);
  const batches = JSON.parse(readFileSync(file, 'utf8')) as PostDocument[][];
  const mine = batches.filter((_, i) => i % Number(n) === Number(k));
  const context = await createContext({ env: { ...process.env, LOG_LEVEL: 'silent' } });
  try {
    const stage = stageFor(context.redis, context.es, context.config.queuePrefix, context.config.indexPrefix);
    process.stdout.write('ready\n');
    const lines = createInterface({ input: process.stdin });
    await new Promise<void>((resolve) => {
      lines.once('line', () => {
        resolve();
      });
    });
    lines.close();
    const out: [string, string][] = [];
    for (const [i, batch] of mine.entries()) {
      for (const pair of await cluster(stage, batch, `proc-${k}-${i}`)) out.push(pair);
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
