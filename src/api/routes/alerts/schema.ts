import { z } from 'zod';
import { ALERT_STATUSES, ALERT_TYPES, AUDIT_ACTIONS, SEVERITIES } from '../../../alerts/alert';
import { csvOf, cursorParam, idParam, isoInstant, limitParam, pageOf } from '../../schemas/common';

const subjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('story'), storyId: z.string() }),
  z.object({ kind: z.literal('place-category'), placeId: z.string(), category: z.string() }),
  z.object({ kind: z.literal('topic'), topic: z.string() }),
  z.object({ kind: z.literal('term'), term: z.string() }),
]);

export const signalSchema = z
  .object({
    code: z.string(),
    text: z.string().meta({ description: 'A Russian sentence for people' }),
    values: z.record(z.string(), z.union([z.number(), z.string()])),
    weight: z.number().optional(),
  })
  .meta({ id: 'AlertSignal' });

const evidencePostSchema = z.object({
  postId: z.string(),
  publishedAt: z.string(),
  platform: z.string(),
  channel: z.string(),
  sourceKind: z.string(),
  excerpt: z.string().meta({ description: 'Untrusted post text: render as text only' }),
});

export const auditEntrySchema = z
  .object({
    at: z.string(),
    by: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    from: z.string().optional(),
    to: z.string().optional(),
    note: z.string().optional(),
  })
  .meta({ id: 'AlertAuditEntry' });

/** What lists show of an alert. */
export const alertSummarySchema = z
  .object({
    id: z.string(),
    type: z.enum(ALERT_TYPES),
    title: z.string(),
    summary: z.string(),
    severity: z.enum(SEVERITIES),
    score: z.number(),
    status: z.enum(ALERT_STATUSES),
    assignee: z.string().optional(),
    storyId: z.string().optional(),
    topic: z.string().optional(),
    place: z.string().optional(),
    placeId: z.string().optional(),
    region: z.string().optional(),
    category: z.string().optional(),
    magnitude: z
      .object({ people: z.number().optional(), houses: z.number().optional(), days: z.number().optional() })
      .optional(),
    postCount: z.number().int(),
    sourceCount: z.number().int(),
    firstPostAt: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    timeToAlertMs: z.number(),
  })
  .meta({ id: 'AlertSummary' });

/** An alert in full. `version` goes back with a change, which is then refused if someone else acted. */
export const alertDetailSchema = alertSummarySchema
  .extend({
    version: z.string().meta({ description: 'Pass back as `version` to change only this version' }),
    subject: subjectSchema,
    signals: z.array(signalSchema),
    comments: z.array(z.object({ id: z.string(), at: z.string(), by: z.string(), text: z.string() })),
    audit: z.array(auditEntrySchema),
    escalations: z.array(
      z.object({
        at: z.string(),
        from: z.enum(SEVERITIES),
        to: z.enum(SEVERITIES),
        score: z.number(),
        reason: z.string(),
      }),
    ),
    evidence: z.object({
      firstPost: evidencePostSchema.optional(),
      posts: z.array(evidencePostSchema),
      sources: z.array(
        z.object({ platform: z.string(), channel: z.string(), kind: z.string(), count: z.number() }),
      ),
      topTerms: z.array(z.object({ term: z.string(), count: z.number() })).optional(),
      text: z.string().optional(),
    }),
    routing: z
      .object({
        department: z.string(),
        by: z.enum(['head', 'table']),
        region: z.string().optional(),
        deadlineAt: z.string(),
      })
      .optional(),
    lastDetectedAt: z.string(),
    revision: z.number().int(),
    detector: z.object({ name: z.string(), version: z.string(), modelVersion: z.string().optional() }),
  })
  .meta({ id: 'Alert' });

export const alertListQuerySchema = z
  .object({
    type: z.enum(ALERT_TYPES).optional(),
    status: csvOf(z.enum(ALERT_STATUSES)).optional(),
    severity: csvOf(z.enum(SEVERITIES)).optional(),
    assignee: z.string().max(200).optional(),
    place: z.string().max(200).optional(),
    category: z.string().max(100).optional(),
    topic: z.string().max(200).optional(),
    storyId: idParam.optional(),
    since: isoInstant.optional().meta({ description: 'Updated at or after' }),
    until: isoInstant.optional().meta({ description: 'Updated before' }),
    q: z.string().max(500).optional().meta({ description: 'Words in the title' }),
    sort: z.enum(['updatedAt', 'createdAt', 'score']).default('updatedAt'),
    limit: limitParam(20, 100),
    cursor: cursorParam,
  })
  .strict();

export const alertPageSchema = pageOf(alertSummarySchema).meta({ id: 'AlertPage' });
export const alertParams = z.object({ id: idParam });

const versionField = z
  .string()
  .regex(/^\d+\.\d+$/)
  .optional()
  .meta({ description: 'The `version` you saw: the change is refused with 409 if the alert changed since' });

export const transitionBodySchema = z
  .object({
    to: z.enum(ALERT_STATUSES),
    note: z.string().max(4000).trim().optional().meta({ description: 'Comment kept in the audit trail' }),
    version: versionField,
  })
  .strict()
  .meta({ id: 'AlertTransition' });

export const assignBodySchema = z
  .object({ assignee: z.string().max(200).trim().min(1).nullable(), version: versionField })
  .strict()
  .meta({ id: 'AlertAssignment' });

export const commentBodySchema = z
  .object({ text: z.string().max(4000).trim().min(1), version: versionField })
  .strict()
  .meta({ id: 'AlertComment' });
