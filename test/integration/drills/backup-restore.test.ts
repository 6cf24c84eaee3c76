import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Detection } from '../../../src/alerts/detection';
import { postId } from '../../../src/domain/post';
import { recordDetection } from '../../../src/alerts/record';
import { assignAlert, commentAlert, transitionAlert } from '../../../src/alerts/review';
import { createPipeline, type Pipeline } from '../../../src/main/pipeline';
import { STAGES } from '../../../src/pipeline/jobs';
import type { PipelineWorkers } from '../../../src/pipeline/runner';
import { AlertsRepository } from '../../../src/store/alerts.repository';
import { AuditRepository } from '../../../src/store/audit.repository';
import { deleteSnapshot } from '../../../src/store/backup-snapshot';
import { deleteIndices } from '../../../src/store/index-manager';
import { INDEX_NAMES, aliasName } from '../../../src/store/indices';
import { KeysRepository } from '../../../src/store/keys.repository';
import { deleteKeysWithPrefix } from '../../../src/store/redis';
import { runCli } from '../../support/cli';
import { createTestContext, type TestContext } from '../../support/context';
import { drillCorpus, scrollPosts } from '../../support/drill';
import { waitForRunSettled } from '../../support/pipeline';
import { PrivateRedis } from '../../support/private-services';

const fake = (storyId: string, postCount: number): Detection => ({
  type: 'fake',
  subject: { kind: 'story', storyId },
  storyId,
  title: `Вероятный фейк: история ${storyId}`,
  summary: 'Вероятность фейка 91%.',
  severity: 'high',
  score: 0.91,
  signals: [{ code: 'coordination', text: 'Почти одинаковый текст', values: { suspects: postCount } }],
  evidence: { posts: [], sources: [], text: 'Текст кампании' },
  postCount,
  sourceCount: postCount,
  firstPostAt: '2024-05-01T00:00:00.000Z',
  detector: { name: 'fake', version: 'drill' },
});

/** The nodes' `path.repo` folders. */
async function pathRepo(es: Client): Promise<string[]> {
  const response = await es.nodes.info({ metric: 'settings', filter_path: 'nodes.*.settings.path.repo' });
  return Object.values(response.nodes).flatMap((node) => node.settings?.path?.repo ?? []);
}

/** Every document of an index (small ones), id → source as JSON. */
async function allDocuments(es: Client, index: string): Promise<Map<string, string>> {
  await es.indices.refresh({ index });
  const response = await es.search<Record<string, unknown>>({ index, size: 5000, sort: ['_doc'] });
  return new Map(response.hits.hits.map((hit) => [hit._id ?? '', JSON.stringify(hit._source)]));
}

/** A key's value in a comparable form (DUMP bytes are not: hash tables serialize in bucket order). */
async function valueOf(redis: Redis, key: string): Promise<unknown> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return [type, await redis.get(key)];
    case 'hash':
      return [type, Object.entries(await redis.hgetall(key)).sort()];
    case 'set':
      return [type, (await redis.smembers(key)).sort()];
    case 'zset':
      return [type, await redis.zrange(key, '0', '-1', 'WITHSCORES')];
    case 'list':
      return [type, await redis.lrange(key, 0, -1)];
    case 'stream':
      return [type, await redis.xrange(key, '-', '+')];
    default:
      return [type];
  }
}

/** Dozor's own Redis keys (not the queues' bookkeeping) below a prefix, with their values. */
async function ownKeys(redis: Redis, prefix: string): Promise<Map<string, unknown>> {
  const queues = new Set<string>([...STAGES, 'webhooks']);
  const out = new Map<string, unknown>();
  for await (const page of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
    for (const key of page as string[]) {
      const relative = key.slice(prefix.length + 1);
      if (queues.has(relative.split(':')[0] ?? '')) continue;
      out.set(relative, await valueOf(redis, key));
    }
  }
  return out;
}

