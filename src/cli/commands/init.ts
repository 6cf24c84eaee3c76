import type { Command } from 'commander';
import { createContext } from '../../main/context';
import { ensureIndices } from '../../store/index-manager';
import { action } from '../action';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('check Redis and Elasticsearch and create missing indices (versioned, behind aliases)')
    .action(
      action(async () => {
        const context = await createContext({ logToStderr: true });
        try {
          for (const state of await ensureIndices(context.es, context.config.indexPrefix)) {
            process.stdout.write(`${state.alias} -> ${state.index}${state.created ? ' (created)' : ''}\n`);
          }
        } finally {
          await context.close();
        }
      }),
    );
}
