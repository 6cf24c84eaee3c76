import { foldCase, lemmatize } from '../text';

/**
 * Emergency categories and the lemma patterns that say one is happening now. A cue is a sequence of
 * lemma alternatives that must appear in order with at most `gap` other words between them («нет …
 * воды», «прорвало … канализацию»). Written by hand for ЦУР wording; lemmas (not word forms) make one
 * pattern cover every case and tense form. Announcements of planned works and rumours about the future
 * («отключат газ на месяц») are not emergencies: see {@link isAnnouncement}.
 */

export const EMERGENCY_CATEGORIES = [
  'water',
  'heating',
  'power',
  'gas',
  'sewage',
  'road_collapse',
  'fire',
  'flood',
  'transport',
  'waste',
  'building_damage',
] as const;
export type EmergencyCategory = (typeof EMERGENCY_CATEGORIES)[number];

/** Russian names, for alert titles and signals. */
export const CATEGORY_NAMES: Readonly<Record<EmergencyCategory, string>> = {
  water: 'Отключение водоснабжения',
  heating: 'Отключение отопления',
  power: 'Отключение электроэнергии',
  gas: 'Отключение газа',
  sewage: 'Авария канализации',
  road_collapse: 'Провал дороги или обрушение моста',
  fire: 'Пожар',
  flood: 'Подтопление',
  transport: 'Остановка общественного транспорта',
  waste: 'Мусорный коллапс',
  building_damage: 'Повреждение здания',
};

/** The taxonomy topic each category belongs to (for routing and trends). */
export const CATEGORY_TOPICS: Readonly<Record<EmergencyCategory, string>> = {
  water: 'water',
  heating: 'heating',
  power: 'power',
  gas: 'gas',
  sewage: 'water',
  road_collapse: 'roads',
  fire: 'safety',
  flood: 'safety',
  transport: 'transport',
  waste: 'waste',
  building_damage: 'housing',
};

interface Cue {
  /** Alternatives per position, as lemmas. */
  seq: readonly (readonly string[])[];
  /** Words allowed between two positions. */
  gap: number;
  /** The cue does not count when one of these lemmas is right before its last position. */
  notBefore?: readonly string[];
}

const ABSENT = [
  'нет',
  'без',
  'пропасть',
  'отключить',
  'отключать',
  'отсутствовать',
  'отсутствие',
  'исчезнуть',
];
const OUTAGE_VERBS = ['отключить', 'вырубить', 'пропасть', 'исчезнуть', 'обесточить'];

const VEHICLES = ['автобус', 'транспорт', 'троллейбус', 'трамвай', 'маршрутка', 'электричка'];

const cue = (gap: number, ...seq: (readonly string[])[]): Cue => ({ seq, gap });

