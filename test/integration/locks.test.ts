import { LocksRepository } from '../../src/store/locks.repository';
import { createTestContext, type TestContext } from '../support/context';
import { sleep } from '../support/drill';

describe('locks on the real Redis', () => {
  let context: TestContext;
  let locks: LocksRepository;
  beforeAll(async () => {
    context = await createTestContext('locks');
    locks = new LocksRepository(context.redis, context.config.queuePrefix);
  });
  afterAll(async () => {
    await context.cleanup();
  });

  it('runs holders of one lock one at a time, and holders of other locks meanwhile', async () => {
    const events: string[] = [];
    const hold = (lock: string, who: string) =>
      locks.withLock(lock, async () => {
        events.push(`${who} in`);
        await sleep(100);
        events.push(`${who} out`);
      });
    await Promise.all([hold('place-1', 'a'), hold('place-1', 'b'), hold('place-2', 'c')]);
    const a = events.indexOf('a in');
    const b = events.indexOf('b in');
    const [firstOut, secondIn] = a < b ? ['a out', 'b in'] : ['b out', 'a in'];
    expect(events.indexOf(firstOut)).toBeLessThan(events.indexOf(secondIn));
    // c held another lock: it ran while the first holder of place-1 did.
    expect(events.indexOf('c in')).toBeLessThan(events.indexOf(firstOut));
  });

  it('takes a lock its dead holder left once it expires, and never deletes a lock it no longer holds', async () => {
    const key = `${context.config.queuePrefix}:lock:orphan`;
    await context.redis.set(key, 'dead-holder', 'PX', 300);
    const started = Date.now();
    await locks.withLock('orphan', () => Promise.resolve());
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    // A holder outlives its lock's ttl; another process takes the lock; the first must not release it.
    await locks.withLock(
      'slow',
      () => context.redis.set(`${context.config.queuePrefix}:lock:slow`, 'other'),
      {
        ttlMs: 5000,
      },
    );
    expect(await context.redis.get(`${context.config.queuePrefix}:lock:slow`)).toBe('other');
  });

  it('gives up waiting with an error that names the lock', async () => {
    await context.redis.set(`${context.config.queuePrefix}:lock:busy`, 'someone', 'PX', 5000);
    await expect(locks.withLock('busy', () => Promise.resolve(), { waitMs: 200 })).rejects.toThrow(
      /lock busy was held by another worker/,
    );
  });
});
