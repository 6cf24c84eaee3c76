import type { Command } from 'commander';
import { STAGES, type Stage } from '../../pipeline/jobs';
import { listDeadLetters, retryDeadLetters } from '../../pipeline/queues';
import { createContext } from '../../main/context';
import { createPipeline } from '../../main/pipeline';
import { action } from '../action';
import { oneOf, wholeNumber } from '../options';

export function registerDlq(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('dead-letter queue: jobs that failed every attempt, kept with their error');
  dlq
    .command('list')
    .description('list parked jobs as JSON Lines (stage, job id, posts, attempts, error)')
    .option('--limit <n>', 'at most this many per stage', wholeNumber(1, 10_000), 100)
    .action(
      action(async (options: { limit: number }) => {
        const context = await createContext({ logToStderr: true });
        const pipeline = createPipeline(context);
        try {
          const letters = await listDeadLetters(pipeline.queues, options.limit);
          for (const letter of letters) process.stdout.write(`${JSON.stringify(letter)}\n`);
          process.stderr.write(`${letters.length} parked job(s)\n`);
        } finally {
          await pipeline.close();
          await context.close();
        }
      }),
    );
  dlq
    .command('retry')
    .description('put parked jobs back in their queues (after fixing the cause); workers process them')
    .option('--stage <stage>', 'only jobs of this stage', oneOf('stage', STAGES))
    .option('--job <id>', 'only this job id')
    .action(
      action(async (options: { stage?: Stage; job?: string }) => {
        const context = await createContext({ logToStderr: true });
        const pipeline = createPipeline(context);
        try {
          const filter: { stage?: Stage; jobId?: string } = {};
          if (options.stage !== undefined) filter.stage = options.stage;
          if (options.job !== undefined) filter.jobId = options.job;
          const retried = await retryDeadLetters(pipeline.queues, filter);
          process.stderr.write(`${retried} job(s) returned to their queues\n`);
        } finally {
          await pipeline.close();
          await context.close();
        }
      }),
    );
}
