import type { estypes } from '@elastic/elasticsearch';

/** One logical index: readers and writers use the alias, the data lives in `<alias>-v<version>`. */
export interface IndexDefinition {
  name: IndexName;
  version: number;
  mappings: estypes.MappingTypeMapping;
}

export const INDEX_NAMES = [
  'posts',
  'stories',
  'alerts',
  'sources',
  'rejects',
  'known-fakes',
  'appeals',
] as const;
export type IndexName = (typeof INDEX_NAMES)[number];

/** Embedding width of multilingual-e5-small. */
export const VECTOR_DIMS = 384;

const keyword = { type: 'keyword' } as const;
const date = { type: 'date' } as const;
const integer = { type: 'integer' } as const;
const float = { type: 'float' } as const;
/** Standard analyzer: exact words as written, for phrase search and highlighting. */
const text = { type: 'text', analyzer: 'standard' } as const;
/**
 * Russian analysis happens in our code (the stripped ES build has no `russian` analyzer, and a full
 * cluster's would differ from ours): lemmas are joined by spaces and split back by `whitespace`.
 */
const lemmas = { type: 'text', analyzer: 'whitespace', norms: false } as const;
const disabled = { type: 'object', enabled: false } as const;

const posts: IndexDefinition = {
  name: 'posts',
  version: 1,
  mappings: {
    // Unknown fields are kept in _source but not indexed: hostile input cannot explode the mapping.
    dynamic: false,
    properties: {
      id: keyword,
      platform: keyword,
      channel: keyword,
      channelTitle: { type: 'text', analyzer: 'standard', fields: { raw: keyword } },
      author: keyword,
      externalId: keyword,
      url: { type: 'keyword', index: false },
      text: { ...text, index_options: 'offsets' as const },
      textClean: text,
      lemmas,
      lang: keyword,
      hashtags: keyword,
      mentions: keyword,
      urls: { type: 'keyword', ignore_above: 2048 },
      fingerprint: keyword,
      forwardedFrom: keyword,
      publishedAt: date,
      ingestedAt: date,
      metrics: {
        properties: { views: integer, likes: integer, reposts: integer, comments: integer },
      },
      vector: { type: 'dense_vector', dims: VECTOR_DIMS, similarity: 'cosine', index: true },
      modelVersion: keyword,
      topics: keyword,
      places: keyword,
      storyId: keyword,
      department: keyword,
      raw: disabled,
    },
  },
};

const stories: IndexDefinition = {
  name: 'stories',
  // v2: members and sources stored, not indexed (no query reads them, and as nested fields every
  // member was one more Lucene document per story write).
  version: 2,
  mappings: {
    dynamic: false,
    properties: {
      id: keyword,
      title: text,
      representativeText: text,
      lemmas,
      patientZero: keyword,
      firstSeenAt: date,
      lastActivityAt: date,
      size: integer,
      status: keyword,
      mergedInto: keyword,
      members: disabled,
      sources: disabled,
      timeline: disabled,
      history: disabled,
    },
  },
};

const alerts: IndexDefinition = {
  name: 'alerts',
  version: 1,
  mappings: {
    dynamic: false,
    properties: {
      id: keyword,
      type: keyword,
      subjectKey: keyword,
      storyId: keyword,
      topic: keyword,
      place: keyword,
      category: keyword,
      severity: keyword,
      score: float,
      status: keyword,
      assignee: keyword,
      title: text,
      createdAt: date,
      updatedAt: date,
      signals: disabled,
      comments: disabled,
      audit: disabled,
    },
  },
};

const sources: IndexDefinition = {
  name: 'sources',
  version: 1,
  mappings: {
    dynamic: false,
    properties: {
      id: keyword,
      platform: keyword,
      channel: keyword,
      title: text,
      kind: keyword,
      credibility: float,
      region: keyword,
      firstSeenAt: date,
      updatedAt: date,
    },
  },
};

/** The ledger's rejected posts: what came in, why it was refused, and from where. */
const rejects: IndexDefinition = {
  name: 'rejects',
  version: 1,
  mappings: {
    dynamic: false,
    properties: {
      id: keyword,
      code: keyword,
      reason: text,
      source: keyword,
      ref: keyword,
      batchId: keyword,
      rejectedAt: date,
      sample: { type: 'keyword', index: false },
    },
  },
};

/** Known fakes and official refutations that new posts are matched against (semantic + lexical). */
const knownFakes: IndexDefinition = {
  name: 'known-fakes',
  version: 1,
  mappings: {
    dynamic: false,
    properties: {
      id: keyword,
      kind: keyword,
      title: text,
      text,
      lemmas,
      vector: { type: 'dense_vector', dims: VECTOR_DIMS, similarity: 'cosine', index: true },
      modelVersion: keyword,
      refutes: keyword,
      placeIds: keyword,
      origin: keyword,
      alertId: keyword,
      status: keyword,
      confirmedAt: date,
      createdAt: date,
      updatedAt: date,
    },
  },
};

/** Residents' problems routed to a department, with their response deadline (one per story). */
const appeals: IndexDefinition = {
  name: 'appeals',
  version: 1,
  mappings: {
    dynamic: false,
    properties: {
      id: keyword,
      storyId: keyword,
      title: text,
      topic: keyword,
      department: keyword,
      routedBy: keyword,
      region: keyword,
      place: keyword,
      openedAt: date,
      deadlineAt: date,
      status: keyword,
      respondedAt: date,
      responseMs: { type: 'long' },
      createdAt: date,
      updatedAt: date,
    },
  },
};

export const INDEX_DEFINITIONS: Record<IndexName, IndexDefinition> = {
  posts,
  stories,
  alerts,
  sources,
  rejects,
  'known-fakes': knownFakes,
  appeals,
};

/** The alias every reader and writer uses, e.g. `dozor-posts`. */
export const aliasName = (prefix: string, name: IndexName): string => `${prefix}-${name}`;

/** The concrete index behind the alias, e.g. `dozor-posts-v1`. */
export const versionedIndexName = (prefix: string, definition: IndexDefinition): string =>
  `${aliasName(prefix, definition.name)}-v${definition.version}`;
