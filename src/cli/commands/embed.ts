import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../../config/config';
import { createEncoder } from '../../models/encoder-pool';
import type { EmbeddingKind } from '../../models/text-prep';
import { action } from '../action';
import { JsonLinesWriter, readJsonLines } from '../jsonl';

const inputSchema = z.object({ id: z.union([z.string(), z.number()]), text: z.string() });
/** Texts per encoder call: bounds memory on huge inputs while keeping the encoder busy. */
const CHUNK = 64;

function kindOption(value: string): EmbeddingKind {
  if (value === 'query' || value === 'passage') return value;
  throw new InvalidArgumentError(`--kind must be query or passage, got ${value}`);
}

/** `dozor embed`: vectors of the local encoder, offline; the same model and truncation as the pipeline. */
export function registerEmbed(program: Command): void {
  program
    .command('embed')
    .description('embed texts offline: {id, text} JSON Lines in, {id, model, vector} out (384 floats)')
    .option('--in <file>', 'input JSON Lines (default: stdin)')
    .option('--out <file>', 'output JSON Lines (default: stdout)')
    .option(
      '--kind <kind>',
      "e5 side: 'query' (the pipeline's, for posts and searches) or 'passage'",
      kindOption,
      'query',
    )
    .action(
      action(async (options: { in?: string; out?: string; kind: EmbeddingKind }) => {
        const encoder = await createEncoder(loadConfig(), { model: 'multilingual-e5-small' });
        const writer = new JsonLinesWriter(options.out);
        const model = `${encoder.model}@${encoder.version}`;
        let chunk: { id: string | number; text: string }[] = [];
        let done = 0;
        let bad = 0;
        const flush = async (): Promise<void> => {
          const texts = chunk.map((item) => item.text);
          const vectors =
            options.kind === 'query' ? await encoder.embedQueries(texts) : await encoder.embedPassages(texts);
          for (const [i, item] of chunk.entries()) {
            await writer.write({ id: item.id, model, vector: Array.from(vectors[i] ?? []) });
          }
          done += chunk.length;
          chunk = [];
        };
        try {
          for await (const line of readJsonLines(options.in)) {
            const parsed = 'error' in line ? undefined : inputSchema.safeParse(line.value);
            if (parsed === undefined || !parsed.success) {
              bad++;
              process.stderr.write(
                `${'error' in line ? line.error : `line ${line.line}: expected {id, text}`}\n`,
              );
              continue;
            }
            chunk.push(parsed.data);
            if (chunk.length >= CHUNK) await flush();
          }
          await flush();
        } finally {
          await writer.close();
          await encoder.close();
        }
        process.stderr.write(`embedded ${done} text(s), ${bad} line(s) skipped\n`);
        if (bad > 0) process.exitCode = 1;
      }),
    );
}
