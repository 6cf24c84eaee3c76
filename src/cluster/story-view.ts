import type { StoriesRepository } from '../store/stories.repository';
import type { StoryDocument } from './story';

/** Thrown by use cases when a story or member does not exist; routes map it to 404. */
export class StoryNotFoundError extends Error {
  override readonly name = 'StoryNotFoundError';
}

/** A story as shown to users: merged ids resolve to the story they were merged into. */
export interface StoryView {
  story: StoryDocument;
  /** Set when the id asked for was merged into `story`. */
  requestedId?: string;
}

/** Merge pointers followed at most: merges chain only through a few bridges. */
const MAX_HOPS = 10;

/** A story by id, following merges; throws {@link StoryNotFoundError} when there is none. */
export async function resolveStory(stories: Pick<StoriesRepository, 'get'>, id: string): Promise<StoryView> {
  let story = await stories.get(id);
  for (
    let hops = 0;
    story?.status === 'merged' && story.mergedInto !== undefined && hops < MAX_HOPS;
    hops++
  ) {
    story = await stories.get(story.mergedInto);
  }
  if (!story) throw new StoryNotFoundError(`story ${id} not found`);
  return story.id === id ? { story } : { story, requestedId: id };
}
