import { closeRedis, createRedis } from '../../../src/store/redis';
import { createElasticsearchClient } from '../../../src/store/elasticsearch';
import { StoriesRepository } from '../../../src/store/stories.repository';
import type { LshRepository } from '../../../src/store/lsh.repository';
import { createTestContext, type TestContext } from '../../support/context';
import {
  ORIGINALS,
  cluster,
  corpus,
  lightEdit,
  lshRepository,
  partition,
  postDoc,
  shuffled,
  stageFor,
} from './helpers';
import type { Redis } from 'ioredis';
import type { Client } from '@elastic/elasticsearch';

/** A "worker": its own Redis connection and Elasticsearch client, like a separate process. */
interface Worker {
  redis: Redis;
  es: Client;
}

describe('clustering with several workers', () => {
  let one: TestContext;
  let four: TestContext;
  let race: TestContext;
  const workers: Worker[] = [];

  beforeAll(async () => {
    one = await createTestContext('cluster-1w');
    four = await createTestContext('cluster-4w');
    race = await createTestContext('cluster-race');
    for (let i = 0; i < 8; i++) {
      workers.push({
        redis: createRedis(four.connections.redisUrl, `cluster-test-${i}`),
        es: createElasticsearchClient(four.connections.elasticsearch),
      });
    }
  });
  afterAll(async () => {
    for (const w of workers) {
      await closeRedis(w.redis);
      await w.es.close();
    }
    await one.cleanup();
    await four.cleanup();
    await race.cleanup();
  });

  it('copies and edits of one text arriving at the same moment on 8 workers make exactly one story', async () => {
    for (const [round, original] of ORIGINALS.entries()) {
      const docs = workers.map((_, i) =>
        postDoc(
          `@race${round}-${i}`,
          '1',
          i % 2 === 0 ? original : lightEdit(original, i),
          `2024-05-0${round + 1}T10:0${i}:00.000Z`,
        ),
      );
      const results = await Promise.all(
        workers.map((w, i) => {
          const doc = docs[i];
          const stage = stageFor(w.redis, w.es, race.config.queuePrefix, race.config.indexPrefix);
          return doc
            ? cluster(stage, [doc], `race-${round}-${i}`)
            : Promise.resolve(new Map<string, string>());
        }),
      );
      const storyIds = new Set(results.flatMap((r) => [...r.values()]));
      expect(storyIds.size).toBe(1);
      const stories = new StoriesRepository(race.es, race.config.indexPrefix);
      await stories.refresh();
      const active = await stories.list({ text: original.split(' ').slice(0, 6).join(' '), size: 50 });
      const mine = active.items.filter((s) => s.members.some((m) => docs.some((d) => d.id === m.postId)));
      expect(mine.map((s) => s.id)).toEqual([...storyIds]);
      expect(mine[0]?.size).toBe(workers.length);
      expect(mine[0]?.patientZero).toBe(docs[0]?.id);
    }
  });

  it('the same input clustered by 1 worker and by 4 concurrent workers gives the same stories', async () => {
    const items = shuffled(corpus(12, '2024-06-01'), 42);
    const docs = items.map((i) => i.doc);
    const batches = (size: number) =>
      Array.from({ length: Math.ceil(docs.length / size) }, (_, i) => docs.slice(i * size, (i + 1) * size));

    const single = new Map<string, string>();
    const stage1 = stageFor(one.redis, one.es, one.config.queuePrefix, one.config.indexPrefix);
    for (const [i, batch] of batches(5).entries()) {
      for (const [post, story] of await cluster(stage1, batch, `one-${i}`)) single.set(post, story);
    }

    const multi = new Map<string, string>();
    const queue = batches(5).map((batch, i) => ({ batch, key: `four-${i}` }));
    await Promise.all(
      workers.slice(0, 4).map(async (w) => {
        const stage = stageFor(w.redis, w.es, four.config.queuePrefix, four.config.indexPrefix);
        for (let job = queue.shift(); job; job = queue.shift()) {
          for (const [post, story] of await cluster(stage, job.batch, job.key)) multi.set(post, story);
        }
      }),
    );
    // Story ids a post got at its time may have been merged since: compare current stories.
    const resolveAll = async (lsh: LshRepository, map: Map<string, string>) => {
      const roots = await lsh.resolve([...map.values()]);
      return new Map([...map].map(([post, story]) => [post, roots.get(story) ?? story]));
    };
    const a = await resolveAll(lshRepository(one.redis, one.config.queuePrefix), single);
    const b = await resolveAll(lshRepository(four.redis, four.config.queuePrefix), multi);
    expect(partition(b)).toEqual(partition(a));
    // And the partition is the ground truth: one story per original.
    const truth = new Map(items.map((i) => [i.doc.id, String(i.story)]));
    expect(partition(a)).toEqual(partition(truth));

    const storiesOne = new StoriesRepository(one.es, one.config.indexPrefix);
    const storiesFour = new StoriesRepository(four.es, four.config.indexPrefix);
    for (const group of partition(a)) {
      const s1 = await storiesOne.get(a.get(group[0] ?? '') ?? '');
      const s4 = await storiesFour.get(b.get(group[0] ?? '') ?? '');
      expect(s4?.patientZero).toBe(s1?.patientZero);
      expect(s4?.size).toBe(s1?.size);
      expect(s4?.size).toBe(group.length);
      expect(s4?.representativeText).toBe(s1?.representativeText);
    }
  });
});
