import { analyzeQuery } from '../text';
import { DETECTORS } from '../detect/detectors.config';
import type { KnownFakeListQuery, KnownFakesRepository } from '../store/known-fakes.repository';
import type { SourceListQuery, SourcesRepository } from '../store/sources.repository';
import { ReviewError } from './errors';
import {
  knownFakeIdFor,
  sourceIdFor,
  type KnownFake,
  type KnownFakeInput,
  type SourceInput,
  type SourceRecord,
} from './registry';
import type { Actor } from './review';

/**
 * Use cases of the two registries (API routes call these): known fakes and official refutations, and
 * sources with their credibility. Derived fields (lemmas, vector, default credibility) are computed here
 * so every way in (API, CLI, confirmed alerts) stores the same thing.
 */

/** Embeds texts on the side the fake detector matches (the heads' side); absent: lexical match only. */
export interface TextEmbedder {
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  modelVersion: string;
}

export interface KnownFakesDeps {
  knownFakes: Pick<KnownFakesRepository, 'get' | 'upsert' | 'list' | 'delete'>;
  embedder?: TextEmbedder;
  now?: () => Date;
}

const MAX_TEXT = 10_000;

function checkInput(input: KnownFakeInput): void {
  if (input.title.trim() === '') throw new ReviewError('invalid_input', 'title must not be empty');
  if (input.text.trim() === '') throw new ReviewError('invalid_input', 'text must not be empty');
  if (input.text.length > MAX_TEXT)
    throw new ReviewError('invalid_input', `text is longer than ${MAX_TEXT} characters`);
}

async function derive(
  deps: KnownFakesDeps,
  input: KnownFakeInput,
): Promise<Pick<KnownFake, 'lemmas' | 'vector' | 'modelVersion'>> {
  const lemmas = analyzeQuery(input.text);
  if (deps.embedder === undefined) return { lemmas };
  const [vector] = await deps.embedder.embed([input.text]);
  return vector === undefined
    ? { lemmas }
    : { lemmas, vector: Array.from(vector), modelVersion: deps.embedder.modelVersion };
}

function optional(input: KnownFakeInput): Partial<KnownFake> {
  const out: Partial<KnownFake> = {};
  if (input.refutes !== undefined) out.refutes = input.refutes;
  if (input.url !== undefined) out.url = input.url;
  if (input.sourceChannel !== undefined) out.sourceChannel = input.sourceChannel;
  if (input.placeIds !== undefined) out.placeIds = input.placeIds;
  return out;
}

/** Adds an entry; the same kind + text added twice is the same entry (updated). */
export async function addKnownFake(
  deps: KnownFakesDeps,
  input: KnownFakeInput,
  by: Actor,
): Promise<KnownFake> {
  checkInput(input);
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const id = knownFakeIdFor({ kind: input.kind, text: input.text });
  const existing = await deps.knownFakes.get(id);
  const entry: KnownFake = {
    id,
    kind: input.kind,
    title: input.title.trim(),
    text: input.text.trim(),
    ...(await derive(deps, input)),
    ...optional(input),
    origin: existing?.origin ?? 'analyst',
    status: input.status ?? 'active',
    confirmedAt: input.confirmedAt ?? existing?.confirmedAt ?? at,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
    createdBy: existing?.createdBy ?? by,
  };
  await deps.knownFakes.upsert(entry);
  return entry;
}

/** Replaces an entry's editable fields (text changes re-derive lemmas and vector). */
export async function updateKnownFake(
  deps: KnownFakesDeps,
  id: string,
  input: KnownFakeInput,
): Promise<KnownFake> {
  checkInput(input);
  const existing = await deps.knownFakes.get(id);
  if (existing === undefined) throw new ReviewError('not_found', `known fake ${id} does not exist`);
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const {
    refutes: _r,
    url: _u,
    sourceChannel: _s,
    placeIds: _p,
    vector: _v,
    modelVersion: _m,
    ...kept
  } = existing;
  const entry: KnownFake = {
    ...kept,
    kind: input.kind,
    title: input.title.trim(),
    text: input.text.trim(),
    ...(await derive(deps, input)),
    ...optional(input),
    status: input.status ?? existing.status,
    confirmedAt: input.confirmedAt ?? existing.confirmedAt,
    updatedAt: at,
  };
  await deps.knownFakes.upsert(entry);
  return entry;
}

