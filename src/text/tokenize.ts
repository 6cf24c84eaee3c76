import { MENTION } from './entities';

// Words are runs of letters and digits, joined by inner hyphens or apostrophes («Гусь-Хрустальный»,
// «м'ясо», "don't"). Combining marks (stress accents «вода́») are allowed inside and dropped afterwards.
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:[-'’][\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*/gu;
const MARK = /\p{M}/gu;
const HAS_MARK = /\p{M}/u;

/** Lower case with ё folded to е, the form tokens, lemmas and stop words share. */
export function foldCase(word: string): string {
  const lower = word.toLowerCase();
  return lower.includes('ё') ? lower.replace(/ё/g, 'е') : lower;
}

/**
 * Splits clean text into word tokens: lower case, ё→е, `’` unified to `'`, stress marks removed.
 * A hashtag contributes its word; mentions contribute nothing (they are names of accounts, kept in
 * `mentions`). Emoji and punctuation are not tokens.
 */
export function tokenize(text: string): string[] {
  let source = foldCase(text.includes('@') ? text.replace(MENTION, ' ') : text);
  if (source.includes('’')) source = source.replace(/’/g, "'");
  const marks = HAS_MARK.test(source);
  const tokens: string[] = [];
  for (const match of source.matchAll(WORD)) tokens.push(marks ? match[0].replace(MARK, '') : match[0]);
  return tokens;
}
