import type { Command } from 'commander';
import { STAGES, type Stage } from '../../pipeline/jobs';
import { createContext } from '../../main/context';
import { createPipeline } from '../../main/pipeline';
import { action } from '../action';

function parseStages(value: string): Stage[] {
  const stages = value.split(',').map((item) => item.trim());
  const unknown = stages.filter((stage) => !(STAGES as readonly string[]).includes(stage));
  if (unknown.length > 0)
    throw new Error(`unknown stage(s) ${unknown.join(', ')}; stages: ${STAGES.join(', ')}`);
  return STAGES.filter((stage) => stages.includes(stage));
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'run pipeline workers until SIGINT/SIGTERM; start as many processes, on as many machines, as you like',
    )
    .option('--stages <list>', `comma-separated stages to run (default: all of ${STAGES.join(',')})`)
    .action(
      action(async (options: { stages?: string }) => {
        const stages = options.stages === undefined ? undefined : parseStages(options.stages);
        const context = await createContext();
        const pipeline = createPipeline(context);
        const workers = await pipeline.startWorkers(stages);
        context.logger.info({ stages: stages ?? STAGES }, 'workers started');
        process.stderr.write(
          `Dozor workers running (${(stages ?? STAGES).join(', ')}); Ctrl+C stops them.\n`,
        );
        const stop = async (): Promise<void> => {
          process.stderr.write('Stopping: finishing in-flight jobs…\n');
          await workers.close();
          await pipeline.close();
          await context.close();
        };
        await new Promise<void>((resolve) => {
          const onSignal = (): void => {
            void stop().then(resolve);
          };
          process.once('SIGINT', onSignal);
          process.once('SIGTERM', onSignal);
        });
      }),
    );
}
