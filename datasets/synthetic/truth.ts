import type { Platform } from '../../src/domain/post';
import type { EmergencyCategory, Magnitude } from './emergencies';
import type { PlaceKind } from './places';
import type { SourceKind } from './sources';

/** How a post relates to its story: the first text, an exact copy, a light edit, or a rewording. */
export type CopyType = 'original' | 'repost' | 'edit' | 'paraphrase';

/** Why the post exists: ordinary life, a fake campaign, its refutation, or an emergency. */
export type Role = 'background' | 'fake' | 'refutation' | 'emergency';

/** The planted emergency a post is about. `place` is canonical (nominative) and at city/district level. */
export interface EmergencyLabel {
  id: string;
  category: EmergencyCategory;
  place: string;
  placeId: string;
  placeKind: PlaceKind;
  region: string;
  magnitude: Magnitude;
}

/**
 * One line of `truth.jsonl`, in the same order as `posts.jsonl`. A story is one text and its copies
 * (reposts, light edits, paraphrases); an event (campaign, emergency) groups many stories.
 */
export interface TruthRecord {
  /** {@link import('../../src/domain/post').postId} of (platform, channel, externalId). */
  postId: string;
  platform: Platform;
  channel: string;
  externalId: string;
  storyId: string;
  copyType: CopyType;
  /** Post id of the story's original; null for originals. */
  copyOf: string | null;
  topic: string;
  role: Role;
  sourceKind: SourceKind;
  /** The place the text is about (gazetteer id), null for region-wide posts. */
  placeId: string | null;
  campaignId: string | null;
  emergency: EmergencyLabel | null;
}

export interface CampaignSummary {
  id: string;
  narrative: string;
  topic: string;
  place: string;
  placeId: string;
  region: string;
  startAt: string;
  /** Stories of the campaign itself (the claim; residents' questions are paraphrases in it). */
  storyId: string;
  posts: number;
  accounts: number;
  refutation: { storyId: string; at: string; posts: number } | null;
}

export interface EmergencySummary extends EmergencyLabel {
  startAt: string;
  /** When the burst of residents' posts peaks out (most posts fall in the first hour). */
  burstEndAt: string;
  posts: number;
  residentPosts: number;
}

/** `summary.json`: what was planted and how much of everything there is. */
export interface Summary {
  scenario: string;
  seed: string;
  posts: number;
  start: string;
  end: string;
  counts: {
    byCopyType: Record<string, number>;
    byRole: Record<string, number>;
    byPlatform: Record<string, number>;
    bySourceKind: Record<string, number>;
    byTopic: Record<string, number>;
  };
  stories: { total: number; withCopies: number };
  campaigns: CampaignSummary[];
  emergencies: EmergencySummary[];
  /** The alerts a perfect detector raises: one per campaign, one per emergency, none otherwise. */
  expectedAlerts: { fake: number; emergency: number };
}
