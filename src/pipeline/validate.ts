import type { Post } from '../domain/post';

/**
 * Machine codes of refused records, as stored in the ledger and the rejects index.
 * - `empty_text`: nothing but whitespace / zero-width characters;
 * - `too_large`: text longer than the limit (never truncated silently);
 * - `invalid_utf8`: the bytes were not valid UTF-8 (see {@link validatePost});
 * - `control_chars`: control characters left in the text (parsers strip them; the push API does not);
 * - `bad_date` / `future_date`: `publishedAt` unparsable or implausible, or too far in the future;
 * - `schema`: the record does not have the fields its format requires;
 * - `malformed`: the record itself cannot be parsed (a broken JSON line, a CSV row with wrong columns);
 * - `service_message`: a Telegram service message (pin, join, channel created…), not a post.
 */
export const REJECT_CODES = [
  'empty_text',
  'too_large',
  'invalid_utf8',
  'control_chars',
  'bad_date',
  'future_date',
  'schema',
  'malformed',
  'service_message',
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

/** The verdict on one post. */
export type Verdict = { ok: true } | { ok: false; code: RejectCode; reason: string };

export interface ValidateOptions {
  /** Longest accepted text in UTF-16 code units (≈ characters). */
  maxTextChars: number;
  /** How far ahead of `now` a publication date may be (clock skew, time zones mislabelled). */
  maxFutureMs: number;
  /** Dates before this are taken for a zero / missing date (1970-01-01 from a `date: 0`), not real ones. */
  minPublishedAt: Date;
}

export const DEFAULT_VALIDATE_OPTIONS: Readonly<ValidateOptions> = Object.freeze({
  maxTextChars: 100_000,
  maxFutureMs: 24 * 60 * 60 * 1000,
  minPublishedAt: new Date('1991-01-01T00:00:00Z'),
});

/**
 * C0 controls except tab, line feed and carriage return, DEL, and C1 controls. They carry no meaning in a
 * post and come from broken exporters or mis-decoded bytes (C1 is what cp1252 text read as Latin-1 gives).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const HAS_CONTROL_CHAR = new RegExp(CONTROL_CHARS.source);
const CONTROL_RUNS = new RegExp(`(?:${CONTROL_CHARS.source})+`, 'g');

/**
 * Removes control characters (see {@link CONTROL_CHARS}); a run of them between two non-spaces becomes one
 * space, so where a broken exporter put one between two words they stay two words. Source parsers apply
 * it to every text.
 */
export function stripControlChars(text: string): string {
  return text.replace(CONTROL_RUNS, (run: string, at: number) => {
    const before = text[at - 1];
    const after = text[at + run.length];
    return before === undefined || after === undefined || /\s/.test(before) || /\s/.test(after) ? '' : ' ';
  });
}

// Without the `u` flag the regex sees UTF-16 code units, which is what finding unpaired halves needs
// (`String.prototype.isWellFormed` is ES2024, beyond this project's lib).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whitespace plus invisible characters that make a text look non-empty while showing nothing. */
const BLANK = /[\s\u200B-\u200D\u2060\u180E\u00AD\uFEFF]/gu;

/**
 * Checks one post before it is queued. Nothing is repaired here: a post is accepted as it is or refused
 * with a code and a human reason.
 *
 * Invalid UTF-8: sources are decoded with `TextDecoder('utf-8', {fatal: false})`, which turns every
 * invalid byte sequence into U+FFFD instead of failing the whole file; a text holding U+FFFD is then
 * refused, since the original characters are lost and the post would index as garbage. (A literal U+FFFD
 * in a source is itself the mark of an earlier lossy conversion.) Lone surrogates, which JSON escapes can
 * produce and UTF-8 cannot encode, are refused under the same code.
 */
export function validatePost(
  post: Post,
  now: Date,
  options: Readonly<ValidateOptions> = DEFAULT_VALIDATE_OPTIONS,
): Verdict {
  const { text } = post;
  if (text.length > options.maxTextChars) {
    return reject(
      'too_large',
      `text has ${text.length} characters, more than the limit of ${options.maxTextChars}`,
    );
  }
  const replacement = text.indexOf('\uFFFD');
  if (replacement >= 0) {
    return reject(
      'invalid_utf8',
      `text is not valid UTF-8: undecodable bytes (U+FFFD) at character ${replacement}`,
    );
  }
  if (LONE_SURROGATE.test(text)) return reject('invalid_utf8', 'text holds unpaired UTF-16 surrogates');
  const control = HAS_CONTROL_CHAR.exec(text);
  if (control) {
    const code = control[0].codePointAt(0) ?? 0;
    return reject(
      'control_chars',
      `text holds control character U+${code.toString(16).toUpperCase().padStart(4, '0')} at character ${control.index}`,
    );
  }
  if (text.replace(BLANK, '') === '') return reject('empty_text', 'text is empty or only whitespace');
  const published = Date.parse(post.publishedAt);
  if (Number.isNaN(published)) return reject('bad_date', `publishedAt "${post.publishedAt}" is not a date`);
  if (published < options.minPublishedAt.getTime()) {
    return reject(
      'bad_date',
      `publishedAt ${post.publishedAt} is before ${options.minPublishedAt.toISOString()}: a missing date?`,
    );
  }
  if (published - now.getTime() > options.maxFutureMs) {
    return reject(
      'future_date',
      `publishedAt ${post.publishedAt} is more than ${Math.round(options.maxFutureMs / 3_600_000)} h after now (${now.toISOString()})`,
    );
  }
  return { ok: true };
}

function reject(code: RejectCode, reason: string): Verdict {
  return { ok: false, code, reason };
}
