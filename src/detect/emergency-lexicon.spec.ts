import { emergencyCategories, isAnnouncement } from './emergency-lexicon';

describe('emergencyCategories', () => {
  it.each([
    ['В селе Второво нет воды с утра, водоканал трубку не берёт!', 'water'],
    ['Опять без света на улице Ленина, кто знает, когда дадут?', 'power'],
    ['Батареи ледяные со вчерашнего вечера, дети мёрзнут!', 'heating'],
    ['Сильно пахнет газом на Садовой, перекрыли весь квартал.', 'gas'],
    ['Канализацию прорвало на улице Мира, течёт прямо во двор.', 'sewage'],
    ['На Комсомольской провалился асфальт, машина чуть не упала!', 'road_collapse'],
    ['Сильный пожар в микрорайоне Северный, пожарные уже едут!', 'fire'],
    ['Река вышла из берегов, огороды под водой.', 'flood'],
    ['Не ходят автобусы, люди не могут уехать на работу!', 'transport'],
    ['Мусор не вывозят уже неделю, контейнеры переполнены.', 'waste'],
    ['В доме 12 обрушился балкон, людей выводят!', 'building_damage'],
  ])('«%s» → %s', (text, category) => {
    expect(emergencyCategories(text)).toContain(category);
  });

  it('finds nothing in ordinary posts', () => {
    expect(emergencyCategories('В парке открыли новую детскую площадку, приходите всей семьёй.')).toEqual([]);
    expect(emergencyCategories('Горячая вода чуть тёплая, а платим по полному тарифу.')).toEqual([]);
  });

  it('does not read announcements of planned works or predictions as emergencies', () => {
    const text =
      'Внимание! 5 марта с 9 до 17 будет прекращена подача холодной воды, без воды останутся дома 3–9.';
    expect(isAnnouncement(text)).toBe(true);
    expect(emergencyCategories(text)).toEqual([]);
    expect(emergencyCategories('С понедельника отключат газ на целый месяц! Перешлите всем!')).toEqual([]);
  });
});
