import { DetectService, type DetectDeps } from '../../../src/detect/service';
import { detectStores } from '../../../src/detect/wiring';
import type { PostDocument } from '../../../src/domain/post-document';
import { AlertsRepository } from '../../../src/store/alerts.repository';
import { postDoc, seedStory } from '../api/seed';
import { createTestContext, type TestContext } from '../../support/context';
import { sleep } from '../../support/drill';

const MINUTE = 60_000;
const MODEL = 'test-encoder@1';

/** A unit vector near a fixed direction: the encoder's output for texts that say the same thing. */
function claimVector(seed: number): number[] {
  return Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0.02 * Math.sin(seed * 7 + i)));
}

/** A story of 14 posts of one wording from 14 unregistered channels within an hour. */
function wording(label: string, text: string, start: number): PostDocument[] {
  return Array.from({ length: 14 }, (_, i) =>
    postDoc(`${label}${i}`, text, new Date(start + i * 4 * MINUTE).toISOString(), {
      channel: `@${label}_channel_${i}`,
      storyId: `s-race-${label}`,
      vector: claimVector(i + (label === 'b' ? 10 : 0)),
      modelVersion: MODEL,
    }),
  );
}

/**
 * Alerts as one worker sees them, except that listing the open alerts waits (up to 1.5 s) for the other
 * worker to list them too: the interleaving in which two workers both find no alert for a claim.
 */
function listingInStep(alerts: AlertsRepository, listed: { count: number }): DetectDeps['alerts'] {
  return {
    get: (id) => alerts.get(id),
    getMany: (ids) => alerts.getMany(ids),
    create: (doc, refresh) => alerts.create(doc, refresh),
    replace: (doc, current, refresh) => alerts.replace(doc, current, refresh),
    list: async (query) => {
      listed.count++;
      for (let waited = 0; listed.count < 2 && waited < 1500; waited += 50) await sleep(50);
      return alerts.list(query);
    },
  };
}

/** The detect stage's service as one worker process builds it: its own repositories on the shared stores. */
function detectWorker(context: TestContext, listed: { count: number }): DetectService {
  const { es, config } = context;
  return new DetectService({
    ...detectStores(context),
    alerts: listingInStep(new AlertsRepository(es, config.indexPrefix), listed),
  });
}

describe('two detect workers and one fake campaign in two wordings', () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext('fake-race');
  });
  afterAll(async () => {
    await context.cleanup();
  });

  it('open one alert, whichever lists the open alerts first, and link the other wording to it', async () => {
    const start = Date.now() - 2 * 3_600_000;
    const a = wording(
      'a',
      'СРОЧНО!!! В Коврове отравили воду в водопроводе, не пейте из крана! Перешлите всем!',
      start,
    );
    const b = wording(
      'b',
      'ВНИМАНИЕ! Ковров: в водопровод попал яд, воду из-под крана пить нельзя. Перешлите всем!!!',
      start + MINUTE,
    );
    await seedStory(context, 's-race-a', a);
    await seedStory(context, 's-race-b', b);

    const listed = { count: 0 };
    const [first, second] = await Promise.all([
      detectWorker(context, listed).run(a),
      detectWorker(context, listed).run(b),
    ]);
    const fakes = [...first.alerts, ...second.alerts].filter((alert) => alert.doc.type === 'fake');
    expect(fakes.map((alert) => alert.change).sort()).toEqual(['created', 'updated']);

    const alerts = new AlertsRepository(context.es, context.config.indexPrefix);
    await alerts.refresh();
    const open = (await alerts.list({ type: 'fake', size: 10 })).items;
    expect(open).toHaveLength(1);
    expect(open[0]?.place).toBe('Ковров');
    const stories = [open[0]?.storyId, ...(open[0]?.relatedStories ?? []).map((r) => r.storyId)];
    expect(stories.sort()).toEqual(['s-race-a', 's-race-b']);
  });
});
