import { combineMagnitudes, describeMagnitude, extractMagnitude } from './magnitude';

describe('extractMagnitude', () => {
  it.each([
    ['Без воды остаются 12 тыс. жителей.', { people: 12_000 }],
    ['Без воды около 12 тысяч человек', { people: 12_000 }],
    ['более 12 000 человек остались без света', { people: 12_000 }],
    ['Без тепла 1,5 тыс. жителей и 40 домов', { people: 1500, houses: 40 }],
    ['Отключено более 21 дома.', { houses: 21 }],
    ['Без воды уже третий день!', { days: 3 }],
    ['Тепла нет 3 дня, аварийные бригады работают.', { days: 3 }],
  ])('reads «%s»', (text, expected) => {
    expect(extractMagnitude(text)).toEqual(expected);
  });

  it('does not take house numbers, routes or request numbers for counts', () => {
    expect(extractMagnitude('В доме 15 на улице Ленина нет воды, заявка № 12345')).toEqual({});
    expect(extractMagnitude('Автобус № 13 снова пропал с линии')).toEqual({});
  });
});

describe('combineMagnitudes', () => {
  it('takes the figure stated most often, weighted by credibility', () => {
    const m = combineMagnitudes([
      { magnitude: { people: 12_000 }, weight: 0.95 },
      { magnitude: { people: 12_000, houses: 40 }, weight: 0.8 },
      { magnitude: { people: 50_000 }, weight: 0.3 },
    ]);
    expect(m).toEqual({ people: 12_000, houses: 40 });
    expect(describeMagnitude(m)).toBe('12 тыс. жителей, 40 домов');
  });
});
