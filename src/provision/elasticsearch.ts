import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { findJavaHome } from './java';
import { aptInstall, commandExists, isAlive, isRoot, run, sleep, waitForExit } from './process';
import { choosePort } from './ports';
import type { ServicesState } from './state';

/** Newest 9.x of the integ-test-zip distribution that Maven Central serves (checked 2026-11-22). */
export const ELASTICSEARCH_VERSION = '9.2.8';
const ARTIFACT = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`;
/** Elasticsearch refuses to run as root, so the project runs it as this system user. */
export const ES_USER = 'dozor-es';

type EsState = NonNullable<ServicesState['elasticsearch']>;
type Log = (line: string) => void;

export interface StartElasticsearchOptions {
  stateDir: string;
  dataDir: string;
  javaHome: string | undefined;
  previous: EsState | undefined;
  log: Log;
}

/**
 * Downloads (once, through Maven), unpacks and starts a single-node Elasticsearch on 127.0.0.1 as a
 * non-root user, with data and snapshots in the project's state folder. Idempotent.
 */
export async function startElasticsearch(options: StartElasticsearchOptions): Promise<EsState> {
  const { previous, log } = options;
  if (previous && isAlive(previous.pid) && (await clusterHealthy(previous.url))) {
    log(`Elasticsearch already running at ${previous.url}`);
    return previous;
  }
  const javaHome = await findJavaHome(options.javaHome);
  const zip = await downloadDistribution(path.join(options.stateDir, 'cache'), log);
  const root = await chooseRoot(options.stateDir);
  const home = await unpack(zip, root, log);
  const user = isRoot() ? await ensureUser(log) : undefined;

  const dataDir = path.join(options.dataDir, 'elasticsearch');
  const dirs = {
    conf: path.join(root, 'config'),
    data: path.join(dataDir, 'data'),
    logs: path.join(dataDir, 'logs'),
    repo: path.join(dataDir, 'snapshots'),
  };
  for (const dir of [dirs.data, dirs.logs, dirs.repo]) mkdirSync(dir, { recursive: true });
  if (!existsSync(dirs.conf)) cpSync(path.join(home, 'config'), dirs.conf, { recursive: true });

  const httpPort = await choosePort(previous?.port ?? 9200);
  const transportPort = await choosePort(9300);
  writeFileSync(
    path.join(dirs.conf, 'elasticsearch.yml'),
    [
      '# Written by `dozor services up` on every start; edit src/provision/elasticsearch.ts instead.',
      'cluster.name: dozor',
      'node.name: dozor-local',
      'discovery.type: single-node',
      'network.host: 127.0.0.1',
      `http.port: ${httpPort}`,
      `transport.port: ${transportPort}`,
      `path.data: ${dirs.data}`,
      `path.logs: ${dirs.logs}`,
      `path.repo: ${dirs.repo}`,
      'xpack.security.enabled: false',
      // A developer's disk filling up must not flip indices to read-only and stall the pipeline.
      'cluster.routing.allocation.disk.threshold_enabled: false',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dirs.conf, 'jvm.options.d', 'dozor-heap.options'), '-Xms512m\n-Xmx1g\n');
  if (user) await run('chown', ['-R', `${user}:${user}`, root, dataDir]);

  const pidFile = path.join(dirs.logs, 'elasticsearch.pid');
  const env = [`ES_JAVA_HOME=${javaHome}`, `ES_PATH_CONF=${dirs.conf}`, 'ES_JAVA_OPTS='];
  const launcher = [path.join(home, 'bin', 'elasticsearch'), '-d', '-p', pidFile];
  const command = user
    ? (['runuser', ['-u', user, '--', 'env', ...env, ...launcher]] as const)
    : (['env', [...env, ...launcher]] as const);
  log(`Starting Elasticsearch ${ELASTICSEARCH_VERSION} on 127.0.0.1:${httpPort} (Java: ${javaHome})…`);
  const started = await run(command[0], [...command[1]], { cwd: home });
  const url = `http://127.0.0.1:${httpPort}`;
  if (started.code !== 0) {
    throw new Error(
      `Elasticsearch failed to start (exit ${started.code}).\n${started.stderr || started.stdout}\n` +
        `Logs: ${dirs.logs}`,
    );
  }
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (await clusterHealthy(url)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      log(`Elasticsearch ready at ${url} (data in ${dirs.data})`);
      return user ? { url, pid, port: httpPort, home: root, user } : { url, pid, port: httpPort, home: root };
    }
    await sleep(1000);
  }
  throw new Error(`Elasticsearch did not report a healthy cluster within 180 s; see ${dirs.logs}/dozor.log`);
}

