import type { Command } from 'commander';
import { createContext } from '../../main/context';
import { pendingMigrations } from '../../store/index-manager';
import { INDEX_DEFINITIONS, INDEX_NAMES, type IndexName } from '../../store/indices';
import { migrateIndex, type MigrationProgress } from '../../store/migration';
import { action } from '../action';
import { oneOf, wholeNumber } from '../options';

const indexName = oneOf('index', INDEX_NAMES);
const indexOption = (value: string, previous: IndexName[] = []): IndexName[] => [
  ...previous,
  indexName(value),
];

/** One progress line per second at most (and at each phase change), on stderr. */
function progressPrinter(): (progress: MigrationProgress) => void {
  const started = Date.now();
  let lastAt = 0;
  let lastPhase = '';
  return (progress) => {
    const now = Date.now();
    if (now - lastAt < 1000 && progress.phase === lastPhase) return;
    lastAt = now;
    lastPhase = progress.phase;
    const rate = Math.round(progress.copied / Math.max((now - started) / 1000, 0.001));
    process.stderr.write(
      `${progress.name}: ${progress.phase}, pass ${progress.pass}, ` +
        `${progress.copied.toLocaleString('en-US')}/${progress.total.toLocaleString('en-US')} copied ` +
        `(${rate.toLocaleString('en-US')} docs/s)\n`,
    );
  };
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description(
      'move indices whose mapping version changed to the new version behind their alias, without downtime',
    )
    .option('--index <name>', 'only this logical index (repeatable)', indexOption)
    .option('--dry-run', 'only list the indices that need a migration')
    .option('--restart', 'drop what an interrupted migration left and start it again')
    .option('--drop-old', 'delete the old index after the switch (kept read-only for a rollback otherwise)')
    .option('--batch-size <n>', 'documents per page and per bulk request', wholeNumber(1, 10_000), 1000)
    .action(
      action(
        async (options: {
          index?: IndexName[];
          dryRun?: boolean;
          restart?: boolean;
          dropOld?: boolean;
          batchSize: number;
        }) => {
          const context = await createContext({ logToStderr: true });
          try {
            const prefix = context.config.indexPrefix;
            const definitions = (options.index ?? INDEX_NAMES).map((name) => INDEX_DEFINITIONS[name]);
            const pending = await pendingMigrations(context.es, prefix, definitions);
            if (pending.length === 0) process.stderr.write('every index is at its current version\n');
            for (const migration of pending) {
              process.stderr.write(`${migration.alias}: ${migration.from} -> ${migration.to}\n`);
              if (options.dryRun === true) continue;
              const result = await migrateIndex(context.es, prefix, INDEX_DEFINITIONS[migration.name], {
                batchSize: options.batchSize,
                restart: options.restart === true,
                dropOld: options.dropOld === true,
                onProgress: progressPrinter(),
              });
              process.stdout.write(`${JSON.stringify(result)}\n`);
            }
          } finally {
            await context.close();
          }
        },
      ),
    );
}
