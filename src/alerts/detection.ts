import {
  SEVERITY_NAMES,
  alertIdFor,
  severityRank,
  subjectKeyOf,
  type AlertDocument,
  type AlertEvidence,
  type AlertRouting,
  type AlertSignal,
  type AlertSubject,
  type AlertType,
  type Magnitude,
  type Severity,
} from './alert';

/** What a detector concluded about one subject at one moment; {@link applyDetection} folds it into the alert. */
export interface Detection {
  type: AlertType;
  subject: AlertSubject;
  title: string;
  summary: string;
  severity: Severity;
  score: number;
  signals: AlertSignal[];
  evidence: AlertEvidence;
  postCount: number;
  sourceCount: number;
  firstPostAt: string;
  /** Flat subject fields for filtering. */
  storyId?: string;
  topic?: string;
  place?: string;
  placeId?: string;
  region?: string;
  category?: string;
  magnitude?: Magnitude;
  routing?: AlertRouting;
  detector: AlertDocument['detector'];
}

/** What an update did: webhooks go out for `created` and `escalated` only. */
export type DetectionChange = 'created' | 'escalated' | 'updated' | 'unchanged';

/** Score rise that counts as an escalation even at the same severity (e.g. a known-fake match added). */
export const ESCALATION_SCORE_DELTA = 0.15;

/** Merges magnitudes: figures only grow (a later post saying «более 40 домов» does not shrink 60). */
function mergeMagnitude(a: Magnitude | undefined, b: Magnitude | undefined): Magnitude | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const out: Magnitude = {};
  for (const key of ['people', 'houses', 'days'] as const) {
    const value = Math.max(a[key] ?? 0, b[key] ?? 0);
    if (value > 0) out[key] = value;
  }
  return out;
}

function withFlatFields(doc: AlertDocument, detection: Detection): AlertDocument {
  const out: AlertDocument = { ...doc };
  if (detection.storyId !== undefined) out.storyId = detection.storyId;
  if (detection.topic !== undefined) out.topic = detection.topic;
  if (detection.place !== undefined) out.place = detection.place;
  if (detection.placeId !== undefined) out.placeId = detection.placeId;
  if (detection.region !== undefined) out.region = detection.region;
  if (detection.category !== undefined) out.category = detection.category;
  return out;
}

/**
 * Folds a detection into the subject's alert (or creates it). Pure: the caller reads the alert with its
 * version, applies this and writes it back guarded. The alert keeps its worst severity and its highest
 * score, figures only grow, and everything people did (status, assignee, comments) is kept. A resolved
 * emergency that escalates again is reopened; a dismissed alert stays dismissed (an analyst decided)
 * but keeps counting.
 */
export function applyDetection(
  existing: AlertDocument | undefined,
  detection: Detection,
  now: string,
): { doc: AlertDocument; change: DetectionChange } {
  const subjectKey = subjectKeyOf(detection.subject);
  const by = `detector:${detection.detector.name}`;
  if (existing === undefined) {
    const created: AlertDocument = withFlatFields(
      {
        id: alertIdFor(detection.type, subjectKey),
        type: detection.type,
        subjectKey,
        subject: detection.subject,
        title: detection.title,
        summary: detection.summary,
        severity: detection.severity,
        score: detection.score,
        signals: detection.signals,
        evidence: detection.evidence,
        status: 'new',
        comments: [],
        audit: [{ at: now, by, action: 'created', to: detection.severity }],
        escalations: [],
        postCount: detection.postCount,
        sourceCount: detection.sourceCount,
        firstPostAt: detection.firstPostAt,
        createdAt: now,
        timeToAlertMs: Math.max(0, Date.parse(now) - Date.parse(detection.firstPostAt)),
        updatedAt: now,
        lastDetectedAt: now,
        revision: 1,
        detector: detection.detector,
        ...(detection.magnitude === undefined ? {} : { magnitude: detection.magnitude }),
        ...(detection.routing === undefined ? {} : { routing: detection.routing }),
      },
      detection,
    );
    return { doc: created, change: 'created' };
  }

  const worse = severityRank(detection.severity) > severityRank(existing.severity);
  const jumped = detection.score >= existing.score + ESCALATION_SCORE_DELTA;
  const grew =
    detection.postCount !== existing.postCount ||
    detection.sourceCount !== existing.sourceCount ||
    detection.score !== existing.score;
  if (!worse && !jumped && !grew) return { doc: existing, change: 'unchanged' };

  const severity = worse ? detection.severity : existing.severity;
  const score = Math.max(existing.score, detection.score);
  const magnitude = mergeMagnitude(existing.magnitude, detection.magnitude);
  const doc: AlertDocument = withFlatFields(
    {
      ...existing,
      title: detection.title,
      summary: detection.summary,
      severity,
      score,
      signals: detection.signals,
      evidence: detection.evidence,
      postCount: Math.max(existing.postCount, detection.postCount),
      sourceCount: Math.max(existing.sourceCount, detection.sourceCount),
      firstPostAt:
        Date.parse(detection.firstPostAt) < Date.parse(existing.firstPostAt)
          ? detection.firstPostAt
          : existing.firstPostAt,
      updatedAt: now,
      lastDetectedAt: now,
      revision: existing.revision + 1,
      detector: detection.detector,
      audit: [...existing.audit],
      escalations: [...existing.escalations],
      ...(magnitude === undefined ? {} : { magnitude }),
      ...(detection.routing === undefined || existing.routing !== undefined
        ? {}
        : { routing: detection.routing }),
    },
    detection,
  );
  const escalated = worse || jumped;
  if (escalated) {
    const reason = worse
      ? `Серьёзность выросла: ${SEVERITY_NAMES[existing.severity]} → ${SEVERITY_NAMES[severity]}`
      : `Оценка выросла: ${existing.score.toFixed(2)} → ${score.toFixed(2)}`;
    doc.escalations.push({ at: now, from: existing.severity, to: severity, score, reason });
    doc.audit.push({ at: now, by, action: 'escalated', from: existing.severity, to: severity, note: reason });
    if (existing.status === 'resolved') {
      doc.status = 'new';
      doc.audit.push({ at: now, by, action: 'reopened', from: 'resolved', to: 'new', note: reason });
    }
  } else {
    // Plain growth is not audited entry by entry (it would flood the trail); the counters show it.
    doc.audit = existing.audit;
  }
  return { doc, change: escalated ? 'escalated' : 'updated' };
}
