import { SuggestionStateError, decideSuggestion, type DecisionDeps } from '../../../src/cluster/decisions';
import { StoryNotFoundError } from '../../../src/cluster/story-view';
import type { LshRepository } from '../../../src/store/lsh.repository';
import { StoriesRepository } from '../../../src/store/stories.repository';
import { createTestContext, type TestContext } from '../../support/context';
import { nearLink, sketchText } from '../../../src/cluster/similarity';
import { analyzePost } from '../../../src/text';
import { cluster, lshRepository, postDoc, stageFor } from './helpers';

// `loose` changes a few words of `base`: a near score between the suggest and auto-merge thresholds,
// and the same facts (street, town), so the cluster stage suggests it. `closer` is a light edit of
// `loose` (it joins its story) that is also near `base`.
const base =
  'Жители улицы Садовой в Суздале третью неделю жалуются на прорыв канализации во дворе дома номер пять.';
const loose =
  'Жители улицы Садовой в Суздале третью неделю жалуются на прорыв канализации у подъезда дома пять, управляющая компания молчит.';
const closer =
  'Жители улицы Садовой в Суздале третью неделю жалуются на прорыв канализации у подъезда дома номер пять, управляющая компания молчит.';
const sketch = (text: string) => {
  const analyzed = analyzePost(text);
  return sketchText(analyzed.textClean, analyzed.fingerprint);
};

