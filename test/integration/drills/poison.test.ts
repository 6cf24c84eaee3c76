import { createPipeline, type Pipeline } from '../../../src/main/pipeline';
import { STAGES, type Stage } from '../../../src/pipeline/jobs';
import { listDeadLetters, retryDeadLetters, type DeadLetter } from '../../../src/pipeline/queues';
import { startWorkers, type PipelineWorkers } from '../../../src/pipeline/runner';
import { clusterStage } from '../../../src/pipeline/stages/cluster.stage';
import { normalizeStage } from '../../../src/pipeline/stages/normalize.stage';
import type { StageHandler } from '../../../src/pipeline/stages/stage';
import { LIMITS } from '../../../src/cluster/thresholds';
import { BoilerplateRepository } from '../../../src/store/boilerplate.repository';
import { LshRepository } from '../../../src/store/lsh.repository';
import { StoriesRepository } from '../../../src/store/stories.repository';
import { runCli } from '../../support/cli';
import { createTestContext, type TestContext } from '../../support/context';
import {
  deadLetterCount,
  drillCorpus,
  drillEnv,
  expectEveryPostOnce,
  killChild,
  produce,
  scrollPosts,
  spawnWorker,
  waitUntil,
  type WorkerProcess,
} from '../../support/drill';
import { waitForRunSettled } from '../../support/pipeline';

const ATTEMPTS = 4;
const CRASH = 'normalize crashed on this post (fault injected by the drill)';

/**
 * The bug of the drill: the real normalize stage, except that it throws on the given posts, as
 * `analyzePost` would on a text it cannot handle. Like the real stage's own per-post isolation
 * (`mapEachPost`), the crash is reported for that post alone; every crash is timed.
 */
function normalizeCrashingOn(
  real: StageHandler,
  poison: ReadonlySet<string>,
  crashes: Map<string, number[]>,
): StageHandler {
  return async (batch) => {
    const outcome = await real(batch);
    const crashed = batch.posts.filter((item) => poison.has(item.post.id));
    for (const item of crashed) crashes.set(item.post.id, [...(crashes.get(item.post.id) ?? []), Date.now()]);
    return {
      next: { ...outcome.next, posts: outcome.next.posts.filter((item) => !poison.has(item.post.id)) },
      poison: [...outcome.poison, ...crashed.map((item) => ({ item, error: new Error(CRASH) }))],
    };
  };
}

/**
 * Drill 4 (issue 8): two posts crash the normalize stage. Each is split out of its batch, retried with
 * back-off, then parked in the dead-letter queue with its error, while the rest of its batch and a later
 * import go through. `dozor dlq list` shows them; `dozor dlq retry` before the fix gives them their full
 * attempts again, and after the fix (a normalize worker without the bug) gets both indexed: the ledger
 * reconciles.
 */
