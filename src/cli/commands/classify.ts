import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { createEncoder } from '../../models/encoder-pool';
import { getModelEntry } from '../../models/model-registry';
import { CLASSIFY_TASKS, Classifier, type ClassifyTask } from '../../models/heads/classifier';
import { classifyLines } from '../../models/heads/classify-lines';
import { action } from '../action';
import { JsonLinesWriter, readJsonLines } from '../jsonl';
import { oneOf, wholeNumber } from '../options';

interface ClassifyOptions {
  task: ClassifyTask;
  in?: string;
  out?: string;
  batch: number;
}

/** `dozor classify`: local encoder + trained heads over JSON Lines; offline, no services needed. */
export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('classify texts offline: {id, text} JSON Lines in, {id, label, score, alternatives} out')
    .requiredOption('--task <task>', `one of ${CLASSIFY_TASKS.join(', ')}`, oneOf('task', CLASSIFY_TASKS))
    .option('--in <file>', 'input JSON Lines (default: stdin)')
    .option('--out <file>', 'output JSON Lines (default: stdout)')
    .option('--batch <n>', 'texts per encoder call', wholeNumber(1, 1024), 32)
    .action(
      action(async (options: ClassifyOptions) => {
        const config = loadConfig();
        const entry = getModelEntry('multilingual-e5-small');
        // Heads first: a head of another encoder version fails before the model is loaded.
        const classifier = Classifier.load({
          encoder: { model: entry.name, version: entry.version, dim: entry.dim },
          tasks: [options.task],
        });
        const encoder = await createEncoder(config, {
          model: 'multilingual-e5-small',
          maxTokens: classifier.maxTokens,
        });
        const writer = new JsonLinesWriter(options.out);
        try {
          const stats = await classifyLines(
            readJsonLines(options.in),
            options.task,
            (task, texts) => classifier.classifyTexts(task, texts, encoder),
            (record) => writer.write(record),
            options.batch,
          );
          process.stderr.write(`classified ${stats.classified} text(s), ${stats.errors} error record(s)\n`);
        } finally {
          await writer.close();
          await encoder.close();
        }
      }),
    );
}
