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
  /**
   * Set when this detection is about another story of the subject's claim: it is folded into the
   * subject's alert as a related story instead of replacing the alert's evidence.
   */
  relatedStory?: { storyId: string; similarity: number };
  /** Publication time of the newest post behind this detection. */
  observedAt?: string;
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

/**
 * The latest signal of each code, keeping older codes the new detection does not state (an ongoing
 * emergency past its peak keeps the peak's burst signal), in the new detection's order first.
 */
function mergeSignals(previous: readonly AlertSignal[], latest: readonly AlertSignal[]): AlertSignal[] {
  const codes = new Set(latest.map((s) => s.code));
  return [...latest, ...previous.filter((s) => !codes.has(s.code))];
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
  if (detection.relatedStory !== undefined && existing !== undefined)
    return applyRelated(existing, detection, now);
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
        ...(detection.observedAt === undefined
          ? {}
          : {
              triggerPostAt: detection.observedAt,
              eventTimeToAlertMs: Math.max(
                0,
                Date.parse(detection.observedAt) - Date.parse(detection.firstPostAt),
              ),
            }),
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

  // The main story's counts plus those of related stories folded in earlier.
  const related = existing.relatedStories ?? [];
  detection = {
    ...detection,
    postCount: detection.postCount + related.reduce((n, r) => n + r.posts, 0),
    sourceCount: detection.sourceCount + related.reduce((n, r) => n + r.sources, 0),
  };
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
      signals: mergeSignals(existing.signals, detection.signals),
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

/**
 * Folds a detection of a related story (the same claim in other words) into the alert: the story is
 * listed with its counts, the alert's counts include it, severity and score only rise, and the main
 * story's evidence and signals stay.
 */
function applyRelated(
  existing: AlertDocument,
  detection: Detection,
  now: string,
): { doc: AlertDocument; change: DetectionChange } {
  const link = detection.relatedStory;
  if (link === undefined) return { doc: existing, change: 'unchanged' };
  const list = existing.relatedStories ?? [];
  const before = list.find((r) => r.storyId === link.storyId);
  if (
    before !== undefined &&
    before.posts === detection.postCount &&
    before.sources === detection.sourceCount &&
    before.score >= detection.score
  )
    return { doc: existing, change: 'unchanged' };
  const entry = {
    storyId: link.storyId,
    posts: detection.postCount,
    sources: detection.sourceCount,
    score: Math.max(before?.score ?? 0, detection.score),
    similarity: Math.round(link.similarity * 1000) / 1000,
    linkedAt: before?.linkedAt ?? now,
  };
  const relatedStories = [...list.filter((r) => r.storyId !== link.storyId), entry];
  const by = `detector:${detection.detector.name}`;
  const worse = severityRank(detection.severity) > severityRank(existing.severity);
  const severity = worse ? detection.severity : existing.severity;
  const doc: AlertDocument = {
    ...existing,
    relatedStories,
    postCount: existing.postCount - (before?.posts ?? 0) + entry.posts,
    sourceCount: existing.sourceCount - (before?.sources ?? 0) + entry.sources,
    severity,
    score: Math.max(existing.score, detection.score),
    updatedAt: now,
    lastDetectedAt: now,
    revision: existing.revision + 1,
    audit:
      before === undefined
        ? [...existing.audit, { at: now, by, action: 'updated', to: link.storyId, note: 'связанная история' }]
        : existing.audit,
    escalations: [...existing.escalations],
  };
  if (worse) {
    const reason = `Серьёзность выросла: ${SEVERITY_NAMES[existing.severity]} → ${SEVERITY_NAMES[severity]}`;
    doc.escalations.push({ at: now, from: existing.severity, to: severity, score: doc.score, reason });
    doc.audit.push({ at: now, by, action: 'escalated', from: existing.severity, to: severity, note: reason });
  }
  return { doc, change: worse ? 'escalated' : 'updated' };
}
