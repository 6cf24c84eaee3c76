import { createTestContext, type TestContext } from '../../support/context';
import { lshRepository } from './helpers';

describe('LSH repository against the real Redis', () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext('lsh');
  });
  afterAll(async () => {
    await context.cleanup();
  });

  const entry = (postId: string, fingerprint: string, bands: string[]) => ({
    postId,
    fingerprint,
    bands,
    exemplar: `text of ${postId}`,
    facts: ['12', postId],
    publishedAt: '2024-01-01T00:00:00.000Z',
  });

  it('a creation over a bucket that grew since its lookup is refused and claims nothing', async () => {
    const lsh = lshRepository(context.redis, context.config.queuePrefix);
    // Both looked up before either claimed: both saw empty buckets.
    const [first] = await lsh.create([
      { storyId: 's-a', entry: entry('p1', 'fa', ['0.x', '1.y']), bandCounts: [0, 0] },
    ]);
    const [second] = await lsh.create([
      { storyId: 's-b', entry: entry('p2', 'fb', ['1.y', '2.z']), bandCounts: [0, 0] },
    ]);
    expect(first).toEqual({ kind: 'created', storyId: 's-a' });
    expect(second).toEqual({ kind: 'conflict' });
    // Nothing was claimed: the fingerprint is free, bucket 2.z is still empty.
    const [looked] = await lsh.lookup([{ fingerprint: 'fb', bands: ['1.y', '2.z'] }]);
    expect(looked).toMatchObject({ kind: 'candidates', bandCounts: [1, 0] });
    // Once verified against the newcomer (a lookup counting it), the creation goes through.
    const [third] = await lsh.create([
      { storyId: 's-b', entry: entry('p2', 'fb', ['1.y', '2.z']), bandCounts: [1, 0] },
    ]);
    expect(third).toEqual({ kind: 'created', storyId: 's-b' });
  });

  it('stories created earlier in the same call never count as newcomers', async () => {
    const lsh = lshRepository(context.redis, context.config.queuePrefix);
    const results = await lsh.create([
      { storyId: 's-h', entry: entry('p8', 'fh', ['3.x', '4.y']), bandCounts: [0, 0] },
      { storyId: 's-i', entry: entry('p9', 'fi', ['4.y', '5.z']), bandCounts: [0, 0] },
    ]);
    expect(results).toEqual([
      { kind: 'created', storyId: 's-h' },
      { kind: 'created', storyId: 's-i' },
    ]);
  });

  it('lookup ranks candidate stories by shared bands and returns their exemplars with facts', async () => {
    const lsh = lshRepository(context.redis, context.config.queuePrefix);
    // Ids chosen so that alphabetical order is the opposite of the shared-band order.
    await lsh.create([
      { storyId: 'r-a', entry: entry('q1', 'ra', ['5.a']), bandCounts: [0] },
      { storyId: 'r-b', entry: entry('q2', 'rb', ['5.b', '6.b']), bandCounts: [0, 0] },
      { storyId: 'r-c', entry: entry('q3', 'rc', ['5.c', '6.c', '7.c']), bandCounts: [0, 0, 0] },
    ]);
    const [found] = await lsh.lookup([
      { fingerprint: 'new', bands: ['5.a', '5.b', '6.b', '5.c', '6.c', '7.c'] },
    ]);
    expect(found?.kind).toBe('candidates');
    const candidates = found?.kind === 'candidates' ? found.candidates : [];
    expect(candidates.map((c) => c.storyId)).toEqual(['r-c', 'r-b', 'r-a']);
    expect(candidates[0]?.exemplars).toEqual([{ postId: 'q3', text: 'text of q3', facts: ['12', 'q3'] }]);
  });

  it('lookup follows merge pointers: a merged story is proposed once, as its survivor, with all exemplars', async () => {
    // Two candidates wanted: the ranking's first three ids are one story, so the walk needs three rounds.
    const lsh = lshRepository(context.redis, context.config.queuePrefix, { maxCandidates: 2 });
    const at = new Date().toISOString();
    await lsh.create(
      ['a', 'b', 'c', 'd'].map((x, i) => ({
        storyId: `m-${x}`,
        entry: { ...entry(`m${i + 1}`, `m${x}`, [`8.${x}`]), publishedAt: `2024-01-0${i + 1}T00:00:00.000Z` },
        bandCounts: [0],
      })),
    );
    // A chain of two merges: m-c into m-b into m-a.
    await lsh.merge([{ a: 'm-b', b: 'm-c', by: 'cluster', at }]);
    await lsh.merge([{ a: 'm-a', b: 'm-b', by: 'cluster', at }]);
    const [found] = await lsh.lookup([{ fingerprint: 'new-m', bands: ['8.a', '8.b', '8.c', '8.d'] }]);
    const candidates = found?.kind === 'candidates' ? found.candidates : [];
    expect(candidates.map((c) => c.storyId)).toEqual(['m-a', 'm-d']);
    expect(candidates[0]?.exemplars.map((e) => e.postId).sort()).toEqual(['m1', 'm2', 'm3']);
    // The fingerprint of a loser leads to the survivor too.
    expect(await lsh.lookup([{ fingerprint: 'mc', bands: [] }])).toEqual([{ kind: 'exact', storyId: 'm-a' }]);
  });

  it('a bucket keeps the stories last active in its band up to the cap, and counts every story ever added', async () => {
    const lsh = lshRepository(context.redis, context.config.queuePrefix, { bucketCap: 2 });
    const at = (day: number) => `2024-01-0${day}T00:00:00.000Z`;
    for (const [i, day] of [1, 2, 3, 4].entries()) {
      const [created] = await lsh.create([
        {
          storyId: `t-${i}`,
          entry: { ...entry(`t${i}`, `ft${i}`, ['9.t']), publishedAt: at(day) },
          bandCounts: [i],
        },
      ]);
      expect(created).toEqual({ kind: 'created', storyId: `t-${i}` });
    }
    const inBucket = async (): Promise<{ count: number | undefined; ids: string[] }> => {
      const [found] = await lsh.lookup([{ fingerprint: 'new-t', bands: ['9.t'] }]);
      return found?.kind === 'candidates'
        ? { count: found.bandCounts[0], ids: found.candidates.map((c) => c.storyId).sort() }
        : { count: undefined, ids: [] };
    };
    expect(await inBucket()).toEqual({ count: 4, ids: ['t-2', 't-3'] });
    // A late copy of t-3 (older post) does not move it back in time, nor count as a new story.
    await lsh.join([{ storyId: 't-3', entry: { ...entry('t8', 'ft8', ['9.t']), publishedAt: at(1) } }]);
    expect(await inBucket()).toEqual({ count: 4, ids: ['t-2', 't-3'] });
    // The evicted t-0, active again, re-enters and pushes out the story least recently active.
    await lsh.join([{ storyId: 't-0', entry: { ...entry('t9', 'ft9', ['9.t']), publishedAt: at(5) } }]);
    expect(await inBucket()).toEqual({ count: 5, ids: ['t-0', 't-3'] });
  });

  it('a fingerprint claimed meanwhile turns a creation into an exact join', async () => {
    const lsh = lshRepository(context.redis, context.config.queuePrefix);
    await lsh.create([{ storyId: 's-c', entry: entry('p3', 'fc', []), bandCounts: [] }]);
    const [again] = await lsh.create([{ storyId: 's-d', entry: entry('p4', 'fc', []), bandCounts: [] }]);
    expect(again).toEqual({ kind: 'exact', storyId: 's-c' });
  });

  it('merges keep the story with the earlier patient zero, follow pointers and respect rejections', async () => {
    const lsh = lshRepository(context.redis, context.config.queuePrefix);
    const at = new Date().toISOString();
    await lsh.create([
      {
        storyId: 's-e',
        entry: { ...entry('p5', 'fe', []), publishedAt: '2024-01-02T00:00:00.000Z' },
        bandCounts: [],
      },
      {
        storyId: 's-f',
        entry: { ...entry('p6', 'ff', []), publishedAt: '2024-01-01T00:00:00.000Z' },
        bandCounts: [],
      },
      { storyId: 's-g', entry: entry('p7', 'fg', []), bandCounts: [] },
    ]);
    expect(await lsh.reject('s-e', 's-g')).toBe(true);
    const [merged] = await lsh.merge([{ a: 's-e', b: 's-f', by: 'cluster', at }]);
    expect(merged).toEqual({ kind: 'merged', survivor: 's-f', loser: 's-e' });
    expect((await lsh.resolve(['s-e'])).get('s-e')).toBe('s-f');
    // The rejection moved to the survivor.
    const [refused] = await lsh.merge([{ a: 's-f', b: 's-g', by: 'cluster', at }]);
    expect(refused).toEqual({ kind: 'rejected' });
    const [forced] = await lsh.merge([{ a: 's-g', b: 's-e', force: true, by: 'analyst', at }]);
    expect(forced).toMatchObject({ kind: 'merged', survivor: 's-f' });
  });
});
