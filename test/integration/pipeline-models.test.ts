import { postId, type Post } from '../../src/domain/post';
import { createPipeline, type Pipeline } from '../../src/main/pipeline';
import type { PipelineWorkers } from '../../src/pipeline/runner';
import { StoriesRepository } from '../../src/store/stories.repository';
import { createTestContext, type TestContext } from '../support/context';
import { waitForRunSettled } from '../support/pipeline';

const CHANNELS = ['@kovrov_news', '@vladimir_live', '@murom_today'];
const OUTAGE =
  'В Коврове отключили отопление в домах на улице Мира, в квартирах холодно уже третий день, ' +
  'управляющая компания не отвечает на звонки жителей.';
const ROADS =
  'На улице Ленина в Муроме после зимы открылись огромные ямы, водители жалуются на разбитые колёса ' +
  'и просят администрацию срочно отремонтировать дорогу.';

function post(channel: string, externalId: string, text: string, minute: number): Post {
  return {
    id: postId('telegram', channel, externalId),
    platform: 'telegram',
    channel,
    externalId,
    text,
    publishedAt: new Date(Date.UTC(2024, 3, 2, 6, minute)).toISOString(),
  };
}

describe('pipeline with the local models on', () => {
  let context: TestContext;
  let pipeline: Pipeline;
  let workers: PipelineWorkers;

  beforeAll(async () => {
    context = await createTestContext('models', { DOZOR_MODELS: 'on', BATCH_SIZE: '8' });
    pipeline = createPipeline(context);
    workers = await pipeline.startWorkers();
  });
  afterAll(async () => {
    await workers.close();
    await pipeline.close();
    await context.cleanup();
  });

  it('writes a vector, topics and a story to every indexed post; copies across channels share a story', async () => {
    // Each text reposted by every channel (with a footer on one), plus an emoji-only post with no text.
    const posts = CHANNELS.flatMap((channel, c) => [
      post(
        channel,
        '1',
        c === 1
          ? `${OUTAGE}\n\n[Подписаться](https://t.me/vladimir_live) | [Прислать новость](https://t.me/vl_bot)`
          : OUTAGE,
        c,
      ),
      post(channel, '2', ROADS, 10 + c),
    ]);
    posts.push(post('@emoji_only', '1', '🔥🔥🔥', 30));
    const producer = await pipeline.producer('models test');
    for (const item of posts) await producer.add({ kind: 'post', post: item });
    await producer.flush();
    const run = await waitForRunSettled(pipeline, producer.runId, posts.length);
    expect(run.indexed).toBe(posts.length);

    await context.posts.refresh();
    const docs = await Promise.all(posts.map((item) => context.posts.get(item.id)));
    const withText = docs.filter((doc) => doc !== undefined && doc.lemmas.length > 0);
    expect(withText).toHaveLength(CHANNELS.length * 2);
    // The footer is boilerplate: the copy with it is an exact copy of the others.
    expect(new Set(withText.map((doc) => doc?.textClean)).size).toBe(2);
    const embedded = await context.posts.idsWithVector(posts.map((item) => item.id));
    for (const doc of withText) {
      expect(embedded.has(doc?.id ?? '')).toBe(true);
      expect(doc?.modelVersion).toMatch(/^multilingual-e5-small@/);
      expect(doc?.storyId).toEqual(expect.any(String));
    }
    const outage = docs.filter((doc) => doc?.externalId === '1' && doc.channel !== '@emoji_only');
    const roads = docs.filter((doc) => doc?.externalId === '2');
    expect(new Set(outage.map((doc) => doc?.storyId)).size).toBe(1);
    expect(new Set(roads.map((doc) => doc?.storyId)).size).toBe(1);
    expect(outage[0]?.storyId).not.toBe(roads[0]?.storyId);
    // The zero-shot taxonomy names the heating outage and the potholes.
    expect(outage[0]?.topics).toContain('heating');
    expect(roads[0]?.topics).toContain('roads');

    const emoji = docs.find((doc) => doc?.channel === '@emoji_only');
    expect(embedded.has(emoji?.id ?? '')).toBe(false);
    expect(emoji?.topics).toBeUndefined();

    const story = await new StoriesRepository(context.es, context.config.indexPrefix).get(
      outage[0]?.storyId ?? '',
    );
    expect(story?.patientZero).toBe(posts[0]?.id);
    expect(story?.size).toBe(CHANNELS.length);
  });
});
