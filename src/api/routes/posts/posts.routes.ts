import { z } from 'zod';
import type { BatchProducer } from '../../../pipeline/producer';
import { pushPosts } from '../../../pipeline/push';
import type { PostSearchRepository } from '../../../store/post-search.repository';
import { analyzeQuery } from '../../../text';
import { HttpError } from '../../errors';
import { defineRoute, type RouteDefinition } from '../../openapi/route';
import { decodeCursor, encodeCursor } from '../../schemas/common';
import {
  MAX_PUSH_BODY,
  postIdParams,
  postPageSchema,
  postSearchQuerySchema,
  postViewSchema,
  pushRequestSchema,
  pushResultSchema,
} from './schema';

export interface PostsRouteDeps {
  producer(source: string): Promise<BatchProducer>;
  postSearch: PostSearchRepository;
}

/**
 * What `search_after` takes for each sort (see `PostSearchRepository.search`): the score, `publishedAt`
 * in epoch milliseconds and the id. Elasticsearch answers anything else with an error, so a forged
 * cursor is refused here as a 400 instead of failing there as a 500.
 */
// zod's `.int()` accepts safe integers only, so a forged 1e300 is refused too.
const millis = z.number().int();
const idValue = z.string().max(200);
const SORT_VALUES = {
  relevance: z.tuple([z.number(), millis, idValue]),
  newest: z.tuple([millis, idValue]),
  oldest: z.tuple([millis, idValue]),
} as const;

/** Reading roles: everyone who looks at posts in the dashboard. */
const READERS = ['analyst', 'duty_officer', 'leadership', 'admin'] as const;

/** Posts: push ingestion (`ingest`), full-text search in Russian with filters, one post. */
export function postsRoutes(deps: PostsRouteDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/posts',
      operationId: 'pushPosts',
      tag: 'posts',
      summary: 'Push posts for ingestion',
      description:
        'HTTP push in Dozor’s own schema. Valid items are queued; invalid ones are rejected with a reason ' +
        'and recorded in the ledger. Follow the run at `/runs/{runId}`.',
      roles: ['ingest', 'admin'],
      body: pushRequestSchema,
      bodyLimit: MAX_PUSH_BODY,
      status: 202,
      response: pushResultSchema,
      async handler({ body, key, req }) {
        const producer = await deps.producer(
          `api ${key.name}${body.source === undefined ? '' : `: ${body.source}`}`,
        );
        return pushPosts(
          producer,
          body.posts,
          `api request ${typeof req.id === 'string' ? req.id : 'unknown'}`,
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/posts',
      operationId: 'searchPosts',
      tag: 'posts',
      summary: 'Search posts',
      description:
        'Full-text search in Russian: the query goes through the same lemmatizer as the pipeline, so ' +
        '«в Камешковском районе» finds «Камешковский район». Filters combine with AND; list values with OR.',
      roles: READERS,
      query: postSearchQuerySchema,
      response: postPageSchema,
      async handler({ query }) {
        const lemmas = analyzeQuery(query.q ?? '');
        const sort = query.sort === 'relevance' && lemmas.length === 0 ? 'newest' : query.sort;
        const cursor = decodeCursor(query.cursor, `posts:${sort}`, SORT_VALUES[sort]);
        const result = await deps.postSearch.search({
          lemmas,
          sort,
          size: query.limit,
          ...(cursor ? { after: cursor.after } : {}),
          ...(query.platform ? { platforms: query.platform } : {}),
          ...(query.channel ? { channels: query.channel } : {}),
          ...(query.place ? { places: query.place } : {}),
          ...(query.topic ? { topics: query.topic } : {}),
          ...(query.department ? { departments: query.department } : {}),
          ...(query.storyId === undefined ? {} : { storyId: query.storyId }),
          ...(query.from === undefined ? {} : { from: query.from }),
          ...(query.to === undefined ? {} : { to: query.to }),
        });
        const last = result.hits.at(-1);
        return {
          items: result.hits.map((hit) => hit.doc),
          total: result.total,
          nextCursor:
            last !== undefined && result.hits.length === query.limit
              ? encodeCursor({ sort: `posts:${sort}`, after: last.sort })
              : null,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/posts/{id}',
      operationId: 'getPost',
      tag: 'posts',
      summary: 'One post',
      roles: READERS,
      params: postIdParams,
      response: postViewSchema,
      errors: [404],
      async handler({ params }) {
        const [post] = await deps.postSearch.getMany([params.id]);
        if (post === undefined) throw new HttpError(404, 'not_found', `No post ${params.id}`);
        return post;
      },
    }),
  ];
}
