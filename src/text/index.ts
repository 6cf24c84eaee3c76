/**
 * Russian text normalization: pure, synchronous functions (the lemmatizer's dictionaries load lazily
 * once). `analyzePost` is the entry point of the normalize stage, `analyzeQuery` of search.
 */
export { analyzePost, analyzeQuery, lemmatizeTokens, MAX_ANALYZED_CHARS } from './analyze';
export type { AnalyzedText, AnalyzeOptions } from './analyze';
export { classifyLine, lineKey, lineKeys, removeLines } from './boilerplate';
export type { LineVerdict } from './boilerplate';
export { extractHashtags, extractMentions, extractUrls } from './entities';
export { fingerprint } from './fingerprint';
export { detectLanguage } from './language';
export type { Lang } from './language';
export { lemmatize, warmUpLemmatizer } from './lemmatize';
export { stripHtml, stripMarkdown } from './markup';
export { collapseRepeatedParagraphs } from './paragraphs';
export { charShingles, hash32, shingleHashes, wordShingles } from './shingles';
export { isStopWord, STOP_WORDS } from './stopwords';
export { foldCase, tokenize } from './tokenize';
export { cleanUnicode } from './unicode';