describe('drill: poison posts go to the dead-letter queue and come back after a fix', () => {
  let context: TestContext;
  let pipeline: Pipeline;
  const settings = { BATCH_SIZE: '50', JOB_ATTEMPTS: String(ATTEMPTS), JOB_BACKOFF_MS: '1500' };
  let others: PipelineWorkers | undefined;
  let buggy: PipelineWorkers | undefined;
  let fixed: WorkerProcess | undefined;

  beforeAll(async () => {
    context = await createTestContext('drill-poison', settings);
    pipeline = createPipeline(context);
  });
  afterAll(async () => {
    if (fixed) await killChild(fixed.child, 'SIGKILL');
    await buggy?.close();
    await others?.close();
    await pipeline.close();
    await context.cleanup();
  });

  it('retries a crashing post, parks it with its error without blocking others, and retries it on demand', async () => {
    const first = drillCorpus('poison-a', { singles: 1000, groups: 0, copies: 0 });
    const later = drillCorpus('poison-b', { singles: 500, groups: 0, copies: 0 });
    const poisonIds = [first.posts[137], first.posts[612]].map((post) => post?.id ?? '');
    const crashes = new Map<string, number[]>();
    const env = { ...process.env, ...drillEnv(context, settings), LOG_LEVEL: 'silent', DOZOR_MODELS: 'off' };

    others = await pipeline.startWorkers(STAGES.filter((stage) => stage !== 'normalize'));
    const bug = normalizeCrashingOn(
      normalizeStage({ boilerplate: new BoilerplateRepository(context.redis, context.config.queuePrefix) }),
      new Set(poisonIds),
      crashes,
    );
    // Only the normalize worker starts (`stages`); the runner's map needs an entry for every stage.
    const handlers: Record<Stage, StageHandler> = {
      ingest: bug,
      normalize: bug,
      enrich: bug,
      cluster: bug,
      detect: bug,
      index: bug,
    };
    buggy = startWorkers({
      connection: context.redis,
      prefix: context.config.queuePrefix,
      queues: pipeline.queues,
      handlers,
      logger: context.logger,
      concurrency: () => 2,
      lockMs: context.config.pipeline.workerLockMs,
      backoffMs: context.config.pipeline.jobBackoffMs,
      stages: ['normalize'],
    });

    const runA = await pipeline.producer('drill poison A');
    await produce(runA, first.posts);
    // A later import arrives while the poison posts are failing: it must not wait for them.
    await waitUntil('the first crash', async () => Promise.resolve(crashes.size > 0));
    const runB = await pipeline.producer('drill poison B');
    await produce(runB, later.posts);

    await waitUntil('both poison posts parked', async () => (await deadLetterCount(pipeline)) === 2);
    expect(await waitForRunSettled(pipeline, runB.runId, later.posts.length)).toMatchObject({
      indexed: later.posts.length,
    });
    await waitUntil('the poison posts’ batch mates indexed', async () => {
      return (await pipeline.ledger.run(runA.runId))?.indexed === first.posts.length - 2;
    });
    for (const id of poisonIds) {
      // One crash in its batch, then every attempt of the job of its own.
      expect(crashes.get(id)).toHaveLength(1 + ATTEMPTS);
      expect(await pipeline.ledger.postState(id)).toBe('queued'); // accounted for, not lost
    }
    // The normalize queue kept finishing the later import's jobs while the poison was being retried.
    const retrying = poisonIds.map((id) => crashes.get(id) ?? []);
    const from = Math.min(...retrying.map((times) => times[0] ?? Infinity));
    const to = Math.max(...retrying.map((times) => times.at(-1) ?? 0));
    const done = await pipeline.queues.normalize.getCompleted(0, -1);
    const meanwhile = done.filter(
      (job) => job.data.runId === runB.runId && (job.finishedOn ?? 0) > from && (job.finishedOn ?? 0) < to,
    );
    expect(meanwhile.length).toBeGreaterThan(0);

    // The operator's view: each parked post in a job of its own, with the error and the attempts made.
    const list = await runCli(['dlq', 'list'], env);
    expect(list.code).toBe(0);
    const letters = list.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as DeadLetter);
    expect(
      letters
        .map((letter) => letter.postIds)
        .flat()
        .sort(),
    ).toEqual([...poisonIds].sort());
    for (const letter of letters) {
      expect(letter).toMatchObject({ stage: 'normalize', posts: 1, attemptsMade: ATTEMPTS });
      expect(letter.failedReason).toContain(CRASH);
    }

    // Retried before the fix, a parked post gets its full attempts again (with back-off), not a single one.
    const early = await runCli(['dlq', 'retry'], env);
    expect(early.code).toBe(0);
    await waitUntil('both poison posts parked again', async () => {
      const again = poisonIds.every((id) => (crashes.get(id)?.length ?? 0) > 1 + ATTEMPTS);
      return again && (await deadLetterCount(pipeline)) === 2;
    });
    for (const id of poisonIds) expect(crashes.get(id)).toHaveLength(1 + 2 * ATTEMPTS);

    // The fix is deployed: normalize workers without the bug. Parked jobs wait for the operator.
    await buggy.close();
    buggy = undefined;
    fixed = spawnWorker(drillEnv(context, settings), ['normalize']);
    await fixed.ready;
    expect(await deadLetterCount(pipeline)).toBe(2);
    const retry = await runCli(['dlq', 'retry'], env);
    expect(retry.code).toBe(0);
    expect(retry.stderr).toContain('2 job(s) returned');

    const run = await waitForRunSettled(pipeline, runA.runId, first.posts.length);
    expect(run).toMatchObject({ accepted: 1000, indexed: 1000, duplicate: 0, rejected: 0, refused: 0 });
    expect((await pipeline.ledger.counts()).queued).toBe(0);
    expect(await deadLetterCount(pipeline)).toBe(0);
    const found = await scrollPosts(context.es, `${context.config.indexPrefix}-posts`);
    expect(found.size).toBe(first.posts.length + later.posts.length);
    for (const id of poisonIds) expect(found.get(id)).toEqual(expect.any(String)); // clustered, then indexed
  });
});

