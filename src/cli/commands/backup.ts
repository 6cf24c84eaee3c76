import path from 'node:path';
import type { Command } from 'commander';
import { createContext } from '../../main/context';
import { STAGES } from '../../pipeline/jobs';
import { closeQueues, createQueues, type StageQueues } from '../../pipeline/queues';
import { backupStores } from '../../store/backup';
import { action } from '../action';
import { wholeNumber } from '../options';

/** `dozor-20261202-153000`: sortable, and a valid snapshot name. */
function defaultName(prefix: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${prefix}-${stamp}`.toLowerCase();
}

/**
 * Pauses every stage queue that is running (workers finish their job in hand and take no new one; input
 * keeps being accepted and waits) and waits for the jobs in hand, so Redis and Elasticsearch are copied at
 * one quiet moment. A job still running after the timeout is left to finish: it is in the dump as active
 * and is redone after a restore.
 */
async function pauseStages(
  queues: StageQueues,
  drainTimeoutMs: number,
): Promise<{ resume: () => Promise<void>; paused: string[] }> {
  const paused: (typeof STAGES)[number][] = [];
  for (const stage of STAGES) {
    if (await queues[stage].isPaused()) continue;
    await queues[stage].pause();
    paused.push(stage);
  }
  const deadline = Date.now() + drainTimeoutMs;
  for (;;) {
    let active = 0;
    for (const stage of STAGES) active += await queues[stage].getActiveCount();
    if (active === 0) break;
    if (Date.now() > deadline) {
      process.stderr.write(`${active} job(s) still running; backing up anyway (redone after a restore)\n`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    paused,
    resume: async () => {
      for (const stage of paused) await queues[stage].resume();
    },
  };
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description(
      'back up Elasticsearch (snapshot into a repository) and Redis (dump of the prefix) at one quiet moment',
    )
    .option('--name <name>', 'backup and snapshot name (default: <index prefix>-<UTC time>)')
    .option('--dir <dir>', 'folder for the manifest and the Redis dump (default: <state>/backups/<name>)')
    .option('--repository <name>', 'snapshot repository (registered as fs when missing)', 'dozor-backups')
    .option('--location <path>', 'location of a new fs repository, inside path.repo', 'dozor-backups')
    .option('--no-pause', 'do not pause the queues (the copy is then not one point in time)')
    .option('--drain-timeout <s>', 'seconds to wait for running jobs after pausing', wholeNumber(0), 120)
    .action(
      action(
        async (options: {
          name?: string;
          dir?: string;
          repository: string;
          location: string;
          pause: boolean;
          drainTimeout: number;
        }) => {
          const context = await createContext({ logToStderr: true });
          const { config } = context;
          const queues = createQueues(context.redis, config.queuePrefix, {
            attempts: config.pipeline.jobAttempts,
            backoffMs: config.pipeline.jobBackoffMs,
          });
          try {
            const name = options.name ?? defaultName(config.indexPrefix);
            const dir = options.dir ?? path.join(config.stateDir, 'backups', name);
            const started = Date.now();
            const manifest = await backupStores(
              {
                es: context.es,
                redis: context.redis,
                indexPrefix: config.indexPrefix,
                queuePrefix: config.queuePrefix,
              },
              {
                dir,
                name,
                repository: options.repository,
                location: options.location,
                ...(options.pause ? { quiesce: () => pauseStages(queues, options.drainTimeout * 1000) } : {}),
              },
            );
            const docs = manifest.indices.map((entry) => `${entry.name} ${entry.docs}`).join(', ');
            process.stderr.write(
              `backup ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${docs}; ` +
                `${manifest.redis.keys} Redis keys; snapshot ${manifest.repository}/${manifest.snapshot}; ` +
                `manifest in ${dir}\n`,
            );
            process.stdout.write(`${dir}\n`);
          } finally {
            await closeQueues(queues);
            await context.close();
          }
        },
      ),
    );
}
