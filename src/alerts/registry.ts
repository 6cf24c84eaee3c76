import { createHash } from 'node:crypto';
import type { Platform } from '../domain/post';

/**
 * The two registries analysts maintain beside alerts: known fakes with official refutations (matched
 * against new posts), and sources with their credibility (official госпаблики, registered media,
 * community groups, anonymous channels).
 */

/** A confirmed fake claim, or an official refutation of one. */
export const KNOWN_FAKE_KINDS = ['fake', 'refutation'] as const;
export type KnownFakeKind = (typeof KNOWN_FAKE_KINDS)[number];

/** Where an entry came from: typed in by an analyst, an analyst-confirmed alert, or an official post. */
export const KNOWN_FAKE_ORIGINS = ['analyst', 'alert', 'official'] as const;
export type KnownFakeOrigin = (typeof KNOWN_FAKE_ORIGINS)[number];

export interface KnownFake {
  id: string;
  kind: KnownFakeKind;
  /** Short Russian title: «Отравление воды в Муроме». */
  title: string;
  /** The claim (for fakes) or the refutation's text, as published. */
  text: string;
  /** Lemmas of `text` (our analysis), for the lexical match. */
  lemmas: string[];
  /** e5 vector of `text` on the heads' side, for the semantic match; absent until embedded. */
  vector?: number[];
  modelVersion?: string;
  /** For refutations: the known fake it refutes, when known. */
  refutes?: string;
  /** Where the refutation or fake was published. */
  url?: string;
  sourceChannel?: string;
  /** Gazetteer place ids the claim is about (optional, narrows matches in reports). */
  placeIds?: string[];
  origin: KnownFakeOrigin;
  /** The alert an analyst confirmed, for `origin: alert`. */
  alertId?: string;
  status: 'active' | 'retired';
  /** When the fake was confirmed or the refutation published. */
  confirmedAt: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

/** What an analyst types to add or edit an entry; the rest is derived. */
export interface KnownFakeInput {
  kind: KnownFakeKind;
  title: string;
  text: string;
  refutes?: string;
  url?: string;
  sourceChannel?: string;
  placeIds?: string[];
  confirmedAt?: string;
  status?: 'active' | 'retired';
}

/** Stable id of an entry: analysts' entries by their text, alert-born ones by the alert. */
export function knownFakeIdFor(input: { kind: KnownFakeKind; text: string } | { alertId: string }): string {
  const key = 'alertId' in input ? `alert\u0000${input.alertId}` : `${input.kind}\u0000${input.text.trim()}`;
  return `kf${createHash('sha256').update(key).digest('hex').slice(0, 22)}`;
}

/**
 * Credibility kinds of sources. `unknown` is every channel not in the registry (residents' own walls,
 * fresh accounts): not a verdict, just no standing.
 */
export const SOURCE_KINDS = ['official', 'media', 'community', 'anonymous', 'unknown'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const SOURCE_KIND_NAMES: Readonly<Record<SourceKind, string>> = {
  official: 'официальный госпаблик',
  media: 'зарегистрированное СМИ',
  community: 'сообщество жителей',
  anonymous: 'анонимный канал',
  unknown: 'незарегистрированный источник',
};

export interface SourceRecord {
  /** {@link sourceIdFor} of (platform, channel). */
  id: string;
  platform: Platform;
  channel: string;
  title?: string;
  kind: SourceKind;
  /** 0..1; defaults per kind come from the detectors config when absent at registration. */
  credibility: number;
  /** Region the source covers (Russian name), for routing and reports. */
  region?: string;
  /** Media registration number (свидетельство о регистрации СМИ), for `media`. */
  registration?: string;
  note?: string;
  /** When the account appeared (registry knowledge), or when Dozor first saw it. */
  firstSeenAt?: string;
  updatedAt: string;
  updatedBy: string;
}

export interface SourceInput {
  platform: Platform;
  channel: string;
  title?: string;
  kind: SourceKind;
  credibility?: number;
  region?: string;
  registration?: string;
  note?: string;
  firstSeenAt?: string;
}

/** Stable source id: the same (platform, channel) always maps to the same registry entry. */
export function sourceIdFor(platform: string, channel: string): string {
  return `src${createHash('sha256').update(`${platform}\u0000${channel.toLowerCase()}`).digest('hex').slice(0, 21)}`;
}

/** Response deadline tracking of a resident's problem (one per story), see src/detect/routing.ts. */
export interface AppealRecord {
  /** The story id: one appeal per story, however many copies it has. */
  id: string;
  storyId: string;
  title: string;
  topic?: string;
  department: string;
  /** `person` when someone re-routed it by hand. */
  routedBy: 'head' | 'table' | 'person';
  /** Confidence of the routing head, when it decided. */
  routeScore?: number;
  region?: string;
  place?: string;
  placeId?: string;
  /** Publication time of the first post. */
  openedAt: string;
  deadlineAt: string;
  status: 'open' | 'responded';
  respondedAt?: string;
  respondedBy?: string;
  response?: string;
  /** `respondedAt - openedAt`, for response-time statistics. */
  responseMs?: number;
  createdAt: string;
  updatedAt: string;
}
