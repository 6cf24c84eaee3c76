import { SKETCH } from './thresholds';

/*
 * MinHash and LSH banding, written by hand: the npm MinHash packages hash with slow BigInt or string
 * arithmetic and allocate per shingle; this hot path runs for every post, so it stays on 32-bit
 * integer math (Math.imul) and typed arrays.
 */

/** FNV-1a over UTF-16 code units of `text[start, end)`: a fast 32-bit hash of one shingle. */
export function fnv1a(text: string, start = 0, end = text.length): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Murmur3's finalizer: a bijective scramble of 32 bits, so `fmix(x ^ seed)` acts as a random permutation. */
export function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The comparison form of a text: lower case, `ё` → `е`, every run of non-letters/digits → one space.
 * Punctuation, emoji and spacing differences must not make copies look different.
 */
export function comparisonText(text: string, maxChars: number = SKETCH.maxCompareChars): string {
  const folded = text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return folded.length > maxChars ? folded.slice(0, maxChars) : folded;
}

/** Distinct hashes of the character n-grams of an already normalized text, sorted ascending. */
export function charShingles(text: string, size: number = SKETCH.shingleSize): Uint32Array {
  if (text.length === 0) return new Uint32Array(0);
  if (text.length <= size) return Uint32Array.of(fnv1a(text));
  const out = new Uint32Array(text.length - size + 1);
  for (let i = 0; i + size <= text.length; i++) out[i] = fnv1a(text, i, i + size);
  return uniqueSorted(out);
}

/** Distinct hashes of word n-grams (e.g. over lemmas), sorted ascending. */
export function wordShingles(words: readonly string[], size = 2): Uint32Array {
  if (words.length === 0) return new Uint32Array(0);
  const n = Math.max(1, words.length - size + 1);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = fnv1a(words.slice(i, i + size).join(' '));
  return uniqueSorted(out);
}

function uniqueSorted(values: Uint32Array): Uint32Array {
  values.sort();
  let w = 0;
  for (let r = 0; r < values.length; r++) {
    const v = values[r] ?? 0;
    if (r === 0 || v !== values[w - 1]) values[w++] = v;
  }
  return values.subarray(0, w);
}

/** Exact Jaccard similarity of two sorted distinct hash sets (a merge walk, no allocation). */
export function jaccardSorted(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}

/** Computes MinHash signatures and LSH band keys for a fixed (bands × rows) layout. */
export class MinHasher {
  readonly size: number;
  private readonly seeds: Uint32Array;

  constructor(
    readonly bands: number = SKETCH.bands,
    readonly rows: number = SKETCH.rows,
    seed = 0x9e3779b9,
  ) {
    this.size = bands * rows;
    // Seeds from a fixed generator: every process on every machine must produce the same signatures.
    this.seeds = new Uint32Array(this.size);
    let state = seed >>> 0;
    for (let i = 0; i < this.size; i++) {
      state = fmix32(state + 0x6d2b79f5);
      this.seeds[i] = state;
    }
  }

  /** The signature: per seed, the minimum of the permuted shingle hashes (all 0xffffffff when empty). */
  signature(shingles: Uint32Array): Uint32Array {
    const sig = new Uint32Array(this.size).fill(0xffffffff);
    const seeds = this.seeds;
    for (let s = 0; s < shingles.length; s++) {
      const x = shingles[s] ?? 0;
      for (let i = 0; i < sig.length; i++) {
        const v = fmix32(x ^ (seeds[i] ?? 0));
        if (v < (sig[i] ?? 0)) sig[i] = v;
      }
    }
    return sig;
  }

  /**
   * One key per band, `<band>.<hash of its rows>` in base 36. The band index is part of the key so equal
   * rows in different bands never collide.
   */
  bandKeys(signature: Uint32Array): string[] {
    const keys: string[] = [];
    for (let b = 0; b < this.bands; b++) {
      let h = fmix32(b + 1);
      for (let r = 0; r < this.rows; r++) {
        h = fmix32(Math.imul(h ^ (signature[b * this.rows + r] ?? 0), 0x01000193));
      }
      // A second, independent 32-bit hash makes accidental bucket collisions negligible at 1M+ posts.
      let g = fmix32(b + 0x51ed27);
      for (let r = 0; r < this.rows; r++) g = fmix32(g + (signature[b * this.rows + r] ?? 0));
      keys.push(`${b}.${h.toString(36)}${g.toString(36)}`);
    }
    return keys;
  }

  /** Share of equal signature positions: an unbiased estimate of the Jaccard similarity. */
  static estimate(a: Uint32Array, b: Uint32Array): number {
    const n = Math.min(a.length, b.length);
    if (n === 0) return 0;
    let equal = 0;
    for (let i = 0; i < n; i++) if (a[i] === b[i]) equal++;
    return equal / n;
  }
}

/** Probability that a pair with Jaccard `j` shares at least one band: the LSH S-curve. */
export function candidateProbability(
  j: number,
  bands: number = SKETCH.bands,
  rows: number = SKETCH.rows,
): number {
  return 1 - (1 - j ** rows) ** bands;
}
