import { z } from 'zod';
import { PLATFORMS, postId, type Post } from './post';

/**
 * Dozor's own post schema, used by JSON Lines imports and the HTTP push route (`POST /api/v1/posts`).
 * The id is never taken from the caller: it is derived from (platform, channel, externalId).
 */
export const postInputSchema = z
  .object({
    platform: z.enum(PLATFORMS),
    channel: z.string().trim().min(1).max(512),
    channelTitle: z.string().max(1024).optional(),
    author: z.string().max(512).optional(),
    externalId: z
      .union([z.string().trim().min(1).max(256), z.number().int().nonnegative()])
      .transform(String),
    url: z.url().max(4096).optional(),
    text: z.string(),
    publishedAt: z.union([z.iso.datetime({ offset: true }), z.number().int().positive()]),
    forwardedFrom: z.string().max(512).optional(),
    metrics: z
      .object({
        views: z.number().int().nonnegative().optional(),
        likes: z.number().int().nonnegative().optional(),
        reposts: z.number().int().nonnegative().optional(),
        comments: z.number().int().nonnegative().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type PostInput = z.input<typeof postInputSchema>;

/** Turns a validated input record into a canonical post. Unix seconds are accepted for `publishedAt`. */
export function postFromInput(input: z.output<typeof postInputSchema>, raw?: unknown): Post {
  const publishedAt =
    typeof input.publishedAt === 'number'
      ? new Date(input.publishedAt * 1000).toISOString()
      : new Date(input.publishedAt).toISOString();
  const post: Post = {
    id: postId(input.platform, input.channel, input.externalId),
    platform: input.platform,
    channel: input.channel,
    externalId: input.externalId,
    text: input.text,
    publishedAt,
  };
  if (input.channelTitle !== undefined) post.channelTitle = input.channelTitle;
  if (input.author !== undefined) post.author = input.author;
  if (input.url !== undefined) post.url = input.url;
  if (input.forwardedFrom !== undefined) post.forwardedFrom = input.forwardedFrom;
  if (input.metrics !== undefined) post.metrics = stripUndefined(input.metrics);
  if (raw !== undefined) post.raw = raw;
  return post;
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
