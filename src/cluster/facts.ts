/*
 * Facts of a text: the tokens that say *which* event it is — numbers (house 5, 12 houses, until 18:00,
 * 15.7 million) and names (Ковров, Ленина, УЗИ). Regional news and complaints are written from a few
 * stock phrasings, so two different events often read almost the same and differ only in these tokens:
 * «В Коврове установили 37 камер» and «В Рыбинске установили 58 камер» share ~70 % of their shingles.
 * A copy or a light edit keeps the facts (it may add some: a source line, a comment); a different event
 * of the same phrasing replaces them. That replacement — each text stating a fact the other lacks — is
 * what {@link changedFacts} counts, and what the near and semantic levels refuse to merge.
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
// Hashtags, mentions and links are labels of a post, not statements about the event.
const LABELS = /[#@]\S+|https?:\/\/\S+/gu;

/** Lower case with ё folded to е: the form comparison texts use (see `comparisonText`). */
const fold = (word: string): string => word.toLowerCase().replace(/ё/g, 'е');

/**
 * The facts of a cleaned text: numbers without separators, and capitalized words that do not start a
 * sentence (a sentence's first word is capitalized whatever it is), folded to the comparison form.
 * Hyphenated names («Гусь-Хрустальный») count as their parts, as comparison texts split them.
 * Distinct, sorted.
 */
export function extractFacts(textClean: string): string[] {
  const text = textClean.replace(LABELS, ' ');
  const out = new Set<string>();
  for (const match of text.matchAll(NUMBER)) out.add(match[0].replace(/[.,:]/g, ''));
  let previous = '';
  let previousEnd = -1;
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const gap = previousEnd < 0 ? '' : text.slice(previousEnd, match.index);
    const startsSentence =
      previousEnd < 0 || (SENTENCE_END.test(gap) && !(gap.trim() === '.' && ABBREVIATION.test(previous)));
    if (!startsSentence && CAPITAL.test(word)) {
      for (const part of fold(word).split('-')) if (part !== '' && !/\p{N}/u.test(part)) out.add(part);
    }
    previous = word;
    previousEnd = match.index + word.length;
  }
  return [...out].sort();
}

/** What a text offers to match another's facts: its comparison words and its own facts. */
export interface FactView {
  facts: readonly string[];
  /** Words of the comparison text, plus the facts (numbers without separators are not words there). */
  vocabulary: ReadonlySet<string>;
}

/** Builds the view of a text from its facts and its comparison form (see `comparisonText`). */
export function factView(facts: readonly string[], comparison: string): FactView {
  const vocabulary = new Set(comparison.split(' '));
  for (const fact of facts) vocabulary.add(fact);
  return { facts, vocabulary };
}

/**
 * How many facts the texts exchange: the smaller of "facts of `a` that `b` does not mention at all" and
 * the reverse. 0 means no conflict — a fact present on one side only (a copy with a source line or an
 * added comment) changes nothing; 1 is a single replaced figure or name (a correction, or the same
 * report about another house); more means different events (another town, another street, other
 * figures).
 */
export function changedFacts(a: FactView, b: FactView): number {
  let ab = 0;
  for (const f of a.facts) if (!b.vocabulary.has(f)) ab++;
  if (ab === 0) return 0;
  let ba = 0;
  for (const f of b.facts) if (!a.vocabulary.has(f)) ba++;
  return Math.min(ab, ba);
}
