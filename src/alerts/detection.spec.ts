import { alertIdFor, canTransition, subjectKeyOf } from './alert';
import { applyDetection, type Detection } from './detection';

const base = (overrides: Partial<Detection> = {}): Detection => ({
  type: 'emergency',
  subject: { kind: 'place-category', placeId: 'vladimirskaya_oblast/kameshkovskiy_rayon', category: 'water' },
  title: 'Отключение водоснабжения: Камешковский район',
  summary: '…',
  severity: 'medium',
  score: 0.5,
  signals: [{ code: 'burst', text: 'За 60 мин — 12 сообщений', values: { posts: 12 } }],
  evidence: { posts: [], sources: [] },
  postCount: 12,
  sourceCount: 10,
  firstPostAt: '2025-02-05T05:00:00.000Z',
  detector: { name: 'emergency', version: 'test' },
  ...overrides,
});

describe('applyDetection', () => {
  it('creates one alert whose id depends only on type and subject', () => {
    const d = base();
    const { doc, change } = applyDetection(undefined, d, '2025-02-05T05:20:00.000Z');
    expect(change).toBe('created');
    expect(doc.id).toBe(alertIdFor('emergency', subjectKeyOf(d.subject)));
    expect(doc.status).toBe('new');
    expect(doc.timeToAlertMs).toBe(20 * 60_000);
    expect(doc.audit).toEqual([expect.objectContaining({ action: 'created', by: 'detector:emergency' })]);
  });

  it('records an escalation when severity rises, and only grows figures', () => {
    const created = applyDetection(undefined, base({ magnitude: { people: 2000, houses: 60 } }), 't1').doc;
    const { doc, change } = applyDetection(
      created,
      base({ severity: 'critical', score: 0.9, postCount: 40, magnitude: { people: 1500, days: 3 } }),
      't2',
    );
    expect(change).toBe('escalated');
    expect(doc.severity).toBe('critical');
    expect(doc.magnitude).toEqual({ people: 2000, houses: 60, days: 3 });
    expect(doc.escalations).toEqual([expect.objectContaining({ from: 'medium', to: 'critical' })]);
    expect(doc.revision).toBe(2);
  });

  it('never lowers severity or score, and reports a repeat as unchanged', () => {
    const created = applyDetection(undefined, base({ severity: 'high', score: 0.8 }), 't1').doc;
    const same = applyDetection(created, base({ severity: 'high', score: 0.8 }), 't2');
    expect(same.change).toBe('unchanged');
    const weaker = applyDetection(created, base({ severity: 'low', score: 0.3, postCount: 13 }), 't3');
    expect(weaker.change).toBe('updated');
    expect(weaker.doc.severity).toBe('high');
    expect(weaker.doc.score).toBe(0.8);
  });

  it('keeps what people did: status, assignee and comments survive detector updates', () => {
    const created = applyDetection(undefined, base(), 't1').doc;
    const reviewed = {
      ...created,
      status: 'acknowledged' as const,
      assignee: 'duty-1',
      comments: [{ id: 'c1', at: 't1', by: 'duty-1', text: 'Бригада выехала' }],
    };
    const { doc } = applyDetection(reviewed, base({ postCount: 30 }), 't2');
    expect(doc.status).toBe('acknowledged');
    expect(doc.assignee).toBe('duty-1');
    expect(doc.comments).toHaveLength(1);
  });

  it('reopens a resolved emergency that escalates again', () => {
    const created = applyDetection(undefined, base(), 't1').doc;
    const { doc } = applyDetection(
      { ...created, status: 'resolved' },
      base({ severity: 'high', score: 0.9 }),
      't2',
    );
    expect(doc.status).toBe('new');
    expect(doc.audit.map((a) => a.action)).toContain('reopened');
  });

  it('folds a related story into the alert without replacing its evidence', () => {
    const fake = base({
      type: 'fake',
      subject: { kind: 'story', storyId: 's1' },
      storyId: 's1',
      postCount: 15,
      sourceCount: 15,
      severity: 'high',
      score: 0.99,
      evidence: { posts: [], sources: [], text: 'СРОЧНО!!! …' },
      detector: { name: 'fake', version: 'test' },
    });
    const created = applyDetection(undefined, fake, 't1').doc;
    const related = {
      ...fake,
      postCount: 6,
      sourceCount: 6,
      score: 0.7,
      relatedStory: { storyId: 's2', similarity: 0.9 },
    };
    const once = applyDetection(created, related, 't2').doc;
    expect(once.postCount).toBe(21);
    expect(once.relatedStories).toEqual([expect.objectContaining({ storyId: 's2', posts: 6 })]);
    expect(once.evidence.text).toBe('СРОЧНО!!! …');
    // The same related story again with more posts replaces its entry instead of adding to it.
    const twice = applyDetection(once, { ...related, postCount: 8, sourceCount: 8 }, 't3').doc;
    expect(twice.postCount).toBe(23);
    // A main-story update counts the related stories in.
    const main = applyDetection(twice, { ...fake, postCount: 20, sourceCount: 20 }, 't4').doc;
    expect(main.postCount).toBe(28);
  });
});

describe('lifecycle', () => {
  it('lets fakes go new → in_review → confirmed | dismissed only', () => {
    expect(canTransition('fake', 'new', 'in_review')).toBe(true);
    expect(canTransition('fake', 'in_review', 'confirmed')).toBe(true);
    expect(canTransition('fake', 'new', 'confirmed')).toBe(false);
    expect(canTransition('fake', 'in_review', 'acknowledged')).toBe(false);
  });

  it('lets emergencies be acknowledged and resolved', () => {
    expect(canTransition('emergency', 'new', 'acknowledged')).toBe(true);
    expect(canTransition('emergency', 'acknowledged', 'resolved')).toBe(true);
    expect(canTransition('emergency', 'new', 'resolved')).toBe(false);
  });
});
