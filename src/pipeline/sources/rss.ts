import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { postId, type Post } from '../../domain/post';
import { stripControlChars } from '../validate';
import { parseDate } from './dates';
import { htmlToText, looksLikeHtml } from './html';
import { decodeChunks, inputName, refName } from './read';
import { formatHint } from './sniff';
import { SourceFormatError, type SourceInput, type SourceOptions, type SourceRecord } from './types';

/** Feeds are read whole (XML is not streamed here); anything bigger is not a feed. */
const MAX_FEED_CHARS = 64 * 1024 * 1024;

const EXPECTED = 'an RSS 2.0, RSS 1.0 or Atom feed';

/**
 * XML parsing settings. Entity expansion is the classic XML attack ("billion laughs"): documents with an
 * internal DTD subset are refused before parsing (see {@link refuseDtd}), and the parser's own entity
 * limits stay tight as a second line. Values stay strings (`parseTagValue: false`): a guid `0012` must
 * not become the number 12.
 */
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: {
    enabled: true,
    maxEntityCount: 0,
    maxTotalExpansions: 10_000,
    maxExpandedLength: 1_000_000,
  },
  htmlEntities: false,
  isArray: (_name, jpath) => ARRAY_PATHS.has(String(jpath)),
});
const ARRAY_PATHS = new Set([
  'rss.channel.item',
  'rss.channel.atom:link',
  'rdf:RDF.item',
  'feed.entry',
  'feed.link',
  'feed.entry.link',
]);

const nodeSchema = z.record(z.string(), z.unknown());
type XmlNode = z.infer<typeof nodeSchema>;

/**
 * Parses an RSS 2.0 / RSS 1.0 / Atom feed file. Item HTML is turned into text; the channel is the feed's
 * own URL (Atom `rel="self"` link, `atom:link` in RSS) or else its site link or title. External id:
 * `guid` / Atom `id`, else the link, else a hash of title, date and text, so re-imports give the same ids.
 */
export async function* parseRss(input: SourceInput, options: SourceOptions): AsyncGenerator<SourceRecord> {
  const name = inputName(input);
  const document = await readDocument(input);
  const tree = nodeSchema.parse(xml.parse(document));
  const rss = node(tree.rss);
  const rdf = node(tree['rdf:RDF']);
  const feed = node(tree.feed);
  if (rss) {
    const channel = node(rss.channel);
    if (!channel) throw new SourceFormatError(`${name}: <rss> without <channel>; the feed is broken.`);
    const meta = feedMeta(text(channel.title), selfLink(channel['atom:link']) ?? text(channel.link), input);
    yield* items(list(channel.item), meta, (item) => rssItem(item), input, options);
  } else if (rdf) {
    const channel = node(rdf.channel);
    const meta = feedMeta(text(channel?.title), text(channel?.link), input);
    yield* items(list(rdf.item), meta, (item) => rssItem(item), input, options);
  } else if (feed) {
    const links = list(feed.link);
    const meta = feedMeta(text(feed.title), selfLink(links) ?? alternateLink(links) ?? text(feed.id), input);
    yield* items(list(feed.entry), meta, (entry) => atomEntry(entry), input, options);
  } else {
    throw new SourceFormatError(
      `${name}: no <rss>, <rdf:RDF> or <feed> root element. ${formatHint(document, EXPECTED)}`,
    );
  }
}

async function readDocument(input: SourceInput): Promise<string> {
  const name = inputName(input);
  let document = '';
  for await (const chunk of decodeChunks(input)) {
    document += chunk;
    if (document.length > MAX_FEED_CHARS) {
      throw new SourceFormatError(
        `${name}: larger than ${MAX_FEED_CHARS} characters; not a feed? Split it or check --format.`,
      );
    }
  }
  if (document.trim() === '') throw new SourceFormatError(`${name}: the file is empty. Nothing to import.`);
  if (!document.trimStart().startsWith('<')) {
    throw new SourceFormatError(`${name}: not XML. ${formatHint(document, EXPECTED)}`);
  }
  refuseDtd(document, name);
  const valid = XMLValidator.validate(document);
  if (valid !== true) {
    throw new SourceFormatError(
      `${name}: malformed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg} ` +
        'Fetch the feed again or fix the file.',
    );
  }
  return document;
}

