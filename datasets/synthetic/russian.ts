/** Small Russian grammar helpers for numbers and dates in generated texts. */

/** Picks the noun form that agrees with a number: 1 дом, 2 дома, 5 домов, 21 дом. */
export function plural(n: number, one: string, few: string, many: string): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

/** Genitive after «более», «около», «свыше»: более 21 дома, более 40 домов. */
export function genitiveCount(n: number, genSingular: string, genPlural: string): string {
  return n % 10 === 1 && n % 100 !== 11 ? genSingular : genPlural;
}

const ORDINALS = ['первый', 'второй', 'третий', 'четвёртый', 'пятый', 'шестой', 'седьмой', 'восьмой'];

/** «третий» for 3; falls back to the digit form for long spans. */
export function ordinalDay(n: number): string {
  return ORDINALS[n - 1] ?? `${n}-й`;
}

/** Thousands as residents and reporters write them: 12 000 → «12 тыс.», 1 500 → «1,5 тыс.». */
export function thousandsShort(n: number): string {
  const t = n / 1000;
  return `${Number.isInteger(t) ? String(t) : t.toFixed(1).replace('.', ',')} тыс.`;
}

/** A number with a thin grouping space as Russian media print it: 12000 → «12 000». */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

const MONTHS_GEN = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];

/** «15 марта» for a Moscow-time instant given in epoch seconds. */
export function dayMonth(epochSeconds: number): string {
  const d = new Date((epochSeconds + MSK_OFFSET_SECONDS) * 1000);
  return `${d.getUTCDate()} ${MONTHS_GEN[d.getUTCMonth()] ?? ''}`;
}

/** The regions generated here all live on Moscow time (UTC+3, no daylight saving since 2014). */
export const MSK_OFFSET_SECONDS = 3 * 3600;

/** ISO 8601 with the Moscow offset, e.g. `2025-03-03T08:15:42+03:00`. */
export function isoMsk(epochSeconds: number): string {
  return `${new Date((epochSeconds + MSK_OFFSET_SECONDS) * 1000).toISOString().slice(0, 19)}+03:00`;
}

/** Hour of day (0–23) and day of week (0 = Monday) in Moscow time. */
export function mskClock(epochSeconds: number): { hour: number; weekday: number } {
  const d = new Date((epochSeconds + MSK_OFFSET_SECONDS) * 1000);
  return { hour: d.getUTCHours(), weekday: (d.getUTCDay() + 6) % 7 };
}
