import { PLACES, REGIONS, inPlace, placeById } from './places';

describe('gazetteer', () => {
  it('declines cities and districts in the right case forms', () => {
    const kovrov = placeById('vladimir_obl/kovrov');
    expect(inPlace(kovrov)).toBe('в Коврове');
    expect(kovrov.forms.gen).toBe('Коврова');
    const kameshkovsky = placeById('vladimir_obl/kameshkovsky');
    expect(inPlace(kameshkovsky)).toBe('в Камешковском районе');
    expect(kameshkovsky.forms.gen).toBe('Камешковского района');
    expect(kameshkovsky.forms.ins).toBe('Камешковским районом');
    expect(inPlace(placeById('vladimir_obl/vladimir'))).toBe('во Владимире');
    expect(inPlace(placeById('vladimir_obl/gus'))).toBe('в Гусе-Хрустальном');
    expect(placeById('vladimir_obl/gus_district').forms.loc).toBe('Гусь-Хрустальном районе');
    expect(inPlace(placeById('vladimir_obl/vyazniki'))).toBe('в Вязниках');
    expect(inPlace(placeById('tula_obl/tula'))).toBe('в Туле');
    expect(placeById('vladimir_obl/sobinka').forms.gen).toBe('Собинки');
    expect(inPlace(placeById('nizhny_obl/nnov'))).toBe('в Нижнем Новгороде');
    expect(inPlace(placeById('yaroslavl_obl/yaroslavl'))).toBe('в Ярославле');
    expect(placeById('kursk_obl/kursk').region.forms.gen).toBe('Курской области');
  });

  it('has unique ids and slugs and a locality «в …» form for every locality', () => {
    expect(new Set(PLACES.map((p) => p.id)).size).toBe(PLACES.length);
    for (const p of PLACES) {
      expect(p.localities.length).toBeGreaterThan(0);
      for (const l of p.localities) expect(l.in).toMatch(/^во? /);
    }
    expect(REGIONS.map((r) => r.name)).toContain('Владимирская область');
  });
});
