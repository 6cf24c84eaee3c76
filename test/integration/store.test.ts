import type { PostDocument } from '../../src/domain/post-document';
import { postId } from '../../src/domain/post';
import { aliasName } from '../../src/store/indices';
import { missingIndices } from '../../src/store/index-manager';
import { createTestContext, type TestContext } from '../support/context';

function doc(externalId: string, lemmas: string[]): PostDocument {
  const text = lemmas.join(' ');
  return {
    id: postId('telegram', '@test', externalId),
    platform: 'telegram',
    channel: '@test',
    externalId,
    text,
    textClean: text,
    lemmas,
    lang: 'ru',
    hashtags: [],
    mentions: [],
    urls: [],
    fingerprint: `fp-${externalId}`,
    publishedAt: '2024-03-01T10:00:00.000Z',
    ingestedAt: new Date().toISOString(),
    vector: Array.from({ length: 384 }, (_, i) => (i === Number(externalId) ? 1 : 0)),
  };
}

describe('store against the real Elasticsearch and Redis', () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext('store');
  });
  afterAll(async () => {
    await context.cleanup();
  });

  it('creates every index behind its alias at start-up', async () => {
    expect(await missingIndices(context.es, context.config.indexPrefix)).toEqual([]);
    const aliases = await context.es.indices.getAlias({
      name: aliasName(context.config.indexPrefix, 'posts'),
    });
    expect(Object.keys(aliases)).toEqual([`${context.config.indexPrefix}-posts-v1`]);
  });

  it('writes, reads, searches by lemma and deletes posts', async () => {
    const docs = [doc('1', ['отключение', 'вода', 'ковров']), doc('2', ['ремонт', 'дорога', 'муром'])];
    const result = await context.posts.bulkUpsert(docs, true);
    expect(result.failed).toEqual([]);
    expect(result.written.sort()).toEqual(docs.map((d) => d.id).sort());

    expect((await context.posts.get(docs[0]?.id ?? ''))?.lemmas).toEqual(['отключение', 'вода', 'ковров']);
    const found = await context.posts.searchLemmas(['вода', 'ковров']);
    expect(found.hits.map((hit) => hit.externalId)).toEqual(['1']);

    await context.posts.deleteById(docs[0]?.id ?? '');
    expect(await context.posts.get(docs[0]?.id ?? '')).toBeUndefined();
  });

  it('upserting the same post twice keeps one document', async () => {
    const first = doc('7', ['пожар']);
    await context.posts.bulkUpsert([first], true);
    await context.posts.bulkUpsert([{ ...first, textClean: 'пожар потушен' }], true);
    expect(await context.posts.existingIds([first.id, 'absent'])).toEqual(new Set([first.id]));
    expect((await context.posts.get(first.id))?.textClean).toBe('пожар потушен');
    expect(await context.posts.count()).toBe(2);
  });

  it('reports documents Elasticsearch refuses instead of dropping them silently', async () => {
    const bad = { ...doc('9', ['x']), publishedAt: 'not a date' };
    const result = await context.posts.bulkUpsert([bad], true);
    expect(result.written).toEqual([]);
    expect(result.failed).toEqual([expect.objectContaining({ id: bad.id, status: 400 })]);
  });

  it('waits out an index blocked for writes instead of refusing the documents', async () => {
    const posts = aliasName(context.config.indexPrefix, 'posts');
    const blocked = { ...doc('10', ['мост']) };
    await context.es.indices.putSettings({ index: posts, settings: { 'index.blocks.write': true } });
    const writing = context.posts.bulkUpsert([blocked], true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await context.es.indices.putSettings({ index: posts, settings: { 'index.blocks.write': null } });
    expect(await writing).toEqual({ written: [blocked.id], failed: [] });
    expect(await context.posts.existingIds([blocked.id])).toEqual(new Set([blocked.id]));
  });

  it('reads and writes Redis through the shared connection', async () => {
    const key = `${context.config.queuePrefix}:probe`;
    await context.redis.set(key, 'да');
    expect(await context.redis.get(key)).toBe('да');
  });
});
