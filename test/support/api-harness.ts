import type { Server } from 'node:http';
import { ROLES, type Role } from '../../src/auth/roles';
import { startApi } from '../../src/main/api';
import { createPipeline, type Pipeline } from '../../src/main/pipeline';
import { KeysRepository } from '../../src/store/keys.repository';
import { createTestContext, type TestContext } from './context';

/** The real API on a loopback port with its own prefixes and one key per role (the API test and drills 5–7). */
export interface ApiHarness {
  context: TestContext;
  pipeline: Pipeline;
  server: Server;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  keys: Record<Role, string>;
  keyIds: Record<Role, string>;
  /** A request to `/api/v1<path>` with a role's key (or a raw token, or none). */
  call(
    method: string,
    path: string,
    who: Role | { token: string } | undefined,
    body?: unknown,
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startApiHarness(label: string, env: Record<string, string> = {}): Promise<ApiHarness> {
  const context = await createTestContext(label, env);
  const pipeline = createPipeline(context);
  const server = await startApi(context, pipeline, 0);
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const repo = new KeysRepository(context.redis, context.config.queuePrefix);
  const keys = {} as Record<Role, string>;
  const keyIds = {} as Record<Role, string>;
  for (const role of ROLES) {
    const { token, info } = await repo.create(`drill ${role}`, role);
    keys[role] = token;
    keyIds[role] = info.id;
  }
  return {
    context,
    pipeline,
    server,
    origin,
    keys,
    keyIds,
    call(method, path, who, body) {
      const token = who === undefined ? undefined : typeof who === 'string' ? keys[who] : who.token;
      return fetch(`${origin}/api/v1${path}`, {
        method,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pipeline.close();
      await context.cleanup();
    },
  };
}
