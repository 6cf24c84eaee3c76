import { StoryService } from '../../../src/cluster/story-service';
import { StoriesRepository } from '../../../src/store/stories.repository';
import { createTestContext, type TestContext } from '../../support/context';
import { BASE, EDIT, OTHER, cluster, lshRepository, postDoc, stageFor } from './helpers';

describe('cluster stage against real Redis and Elasticsearch', () => {
  let context: TestContext;
  let stories: StoriesRepository;

  beforeAll(async () => {
    context = await createTestContext('cluster');
    stories = new StoriesRepository(context.es, context.config.indexPrefix);
  });
  afterAll(async () => {
    await context.cleanup();
  });

  const stage = () =>
    stageFor(context.redis, context.es, context.config.queuePrefix, context.config.indexPrefix);

  it('copies of one text join one story whose patient zero is the earliest post', async () => {
    const a = postDoc('@a', '1', BASE, '2024-03-01T10:05:00.000Z');
    const b = postDoc('@b', '1', `${BASE} 👍`, '2024-03-01T10:00:00.000Z');
    const c = postDoc('@c', '1', BASE.toUpperCase(), '2024-03-01T11:00:00.000Z');
    const first = await cluster(stage(), [a], 'b1');
    const rest = await cluster(stage(), [b, c], 'b2');
    const storyId = first.get(a.id);
    expect(rest.get(b.id)).toBe(storyId);
    expect(rest.get(c.id)).toBe(storyId);
    const story = await stories.get(storyId ?? '');
    expect(story?.patientZero).toBe(b.id);
    expect(story?.size).toBe(3);
    expect(story?.sources.map((s) => s.channel).sort()).toEqual(['@a', '@b', '@c']);
    expect(story?.timeline.per1h).toEqual({ '2024-03-01T10:00:00.000Z': 2, '2024-03-01T11:00:00.000Z': 1 });
  });

  it('a lightly edited copy joins the story; a different text starts its own', async () => {
    const a = postDoc('@d', '1', BASE, '2024-03-02T10:00:00.000Z');
    const e = postDoc('@e', '1', EDIT, '2024-03-02T10:10:00.000Z');
    const o = postDoc('@f', '1', OTHER, '2024-03-02T10:20:00.000Z');
    const ids = await cluster(stage(), [a, e, o]);
    expect(ids.get(e.id)).toBe(ids.get(a.id));
    expect(ids.get(o.id)).not.toBe(ids.get(a.id));
    const story = await stories.get(ids.get(e.id) ?? '');
    expect(story?.members.find((m) => m.postId === e.id)).toMatchObject({ level: 'near', state: 'auto' });
  });

  it('a copy with one figure changed is suggested, not merged; the same text about another town is neither', async () => {
    // A text of its own (the other tests' stories share this context).
    const text = BASE.replace('Коврове', 'Гороховце');
    const a = postDoc('@n', '1', text, '2024-03-06T10:00:00.000Z');
    const corrected = postDoc('@o', '1', text.replace('18:00', '20:00'), '2024-03-06T10:10:00.000Z');
    const elsewhere = postDoc(
      '@p',
      '1',
      text.replace('Гороховце', 'Вязниках').replace('Ленина, Труда и Кирова', 'Мира и Чкалова'),
      '2024-03-06T10:20:00.000Z',
    );
    const ids = await cluster(stage(), [a, corrected, elsewhere]);
    expect(new Set(ids.values()).size).toBe(3);
    const story = await stories.get(ids.get(a.id) ?? '');
    expect(story?.members.map((m) => [m.postId, m.state])).toEqual([
      [a.id, 'auto'],
      [corrected.id, 'suggested'],
    ]);
  });

  it('re-running a batch (a retry) changes nothing', async () => {
    const a = postDoc('@g', '1', OTHER, '2024-03-03T10:00:00.000Z');
    const first = await cluster(stage(), [a]);
    const storyId = first.get(a.id) ?? '';
    const before = await stories.get(storyId);
    const again = await cluster(stage(), [a]);
    expect(again.get(a.id)).toBe(storyId);
    expect((await stories.get(storyId))?.size).toBe(before?.size);
  });

  it('a suggested member can be confirmed (stories merge) or rejected (never merged automatically later)', async () => {
    const service = new StoryService({
      lsh: lshRepository(context.redis, context.config.queuePrefix),
      stories,
    });
    const base =
      'Жители улицы Садовой в Суздале третью неделю жалуются на прорыв канализации во дворе дома номер пять.';
    // A few words changed: near score between the suggest and auto-merge thresholds.
    const loose =
      'Жители улицы Садовой в Суздале третью неделю жалуются на прорыв канализации у подъезда дома пять, управляющая компания молчит.';
    const a = postDoc('@h', '1', base, '2024-03-04T10:00:00.000Z');
    const b = postDoc('@i', '1', loose, '2024-03-04T11:00:00.000Z');
    const ids = await cluster(stage(), [a, b]);
    const storyA = ids.get(a.id) ?? '';
    const storyB = ids.get(b.id) ?? '';
    expect(storyB).not.toBe(storyA);
    const suggested = (await stories.get(storyA))?.members.find((m) => m.postId === b.id);
    expect(suggested?.state).toBe('suggested');

    const rejected = await service.rejectMember(storyA, b.id, 'analyst-1');
    expect(rejected.story.members.find((m) => m.postId === b.id)?.state).toBe('rejected');
    // A bridge that is an auto-level copy of both texts must not merge the rejected pair.
    const bridge = postDoc('@j', '1', `${base} ${loose}`, '2024-03-04T12:00:00.000Z');
    const later = await cluster(stage(), [bridge]);
    const bridged = later.get(bridge.id) ?? '';
    const roots = await lshRepository(context.redis, context.config.queuePrefix).resolve([storyA, storyB]);
    expect(roots.get(storyA)).not.toBe(roots.get(storyB));
    expect([storyA, storyB, bridged].length).toBe(3);

    const confirmed = await service.confirmMember(storyA, b.id, 'analyst-2');
    expect(confirmed.story.members.find((m) => m.postId === b.id)?.state).toBe('confirmed');
    const view = await service.get(storyB);
    expect(view.story.id).toBe(storyA);
    expect(view.requestedId).toBe(storyB);
    expect(view.story.history.map((h) => h.type)).toEqual(
      expect.arrayContaining(['rejected', 'confirmed', 'absorbed']),
    );
  });

  it('a bridge post merges two stories and both keep the history', async () => {
    const left =
      'Вечером в Гусь-Хрустальном на перекрёстке улиц Калинина и Мира столкнулись автобус и грузовик, пострадали двое.';
    const right =
      'Движение на перекрёстке Калинина и Мира перекрыто до полуночи, ГИБДД просит водителей объезжать через Транспортную.';
    const a = postDoc('@k', '1', left, '2024-03-05T10:00:00.000Z');
    const b = postDoc('@l', '1', right, '2024-03-05T10:30:00.000Z');
    const ids = await cluster(stage(), [a, b]);
    expect(ids.get(a.id)).not.toBe(ids.get(b.id));
    const bridge = postDoc('@m', '1', `${left}\n${right}`, '2024-03-05T11:00:00.000Z');
    const after = await cluster(stage(), [bridge]);
    const survivor = await stories.get(after.get(bridge.id) ?? '');
    expect(survivor?.id).toBe(ids.get(a.id));
    expect(survivor?.size).toBe(3);
    expect(survivor?.history.some((h) => h.type === 'absorbed' && h.storyId === ids.get(b.id))).toBe(true);
    const loser = await stories.get(ids.get(b.id) ?? '');
    expect(loser).toMatchObject({ status: 'merged', mergedInto: survivor?.id });
  });
});
