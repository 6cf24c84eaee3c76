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

  it('a second creation over a band it has not verified is refused with the newcomer, not claimed', async () => {
    const lsh = lshRepository(context.redis, context.config.queuePrefix);
    // Both looked up before either claimed: neither saw the other.
    const [first, second] = await lsh.create([
      { storyId: 's-a', entry: entry('p1', 'fa', ['0.x', '1.y']), seen: [] },
      { storyId: 's-b', entry: entry('p2', 'fb', ['1.y', '2.z']), seen: [] },
    ]);
    expect(first).toEqual({ kind: 'created', storyId: 's-a' });
    expect(second).toEqual({ kind: 'conflict', storyIds: ['s-a'] });
    // Once verified (seen), the creation goes through.
    const [third] = await lsh.create([
      { storyId: 's-b', entry: entry('p2', 'fb', ['1.y', '2.z']), seen: ['s-a'] },
    ]);
    expect(third).toEqual({ kind: 'created', storyId: 's-b' });
  });

  it('lookup ranks candidate stories by shared bands and returns their exemplars with facts', async () => {
    const lsh = lshRepository(context.redis, context.config.queuePrefix);
    // Ids chosen so that alphabetical order is the opposite of the shared-band order.
    await lsh.create([
      { storyId: 'r-a', entry: entry('q1', 'ra', ['5.a']), seen: [] },
      { storyId: 'r-b', entry: entry('q2', 'rb', ['5.b', '6.b']), seen: ['r-a'] },
      { storyId: 'r-c', entry: entry('q3', 'rc', ['5.c', '6.c', '7.c']), seen: ['r-a', 'r-b'] },
    ]);
    const [found] = await lsh.lookup([
      { fingerprint: 'new', bands: ['5.a', '5.b', '6.b', '5.c', '6.c', '7.c'] },
    ]);
    expect(found?.kind).toBe('candidates');
    const candidates = found?.kind === 'candidates' ? found.candidates : [];
    expect(candidates.map((c) => c.storyId)).toEqual(['r-c', 'r-b', 'r-a']);
    expect(candidates[0]?.exemplars).toEqual([{ postId: 'q3', text: 'text of q3', facts: ['12', 'q3'] }]);
  });

  it('a fingerprint claimed meanwhile turns a creation into an exact join', async () => {
    const lsh = lshRepository(context.redis, context.config.queuePrefix);
    await lsh.create([{ storyId: 's-c', entry: entry('p3', 'fc', []), seen: [] }]);
    const [again] = await lsh.create([{ storyId: 's-d', entry: entry('p4', 'fc', []), seen: [] }]);
    expect(again).toEqual({ kind: 'exact', storyId: 's-c' });
  });

  it('merges keep the story with the earlier patient zero, follow pointers and respect rejections', async () => {
    const lsh = lshRepository(context.redis, context.config.queuePrefix);
    const at = new Date().toISOString();
    await lsh.create([
      {
        storyId: 's-e',
        entry: { ...entry('p5', 'fe', []), publishedAt: '2024-01-02T00:00:00.000Z' },
        seen: [],
      },
      {
        storyId: 's-f',
        entry: { ...entry('p6', 'ff', []), publishedAt: '2024-01-01T00:00:00.000Z' },
        seen: [],
      },
      { storyId: 's-g', entry: entry('p7', 'fg', []), seen: [] },
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
