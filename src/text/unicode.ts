/**
 * Character-level clean-up: the first step of every analysis, so later steps see one canonical form.
 */

// Unpaired UTF-16 surrogates come from truncated or mis-decoded input; `String#toWellFormed` is ES2024,
// which our lib setting (ES2023) does not declare, so the regex does the same job.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Invisible characters that split words or hide duplicates: zero-width space/joiners' cousins, word
// joiner, BOM, soft hyphen, bidi controls. ZWJ (U+200D) stays: it glues emoji sequences together.
const INVISIBLE = /[\u00AD\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
// C0/C1 controls other than tab and newline.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const LINE_SEPARATOR = /\r\n?|[\u2028\u2029\u0085]/g;
// No-break and typographic spaces (U+00A0 is in ~6% of the Telegram posts) and tabs become plain spaces.
const SPACES = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;

/**
 * Makes text well-formed and canonical: lone surrogates replaced by U+FFFD, Unicode NFC, newlines
 * unified to `\n`, invisible and control characters removed, exotic spaces turned into plain spaces.
 */
export function cleanUnicode(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .replace(LINE_SEPARATOR, '\n')
    .replace(INVISIBLE, '')
    .replace(CONTROL, ' ')
    .replace(SPACES, ' ');
}

/** Collapses runs of spaces inside each line, trims lines and keeps at most one blank line in a row. */
export function collapseWhitespace(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