describe("analysts' decisions on suggested members, against real Redis and Elasticsearch", () => {
  let context: TestContext;
  let stories: StoriesRepository;
  let deps: DecisionDeps;
  let lsh: LshRepository;

  beforeAll(async () => {
    context = await createTestContext('decisions');
    stories = new StoriesRepository(context.es, context.config.indexPrefix);
    lsh = lshRepository(context.redis, context.config.queuePrefix);
    deps = { lsh, stories };
  });
  afterAll(async () => {
    await context.cleanup();
  });

  const stage = () =>
    stageFor(context.redis, context.es, context.config.queuePrefix, context.config.indexPrefix);
  /** Town and day make each scenario's texts its own (no cross-talk between tests). */
  const variant = (text: string, town: string) => text.replace('Суздале', town);

  /** Clusters `base` and `loose` of a town, checks the suggestion and rejects it. */
  const rejectedPair = async (town: string, day: string) => {
    const a = postDoc(`@r-${town}`, '1', variant(base, town), `${day}T10:00:00.000Z`);
    const b = postDoc(`@s-${town}`, '1', variant(loose, town), `${day}T11:00:00.000Z`);
    const ids = await cluster(stage(), [a, b]);
    const storyA = ids.get(a.id) ?? '';
    const storyB = ids.get(b.id) ?? '';
    expect(storyB).not.toBe(storyA);
    expect((await stories.get(storyA))?.members.find((m) => m.postId === b.id)?.state).toBe('suggested');
    const view = await decideSuggestion(deps, {
      storyId: storyA,
      postId: b.id,
      decision: 'reject',
      by: 'analyst-1',
      note: 'другая авария',
    });
    expect(view.story.members.find((m) => m.postId === b.id)?.state).toBe('rejected');
    expect(view.story.suggestedCount).toBe(0);
    expect(view.story.history.at(-1)).toMatchObject({
      type: 'rejected',
      postId: b.id,
      by: 'analyst-1',
      note: 'другая авария',
    });
    return { storyA, storyB };
  };

  it('after a rejection, later posts of the rejected story are not suggested for the story again', async () => {
    const town = 'Муроме';
    const { storyA, storyB } = await rejectedPair(town, '2024-04-01');
    // Without the rejection this post would be suggested for A: A is among its candidates and the
    // post is in A's suggest band (while it joins B automatically).
    const c = postDoc('@r3', '1', variant(closer, town), '2024-04-01T12:00:00.000Z');
    const sc = sketch(c.text);
    const [found] = await lsh.lookup([sc]);
    expect(found?.kind === 'candidates' ? found.candidates.map((x) => x.storyId) : []).toContain(storyA);
    expect(nearLink(sc, sketch(variant(base, town))).strength).toBe('suggest');

    const later = await cluster(stage(), [c]);
    expect(later.get(c.id)).toBe(storyB);
    const after = await stories.get(storyA);
    expect(after?.members.some((m) => m.postId === c.id)).toBe(false);
    expect(after?.suggestedCount).toBe(0);
  });

  it('after a rejection, a post copying both texts does not merge the two stories', async () => {
    const town = 'Вязниках';
    const { storyA, storyB } = await rejectedPair(town, '2024-04-04');
    // Without the rejection this post would be a bridge: an auto-level copy of both texts.
    const text = `${variant(base, town)} ${variant(loose, town)}`;
    expect(nearLink(sketch(text), sketch(variant(base, town))).strength).toBe('auto');
    expect(nearLink(sketch(text), sketch(variant(loose, town))).strength).toBe('auto');
    const bridge = postDoc('@r4', '1', text, '2024-04-04T13:00:00.000Z');
    const later = await cluster(stage(), [bridge]);
    expect([storyA, storyB]).toContain(later.get(bridge.id));
    const resolved = await lsh.resolve([storyA, storyB]);
    expect(resolved.get(storyA)).toBe(storyA);
    expect(resolved.get(storyB)).toBe(storyB);
  });

  it('a confirmed post joins the story with its own story, and later copies of it land there too', async () => {
    const town = 'Гороховце';
    const a = postDoc('@c1', '1', variant(base, town), '2024-04-02T10:00:00.000Z');
    const b = postDoc('@c2', '1', variant(loose, town), '2024-04-02T11:00:00.000Z');
    const ids = await cluster(stage(), [a, b]);
    const storyA = ids.get(a.id) ?? '';
    const storyB = ids.get(b.id) ?? '';

    const view = await decideSuggestion(deps, {
      storyId: storyA,
      postId: b.id,
      decision: 'confirm',
      by: 'analyst-2',
    });
    expect(view.story.id).toBe(storyA);
    expect(view.story.size).toBe(2);
    expect(view.story.members.find((m) => m.postId === b.id)?.state).toBe('confirmed');
    expect(view.story.history.map((h) => h.type)).toEqual(expect.arrayContaining(['confirmed', 'absorbed']));
    expect(await stories.get(storyB)).toMatchObject({ status: 'merged', mergedInto: storyA });

    // The same decision again changes nothing (a retried request).
    const again = await decideSuggestion(deps, {
      storyId: storyB,
      postId: b.id,
      decision: 'confirm',
      by: 'analyst-2',
    });
    expect(again.story.history.filter((h) => h.type === 'confirmed')).toHaveLength(1);

    const copy = postDoc('@c3', '1', `${variant(loose, town)} 🔥`, '2024-04-02T12:00:00.000Z');
    const edit = postDoc('@c4', '1', variant(closer, town), '2024-04-02T12:30:00.000Z');
    const later = await cluster(stage(), [copy, edit]);
    const roots = await lsh.assignments([copy.id, edit.id]);
    const resolved = await lshRepository(context.redis, context.config.queuePrefix).resolve([
      ...later.values(),
      ...roots.map((r) => r?.storyId ?? ''),
    ]);
    expect(new Set(resolved.values())).toEqual(new Set([storyA]));
    expect((await stories.get(storyA))?.size).toBe(4);
  });

  it('refuses decisions on automatic members and on posts the story does not list', async () => {
    const a = postDoc('@x1', '1', variant(base, 'Коврове'), '2024-04-03T10:00:00.000Z');
    const storyA = (await cluster(stage(), [a])).get(a.id) ?? '';
    await expect(
      decideSuggestion(deps, { storyId: storyA, postId: a.id, decision: 'reject', by: 'analyst-3' }),
    ).rejects.toBeInstanceOf(SuggestionStateError);
    await expect(
      decideSuggestion(deps, { storyId: storyA, postId: 'nope', decision: 'confirm', by: 'analyst-3' }),
    ).rejects.toBeInstanceOf(StoryNotFoundError);
    await expect(
      decideSuggestion(deps, {
        storyId: 'no-such-story',
        postId: a.id,
        decision: 'confirm',
        by: 'analyst-3',
      }),
    ).rejects.toBeInstanceOf(StoryNotFoundError);
  });
});
