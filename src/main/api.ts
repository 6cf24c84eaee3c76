import type { Server } from 'node:http';
import { createApp } from '../api/app';
import { KeysRepository } from '../store/keys.repository';
import { checkReadiness, type Context } from './context';
import type { Pipeline } from './pipeline';

/** Starts the HTTP API on the configured host and port; resolves once it listens. */
export function startApi(
  context: Context,
  pipeline: Pipeline,
  port = context.config.api.port,
): Promise<Server> {
  const app = createApp({
    logger: context.logger,
    readiness: () => checkReadiness(context),
    keys: new KeysRepository(context.redis, context.config.queuePrefix),
    ledger: pipeline.ledger,
    producer: (source) => pipeline.producer(source),
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(port, context.config.api.host, (error?: Error) => {
      if (error) reject(error);
      else resolve(server);
    });
  });
}
