import { Command, InvalidArgumentError, Option } from 'commander';
import { ProgressLine } from '../../src/cli/progress';
import { SCENARIO_NAMES, scenario, type ScenarioName } from './scenarios';
import { writeDataset } from './writer';

/**
 * `npm run dataset:generate -- --scenario demo --seed 42 --out datasets/out/demo`: writes posts.jsonl
 * (Dozor's input schema), truth.jsonl (one label per post, same order), summary.json (what was planted)
 * and sources.jsonl (every named source with its credibility kind).
 */
function positiveInt(value: string): number {
  const n = Number(value.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function isScenario(value: string): value is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(value);
}

const program = new Command('dataset:generate')
  .description('Generate a seeded synthetic dataset of Russian ЦУР posts with ground truth.')
  .addOption(new Option('--scenario <name>', 'preset').choices(SCENARIO_NAMES).default('demo'))
  .option('--seed <seed>', 'PRNG seed; the same seed and options give byte-identical output', '42')
  .option('--out <dir>', 'output folder (keep it under datasets/out/, which git ignores)')
  .option('--posts <n>', 'total posts (overrides the preset)', positiveInt)
  .option('--days <n>', 'days covered (overrides the preset)', positiveInt)
  .option('--start <iso>', 'first midnight, e.g. 2025-02-03T00:00:00+03:00 (overrides the preset)')
  .action(
    async (opts: {
      scenario: string;
      seed: string;
      out?: string;
      posts?: number;
      days?: number;
      start?: string;
    }) => {
      if (!isScenario(opts.scenario)) throw new InvalidArgumentError(`unknown scenario ${opts.scenario}`);
      const name = opts.scenario;
      const out = opts.out ?? `datasets/out/${name}`;
      const overrides = {
        ...(opts.posts === undefined ? {} : { posts: opts.posts }),
        ...(opts.days === undefined ? {} : { days: opts.days }),
        ...(opts.start === undefined ? {} : { start: opts.start }),
      };
      const sc = scenario(name, overrides);
      process.stderr.write(`${name}: ${sc.description}\n`);
      const started = Date.now();
      const progress = sc.posts >= 50_000 ? new ProgressLine(['posts'], 'posts') : null;
      const summary = await writeDataset({ scenario: name, seed: opts.seed, ...overrides }, out, (n) =>
        progress?.update({ posts: n }),
      );
      progress?.stop({ posts: summary.posts });
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(
        `${summary.posts.toLocaleString('en-US')} posts in ${seconds.toFixed(1)} s ` +
          `(${Math.round(summary.posts / seconds).toLocaleString('en-US')} posts/s) → ${out}\n` +
          `stories ${summary.stories.total} (${summary.stories.withCopies} copied), ` +
          `campaigns ${summary.campaigns.length}, emergencies ${summary.emergencies.length}\n`,
      );
    },
  );

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
