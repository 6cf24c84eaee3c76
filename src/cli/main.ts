#!/usr/bin/env node
import { Command } from 'commander';
import { registerBackup } from './commands/backup';
import { registerClassify } from './commands/classify';
import { registerDigest } from './commands/digest';
import { registerDlq } from './commands/dlq';
import { registerEmbed } from './commands/embed';
import { registerImport } from './commands/import';
import { registerInit } from './commands/init';
import { registerKeys } from './commands/keys';
import { registerLedger } from './commands/ledger';
import { registerMigrate } from './commands/migrate';
import { registerNormalize } from './commands/normalize';
import { registerRestore } from './commands/restore';
import { registerServe } from './commands/serve';
import { registerServices } from './commands/services';
import { registerSimilar } from './commands/similar';
import { registerStories } from './commands/stories';
import { registerWorker } from './commands/worker';

/** Builds the `dozor` command tree; kept separate from parsing so tests can inspect it. */
export function buildProgram(): Command {
  const program = new Command('dozor')
    .description('Dozor: monitoring of public posts for regional management centres')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerServices(program);
  registerInit(program);
  registerServe(program);
  registerWorker(program);
  registerImport(program);
  registerLedger(program);
  registerMigrate(program);
  registerBackup(program);
  registerRestore(program);
  registerDlq(program);
  registerDigest(program);
  registerKeys(program);
  registerNormalize(program);
  registerClassify(program);
  registerEmbed(program);
  registerSimilar(program);
  registerStories(program);
  return program;
}

if (require.main === module) {
  void buildProgram().parseAsync(process.argv);
}
