import { createHash } from 'node:crypto';

/**
 * The alert model: one alert per subject (a story, a place + category, a topic or a term), updated as
 * the subject grows. Everything an analyst or duty officer needs to act is on the alert: what it is
 * about, why (signals, each a Russian sentence with its numbers), how bad (severity), who works on it
 * (status, assignee, comments) and who did what when (audit).
 */

export const ALERT_TYPES = ['fake', 'emergency', 'trend'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/**
 * Lifecycle: `new → in_review → confirmed | dismissed` for every type; emergencies also go
 * `→ acknowledged → resolved` (a duty officer takes it, then closes it). See {@link ALLOWED_TRANSITIONS}.
 */
export const ALERT_STATUSES = [
  'new',
  'in_review',
  'confirmed',
  'dismissed',
  'acknowledged',
  'resolved',
] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used to tell an escalation from an update. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Russian names of severities and statuses, for signals and UI. */
export const SEVERITY_NAMES: Readonly<Record<Severity, string>> = {
  low: 'низкая',
  medium: 'средняя',
  high: 'высокая',
  critical: 'критическая',
};

export const STATUS_NAMES: Readonly<Record<AlertStatus, string>> = {
  new: 'новый',
  in_review: 'на проверке',
  confirmed: 'подтверждён',
  dismissed: 'отклонён',
  acknowledged: 'принят в работу',
  resolved: 'решён',
};

/** One reason behind an alert: a stable code, a Russian sentence for people, and the figures in it. */
export interface AlertSignal {
  /** Stable machine code, e.g. `coordination`, `known_fake`, `burst`. */
  code: string;
  /** A complete Russian sentence, e.g. «Один и тот же текст за 20 минут опубликовали 14 новых аккаунтов». */
  text: string;
  /** The numbers (and names) the sentence states, for charts and for checking. */
  values: Record<string, number | string>;
  /** How much this signal moved the score (log-odds for fakes, 0..1 share otherwise). */
  weight?: number;
}

/** What an alert is about; `subjectKey` of the alert is {@link subjectKeyOf} of this. */
export type AlertSubject =
  | { kind: 'story'; storyId: string }
  | { kind: 'place-category'; placeId: string; category: string }
  | { kind: 'topic'; topic: string }
  | { kind: 'term'; term: string };

/** A stable key for a subject; with the alert type it determines the alert id. */
export function subjectKeyOf(subject: AlertSubject): string {
  switch (subject.kind) {
    case 'story':
      return `story:${subject.storyId}`;
    case 'place-category':
      return `place:${subject.placeId}:${subject.category}`;
    case 'topic':
      return `topic:${subject.topic}`;
    case 'term':
      return `term:${subject.term}`;
  }
}

/**
 * The alert id of a subject: the same in every process, so concurrent workers detecting the same
 * subject write the same document (created once, then updated under optimistic concurrency).
 */
export function alertIdFor(type: AlertType, subjectKey: string): string {
  return `a${createHash('sha256').update(`${type}\u0000${subjectKey}`).digest('hex').slice(0, 23)}`;
}

export const AUDIT_ACTIONS = [
  'created',
  'updated',
  'escalated',
  'status',
  'assigned',
  'unassigned',
  'commented',
  'reopened',
  'registered_fake',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One entry of the audit trail: who (user id or `detector:<name>`) did what, when. */
export interface AuditEntry {
  at: string;
  by: string;
  action: AuditAction;
  from?: string;
  to?: string;
  note?: string;
}

export interface AlertComment {
  id: string;
  at: string;
  by: string;
  text: string;
}

/** Figures an emergency states; absent ones were not found in the posts. */
export interface Magnitude {
  people?: number;
  houses?: number;
  days?: number;
}

/** A post shown as evidence. */
export interface EvidencePost {
  postId: string;
  publishedAt: string;
  platform: string;
  channel: string;
  /** Credibility kind of the source at detection time. */
  sourceKind: string;
  /** First characters of the cleaned text (hostile input: UIs must escape it). */
  excerpt: string;
}

export interface AlertEvidence {
  /** Earliest post about the subject (patient zero for stories). */
  firstPost?: EvidencePost;
  /** A few representative posts, earliest first. */
  posts: EvidencePost[];
  /** Sources and their post counts, most active first. */
  sources: { platform: string; channel: string; kind: string; count: number }[];
  /** For trends: the terms that rose most. */
  topTerms?: { term: string; count: number }[];
  /** For fakes: the claim's text and sentence vector, copied to the known-fakes registry on confirmation. */
  text?: string;
  vector?: number[];
  modelVersion?: string;
}

/** Escalations recorded on the alert (also in the audit trail): the alert got worse. */
export interface Escalation {
  at: string;
  from: Severity;
  to: Severity;
  score: number;
  reason: string;
}

/** Another story found to be the same claim (a rewording, residents retelling it), folded into this alert. */
export interface RelatedStory {
  storyId: string;
  posts: number;
  sources: number;
  score: number;
  similarity: number;
  linkedAt: string;
}

/** Department and deadline an alert is routed to (see src/detect/routing.ts). */
export interface AlertRouting {
  department: string;
  /** `head` when the routing head decided, `table` when the routing table did. */
  by: 'head' | 'table';
  region?: string;
  deadlineAt: string;
}

/** The alert document as stored in the alerts index (one per `id`). */
export interface AlertDocument {
  id: string;
  type: AlertType;
  subjectKey: string;
  subject: AlertSubject;
  /** Flat copies of the subject's parts for filtering (mapped fields). */
  storyId?: string;
  topic?: string;
  /** Canonical place name («Камешковский район»); `placeId` is the gazetteer id. */
  place?: string;
  placeId?: string;
  region?: string;
  category?: string;
  title: string;
  /** One or two Russian sentences: what, where, how many, how fast. */
  summary: string;
  severity: Severity;
  /** Calibrated probability for fakes, 0..1 strength for emergencies and trends. */
  score: number;
  signals: AlertSignal[];
  magnitude?: Magnitude;
  status: AlertStatus;
  assignee?: string;
  comments: AlertComment[];
  audit: AuditEntry[];
  escalations: Escalation[];
  evidence: AlertEvidence;
  /** Fakes: other stories of the same claim; `postCount` and `sourceCount` include them. */
  relatedStories?: RelatedStory[];
  routing?: AlertRouting;
  /** Posts and distinct sources behind the alert at the last update. */
  postCount: number;
  sourceCount: number;
  /** Publication time of the first post about the subject. */
  firstPostAt: string;
  /** When the alert was raised, and how long after the first post that was. */
  createdAt: string;
  timeToAlertMs: number;
  /**
   * Publication time of the newest post the detector had seen when it raised the alert, and its delay
   * after the first post: the stream's own time to alert, without queueing delays.
   */
  triggerPostAt?: string;
  eventTimeToAlertMs?: number;
  updatedAt: string;
  /** Last time a detector refreshed it (status changes by people do not count). */
  lastDetectedAt: string;
  /** Incremented on every write; webhook deliveries are keyed by (id, revision). */
  revision: number;
  /** Detector name and config version that produced the last update. */
  detector: { name: string; version: string; modelVersion?: string };
}

/** An alert with the version Elasticsearch gave it (for `if_seq_no`/`if_primary_term`). */
export interface VersionedAlert {
  doc: AlertDocument;
  seqNo: number;
  primaryTerm: number;
}

/** Opaque version token the API hands out with an alert and expects back on updates (ETag-like). */
export function versionToken(alert: Pick<VersionedAlert, 'seqNo' | 'primaryTerm'>): string {
  return `${alert.primaryTerm}.${alert.seqNo}`;
}

export function parseVersionToken(token: string): { seqNo: number; primaryTerm: number } | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  return { primaryTerm: Number(match[1]), seqNo: Number(match[2]) };
}

/** Which statuses can follow which, per alert type. Reopening (back to `in_review`) is allowed and audited. */
export const ALLOWED_TRANSITIONS: Readonly<
  Record<AlertType, Readonly<Record<AlertStatus, readonly AlertStatus[]>>>
> = {
  fake: {
    new: ['in_review'],
    in_review: ['confirmed', 'dismissed'],
    confirmed: ['in_review'],
    dismissed: ['in_review'],
    acknowledged: [],
    resolved: [],
  },
  trend: {
    new: ['in_review'],
    in_review: ['confirmed', 'dismissed'],
    confirmed: ['in_review'],
    dismissed: ['in_review'],
    acknowledged: [],
    resolved: [],
  },
  emergency: {
    // A duty officer may take an emergency at once, without a review step.
    new: ['in_review', 'acknowledged'],
    in_review: ['confirmed', 'dismissed', 'acknowledged'],
    confirmed: ['acknowledged', 'in_review'],
    acknowledged: ['resolved'],
    resolved: ['acknowledged'],
    dismissed: ['in_review'],
  },
};

export function canTransition(type: AlertType, from: AlertStatus, to: AlertStatus): boolean {
  return ALLOWED_TRANSITIONS[type][from].includes(to);
}

/** Statuses in which nobody works on the alert any more; new evidence may reopen some of them. */
export function isClosed(status: AlertStatus): boolean {
  return status === 'dismissed' || status === 'resolved';
}
