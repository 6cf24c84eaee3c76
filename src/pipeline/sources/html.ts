import { Parser } from 'htmlparser2';

/** Elements that stand apart from the text around them (a blank line before and after). */
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tr',
  'ul',
]);
/** Elements whose content is not text a reader sees. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'iframe', 'object', 'svg']);

/**
 * HTML (a feed item's description or content) → plain text with paragraphs at block elements and link
 * targets kept as `text (href)`. htmlparser2 does the parsing and entity decoding; this only decides what
 * becomes text. html-to-text would do the same, but ships no types for its current version and pulls in a
 * CSS selector engine for formatting options a parser does not need. Nothing is executed or fetched.
 */
export function htmlToText(html: string): string {
  const parts: string[] = [];
  let skipping = 0;
  let href: string | undefined;
  let linkText = '';
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (SKIPPED.has(name)) skipping++;
        else if (name === 'br') parts.push('\n');
        else if (BLOCK.has(name)) parts.push('\n');
        else if (name === 'a') {
          href = attributes.href?.trim();
          linkText = '';
        } else if (name === 'img' && attributes.alt) parts.push(attributes.alt);
      },
      ontext(text) {
        if (skipping > 0) return;
        parts.push(text);
        if (href !== undefined) linkText += text;
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) skipping = Math.max(0, skipping - 1);
        else if (BLOCK.has(name)) parts.push('\n');
        else if (name === 'a') {
          if (href && /^https?:\/\//i.test(href) && !linkText.includes(href)) parts.push(` (${href})`);
          href = undefined;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return tidy(parts.join(''));
}

/** Collapses the whitespace HTML layout leaves: runs of spaces, spaces around line breaks, blank lines. */
function tidy(text: string): string {
  return text
    .replace(/[ \t\f\v\u00A0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Whether a string holds markup worth parsing (a cheap test that spares plain titles the parser). */
export function looksLikeHtml(text: string): boolean {
  return /<[a-z!/][^>]*>|&[#a-z0-9]+;/i.test(text);
}
