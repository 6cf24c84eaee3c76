import type { Platform } from '../domain/post';
import type { Level } from './assign';
import { LIMITS } from './thresholds';

/** How a post belongs to a story: automatically, or suggested and then decided by an analyst. */
export const MEMBER_STATES = ['auto', 'suggested', 'confirmed', 'rejected'] as const;
export type MemberState = (typeof MEMBER_STATES)[number];

export interface StoryMember {
  postId: string;
  level: Level;
  score: number;
  state: MemberState;
  /** When the cluster stage linked it (processing time). */
  joinedAt: string;
  publishedAt: string;
  platform: Platform;
  channel: string;
}

export interface StorySource {
  platform: Platform;
  channel: string;
  count: number;
}

export type HistoryType = 'created' | 'absorbed' | 'merged-into' | 'confirmed' | 'rejected';

/** One change of a story's identity or membership, kept for audits (merges are never silent). */
export interface StoryHistoryEntry {
  at: string;
  type: HistoryType;
  /** The other story of a merge. */
  storyId?: string;
  /** The post that bridged two stories, or the member an analyst decided on. */
  postId?: string;
  /** Who decided (analyst id) or `cluster` for automatic merges. */
  by: string;
  note?: string;
}

/** The earliest post of a story: earliest `publishedAt`, then the smallest post id. */
export interface PatientZero {
  postId: string;
  publishedAt: string;
  platform: Platform;
  channel: string;
}

export type StoryStatus = 'active' | 'merged';

/** Post counts per time bucket, keyed by the bucket's start (ISO 8601). */
export interface StoryTimeline {
  per5m: Record<string, number>;
  per1h: Record<string, number>;
}

/** The story record, as stored in the stories index (one document per story id). */
export interface StoryDocument {
  id: string;
  title: string;
  representativeText: string;
  lemmas: string[];
  /** Post id of the patient zero (mapped as a keyword); details in `patientZeroPost`. */
  patientZero: string;
  patientZeroPost: PatientZero;
  firstSeenAt: string;
  lastActivityAt: string;
  /** Posts in the story (auto and confirmed members), including those beyond the listed `members`. */
  size: number;
  suggestedCount: number;
  status: StoryStatus;
  mergedInto?: string;
  members: StoryMember[];
  sources: StorySource[];
  platforms: Partial<Record<Platform, number>>;
  timeline: StoryTimeline;
  history: StoryHistoryEntry[];
  updatedAt: string;
}

/** A post linked to a story by the cluster stage. */
export interface MemberEvent {
  postId: string;
  level: Level;
  score: number;
  state: 'auto' | 'suggested';
  publishedAt: string;
  platform: Platform;
  channel: string;
  /** Cleaned text and lemmas: used when this post becomes the representative. */
  text: string;
  lemmas: readonly string[];
}

const TITLE_CHARS = 140;
const REPRESENTATIVE_CHARS = 4000;

