import { createHash } from 'node:crypto';

/**
 * Content fingerprint: a hash of the word sequence (tokens: lower case, ё→е, no punctuation, emoji,
 * URLs, mentions or boilerplate). Copies that differ only in those share it; any change of a word
 * changes it. Posts with no words (emoji or punctuation only) hash their non-space characters instead;
 * an empty post gets `''`, which callers must not treat as a duplicate key.
 */
export function fingerprint(tokens: readonly string[], textClean = ''): string {
  let content: string;
  if (tokens.length > 0) content = `w:${tokens.join(' ')}`;
  else {
    const symbols = textClean.replace(/\s+/g, '');
    if (symbols === '') return '';
    content = `s:${symbols}`;
  }
  return createHash('sha256').update(content).digest('base64url').slice(0, 22);
}
