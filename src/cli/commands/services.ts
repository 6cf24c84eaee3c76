import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { servicesDown, servicesStatus, servicesUp } from '../../provision/services';
import { action } from '../action';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export function registerServices(program: Command): void {
  const services = program
    .command('services')
    .description(
      'manage the local Redis and Elasticsearch this project runs (skipped when REDIS_URL / ELASTICSEARCH_URL are set)',
    );
  services
    .command('up')
    .description('install when missing, start, and wait until ready; harmless when already running')
    .action(action(async () => servicesUp(loadConfig(), log)));
  services
    .command('down')
    .description('stop what `services up` started; data stays in the state folder')
    .action(action(async () => servicesDown(loadConfig(), log)));
  services
    .command('status')
    .description('show whether each service is running and where')
    .action(
      action(async () => {
        const status = await servicesStatus(loadConfig());
        process.stdout.write(`redis:         ${status.redis}\nelasticsearch: ${status.elasticsearch}\n`);
      }),
    );
}
