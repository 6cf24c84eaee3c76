import type { Magnitude } from '../alerts/alert';

/**
 * Figures an emergency post states: people affected («12 тыс. жителей», «около 12 тысяч человек»,
 * «более 12 000 человек»), houses («более 40 домов», «21 дома»), and duration («третий день», «3 дня»).
 * Regular expressions over the cleaned text: the figures are short fixed phrases, and a parser would
 * not read them any better. House numbers («дом 15») are not counts: a count precedes its noun.
 */

// A number: «12 000» (grouped by spaces), «12000», «1,5», «1.5».
const NUM = String.raw`(\d{1,3}(?:[\u00a0\u202f ]\d{3})+|\d+(?:[.,]\d+)?)`;
const THOUSANDS = String.raw`(?:\s*(тыс\.?|тысяч[аи]?))?`;
const PEOPLE = new RegExp(
  String.raw`(?<![\p{L}\d№])${NUM}${THOUSANDS}\s+(?:\p{L}+\s+)?(?:жител|человек|людей|абонент|жильц|горожан)`,
  'giu',
);
const HOUSES = new RegExp(
  String.raw`(?<![\p{L}\d№])(?<!дом\s)(?<!дома\s)${NUM}\s+(?:(?:многоквартирн|жил|частн)\p{L}*\s+)?(?:дом(?:а|ов)?|домовладени\p{L}*)(?![\p{L}])`,
  'giu',
);
const DAYS_NUM = new RegExp(
  String.raw`(?<![\p{L}\d№])${NUM}\s+(?:дн(?:я|ей)|день|суток|сутки)(?![\p{L}])`,
  'giu',
);
const ORDINALS: Readonly<Record<string, number>> = {
  втор: 2,
  трет: 3,
  четверт: 4,
  пят: 5,
  шест: 6,
  седьм: 7,
  восьм: 8,
};
const DAYS_ORD = /(?<![\p{L}])(втор|трет|четверт|пят|шест|седьм|восьм)\p{L}*\s+(?:день|сутки)(?![\p{L}])/giu;

function parseNumber(raw: string, thousands: string | undefined): number | undefined {
  const value = Number(raw.replace(/[\u00a0\u202f ]/g, '').replace(',', '.'));
  if (!Number.isFinite(value)) return undefined;
  return Math.round(thousands === undefined || thousands === '' ? value : value * 1000);
}

/** Figures stated in one text; absent ones are not set. When a text states several, the largest is kept. */
export function extractMagnitude(text: string): Magnitude {
  const source = text.toLowerCase().replace(/ё/g, 'е');
  const out: Magnitude = {};
  const keepMax = (key: keyof Magnitude, value: number | undefined, max: number): void => {
    if (value === undefined || value <= 0 || value > max) return;
    out[key] = Math.max(out[key] ?? 0, value);
  };
  for (const m of source.matchAll(PEOPLE)) keepMax('people', parseNumber(m[1] ?? '', m[2]), 20_000_000);
  for (const m of source.matchAll(HOUSES)) keepMax('houses', parseNumber(m[1] ?? '', undefined), 100_000);
  for (const m of source.matchAll(DAYS_NUM)) keepMax('days', parseNumber(m[1] ?? '', undefined), 60);
  for (const m of source.matchAll(DAYS_ORD)) keepMax('days', ORDINALS[m[1] ?? ''], 60);
  return out;
}

/**
 * One magnitude for an incident from its posts' figures: for each figure the value stated most often,
 * weighted by the credibility of who stated it (an administration's «12 тыс.» outweighs one resident's
 * guess); ties go to the larger value.
 */
export function combineMagnitudes(stated: readonly { magnitude: Magnitude; weight: number }[]): Magnitude {
  const out: Magnitude = {};
  for (const key of ['people', 'houses', 'days'] as const) {
    const votes = new Map<number, number>();
    for (const { magnitude, weight } of stated) {
      const value = magnitude[key];
      if (value !== undefined) votes.set(value, (votes.get(value) ?? 0) + weight);
    }
    let best: { value: number; votes: number } | undefined;
    for (const [value, weight] of votes) {
      if (best === undefined || weight > best.votes || (weight === best.votes && value > best.value))
        best = { value, votes: weight };
    }
    if (best !== undefined) out[key] = best.value;
  }
  return out;
}

/** «12 тыс. жителей, 40 домов, 3-й день» for summaries and signals. */
export function describeMagnitude(m: Magnitude): string {
  const parts: string[] = [];
  if (m.people !== undefined)
    parts.push(`${formatCount(m.people)} ${plural(m.people, 'житель', 'жителя', 'жителей')}`);
  if (m.houses !== undefined)
    parts.push(`${formatCount(m.houses)} ${plural(m.houses, 'дом', 'дома', 'домов')}`);
  if (m.days !== undefined) parts.push(`${m.days}-й день`);
  return parts.join(', ');
}

/** 12000 → «12 тыс.», 1500 → «1,5 тыс.», 350 → «350». */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  const t = n / 1000;
  return `${Number.isInteger(t) ? String(t) : t.toFixed(1).replace('.', ',')} тыс.`;
}

/** The noun form agreeing with a number: 1 дом, 2 дома, 5 домов. */
export function plural(n: number, one: string, few: string, many: string): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (n >= 1000 && Number.isInteger(n / 1000)) return many;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}
