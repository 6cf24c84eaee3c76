import { foldCase } from './tokenize';

/**
 * Comparison key of a paragraph or line: lower case, ё→е, letters and digits only, so copies that differ
 * in spacing, punctuation, case or emoji compare equal.
 */
export function paragraphKey(paragraph: string): string {
  return foldCase(paragraph)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Shorter paragraphs are dropped only as exact repeats: short phrases recur legitimately inside others. */
const MIN_CONTAINED_KEY = 30;
/** Containment is checked pairwise, so only for posts of ordinary size. */
const MAX_PARAGRAPHS_FOR_CONTAINMENT = 50;

/**
 * Drops every paragraph (blank-line separated block) that repeats an earlier one — the same words after
 * case, spacing, punctuation and emoji are ignored, or, for paragraphs of some length, words already
 * contained in an earlier paragraph (a lead repeated with a "read more" line attached) — and a line that
 * repeats the line right above it; scrapers often emit a post's lead or caption twice. Blocks without
 * letters or digits (emoji, dividers) are left alone. Expects whitespace already collapsed.
 */
export function collapseRepeatedParagraphs(text: string): string {
  if (!text.includes('\n')) return text;
  if (!text.includes('\n\n')) return collapseRepeatedLines(text);
  const paragraphs = text.split(/\n{2,}/);
  const checkContainment = paragraphs.length <= MAX_PARAGRAPHS_FOR_CONTAINMENT;
  const seen = new Set<string>();
  const keys: string[] = [];
  const kept: string[] = [];
  for (const paragraph of paragraphs) {
    const key = paragraphKey(paragraph);
    if (key !== '') {
      if (seen.has(key)) continue;
      if (
        checkContainment &&
        key.length >= MIN_CONTAINED_KEY &&
        keys.some((earlier) => earlier.includes(key))
      ) {
        continue;
      }
      seen.add(key);
      keys.push(key);
    }
    kept.push(collapseRepeatedLines(paragraph));
  }
  return kept.join('\n\n');
}

function collapseRepeatedLines(paragraph: string): string {
  const lines = paragraph.split('\n');
  const kept = [lines[0] ?? ''];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const previous = lines[i - 1] ?? '';
    if (!isRepeatedLine(previous, line)) kept.push(line);
  }
  return kept.join('\n');
}

// Keys are computed only for lines of similar length: most neighbours differ at a glance, and this runs
// on every line of every post.
function isRepeatedLine(previous: string, line: string): boolean {
  if (line === previous) return paragraphKey(line) !== '';
  if (Math.abs(line.length - previous.length) > 10) return false;
  const key = paragraphKey(line);
  return key !== '' && key === paragraphKey(previous);
}