/**
 * The cluster stage works on whole batches: a bug it hits on one post's content throws for the batch. The
 * runner splits such a batch in halves until the post is alone in its job; that job alone is retried and
 * parked, and every other post of the batch is clustered and indexed without waiting for it.
 */
describe('drill: a post that crashes a batch stage is split out of its batch', () => {
  let context: TestContext;
  let pipeline: Pipeline;
  const settings = { BATCH_SIZE: '50', JOB_ATTEMPTS: String(ATTEMPTS), JOB_BACKOFF_MS: '1500' };
  let others: PipelineWorkers | undefined;
  let cluster: PipelineWorkers | undefined;

  beforeAll(async () => {
    context = await createTestContext('drill-poison-batch', settings);
    pipeline = createPipeline(context);
  });
  afterAll(async () => {
    await cluster?.close();
    await others?.close();
    await pipeline.close();
    await context.cleanup();
  });

  it('parks the crashing post alone, clusters its batch mates, and clusters it once fixed', async () => {
    const corpus = drillCorpus('poison-batch', { singles: 600, groups: 20, copies: 6 });
    const poisonId = corpus.groups[3]?.[2] ?? '';
    const bug = `cluster stage: Cannot read properties of undefined (post ${poisonId}, fault injected by the drill)`;
    let crashes = 0;
    const real = clusterStage({
      lsh: new LshRepository(context.redis, context.config.queuePrefix, {
        ttlSeconds: LIMITS.stateTtlSeconds,
        bucketCap: LIMITS.bucketCap,
        exemplarCap: LIMITS.exemplarsPerStory,
        maxCandidates: LIMITS.maxCandidates,
      }),
      stories: new StoriesRepository(context.es, context.config.indexPrefix),
      semantic: false,
    });
    const crashing: StageHandler = async (batch) => {
      if (batch.posts.some((item) => item.post.id === poisonId)) {
        crashes++;
        throw new TypeError(bug);
      }
      return real(batch);
    };
    others = await pipeline.startWorkers(STAGES.filter((stage) => stage !== 'cluster'));
    cluster = startWorkers({
      connection: context.redis,
      prefix: context.config.queuePrefix,
      queues: pipeline.queues,
      // Only the cluster worker starts (`stages`); the runner's map needs an entry for every stage.
      handlers: {
        ingest: crashing,
        normalize: crashing,
        enrich: crashing,
        cluster: crashing,
        detect: crashing,
        index: crashing,
      },
      logger: context.logger,
      concurrency: () => 2,
      lockMs: context.config.pipeline.workerLockMs,
      backoffMs: context.config.pipeline.jobBackoffMs,
      skipStages: ['enrich'],
      stages: ['cluster'],
    });

    const run = await pipeline.producer('drill poison batch');
    await produce(run, corpus.posts);
    await waitUntil('the crashing post parked', async () => (await deadLetterCount(pipeline)) === 1);
    await waitUntil('its batch mates indexed', async () => {
      return (await pipeline.ledger.run(run.runId))?.indexed === corpus.posts.length - 1;
    });
    const [letter] = await listDeadLetters(pipeline.queues);
    expect(letter).toMatchObject({ stage: 'cluster', posts: 1, postIds: [poisonId], attemptsMade: ATTEMPTS });
    expect(letter?.failedReason).toContain(bug);
    // One crash per halving of its 50-post batch (50 → 25 → 13 → 7 → 4 → 2 → 1 at most), then its own attempts.
    expect(crashes).toBeGreaterThanOrEqual(ATTEMPTS + 5);
    expect(crashes).toBeLessThanOrEqual(ATTEMPTS + 6);
    expect(await pipeline.ledger.postState(poisonId)).toBe('queued');

    // The fix: the real cluster stage. The parked post joins its story like its copies did.
    await cluster.close();
    cluster = await pipeline.startWorkers(['cluster']);
    expect(await retryDeadLetters(pipeline.queues)).toBe(1);
    expect(await waitForRunSettled(pipeline, run.runId, corpus.posts.length)).toMatchObject({
      indexed: corpus.posts.length,
      rejected: 0,
    });
    await expectEveryPostOnce(context, pipeline, corpus);
  });
});
