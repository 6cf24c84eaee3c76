import { z } from 'zod';
import { postId, type Post } from '../../domain/post';
import { stripControlChars } from '../validate';
import { parseDate } from './dates';
import { guardFormat } from './guard';
import { streamJson } from './json-stream';
import { refName } from './read';
import { formatHint } from './sniff';
import { describeIssues, omitKeys, sample } from './text';
import type { SourceInput, SourceOptions, SourceRecord } from './types';

/** One dumped message; `sender_id` is the channel's marked id (`-100…`), `date` ISO 8601 with offset. */
const dumpMessageSchema = z.looseObject({
  message_id: z.number().int().nonnegative(),
  sender_id: z.number().int(),
  text: z.string().nullable(),
  date: z.string(),
  channel: z.string().optional(),
  category: z.string().optional(),
});

const EXPECTED = 'a Telegram channel dump (a JSON array of {message_id, sender_id, text, date, channel})';

/**
 * Parses a channel dump: a JSON array of messages as scrapers (Telethon) write them, text in Telegram
 * markdown kept as received (the normalize stage strips it). The channel is `sender_id`, the same marked id
 * a Telegram Desktop export of that channel maps to; the channel name becomes `channelTitle`.
 */
export async function* parseTelegramDump(
  input: SourceInput,
  options: SourceOptions,
): AsyncGenerator<SourceRecord> {
  yield* guardFormat(input, 'tg-dump', records(input, options));
}

async function* records(input: SourceInput, options: SourceOptions): AsyncGenerator<SourceRecord> {
  let index = 0;
  for await (const hit of streamJson(input, { array: ['$.*'] }, (head) => formatHint(head, EXPECTED))) {
    yield toRecord(hit.value, index++, input, options);
  }
}

function toRecord(value: unknown, index: number, input: SourceInput, options: SourceOptions): SourceRecord {
  const parsed = dumpMessageSchema.safeParse(value);
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
  const channel = String(message.sender_id);
  const externalId = String(message.message_id);
  const text = message.text ?? '';
  const publishedAt = parseDate(message.date, options.defaultUtcOffset);
  if (publishedAt === undefined) {
    const ref = `${refName(input)}#message ${externalId}`;
    return {
      kind: 'reject',
      ref,
      code: 'bad_date',
      reason: `date "${message.date}" is not a date`,
      sample: sample(text),
    };
  }
  const post: Post = {
    id: postId('telegram', channel, externalId),
    platform: 'telegram',
    channel,
    externalId,
    text: stripControlChars(text),
    publishedAt,
    raw: omitKeys(message, ['text']),
  };
  if (message.channel !== undefined) post.channelTitle = message.channel;
  return { kind: 'post', post };
}
