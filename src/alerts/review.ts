import { randomUUID } from 'node:crypto';
import { analyzeQuery } from '../text';
import type { AlertListQuery, AlertsRepository } from '../store/alerts.repository';
import type { KnownFakesRepository } from '../store/known-fakes.repository';
import {
  STATUS_NAMES,
  canTransition,
  ALLOWED_TRANSITIONS,
  type AlertDocument,
  type AlertStatus,
  type VersionedAlert,
} from './alert';
import { ReviewError } from './errors';
import { knownFakeIdFor, type KnownFake } from './registry';

/**
 * Review use cases: what analysts and duty officers do to alerts. Plain functions of their
 * dependencies, called by the API routes (and by tests). Each change is appended to the audit trail
 * and written under optimistic concurrency: pass the `version` the client saw (see `versionToken`) to
 * refuse the change when someone else changed the alert meanwhile; without it, the change is re-applied
 * on the latest version (safe for comments and assignments, which commute).
 */
export interface ReviewDeps {
  alerts: Pick<AlertsRepository, 'get' | 'replace' | 'list'>;
  /** Confirmed fakes feed the known-fakes registry; absent in deployments without it. */
  knownFakes?: Pick<KnownFakesRepository, 'upsert'>;
  now?: () => Date;
}

/** Who acts: a user id (API key name) shown in the audit trail. */
export type Actor = string;

export interface ExpectedVersion {
  seqNo: number;
  primaryTerm: number;
}

const MAX_TEXT = 4000;
const MAX_ATTEMPTS = 5;

export async function getAlert(deps: Pick<ReviewDeps, 'alerts'>, id: string): Promise<VersionedAlert> {
  const found = await deps.alerts.get(id);
  if (found === undefined) throw new ReviewError('not_found', `alert ${id} does not exist`);
  return found;
}

export function listAlerts(
  deps: Pick<ReviewDeps, 'alerts'>,
  query: AlertListQuery,
): Promise<{ total: number; items: AlertDocument[] }> {
  return deps.alerts.list(query);
}

/**
 * Reads, changes and writes an alert; `change` returns the new document (it must not mutate its input)
 * or throws a {@link ReviewError}.
 */
async function mutate(
  deps: ReviewDeps,
  id: string,
  expected: ExpectedVersion | undefined,
  change: (doc: AlertDocument, at: string) => AlertDocument,
): Promise<VersionedAlert> {
  const now = deps.now ?? (() => new Date());
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await getAlert(deps, id);
    if (
      expected !== undefined &&
      (current.seqNo !== expected.seqNo || current.primaryTerm !== expected.primaryTerm)
    ) {
      throw new ReviewError('version_conflict', `alert ${id} was changed by someone else; reload it`, {
        expected: `${expected.primaryTerm}.${expected.seqNo}`,
        actual: `${current.primaryTerm}.${current.seqNo}`,
      });
    }
    const next = change(current.doc, now().toISOString());
    if ((await deps.alerts.replace(next, current)) === 'written') {
      const written = await deps.alerts.get(id);
      if (written !== undefined) return written;
    }
    if (expected !== undefined) {
      throw new ReviewError('version_conflict', `alert ${id} was changed by someone else; reload it`);
    }
  }
  throw new ReviewError('version_conflict', `alert ${id} keeps changing; try again`);
}

export interface TransitionInput {
  id: string;
  to: AlertStatus;
  by: Actor;
  note?: string;
  version?: ExpectedVersion;
}

/**
 * Moves an alert along its lifecycle (see `ALLOWED_TRANSITIONS`). Confirming a fake alert adds its claim
 * to the known-fakes registry, so its next copies match at once.
 */
