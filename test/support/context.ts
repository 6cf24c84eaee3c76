import { randomBytes } from 'node:crypto';
import { createContext, type Context } from '../../src/main/context';
import { deleteKeysWithPrefix } from '../../src/store/redis';
import { deleteIndices } from '../../src/store/index-manager';

/** A context of its own for one test file: unique index and queue prefixes, removed by `cleanup`. */
export interface TestContext extends Context {
  cleanup(): Promise<void>;
}

export function uniquePrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`.toLowerCase();
}

export async function createTestContext(
  label: string,
  env: Record<string, string> = {},
): Promise<TestContext> {
  const prefix = uniquePrefix(label);
  const context = await createContext({
    env: {
      ...process.env,
      DOZOR_INDEX_PREFIX: prefix,
      DOZOR_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      // Most tests prove data flow, not models; the ones about models turn them on explicitly.
      DOZOR_MODELS: 'off',
      ...env,
    },
  });
  return {
    ...context,
    async cleanup() {
      await deleteIndices(context.es, prefix);
      await deleteKeysWithPrefix(context.redis, prefix);
      await context.close();
    },
  };
}