/**
 * Drill 8 (issue 8): `dozor backup` takes an Elasticsearch snapshot and a Redis dump of a deployment with
 * posts, stories and reviewed alerts; the deployment is then destroyed, and `dozor restore` brings it
 * back under new prefixes into a fresh Redis. Everything is there, and the restored pipeline goes on.
 */
describe('drill: backup and restore', () => {
  let source: TestContext;
  let target: TestContext | undefined;
  let freshRedis: PrivateRedis | undefined;
  const pipelines: Pipeline[] = [];
  const workers: PipelineWorkers[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dozor-backup-drill-'));
  const repository = `drill-backups-${path.basename(dir).toLowerCase()}`;

  beforeAll(async () => {
    source = await createTestContext('drill-backup');
  });
  afterAll(async () => {
    await Promise.all(workers.map((running) => running.close()));
    await Promise.all(pipelines.map((pipeline) => pipeline.close()));
    await deleteSnapshot(source.es, repository, 'drill');
    await source.es.snapshot.deleteRepository({ name: repository }, { ignore: [404] });
    // Unregistering leaves the repository's folder; on the local server it is below path.repo here.
    for (const repoRoot of await pathRepo(source.es))
      rmSync(path.join(repoRoot, repository), { recursive: true, force: true });
    await source.cleanup();
    await target?.cleanup();
    await freshRedis?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores every post, story and alert with its review history, and the pipeline goes on', async () => {
    const corpus = drillCorpus('backup', { singles: 240, groups: 15, copies: 4 });
    const pipeline = createPipeline(source);
    pipelines.push(pipeline);
    workers.push(await pipeline.startWorkers());
    const producer = await pipeline.producer('drill');
    for (const post of corpus.posts) await producer.add({ kind: 'post', post });
    await producer.flush();
    await waitForRunSettled(pipeline, producer.runId, corpus.posts.length, 240_000);

    // Reviewed alerts on three stories, an API key and an audit entry.
    const posts = await scrollPosts(source.es, aliasName(source.config.indexPrefix, 'posts'));
    const storyOfGroup = corpus.groups.map((ids) => posts.get(ids[0] ?? '') ?? '');
    const alerts = new AlertsRepository(source.es, source.config.indexPrefix);
    for (const [i, storyId] of storyOfGroup.slice(0, 3).entries()) {
      const { doc } = await recordDetection(alerts, fake(storyId, 4), () => new Date());
      await assignAlert({ alerts }, { id: doc.id, assignee: 'analyst-1', by: 'lead' });
      await commentAlert({ alerts }, { id: doc.id, text: `Проверяю ${i}`, by: 'analyst-1' });
      await transitionAlert({ alerts }, { id: doc.id, to: 'in_review', by: 'analyst-1' });
      if (i === 0)
        await transitionAlert(
          { alerts },
          { id: doc.id, to: 'confirmed', by: 'analyst-1', note: 'Опровергнуто' },
        );
    }
    const { token } = await new KeysRepository(source.redis, source.config.queuePrefix).create(
      'drill',
      'analyst',
    );
    await new AuditRepository(source.redis, source.config.queuePrefix).record({
      at: new Date().toISOString(),
      keyId: 'k1',
      keyName: 'drill',
      role: 'analyst',
      method: 'POST',
      path: '/api/v1/alerts/a/transition',
      action: 'alert.transition',
      status: 200,
      requestId: 'r1',
    });

    const expected = new Map<string, Map<string, string>>();
    for (const name of INDEX_NAMES) {
      expected.set(name, await allDocuments(source.es, aliasName(source.config.indexPrefix, name)));
    }
    const expectedKeys = await ownKeys(source.redis, source.config.queuePrefix);
    expect(await source.redis.keys(`${source.config.queuePrefix}:*:de:*`)).not.toHaveLength(0);
    const ledger = await pipeline.ledger.counts();
    expect(expected.get('posts')?.size).toBe(corpus.posts.length);
    expect(expected.get('alerts')?.size).toBe(3);

    const sourceEnv = {
      ...process.env,
      DOZOR_INDEX_PREFIX: source.config.indexPrefix,
      DOZOR_QUEUE_PREFIX: source.config.queuePrefix,
      LOG_LEVEL: 'silent',
    };
    const backup = await runCli(
      ['backup', '--name', 'drill', '--dir', dir, '--repository', repository, '--location', repository],
      sourceEnv,
    );
    expect(backup.stderr).toMatch(/backup drill in [\d.]+ s: posts 300, stories \d+, alerts 3/);
    expect(backup.code).toBe(0);

    // The deployment is gone: indices and keys deleted, its workers stopped.
    await Promise.all(workers.splice(0).map((running) => running.close()));
    await deleteIndices(source.es, source.config.indexPrefix);
    await deleteKeysWithPrefix(source.redis, source.config.queuePrefix);

    // A fresh Redis and new prefixes; start-up has created empty indices there, as it would.
    freshRedis = await PrivateRedis.start('restore');
    target = await createTestContext('drill-restored', { REDIS_URL: freshRedis.url });
    const targetEnv = {
      ...process.env,
      REDIS_URL: freshRedis.url,
      DOZOR_INDEX_PREFIX: target.config.indexPrefix,
      DOZOR_QUEUE_PREFIX: target.config.queuePrefix,
      LOG_LEVEL: 'silent',
    };
    const restore = await runCli(['restore', dir], targetEnv);
    expect(restore.stderr).toMatch(/restored in [\d.]+ s: posts 300/);
    expect(restore.code).toBe(0);

    for (const name of INDEX_NAMES) {
      const restored = await allDocuments(target.es, aliasName(target.config.indexPrefix, name));
      expect({ name, docs: restored }).toEqual({ name, docs: expected.get(name) });
    }
    const reviewed = await new AlertsRepository(target.es, target.config.indexPrefix).list({});
    expect(reviewed.items.map((alert) => alert.status).sort()).toEqual([
      'confirmed',
      'in_review',
      'in_review',
    ]);
    expect(reviewed.items.every((alert) => alert.comments.length === 1 && alert.audit.length >= 4)).toBe(
      true,
    );
    expect(await ownKeys(target.redis, target.config.queuePrefix)).toEqual(expectedKeys);
    // Deduplication keys stay behind: restored without their jobs, they would make a queue drop those jobs.
    expect(await target.redis.keys(`${target.config.queuePrefix}:*:de:*`)).toHaveLength(0);
    expect(await new KeysRepository(target.redis, target.config.queuePrefix).verify(token)).toMatchObject({
      name: 'drill',
      role: 'analyst',
    });
    const audit = await new AuditRepository(target.redis, target.config.queuePrefix).page(10);
    expect(audit.items.map((entry) => entry.action)).toEqual(['alert.transition']);

    // The restored deployment goes on: a new copy of a story's post joins that story, the ledger adds up.
    const restoredPipeline = createPipeline(target);
    pipelines.push(restoredPipeline);
    expect(await restoredPipeline.ledger.counts()).toEqual(ledger);
    workers.push(await restoredPipeline.startWorkers());
    const original = corpus.posts.find((post) => post.id === corpus.groups[0]?.[0]);
    if (original === undefined) throw new Error('corpus without groups');
    const channel = '@drill_after_restore';
    const copy = { ...original, channel, externalId: '1', id: postId('telegram', channel, '1') };
    const after = await restoredPipeline.producer('after-restore');
    await after.add({ kind: 'post', post: copy });
    await after.flush();
    await waitForRunSettled(restoredPipeline, after.runId, 1);
    const copyDoc = await target.posts.get(copy.id);
    expect(copyDoc?.storyId).toBe(storyOfGroup[0]);
    expect((await restoredPipeline.ledger.counts()).indexed).toBe(ledger.indexed + 1);
  }, 300_000);
});
