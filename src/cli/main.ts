#!/usr/bin/env node
import { Command } from 'commander';
import { registerInit } from './commands/init';
import { registerServe } from './commands/serve';
import { registerServices } from './commands/services';

/** Builds the `dozor` command tree; kept separate from parsing so tests can inspect it. */
export function buildProgram(): Command {
  const program = new Command('dozor')
    .description('Dozor: monitoring of public posts for regional management centres')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerServices(program);
  registerInit(program);
  registerServe(program);
  return program;
}

if (require.main === module) {
  void buildProgram().parseAsync(process.argv);
}
