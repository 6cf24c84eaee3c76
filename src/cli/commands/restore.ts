import type { Command } from 'commander';
import { createContext } from '../../main/context';
import { STAGES } from '../../pipeline/jobs';
import { closeQueues, createQueues } from '../../pipeline/queues';
import { readManifest, restoreStores } from '../../store/backup';
import { action } from '../action';

export function registerRestore(program: Command): void {
  program
    .command('restore <dir>')
    .description(
      'restore a backup into the configured prefixes (stop workers and API first); the target must be empty',
    )
    .option('--replace', 'delete what the target prefixes hold first')
    .action(
      action(async (dir: string, options: { replace?: boolean }) => {
        const context = await createContext({ logToStderr: true });
        const { config } = context;
        try {
          const started = Date.now();
          const result = await restoreStores(
            {
              es: context.es,
              redis: context.redis,
              indexPrefix: config.indexPrefix,
              queuePrefix: config.queuePrefix,
            },
            dir,
            { replace: options.replace === true },
          );
          // The dump was taken with these queues paused by `dozor backup`: let them run again. (Queues are
          // made only now: BullMQ writes their metadata keys at once, and the target must start empty.)
          const queues = createQueues(context.redis, config.queuePrefix, {
            attempts: config.pipeline.jobAttempts,
            backoffMs: config.pipeline.jobBackoffMs,
          });
          const paused = readManifest(dir).pausedQueues;
          for (const stage of STAGES) if (paused.includes(stage)) await queues[stage].resume();
          await closeQueues(queues);
          const docs = result.indices.map((entry) => `${entry.name} ${entry.docs}`).join(', ');
          process.stderr.write(
            `restored in ${((Date.now() - started) / 1000).toFixed(1)} s: ${docs}; ${result.keys} Redis keys\n`,
          );
        } finally {
          await context.close();
        }
      }),
    );
}
