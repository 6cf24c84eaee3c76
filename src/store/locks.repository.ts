import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ScriptRunner } from './scripts';

/** Deletes the lock only while it still holds this holder's token (an expired lock may be someone else's). */
const RELEASE = `
local key = ARGV[1] .. ':lock:' .. ARGV[2]
if redis.call('GET', key) == ARGV[3] then return redis.call('DEL', key) end
return 0
`;

export interface LockOptions {
  /** The lock expires after this long, so a holder that died never blocks the others for longer. */
  ttlMs: number;
  /** Give up waiting after this long: the caller's work fails and is retried later. */
  waitMs: number;
}

const DEFAULTS: LockOptions = { ttlMs: 10_000, waitMs: 15_000 };
const POLL_MS = 25;

/** Short mutual exclusion between worker processes, on Redis (`SET NX PX`, released by its holder only). */
export class LocksRepository {
  private readonly scripts: ScriptRunner<'release'>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.scripts = new ScriptRunner(redis, { release: RELEASE });
  }

  /** Runs `work` while holding the lock `name`, waiting for it when another process holds it. */
  async withLock<T>(name: string, work: () => Promise<T>, options: Partial<LockOptions> = {}): Promise<T> {
    const { ttlMs, waitMs } = { ...DEFAULTS, ...options };
    const key = `${this.prefix}:lock:${name}`;
    const token = randomBytes(12).toString('hex');
    const deadline = Date.now() + waitMs;
    while ((await this.redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) {
        throw new Error(
          `lock ${name} was held by another worker for over ${waitMs} ms (is one stuck?); the work that needs it fails and is retried`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    try {
      return await work();
    } finally {
      await this.scripts.run([{ script: 'release', args: [this.prefix, name, token] }]);
    }
  }
}
