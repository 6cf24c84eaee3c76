import { z } from 'zod';
import { PLATFORMS } from '../../../domain/post';
import { csvOf, cursorParam, idParam, isoInstant, limitParam, pageOf } from '../../schemas/common';

/** Most posts one push request may carry; bigger batches should be split by the sender. */
export const MAX_POSTS_PER_REQUEST = 1000;
/** Largest accepted body; beyond it the request is refused with 413 before parsing. */
export const MAX_PUSH_BODY = '5mb';

/**
 * The envelope of `POST /api/v1/posts`. Items are validated one by one (not here) so that one bad item
 * is rejected with its reason while the others are accepted.
 */
export const pushRequestSchema = z
  .object({
    source: z.string().max(200).trim().min(1).optional(),
    posts: z
      .array(z.unknown())
      .min(1)
      .max(MAX_POSTS_PER_REQUEST)
      .meta({ description: 'Posts in Dozor’s input schema; each is validated on its own' }),
  })
  .strict()
  .meta({ id: 'PushRequest' });

export const pushResultSchema = z
  .object({
    runId: z.string(),
    queued: z.number().int(),
    rejected: z.array(z.object({ index: z.number().int(), code: z.string(), reason: z.string() })),
  })
  .meta({ id: 'PushResult' });

const term = z.string().min(1).max(200);

export const postSearchQuerySchema = z
  .object({
    q: z
      .string()
      .max(500)
      .optional()
      .meta({ description: 'Full text in Russian: every word must occur in some form (lemmas)' }),
    platform: csvOf(z.enum(PLATFORMS)).optional(),
    channel: csvOf(term).optional().meta({ description: 'Source channels (comma-separated)' }),
    place: csvOf(term).optional(),
    topic: csvOf(term).optional(),
    department: csvOf(term).optional(),
    storyId: idParam.optional(),
    from: isoInstant.optional().meta({ description: 'Published at or after (ISO 8601)' }),
    to: isoInstant.optional().meta({ description: 'Published before (ISO 8601)' }),
    sort: z.enum(['relevance', 'newest', 'oldest']).default('relevance'),
    limit: limitParam(20, 100),
    cursor: cursorParam,
  })
  .strict();

const metricsSchema = z.object({
  views: z.number().optional(),
  likes: z.number().optional(),
  reposts: z.number().optional(),
  comments: z.number().optional(),
});

/** A post as the API shows it (no vectors, no source record). Text is untrusted input: escape it. */
export const postViewSchema = z
  .object({
    id: z.string(),
    platform: z.enum(PLATFORMS),
    channel: z.string(),
    channelTitle: z.string().optional(),
    author: z.string().optional(),
    url: z.string().optional(),
    text: z.string(),
    textClean: z.string(),
    lang: z.string().optional(),
    publishedAt: z.string(),
    ingestedAt: z.string().optional(),
    forwardedFrom: z.string().optional(),
    hashtags: z.array(z.string()).default([]),
    topics: z.array(z.string()).default([]),
    places: z.array(z.string()).default([]),
    storyId: z.string().optional(),
    department: z.string().optional(),
    metrics: metricsSchema.optional(),
  })
  .meta({ id: 'Post' });

export const postPageSchema = pageOf(postViewSchema).meta({ id: 'PostPage' });
export const postIdParams = z.object({ id: idParam });
