import { trendTest, weeklyChanges } from './trend';

describe('trendTest', () => {
  it('does not call a busy Monday a trend: twice the posts, the same shares', () => {
    expect(
      trendTest({ count: 40, total: 400, baselineCount: 20 * 7, baselineTotal: 200 * 7, historyDays: 7 })
        .trend,
    ).toBe(false);
  });

  it('finds a topic whose share jumps far above its usual share for these hours', () => {
    const t = trendTest({
      count: 60,
      total: 220,
      baselineCount: 10 * 7,
      baselineTotal: 200 * 7,
      historyDays: 7,
    });
    expect(t.trend).toBe(true);
    expect(t.ratio).toBeGreaterThan(5);
  });

  it('needs history before it judges', () => {
    expect(
      trendTest({ count: 60, total: 220, baselineCount: 10, baselineTotal: 200, historyDays: 1 }).trend,
    ).toBe(false);
  });
});

describe('weeklyChanges', () => {
  it('compares shares, so a busier week does not lift every theme', () => {
    const changes = weeklyChanges(
      { roads: 200, water: 100, power: 20 },
      { roads: 100, water: 50, power: 30 },
      { roads: 'Дороги' },
    );
    const by = Object.fromEntries(changes.map((c) => [c.topic, c]));
    expect(by.roads?.direction).toBe('stable');
    expect(by.water?.direction).toBe('stable');
    expect(by.power?.direction).toBe('falling');
    expect(by.roads?.name).toBe('Дороги');
  });
});
