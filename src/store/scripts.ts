import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Lua scripts run by SHA in one pipeline (one round trip per call list), reloaded once when Redis lost
 * its script cache (a restart). Scripts receive the key prefix as their first argument and build their
 * keys from it, as the other repositories' scripts do (single Redis node or a proxy, not Redis Cluster).
 */
export class ScriptRunner<Name extends string> {
  private readonly shas: ReadonlyMap<Name, string>;

  constructor(
    private readonly redis: Redis,
    private readonly scripts: Readonly<Record<Name, string>>,
  ) {
    const shas = new Map<Name, string>();
    for (const name of Object.keys(scripts) as Name[]) {
      shas.set(name, createHash('sha1').update(scripts[name]).digest('hex'));
    }
    this.shas = shas;
  }

  async run(calls: readonly { script: Name; args: readonly (string | number)[] }[]): Promise<unknown[]> {
    if (calls.length === 0) return [];
    for (let attempt = 0; ; attempt++) {
      const pipeline = this.redis.pipeline();
      for (const call of calls)
        pipeline.evalsha(this.shas.get(call.script) ?? '', 0, ...call.args.map(String));
      const results = (await pipeline.exec()) ?? [];
      const failure = results.find(([error]) => error !== null)?.[0];
      if (failure && failure.message.includes('NOSCRIPT') && attempt === 0) {
        await Promise.all(Object.values<string>(this.scripts).map((body) => this.redis.script('LOAD', body)));
        continue;
      }
      if (failure) throw failure;
      return results.map(([, value]) => value);
    }
  }
}
