/*
 * Facts of a text: the tokens that say *which* event it is — numbers (house 5, 12 houses, until 18:00,
 * 15.7 million) and names (Ковров, Ленина, УЗИ). Regional news and complaints are written from a few
 * stock phrasings, so two different events often read almost the same and differ only in these tokens:
 * «В Коврове установили 37 камер» and «В Рыбинске установили 58 камер» share ~70 % of their shingles.
 * A copy or a light edit keeps the facts (it may add some: a source line, a comment); a different event
 * of the same phrasing replaces them. That replacement — each text stating a fact the other lacks — is
 * what {@link changedFacts} counts, and what the near and semantic levels refuse to merge. So does a
 * denial: «газ не отключат» reads like «газ отключат» but says the opposite.
 */

// A number, with inner separators (10:00, 15,7, 1.5): separators are dropped, so a copy that lost a
// comma («15,7» → «157», a typical hasty edit) still states the same number.
const NUMBER = /\p{N}+(?:[.,:]\p{N}+)*/gu;
// Words (with inner hyphens), and what ends a sentence between two of them.
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:-[\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*/gu;
const SENTENCE_END = /[.!?…:;\n]/u;
// «ул. Ленина», «г. Ковров», «д. 5»: a short lower-case word before a dot is an abbreviation.
const ABBREVIATION = /^\p{Ll}{1,4}$/u;
const CAPITAL = /^\p{Lu}/u;
// Hashtags, mentions, links and attribution lines («Источник: …», «Фото: …») are labels of a post —
// who published it, how it is filed — not statements about the event: copies of one text carry
// different ones.
const LABELS = /[#@]\S+|https?:\/\/\S+|^[ \t]*(?:источник|source|фото|видео)[ \t]*:.*$/gimu;

/** Lower case with ё folded to е: the form comparison texts use (see `comparisonText`). */
const fold = (word: string): string => word.toLowerCase().replace(/ё/g, 'е');

/**
 * The facts of a cleaned text: its numbers without separators, once per occurrence (a text saying «школа
 * № 24 … к 11 января» and one saying «школа № 11 … к 11 января» state different figures although each
 * number of the second appears in the first), and the capitalized words that do not start a sentence
 * (a sentence's first word is capitalized whatever it is), folded to the comparison form, once each.
 * Hyphenated names («Гусь-Хрустальный») count as their parts, as comparison texts split them. Sorted.
 */
export function extractFacts(textClean: string): string[] {
  const text = textClean.replace(LABELS, ' ');
  const numbers: string[] = [];
  for (const match of text.matchAll(NUMBER)) numbers.push(match[0].replace(/[.,:]/g, ''));
  const names = new Set<string>();
  let previous = '';
  let previousEnd = -1;
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const gap = previousEnd < 0 ? '' : text.slice(previousEnd, match.index);
    const startsSentence =
      previousEnd < 0 || (SENTENCE_END.test(gap) && !(gap.trim() === '.' && ABBREVIATION.test(previous)));
    if (!startsSentence && CAPITAL.test(word)) {
      for (const part of fold(word).split('-')) if (part !== '' && !/\p{N}/u.test(part)) names.add(part);
    }
    previous = word;
    previousEnd = match.index + word.length;
  }
  return [...numbers, ...names].sort();
}

const IS_NUMBER = /^\p{N}+$/u;

/** What a text offers to match another's facts: its comparison words and its own facts. */
export interface FactView {
  /** The facts as {@link extractFacts} gave them (what is stored with an exemplar). */
  facts: readonly string[];
  /** Names of the text, distinct. */
  names: readonly string[];
  /** Numbers of the text, one per occurrence, sorted. */
  numbers: readonly string[];
  /** The comparison text padded with a space on each side, so ` word ` finds whole words. */
  padded: string;
  /** Words the text negates («не отключат» → `отключат`), distinct. */
  negated: readonly string[];
}

const NEGATED = / не (\S+)/gu;

/** Builds the view of a text from its facts and its comparison form (see `comparisonText`). */
export function factView(facts: readonly string[], comparison: string): FactView {
  const names: string[] = [];
  const numbers: string[] = [];
  for (const fact of facts) (IS_NUMBER.test(fact) ? numbers : names).push(fact);
  numbers.sort();
  const padded = ` ${comparison} `;
  const negated = new Set<string>();
  for (const match of padded.matchAll(NEGATED)) if (match[1] !== undefined) negated.add(match[1]);
  return { facts, names, numbers, padded, negated: [...negated] };
}

/**
 * Words `a` negates that `b` states without the negation: «газ не отключат» against «газ отключат» is a
 * denial, not a copy. A negation `b` lacks around a word it does not have at all («не верьте!» added as a
 * comment) says nothing.
 */
function flippedWords(a: FactView, b: FactView): number {
  let n = 0;
  for (const word of a.negated) if (b.padded.includes(` ${word} `) && !b.padded.includes(` не ${word} `)) n++;
  return n;
}

/**
 * Names of `a` that `b` does not mention anywhere (in any case or position: a substring search for the
 * whole word, cheaper than a word set per text when texts are verified against many candidates).
 */
function unmatchedNames(a: FactView, b: FactView): number {
  let n = 0;
  for (const name of a.names) if (!b.padded.includes(` ${name} `)) n++;
  return n;
}

/** Numbers of `a` left over after pairing them with equal numbers of `b` (a sorted merge walk). */
function unmatchedNumbers(a: FactView, b: FactView): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.numbers.length) {
    const x = a.numbers[i] ?? '';
    const y = b.numbers[j];
    if (y === undefined || x < y) {
      n++;
      i++;
    } else if (x === y) {
      i++;
      j++;
    } else j++;
  }
  return n;
}

/** True when `by` states every fact of `of` (its names as words, its numbers as often). */
export function coversFacts(by: FactView, of: FactView): boolean {
  return unmatchedNames(of, by) === 0 && unmatchedNumbers(of, by) === 0;
}

/**
 * How many facts the texts exchange: the smaller of "facts of `a` that `b` does not state" and the
 * reverse. 0 means no conflict — a fact present on one side only (a copy with a source line or an added
 * comment) changes nothing; 1 is a single replaced figure or name (a correction, or the same report
 * about another house); more means different events (another town, another street, other figures).
 * A statement one text denies and the other makes («отключат» / «не отключат») counts as a changed fact.
 */
export function changedFacts(a: FactView, b: FactView): number {
  const flipped = flippedWords(a, b) + flippedWords(b, a);
  const ab = unmatchedNames(a, b) + unmatchedNumbers(a, b);
  if (ab === 0) return flipped;
  return flipped + Math.min(ab, unmatchedNames(b, a) + unmatchedNumbers(b, a));
}
