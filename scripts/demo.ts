/**
 * `npm run demo` (run by `npm start`): loads the synthetic demo week into the running services and
 * prints an API key per role. Safe to rerun: post ids are stable, so a second import only counts
 * duplicates, and the keys are reused while they stay valid.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeDataset, OUTPUT_FILES } from '../datasets/synthetic/writer';
import { ROLES, type Role } from '../src/auth/roles';
import { PROJECT_ROOT } from '../src/config/config';
import { createContext } from '../src/main/context';
import { KeysRepository } from '../src/store/keys.repository';

const SEED = '42';
const keysFileSchema = z.record(z.string(), z.string());

/** One key per role, reused from `file` while Redis still knows it (a wiped Redis gets new ones). */
async function demoKeys(keys: KeysRepository, file: string): Promise<Map<Role, string>> {
  const stored = existsSync(file) ? keysFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : {};
  const out = new Map<Role, string>();
  for (const role of ROLES) {
    const token = stored[role];
    const valid = token !== undefined && (await keys.verify(token))?.role === role;
    out.set(role, valid ? token : (await keys.create(`demo ${role}`, role)).token);
  }
  writeFileSync(file, `${JSON.stringify(Object.fromEntries(out), null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return out;
}

async function main(): Promise<void> {
  const context = await createContext({ logToStderr: true });
  try {
    const folder = path.join(context.config.stateDir, 'demo');
    mkdirSync(folder, { recursive: true });
    process.stderr.write('Generating the synthetic demo week (seed 42)…\n');
    const summary = await writeDataset({ scenario: 'demo', seed: SEED }, folder);
    process.stderr.write(
      `${summary.posts} posts: ${summary.campaigns.length} fake campaigns, ${summary.emergencies.length} emergencies\n`,
    );
    const imported = spawnSync(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'dist', 'cli', 'main.js'),
        'import',
        '--format',
        'jsonl',
        path.join(folder, OUTPUT_FILES.posts),
      ],
      { stdio: 'inherit' },
    );
    if (imported.status !== 0)
      throw new Error(`importing the demo posts failed (exit ${imported.status ?? imported.signal})`);
    const keys = await demoKeys(
      new KeysRepository(context.redis, context.config.queuePrefix),
      path.join(folder, 'keys.json'),
    );
    process.stdout.write(
      '\nDemo API keys (also in .dozor/demo/keys.json; revoke them with `dozor keys revoke` outside a demo):\n',
    );
    for (const [role, token] of keys) process.stdout.write(`  ${role.padEnd(13)} ${token}\n`);
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
