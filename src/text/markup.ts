import { decodeHTML } from 'entities';

// HTML: RSS descriptions, VK and some exports carry tags and entities. A regex is enough here because we
// only want the text back, never a DOM; script/style bodies are dropped with their tags.
const SCRIPT_OR_STYLE = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const BLOCK_TAG = /<\/?(?:br|p|div|li|ul|ol|tr|h[1-6]|blockquote|pre|hr|table)\b[^>]*>/gi;
const ANY_TAG = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>|<!--[\s\S]*?-->/gi;
const ENTITY = /&(?:[a-z][a-z0-9]{1,31}|#\d{1,7}|#x[0-9a-f]{1,6});/i;

/**
 * Removes HTML tags (block tags become line breaks) and decodes entities (`&nbsp;`, `&laquo;`, `&#8212;`).
 * Text without `<` or `&` is returned as is, which is the common case and keeps this step nearly free.
 */
export function stripHtml(text: string): string {
  let out = text;
  if (out.includes('<')) {
    out = out.replace(SCRIPT_OR_STYLE, ' ').replace(BLOCK_TAG, '\n').replace(ANY_TAG, '');
  }
  if (out.includes('&') && ENTITY.test(out)) {
    // U+00A0 from &nbsp; is turned into a plain space by the caller's unicode clean-up.
    out = decodeHTML(out);
  }
  return out;
}

// Telegram markdown as channel dumps emit it: [text](url), **bold**, __italic__, ~~strike~~, ||spoiler||,
// `code` and ``` fences. Written by hand because general Markdown strippers (remove-markdown) also treat
// "#hashtag" lines as headings and "- " / "1." lines as lists, which would eat Telegram content. URLs may
// contain one level of balanced parentheses (Wikipedia links).
const LINK = /\[([^\]\n]*)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g;
const MARKERS = /\*\*|__|~~|\|\||```|`/g;

/** Text of one line without Telegram markdown, plus the targets of its `[text](url)` links. */
export interface StrippedLine {
  text: string;
  links: string[];
}

/**
 * Strips Telegram markdown from one line: links become their text (targets are returned in `links`),
 * emphasis, strike, spoiler and code markers are removed.
 */
export function stripMarkdownLine(line: string): StrippedLine {
  const links: string[] = [];
  let text = line;
  if (text.includes('](')) {
    text = text.replace(LINK, (_match, label: string, url: string) => {
      links.push(url);
      return label;
    });
  }
  if (/[*_~|`]/.test(text)) text = text.replace(MARKERS, '');
  return { text, links };
}

/** {@link stripMarkdownLine} over a whole text, line by line. */
export function stripMarkdown(text: string): StrippedLine {
  const links: string[] = [];
  const lines = text.split('\n').map((line) => {
    const stripped = stripMarkdownLine(line);
    links.push(...stripped.links);
    return stripped.text;
  });
  return { text: lines.join('\n'), links };
}