export async function transitionAlert(deps: ReviewDeps, input: TransitionInput): Promise<VersionedAlert> {
  const note = input.note?.trim().slice(0, MAX_TEXT);
  const result = await mutate(deps, input.id, input.version, (doc, at) => {
    if (doc.status === input.to) {
      throw new ReviewError('invalid_transition', `alert is already «${STATUS_NAMES[input.to]}»`, {
        status: doc.status,
      });
    }
    if (!canTransition(doc.type, doc.status, input.to)) {
      throw new ReviewError(
        'invalid_transition',
        `a ${doc.type} alert cannot go from ${doc.status} to ${input.to}`,
        { from: doc.status, to: input.to, allowed: ALLOWED_TRANSITIONS[doc.type][doc.status] },
      );
    }
    return {
      ...doc,
      status: input.to,
      updatedAt: at,
      revision: doc.revision + 1,
      audit: [
        ...doc.audit,
        {
          at,
          by: input.by,
          action: 'status',
          from: doc.status,
          to: input.to,
          ...(note === undefined || note === '' ? {} : { note }),
        },
      ],
    };
  });
  if (result.doc.type === 'fake' && input.to === 'confirmed' && deps.knownFakes !== undefined) {
    await registerConfirmedFake(deps, result.doc, input.by);
  }
  return result;
}

/** The known-fake entry an analyst-confirmed fake alert becomes (keyed by the alert: confirming twice is one entry). */
export function knownFakeFromAlert(doc: AlertDocument, by: Actor, at: string): KnownFake | undefined {
  const text = doc.evidence.text ?? doc.evidence.firstPost?.excerpt;
  if (text === undefined || text.trim() === '') return undefined;
  return {
    id: knownFakeIdFor({ alertId: doc.id }),
    kind: 'fake',
    title: doc.title,
    text,
    lemmas: analyzeQuery(text),
    ...(doc.evidence.vector === undefined ? {} : { vector: doc.evidence.vector }),
    ...(doc.evidence.modelVersion === undefined ? {} : { modelVersion: doc.evidence.modelVersion }),
    ...(doc.placeId === undefined ? {} : { placeIds: [doc.placeId] }),
    ...(doc.evidence.firstPost === undefined ? {} : { sourceChannel: doc.evidence.firstPost.channel }),
    origin: 'alert',
    alertId: doc.id,
    status: 'active',
    confirmedAt: at,
    createdAt: at,
    updatedAt: at,
    createdBy: by,
  };
}

async function registerConfirmedFake(deps: ReviewDeps, doc: AlertDocument, by: Actor): Promise<void> {
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const entry = knownFakeFromAlert(doc, by, at);
  if (entry === undefined || deps.knownFakes === undefined) return;
  await deps.knownFakes.upsert(entry);
  await mutate(deps, doc.id, undefined, (current, when) => ({
    ...current,
    updatedAt: when,
    revision: current.revision + 1,
    audit: [...current.audit, { at: when, by, action: 'registered_fake', to: entry.id }],
  }));
}

export interface AssignInput {
  id: string;
  /** User id, or null to unassign. */
  assignee: string | null;
  by: Actor;
  version?: ExpectedVersion;
}

export function assignAlert(deps: ReviewDeps, input: AssignInput): Promise<VersionedAlert> {
  const assignee = input.assignee?.trim();
  if (assignee === '')
    throw new ReviewError('invalid_input', 'assignee must not be empty (use null to unassign)');
  return mutate(deps, input.id, input.version, (doc, at) => {
    const { assignee: previous, ...rest } = doc;
    const base = { ...rest, updatedAt: at, revision: doc.revision + 1 };
    if (assignee === undefined) {
      return {
        ...base,
        audit: [
          ...doc.audit,
          { at, by: input.by, action: 'unassigned', ...(previous === undefined ? {} : { from: previous }) },
        ],
      };
    }
    return {
      ...base,
      assignee,
      audit: [
        ...doc.audit,
        {
          at,
          by: input.by,
          action: 'assigned',
          to: assignee,
          ...(previous === undefined ? {} : { from: previous }),
        },
      ],
    };
  });
}

export interface CommentInput {
  id: string;
  text: string;
  by: Actor;
  version?: ExpectedVersion;
}

export function commentAlert(deps: ReviewDeps, input: CommentInput): Promise<VersionedAlert> {
  const text = input.text.trim();
  if (text === '') throw new ReviewError('invalid_input', 'comment must not be empty');
  if (text.length > MAX_TEXT)
    throw new ReviewError('invalid_input', `comment is longer than ${MAX_TEXT} characters`);
  const commentId = randomUUID();
  return mutate(deps, input.id, input.version, (doc, at) => ({
    ...doc,
    updatedAt: at,
    revision: doc.revision + 1,
    comments: [...doc.comments, { id: commentId, at, by: input.by, text }],
    audit: [...doc.audit, { at, by: input.by, action: 'commented', to: commentId }],
  }));
}
