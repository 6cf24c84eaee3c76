import { z } from 'zod';
import { LEVELS } from '../../../cluster/assign';
import { MEMBER_STATES } from '../../../cluster/story';
import { PLATFORMS } from '../../../domain/post';
import { cursorParam, idParam, isoInstant, limitParam, pageOf } from '../../schemas/common';
import { postViewSchema } from '../posts/schema';

export const storyListQuerySchema = z
  .object({
    q: z.string().max(500).optional().meta({ description: 'Words in the title or representative text' }),
    status: z.enum(['active', 'merged']).default('active'),
    since: isoInstant.optional().meta({ description: 'Active at or after (ISO 8601)' }),
    sort: z.enum(['lastActivityAt', 'size', 'firstSeenAt']).default('lastActivityAt'),
    limit: limitParam(20, 100),
    cursor: cursorParam,
  })
  .strict();

const sourceSchema = z.object({ platform: z.enum(PLATFORMS), channel: z.string(), count: z.number().int() });
const bucketSchema = z.object({ start: z.string(), count: z.number().int() });
const patientZeroSchema = z.object({
  postId: z.string(),
  publishedAt: z.string(),
  platform: z.enum(PLATFORMS),
  channel: z.string(),
});

export const storySummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.enum(['active', 'merged']),
    mergedInto: z.string().optional(),
    size: z.number().int(),
    suggestedCount: z.number().int(),
    firstSeenAt: z.string(),
    lastActivityAt: z.string(),
    patientZero: patientZeroSchema,
    sources: z.array(sourceSchema),
  })
  .meta({ id: 'StorySummary' });

export const storyMemberSchema = z
  .object({
    postId: z.string(),
    level: z.enum(LEVELS),
    score: z.number(),
    state: z.enum(MEMBER_STATES),
    joinedAt: z.string(),
    publishedAt: z.string(),
    platform: z.enum(PLATFORMS),
    channel: z.string(),
    post: postViewSchema.optional().meta({ description: 'The post itself, when still indexed' }),
  })
  .meta({ id: 'StoryMember' });

export const storyDetailSchema = storySummarySchema
  .extend({
    representativeText: z.string(),
    requestedId: z
      .string()
      .optional()
      .meta({ description: 'Set when the id asked for was merged into this one' }),
    patientZeroPost: postViewSchema.optional(),
    members: z.array(storyMemberSchema).meta({ description: 'Listed members, earliest first' }),
    suggested: z.array(storyMemberSchema).meta({ description: 'Suggested members awaiting a decision' }),
    platforms: z.record(z.string(), z.number().int()),
    timeline: z.object({ per5m: z.array(bucketSchema), per1h: z.array(bucketSchema) }),
    history: z.array(
      z.object({
        at: z.string(),
        type: z.string(),
        storyId: z.string().optional(),
        postId: z.string().optional(),
        by: z.string(),
        note: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'Story' });

export const storyPageSchema = pageOf(storySummarySchema).meta({ id: 'StoryPage' });
export const storyParams = z.object({ id: idParam });
export const memberParams = z.object({ id: idParam, postId: idParam });
export const decisionBodySchema = z
  .object({
    note: z.string().max(2000).trim().optional().meta({ description: 'Why, kept in the story history' }),
  })
  .strict()
  .meta({ id: 'SuggestionDecision' });