const CUES: Readonly<Record<EmergencyCategory, readonly Cue[]>> = {
  water: [
    { seq: [ABSENT, ['вода', 'водоснабжение']], gap: 2, notBefore: ['горячий'] },
    {
      seq: [
        ['водоснабжение', 'вода'],
        ['нет', 'отключить', 'прекратить'],
      ],
      gap: 2,
    },
    cue(2, ['авария', 'прорыв', 'порыв'], ['водовод', 'водопровод']),
    cue(1, ['подвоз'], ['вода']),
    cue(2, ['сухой'], ['кран']),
    cue(0, ['ни'], ['капля']),
    cue(1, ['тонкий'], ['струйка']),
  ],
  heating: [
    cue(2, ABSENT, ['отопление', 'тепло', 'теплоснабжение']),
    cue(2, ['батарея'], ['ледяной', 'холодный']),
    cue(2, ['авария', 'порыв', 'прорыв'], ['теплотрасса', 'теплосеть', 'тепловой', 'теплотрассе']),
    cue(1, ['отопление'], ['отключить']),
  ],
  power: [
    cue(2, [...ABSENT, ...OUTAGE_VERBS], ['свет', 'электричество', 'электроэнергия', 'электроснабжение']),
    cue(1, ['свет', 'электричество'], ['нет', 'отключить', 'пропасть']),
    cue(3, ['авария', 'нарушение', 'защита'], ['подстанция']),
    cue(0, ['ни'], ['свет']),
    cue(1, ['полностью', 'совсем'], ['темно']),
    cue(0, ['блэкаут']),
    cue(0, ['обесточить']),
    cue(1, ['отключение'], ['электроэнергия', 'электроснабжение', 'свет']),
  ],
  gas: [
    cue(2, ABSENT, ['газ', 'газоснабжение']),
    cue(2, ['повредить', 'повреждение', 'авария', 'повреждённый'], ['газопровод']),
    cue(2, ['пахнуть', 'запах', 'утечка'], ['газ']),
    cue(2, ['подача'], ['газ'], ['прекратить', 'прекращать', 'приостановить']),
  ],
  sewage: [
    cue(
      2,
      ['канализация', 'коллектор', 'канализационный'],
      ['течь', 'прорвать', 'прорваться', 'порыв', 'прорыв'],
    ),
    cue(2, ['прорвать', 'порыв', 'прорыв'], ['канализация', 'коллектор', 'канализационный']),
    cue(1, ['нечистота']),
    cue(2, ['сток'], ['залить', 'течь', 'подвал', 'двор']),
    cue(2, ['затопить', 'залить'], ['сток']),
  ],
  road_collapse: [
    cue(
      2,
      ['провалиться', 'провал', 'обрушиться', 'обрушение', 'просесть', 'проседание', 'размыть'],
      ['асфальт', 'дорога', 'мост', 'дорожный', 'покрытие'],
    ),
    cue(2, ['дорога', 'асфальт', 'мост', 'дорогу'], ['провалиться', 'обрушиться', 'размыть']),
    cue(2, ['провал'], ['на'], ['дорога']),
  ],
  fire: [
    cue(0, ['пожар']),
    cue(1, ['гореть', 'загореться'], ['дом', 'здание', 'квартира', 'склад']),
    cue(2, ['пожарный'], ['расчёт', 'расчет', 'ехать', 'место']),
    cue(2, ['столб', 'чёрный', 'черный'], ['дым']),
    cue(2, ['что'], ['гореть']),
  ],
  flood: [
    cue(
      2,
      ['затопить', 'подтопить', 'подтопление', 'паводок'],
      ['улица', 'дом', 'двор', 'огород', 'дорога', 'жилой'],
    ),
    cue(2, ['река'], ['выйти'], ['берег']),
    cue(0, ['паводок']),
    cue(2, ['зона'], ['подтопление']),
    cue(2, ['вода'], ['подняться', 'зайти'], ['двор', 'дом']),
  ],
  transport: [
    cue(1, ['не'], ['ходить'], VEHICLES),
    cue(3, VEHICLES, ['не'], ['ходить', 'выйти', 'прийти', 'выходить']),
    cue(1, ['нет'], ['транспорт', 'автобус']),
    cue(2, ['остановиться', 'прекратить', 'встать', 'прекращать'], ['движение', 'транспорт', 'работа']),
    cue(2, ['отменить'], ['рейс', 'маршрут']),
    cue(2, ['без'], ['общественный', 'транспорт']),
    cue(2, ['автобус'], ['выйти', 'выходить'], ['линия']),
  ],
  waste: [
    cue(2, ['мусор', 'отход'], ['не', 'перестать'], ['вывозить', 'вывезти']),
    cue(2, ['мусорный'], ['коллапс']),
    cue(2, ['контейнер', 'площадка'], ['переполнить', 'переполненный']),
    cue(2, ['завалить'], ['мусор']),
    cue(2, ['тонуть'], ['мусор']),
  ],
  building_damage: [
    cue(
      2,
      ['обрушиться', 'обрушение', 'рухнуть'],
      ['балкон', 'перекрытие', 'дом', 'стена', 'конструкция', 'подъезд', 'кровля'],
    ),
    cue(2, ['трещина'], ['стена', 'дом', 'пойти']),
    cue(2, ['дом'], ['рухнуть', 'трещать', 'обрушиться']),
    cue(2, ['частичный'], ['обрушение']),
  ],
};

/** Words that make a text an announcement or a forecast, not a report of what is happening. */
const ANNOUNCEMENT = new Set([
  'плановый',
  'планово',
  'график',
  'будет',
  'будут',
  'отключат',
  'отключит',
  'отключим',
  'останутся',
  'запланировать',
  'испытание',
]);

/**
 * True for texts that announce planned works or predict an outage («будет прекращена подача воды»,
 * «отключат газ на месяц»). Checked on word forms, because the lemma of «отключат» and «отключили» is
 * the same.
 */
export function isAnnouncement(text: string): boolean {
  const words = foldCase(text).match(/[\p{L}]+/gu) ?? [];
  return words.some((w) => ANNOUNCEMENT.has(w));
}

/** Full lemma sequence of a text (stop words kept: «нет», «не» carry meaning here). */
export function lemmaSequence(text: string): string[] {
  return (foldCase(text).match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => lemmatize(w));
}

function matches(lemmas: readonly string[], c: Cue): boolean {
  const [first, ...rest] = c.seq;
  if (first === undefined) return false;
  for (let i = 0; i < lemmas.length; i++) {
    if (!first.includes(lemmas[i] ?? '')) continue;
    let at = i;
    let ok = true;
    for (const [k, options] of rest.entries()) {
      let found = -1;
      for (let j = at + 1; j <= Math.min(lemmas.length - 1, at + 1 + c.gap); j++) {
        if (options.includes(lemmas[j] ?? '')) {
          found = j;
          break;
        }
      }
      const isLast = k === rest.length - 1;
      if (found < 0 || (isLast && c.notBefore?.includes(lemmas[found - 1] ?? '') === true)) {
        ok = false;
        break;
      }
      at = found;
    }
    if (ok) return true;
  }
  return false;
}

/**
 * Categories a text reports as happening (possibly several: «нет света, насосы не работают, воды тоже
 * нет»), in the order of {@link EMERGENCY_CATEGORIES}. Empty for announcements.
 */
export function emergencyCategories(text: string): EmergencyCategory[] {
  if (isAnnouncement(text)) return [];
  const lemmas = lemmaSequence(text);
  return EMERGENCY_CATEGORIES.filter((category) => CUES[category].some((c) => matches(lemmas, c)));
}