/** Feeds never need their own entities; a DTD internal subset is how entity-expansion attacks arrive. */
function refuseDtd(document: string, name: string): void {
  if (/<!DOCTYPE[^>[]*\[/i.test(document) || /<!ENTITY/i.test(document)) {
    throw new SourceFormatError(
      `${name}: the XML declares its own DTD entities, which feeds never need and entity-expansion attacks use; refused.`,
    );
  }
}

interface FeedMeta {
  channel: string;
  title?: string;
}

function feedMeta(title: string | undefined, url: string | undefined, input: SourceInput): FeedMeta {
  const meta: FeedMeta = { channel: url ?? title ?? refName(input) };
  if (title !== undefined) meta.title = title;
  return meta;
}

/** What an item or entry says, before it becomes a post. */
interface FeedItem {
  id: string | undefined;
  url: string | undefined;
  title: string | undefined;
  body: string | undefined;
  date: string | undefined;
  author: string | undefined;
}

function* items(
  nodes: readonly unknown[],
  meta: FeedMeta,
  read: (item: XmlNode) => FeedItem,
  input: SourceInput,
  options: SourceOptions,
): Generator<SourceRecord> {
  for (const [index, value] of nodes.entries()) {
    const itemNode = node(value);
    const ref = `${refName(input)}#item ${index}`;
    if (!itemNode) {
      yield { kind: 'reject', ref, code: 'schema', reason: 'item is empty' };
      continue;
    }
    const item = read(itemNode);
    const content = joinTitle(item.title, item.body);
    const externalId = item.id ?? item.url ?? contentHash(item.title, item.date, content);
    const publishedAt = item.date === undefined ? undefined : parseDate(item.date, options.defaultUtcOffset);
    if (publishedAt === undefined) {
      const reason = item.date === undefined ? 'no publication date' : `date "${item.date}" is not a date`;
      yield {
        kind: 'reject',
        ref: `${refName(input)}#${externalId}`,
        code: 'bad_date',
        reason,
        sample: content,
      };
      continue;
    }
    const post: Post = {
      id: postId('rss', meta.channel, externalId),
      platform: 'rss',
      channel: meta.channel,
      externalId,
      text: stripControlChars(content),
      publishedAt,
      raw: { id: item.id, url: item.url, date: item.date },
    };
    if (meta.title !== undefined) post.channelTitle = meta.title;
    if (item.url !== undefined) post.url = item.url;
    if (item.author !== undefined) post.author = item.author;
    yield { kind: 'post', post };
  }
}

function rssItem(item: XmlNode): FeedItem {
  const guid = node(item.guid);
  const guidText = text(item.guid);
  const permalink = guid?.['@_isPermaLink'] !== 'false' && guidText !== undefined && isHttpUrl(guidText);
  const url = [text(item.link), permalink ? guidText : undefined].find((link) => link && isHttpUrl(link));
  return {
    id: guidText ?? text(item['@_rdf:about']),
    url,
    title: plain(item.title),
    body: plain(item['content:encoded']) ?? plain(item.description),
    date: text(item.pubDate) ?? text(item['dc:date']),
    author: text(item['dc:creator']) ?? text(item.author),
  };
}

function atomEntry(entry: XmlNode): FeedItem {
  const links = list(entry.link);
  return {
    id: text(entry.id),
    url: alternateLink(links),
    title: plain(entry.title),
    body: plain(entry.content) ?? plain(entry.summary),
    date: text(entry.published) ?? text(entry.updated),
    author: text(node(list(entry.author)[0])?.name),
  };
}

/** Title and body as one text; the title is dropped when the body already starts with it. */
function joinTitle(title: string | undefined, body: string | undefined): string {
  if (title === undefined) return body ?? '';
  if (body === undefined || body.startsWith(title)) return body ?? title;
  return `${title}\n\n${body}`;
}

function contentHash(...parts: (string | undefined)[]): string {
  return createHash('sha256')
    .update(parts.map((part) => part ?? '').join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

/** Text of an element: its string, its `#text`, or (XHTML content) all nested text joined. */
function text(value: unknown): string | undefined {
  const found = collectText(value).join(' ').trim();
  return found === '' ? undefined : found;
}

function collectText(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(collectText);
  const element = node(value);
  if (!element) return [];
  return Object.entries(element)
    .filter(([key]) => !key.startsWith('@_'))
    .flatMap(([, child]) => collectText(child));
}

/** Element text with any HTML it carries turned into plain text. */
function plain(value: unknown): string | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const result = looksLikeHtml(raw) ? htmlToText(raw) : raw;
  return result === '' ? undefined : result;
}

function selfLink(links: unknown): string | undefined {
  return linkWithRel(list(links), (rel) => rel === 'self');
}

function alternateLink(links: readonly unknown[]): string | undefined {
  return linkWithRel(links, (rel) => rel === undefined || rel === 'alternate');
}

function linkWithRel(
  links: readonly unknown[],
  wanted: (rel: string | undefined) => boolean,
): string | undefined {
  for (const link of links) {
    const element = node(link);
    const href = element?.['@_href'];
    const rel = element?.['@_rel'];
    if (typeof href === 'string' && wanted(typeof rel === 'string' ? rel : undefined)) return href;
  }
  return undefined;
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\/\S+$/i.test(value) && URL.canParse(value);
}

function node(value: unknown): XmlNode | undefined {
  const parsed = nodeSchema.safeParse(value);
  return parsed.success && !Array.isArray(value) ? parsed.data : undefined;
}

function list(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
