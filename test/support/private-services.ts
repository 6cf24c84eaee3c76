import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import {
  ELASTICSEARCH_VERSION,
  startElasticsearch,
  stopElasticsearch,
} from '../../src/provision/elasticsearch';
import { isAlive, waitForExit } from '../../src/provision/process';
import { startRedis, stopRedis } from '../../src/provision/redis';
import type { ServicesState } from '../../src/provision/state';

type RedisState = NonNullable<ServicesState['redis']>;
type EsState = NonNullable<ServicesState['elasticsearch']>;

/**
 * Drills that stop or restart a service get instances of their own: other test files (and other people)
 * use the shared local Redis and Elasticsearch at the same time, and must never see them go down.
 */
function privateStateDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `dozor-drill-${label}-`));
  // mkdtemp creates 0700; the Elasticsearch user must be able to reach its folders below it.
  chmodSync(dir, 0o755);
  return dir;
}

const quiet = (): void => undefined;

/** A Redis of one drill, with AOF on like the project's own (src/provision/redis.ts). */
export class PrivateRedis {
  private constructor(
    readonly dataDir: string,
    private state: RedisState,
  ) {}

  get url(): string {
    return this.state.url;
  }

  get pid(): number {
    return this.state.pid;
  }

  static async start(label: string): Promise<PrivateRedis> {
    const dataDir = privateStateDir(label);
    return new PrivateRedis(dataDir, await startRedis(dataDir, undefined, quiet));
  }

  /** Clean stop: SHUTDOWN flushes the AOF. */
  async stop(): Promise<void> {
    await stopRedis(this.state, quiet);
  }

  /** The hard way: the process dies without flushing anything (OOM killer, crash). */
  async kill(): Promise<void> {
    if (!isAlive(this.state.pid)) return;
    process.kill(this.state.pid, 'SIGKILL');
    await waitForExit(this.state.pid, 10_000);
  }

  /** Starts again on the same port and data (the AOF is replayed). */
  async start(): Promise<void> {
    const restarted = await startRedis(this.dataDir, this.state, quiet);
    if (restarted.port !== this.state.port) {
      throw new Error(`private Redis came back on port ${restarted.port}, not ${this.state.port}`);
    }
    this.state = restarted;
  }

  async cleanup(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * A single-node Elasticsearch of one drill (about 1 GB of RAM and 20–30 s to start: one per test file).
 * It reuses the distribution zip `services up` downloaded into the shared state folder.
 */
export class PrivateElasticsearch {
  private constructor(
    private readonly stateDir: string,
    private state: EsState,
  ) {}

  get url(): string {
    return this.state.url;
  }

  static async start(label: string): Promise<PrivateElasticsearch> {
    const config = loadConfig();
    const stateDir = privateStateDir(label);
    const zipName = `elasticsearch-${ELASTICSEARCH_VERSION}.zip`;
    const sharedZip = path.join(config.stateDir, 'cache', zipName);
    if (existsSync(sharedZip)) {
      mkdirSync(path.join(stateDir, 'cache'), { recursive: true });
      symlinkSync(sharedZip, path.join(stateDir, 'cache', zipName));
    }
    const state = await startElasticsearch(PrivateElasticsearch.options(stateDir, undefined));
    return new PrivateElasticsearch(stateDir, state);
  }

  private static options(stateDir: string, previous: EsState | undefined) {
    return {
      stateDir,
      dataDir: path.join(stateDir, 'data'),
      javaHome: loadConfig().esJavaHome,
      previous,
      log: quiet,
    };
  }

  async stop(): Promise<void> {
    await stopElasticsearch(this.state, quiet);
  }

  /** Starts again on the same port and data directory. */
  async start(): Promise<void> {
    const restarted = await startElasticsearch(PrivateElasticsearch.options(this.stateDir, this.state));
    if (restarted.url !== this.state.url) {
      throw new Error(`private Elasticsearch came back at ${restarted.url}, not ${this.state.url}`);
    }
    this.state = restarted;
  }

  async cleanup(): Promise<void> {
    await this.stop();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
