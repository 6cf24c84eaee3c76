import { z } from 'zod';
import { postId, type Post } from '../../domain/post';
import { stripControlChars } from '../validate';
import { parseDate, unixSecondsToIso } from './dates';
import { guardFormat } from './guard';
import { streamJson } from './json-stream';
import { inputName, refName } from './read';
import { fileFormatHint, formatHint } from './sniff';
import { describeIssues, omitKeys, sample } from './text';
import { SourceFormatError, type SourceInput, type SourceOptions, type SourceRecord } from './types';

/** A formatted piece of a message: `{type: 'text_link', text: 'здесь', href: 'https://…'}`. */
const entitySchema = z.looseObject({ type: z.string(), text: z.string(), href: z.string().optional() });

/** Message text: a plain string, or strings mixed with entities. */
const messageTextSchema = z.union([z.string(), z.array(z.union([z.string(), entitySchema]))]);

const messageSchema = z.looseObject({
  id: z.number().int(),
  type: z.string(),
  date: z.string().optional(),
  date_unixtime: z.string().regex(/^\d+$/).optional(),
  action: z.string().optional(),
  from: z.string().nullish(),
  from_id: z.string().optional(),
  author: z.string().optional(),
  forwarded_from: z.string().nullish(),
  text: messageTextSchema.default(''),
});

/** Message text rebuilt as plain text: entity text kept, link targets kept as `text (href)`. */
export function plainText(text: z.infer<typeof messageTextSchema>): string {
  if (typeof text === 'string') return text;
  return text
    .map((part) => {
      if (typeof part === 'string') return part;
      if (part.type === 'text_link' && part.href !== undefined && part.href !== part.text) {
        return part.text === '' ? part.href : `${part.text} (${part.href})`;
      }
      return part.text;
    })
    .join('');
}

/**
 * The chat id in Telegram's "marked" form, the one bots, Telethon and channel dumps use (`-100…` for
 * channels and supergroups), so a channel exported by Telegram Desktop and dumped by a scraper yields the
 * same post ids. Desktop exports give the bare id plus the chat type.
 */
export function markedChatId(type: string, id: number): string {
  if (/channel|supergroup/.test(type)) return `-100${id}`;
  if (type === 'private_group') return `-${id}`;
  return String(id);
}

interface Header {
  name?: string;
  type?: string;
  id?: number;
}

const EXPECTED = 'a Telegram Desktop export (result.json of one chat: {name, type, id, messages: [...]})';

/**
 * Parses a Telegram Desktop export of one chat (`result.json`). Streams `messages` one by one; service
 * messages (pins, joins, "channel created") are refused with code `service_message` so they are counted.
 */
export async function* parseTelegramExport(
  input: SourceInput,
  options: SourceOptions,
): AsyncGenerator<SourceRecord> {
  yield* guardFormat(input, 'telegram', records(input, options));
}

async function* records(input: SourceInput, options: SourceOptions): AsyncGenerator<SourceRecord> {
  const name = inputName(input);
  const header: Header = {};
  // Real exports write name, type and id before `messages`; held back only if a file does otherwise.
  const early: unknown[] = [];
  let seenMessages = false;
  let index = 0;
  const hits = streamJson(input, { object: ['$.name', '$.type', '$.id', '$.messages.*'] }, (head) =>
    formatHint(head, EXPECTED),
  );
  for await (const hit of hits) {
    if (hit.path === '$.name' && typeof hit.value === 'string') header.name = hit.value;
    else if (hit.path === '$.type' && typeof hit.value === 'string') header.type = hit.value;
    else if (hit.path === '$.id' && typeof hit.value === 'number') header.id = hit.value;
    else if (hit.path === '$.messages.*') {
      seenMessages = true;
      if (header.id === undefined || header.type === undefined) early.push(hit.value);
      else {
        const channel = channelOf(header, name);
        for (const message of early.splice(0)) yield toRecord(message, index++, channel, input, options);
        yield toRecord(hit.value, index++, channel, input, options);
      }
    }
  }
  if (!seenMessages) {
    throw new SourceFormatError(
      `${name}: no "messages" array. ${await fileFormatHint(input, EXPECTED)} A full-account export ` +
        'will not do either: export the one channel (Telegram Desktop: chat menu → Export chat history → JSON).',
    );
  }
  const channel = channelOf(header, name);
  for (const message of early) yield toRecord(message, index++, channel, input, options);
}

function channelOf(header: Header, name: string): { id: string; title?: string } {
  if (header.id === undefined || header.type === undefined) {
    throw new SourceFormatError(
      `${name}: the export has no chat "id" or "type", so its posts cannot get stable ids. Expected ${EXPECTED}.`,
    );
  }
  const channel: { id: string; title?: string } = { id: markedChatId(header.type, header.id) };
  if (header.name !== undefined) channel.title = header.name;
  return channel;
}

function toRecord(
  value: unknown,
  index: number,
  channel: { id: string; title?: string },
  input: SourceInput,
  options: SourceOptions,
): SourceRecord {
  const parsed = messageSchema.safeParse(value);
  if (!parsed.success) {
    const ref = `${refName(input)}#item ${index}`;
    return {
      kind: 'reject',
      ref,
      code: 'schema',
      reason: describeIssues(parsed.error),
      sample: sample(value),
    };
  }
  const message = parsed.data;
  const ref = `${refName(input)}#message ${message.id}`;
  if (message.type !== 'message') {
    const what = message.action === undefined ? message.type : `${message.type}: ${message.action}`;
    return { kind: 'reject', ref, code: 'service_message', reason: `not a post (${what})` };
  }
  const publishedAt =
    message.date_unixtime !== undefined
      ? unixSecondsToIso(Number(message.date_unixtime))
      : message.date !== undefined
        ? parseDate(message.date, options.defaultUtcOffset)
        : undefined;
  if (publishedAt === undefined) {
    const reason = `no usable date (date_unixtime ${message.date_unixtime ?? 'missing'}, date ${message.date ?? 'missing'})`;
    return { kind: 'reject', ref, code: 'bad_date', reason, sample: sample(plainText(message.text)) };
  }
  const externalId = String(message.id);
  const post: Post = {
    id: postId('telegram', channel.id, externalId),
    platform: 'telegram',
    channel: channel.id,
    externalId,
    text: stripControlChars(plainText(message.text)),
    publishedAt,
    raw: omitKeys(message, ['text', 'text_entities']),
  };
  if (channel.title !== undefined) post.channelTitle = channel.title;
  // In a channel `from` is the channel itself; only a signature or a user sender is an author.
  const author = message.author ?? (message.from_id?.startsWith('user') ? message.from : undefined);
  if (author) post.author = author;
  if (message.forwarded_from) post.forwardedFrom = message.forwarded_from;
  return { kind: 'post', post };
}
