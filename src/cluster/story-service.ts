import type { LshRepository } from '../store/lsh.repository';
import type { StoriesRepository, StoryListQuery } from '../store/stories.repository';
import { decideSuggestion, type SuggestionDecision } from './decisions';
import type { StoryDocument } from './story';
import { resolveStory, type StoryView } from './story-view';

export { SuggestionStateError, decideSuggestion, type SuggestionDecision } from './decisions';
export { StoryNotFoundError, type StoryView } from './story-view';

export interface StoryServiceDeps {
  lsh: LshRepository;
  stories: StoriesRepository;
  now?: () => Date;
}

/**
 * Use cases of stories for the API and CLI: read, list, and an analyst's decision on a suggested member
 * (see {@link decideSuggestion}: stored in Redis, so the cluster stage respects it at once, and in the
 * story record's history).
 */
export class StoryService {
  constructor(private readonly deps: StoryServiceDeps) {}

  /** A story by id, following merges. */
  get(id: string): Promise<StoryView> {
    return resolveStory(this.deps.stories, id);
  }

  list(query: StoryListQuery): Promise<{ total: number; items: StoryDocument[] }> {
    return this.deps.stories.list(query);
  }

  /** See {@link decideSuggestion}. */
  decideSuggestion(input: SuggestionDecision): Promise<StoryView> {
    return decideSuggestion(this.deps, input);
  }

  /** Confirms a suggested member: `decideSuggestion` with `confirm`. */
  confirmMember(storyId: string, postId: string, analyst: string): Promise<StoryView> {
    return this.decideSuggestion({ storyId, postId, decision: 'confirm', by: analyst });
  }

  /** Rejects a suggested member: `decideSuggestion` with `reject`. */
  rejectMember(storyId: string, postId: string, analyst: string): Promise<StoryView> {
    return this.decideSuggestion({ storyId, postId, decision: 'reject', by: analyst });
  }
}
