import { postInputSchema } from '../../src/domain/post-input';
import { postId } from '../../src/domain/post';
import { generate, type Emitted, type GenerateOptions } from './generator';
import { SCENARIO_NAMES } from './scenarios';
import type { Summary } from './truth';

function run(options: GenerateOptions): { posts: Emitted[]; summary: Summary; lines: string[] } {
  const stream = generate(options);
  const posts: Emitted[] = [];
  for (;;) {
    const next = stream.next();
    if (next.done === true) {
      const lines = posts.map((e) => `${JSON.stringify(e.post)}\n${JSON.stringify(e.truth)}`);
      return { posts, summary: next.value.summary, lines };
    }
    posts.push(next.value);
  }
}

const demo = run({ scenario: 'demo', seed: '42' });

describe('synthetic dataset generator', () => {
  it('gives byte-identical output for the same seed and options', () => {
    const again = run({ scenario: 'demo', seed: '42' });
    expect(again.lines.join('\n')).toBe(demo.lines.join('\n'));
    expect(JSON.stringify(again.summary)).toBe(JSON.stringify(demo.summary));
  });

  it('gives different output for a different seed', () => {
    const other = run({ scenario: 'demo', seed: '43' });
    expect(other.lines.slice(0, 50).join('\n')).not.toBe(demo.lines.slice(0, 50).join('\n'));
  });

  it('emits exactly the requested number of posts, in publication order', () => {
    expect(demo.posts).toHaveLength(4000);
    expect(demo.summary.posts).toBe(4000);
    const times = demo.posts.map((e) => Date.parse(String(e.post.publishedAt)));
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
  });

  it("emits records that pass Dozor's input schema, with unique post ids", () => {
    const ids = new Set<string>();
    for (const { post, truth } of demo.posts) {
      const parsed = postInputSchema.safeParse(post);
      expect(parsed.success ? null : parsed.error.message).toBeNull();
      expect(truth.postId).toBe(postId(post.platform, post.channel, String(post.externalId)));
      ids.add(truth.postId);
    }
    expect(ids.size).toBe(demo.posts.length);
  });

  it('labels every post, and every copy points at an earlier original of the same story', () => {
    const originals = new Map<string, string>();
    for (const { truth } of demo.posts) {
      expect(truth.storyId).toMatch(/^s\d+$/);
      if (truth.copyType === 'original') {
        expect(originals.has(truth.storyId)).toBe(false);
        originals.set(truth.storyId, truth.postId);
        expect(truth.copyOf).toBeNull();
      } else {
        expect(truth.copyOf).toBe(originals.get(truth.storyId));
      }
    }
    const types = new Set(demo.posts.map((e) => e.truth.copyType));
    expect([...types].sort()).toEqual(['edit', 'original', 'paraphrase', 'repost']);
  });

  it('keeps reposts textually identical to their original, apart from a forwarding line', () => {
    const textOf = new Map(demo.posts.map((e) => [e.truth.postId, e.post.text]));
    for (const { post, truth } of demo.posts.filter((e) => e.truth.copyType === 'repost')) {
      const original = textOf.get(truth.copyOf ?? '') ?? '';
      expect(post.text.includes(original)).toBe(true);
      expect(post.forwardedFrom).toBeDefined();
    }
  });

  it('gives every planted campaign and emergency its posts, all labelled with it', () => {
    expect(demo.summary.campaigns).toHaveLength(3);
    expect(demo.summary.emergencies).toHaveLength(3);
    for (const c of demo.summary.campaigns) {
      const posts = demo.posts.filter((e) => e.truth.campaignId === c.id && e.truth.role === 'fake');
      expect(posts).toHaveLength(c.posts);
      expect(posts.filter((e) => e.truth.sourceKind === 'coordinated')).toHaveLength(c.accounts);
      expect(posts.some((e) => /СРОЧНО|перешлите всем|скрывают/i.test(e.post.text))).toBe(true);
      const refutations = demo.posts.filter(
        (e) => e.truth.campaignId === c.id && e.truth.role === 'refutation',
      );
      expect(refutations).toHaveLength(c.refutation?.posts ?? 0);
      expect(refutations.every((e) => e.truth.storyId === c.refutation?.storyId)).toBe(true);
    }
    for (const em of demo.summary.emergencies) {
      const posts = demo.posts.filter((e) => e.truth.emergency?.id === em.id);
      expect(posts).toHaveLength(em.posts);
      expect(posts.every((e) => e.truth.placeId === em.placeId && e.truth.role === 'emergency')).toBe(true);
      expect(Object.keys(em.magnitude).length).toBeGreaterThan(0);
    }
    const labelled = demo.posts.filter((e) => e.truth.role !== 'background').length;
    const planted =
      demo.summary.campaigns.reduce((n, c) => n + c.posts + (c.refutation?.posts ?? 0), 0) +
      demo.summary.emergencies.reduce((n, e) => n + e.posts, 0);
    expect(labelled).toBe(planted);
  });

  it('states only the figures of an emergency that are in its ground truth', () => {
    for (const em of demo.summary.emergencies) {
      const texts = demo.posts.filter((e) => e.truth.emergency?.id === em.id).map((e) => e.post.text);
      const { people, houses, days } = em.magnitude;
      if (houses !== undefined) expect(texts.some((t) => t.includes(`${houses} дом`))).toBe(true);
      if (people !== undefined && people >= 1000) {
        const k = String(people / 1000).replace('.', ',');
        expect(texts.some((t) => t.includes(`${k} тыс.`) || t.includes(`${k} тысяч`))).toBe(true);
      }
      if (days === undefined) expect(texts.some((t) => /\d+ (дня|дней)|третий день/.test(t))).toBe(false);
    }
  });

  it.each(['quiet-week', 'busy-monday'] as const)('plants no incident in the %s scenario', (scenario) => {
    const { posts, summary } = run({ scenario, seed: '42' });
    expect(summary.emergencies).toHaveLength(0);
    expect(summary.campaigns).toHaveLength(0);
    expect(posts.every((e) => e.truth.role === 'background' && e.truth.emergency === null)).toBe(true);
  });

  it('makes the busy Monday busier than the other days, and nights quieter than days', () => {
    const { posts } = run({ scenario: 'busy-monday', seed: '42' });
    const perDay = new Map<number, number>();
    let night = 0;
    let day = 0;
    for (const { post } of posts) {
      const iso = String(post.publishedAt);
      const date = Number(iso.slice(8, 10));
      perDay.set(date, (perDay.get(date) ?? 0) + 1);
      const hour = Number(iso.slice(11, 13));
      if (hour >= 1 && hour < 6) night++;
      if (hour >= 10 && hour < 15) day++;
    }
    const monday = perDay.get(10) ?? 0;
    for (const [date, n] of perDay) if (date !== 10) expect(monday).toBeGreaterThan(n * 1.5);
    expect(day).toBeGreaterThan(night * 5);
  });

  it('knows every scenario name', () => {
    for (const name of SCENARIO_NAMES) {
      if (name === 'bench') continue;
      expect(() => generate({ scenario: name, seed: '1' }).next()).not.toThrow();
    }
  });

  it('scales the bench scenario to the requested size with incidents per 50k posts', () => {
    const { posts, summary } = run({ scenario: 'bench', seed: '1', posts: 20_000, days: 7 });
    expect(posts).toHaveLength(20_000);
    expect(summary.campaigns).toHaveLength(2);
    expect(summary.emergencies).toHaveLength(2);
  });
});
