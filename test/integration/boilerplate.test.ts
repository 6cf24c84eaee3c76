import { BoilerplateRepository } from '../../src/store/boilerplate.repository';
import { createTestContext, type TestContext } from '../support/context';

describe('channel boilerplate counts in the real Redis', () => {
  let context: TestContext;
  let repository: BoilerplateRepository;

  beforeAll(async () => {
    context = await createTestContext('boilerplate');
    repository = new BoilerplateRepository(context.redis, context.config.queuePrefix, 3);
  });
  afterAll(async () => {
    await context.cleanup();
  });

  it('a line becomes boilerplate once enough posts of its channel carry it, counting this batch', async () => {
    const first = await repository.observe([
      { channel: 'telegram:-1', lineKeys: ['footer', 'news a'] },
      { channel: 'telegram:-1', lineKeys: ['footer', 'footer', 'news b'] },
    ]);
    // Two posts so far, and a line repeated inside one post counts once.
    expect(first.map((keys) => [...keys])).toEqual([[], []]);

    const second = await repository.observe([
      { channel: 'telegram:-1', lineKeys: ['news c'] },
      { channel: 'telegram:-1', lineKeys: ['footer', 'news d'] },
      { channel: 'telegram:-1', lineKeys: ['news e', 'footer'] },
    ]);
    // The third post with the footer is in this batch: every post of the batch sees the count after it.
    expect(second.map((keys) => [...keys])).toEqual([[], ['footer'], ['footer']]);
  });

  it('channels learn apart: the same line elsewhere starts from zero', async () => {
    const other = await repository.observe([
      { channel: 'vk:-1', lineKeys: ['footer'] },
      { channel: 'telegram:-1', lineKeys: ['footer'] },
    ]);
    expect(other.map((keys) => [...keys])).toEqual([[], ['footer']]);
  });

  it('counters of a channel expire when it falls silent', async () => {
    const keys: string[] = [];
    const match = `${context.config.queuePrefix}:boilerplate:*`;
    for await (const page of context.redis.scanStream({ match, count: 10000 }))
      keys.push(...(page as string[]));
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(await context.redis.ttl(key)).toBeGreaterThan(0);
  });
});
