import { eng, rus } from 'stopword';

// The `stopword` package's Russian list is the Snowball one (the list Lucene's Russian analyzer uses);
// its English list is short and conservative. Larger lists (stopwords-iso) were rejected: they contain
// «вода», «дом», «дорога», «улица», «москва», «тысяч», words our detectors live on.
// Kept out on purpose: «без» and «нет» carry outages («без света», «нет воды»).
const KEPT = new Set(['без', 'нет']);
// Lemmas whose forms the list has only partly (e.g. «которых» → «который»), so lemma-level filtering
// removes them too.
const EXTRA = ['который', 'это', 'весь', 'свой', 'также', 'чтобы', 'ещё'];

/** Russian and English stop words, lower case with ё folded to е (as tokens are). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  [...rus, ...eng, ...EXTRA].map((word) => word.toLowerCase().replace(/ё/g, 'е')).filter((w) => !KEPT.has(w)),
);

/** True for a stop word; expects a lower-case token or lemma with ё folded to е. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}
