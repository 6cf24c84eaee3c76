import type { Command } from 'commander';
import { startApi } from '../../main/api';
import { createContext } from '../../main/context';
import { createPipeline } from '../../main/pipeline';
import { action } from '../action';
import { wholeNumber } from '../options';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the API and dashboard (checks Redis and Elasticsearch first, creates missing indices)',
    )
    .option('-p, --port <port>', 'port to listen on (default: API_PORT)', wholeNumber(0, 65_535))
    .option('--workers', 'also run pipeline workers in this process (what `npm start` does)')
    .action(
      action(async (options: { port?: number; workers?: boolean }) => {
        const context = await createContext();
        const pipeline = createPipeline(context);
        const workers = options.workers === true ? await pipeline.startWorkers() : undefined;
        const server = await startApi(context, pipeline, options.port).catch(async (error: unknown) => {
          // The port is taken or not allowed: let go of the connections, or the process would stay up.
          await workers?.close();
          await pipeline.close();
          await context.close();
          throw error;
        });
        const address = server.address();
        const port = typeof address === 'object' && address !== null ? address.port : context.config.api.port;
        context.logger.info({ port, workers: workers !== undefined }, 'API listening');
        process.stderr.write(`Dozor API: http://${context.config.api.host}:${port}/\n`);
        const shutdown = (): void => {
          server.close(() => {
            void (async () => {
              await workers?.close();
              await pipeline.close();
              await context.close();
            })();
          });
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      }),
    );
}