export async function stopElasticsearch(state: EsState, log: Log): Promise<void> {
  if (!isAlive(state.pid)) return;
  process.kill(state.pid, 'SIGTERM');
  if (!(await waitForExit(state.pid, 60_000))) process.kill(state.pid, 'SIGKILL');
  log(`Elasticsearch stopped (port ${state.port})`);
}

export async function elasticsearchStatus(state: EsState | undefined): Promise<string> {
  if (!state) return 'not started by this project';
  return isAlive(state.pid) && (await clusterHealthy(state.url))
    ? `running at ${state.url}`
    : `stopped (last at ${state.url})`;
}

/** Readiness by `_cluster/health` (the stripped build has no `GET /`). Yellow is fine on one node. */
export async function clusterHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, {
      signal: AbortSignal.timeout(3000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** Fetches the distribution zip through Maven into `cacheDir`, showing progress; skips when cached. */
async function downloadDistribution(cacheDir: string, log: Log): Promise<string> {
  const zip = path.join(cacheDir, `elasticsearch-${ELASTICSEARCH_VERSION}.zip`);
  if (existsSync(zip)) return zip;
  if (!commandExists('mvn')) {
    if (!isRoot())
      throw new Error(
        'Maven (mvn) is needed to download Elasticsearch. Install it: sudo apt-get install -y maven',
      );
    await aptInstall(['maven'], log);
  }
  mkdirSync(cacheDir, { recursive: true });
  log(`Downloading Elasticsearch ${ELASTICSEARCH_VERSION} through Maven (about 100 MB, once)…`);
  const localRepoDir = path.join(
    os.homedir(),
    '.m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch',
    ELASTICSEARCH_VERSION,
  );
  const ticker = setInterval(() => {
    log(`  … ${Math.round(directoryBytes(localRepoDir) / 1e6)} MB`);
  }, 5000);
  try {
    const result = await run('mvn', [
      '-B',
      '-q',
      'dependency:copy',
      `-Dartifact=${ARTIFACT}`,
      `-DoutputDirectory=${cacheDir}`,
    ]);
    if (result.code !== 0 || !existsSync(zip)) {
      throw new Error(
        `Maven could not fetch ${ARTIFACT}.\n${result.stdout.slice(-2000)}\n` +
          'Check that Maven Central is reachable (proxy settings in ~/.m2/settings.xml) and retry.',
      );
    }
  } finally {
    clearInterval(ticker);
  }
  log(`Downloaded ${zip}`);
  return zip;
}

function directoryBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}

/**
 * Where the unpacked server and its config live. The state folder is preferred; when the ES user cannot
 * reach it (a checkout under /root is not traversable by other users) a folder under /var/lib is used.
 */
async function chooseRoot(stateDir: string): Promise<string> {
  const preferred = path.join(stateDir, 'elasticsearch');
  if (!isRoot()) return preferred;
  await ensureUser(() => undefined);
  mkdirSync(preferred, { recursive: true });
  const probe = await run('runuser', ['-u', ES_USER, '--', 'test', '-x', preferred]);
  if (probe.code === 0) return preferred;
  const fallback = path.join(
    '/var/lib/dozor',
    createHash('sha256').update(stateDir).digest('hex').slice(0, 12),
  );
  mkdirSync(fallback, { recursive: true });
  return fallback;
}

async function unpack(zip: string, root: string, log: Log): Promise<string> {
  const home = path.join(root, `elasticsearch-${ELASTICSEARCH_VERSION}`);
  if (existsSync(path.join(home, 'bin', 'elasticsearch'))) return home;
  if (!commandExists('unzip')) await aptInstall(['unzip'], log);
  mkdirSync(root, { recursive: true });
  log(`Unpacking ${path.basename(zip)}…`);
  const result = await run('unzip', ['-q', '-o', zip, '-d', root]);
  if (result.code !== 0) throw new Error(`unzip ${zip} failed: ${result.stderr}. Delete it and retry.`);
  return home;
}

async function ensureUser(log: Log): Promise<string> {
  const exists = await run('id', ['-u', ES_USER]);
  if (exists.code !== 0) {
    log(`Creating system user ${ES_USER} to run Elasticsearch (it refuses to run as root)…`);
    const created = await run('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      ES_USER,
    ]);
    if (created.code !== 0) throw new Error(`useradd ${ES_USER} failed: ${created.stderr}`);
  }
  return ES_USER;
}