/** A title: the first line or sentence of the representative text, cut at a word boundary. */
export function titleOf(text: string): string {
  const firstLine = text.trim().split(/\n+/)[0] ?? '';
  const sentence = /^(.{20,}?[.!?])(\s|$)/u.exec(firstLine)?.[1] ?? firstLine;
  if (sentence.length <= TITLE_CHARS) return sentence;
  const cut = sentence.slice(0, TITLE_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > TITLE_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

/** Earlier `publishedAt` first, then the smaller post id: a total order independent of arrival. */
export function earlier(
  a: { publishedAt: string; postId: string },
  b: { publishedAt: string; postId: string },
): boolean {
  const ta = Date.parse(a.publishedAt);
  const tb = Date.parse(b.publishedAt);
  return ta !== tb ? ta < tb : a.postId < b.postId;
}

function bucketStart(iso: string, ms: number): string {
  const t = Date.parse(iso);
  return new Date(Math.floor(t / ms) * ms).toISOString();
}

function trimBuckets(buckets: Record<string, number>, keep: number): Record<string, number> {
  const keys = Object.keys(buckets);
  if (keys.length <= keep) return buckets;
  // ISO keys of one format sort chronologically; the newest are kept.
  const kept = keys.sort().slice(keys.length - keep);
  return Object.fromEntries(kept.map((key) => [key, buckets[key] ?? 0]));
}

/** An empty story; members come through {@link applyMembers}. */
export function emptyStory(id: string, first: MemberEvent, now: string): StoryDocument {
  return {
    id,
    title: titleOf(first.text),
    representativeText: first.text.slice(0, REPRESENTATIVE_CHARS),
    lemmas: [...first.lemmas],
    patientZero: first.postId,
    patientZeroPost: {
      postId: first.postId,
      publishedAt: first.publishedAt,
      platform: first.platform,
      channel: first.channel,
    },
    firstSeenAt: first.publishedAt,
    lastActivityAt: first.publishedAt,
    size: 0,
    suggestedCount: 0,
    status: 'active',
    members: [],
    sources: [],
    platforms: {},
    timeline: { per5m: {}, per1h: {} },
    history: [{ at: now, type: 'created', postId: first.postId, by: 'cluster' }],
    updatedAt: now,
  };
}

/** Counts one post into sources, platforms, timeline, activity and patient zero. */
function countPost(
  doc: StoryDocument,
  post: Omit<MemberEvent, 'level' | 'score' | 'state'>,
  times = 1,
): void {
  doc.size += times;
  const source = doc.sources.find((s) => s.platform === post.platform && s.channel === post.channel);
  if (source) source.count += times;
  else doc.sources.push({ platform: post.platform, channel: post.channel, count: times });
  doc.platforms[post.platform] = (doc.platforms[post.platform] ?? 0) + times;
  const k5 = bucketStart(post.publishedAt, 5 * 60_000);
  const k1 = bucketStart(post.publishedAt, 3_600_000);
  doc.timeline.per5m[k5] = (doc.timeline.per5m[k5] ?? 0) + times;
  doc.timeline.per1h[k1] = (doc.timeline.per1h[k1] ?? 0) + times;
  if (Date.parse(post.publishedAt) > Date.parse(doc.lastActivityAt)) doc.lastActivityAt = post.publishedAt;
  if (earlier(post, doc.patientZeroPost)) {
    doc.patientZero = post.postId;
    doc.patientZeroPost = {
      postId: post.postId,
      publishedAt: post.publishedAt,
      platform: post.platform,
      channel: post.channel,
    };
    doc.firstSeenAt = post.publishedAt;
    if (post.text !== '') {
      doc.representativeText = post.text.slice(0, REPRESENTATIVE_CHARS);
      doc.title = titleOf(post.text);
      doc.lemmas = [...post.lemmas];
    }
  }
}

function bound(doc: StoryDocument): StoryDocument {
  doc.sources.sort((a, b) => b.count - a.count || (a.channel < b.channel ? -1 : 1));
  if (doc.sources.length > LIMITS.sourcesInRecord) doc.sources = doc.sources.slice(0, LIMITS.sourcesInRecord);
  doc.timeline = {
    per5m: trimBuckets(doc.timeline.per5m, LIMITS.timeline5m),
    per1h: trimBuckets(doc.timeline.per1h, LIMITS.timeline1h),
  };
  if (doc.history.length > LIMITS.history) doc.history = doc.history.slice(-LIMITS.history);
  return doc;
}

/**
 * Adds members to a story. Idempotent for listed members (a retried batch counts nothing twice); past
 * `LIMITS.membersInRecord` members are only counted, which a retry after a crash could count twice.
 * An analyst's decision on a member is never overwritten by the stage.
 */
export function applyMembers(doc: StoryDocument, events: readonly MemberEvent[], now: string): StoryDocument {
  const index = new Map(doc.members.map((m, i) => [m.postId, i]));
  for (const event of events) {
    const at = index.get(event.postId);
    const existing = at === undefined ? undefined : doc.members[at];
    if (existing) {
      // Only a suggestion can still become an automatic member (a later, stronger link).
      if (existing.state === 'suggested' && event.state === 'auto') {
        existing.state = 'auto';
        existing.level = event.level;
        existing.score = event.score;
        doc.suggestedCount = Math.max(0, doc.suggestedCount - 1);
        countPost(doc, event);
      }
      continue;
    }
    const member: StoryMember = {
      postId: event.postId,
      level: event.level,
      score: Math.round(event.score * 1000) / 1000,
      state: event.state,
      joinedAt: now,
      publishedAt: event.publishedAt,
      platform: event.platform,
      channel: event.channel,
    };
    if (doc.members.length < LIMITS.membersInRecord || event.state === 'suggested') {
      index.set(event.postId, doc.members.length);
      doc.members.push(member);
    }
    if (event.state === 'auto') countPost(doc, event);
    else doc.suggestedCount++;
  }
  doc.updatedAt = now;
  return bound(doc);
}

/**
 * Folds `loser` into `survivor` after a bridge post (or an analyst) showed they are one story. The
 * survivor gains the loser's members, counts and timeline; both keep a history entry.
 */
export function absorb(
  survivor: StoryDocument,
  loser: StoryDocument,
  context: { at: string; by: string; postId?: string },
): { survivor: StoryDocument; loser: StoryDocument } {
  const known = new Set(survivor.members.map((m) => m.postId));
  for (const member of loser.members) {
    if (known.has(member.postId) || survivor.members.length >= LIMITS.membersInRecord) continue;
    survivor.members.push(member);
  }
  survivor.size += loser.size;
  survivor.suggestedCount += loser.suggestedCount;
  for (const source of loser.sources) {
    const mine = survivor.sources.find((s) => s.platform === source.platform && s.channel === source.channel);
    if (mine) mine.count += source.count;
    else survivor.sources.push({ ...source });
  }
  for (const [platform, count] of Object.entries(loser.platforms)) {
    const key = platform as Platform;
    survivor.platforms[key] = (survivor.platforms[key] ?? 0) + count;
  }
  for (const [key, count] of Object.entries(loser.timeline.per5m))
    survivor.timeline.per5m[key] = (survivor.timeline.per5m[key] ?? 0) + count;
  for (const [key, count] of Object.entries(loser.timeline.per1h))
    survivor.timeline.per1h[key] = (survivor.timeline.per1h[key] ?? 0) + count;
  if (Date.parse(loser.lastActivityAt) > Date.parse(survivor.lastActivityAt))
    survivor.lastActivityAt = loser.lastActivityAt;
  if (earlier(loser.patientZeroPost, survivor.patientZeroPost)) {
    survivor.patientZero = loser.patientZero;
    survivor.patientZeroPost = { ...loser.patientZeroPost };
    survivor.firstSeenAt = loser.firstSeenAt;
    survivor.representativeText = loser.representativeText;
    survivor.title = loser.title;
    survivor.lemmas = [...loser.lemmas];
  }
  const entry = (type: HistoryType, storyId: string): StoryHistoryEntry => ({
    at: context.at,
    type,
    storyId,
    by: context.by,
    ...(context.postId === undefined ? {} : { postId: context.postId }),
  });
  survivor.history.push(entry('absorbed', loser.id));
  survivor.updatedAt = context.at;
  const merged: StoryDocument = {
    ...loser,
    status: 'merged',
    mergedInto: survivor.id,
    history: [...loser.history, entry('merged-into', survivor.id)],
    updatedAt: context.at,
  };
  return { survivor: bound(survivor), loser: bound(merged) };
}

/**
 * Records an analyst's decision on a member, with who decided and why; returns false when the post is
 * not listed in the story. A decision made already is not recorded twice (a retried request).
 */
export function decideMember(
  doc: StoryDocument,
  decision: { postId: string; state: 'confirmed' | 'rejected'; by: string; at: string; note?: string },
): boolean {
  const member = doc.members.find((m) => m.postId === decision.postId);
  if (!member) return false;
  if (member.state === decision.state) return true;
  if (member.state === 'suggested') doc.suggestedCount = Math.max(0, doc.suggestedCount - 1);
  member.state = decision.state;
  doc.history.push({
    at: decision.at,
    type: decision.state,
    postId: decision.postId,
    by: decision.by,
    ...(decision.note === undefined ? {} : { note: decision.note }),
  });
  doc.updatedAt = decision.at;
  bound(doc);
  return true;
}
