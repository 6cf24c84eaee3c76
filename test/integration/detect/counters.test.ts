import { BurstsRepository } from '../../../src/store/bursts.repository';
import { SourceSightingsRepository } from '../../../src/store/source-sightings.repository';
import { TrendsRepository, type TrendPost } from '../../../src/store/trends.repository';
import { createTestContext, type TestContext } from '../../support/context';

const T = Date.parse('2025-02-05T05:00:00Z');
const MIN = 60_000;

describe('detector counters against the real Redis', () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext('counters');
  });
  afterAll(async () => {
    await context.cleanup();
  });

  it('counts a retried batch once, and reports the window, the previous window and distinct sources', async () => {
    const bursts = new BurstsRepository(context.redis, context.config.queuePrefix, { baselineDays: 7 });
    const key = 'kameshkovsky|water';
    const events = Array.from({ length: 10 }, (_, i) => ({
      key,
      postId: `p${i}`,
      // Two posts from the same resident: ten posts, nine voices.
      sourceKey: `vk:-1:${i === 9 ? 'resident-0' : `resident-${i}`}`,
      at: T + i * 3 * MIN,
      ...(i === 0 ? { figures: { people: 2000, weight: 0.5 } } : {}),
      evidence: JSON.stringify({ postId: `p${i}` }),
    }));
    const early = { key, postId: 'old', sourceKey: 'vk:-1:x', at: T - 90 * MIN };
    await bursts.record([early, ...events]);
    await bursts.record(events);
    const [stats] = await bursts.stats([{ key, at: T + 27 * MIN }], 60 * MIN);
    expect(stats?.windowPosts).toBe(10);
    expect(stats?.previousWindowPosts).toBe(1);
    expect(stats?.windowSources).toBe(9);
    expect(stats?.dayPosts).toBe(11);
    expect(stats?.firstInWindow).toBe(T);
    expect(stats?.figures).toEqual([{ people: 2000, weight: 0.5 }]);
    expect([...(stats?.hourly.values() ?? [])].reduce((a, b) => a + b, 0)).toBe(11);
  });

  it('adds each post to the trend counts once, whatever batches it arrives in', async () => {
    const trends = new TrendsRepository(context.redis, context.config.queuePrefix, { keepDays: 35 });
    const hour = Math.floor(T / 3_600_000) * 3_600_000;
    const day = Math.floor(T / 86_400_000) * 86_400_000;
    // Ten posts of two stories; four are about water and name «вода», two of those «авария» too.
    const posts: TrendPost[] = Array.from({ length: 10 }, (_, i) => ({
      postId: `p${i}`,
      hour,
      day,
      storyId: i % 2 === 0 ? 's1' : 's2',
      topics: i < 4 ? ['water'] : [],
      terms: i < 2 ? ['вода', 'авария'] : i < 4 ? ['вода'] : [],
    }));
    expect(await trends.add(posts)).toBe(10);
    expect(await trends.add(posts)).toBe(0); // the batch retried
    // The halves of a split batch holding three counted posts and two new ones: only the new ones count.
    const fresh = ['n1', 'n2'].map((postId) => ({ ...posts[0], postId, storyId: 's1' }) as TrendPost);
    expect(await trends.add([posts[0], fresh[0]].filter((p) => p !== undefined))).toBe(1);
    expect(await trends.add([posts[1], posts[2], fresh[1]].filter((p) => p !== undefined))).toBe(1);
    expect((await trends.hourly([hour, hour - 3_600_000])).get(hour)).toEqual({ '*': 12, water: 6 });
    expect(await trends.distinctStories([{ topic: 'water', hours: [hour, hour - 3_600_000] }])).toEqual([2]);
    expect([...(await trends.terms('water', [day], 5))]).toEqual([
      ['вода', 6],
      ['авария', 4],
    ]);
  });

  it('remembers the earliest sighting of a channel whatever order batches come in', async () => {
    const sightings = new SourceSightingsRepository(context.redis, context.config.queuePrefix);
    await sightings.sight(new Map([['telegram:@a', T]]));
    const { first, since } = await sightings.sight(
      new Map([
        ['telegram:@a', T + MIN],
        ['telegram:@b', T - MIN],
      ]),
    );
    expect(first.get('telegram:@a')).toBe(T);
    expect(first.get('telegram:@b')).toBe(T - MIN);
    expect(since).toBe(T - MIN);
  });
});
