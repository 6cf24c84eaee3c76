import { z } from 'zod';
import {
  parseVersionToken,
  versionToken,
  type AlertDocument,
  type VersionedAlert,
} from '../../../alerts/alert';
import {
  assignAlert,
  commentAlert,
  getAlert,
  listAlerts,
  transitionAlert,
  type ReviewDeps,
} from '../../../alerts/review';
import type { KeyInfo } from '../../../store/keys.repository';
import { HttpError } from '../../errors';
import { defineRoute, type RouteDefinition } from '../../openapi/route';
import { nextOffsetCursor, offsetOf } from '../../schemas/common';
import { viaUseCase } from '../review-errors';
import {
  alertDetailSchema,
  alertListQuerySchema,
  alertPageSchema,
  alertParams,
  assignBodySchema,
  auditEntrySchema,
  commentBodySchema,
  transitionBodySchema,
} from './schema';

const READERS = ['analyst', 'duty_officer', 'leadership', 'admin'] as const;
const REVIEWERS = ['analyst', 'duty_officer', 'admin'] as const;

/** What lists show: the document minus evidence, signals and history. */
export function alertSummary(doc: AlertDocument) {
  return {
    id: doc.id,
    type: doc.type,
    title: doc.title,
    summary: doc.summary,
    severity: doc.severity,
    score: doc.score,
    status: doc.status,
    ...optional(doc, ['assignee', 'storyId', 'topic', 'place', 'placeId', 'region', 'category', 'magnitude']),
    postCount: doc.postCount,
    sourceCount: doc.sourceCount,
    firstPostAt: doc.firstPostAt,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    timeToAlertMs: doc.timeToAlertMs,
  };
}

function optional<K extends keyof AlertDocument>(
  doc: AlertDocument,
  keys: readonly K[],
): Partial<Pick<AlertDocument, K>> {
  const out: Partial<Pick<AlertDocument, K>> = {};
  for (const key of keys) if (doc[key] !== undefined) out[key] = doc[key];
  return out;
}

function alertDetail(alert: VersionedAlert) {
  const { doc } = alert;
  const { vector: _vector, modelVersion: _model, ...evidence } = doc.evidence;
  return {
    ...alertSummary(doc),
    version: versionToken(alert),
    subject: doc.subject,
    signals: doc.signals,
    comments: doc.comments,
    audit: doc.audit,
    escalations: doc.escalations,
    evidence,
    ...(doc.routing === undefined ? {} : { routing: doc.routing }),
    lastDetectedAt: doc.lastDetectedAt,
    revision: doc.revision,
    detector: doc.detector,
  };
}

const actor = (key: KeyInfo): string => `${key.name} (${key.id})`;

/** Duty officers work emergencies; analysts and admins any alert. */
function assertMayReview(key: KeyInfo, doc: AlertDocument): void {
  if (key.role === 'duty_officer' && doc.type !== 'emergency') {
    throw new HttpError(403, 'forbidden', 'Duty officers may act on emergency alerts only');
  }
}

function expected(version: string | undefined) {
  return version === undefined
    ? {}
    : { version: parseVersionToken(version) ?? { seqNo: -1, primaryTerm: -1 } };
}

/** Alerts: lists with filters, detail with signals and evidence, review actions, comments, audit trail. */
export function alertsRoutes(deps: ReviewDeps): RouteDefinition[] {
  const loadForReview = async (id: string, key: KeyInfo): Promise<void> => {
    assertMayReview(key, (await viaUseCase(getAlert(deps, id))).doc);
  };
  return [
    defineRoute({
      method: 'get',
      path: '/alerts',
      operationId: 'listAlerts',
      tag: 'alerts',
      summary: 'List alerts',
      description: 'Filters combine with AND; `status` and `severity` take comma-separated values.',
      roles: READERS,
      query: alertListQuerySchema,
      response: alertPageSchema,
      async handler({ query }) {
        const { cursor, limit, q, ...filters } = query;
        const key = `alerts:${JSON.stringify({ ...filters, q })}`;
        const offset = offsetOf(cursor, key);
        const page = await listAlerts(deps, {
          ...definedOnly(filters),
          ...(q === undefined ? {} : { text: q }),
          size: limit,
          from: offset,
        });
        return {
          items: page.items.map(alertSummary),
          total: page.total,
          nextCursor: nextOffsetCursor(key, offset, page.items.length, page.total),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/alerts/{id}',
      operationId: 'getAlert',
      tag: 'alerts',
      summary: 'An alert with its signals, evidence, comments and audit trail',
      roles: READERS,
      params: alertParams,
      response: alertDetailSchema,
      errors: [404],
      async handler({ params }) {
        return alertDetail(await viaUseCase(getAlert(deps, params.id)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/{id}/status',
      operationId: 'transitionAlert',
      tag: 'alerts',
      summary: 'Change the status (confirm, dismiss, acknowledge, resolve, reopen)',
      description:
        'Lifecycle: new → in_review → confirmed | dismissed; emergencies also → acknowledged → resolved. ' +
        'Confirming a fake adds its claim to the known-fakes registry. Duty officers act on emergencies only.',
      roles: REVIEWERS,
      params: alertParams,
      body: transitionBodySchema,
      response: alertDetailSchema,
      errors: [404, 409, 422],
      async handler({ params, body, key }) {
        await loadForReview(params.id, key);
        return alertDetail(
          await viaUseCase(
            transitionAlert(deps, {
              id: params.id,
              to: body.to,
              by: actor(key),
              ...(body.note === undefined ? {} : { note: body.note }),
              ...expected(body.version),
            }),
          ),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/{id}/assignee',
      operationId: 'assignAlert',
      tag: 'alerts',
      summary: 'Assign the alert to someone (or `null` to unassign)',
      roles: REVIEWERS,
      params: alertParams,
      body: assignBodySchema,
      response: alertDetailSchema,
      errors: [404, 409],
      async handler({ params, body, key }) {
        await loadForReview(params.id, key);
        return alertDetail(
          await viaUseCase(
            assignAlert(deps, {
              id: params.id,
              assignee: body.assignee,
              by: actor(key),
              ...expected(body.version),
            }),
          ),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/{id}/comments',
      operationId: 'commentAlert',
      tag: 'alerts',
      summary: 'Add a comment',
      roles: REVIEWERS,
      params: alertParams,
      body: commentBodySchema,
      status: 201,
      response: alertDetailSchema,
      errors: [404, 409],
      async handler({ params, body, key }) {
        await loadForReview(params.id, key);
        return alertDetail(
          await viaUseCase(
            commentAlert(deps, { id: params.id, text: body.text, by: actor(key), ...expected(body.version) }),
          ),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/alerts/{id}/audit',
      operationId: 'getAlertAudit',
      tag: 'alerts',
      summary: 'Who did what to the alert, and when',
      roles: READERS,
      params: alertParams,
      response: z.object({ items: z.array(auditEntrySchema) }).meta({ id: 'AlertAudit' }),
      errors: [404],
      async handler({ params }) {
        return { items: (await viaUseCase(getAlert(deps, params.id))).doc.audit };
      },
    }),
  ];
}

/** Drops undefined values (exactOptionalPropertyTypes: the repository's optional fields take no undefined). */
function definedOnly<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: { [K in keyof T]?: Exclude<T[K], undefined> } = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) Object.assign(out, { [key]: item });
  }
  return out;
}
