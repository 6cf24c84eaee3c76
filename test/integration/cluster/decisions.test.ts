import { SuggestionStateError, decideSuggestion, type DecisionDeps } from '../../../src/cluster/decisions';
import { StoryNotFoundError } from '../../../src/cluster/story-view';
import { StoriesRepository } from '../../../src/store/stories.repository';
import { createTestContext, type TestContext } from '../../support/context';
import { cluster, lshRepository, postDoc, stageFor } from './helpers';

// Half the words of `loose` differ from `base`: a near score between the suggest and auto-merge
// thresholds, and the same facts (street, town), so the cluster stage suggests it.
const base =
  'Жители улицы Садовой в Суздале третью неделю жалуются на прорыв канализации во дворе дома номер пять.';
const loose =
  'Жители улицы Садовой в Суздале третью неделю пишут о потопе из канализации у подъезда дома пять, управляющая компания молчит.';
const looseEdit = `${loose.replace('молчит', 'не отвечает')} Фото в комментариях.`;

describe("analysts' decisions on suggested members, against real Redis and Elasticsearch", () => {
  let context: TestContext;
  let stories: StoriesRepository;
  let deps: DecisionDeps;

  beforeAll(async () => {
    context = await createTestContext('decisions');
    stories = new StoriesRepository(context.es, context.config.indexPrefix);
    deps = { lsh: lshRepository(context.redis, context.config.queuePrefix), stories };
  });
  afterAll(async () => {
    await context.cleanup();
  });

  const stage = () =>
    stageFor(context.redis, context.es, context.config.queuePrefix, context.config.indexPrefix);
  /** Town and day make each scenario's texts its own (no cross-talk between tests). */
  const variant = (text: string, town: string) => text.replace('Суздале', town);

  it('a rejected post is not suggested again, nor any later post of its story, and no bridge merges them', async () => {
    const town = 'Коврове';
    const a = postDoc('@r1', '1', variant(base, town), '2024-04-01T10:00:00.000Z');
    const b = postDoc('@r2', '1', variant(loose, town), '2024-04-01T11:00:00.000Z');
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

    // A light edit of the rejected text joins its story and would be suggested for A as well.
    const c = postDoc('@r3', '1', variant(looseEdit, town), '2024-04-01T12:00:00.000Z');
    // A post containing both texts is an auto-level copy of each: a bridge.
    const bridge = postDoc(
      '@r4',
      '1',
      `${variant(base, town)} ${variant(loose, town)}`,
      '2024-04-01T13:00:00.000Z',
    );
    const later = await cluster(stage(), [c, bridge]);
    expect(later.get(c.id)).toBe(storyB);
    const after = await stories.get(storyA);
    expect(after?.members.some((m) => m.postId === c.id)).toBe(false);
    expect(after?.suggestedCount).toBe(0);
    const resolved = await lshRepository(context.redis, context.config.queuePrefix).resolve([storyA, storyB]);
    expect(resolved.get(storyA)).toBe(storyA);
    expect(resolved.get(storyB)).toBe(storyB);
    expect([storyA, storyB]).toContain(later.get(bridge.id));
  });

  it('a confirmed post joins the story with its own story, and later copies of it land there too', async () => {
    const town = 'Муроме';
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
    const edit = postDoc('@c4', '1', variant(looseEdit, town), '2024-04-02T12:30:00.000Z');
    const later = await cluster(stage(), [copy, edit]);
    const roots = await deps.lsh.assignments([copy.id, edit.id]);
    const resolved = await lshRepository(context.redis, context.config.queuePrefix).resolve([
      ...later.values(),
      ...roots.map((r) => r?.storyId ?? ''),
    ]);
    expect(new Set(resolved.values())).toEqual(new Set([storyA]));
    expect((await stories.get(storyA))?.size).toBe(4);
  });

  it('refuses decisions on automatic members and on posts the story does not list', async () => {
    const a = postDoc('@x1', '1', variant(base, 'Вязниках'), '2024-04-03T10:00:00.000Z');
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
