/**
 * Hashtags, mentions and URLs pulled out of text as separate fields.
 *
 * Decisions: URLs are removed from the clean text (copies of one story differ mostly in links and
 * tracking parameters; the links stay in `urls`). Hashtags and mentions stay in the clean text as
 * written; the tokenizer keeps a hashtag's word and skips mentions.
 *
 * Written by hand: linkify-it 6 (the usual library) found none of the bare links in Russian context that
 * are common in our data (`bit.ly/x`, `t.me/x`, `(www.mos.ru/news)`) in our checks, and one pass of these
 * regexes is cheap.
 */

// Bare domains are recognised only with a path (so `main.py` or `ул.Ленина` stay text), except `.рф`.
const TLDS = 'ru|su|рф|com|org|net|info|io|me|ly|tv|by|kz|ua|uz|am|ge|be|cc|gl|co|to|pro|app|dev|online|site';
const URL_PATTERN = new RegExp(
  [
    String.raw`(?:https?|ftp):\/\/[^\s<>"«»]+`,
    String.raw`www\.[^\s<>"«»]+`,
    String.raw`(?<![\p{L}\p{N}@._\/-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(?:${TLDS})\/[^\s<>"«»]*`,
    String.raw`(?<![\p{L}\p{N}@._\/-])[а-яё0-9-]+\.рф(?![\p{L}\p{N}])`,
  ].join('|'),
  'giu',
);
const MAYBE_URL = new RegExp(String.raw`:\/\/|www\.|\.(?:${TLDS})(?:\/|$|[^\p{L}\p{N}])`, 'iu');
// A hashtag starts with a letter; a digit-only "#1" is a rank, not a tag.
const HASHTAG = /(?<![\p{L}\p{N}_&/#])#([\p{L}_][\p{L}\p{N}_]*)/gu;
// Telegram usernames are 5–32 characters, VK short names can be shorter; e-mail local parts are excluded
// by the look-behind.
export const MENTION = /(?<![\p{L}\p{N}_.@/])@([A-Za-z][A-Za-z0-9_]{2,31})(?![A-Za-z0-9_])/gu;

/** Removes trailing punctuation that belongs to the sentence, keeping a closing bracket that is balanced. */
function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    const last = url.at(-1);
    if (last === undefined) return url;
    if ('.,;:!?\'"…'.includes(last)) {
      url = url.slice(0, -1);
    } else if (last === ')' && count(url, '(') < count(url, ')')) {
      url = url.slice(0, -1);
    } else {
      return url;
    }
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

/** Gives scheme-less links (`t.me/x`, `www.mos.ru`) an `https://` so every stored URL is absolute. */
export function absoluteUrl(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
}

/** Text without its URLs, and the URLs (absolute, in order of appearance, without repeats). */
export function extractUrls(text: string): { text: string; urls: string[] } {
  const urls: string[] = [];
  // The full pattern is costly on long text (its bare-domain branch is tried at every position); this
  // check lets through only text that has something URL-like, which most lines do not.
  if (!MAYBE_URL.test(text)) return { text, urls };
  const cleaned = text.replace(URL_PATTERN, (raw) => {
    const url = trimUrl(raw);
    urls.push(absoluteUrl(url));
    return raw.slice(url.length);
  });
  return { text: cleaned, urls: unique(urls) };
}

/** Hashtags without `#`, lower-cased, in order of appearance, without repeats. */
export function extractHashtags(text: string): string[] {
  if (!text.includes('#')) return [];
  return unique(Array.from(text.matchAll(HASHTAG), (m) => (m[1] ?? '').toLowerCase()));
}

/** Mentioned user or channel names without `@`, lower-cased, in order of appearance, without repeats. */
export function extractMentions(text: string): string[] {
  if (!text.includes('@')) return [];
  return unique(Array.from(text.matchAll(MENTION), (m) => (m[1] ?? '').toLowerCase()));
}

/** Keeps the first occurrence of each value. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
