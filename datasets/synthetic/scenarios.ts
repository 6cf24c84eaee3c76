import type { EmergencyCategory } from './emergencies';
import { WEEKDAY_WEIGHTS } from './rhythm';

/** An emergency to plant: category and place (gazetteer id); when, relative to the start of the run. */
export interface PlannedEmergency {
  readonly category: EmergencyCategory;
  readonly placeId: string;
  readonly day: number;
  readonly hour: number;
}

/** A fake campaign to plant: narrative key, place, when, and whether an official refutation follows. */
export interface PlannedCampaign {
  readonly narrative: string;
  readonly placeId: string;
  readonly day: number;
  readonly hour: number;
  readonly refuted: boolean;
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly description: string;
  readonly posts: number;
  readonly days: number;
  /** Midnight Moscow time of the first day, ISO 8601. */
  readonly start: string;
  readonly weekdayWeights: readonly number[];
  /** Pinned incidents, or a number of incidents to place at random (seeded). */
  readonly campaigns: readonly PlannedCampaign[] | number;
  readonly emergencies: readonly PlannedEmergency[] | number;
}

export const SCENARIO_NAMES = ['demo', 'quiet-week', 'busy-monday', 'bench'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** What the CLI may override. */
export interface ScenarioOverrides {
  posts?: number;
  days?: number;
  start?: string;
}

/**
 * The presets. `demo` is what `npm start` loads; `quiet-week` and `busy-monday` are the weeks on which
 * no emergency may be raised; `bench` scales to any size with one incident of each kind per 50k posts.
 */
export function scenario(name: ScenarioName, overrides: ScenarioOverrides = {}): Scenario {
  const base = resolve(name);
  return {
    ...base,
    posts: overrides.posts ?? base.posts,
    days: overrides.days ?? base.days,
    start: overrides.start ?? base.start,
    ...(name === 'bench'
      ? {
          campaigns: perFiftyK(overrides.posts ?? base.posts),
          emergencies: perFiftyK(overrides.posts ?? base.posts),
        }
      : {}),
  };
}

function perFiftyK(posts: number): number {
  return Math.max(2, Math.round(posts / 50_000));
}

function resolve(name: ScenarioName): Scenario {
  switch (name) {
    case 'demo':
      return {
        name,
        description: 'A winter week: everyday posts, 3 fake campaigns (2 refuted) and 3 emergencies.',
        posts: 4000,
        days: 7,
        start: '2025-02-03T00:00:00+03:00',
        weekdayWeights: WEEKDAY_WEIGHTS,
        campaigns: [
          { narrative: 'water_poisoning', placeId: 'vladimir_obl/murom', day: 1, hour: 10, refuted: true },
          { narrative: 'school_meningitis', placeId: 'kursk_obl/kursk', day: 3, hour: 19, refuted: true },
          { narrative: 'fare_100', placeId: 'vladimir_obl/kovrov', day: 5, hour: 12, refuted: false },
        ],
        emergencies: [
          { category: 'water', placeId: 'vladimir_obl/kameshkovsky', day: 2, hour: 8 },
          { category: 'heating', placeId: 'vladimir_obl/kovrov', day: 4, hour: 7 },
          { category: 'power', placeId: 'kursk_obl/zheleznogorsk', day: 6, hour: 18 },
        ],
      };
    case 'quiet-week':
      return {
        name,
        description: 'An ordinary week with no incidents: no emergency or fake alert may be raised.',
        posts: 4000,
        days: 7,
        start: '2025-02-03T00:00:00+03:00',
        weekdayWeights: WEEKDAY_WEIGHTS,
        campaigns: [],
        emergencies: [],
      };
    case 'busy-monday':
      return {
        name,
        description: 'Six ordinary days, then a Monday with twice the usual volume and no incident.',
        posts: 5000,
        days: 7,
        // A Tuesday, so the busy Monday comes last, after six days of baseline.
        start: '2025-02-04T00:00:00+03:00',
        weekdayWeights: [2.4, ...WEEKDAY_WEIGHTS.slice(1)],
        campaigns: [],
        emergencies: [],
      };
    case 'bench':
      return {
        name,
        description: 'Four weeks at any volume, one fake campaign and one emergency per 50k posts.',
        posts: 1_000_000,
        days: 28,
        start: '2025-01-06T00:00:00+03:00',
        weekdayWeights: WEEKDAY_WEIGHTS,
        campaigns: 20,
        emergencies: 20,
      };
  }
}
