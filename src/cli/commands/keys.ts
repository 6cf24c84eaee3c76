import type { Command } from 'commander';
import { ROLES, type Role } from '../../auth/roles';
import { createContext } from '../../main/context';
import { KeysRepository } from '../../store/keys.repository';
import { action } from '../action';
import { oneOf } from '../options';

async function withKeys(run: (keys: KeysRepository) => Promise<void>): Promise<void> {
  const context = await createContext({ logToStderr: true });
  try {
    await run(new KeysRepository(context.redis, context.config.queuePrefix));
  } finally {
    await context.close();
  }
}

export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description('API keys: each has one role; only a hash of it is stored');
  keys
    .command('create')
    .description('create a key and print it once (it cannot be shown again)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, oneOf('role', ROLES))
    .requiredOption('--name <name>', 'who or what uses the key, e.g. "duty desk" or "vk collector"')
    .action(
      action(async (options: { role: Role; name: string }) =>
        withKeys(async (repo) => {
          const { token, info } = await repo.create(options.name, options.role);
          process.stdout.write(`${token}\n`);
          process.stderr.write(`created key ${info.id} (${info.role}) for "${info.name}"; store it now\n`);
        }),
      ),
    );
  keys
    .command('list')
    .description('list keys (id, name, role, created, revoked) as JSON Lines')
    .action(
      action(async () =>
        withKeys(async (repo) => {
          for (const info of await repo.list()) process.stdout.write(`${JSON.stringify(info)}\n`);
        }),
      ),
    );
  keys
    .command('revoke')
    .description('revoke a key by id; takes effect on the next request')
    .argument('<id>', 'key id as shown by `keys list`')
    .action(
      action(async (id: string) =>
        withKeys(async (repo) => {
          if (!(await repo.revoke(id))) throw new Error(`no key with id ${id}; see \`dozor keys list\``);
          process.stderr.write(`revoked ${id}\n`);
        }),
      ),
    );
}
