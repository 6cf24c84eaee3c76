/**
 * Where an appeal topic of complaints-kursk (`Тематика`) obviously belongs in the ЦУР taxonomy; the
 * zero-shot thresholds are calibrated and measured on these appeals. Rules are tried in order and the
 * first match wins (a utility before the building it serves: "водоснабжение многоквартирного дома" is
 * water, not housing). Topics no rule matches (e.g. advertising, street trade) are left out of
 * calibration rather than guessed.
 */
const RULES: readonly (readonly [RegExp, string])[] = [
  [/безопасная дорога в школу/, 'roads'],
  [/теплоснабж|отоплен/, 'heating'],
  [/водоснабж|водоотвед|канализац/, 'water'],
  [/электросет|энергоснабж/, 'power'],
  [/газоснаб|газифик|газов/, 'gas'],
  [/освещени/, 'lighting'],
  [/отход|свалк|мусор/, 'waste'],
  [/вакцин|медицин|здравоохран|лекарств|регистратур|пцр|переболевш|инвалидност|самонаблюдени/, 'healthcare'],
  [/школ|дошкольн|обучени|образовани|воспитател|учител|детским питанием/, 'education'],
  [/перевоз|транспорт|маршрут|поезд|ж\/д|вагон|проезд[аы]?\b/, 'transport'],
  [/пособи|выплат|социальн|льгот|ветеран|беженц|занятост|заработной плат/, 'social'],
  [/запах|загрязнени|вырубк|порча земель|природопольз/, 'ecology'],
  [/животн/, 'animals'],
  [/люк/, 'safety'],
  [/уборк/, 'improvement'],
  [
    /ямы|выбоин|дорожн|тротуар|светофор|разметк|неровност|парковк|пешеходн|очистка от снега и наледи дорог/,
    'roads',
  ],
  [
    /благоустройств|площад|парков|скверов|клумб|газон|уборк|сорная растительн|деревь|фасад|памятник|архитектурные формы|дворов/,
    'improvement',
  ],
  [/многоквартирн|управляющ|лифт|аварийное жиль|коммунальных услуг|жкх/, 'housing'],
  [/связи|интернет/, 'telecom'],
  [/строительн|стройк/, 'construction'],
];

/** The taxonomy topic of an appeal topic, or undefined when there is no obvious one. */
export function taxonomyTopicOfAppeal(appealTopic: string): string | undefined {
  const lower = appealTopic.toLowerCase();
  return RULES.find(([pattern]) => pattern.test(lower))?.[1];
}

/**
 * telegram-news categories whose posts are, as a rule, about none of the ЦУР topics; they measure how
 * often a topic is assigned where none applies. (Their labels come from an LLM, and a business post can
 * still mention gas tariffs, so a few "false" alarms here are true ones.)
 */
export const OFF_TOPIC_CATEGORIES: readonly string[] = [
  'it',
  'science',
  'gaming',
  'business',
  'finances',
  'advertisement',
];
