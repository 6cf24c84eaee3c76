import type { Command } from 'commander';
import { startApi } from '../../main/api';
import { createContext } from '../../main/context';
import { action } from '../action';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the API and dashboard (checks Redis and Elasticsearch first, creates missing indices)',
    )
    .option('-p, --port <port>', 'port to listen on (default: API_PORT)', (value) => Number(value))
    .action(
      action(async (options: { port?: number }) => {
        const context = await createContext();
        const server = await startApi(context, options.port);
        const address = server.address();
        const port = typeof address === 'object' && address !== null ? address.port : context.config.api.port;
        context.logger.info({ port }, 'API listening');
        process.stderr.write(`Dozor API: http://${context.config.api.host}:${port}/\n`);
        const shutdown = (): void => {
          server.close(() => {
            void context.close();
          });
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      }),
    );
}
