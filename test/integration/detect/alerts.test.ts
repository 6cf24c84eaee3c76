import type { Detection } from '../../../src/alerts/detection';
import { recordDetection } from '../../../src/alerts/record';
import { ReviewError } from '../../../src/alerts/errors';
import { assignAlert, commentAlert, getAlert, transitionAlert } from '../../../src/alerts/review';
import { AlertsRepository } from '../../../src/store/alerts.repository';
import { KnownFakesRepository } from '../../../src/store/known-fakes.repository';
import { createTestContext, type TestContext } from '../../support/context';

const detection = (
  storyId: string,
  postCount: number,
  severity: Detection['severity'] = 'medium',
): Detection => ({
  type: 'fake',
  subject: { kind: 'story', storyId },
  storyId,
  title: 'Вероятный фейк (Муром): СРОЧНО!!! В Муроме отравлена вода',
  summary: 'Вероятность фейка 97%.',
  severity,
  score: 0.97,
  signals: [{ code: 'coordination', text: 'Почти одинаковый текст…', values: { suspects: postCount } }],
  evidence: {
    posts: [],
    sources: [],
    text: 'СРОЧНО!!! В Муроме отравлена вода в водопроводе! Перешлите всем!',
  },
  postCount,
  sourceCount: postCount,
  firstPostAt: '2025-02-04T07:17:48.000Z',
  detector: { name: 'fake', version: 'test' },
});

describe('alerts against the real Elasticsearch', () => {
  let context: TestContext;
  let alerts: AlertsRepository;
  let knownFakes: KnownFakesRepository;

  beforeAll(async () => {
    context = await createTestContext('alerts');
    alerts = new AlertsRepository(context.es, context.config.indexPrefix);
    knownFakes = new KnownFakesRepository(context.es, context.config.indexPrefix);
  });
  afterAll(async () => {
    await context.cleanup();
  });

  it('when eight workers detect the same story at once, there is one alert and no update is lost', async () => {
    const now = (): Date => new Date();
    const counts = [3, 9, 5, 12, 7, 12, 4, 8];
    const results = await Promise.all(
      counts.map((n) => recordDetection(alerts, detection('s-race', n), now)),
    );
    await alerts.refresh();
    const listed = await alerts.list({ storyId: 's-race' });
    expect(listed.total).toBe(1);
    const stored = listed.items[0];
    expect(stored?.postCount).toBe(12);
    expect(results.filter((r) => r.change === 'created')).toHaveLength(1);
    // Every write that changed something bumped the revision exactly once.
    expect(stored?.revision).toBe(results.filter((r) => r.change !== 'unchanged').length);
  });

  it('a new alert is found by search as soon as it is recorded (the next batch looks for it there)', async () => {
    await recordDetection(alerts, detection('s-searchable', 6), () => new Date());
    // No refresh here: the fake detector lists open alerts by search, one batch later.
    const listed = await alerts.list({ type: 'fake', status: ['new'], storyId: 's-searchable' });
    expect(listed.items.map((a) => a.storyId)).toEqual(['s-searchable']);
  });

  it('refuses a review step made on a stale version, and an illegal transition', async () => {
    const { doc } = await recordDetection(alerts, detection('s-review', 10), () => new Date());
    const first = await getAlert({ alerts }, doc.id);
    await commentAlert({ alerts }, { id: doc.id, text: 'Смотрю', by: 'analyst-1' });
    await expect(
      transitionAlert({ alerts }, { id: doc.id, to: 'in_review', by: 'analyst-2', version: first }),
    ).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(
      transitionAlert({ alerts }, { id: doc.id, to: 'confirmed', by: 'analyst-2' }),
    ).rejects.toBeInstanceOf(ReviewError);
    const fresh = await getAlert({ alerts }, doc.id);
    const reviewed = await transitionAlert(
      { alerts },
      { id: doc.id, to: 'in_review', by: 'analyst-2', version: fresh },
    );
    expect(reviewed.doc.status).toBe('in_review');
  });

  it('keeps a full audit trail and feeds confirmed fakes to the known-fakes registry', async () => {
    const { doc } = await recordDetection(alerts, detection('s-confirm', 15), () => new Date());
    await assignAlert({ alerts }, { id: doc.id, assignee: 'analyst-1', by: 'lead' });
    await transitionAlert({ alerts }, { id: doc.id, to: 'in_review', by: 'analyst-1' });
    const confirmed = await transitionAlert(
      { alerts, knownFakes },
      { id: doc.id, to: 'confirmed', by: 'analyst-1', note: 'Опровергнуто водоканалом' },
    );
    expect(confirmed.doc.status).toBe('confirmed');
    // A later detector update (the campaign grows) escalates but keeps people's work.
    await recordDetection(alerts, detection('s-confirm', 30, 'critical'), () => new Date());
    const final = await getAlert({ alerts }, doc.id);
    expect(final.doc.audit.map((a) => [a.action, a.by])).toEqual([
      ['created', 'detector:fake'],
      ['assigned', 'lead'],
      ['status', 'analyst-1'],
      ['status', 'analyst-1'],
      ['registered_fake', 'analyst-1'],
      ['escalated', 'detector:fake'],
    ]);
    expect(final.doc.status).toBe('confirmed');
    expect(final.doc.assignee).toBe('analyst-1');
    await knownFakes.refresh();
    const registry = await knownFakes.listActive();
    expect(registry).toEqual([expect.objectContaining({ kind: 'fake', origin: 'alert', alertId: doc.id })]);
    expect(registry[0]?.lemmas).toEqual(expect.arrayContaining(['муром', 'отравить', 'вода']));
  });
});
