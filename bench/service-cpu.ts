/**
 * CPU time of the services a benchmark drives, read through their own APIs (Elasticsearch node stats,
 * Redis INFO), so a run can say where its CPU went: on 2 cores the pipeline, Elasticsearch and Redis
 * share the same budget. Works on a remote cluster too (then it is that cluster's CPU); a cluster whose
 * key lacks the monitor privilege reports none.
 */
import { errors, type Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';

export interface ServiceCpu {
  /** Milliseconds of CPU, summed over Elasticsearch nodes; undefined when not readable. */
  elasticsearchMs: number | undefined;
  redisMs: number;
  processMs: number;
}

export async function serviceCpu(es: Client, redis: Redis): Promise<ServiceCpu> {
  const info = await redis.info('cpu');
  const field = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  const usage = process.cpuUsage();
  return {
    elasticsearchMs: await elasticsearchCpuMs(es),
    redisMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000,
    processMs: (usage.user + usage.system) / 1000,
  };
}

async function elasticsearchCpuMs(es: Client): Promise<number | undefined> {
  try {
    const stats = await es.nodes.stats({ metric: 'process', filter_path: 'nodes.*.process.cpu' });
    return Object.values(stats.nodes).reduce(
      (sum, node) => sum + (node.process?.cpu?.total_in_millis ?? 0),
      0,
    );
  } catch (error) {
    if (error instanceof errors.ResponseError && error.statusCode === 403) return undefined;
    throw error;
  }
}

/** Elasticsearch's figure is unknown when either side is. */
function combine(a: ServiceCpu, b: ServiceCpu, op: (x: number, y: number) => number): ServiceCpu {
  return {
    elasticsearchMs:
      a.elasticsearchMs === undefined || b.elasticsearchMs === undefined
        ? undefined
        : op(a.elasticsearchMs, b.elasticsearchMs),
    redisMs: op(a.redisMs, b.redisMs),
    processMs: op(a.processMs, b.processMs),
  };
}

/** CPU spent between two readings. */
export const cpuBetween = (before: ServiceCpu, after: ServiceCpu): ServiceCpu =>
  combine(after, before, (x, y) => x - y);

/** Two spans of CPU added up (a benchmark timing several phases). */
export const cpuSum = (a: ServiceCpu, b: ServiceCpu): ServiceCpu => combine(a, b, (x, y) => x + y);

export const NO_CPU: ServiceCpu = { elasticsearchMs: 0, redisMs: 0, processMs: 0 };

/** "CPU ms per post: this process 1.37, Elasticsearch 1.02, Redis 0.41" for a span of CPU. */
export function cpuPerItem(spent: ServiceCpu, items: number, what = 'post'): string {
  const per = (ms: number | undefined): string => (ms === undefined ? 'n/a' : (ms / items).toFixed(2));
  return (
    `CPU ms per ${what}: this process ${per(spent.processMs)}, ` +
    `Elasticsearch ${per(spent.elasticsearchMs)}, Redis ${per(spent.redisMs)}`
  );
}
