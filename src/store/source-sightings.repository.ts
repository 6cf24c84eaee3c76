import type { Redis } from 'ioredis';
import { ScriptRunner } from './scripts';

/**
 * When Dozor first saw each channel (by publication time), and since when it has been watching: what
 * "a new account" means for a source the registry does not know. Earliest wins, so batches processed
 * out of order agree.
 */
const SEEN = `
local p = ARGV[1]
local n = tonumber(ARGV[2])
local out = {}
local since = tonumber(redis.call('GET', p .. 'since') or '')
for i = 0, n - 1 do
  local field, at = ARGV[3 + i * 2], tonumber(ARGV[4 + i * 2])
  local known = tonumber(redis.call('HGET', p .. 'first', field) or '')
  if not known or at < known then
    redis.call('HSET', p .. 'first', field, at)
    known = at
  end
  if not since or at < since then since = at end
  out[i + 1] = known
end
redis.call('SET', p .. 'since', since)
table.insert(out, since)
return out
`;

export class SourceSightingsRepository {
  private readonly p: string;
  private readonly scripts: ScriptRunner<'SEEN'>;

  constructor(redis: Redis, prefix: string) {
    this.p = `${prefix}:sightings:`;
    this.scripts = new ScriptRunner(redis, { SEEN });
  }

  /**
   * Records sightings (source key → publication time, epoch ms) and returns each key's first sighting
   * and the start of observation.
   */
  async sight(
    sightings: ReadonlyMap<string, number>,
  ): Promise<{ first: Map<string, number>; since: number }> {
    const entries = [...sightings];
    const [reply] = await this.scripts.run([
      { script: 'SEEN', args: [this.p, entries.length, ...entries.flatMap(([key, at]) => [key, at])] },
    ]);
    const values = Array.isArray(reply) ? reply.map(Number) : [];
    const first = new Map<string, number>();
    entries.forEach(([key], i) => first.set(key, values[i] ?? Number.NaN));
    return { first, since: values[entries.length] ?? Number.NaN };
  }
}
