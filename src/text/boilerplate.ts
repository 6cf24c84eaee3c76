import { createHash } from 'node:crypto';
import { extractUrls } from './entities';
import { stripHtml, stripMarkdownLine } from './markup';
import { foldCase } from './tokenize';
import { cleanUnicode } from './unicode';

/**
 * Platform boilerplate: lines a scrape or a channel adds to every post. Two rules:
 * 1. a maintained list (below) of platform placeholders and call-to-action footers;
 * 2. lines repeated verbatim across many posts of one channel. Counting them is stateful (Redis, see
 *    `BoilerplateRepository`); this module gives the pure halves: {@link lineKeys} and {@link removeLines}.
 */

/**
 * Whole lines that are platform placeholders or bare calls to action, compared after
 * {@link normalizeLine} (lower case, ё→е, no markup or URLs, edge emoji/punctuation trimmed).
 */
const BOILERPLATE_LINES: ReadonlySet<string> = new Set([
  // Telegram web previews (t.me/s/<channel>) and scrapers built on them.
  'please open telegram to view this post',
  'this media is not supported in your browser',
  'view in telegram',
  'view message in telegram',
  'media is too big',
  'this post is not available',
  'open in telegram',
  'открыть в telegram',
  'открыть в телеграм',
  // Feed and wall "read more" stubs.
  'read more',
  'показать полностью',
  'читать далее',
  'читать полностью',
  'читать продолжение',
  'смотреть полностью',
  'развернуть',
  // Bare calls to action.
  'подписаться',
  'подпишись',
  'подписывайся',
  'подписывайтесь',
  'прислать новость',
  'предложить новость',
  'subscribe',
]);

// Call-to-action phrases of channel footers ("❤ [Подписаться](…) | [Прислать новость](…)",
// "[👉 Топор Live. Подписаться](…)", "Читать нас без VPN можно здесь: bit.ly/…"). A line is a footer only
// when it also carries a link or a mention and every segment of it is short, so that a news sentence
// mentioning a subscription is never taken for one.
const CALL_TO_ACTION =
  /подпис(?:аться|ывайся|ывайтесь|ка|ь)|(?:прислать|предложить) (?:новость|фото|видео|пост)|наш (?:канал|чат|сайт|бот)|читать (?:нас|далее|полностью)|без vpn|поддержать (?:нас|канал|проект)|subscribe|join us|follow us/;
const FOOTER_SEGMENT_MAX = 60;
const FOOTER_SEPARATORS = /[|•·]| \/ /;

// Advertising disclosure required by Russian law: "Реклама. ООО «…» ИНН … erid: …".
// (`\b` is ASCII-only in JavaScript, hence the look-arounds.)
const AD_DISCLOSURE = /^(?:реклама(?!\p{L}).*(?<!\p{L})(?:erid|инн|огрн)(?!\p{L})|erid\s*[:\s])/u;

// "Forwarded from <channel>" as exports and scrapers print it, in English and Russian clients.
const FORWARDED = /^(?:forwarded from|переслано (?:из|от)|репост из)\s*:?\s+(.{1,200}?)\s*$/i;

/** Longest line the list judges; ad disclosures with an address and INN are the longest boilerplate. */
const MAX_CLASSIFIED_LINE = 500;

/** What the built-in list says about one line. */
export type LineVerdict = { kind: 'keep' } | { kind: 'drop' } | { kind: 'forwarded'; from: string };

/** Lower case, ё→е, URLs removed, spaces collapsed, non-letters (emoji, arrows, `@`) trimmed at both ends. */
export function normalizeLine(strippedLine: string): string {
  return trimNonWord(foldCase(extractUrls(strippedLine).text).replace(/\s+/g, ' '));
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

// A loop instead of /^\W+|\W+$/u: V8 tries the end-anchored branch at every position of the line.
function trimNonWord(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && !WORD_CHAR.test(text.charAt(start))) start++;
  while (end > start && !WORD_CHAR.test(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * Judges one line (markdown already stripped) against the maintained list. `hadLink` tells whether the
 * original line held a markdown link; bare URLs and mentions are detected here.
 */
export function classifyLine(strippedLine: string, hadLink: boolean): LineVerdict {
  const trimmed = strippedLine.trim();
  // Every rule below is about short lines; long ones are content and skip the work.
  if (trimmed === '' || trimmed.length > MAX_CLASSIFIED_LINE) return { kind: 'keep' };
  const forwarded = FORWARDED.exec(trimmed);
  if (forwarded?.[1] !== undefined) return { kind: 'forwarded', from: forwarded[1] };
  const normalized = normalizeLine(trimmed);
  if (normalized === '') return { kind: 'keep' };
  if (BOILERPLATE_LINES.has(normalized)) return { kind: 'drop' };
  if (AD_DISCLOSURE.test(normalized)) return { kind: 'drop' };
  if (isFooter(trimmed, normalized, hadLink)) return { kind: 'drop' };
  return { kind: 'keep' };
}

function isFooter(line: string, normalized: string, hadLink: boolean): boolean {
  if (!CALL_TO_ACTION.test(normalized)) return false;
  const linked = hadLink || /@\w|https?:\/\/|t\.me\/|bit\.ly\//i.test(line);
  if (!linked) return false;
  return normalized.split(FOOTER_SEPARATORS).every((segment) => segment.trim().length <= FOOTER_SEGMENT_MAX);
}

/** Lines longer than this are content, not a repeated signature; they get no key. */
const MAX_KEYED_LINE = 300;

/**
 * Key of one line for the per-channel repetition rule: a short hash of the normalized line, or
 * `undefined` for lines that are blank, markup only, or too long to be a signature.
 */
export function lineKey(strippedLine: string): string | undefined {
  if (strippedLine.length > 2 * MAX_KEYED_LINE) return undefined;
  const normalized = normalizeLine(strippedLine);
  if (normalized === '' || normalized.length > MAX_KEYED_LINE) return undefined;
  return createHash('sha1').update(normalized).digest('base64url').slice(0, 16);
}

/** Unicode clean-up and HTML removal shared by {@link lineKeys}, {@link removeLines} and the analyzer. */
export function prepareText(text: string): string {
  // HTML first: decoded entities (&nbsp;, &#8203;) must go through the Unicode clean-up too.
  return cleanUnicode(stripHtml(text));
}

/**
 * Keys of the distinct lines of a post, for counting how many posts of a channel contain each line.
 * Pair with {@link removeLines} or `analyzePost(text, { channelBoilerplate })`, which use the same keys.
 */
export function lineKeys(text: string): string[] {
  const keys = new Set<string>();
  for (const line of prepareText(text).split('\n')) {
    const key = lineKey(stripMarkdownLine(line).text);
    if (key !== undefined) keys.add(key);
  }
  return [...keys];
}

/**
 * Removes the lines whose key the predicate calls boilerplate. Returns the text after Unicode clean-up and
 * HTML removal (markdown kept), since keys are computed on that form.
 */
export function removeLines(text: string, isBoilerplate: (key: string) => boolean): string {
  return prepareText(text)
    .split('\n')
    .filter((line) => {
      const key = lineKey(stripMarkdownLine(line).text);
      return key === undefined || !isBoilerplate(key);
    })
    .join('\n');
}
