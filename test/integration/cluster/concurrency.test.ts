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
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { PostDocument } from '../../../src/domain/post-document';
import { syntheticPosts } from '../../../scripts/eval/stories-corpus';

/**
 * Clusters `batches` with `n` separate worker processes (see cluster-worker.ts) released at the same
 * moment; returns post id → story id as each process saw it.
 */
async function clusterInProcesses(
  context: TestContext,
  batches: readonly (readonly PostDocument[])[],
  n: number,
): Promise<Map<string, string>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dozor-cluster-'));
  const file = path.join(dir, 'batches.json');
  writeFileSync(file, JSON.stringify(batches));
  try {
    const children = Array.from({ length: n }, (_, k) =>
      spawn(
        process.execPath,
        ['--import', 'tsx', path.join(__dirname, 'cluster-worker.ts'), file, String(k), String(n)],
        {
          env: {
            ...process.env,
            DOZOR_INDEX_PREFIX: context.config.indexPrefix,
            DOZOR_QUEUE_PREFIX: context.config.queuePrefix,
            DOZOR_MODELS: 'off',
          },
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      ),
    );
    const outputs = children.map((child) => {
      const lines = createInterface({ input: child.stdout });
      const ready = new Promise<void>((resolve) => {
        lines.once('line', () => {
          resolve();
        });
      });
      const result = new Promise<string>((resolve, reject) => {
        let last = '';
        lines.on('line', (line) => (last = line));
        child.on('exit', (code) => {
          if (code === 0) resolve(last);
          else reject(new Error(`worker exited with ${String(code)}`));
        });
      });
      return { ready, result };
    });
    await Promise.all(outputs.map((o) => o.ready));
    for (const child of children) child.stdin.end('go\n');
    const out = new Map<string, string>();
    for (const text of await Promise.all(outputs.map((o) => o.result))) {
      for (const [post, story] of JSON.parse(text) as [string, string][]) out.set(post, story);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A "worker": its own Redis connection and Elasticsearch client, like a separate process. */
interface Worker {
  redis: Redis;
  es: Client;
}

describe('clustering with several workers', () => {
  let one: TestContext;
  let four: TestContext;
  let race: TestContext;
  let procOne: TestContext;
  let procFour: TestContext;
  const workers: Worker[] = [];

  beforeAll(async () => {
    one = await createTestContext('cluster-1w');
    four = await createTestContext('cluster-4w');
    race = await createTestContext('cluster-race');
    procOne = await createTestContext('cluster-p1');
    procFour = await createTestContext('cluster-p4');
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
    await procOne.cleanup();
    await procFour.cleanup();
  });

  const resolveAll = async (lsh: LshRepository, map: Map<string, string>) => {
    const roots = await lsh.resolve([...map.values()]);
    return new Map([...map].map(([post, story]) => [post, roots.get(story) ?? story]));
  };

  it('4 worker processes released at once: copies of one text racing each other still make one story each', async () => {
    // Every process gets one batch holding a copy or light edit of each original: all four claim
    // stories for the same texts at the same moment.
    const batches = [0, 1, 2, 3].map((k) =>
      ORIGINALS.map((original, story) =>
        postDoc(
          `@proc${k}-${story}`,
          '1',
          k % 2 === 0 ? `${original} ${'🔥'.repeat(k + 1)}` : lightEdit(original, k),
          `2024-07-0${story + 1}T10:0${k}:00.000Z`,
        ),
      ),
    );
    const seen = await clusterInProcesses(procFour, batches, 4);
    const current = await resolveAll(lshRepository(procFour.redis, procFour.config.queuePrefix), seen);
    for (const [story] of ORIGINALS.entries()) {
      const ids = new Set(batches.map((batch) => current.get(batch[story]?.id ?? '')));
      expect(ids.size).toBe(1);
    }
    expect(new Set(current.values()).size).toBe(ORIGINALS.length);
  });

  it('a synthetic corpus clustered by 1 worker and by 4 worker processes gives the same stories', async () => {
    // 800 posts of the synthetic corpus (template-made texts, copies, edits, paraphrases), shuffled so
    // that copies often arrive before their originals, in batches of 20.
    const docs = shuffled(
      [...syntheticPosts({ scenario: 'demo', seed: 'cluster-workers' })].slice(0, 800).map((p) => p.doc),
      7,
    );
    const batches = Array.from({ length: Math.ceil(docs.length / 20) }, (_, i) =>
      docs.slice(i * 20, (i + 1) * 20),
    );
    const single = new Map<string, string>();
    const stage = stageFor(procOne.redis, procOne.es, procOne.config.queuePrefix, procOne.config.indexPrefix);
    for (const [i, batch] of batches.entries()) {
      for (const [post, story] of await cluster(stage, batch, `single-${i}`)) single.set(post, story);
    }
    const multi = await clusterInProcesses(procFour, batches, 4);
    const a = await resolveAll(lshRepository(procOne.redis, procOne.config.queuePrefix), single);
    const b = await resolveAll(lshRepository(procFour.redis, procFour.config.queuePrefix), multi);
    expect(b.size).toBe(docs.length);
    expect(partition(b)).toEqual(partition(a));
    // Stories of several posts, not a trivial partition of singletons.
    expect(partition(a).filter((group) => group.length > 1).length).toBeGreaterThan(50);
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
