import type { Server } from 'node:http';
import { startApi } from '../../src/main/api';
import { createPipeline, type Pipeline } from '../../src/main/pipeline';
import { aliasName } from '../../src/store/indices';
import { KeysRepository } from '../../src/store/keys.repository';
import { createTestContext, type TestContext } from '../support/context';

describe('health endpoints', () => {
  let context: TestContext;
  let pipeline: Pipeline;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    context = await createTestContext('health');
    pipeline = createPipeline(context);
    server = await startApi(context, pipeline, 0);
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await pipeline.close();
    await context.cleanup();
  });

  it('answers /healthz without a key and tags the response with a request id', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
  });

  it('reports ready when Redis answers and every index exists', async () => {
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'redis', ok: true },
        { name: 'elasticsearch', ok: true },
      ],
    });
  });

  it('reports not ready, naming the missing index, when an index disappears', async () => {
    const index = `${aliasName(context.config.indexPrefix, 'alerts')}-v1`;
    await context.es.indices.delete({ index });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(JSON.stringify(await response.json())).toContain('missing indices: alerts');
  });

  it('refuses unknown API routes without a key, so probing reveals nothing', async () => {
    const response = await fetch(`${base}/api/v1/nothing`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('answers unknown routes with the common error body when the key is valid', async () => {
    const { token } = await new KeysRepository(context.redis, context.config.queuePrefix).create(
      'probe',
      'analyst',
    );
    const response = await fetch(`${base}/api/v1/nothing`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'not_found', message: 'No route for GET /api/v1/nothing' },
    });
  });
});
