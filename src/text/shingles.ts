/**
 * Shingles for near-duplicate detection (MinHash with LSH): overlapping k-grams of words or characters,
 * and their 32-bit hashes.
 */

/**
 * Word k-grams joined by a space. A sequence shorter than `size` yields one shingle of all its words,
 * so short posts still have a signature; an empty one yields none.
 */
export function wordShingles(words: readonly string[], size = 3): string[] {
  if (words.length === 0) return [];
  if (words.length <= size) return [words.join(' ')];
  const shingles: string[] = [];
  for (let i = 0; i + size <= words.length; i++) shingles.push(words.slice(i, i + size).join(' '));
  return shingles;
}

/**
 * Character k-grams of the text lower-cased with ё→е, every run of non-letters/digits collapsed to one
 * space. Robust to word-level edits that word shingles over-penalise (typos, changed endings).
 */
export function charShingles(text: string, size = 5): string[] {
  const normalized = text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  if (normalized === '') return [];
  const chars = Array.from(normalized);
  if (chars.length <= size) return [normalized];
  const shingles: string[] = [];
  for (let i = 0; i + size <= chars.length; i++) shingles.push(chars.slice(i, i + size).join(''));
  return shingles;
}

/**
 * 32-bit FNV-1a hash of a string's UTF-16 code units: fast, well spread for short keys and stable across
 * processes (MinHash signatures computed by different workers must agree). Not for security.
 */
export function hash32(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Distinct 32-bit hashes of the shingles, sorted ascending (a set, ready for MinHash). */
export function shingleHashes(shingles: readonly string[]): Uint32Array {
  const hashes = Uint32Array.from(new Set(shingles.map(hash32)));
  return hashes.sort();
}
