import type { Command } from 'commander';
import { z } from 'zod';
import { analyzePost } from '../../text';
import { action } from '../action';
import { JsonLinesWriter, readJsonLines } from '../jsonl';

const inputSchema = z.object({ id: z.union([z.string(), z.number()]), text: z.string() });

/**
 * `dozor normalize`: the normalize stage's text analysis, offline. The per-channel repeated-line rule
 * needs the shared counters of the pipeline, so offline only the built-in boilerplate list applies.
 */
export function registerNormalize(program: Command): void {
  program
    .command('normalize')
    .description(
      'clean texts offline: {id, text} JSON Lines in, {id, text_clean, lang, lemmas, hashtags, mentions, urls, forwarded_from} out',
    )
    .option('--in <file>', 'input JSON Lines (default: stdin)')
    .option('--out <file>', 'output JSON Lines (default: stdout)')
    .action(
      action(async (options: { in?: string; out?: string }) => {
        const writer = new JsonLinesWriter(options.out);
        let done = 0;
        let bad = 0;
        try {
          for await (const line of readJsonLines(options.in)) {
            const parsed = 'error' in line ? undefined : inputSchema.safeParse(line.value);
            if (parsed === undefined || !parsed.success) {
              bad++;
              const reason =
                'error' in line ? line.error : `line ${line.line}: expected {id, text} with a string text`;
              await writer.write({ line: line.line, error: reason });
              continue;
            }
            const analyzed = analyzePost(parsed.data.text);
            await writer.write({
              id: parsed.data.id,
              text_clean: analyzed.textClean,
              lang: analyzed.lang,
              lemmas: analyzed.lemmas,
              hashtags: analyzed.hashtags,
              mentions: analyzed.mentions,
              urls: analyzed.urls,
              forwarded_from: analyzed.forwardedFrom ?? null,
            });
            done++;
          }
        } finally {
          await writer.close();
        }
        process.stderr.write(`normalized ${done} text(s), ${bad} error record(s)\n`);
        if (bad > 0) process.exitCode = 1;
      }),
    );
}
