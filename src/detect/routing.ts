import { z } from 'zod';
import type { AlertRouting } from '../alerts/alert';
import type { AppealRecord, SourceKind } from '../alerts/registry';
import { DETECTORS } from './detectors.config';

/**
 * Routing: which department answers a resident's problem, and by when. The routing head (trained on
 * appeals of the Kursk region) decides where it was trained and is confident; elsewhere, or when it
 * hesitates, the routing table does (region → topic → department). The table is configuration: a JSON
 * file named by `ROUTING_TABLE_FILE`, or the example table below.
 */

export const routingTableSchema = z.object({
  /** Per region (Russian name as in the gazetteer): departments by taxonomy topic, and a default. */
  regions: z.record(
    z.string(),
    z.object({ default: z.string().min(1), topics: z.record(z.string(), z.string().min(1)).default({}) }),
  ),
  /** When the region is unknown or not listed. */
  fallback: z.string().min(1),
});
export type RoutingTable = z.infer<typeof routingTableSchema>;

const utilities = (name: string): Record<string, string> => ({
  water: name,
  heating: name,
  power: name,
  gas: name,
  waste: name,
  housing: name,
});

/**
 * An example table for the regions of the gazetteer. Department names follow the usual structure of
 * regional governments; a deployment replaces them with its own through `ROUTING_TABLE_FILE`.
 */
export const DEFAULT_ROUTING_TABLE: RoutingTable = {
  regions: {
    'Курская область': {
      default: 'Администрация города Курска',
      topics: {
        ...utilities('Комитет жилищно-коммунального хозяйства города Курска'),
        housing: 'Государственная жилищная инспекция Курской области',
        roads: 'Комитет дорожного хозяйства города Курска',
        transport: 'Департамент пассажирского транспорта города Курска',
        healthcare: 'Комитет здравоохранения Курской области',
        social: 'Комитет социального обеспечения, материнства и детства Курской области',
        ecology: 'Комитет природных ресурсов Курской области',
        improvement: 'Комитет городского хозяйства города Курска',
        lighting: 'Комитет городского хозяйства города Курска',
      },
    },
    'Владимирская область': {
      default: 'Администрация Владимирской области',
      topics: {
        ...utilities('Министерство ЖКХ Владимирской области'),
        roads: 'Министерство транспорта и дорожного хозяйства Владимирской области',
        transport: 'Министерство транспорта и дорожного хозяйства Владимирской области',
        healthcare: 'Министерство здравоохранения Владимирской области',
        education: 'Министерство образования Владимирской области',
        social: 'Министерство социальной защиты населения Владимирской области',
        ecology: 'Министерство природопользования и экологии Владимирской области',
      },
    },
    'Ярославская область': {
      default: 'Правительство Ярославской области',
      topics: {
        ...utilities('Министерство ЖКХ Ярославской области'),
        roads: 'Министерство дорожного хозяйства Ярославской области',
        transport: 'Министерство транспорта Ярославской области',
        healthcare: 'Министерство здравоохранения Ярославской области',
        education: 'Министерство образования Ярославской области',
      },
    },
    'Тульская область': {
      default: 'Правительство Тульской области',
      topics: {
        ...utilities('Министерство ЖКХ Тульской области'),
        roads: 'Министерство транспорта и дорожного хозяйства Тульской области',
        transport: 'Министерство транспорта и дорожного хозяйства Тульской области',
        healthcare: 'Министерство здравоохранения Тульской области',
      },
    },
    'Нижегородская область': {
      default: 'Правительство Нижегородской области',
      topics: {
        ...utilities('Министерство энергетики и ЖКХ Нижегородской области'),
        roads: 'Министерство транспорта и автомобильных дорог Нижегородской области',
        transport: 'Министерство транспорта и автомобильных дорог Нижегородской области',
        healthcare: 'Министерство здравоохранения Нижегородской области',
      },
    },
  },
  fallback: 'Центр управления регионом',
};

/** What routing knows about a problem. */
export interface RoutingInput {
  topic?: string;
  region?: string;
  /** Best department of the routing head and its probability, when the head ran. */
  head?: { label: string; score: number };
}

/** The label the head uses for "none of the departments". */
const HEAD_OTHER = 'Прочее';

export function route(
  input: RoutingInput,
  table: RoutingTable,
  openedAt: string,
  deadlineMs: number = DETECTORS.routing.deadlineMs,
): AlertRouting {
  const config = DETECTORS.routing;
  const deadlineAt = new Date(Date.parse(openedAt) + deadlineMs).toISOString();
  const headRegion =
    input.region !== undefined && (config.headRegions as readonly string[]).includes(input.region);
  if (
    headRegion &&
    input.head !== undefined &&
    input.head.score >= config.headMinScore &&
    input.head.label !== HEAD_OTHER
  ) {
    return {
      department: input.head.label,
      by: 'head',
      deadlineAt,
      ...(input.region === undefined ? {} : { region: input.region }),
    };
  }
  const region = input.region === undefined ? undefined : table.regions[input.region];
  const department =
    (input.topic === undefined ? undefined : region?.topics[input.topic]) ??
    region?.default ??
    table.fallback;
  return {
    department,
    by: 'table',
    deadlineAt,
    ...(input.region === undefined ? {} : { region: input.region }),
  };
}

/**
 * A resident's problem: a post that has a ЦУР topic and comes from residents (community groups, own
 * walls, chats) rather than from officials, media or anonymous news channels.
 */
export function isResidentProblem(topics: readonly string[] | undefined, kind: SourceKind): boolean {
  return topics !== undefined && topics.length > 0 && (kind === 'community' || kind === 'unknown');
}

/** The appeal record of a story's first routed problem. */
export function appealOf(input: {
  storyId: string;
  title: string;
  topic?: string;
  routing: AlertRouting;
  routeScore?: number;
  place?: { name: string; placeId: string };
  openedAt: string;
  now: string;
}): AppealRecord {
  return {
    id: input.storyId,
    storyId: input.storyId,
    title: input.title,
    ...(input.topic === undefined ? {} : { topic: input.topic }),
    department: input.routing.department,
    routedBy: input.routing.by,
    ...(input.routeScore === undefined ? {} : { routeScore: Math.round(input.routeScore * 1000) / 1000 }),
    ...(input.routing.region === undefined ? {} : { region: input.routing.region }),
    ...(input.place === undefined ? {} : { place: input.place.name, placeId: input.place.placeId }),
    openedAt: input.openedAt,
    deadlineAt: input.routing.deadlineAt,
    status: 'open',
    createdAt: input.now,
    updatedAt: input.now,
  };
}
