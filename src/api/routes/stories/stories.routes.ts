import type { StoryDocument, StoryMember } from '../../../cluster/story';
import {
  StoryNotFoundError,
  SuggestionStateError,
  type StoryService,
  type StoryView,
} from '../../../cluster/story-service';
import type { PostDocument } from '../../../domain/post-document';
import type { PostSearchRepository } from '../../../store/post-search.repository';
import { HttpError } from '../../errors';
import { defineRoute, type RouteDefinition } from '../../openapi/route';
import { nextOffsetCursor, offsetOf } from '../../schemas/common';
import {
  decisionBodySchema,
  memberParams,
  storyDetailSchema,
  storyListQuerySchema,
  storyPageSchema,
  storyParams,
} from './schema';
import { analyzeQuery } from '../../../text';

export interface StoriesRouteDeps {
  stories: StoryService;
  postSearch: PostSearchRepository;
}

const READERS = ['analyst', 'duty_officer', 'leadership', 'admin'] as const;
/** Member posts loaded with a story detail: enough for the timeline of copies, bounded for big stories. */
const MEMBER_POSTS = 300;

const summary = (story: StoryDocument) => ({
  id: story.id,
  title: story.title,
  status: story.status,
  ...(story.mergedInto === undefined ? {} : { mergedInto: story.mergedInto }),
  size: story.size,
  suggestedCount: story.suggestedCount,
  firstSeenAt: story.firstSeenAt,
  lastActivityAt: story.lastActivityAt,
  patientZero: story.patientZeroPost,
  sources: story.sources,
});

const buckets = (record: Record<string, number>) =>
  Object.entries(record)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([start, count]) => ({ start, count }));

async function detail(view: StoryView, posts: PostSearchRepository) {
  const { story } = view;
  const byTime = [...story.members].sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : 1));
  const suggested = byTime.filter((m) => m.state === 'suggested');
  const wanted = [story.patientZero, ...suggested.map((m) => m.postId), ...byTime.map((m) => m.postId)];
  const docs = await posts.getMany([...new Set(wanted)].slice(0, MEMBER_POSTS));
  const byId = new Map<string, PostDocument>(docs.map((doc) => [doc.id, doc]));
  const withPost = (member: StoryMember) => {
    const post = byId.get(member.postId);
    return post === undefined ? member : { ...member, post };
  };
  const patientZeroPost = byId.get(story.patientZero);
  return {
    ...summary(story),
    ...(view.requestedId === undefined ? {} : { requestedId: view.requestedId }),
    representativeText: story.representativeText,
    ...(patientZeroPost === undefined ? {} : { patientZeroPost }),
    members: byTime.filter((m) => m.state !== 'suggested').map(withPost),
    suggested: suggested.map(withPost),
    platforms: story.platforms,
    timeline: { per5m: buckets(story.timeline.per5m), per1h: buckets(story.timeline.per1h) },
    history: story.history,
  };
}

async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof StoryNotFoundError) throw new HttpError(404, 'not_found', error.message);
    if (error instanceof SuggestionStateError) throw new HttpError(409, 'not_a_suggestion', error.message);
    throw error;
  }
}

/** Stories: list, detail with members, patient zero and timeline, and decisions on suggested members. */
export function storiesRoutes(deps: StoriesRouteDeps): RouteDefinition[] {
  const decide = (verb: 'confirm' | 'reject') =>
    defineRoute({
      method: 'post',
      path: `/stories/{id}/members/{postId}/${verb}`,
      operationId: verb === 'confirm' ? 'confirmStoryMember' : 'rejectStoryMember',
      tag: 'stories',
      summary: verb === 'confirm' ? 'Confirm a suggested member' : 'Reject a suggested member',
      description:
        verb === 'confirm'
          ? 'The post belongs to this story: its own story (if any) is merged into this one.'
          : 'The post does not belong here: it is never suggested for this story again.',
      roles: ['analyst', 'admin'],
      params: memberParams,
      body: decisionBodySchema,
      response: storyDetailSchema,
      errors: [404, 409],
      async handler({ params, body, key }) {
        const by = `${key.name} (${key.id})`;
        const view = await orNotFound(
          deps.stories.decideSuggestion({
            storyId: params.id,
            postId: params.postId,
            decision: verb,
            by,
            ...(body.note === undefined || body.note === '' ? {} : { note: body.note }),
          }),
        );
        return detail(view, deps.postSearch);
      },
    });
  return [
    defineRoute({
      method: 'get',
      path: '/stories',
      operationId: 'listStories',
      tag: 'stories',
      summary: 'List stories',
      roles: READERS,
      query: storyListQuerySchema,
      response: storyPageSchema,
      async handler({ query }) {
        const sortKey = `stories:${query.sort}:${query.status}:${query.q ?? ''}:${query.since ?? ''}`;
        const offset = offsetOf(query.cursor, sortKey);
        const page = await deps.stories.list({
          status: query.status,
          sort: query.sort,
          size: query.limit,
          from: offset,
          ...(query.q === undefined ? {} : { text: query.q, lemmas: analyzeQuery(query.q) }),
          ...(query.since === undefined ? {} : { since: query.since }),
        });
        return {
          items: page.items.map(summary),
          total: page.total,
          nextCursor: nextOffsetCursor(sortKey, offset, page.items.length, page.total),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/stories/{id}',
      operationId: 'getStory',
      tag: 'stories',
      summary: 'A story with members, patient zero, sources and timeline',
      description: 'An id that was merged into another story answers with that story (see `requestedId`).',
      roles: READERS,
      params: storyParams,
      response: storyDetailSchema,
      errors: [404],
      async handler({ params }) {
        return detail(await orNotFound(deps.stories.get(params.id)), deps.postSearch);
      },
    }),
    decide('confirm'),
    decide('reject'),
  ];
}
