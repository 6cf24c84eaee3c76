import { errors } from '@elastic/elasticsearch';
import type { PostDocument } from '../../../src/domain/post-document';
import { aliasTargets } from '../../../src/store/index-manager';
import {
  INDEX_DEFINITIONS,
  VECTOR_DIMS,
  aliasName,
  versionedIndexName,
  type IndexDefinition,
} from '../../../src/store/indices';
import { migrateIndex, type MigrationProgress } from '../../../src/store/migration';
import { runCli } from '../../support/cli';
import { createTestContext, type TestContext } from '../../support/context';
import { sleep } from '../../support/drill';
import { makePosts } from '../../support/posts';

/** The mapping change of the drill: posts v2 gain a keyword field that v1 ignored (dynamic: false). */
const postsV2: IndexDefinition = {
  ...INDEX_DEFINITIONS.posts,
  version: 2,
  mappings: {
    ...INDEX_DEFINITIONS.posts.mappings,
    properties: { ...INDEX_DEFINITIONS.posts.mappings.properties, reviewTag: { type: 'keyword' } },
  },
};

function vectorOf(i: number): number[] {
  return Array.from({ length: VECTOR_DIMS }, (_, d) => Math.sin(i * 7 + d) + 1.5);
}

/** Indexed documents with a vector, a revision in `channelTitle`, and a `reviewTag` v1 does not index. */
function documents(from: number, count: number, revision = 0): PostDocument[] {
  return makePosts(count, '@migration_drill', Date.UTC(2024, 2, 1) + from * 60_000).map((post, i) => ({
    ...post,
    id: `m-${from + i}`,
    channelTitle: `rev ${revision}`,
    textClean: post.text,
    lemmas: [],
    lang: 'ru',
    hashtags: [],
    mentions: [],
    urls: [],
    fingerprint: `fp-${from + i}`,
    ingestedAt: new Date().toISOString(),
    vector: vectorOf(from + i),
    reviewTag: `tag-${(from + i) % 5}`,
  }));
}

/**
 * Drill 9 (issue 8): a mapping change rolls `posts-v1` to `posts-v2` behind the alias with Dozor's own
 * point-in-time + bulk copy, while a reader reads through the alias without pause and a writer keeps
 * adding, changing and deleting posts through it.
 */
