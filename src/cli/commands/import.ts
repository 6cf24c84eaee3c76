import type { Command } from 'commander';
import { createContext } from '../../main/context';
import { createPipeline, type Pipeline } from '../../main/pipeline';
import type { BatchProducer } from '../../pipeline/producer';
import { parseSource, SOURCE_FORMATS, type SourceFormat } from '../../pipeline/sources';
import { action } from '../action';
import { ProgressLine } from '../progress';
import { oneOf } from '../options';

interface ImportOptions {
  format: SourceFormat;
  map?: string;
  workers: boolean;
  wait: boolean;
}

/** `text=Текст,publishedAt=Дата` → {text: 'Текст', publishedAt: 'Дата'} */
function parseMapping(value: string | undefined): Record<string, string> {
  if (value === undefined) return {};
  return Object.fromEntries(
    value.split(',').map((pair) => {
      const [field, column] = pair.split('=');
      if (field === undefined || column === undefined || field.trim() === '' || column.trim() === '') {
        throw new Error(`--map expects field=column pairs separated by commas, got "${pair}"`);
      }
      return [field.trim(), column.trim()];
    }),
  );
}

type ImportFigures = { read: number; queued: number; indexed: number; duplicate: number; rejected: number };

async function figures(pipeline: Pipeline, producer: BatchProducer): Promise<ImportFigures> {
  const run = await pipeline.ledger.run(producer.runId);
  return {
    read: producer.stats.read,
    queued: producer.stats.queued,
    indexed: run?.indexed ?? 0,
    duplicate: run?.duplicate ?? 0,
    rejected: (run?.rejected ?? 0) + (run?.refused ?? 0),
  };
}

/** Waits until every admitted post of the run is settled, or nothing is moving and only parked jobs remain. */
async function waitForRun(
  pipeline: Pipeline,
  producer: BatchProducer,
  progress: ProgressLine,
): Promise<string[]> {
  let lastChange = Date.now();
  let last = '';
  for (;;) {
    const run = await pipeline.ledger.run(producer.runId);
    const current = await figures(pipeline, producer);
    progress.update(current);
    const admitted = (run?.accepted ?? 0) + (run?.duplicate ?? 0) + (run?.rejected ?? 0);
    const settled = (run?.indexed ?? 0) + (run?.refused ?? 0);
    if (run && admitted === producer.stats.read && settled === run.accepted) return [];
    const signature = JSON.stringify(current);
    if (signature !== last) {
      last = signature;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > 15_000 && (await pipeline.pending()) === 0) {
      return [
        `${(run?.accepted ?? 0) - settled} post(s) of this run are parked in the dead-letter queue; ` +
          'see `dozor dlq list`, fix the cause, then `dozor dlq retry`.',
      ];
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'import posts from files; every record ends up indexed, a duplicate, or rejected with a reason',
    )
    .argument('<files...>', 'files to import')
    .requiredOption(
      '-f, --format <format>',
      `source format: ${SOURCE_FORMATS.join(' | ')}`,
      oneOf('format', SOURCE_FORMATS),
    )
    .option(
      '--map <pairs>',
      'csv column mapping, e.g. text=Текст,publishedAt=Дата,channel=Источник,externalId=id',
    )
    .option('--no-workers', 'only queue the posts; rely on `dozor worker` processes to handle them')
    .option('--no-wait', 'return once everything is queued instead of waiting until it is indexed')
    .action(
      action(async (files: string[], options: ImportOptions) => {
        const mapping = parseMapping(options.map);
        const context = await createContext({ logToStderr: true });
        const pipeline = createPipeline(context);
        const workers = options.workers ? await pipeline.startWorkers() : undefined;
        const fileErrors: string[] = [];
        try {
          const producer = await pipeline.producer(`import ${options.format}: ${files.join(', ')}`);
          const progress = new ProgressLine(['read', 'queued', 'indexed', 'duplicate', 'rejected'], 'read');
          const ticker = setInterval(() => {
            void figures(pipeline, producer).then((current) => {
              progress.update(current);
            });
          }, 500);
          try {
            for (const file of files) {
              try {
                for await (const record of parseSource(options.format, file, { mapping }))
                  await producer.add(record);
              } catch (error) {
                // A whole-file problem (wrong format, malformed JSON/XML): report it, keep importing the rest.
                fileErrors.push(error instanceof Error ? error.message : String(error));
              }
            }
            await producer.flush();
          } finally {
            clearInterval(ticker);
          }
          const problems = options.wait ? await waitForRun(pipeline, producer, progress) : [];
          const summary = await figures(pipeline, producer);
          progress.stop(summary);
          process.stderr.write(
            `Import ${producer.runId}: read ${summary.read}, indexed ${summary.indexed}, duplicates ${summary.duplicate}, ` +
              `rejected ${summary.rejected}${options.wait ? '' : ' (not waiting; workers continue)'}.\n` +
              (summary.rejected > 0 ? 'See the reasons with `dozor rejects`.\n' : ''),
          );
          for (const problem of [...fileErrors, ...problems])
            process.stderr.write(`dozor: error: ${problem}\n`);
          if (fileErrors.length > 0 || problems.length > 0) process.exitCode = 1;
        } finally {
          await workers?.close();
          await pipeline.close();
          await context.close();
        }
      }),
    );
}
