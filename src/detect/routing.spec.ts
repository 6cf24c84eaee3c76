import { DEFAULT_ROUTING_TABLE, isResidentProblem, route, routingTableSchema } from './routing';

describe('routing', () => {
  const opened = '2025-02-05T05:00:00.000Z';

  it('uses the routing head where it was trained and is confident', () => {
    const r = route(
      {
        topic: 'roads',
        region: 'Курская область',
        head: { label: 'Комитет дорожного хозяйства города Курска', score: 0.8 },
      },
      DEFAULT_ROUTING_TABLE,
      opened,
    );
    expect(r).toEqual({
      department: 'Комитет дорожного хозяйства города Курска',
      by: 'head',
      region: 'Курская область',
      deadlineAt: '2025-02-06T05:00:00.000Z',
    });
  });

  it('falls back to the table elsewhere, when the head hesitates, and for unknown regions', () => {
    const head = { label: 'Администрация города Курска', score: 0.9 };
    expect(
      route({ topic: 'water', region: 'Владимирская область', head }, DEFAULT_ROUTING_TABLE, opened)
        .department,
    ).toBe('Министерство ЖКХ Владимирской области');
    expect(
      route(
        { topic: 'roads', region: 'Курская область', head: { ...head, score: 0.2 } },
        DEFAULT_ROUTING_TABLE,
        opened,
      ).by,
    ).toBe('table');
    expect(route({ topic: 'water' }, DEFAULT_ROUTING_TABLE, opened).department).toBe(
      DEFAULT_ROUTING_TABLE.fallback,
    );
  });

  it('honours a configured deadline and validates configured tables', () => {
    expect(route({}, DEFAULT_ROUTING_TABLE, opened, 2 * 3_600_000).deadlineAt).toBe(
      '2025-02-05T07:00:00.000Z',
    );
    expect(routingTableSchema.safeParse({ regions: {}, fallback: '' }).success).toBe(false);
  });

  it('routes residents’ problems, not official or media posts', () => {
    expect(isResidentProblem(['water'], 'community')).toBe(true);
    expect(isResidentProblem(['water'], 'official')).toBe(false);
    expect(isResidentProblem([], 'unknown')).toBe(false);
  });
});
