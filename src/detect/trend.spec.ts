import { trendTest, weeklyChanges } from './trend';

const days = (share: number, n = 7): number[] =>
  Array.from({ length: n }, (_, i) => share * (i % 2 === 0 ? 0.9 : 1.1));

describe('trendTest', () => {
  it('does not call a busy Monday a trend: twice the posts, the same shares', () => {
    const w = {
      count: 40,
      total: 400,
      baselineCount: 140,
      baselineTotal: 1400,
      historyDays: 7,
      dailyShares: days(0.1),
    };
    expect(trendTest(w).trend).toBe(false);
  });

  it('does not call a share that varies this much from day to day by itself a trend', () => {
    // 13% against a mean of 6%, but the theme's daily share swings between 2% and 12%.
    const w = {
      count: 78,
      total: 600,
      baselineCount: 150,
      baselineTotal: 2500,
      historyDays: 6,
      dailyShares: [0.02, 0.12, 0.03, 0.11, 0.04, 0.04],
    };
    const t = trendTest(w);
    expect(t.z).toBeGreaterThan(6);
    expect(t.trend).toBe(false);
  });

  it('finds a topic whose share jumps far above its usual share for these hours', () => {
    const w = {
      count: 60,
      total: 220,
      baselineCount: 70,
      baselineTotal: 1400,
      historyDays: 7,
      dailyShares: days(0.05),
    };
    const t = trendTest(w);
    expect(t.trend).toBe(true);
    expect(t.ratio).toBeGreaterThan(5);
  });

  it('needs history before it judges', () => {
    const w = {
      count: 60,
      total: 220,
      baselineCount: 10,
      baselineTotal: 200,
      historyDays: 1,
      dailyShares: [0.05],
    };
    expect(trendTest(w).trend).toBe(false);
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
