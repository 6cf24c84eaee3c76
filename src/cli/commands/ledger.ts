import type { Command } from 'commander';
import { createContext } from '../../main/context';
import { createPipeline } from '../../main/pipeline';
import { action } from '../action';
import { wholeNumber } from '../options';

export function registerLedger(program: Command): void {
  program
    .command('rejects')
    .description('list rejected records with their reasons, newest first, as JSON Lines')
    .option('--code <code>', 'only this reject code (e.g. empty_text, bad_date, too_large)')
    .option('--limit <n>', 'at most this many (1-1000)', wholeNumber(1, 1000), 50)
    .action(
      action(async (options: { code?: string; limit: number }) => {
        const context = await createContext({ logToStderr: true });
        const pipeline = createPipeline(context);
        try {
          const query: { code?: string; size: number } = { size: options.limit };
          if (options.code !== undefined) query.code = options.code;
          const { total, items } = await pipeline.rejects.recent(query);
          for (const item of items) process.stdout.write(`${JSON.stringify(item)}\n`);
          const byCode = await pipeline.rejects.countsByCode();
          process.stderr.write(`${total} reject(s); by code: ${JSON.stringify(byCode)}\n`);
        } finally {
          await pipeline.close();
          await context.close();
        }
      }),
    );
  program
    .command('ledger')
    .description('account for every post: totals (queued, indexed, duplicate, rejected) and recent runs')
    .option('--runs <n>', 'how many recent runs to show (1-1000)', wholeNumber(1, 1000), 10)
    .action(
      action(async (options: { runs: number }) => {
        const context = await createContext({ logToStderr: true });
        const pipeline = createPipeline(context);
        try {
          const totals = await pipeline.ledger.counts();
          const indexedInEs = await context.posts.count();
          const runs = await pipeline.ledger.recentRuns(options.runs);
          process.stdout.write(
            `${JSON.stringify({ totals, indexedInElasticsearch: indexedInEs, runs }, null, 2)}\n`,
          );
        } finally {
          await pipeline.close();
          await context.close();
        }
      }),
    );
}
