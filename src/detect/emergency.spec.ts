import { DETECTORS } from './detectors.config';
import { detectEmergency, emergencySeverity, isBurst, poissonTail, type EmergencyWindow } from './emergency';

const window = (overrides: Partial<EmergencyWindow> = {}): EmergencyWindow => ({
  placeId: 'vladimirskaya_oblast/kameshkovskiy_rayon',
  place: 'Камешковский район',
  region: 'Владимирская область',
  category: 'water',
  windowPosts: 20,
  windowSources: 18,
  previousWindowPosts: 0,
  baselinePerHour: 0.3,
  firstPostAt: '2025-02-05T05:00:00.000Z',
  lastPostAt: '2025-02-05T05:40:00.000Z',
  windowFirstPostAt: '2025-02-05T05:00:00.000Z',
  dayPosts: 20,
  daySources: 18,
  magnitude: { people: 2000, houses: 60 },
  evidence: { posts: [], sources: [] },
  ...overrides,
});

describe('poissonTail', () => {
  it('matches known values', () => {
    expect(poissonTail(0, 2)).toBe(1);
    expect(poissonTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 10);
    expect(poissonTail(3, 1)).toBeCloseTo(1 - Math.exp(-1) * (1 + 1 + 0.5), 10);
    expect(poissonTail(20, 0.3)).toBeLessThan(1e-20);
  });
});

describe('emergency detector', () => {
  it('raises a burst in one district against its own baseline', () => {
    const d = detectEmergency(window());
    expect(d?.type).toBe('emergency');
    expect(d?.subject).toEqual({ kind: 'place-category', placeId: window().placeId, category: 'water' });
    expect(d?.magnitude).toEqual({ people: 2000, houses: 60 });
    expect(d?.signals[0]?.text).toContain('20 сообщений');
  });

  it('dates a renewed burst by its window and the incident by its first post', () => {
    // Reports since 05:00, an hour of silence, then a new burst at 10:05.
    const renewed = window({
      firstPostAt: '2025-02-05T05:00:00.000Z',
      windowFirstPostAt: '2025-02-05T10:05:00.000Z',
      lastPostAt: '2025-02-05T10:30:00.000Z',
    });
    const signals = detectEmergency(renewed, true)?.signals ?? [];
    expect(signals.find((s) => s.code === 'growth')?.text).toBe(
      'До этого 60 мин сообщений не было: всплеск начался 10:05.',
    );
    expect(signals.find((s) => s.code === 'duration')?.text).toBe(
      'Сообщения идут 330 мин, первое — 05:00 (UTC 2025-02-05).',
    );
  });

  it('does not raise the usual complaints of a place that always complains', () => {
    expect(isBurst(window({ windowPosts: 9, windowSources: 9, baselinePerHour: 6 })).burst).toBe(false);
  });

  it('needs several distinct sources: one resident posting ten times is not an outage', () => {
    expect(isBurst(window({ windowPosts: 10, windowSources: 1 })).burst).toBe(false);
    expect(DETECTORS.emergency.minSources).toBeGreaterThan(1);
  });

  it('grades severity by magnitude, volume and growth', () => {
    expect(
      emergencySeverity(window({ magnitude: {}, windowPosts: 8, previousWindowPosts: 8 })).severity,
    ).toBe('low');
    expect(
      emergencySeverity(window({ magnitude: { people: 12_000, days: 3 }, windowPosts: 45 })).severity,
    ).toBe('critical');
  });
});
