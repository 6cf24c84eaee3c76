import { loadConfig } from '../../../src/config/config';
import { createReplay, scenarioPosts } from '../../../scripts/eval/alerts-replay';
import { createTestContext, type TestContext } from '../../support/context';

/**
 * Synthetic scenarios with known answers, replayed through the real stages (models on: vectors, topics
 * and heads, as in production) against the real Redis and Elasticsearch.
 */
const DAY = 86_400_000;

describe('detectors on synthetic scenarios', () => {
  // The pipeline's models must be built (`npm test` builds them); the detectors are tested as they run.
  const models = loadConfig().models.enabled;

  let context: TestContext;
  beforeEach(async () => {
    context = await createTestContext('scenario');
  });
  afterEach(async () => {
    await context.cleanup();
  });

  it('a coordinated fake campaign and a water outage in one district each raise exactly one alert, right in type, place and magnitude', async () => {
    const { posts, summary, sources } = scenarioPosts({ scenario: 'demo', seed: 'detect-test' });
    // The first three days hold the first campaign (day 1) and the water outage (day 2).
    const end = Date.parse(summary.start) + 3 * DAY;
    const window = posts.filter((e) => Date.parse(e.post.publishedAt as string) < end);
    const campaign = summary.campaigns.find((c) => Date.parse(c.startAt) < end);
    const outage = summary.emergencies.find((e) => Date.parse(e.startAt) < end);
    expect(campaign?.narrative).toBe('water_poisoning');
    expect(outage?.category).toBe('water');

    const replay = await createReplay(context, { models });
    try {
      await replay.registerSources(sources);
      await replay.feed(window, 20);
      await replay.repos.alerts.refresh();
      const alerts = (await replay.repos.alerts.list({ size: 100 })).items;
      const fakes = alerts.filter((a) => a.type === 'fake');
      const emergencies = alerts.filter((a) => a.type === 'emergency');
      expect(fakes).toHaveLength(1);
      expect(fakes[0]?.place).toBe(campaign?.place);
      expect(fakes[0]?.signals.map((s) => s.code)).toEqual(expect.arrayContaining(['coordination', 'style']));
      expect(emergencies).toHaveLength(1);
      expect(emergencies[0]).toMatchObject({
        place: outage?.place,
        region: outage?.region,
        category: 'water',
        magnitude: outage?.magnitude,
      });
      // The campaign's posts are not mistaken for an emergency and the outage's for a fake.
      expect(alerts.filter((a) => a.type !== 'trend')).toHaveLength(2);
    } finally {
      await replay.close();
    }
  }, 600_000);

  it('an ordinary week ending in a busy Monday (2.4× the posts) raises no alert at all', async () => {
    const { posts, sources, summary } = scenarioPosts({ scenario: 'busy-monday', seed: 'detect-test' });
    expect(summary.expectedAlerts).toEqual({ fake: 0, emergency: 0 });
    const replay = await createReplay(context, { models });
    try {
      await replay.registerSources(sources);
      const outcomes = await replay.feed(posts, 20);
      // The detectors did run on every batch (and found appeals to route): silence is not a dead stage.
      expect(outcomes.length).toBe(Math.ceil(posts.length / 20));
      expect(outcomes.reduce((n, o) => n + o.appeals, 0)).toBeGreaterThan(100);
      await replay.repos.alerts.refresh();
      const alerts = (await replay.repos.alerts.list({ size: 100 })).items;
      expect(alerts.map((a) => `${a.type}: ${a.title}`)).toEqual([]);
    } finally {
      await replay.close();
    }
  }, 600_000);
});
