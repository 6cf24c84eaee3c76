import { sourceIdFor, type KnownFake, type SourceRecord } from '../alerts/registry';
import { DETECTORS } from './detectors.config';
import type { SourceView } from './fake';

/**
 * The registries as the detect stage sees them: an in-memory copy re-read every
 * `sources.registryCacheMs` (edits through the API apply within that), so a batch costs no registry
 * queries.
 */
export class CachedList<T> {
  private value: T[] = [];
  private loadedAt = -Infinity;

  constructor(
    private readonly load: () => Promise<T[]>,
    private readonly ttlMs: number = DETECTORS.sources.registryCacheMs,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(): Promise<T[]> {
    if (this.clock() - this.loadedAt >= this.ttlMs) {
      this.value = await this.load();
      this.loadedAt = this.clock();
    }
    return this.value;
  }

  /** Adds an entry at once (e.g. a refutation the stage just registered) without waiting for a reload. */
  push(item: T): void {
    this.value = [...this.value, item];
  }
}

/** Registry records by source id. */
export function indexSources(records: readonly SourceRecord[]): Map<string, SourceRecord> {
  return new Map(records.map((r) => [r.id, r]));
}

/** Key of a channel for sightings (first-seen times). */
export const channelKey = (platform: string, channel: string): string => `${platform}:${channel}`;

/**
 * How credible and how new a channel is. Registered sources have their kind and credibility; others
 * are `unknown`. A channel is new when Dozor (or the registry) first saw it within `newWithinMs` of
 * `at` — but only after `observationWarmupMs` of watching, before which everything looks new.
 */
export function sourceView(input: {
  platform: string;
  channel: string;
  registry: ReadonlyMap<string, SourceRecord>;
  firstSeen: ReadonlyMap<string, number>;
  observedSince: number;
  at: number;
}): SourceView {
  const config = DETECTORS.sources;
  const record = input.registry.get(sourceIdFor(input.platform, input.channel));
  const registeredFirst = record?.firstSeenAt === undefined ? undefined : Date.parse(record.firstSeenAt);
  const first = registeredFirst ?? input.firstSeen.get(channelKey(input.platform, input.channel));
  const watched = Number.isFinite(input.observedSince) ? input.at - input.observedSince : 0;
  const isNew =
    first !== undefined &&
    Number.isFinite(first) &&
    input.at - first <= config.newWithinMs &&
    (registeredFirst !== undefined || first - input.observedSince >= config.observationWarmupMs) &&
    watched >= config.observationWarmupMs;
  if (record === undefined) {
    return { kind: 'unknown', credibility: config.credibility.unknown, registered: false, isNew };
  }
  return { kind: record.kind, credibility: record.credibility, registered: true, isNew };
}

/** Active entries of one kind. */
export function activeOfKind(entries: readonly KnownFake[], kind: KnownFake['kind']): KnownFake[] {
  return entries.filter((e) => e.kind === kind && e.status === 'active');
}
