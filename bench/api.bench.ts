/**
 * API latency at a fixed request rate (autocannon, loopback): the alert list and the post search, each
 * at 200 requests/s, with p50/p99 and errors. Seeds its own index prefix and removes it afterwards.
 *
 *   npx tsx bench/api.bench.ts            # BENCH_POSTS=20000 BENCH_SECONDS=10 by default
 *   BENCH_POSTS=100000 npx tsx bench/api.bench.ts
 */
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { alertDoc, postDoc } from '../test/integration/api/seed';
import { createTestContext } from '../test/support/context';
import { startApi } from '../src/main/api';
import { createPipeline } from '../src/main/pipeline';
import { AlertsRepository } from '../src/store/alerts.repository';
import { KeysRepository } from '../src/store/keys.repository';

const POSTS = Number(process.env.BENCH_POSTS ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATE = 200;
const ALERTS = 500;

const PLACES = [
  'Коврове',
  'Муроме',
  'Суздале',
  'Вязниках',
  'Гусь-Хрустальном',
  'Камешковском районе',
  'Кольчугине',
];
const PROBLEMS = [
  'третий день нет горячей воды',
  'огромная яма на дороге',
  'не вывозят мусор неделю',
  'не горят фонари во дворе',
  'отключили отопление в домах',
  'сломан лифт в подъезде',
  'затопило подвал после дождя',
  'автобус не пришёл утром',
];

async function main(): Promise<void> {
  const context = await createTestContext('bench-api', { API_RATE_LIMIT: '1000000', LOG_LEVEL: 'silent' });
  const pipeline = createPipeline(context);
  try {
    const start = Date.now() - POSTS * 60_000;
    const seedStarted = Date.now();
    for (let offset = 0; offset < POSTS; offset += 5000) {
      const batch = Array.from({ length: Math.min(5000, POSTS - offset) }, (_, j) => {
        const i = offset + j;
        return postDoc(
          String(i),
          `Жители пишут: в ${PLACES[i % PLACES.length] ?? ''} ${PROBLEMS[(i * 7) % PROBLEMS.length] ?? ''}, обращение № ${i}.`,
          new Date(start + i * 60_000).toISOString(),
          { channel: `@channel_${i % 300}`, topics: [`тема ${i % 12}`] },
        );
      });
      await context.posts.bulkUpsert(batch);
    }
    const alerts = new AlertsRepository(context.es, context.config.indexPrefix);
    for (let i = 0; i < ALERTS; i++) {
      await alerts.create(
        alertDoc(
          'fake',
          { kind: 'story', storyId: `s${i}` },
          { title: `Фейк номер ${i}`, firstPostAt: new Date(start).toISOString() },
        ),
      );
    }
    await context.posts.refresh();
    await alerts.refresh();
    process.stderr.write(
      `seeded ${POSTS} posts and ${ALERTS} alerts in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s\n`,
    );

    const server = await startApi(context, pipeline, 0);
    const { port } = server.address() as AddressInfo;
    const token = (
      await new KeysRepository(context.redis, context.config.queuePrefix).create('bench', 'analyst')
    ).token;
    const headers = { authorization: `Bearer ${token}` };
    const targets = [
      { name: 'alert list', path: '/api/v1/alerts?type=fake&status=new,in_review&limit=20' },
      {
        name: 'post search',
        path: `/api/v1/posts?q=${encodeURIComponent('нет горячей воды Ковров')}&limit=20`,
      },
    ];
    try {
      // Warm-up of every target first: JIT, ES caches and the merges that follow bulk indexing settle.
      for (const target of targets) {
        await autocannon({
          url: `http://127.0.0.1:${port}${target.path}`,
          headers,
          connections: 4,
          amount: 500,
        });
      }
      for (const target of targets) {
        const result = await autocannon({
          url: `http://127.0.0.1:${port}${target.path}`,
          headers,
          connections: 20,
          overallRate: RATE,
          duration: SECONDS,
        });
        process.stdout.write(
          `${target.name.padEnd(12)} ${RATE} req/s for ${SECONDS} s on ${POSTS} posts: ` +
            `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms, ` +
            `${result.requests.total} requests, errors ${result.errors}, non-2xx ${result.non2xx}, timeouts ${result.timeouts}\n`,
        );
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  } finally {
    await pipeline.close();
    await context.cleanup();
  }
}

void main();