describe('drill: index migration behind the alias', () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext('drill-migrate');
  });
  afterAll(async () => {
    await context.cleanup();
  });

  it('readers never see an error or a missing post, and no write made during the migration is lost', async () => {
    const { es, posts } = context;
    const prefix = context.config.indexPrefix;
    const alias = aliasName(prefix, 'posts');
    const seeded = documents(0, 3000);
    expect((await posts.bulkUpsert(seeded, true)).failed).toEqual([]);

    // What writers were told succeeded: id → revision of its last acknowledged write.
    const acknowledged = new Map(seeded.map((doc) => [doc.id, 0]));
    const deleted = new Set<string>();
    const readable = seeded.slice(1000).map((doc) => doc.id); // never deleted or rewritten by the drill
    const readerErrors: string[] = [];
    let reads = 0;
    const loops = { done: false };

    const reader = (async () => {
      while (!loops.done) {
        try {
          const sample = Array.from(
            { length: 50 },
            () => readable[Math.floor(Math.random() * readable.length)] ?? '',
          );
          const found = await posts.existingIds(sample);
          const missing = sample.filter((id) => !found.has(id));
          if (missing.length > 0) readerErrors.push(`missing ${missing.length}: ${missing[0] ?? ''}`);
          const count = await posts.count();
          if (count < readable.length) readerErrors.push(`count ${count} < ${readable.length}`);
        } catch (error) {
          readerErrors.push(String(error));
        }
        reads++;
      }
    })();

    let writes = 0;
    const writer = (async () => {
      let next = seeded.length;
      let revision = 1;
      while (!loops.done) {
        const fresh = documents(next, 20);
        next += 20;
        // Rewrite some of the first thousand posts with a newer revision, delete a few others.
        const rewritten = documents((revision * 7) % 890, 10, revision);
        const result = await posts.bulkUpsert([...fresh, ...rewritten]);
        expect(result.failed).toEqual([]);
        for (const doc of fresh) acknowledged.set(doc.id, 0);
        for (const doc of rewritten) acknowledged.set(doc.id, revision);
        const victim = seeded[900 + (revision % 100)]?.id;
        if (victim !== undefined && !deleted.has(victim)) {
          // A single-document write during the freeze is answered 429; its caller retries (a pipeline job
          // by BullMQ's back-off, an API client on the error it gets).
          for (;;) {
            try {
              await posts.deleteById(victim);
              break;
            } catch (error) {
              if (!(error instanceof errors.ResponseError && error.statusCode === 429)) throw error;
              await sleep(50);
            }
          }
          deleted.add(victim);
          acknowledged.delete(victim);
        }
        revision++;
        writes++;
        await sleep(20);
      }
    })();

    const phases = new Set<MigrationProgress['phase']>();
    let writesByEnd: number;
    let migrated;
    try {
      await sleep(300);
      migrated = await migrateIndex(es, prefix, postsV2, {
        batchSize: 250,
        onProgress: (progress) => phases.add(progress.phase),
      });
      writesByEnd = writes;
      await sleep(500); // the writer goes on against the new index
    } finally {
      loops.done = true;
      await Promise.allSettled([reader, writer]);
    }
    await writer; // a write refused for good fails the drill here
    const result = migrated;

    expect(readerErrors).toEqual([]);
    expect(reads).toBeGreaterThan(20);
    expect(writes).toBeGreaterThan(writesByEnd);
    expect(result.from).toBe(`${alias}-v1`);
    expect(result.to).toBe(versionedIndexName(prefix, postsV2));
    expect(result.passes).toBeGreaterThanOrEqual(3);
    expect([...phases]).toEqual(['copy', 'catch-up', 'frozen', 'switched']);
    expect(await aliasTargets(es, alias)).toEqual([result.to]);

    // Every acknowledged write is in the new index, at its last revision; deleted posts stay deleted.
    await posts.refresh();
    const stored = new Map<string, string | undefined>();
    for (let i = 0; i < acknowledged.size; i += 1000) {
      const ids = [...acknowledged.keys()].slice(i, i + 1000);
      const response = await es.mget<PostDocument>({ index: alias, ids, _source: ['channelTitle'] });
      for (const doc of response.docs) {
        if ('found' in doc && doc.found) stored.set(doc._id, doc._source?.channelTitle);
      }
    }
    const wrong = [...acknowledged].filter(([id, revision]) => stored.get(id) !== `rev ${revision}`);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(await posts.count()).toBe(acknowledged.size);
    expect((await posts.existingIds([...deleted])).size).toBe(0);
    expect(deleted.size).toBeGreaterThan(0);

    // Embeddings came along (ES 9 leaves them out of `_source` unless asked), and the new field is live.
    const withVector = await es.count({ index: alias, query: { exists: { field: 'vector' } } });
    expect(withVector.count).toBe(acknowledged.size);
    const tagged = await es.count({ index: alias, query: { term: { reviewTag: 'tag-3' } } });
    expect(tagged.count).toBe([...acknowledged.keys()].filter((id) => Number(id.slice(2)) % 5 === 3).length);

    // The old index is kept, read-only, for a rollback.
    const oldWrite = es.index({ index: result.from, id: 'late', document: { id: 'late' } });
    await expect(oldWrite).rejects.toThrow(/cluster_block_exception/);
  });

  it('`dozor migrate` moves an index left at an older version and reports progress', async () => {
    const { es } = context;
    const prefix = context.config.indexPrefix;
    const env = {
      ...process.env,
      DOZOR_INDEX_PREFIX: prefix,
      DOZOR_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    };
    const stories = aliasName(prefix, 'stories');
    const current = versionedIndexName(prefix, INDEX_DEFINITIONS.stories);
    // A stories index as an older release left it: version 0, behind the alias.
    await es.indices.delete({ index: current });
    await es.indices.create({
      index: `${stories}-v0`,
      mappings: INDEX_DEFINITIONS.stories.mappings,
      aliases: { [stories]: { is_write_index: true } },
    });
    const operations = Array.from({ length: 1500 }, (_, i) => [
      { index: { _index: stories, _id: `s${i}` } },
      { id: `s${i}`, title: `история ${i}`, size: i },
    ]).flat();
    expect((await es.bulk({ operations, refresh: true })).errors).toBe(false);

    const dry = await runCli(['migrate', '--index', 'stories', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain(`${stories}: ${stories}-v0 -> ${current}`);
    expect(await aliasTargets(es, stories)).toEqual([`${stories}-v0`]);

    const run = await runCli(['migrate', '--index', 'stories', '--batch-size', '500', '--drop-old'], env);
    expect(run.stderr).toMatch(/stories: switched, pass \d+, [\d,]+\/1,500 copied/);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ name: 'stories', to: current, deletesCarried: 0 });
    expect(await aliasTargets(es, stories)).toEqual([current]);
    expect((await es.count({ index: stories })).count).toBe(1500);
    expect(await es.indices.exists({ index: `${stories}-v0` })).toBe(false);

    const again = await runCli(['migrate', '--index', 'stories'], env);
    expect(again.stderr).toContain('every index is at its current version');
  });
});
