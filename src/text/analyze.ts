import { classifyLine, lineKey, prepareText } from './boilerplate';
import { absoluteUrl, extractHashtags, extractMentions, extractUrls, unique } from './entities';
import { fingerprint } from './fingerprint';
import { detectLanguage, type Lang } from './language';
import { lemmatize } from './lemmatize';
import { stripMarkdown, stripMarkdownLine } from './markup';
import { collapseRepeatedParagraphs } from './paragraphs';
import { isStopWord } from './stopwords';
import { tokenize } from './tokenize';
import { collapseWhitespace } from './unicode';

/**
 * Texts longer than this are analysed on their first part only, which bounds the cost of one post
 * (sources reject far larger records before they get here). Telegram's own limit is 4,096 characters.
 */
export const MAX_ANALYZED_CHARS = 100_000;

/** Everything the pipeline derives from a post's text. */
export interface AnalyzedText {
  /** Readable text: no markup, boilerplate, URLs, repeated paragraphs or stray whitespace. */
  textClean: string;
  lang: Lang;
  /** Word tokens of `textClean` in order: lower case, ё→е, hashtags' words included, mentions not. */
  tokens: string[];
  /** Lemmas of `tokens` in order, stop words removed; the form searched in ES and matched by detectors. */
  lemmas: string[];
  hashtags: string[];
  mentions: string[];
  urls: string[];
  /** Channel named by a "Forwarded from …" line, when the text carries one. */
  forwardedFrom: string | undefined;
  /** See {@link fingerprint}: equal for copies that differ only in case, punctuation, emoji, boilerplate. */
  fingerprint: string;
}

/** Options of {@link analyzePost}. */
export interface AnalyzeOptions {
  /**
   * Line keys (see `lineKeys`) that are boilerplate of this post's channel — lines repeated verbatim
   * across many of its posts — as a set or a predicate.
   */
  channelBoilerplate?: ReadonlySet<string> | ((key: string) => boolean);
}

/**
 * Full analysis of one post's text. Never throws on odd input: a non-string, an empty or emoji-only text
 * gives empty fields. Hashtags are collected from every line, boilerplate lines included (channels put
 * their rubric tags in footers); URLs and mentions only from the lines kept, so subscribe links of
 * footers do not pollute them.
 */
export function analyzePost(text: unknown, options: AnalyzeOptions = {}): AnalyzedText {
  const input = typeof text === 'string' ? text.slice(0, MAX_ANALYZED_CHARS) : '';
  const isChannelBoilerplate = toPredicate(options.channelBoilerplate);
  const kept: string[] = [];
  const links: string[] = [];
  const hashtags: string[] = [];
  let forwardedFrom: string | undefined;

  for (const rawLine of prepareText(input).split('\n')) {
    const line = stripMarkdownLine(rawLine);
    hashtags.push(...extractHashtags(line.text));
    const verdict = classifyLine(line.text, line.links.length > 0);
    if (verdict.kind === 'forwarded') {
      forwardedFrom ??= verdict.from;
      continue;
    }
    if (verdict.kind === 'drop') continue;
    if (isChannelBoilerplate !== undefined) {
      const key = lineKey(line.text);
      if (key !== undefined && isChannelBoilerplate(key)) continue;
    }
    kept.push(line.text);
    for (const link of line.links) links.push(absoluteUrl(link));
  }

  const body = extractUrls(kept.join('\n'));
  const textClean = collapseRepeatedParagraphs(collapseWhitespace(body.text));
  const tokens = tokenize(textClean);
  return {
    textClean,
    lang: detectLanguage(tokens),
    tokens,
    lemmas: lemmatizeTokens(tokens),
    hashtags: unique(hashtags),
    mentions: extractMentions(body.text),
    urls: unique([...links, ...body.urls]),
    forwardedFrom,
    fingerprint: fingerprint(tokens, textClean),
  };
}

/**
 * Lemmas of a search query, analysed exactly like indexed text (markup, URLs and stop words dropped), so
 * a query for «Камешковском районе» finds posts that say «Камешковский район».
 */
export function analyzeQuery(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return lemmatizeTokens(
    tokenize(extractUrls(stripMarkdown(prepareText(text.slice(0, MAX_ANALYZED_CHARS))).text).text),
  );
}

/** Lemmas of tokens in order, stop words (as word forms and as lemmas) removed. */
export function lemmatizeTokens(tokens: readonly string[]): string[] {
  const lemmas: string[] = [];
  for (const token of tokens) {
    if (isStopWord(token)) continue;
    const lemma = lemmatize(token);
    if (!isStopWord(lemma)) lemmas.push(lemma);
  }
  return lemmas;
}

function toPredicate(
  boilerplate: AnalyzeOptions['channelBoilerplate'],
): ((key: string) => boolean) | undefined {
  if (boilerplate === undefined || typeof boilerplate === 'function') return boilerplate;
  if (boilerplate.size === 0) return undefined;
  return (key) => boilerplate.has(key);
}
