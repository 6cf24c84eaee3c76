import { PLACES } from '../../datasets/synthetic/places';
import { Gazetteer, resolvePlace } from './gazetteer';

const gazetteer = Gazetteer.build();
const placeOf = (text: string, channel?: string): string | undefined =>
  resolvePlace(gazetteer, [
    ...gazetteer.find(text),
    ...(channel === undefined ? [] : gazetteer.find(channel, 'channel')),
  ])?.name;

describe('gazetteer', () => {
  it('matches case forms through lemmas', () => {
    expect(placeOf('В Камешковском районе нет воды')).toBe('Камешковский район');
    expect(placeOf('Жителей Коврова оставили без тепла')).toBe('Ковров');
    expect(placeOf('Авария в Курском районе')).toBe('Курский район');
    expect(placeOf('в Курске опять')).toBe('Курск');
    expect(placeOf('Во Владимирской области')).toBe('Владимирская область');
  });

  it('reports a locality as its city or district', () => {
    expect(placeOf('в селе Второво третий день без воды')).toBe('Камешковский район');
    expect(placeOf('в Ленинском районе Владимира прорыв')).toBe('Владимир');
  });

  it('reads hashtags and channel titles', () => {
    expect(resolvePlace(gazetteer, gazetteer.find('Гусь_Хрустальный', 'hashtag'))?.name).toBe(
      'Гусь-Хрустальный',
    );
    expect(placeOf('нет воды с утра', 'Подслушано в Камешковском районе')).toBe('Камешковский район');
  });

  it('prefers the text over the channel title, and a city over its region', () => {
    expect(placeOf('В Муроме прорыв водовода', 'Новости Владимирской области')).toBe('Муром');
  });

  it('ignores names that are also common words unless a preposition marks them', () => {
    expect(placeOf('Владимир Иванов пишет, что всё хорошо')).toBeUndefined();
    expect(placeOf('во Владимире отключили свет')).toBe('Владимир');
    expect(placeOf('сосновый бор у реки')).toBeUndefined();
  });

  it('leaves a name shared by several regions unresolved without context, and resolves it with context', () => {
    expect(placeOf('в Ленинском районе прорыв')).toBe('Ленинский район');
    expect(placeOf('в Советском районе Нижнего Новгорода нет света')).toBe('Нижний Новгород');
  });

  it('finds every case form of every place the synthetic corpus uses', () => {
    const misses: string[] = [];
    for (const place of PLACES) {
      for (const form of Object.values(place.forms)) {
        const found = placeOf(`${place.prep} ${form}`);
        if (found !== place.name) misses.push(`${form} → ${found ?? 'nothing'}`);
      }
    }
    expect(misses).toEqual([]);
  });
});
