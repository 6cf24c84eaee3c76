import type { Server } from 'node:http';
import { startApi } from '../../src/main/api';
import { createPipeline, type Pipeline } from '../../src/main/pipeline';
import type { PipelineWorkers } from '../../src/pipeline/runner';
import { KeysRepository } from '../../src/store/keys.repository';
import { createTestContext, type TestContext } from '../support/context';
import { waitForRunSettled } from '../support/pipeline';

const post = (externalId: string, text: string) => ({
  platform: 'vk',
  channel: '-100200',
  externalId,
  text,
  publishedAt: '2024-05-06T08:00:00+03:00',
});

describe('POST /api/v1/posts', () => {
  let context: TestContext;
  let pipeline: Pipeline;
  let workers: PipelineWorkers;
  let server: Server;
  let base: string;
  let ingestKey: string;
  let analystKey: string;

  beforeAll(async () => {
    context = await createTestContext('push');
    pipeline = createPipeline(context);
    workers = await pipeline.startWorkers();
    server = await startApi(context, pipeline, 0);
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v1`;
    const keys = new KeysRepository(context.redis, context.config.queuePrefix);
    ingestKey = (await keys.create('collector', 'ingest')).token;
    analystKey = (await keys.create('analyst', 'analyst')).token;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await workers.close();
    await pipeline.close();
    await context.cleanup();
  });

  const push = (body: unknown, key = ingestKey) =>
    fetch(`${base}/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('indexes valid posts, rejects invalid ones with reasons, and accounts for every item', async () => {
    const response = await push({
      posts: [
        post('1', 'В Коврове третий день нет горячей воды'),
        post('2', 'На улице Ленина открыли новый сквер'),
        { ...post('3', 'без даты'), publishedAt: 'вчера' },
        post('4', '   '),
      ],
    });
    expect(response.status).toBe(202);
    const result = (await response.json()) as {
      runId: string;
      queued: number;
      rejected: { index: number; code: string }[];
    };
    expect(result.queued).toBe(2);
    expect(result.rejected.map((item) => [item.index, item.code])).toEqual([
      [2, 'schema'],
      [3, 'empty_text'],
    ]);
    const run = await waitForRunSettled(pipeline, result.runId, 4);
    expect(run).toMatchObject({ accepted: 2, indexed: 2, rejected: 2, duplicate: 0 });
    await context.posts.refresh();
    expect(await context.posts.count()).toBe(2);

    const status = await fetch(`${base}/runs/${result.runId}`, {
      headers: { authorization: `Bearer ${ingestKey}` },
    });
    expect(await status.json()).toMatchObject({ runId: result.runId, indexed: 2, rejected: 2 });
  });

  it('pushing the same posts again adds nothing and counts duplicates', async () => {
    const response = await push({ posts: [post('1', 'В Коврове третий день нет горячей воды')] });
    const { runId } = (await response.json()) as { runId: string };
    const run = await waitForRunSettled(pipeline, runId, 1);
    expect(run).toMatchObject({ accepted: 0, duplicate: 1 });
    await context.posts.refresh();
    expect(await context.posts.count()).toBe(2);
  });

  it('admits a post that comes twice in one request once, the first copy, and the run reconciles', async () => {
    const response = await push({
      posts: [
        post('5', 'Во Владимире закрыли мост на ремонт'),
        post('5', 'Во Владимире закрыли мост (правка)'),
      ],
    });
    const { runId, queued } = (await response.json()) as { runId: string; queued: number };
    expect(queued).toBe(2);
    const run = await waitForRunSettled(pipeline, runId, 2);
    expect(run).toMatchObject({ accepted: 1, duplicate: 1, indexed: 1, refused: 0 });
    await context.posts.refresh();
    expect(await context.posts.count()).toBe(3);
  });

  it('refuses requests without a key, with a wrong role, too large or malformed', async () => {
    const anonymous = await fetch(`${base}/posts`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await push({ posts: [post('9', 'x')] }, analystKey)).status).toBe(403);
    expect((await push({ posts: [post('9', 'x')] }, 'dz_0000000000000000_bad')).status).toBe(401);

    const huge = await push({ posts: [post('10', 'я'.repeat(6 * 1024 * 1024))] });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'entity_too_large' } });

    const malformed = await push('{"posts": [');
    expect(malformed.status).toBe(400);
    const body = await malformed.text();
    expect(body).not.toContain('at JSON.parse');

    expect((await push({ posts: [] })).status).toBe(400);
    expect((await push({ posts: [post('11', 'ok')], extra: true })).status).toBe(400);
  });

  it('refuses a revoked key at once', async () => {
    const keys = new KeysRepository(context.redis, context.config.queuePrefix);
    const { token, info } = await keys.create('temporary', 'ingest');
    expect((await push({ posts: [post('12', 'текст')] }, token)).status).toBe(202);
    await keys.revoke(info.id);
    expect((await push({ posts: [post('13', 'текст')] }, token)).status).toBe(401);
  });
});
