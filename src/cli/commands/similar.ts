import type { Command } from 'commander';
import { z } from 'zod';
import { scorePairs, type PairInput } from '../../cluster/pairs';
import { loadConfig } from '../../config/config';
import { createPostEmbedder, type PostEmbedder } from '../../cluster/post-vectors';
import { assertModelsReady } from '../../models/model-registry';
import { action } from '../action';
import { JsonLinesWriter, readJsonLines } from '../jsonl';

const pairSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  a: z.string(),
  b: z.string(),
});

/** Pairs scored per encoder call: bounds memory on huge inputs while keeping the encoder busy. */
const CHUNK = 64;

export function registerSimilar(program: Command): void {
  program
    .command('similar')
    .description(
      'score text pairs with the clustering code: JSON Lines {id, a, b} in, {id, exact, near, semantic, conflict, verdict} out',
    )
    .option('--in <file>', 'input JSON Lines (default: stdin)')
    .option('--out <file>', 'output JSON Lines (default: stdout)')
    .option('--no-semantic', 'skip the encoder (semantic = null)')
    .action(
      action(async (options: { in?: string; out?: string; semantic: boolean }) => {
        const config = loadConfig();
        let embedder: PostEmbedder | undefined;
        if (options.semantic) {
          try {
            await assertModelsReady(config);
            embedder = await createPostEmbedder(config);
          } catch (error) {
            process.stderr.write(
              `dozor similar: semantic level off (semantic = null): ${error instanceof Error ? error.message : String(error)}\n`,
            );
          }
        }
        const writer = new JsonLinesWriter(options.out);
        let chunk: PairInput[] = [];
        let bad = 0;
        const flush = async (): Promise<void> => {
          for (const result of await scorePairs(chunk, embedder)) await writer.write(result);
          chunk = [];
        };
        try {
          for await (const line of readJsonLines(options.in)) {
            if ('error' in line) {
              bad++;
              process.stderr.write(`${line.error}\n`);
              continue;
            }
            const parsed = pairSchema.safeParse(line.value);
            if (!parsed.success) {
              bad++;
              process.stderr.write(`line ${line.line}: expected {id, a, b} with string texts\n`);
              continue;
            }
            chunk.push(parsed.data);
            if (chunk.length >= CHUNK) await flush();
          }
          await flush();
        } finally {
          await writer.close();
          await embedder?.close();
        }
        if (bad > 0) {
          process.stderr.write(`dozor similar: ${bad} line(s) skipped\n`);
          process.exitCode = 1;
        }
      }),
    );
}