export async function getKnownFake(deps: Pick<KnownFakesDeps, 'knownFakes'>, id: string): Promise<KnownFake> {
  const entry = await deps.knownFakes.get(id);
  if (entry === undefined) throw new ReviewError('not_found', `known fake ${id} does not exist`);
  return entry;
}

export function listKnownFakes(
  deps: Pick<KnownFakesDeps, 'knownFakes'>,
  query: KnownFakeListQuery,
): Promise<{ total: number; items: KnownFake[] }> {
  return deps.knownFakes.list(query);
}

export async function deleteKnownFake(deps: Pick<KnownFakesDeps, 'knownFakes'>, id: string): Promise<void> {
  if (!(await deps.knownFakes.delete(id)))
    throw new ReviewError('not_found', `known fake ${id} does not exist`);
}

export interface SourcesDeps {
  sources: Pick<SourcesRepository, 'get' | 'upsert' | 'list' | 'delete'>;
  now?: () => Date;
}

function sourceRecordOf(input: SourceInput, by: Actor, at: string): SourceRecord {
  if (input.channel.trim() === '') throw new ReviewError('invalid_input', 'channel must not be empty');
  const credibility = input.credibility ?? DETECTORS.sources.credibility[input.kind];
  if (!(credibility >= 0 && credibility <= 1))
    throw new ReviewError('invalid_input', 'credibility must be between 0 and 1');
  return {
    id: sourceIdFor(input.platform, input.channel.trim()),
    platform: input.platform,
    channel: input.channel.trim(),
    kind: input.kind,
    credibility,
    ...(input.title === undefined ? {} : { title: input.title }),
    ...(input.region === undefined ? {} : { region: input.region }),
    ...(input.registration === undefined ? {} : { registration: input.registration }),
    ...(input.note === undefined ? {} : { note: input.note }),
    ...(input.firstSeenAt === undefined ? {} : { firstSeenAt: input.firstSeenAt }),
    updatedAt: at,
    updatedBy: by,
  };
}

/** Registers or updates a source; credibility defaults to its kind's (see detectors config). */
export async function registerSource(
  deps: SourcesDeps,
  input: SourceInput,
  by: Actor,
): Promise<SourceRecord> {
  const record = sourceRecordOf(input, by, (deps.now ?? (() => new Date()))().toISOString());
  await deps.sources.upsert(record);
  return record;
}

/** Registers many sources at once (a registry file); all are validated before any is written. */
export async function registerSources(
  deps: { sources: Pick<SourcesRepository, 'bulkUpsert'>; now?: () => Date },
  inputs: readonly SourceInput[],
  by: Actor,
): Promise<SourceRecord[]> {
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const records = inputs.map((input) => sourceRecordOf(input, by, at));
  await deps.sources.bulkUpsert(records);
  return records;
}

export async function getSource(deps: Pick<SourcesDeps, 'sources'>, id: string): Promise<SourceRecord> {
  const record = await deps.sources.get(id);
  if (record === undefined) throw new ReviewError('not_found', `source ${id} is not registered`);
  return record;
}

export function listSources(
  deps: Pick<SourcesDeps, 'sources'>,
  query: SourceListQuery,
): Promise<{ total: number; items: SourceRecord[] }> {
  return deps.sources.list(query);
}

export async function deleteSource(deps: Pick<SourcesDeps, 'sources'>, id: string): Promise<void> {
  if (!(await deps.sources.delete(id))) throw new ReviewError('not_found', `source ${id} is not registered`);
}
