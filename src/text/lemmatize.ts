import { readFileSync } from 'node:fs';
import path from 'node:path';
import Az, { type AzParse } from 'az';
import { foldCase } from './tokenize';

/**
 * Russian lemmatization with `az` (a JavaScript port of pymorphy2 with OpenCorpora dictionaries shipped
 * in the package, ~11 MB, loaded from disk once, ~0.3 s). Chosen over Snowball stems after
 * `bench/lemmatizer.bench.ts`: lemmas map case forms of place names to one dictionary form
 * («в Камешковском районе» → «камешковский район») that a gazetteer can store as written, handle
 * suppletion («людей» → «человек», «шёл» → «идти») and read well in ES and in alert reasons; stems
 * («камешковск район») are ~4x faster per call, but a memo of lemmas per word form makes the difference
 * vanish on real text where word forms repeat.
 */

const CYRILLIC = /[\u0400-\u04FF]/;
/** Word forms remembered; the cache is cleared when full, which bounds memory at a few tens of MB. */
const CACHE_LIMIT = 300_000;
const cache = new Map<string, string>();
let ready = false;

/**
 * Loads the dictionaries synchronously. `az` reads them with async callbacks; replacing its loader with
 * `readFileSync` makes `Morph.init` finish before it returns, so lemmatization stays a plain synchronous
 * function with no start-up ceremony for callers.
 */
function ensureLoaded(): void {
  if (ready) return;
  // Callbacks run only after `init` has registered every file: az counts pending loads and would
  // finish early if the first callback ran inside its own `load` call.
  const pending: (() => void)[] = [];
  Az.load = (url, responseType, callback) => {
    const data = readFileSync(url);
    const value: unknown =
      responseType === 'json'
        ? JSON.parse(data.toString('utf8'))
        : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    pending.push(() => {
      callback(null, value);
    });
  };
  const outcome: { done: boolean; failure: unknown } = { done: false, failure: undefined };
  Az.Morph.init(path.join(path.dirname(require.resolve('az')), '..', 'dicts'), (error) => {
    outcome.done = true;
    outcome.failure = error;
  });
  for (const run of pending) run();
  if (!outcome.done || (outcome.failure !== undefined && outcome.failure !== null)) {
    throw new Error('Cannot load the az dictionaries', { cause: outcome.failure });
  }
  ready = true;
}

/**
 * Lemma of one token (lower case, ё folded to е): the dictionary form of the most likely parse for
 * Cyrillic words, the token itself otherwise (Latin words, numbers). Unknown Russian words get a
 * predicted lemma from their suffix, so invented place names still collapse their case forms.
 */
export function lemmatize(token: string): string {
  if (!CYRILLIC.test(token)) return token;
  const cached = cache.get(token);
  if (cached !== undefined) return cached;
  ensureLoaded();
  const lemma = bestLemma(token);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(token, lemma);
  return lemma;
}

/**
 * Normal form of the most likely parse of the capitalized word. az finds proper nouns only when they
 * are capitalized («коврове» → no parse, «Коврове» → «ковров»), while capitalized common words still get
 * their common parse («Вода» → «вода», «Света» → «свет»); capitalizing every token keeps place names
 * right and makes lemmas independent of the case the author (or a search query) used.
 * Among parses scored level with the best, a geographical name wins (a detector matches places), then
 * the lemma sharing the longest prefix with the word, then the shorter lemma: az ranks «подробнее» →
 * «дробный» (по- + comparative) level with «подробный», «лев» → «левый» level with «лев», and
 * «Александрове» → «александрово» (a village) level with «александров».
 * Hyphenated words az only guesses (`HyphenWords`: «Юрьев-Польского») are lemmatized part by part.
 */
function bestLemma(token: string): string {
  let parses: AzParse[];
  try {
    parses = Az.Morph(token.charAt(0).toUpperCase() + token.slice(1));
  } catch {
    // az is old code: for input it cannot parse, the word itself is the most useful lemma.
    return token;
  }
  const top = parses[0];
  if (top === undefined) return token;
  if (top.parser !== 'Dictionary' && token.includes('-')) {
    return token
      .split('-')
      .map((part) => (part === '' ? part : bestLemma(part)))
      .join('-');
  }
  let best: { lemma: string; rank: number[] } | undefined;
  for (const parse of parses) {
    if (parse.score < top.score) break;
    const lemma = lemmaOf(parse);
    if (lemma === undefined) continue;
    const rank = [parse.tag.Geox === true ? 1 : 0, commonPrefix(token, lemma), -lemma.length];
    if (best === undefined || isBetter(rank, best.rank)) best = { lemma, rank };
  }
  return best?.lemma ?? token;
}

function isBetter(rank: readonly number[], than: readonly number[]): boolean {
  for (let i = 0; i < rank.length; i++) {
    const a = rank[i] ?? 0;
    const b = than[i] ?? 0;
    if (a !== b) return a > b;
  }
  return false;
}

function lemmaOf(parse: AzParse): string | undefined {
  const word = parse.normalize()?.word;
  return word === undefined || word === '' ? undefined : foldCase(word);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Loads the dictionaries now (about 0.3 s) instead of on the first Russian word, e.g. at worker start. */
export function warmUpLemmatizer(): void {
  ensureLoaded();
}
