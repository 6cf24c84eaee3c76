import { Rng } from '../../../datasets/synthetic/prng';
import { createPipeline, type Pipeline } from '../../../src/main/pipeline';
import { STAGES, type Stage } from '../../../src/pipeline/jobs';
import { createTestContext, type TestContext } from '../../support/context';
import {
  drillCorpus,
  drillEnv,
  expectEveryPostOnce,
  explainedBy,
  killChild,
  produce,
  sleep,
  spawnWorker,
  type WorkerProcess,
} from '../../support/drill';
import { waitForRunSettled } from '../../support/pipeline';

const KILLS = 20;

/**
 * Drill 3 (issue 8): one `dozor worker` process per stage, and SIGKILL (no shutdown, as the OOM killer
 * does it) 20 times, each time to the process of a stage while it holds a job, at a random moment; a
 * fresh process replaces it. A killed job's lock expires and another worker takes it over; every write
 * is keyed by post id, so a job run twice changes nothing twice. The import must end with every post
 * indexed exactly once, the ledger reconciled, nothing parked, and copies still in one story.
 */
describe('drill: workers killed with SIGKILL at random moments in every stage', () => {
  let context: TestContext;
  let pipeline: Pipeline;
  const settings = { BATCH_SIZE: '100', WORKER_LOCK_MS: '2000', JOB_BACKOFF_MS: '200' };
  const workers = new Map<Stage, WorkerProcess>();

  beforeAll(async () => {
    context = await createTestContext('drill-kill', settings);
    pipeline = createPipeline(context);
  });
  afterAll(async () => {
    await Promise.all([...workers.values()].map((worker) => killChild(worker.child, 'SIGKILL')));
    await pipeline.close();
    await context.cleanup();
  });

  it('reconciles the ledger and indexes every post exactly once after 20 kills', async () => {
    const rng = Rng.derive('drill', 'worker-kill');
    const corpus = drillCorpus('kill', { singles: 5600, groups: 100, copies: 4 });
    const total = corpus.posts.length;
    const env = drillEnv(context, settings);
    const start = async (stage: Stage): Promise<number> => {
      const worker = spawnWorker(env, [stage]);
      workers.set(stage, worker);
      return worker.ready;
    };
    // Jobs a killed process held stay active until their lock expires; only a job started since the live
    // process came up is in its hands. Ingest jobs last milliseconds and may be missed: then the kill
    // comes at a random moment between jobs, as a real crash may.
    const jobHeldByLiveWorker = async (stage: Stage, since: number): Promise<string | undefined> => {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const active = await pipeline.queues[stage].getActive();
        const held = active.find((job) => (job.processedOn ?? 0) >= since);
        if (held?.id !== undefined) return held.id;
        await sleep(5);
      }
      return undefined;
    };
    const readyAt = new Map<Stage, number>();
    for (const stage of STAGES) readyAt.set(stage, await start(stage));

    // Every stage that runs is killed four times, in a seeded random order. Models are off in drills, so
    // batches skip enrich (README, DOZOR_MODELS): its worker runs but never holds a job.
    const killed = STAGES.filter((stage) => stage !== 'enrich');
    const schedule = Array.from({ length: KILLS }, (_, i) => killed[i % killed.length] ?? 'ingest')
      .map((stage) => ({ stage, key: rng.next() }))
      .sort((a, b) => a.key - b.key)
      .map((entry) => entry.stage);
    const producer = await pipeline.producer('drill worker-kill');
    const slice = Math.ceil(total / KILLS);
    let interrupted = 0;
    for (const [i, stage] of schedule.entries()) {
      // Input keeps arriving between kills, so every stage has work when its turn comes.
      await produce(producer, corpus.posts.slice(i * slice, (i + 1) * slice));
      const held = await jobHeldByLiveWorker(stage, readyAt.get(stage) ?? 0);
      await sleep(rng.int(0, 30));
      const victim = workers.get(stage);
      if (victim) await killChild(victim.child, 'SIGKILL');
      const state = held === undefined ? undefined : await pipeline.queues[stage].getJobState(held);
      if (state === 'active') interrupted++; // the kill landed mid-job, not just after it
      readyAt.set(stage, await start(stage));
    }
    process.stdout.write(`worker-kill drill: ${KILLS} kills, ${interrupted} of them inside a job\n`);
    // Most kills land inside a job: at least those of the slower stages (cluster, index) must have.
    expect(interrupted).toBeGreaterThan(0);
    await produce(producer, corpus.posts.slice(KILLS * slice));

    const run = await explainedBy(workers.values(), () =>
      waitForRunSettled(pipeline, producer.runId, total, 300_000),
    );
    expect(run).toMatchObject({ accepted: total, indexed: total, duplicate: 0, rejected: 0, refused: 0 });
    await expectEveryPostOnce(context, pipeline, corpus);
  }, 600_000);
});
