import type { Server } from 'node:http';
import { createApp } from '../api/app';
import { checkReadiness, type Context } from './context';

/** Starts the HTTP API on the configured host and port; resolves once it listens. */
export function startApi(context: Context, port = context.config.api.port): Promise<Server> {
  const app = createApp({ logger: context.logger, readiness: () => checkReadiness(context) });
  return new Promise((resolve, reject) => {
    const server = app.listen(port, context.config.api.host, (error?: Error) => {
      if (error) reject(error);
      else resolve(server);
    });
  });
}
