import { z } from 'zod';
import {
  addKnownFake,
  deleteKnownFake,
  deleteSource,
  getKnownFake,
  getSource,
  listKnownFakes,
  listSources,
  registerSource,
  updateKnownFake,
  type KnownFakesDeps,
  type SourcesDeps,
} from '../../../alerts/registries';
import {
  KNOWN_FAKE_KINDS,
  KNOWN_FAKE_ORIGINS,
  SOURCE_KINDS,
  type KnownFake,
  type KnownFakeInput,
  type SourceInput,
} from '../../../alerts/registry';
import { PLATFORMS } from '../../../domain/post';
import type { KeyInfo } from '../../../store/keys.repository';
import { defineRoute, type RouteDefinition } from '../../openapi/route';
import {
  cursorParam,
  idParam,
  isoInstant,
  limitParam,
  nextOffsetCursor,
  offsetOf,
  pageOf,
} from '../../schemas/common';
import { viaUseCase } from '../review-errors';

const sourceSchema = z
  .object({
    id: z.string(),
    platform: z.enum(PLATFORMS),
    channel: z.string(),
    title: z.string().optional(),
    kind: z.enum(SOURCE_KINDS),
    credibility: z.number(),
    region: z.string().optional(),
    registration: z.string().optional(),
    note: z.string().optional(),
    firstSeenAt: z.string().optional(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .meta({ id: 'Source' });

const sourceInputSchema = z
  .object({
    platform: z.enum(PLATFORMS),
    channel: z.string().max(500).trim().min(1),
    title: z.string().max(500).trim().optional(),
    kind: z.enum(SOURCE_KINDS),
    credibility: z.number().min(0).max(1).optional().meta({ description: 'Default: the kind’s credibility' }),
    region: z.string().max(200).trim().optional(),
    registration: z.string().max(200).trim().optional(),
    note: z.string().max(2000).trim().optional(),
    firstSeenAt: isoInstant.optional(),
  })
  .strict()
  .meta({ id: 'SourceInput' });

const knownFakeSchema = z
  .object({
    id: z.string(),
    kind: z.enum(KNOWN_FAKE_KINDS),
    title: z.string(),
    text: z.string(),
    refutes: z.string().optional(),
    url: z.string().optional(),
    sourceChannel: z.string().optional(),
    placeIds: z.array(z.string()).optional(),
    origin: z.enum(KNOWN_FAKE_ORIGINS),
    alertId: z.string().optional(),
    status: z.enum(['active', 'retired']),
    embedded: z.boolean().meta({ description: 'Whether a sentence vector is stored (semantic match)' }),
    confirmedAt: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'KnownFake' });

const knownFakeInputSchema = z
  .object({
    kind: z.enum(KNOWN_FAKE_KINDS),
    title: z.string().max(500).trim().min(1),
    text: z.string().max(10_000).trim().min(1),
    refutes: idParam.optional(),
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
    sourceChannel: z.string().max(500).trim().optional(),
    placeIds: z.array(z.string().max(200)).max(50).optional(),
    confirmedAt: isoInstant.optional(),
    status: z.enum(['active', 'retired']).optional(),
  })
  .strict()
  .meta({ id: 'KnownFakeInput' });

const ANALYSTS = ['analyst', 'admin'] as const;
const READERS = ['analyst', 'duty_officer', 'leadership', 'admin'] as const;
const actor = (key: KeyInfo): string => `${key.name} (${key.id})`;
const idParams = z.object({ id: idParam });

function present(entry: KnownFake) {
  const { lemmas: _lemmas, vector, modelVersion: _model, ...rest } = entry;
  return { ...rest, embedded: vector !== undefined };
}

/**
 * Drops undefined values: zod's optional output is `T | undefined`, the use cases' inputs take absent
 * keys only (exactOptionalPropertyTypes); the cast states exactly what the filter did.
 */
function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** The sources registry (credibility of channels) and the known-fakes registry, both CRUD. */
export function registriesRoutes(deps: {
  sources: SourcesDeps;
  knownFakes: KnownFakesDeps;
}): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/sources',
      operationId: 'listSources',
      tag: 'sources',
      summary: 'Registered sources',
      roles: READERS,
      query: z
        .object({
          kind: z.enum(SOURCE_KINDS).optional(),
          platform: z.enum(PLATFORMS).optional(),
          region: z.string().max(200).optional(),
          q: z.string().max(200).optional(),
          limit: limitParam(50, 200),
          cursor: cursorParam,
        })
        .strict(),
      response: pageOf(sourceSchema).meta({ id: 'SourcePage' }),
      async handler({ query }) {
        const { cursor, limit, q, ...filters } = query;
        const key = `sources:${JSON.stringify({ ...filters, q })}`;
        const offset = offsetOf(cursor, key);
        const page = await listSources(deps.sources, {
          ...withoutUndefined(filters),
          ...(q === undefined ? {} : { text: q }),
          size: limit,
          from: offset,
        });
        return { ...page, nextCursor: nextOffsetCursor(key, offset, page.items.length, page.total) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/sources/{id}',
      operationId: 'getSource',
      tag: 'sources',
      summary: 'One registered source',
      roles: READERS,
      params: idParams,
      response: sourceSchema,
      errors: [404],
      handler: ({ params }) => viaUseCase(getSource(deps.sources, params.id)),
    }),
    defineRoute({
      method: 'put',
      path: '/sources',
      operationId: 'registerSource',
      tag: 'sources',
      summary: 'Register or update a source (keyed by platform + channel)',
      roles: ANALYSTS,
      body: sourceInputSchema,
      response: sourceSchema,
      handler: ({ body, key }) =>
        viaUseCase(registerSource(deps.sources, withoutUndefined(body) satisfies SourceInput, actor(key))),
    }),
    defineRoute({
      method: 'delete',
      path: '/sources/{id}',
      operationId: 'deleteSource',
      tag: 'sources',
      summary: 'Remove a source from the registry',
      roles: ANALYSTS,
      params: idParams,
      response: z.object({ deleted: z.boolean() }),
      errors: [404],
      async handler({ params }) {
        await viaUseCase(deleteSource(deps.sources, params.id));
        return { deleted: true };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/known-fakes',
      operationId: 'listKnownFakes',
      tag: 'known-fakes',
      summary: 'Known fakes and official refutations',
      roles: READERS,
      query: z
        .object({
          kind: z.enum(KNOWN_FAKE_KINDS).optional(),
          status: z.enum(['active', 'retired']).optional(),
          q: z.string().max(500).optional(),
          limit: limitParam(20, 100),
          cursor: cursorParam,
        })
        .strict(),
      response: pageOf(knownFakeSchema).meta({ id: 'KnownFakePage' }),
      async handler({ query }) {
        const { cursor, limit, q, ...filters } = query;
        const key = `known-fakes:${JSON.stringify({ ...filters, q })}`;
        const offset = offsetOf(cursor, key);
        const page = await listKnownFakes(deps.knownFakes, {
          ...withoutUndefined(filters),
          ...(q === undefined ? {} : { text: q }),
          size: limit,
          from: offset,
        });
        return {
          items: page.items.map(present),
          total: page.total,
          nextCursor: nextOffsetCursor(key, offset, page.items.length, page.total),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/known-fakes/{id}',
      operationId: 'getKnownFake',
      tag: 'known-fakes',
      summary: 'One known fake or refutation',
      roles: READERS,
      params: idParams,
      response: knownFakeSchema,
      errors: [404],
      handler: async ({ params }) => present(await viaUseCase(getKnownFake(deps.knownFakes, params.id))),
    }),
    defineRoute({
      method: 'post',
      path: '/known-fakes',
      operationId: 'addKnownFake',
      tag: 'known-fakes',
      summary: 'Add a known fake or refutation (the same kind + text is the same entry)',
      roles: ANALYSTS,
      body: knownFakeInputSchema,
      status: 201,
      response: knownFakeSchema,
      handler: async ({ body, key }) =>
        present(
          await viaUseCase(
            addKnownFake(deps.knownFakes, withoutUndefined(body) satisfies KnownFakeInput, actor(key)),
          ),
        ),
    }),
    defineRoute({
      method: 'put',
      path: '/known-fakes/{id}',
      operationId: 'updateKnownFake',
      tag: 'known-fakes',
      summary: 'Edit a known fake or refutation',
      roles: ANALYSTS,
      params: idParams,
      body: knownFakeInputSchema,
      response: knownFakeSchema,
      errors: [404],
      handler: async ({ params, body }) =>
        present(await viaUseCase(updateKnownFake(deps.knownFakes, params.id, withoutUndefined(body)))),
    }),
    defineRoute({
      method: 'delete',
      path: '/known-fakes/{id}',
      operationId: 'deleteKnownFake',
      tag: 'known-fakes',
      summary: 'Delete an entry (retire it instead to keep its history)',
      roles: ANALYSTS,
      params: idParams,
      response: z.object({ deleted: z.boolean() }),
      errors: [404],
      async handler({ params }) {
        await viaUseCase(deleteKnownFake(deps.knownFakes, params.id));
        return { deleted: true };
      },
    }),
  ];
}
