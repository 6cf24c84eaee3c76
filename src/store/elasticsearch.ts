import { readFileSync } from 'node:fs';
import { Client, errors, type ClientOptions } from '@elastic/elasticsearch';
import type { ElasticsearchConfig } from '../config/config';

/**
 * Builds the one Elasticsearch client of a process. Works against the local single node and a secured
 * ES 9 cluster alike (API key or basic auth, custom CA).
 */
export function createElasticsearchClient(config: ElasticsearchConfig): Client {
  const options: ClientOptions = {
    node: config.url,
    requestTimeout: 30_000,
    maxRetries: 3,
    compression: false,
  };
  if (config.apiKey !== undefined) options.auth = { apiKey: config.apiKey };
  else if (config.username !== undefined && config.password !== undefined) {
    options.auth = { username: config.username, password: config.password };
  }
  if (config.caCertPath !== undefined) options.tls = { ca: readFileSync(config.caCertPath, 'utf8') };
  return new Client(options);
}

/**
 * Fails fast with a clear message when Elasticsearch is unreachable or refuses our credentials.
 * Uses `_cluster/health` because the stripped test build has no `GET /`.
 */
export async function assertElasticsearchReachable(client: Client, url: string): Promise<void> {
  try {
    await client.cluster.health({ timeout: '5s' }, { requestTimeout: 5000, maxRetries: 1 });
  } catch (error) {
    const reason = describeEsError(error);
    throw new Error(
      `Elasticsearch at ${url} is not usable: ${reason}. ` +
        'Start the local one with `npm run dozor -- services up`, or fix ELASTICSEARCH_URL and its credentials.',
      { cause: error },
    );
  }
}

/** A short human description of a client error, without stack traces. */
export function describeEsError(error: unknown): string {
  if (error instanceof errors.ResponseError) return `HTTP ${error.statusCode ?? '?'} ${error.message}`;
  if (error instanceof errors.ConnectionError) return `connection failed (${error.message})`;
  if (error instanceof errors.TimeoutError) return 'request timed out';
  return error instanceof Error ? error.message : String(error);
}

/** Status codes worth retrying: overload (429) and server-side failures. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === 429 || (status !== undefined && status >= 500);
}

/**
 * Whether a document write that failed is worth retrying: a retryable status, or an index blocked for
 * writes (403 `cluster_block_exception`: an operator's block, or a disk over the flood-stage watermark).
 * Neither is about the document; refusing it would lose a post once the block is lifted.
 */
export function isRetryableWriteFailure(status: number | undefined, type: string | undefined): boolean {
  return isRetryableStatus(status) || type === 'cluster_block_exception';
}
