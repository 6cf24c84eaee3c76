import { z } from 'zod';
import { postId, type Post, type PostMetrics } from '../../domain/post';
import { stripControlChars } from '../validate';
import { unixSecondsToIso } from './dates';
import { guardFormat } from './guard';
import { streamJson } from './json-stream';
import { inputName, refName } from './read';
import { fileFormatHint, formatHint } from './sniff';
import { describeIssues, omitKeys, sample } from './text';
import { SourceFormatError, type SourceInput, type SourceOptions, type SourceRecord } from './types';

const counter = z.looseObject({ count: z.number().int().nonnegative() }).optional();

const wallPostFields = {
  id: z.number().int().nonnegative(),
  owner_id: z.number().int(),
  from_id: z.number().int().optional(),
  signer_id: z.number().int().optional(),
  date: z.number().int(),
  text: z.string().default(''),
  views: counter,
  likes: counter,
  reposts: counter,
  comments: counter,
};
const repostSchema = z.looseObject(wallPostFields);
const wallPostSchema = z.looseObject({ ...wallPostFields, copy_history: z.array(repostSchema).optional() });
type WallPost = z.infer<typeof wallPostSchema>;

const vkErrorSchema = z.looseObject({ error_code: z.number(), error_msg: z.string() });

const EXPECTED = 'a VK wall.get response ({response: {count, items: [...]}} or the items array)';

/**
 * Parses a VK API `wall.get` response, wrapped (`{response: {count, items}}`) or the bare items array.
 * A repost often has no text of its own: the reposted text is taken (after the reposter's comment, if
 * any) and `forwardedFrom` is set to the reposted post's owner, so spreading narratives stay visible.
 */
export async function* parseVkWall(
  input: SourceInput,
  _options: SourceOptions,
): AsyncGenerator<SourceRecord> {
  yield* guardFormat(input, 'vk', records(input));
}

async function* records(input: SourceInput): AsyncGenerator<SourceRecord> {
  const name = inputName(input);
  let recognised = false;
  let index = 0;
  const paths = {
    object: ['$.error', '$.response.count', '$.response.items.*', '$.count', '$.items.*'],
    array: ['$.*'],
  };
  for await (const hit of streamJson(input, paths, (head) => formatHint(head, EXPECTED))) {
    if (hit.path === '$.error') {
      const error = vkErrorSchema.safeParse(hit.value);
      const detail = error.success
        ? `error ${error.data.error_code}: ${error.data.error_msg}`
        : sample(hit.value);
      throw new SourceFormatError(
        `${name}: the file holds a VK API error, not posts (${detail}). Fetch the wall again and import the response.`,
      );
    }
    if (hit.path.endsWith('count')) recognised = true;
    else {
      recognised = true;
      yield toRecord(hit.value, index++, input);
    }
  }
  if (!recognised)
    throw new SourceFormatError(`${name}: no "items" found. ${await fileFormatHint(input, EXPECTED)}`);
}

function toRecord(value: unknown, index: number, input: SourceInput): SourceRecord {
  const parsed = wallPostSchema.safeParse(value);
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
  const item = parsed.data;
  const channel = String(item.owner_id);
  const externalId = String(item.id);
  const publishedAt = item.date > 0 ? unixSecondsToIso(item.date) : undefined;
  if (publishedAt === undefined) {
    const ref = `${refName(input)}#wall${channel}_${externalId}`;
    return {
      kind: 'reject',
      ref,
      code: 'bad_date',
      reason: `date ${item.date} is not a Unix time`,
      sample: item.text,
    };
  }
  const reposted = item.copy_history?.[0];
  const post: Post = {
    id: postId('vk', channel, externalId),
    platform: 'vk',
    channel,
    externalId,
    url: `https://vk.com/wall${channel}_${externalId}`,
    text: stripControlChars(repostText(item)),
    publishedAt,
    raw: {
      ...omitKeys(item, ['text', 'copy_history']),
      ...(item.copy_history && {
        copy_history: item.copy_history.map(({ owner_id, id }) => ({ owner_id, id })),
      }),
    },
  };
  const author = item.signer_id ?? (item.from_id !== item.owner_id ? item.from_id : undefined);
  if (author !== undefined) post.author = String(author);
  if (reposted !== undefined) post.forwardedFrom = String(reposted.owner_id);
  const metrics = metricsOf(item);
  if (Object.keys(metrics).length > 0) post.metrics = metrics;
  return { kind: 'post', post };
}

/** The reposter's own comment, then the first non-empty text along the repost chain. */
function repostText(item: WallPost): string {
  const own = item.text.trim();
  const original = item.copy_history?.find((repost) => repost.text.trim() !== '')?.text.trim() ?? '';
  return [own, original].filter((part) => part !== '').join('\n\n');
}

function metricsOf(item: WallPost): PostMetrics {
  const metrics: PostMetrics = {};
  if (item.views) metrics.views = item.views.count;
  if (item.likes) metrics.likes = item.likes.count;
  if (item.reposts) metrics.reposts = item.reposts.count;
  if (item.comments) metrics.comments = item.comments.count;
  return metrics;
}
