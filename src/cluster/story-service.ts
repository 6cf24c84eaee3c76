import type { LshRepository } from '../store/lsh.repository';
import type { StoriesRepository, StoryListQuery } from '../store/stories.repository';
import type { StoryDocument } from './story';
import { writeStoryOps, type StoryOp } from './story-ops';

/** Thrown by use cases when a story or member does not exist; routes map it to 404. */
export class StoryNotFoundError extends Error {
  override readonly name = 'StoryNotFoundError';
}

export interface StoryServiceDeps {
  lsh: LshRepository;
  stories: StoriesRepository;
  now?: () => Date;
}

/** A story as shown to users: merged ids resolve to the story they were merged into. */
export interface StoryView {
  story: StoryDocument;
  /** Set when the id asked for was merged into `story`. */
  requestedId?: string;
}

/**
 * Use cases of stories for the API and CLI: read, list, and an analyst's decision on a suggested member.
 * Decisions are stored in Redis (so the cluster stage respects them at once) and in the story record.
 */
export class StoryService {
  private readonly now: () => Date;

  constructor(private readonly deps: StoryServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** A story by id, following merges (at most a few hops). */
  async get(id: string): Promise<StoryView> {
    let story = await this.deps.stories.get(id);
    for (let hops = 0; story?.status === 'merged' && story.mergedInto !== undefined && hops < 10; hops++) {
      story = await this.deps.stories.get(story.mergedInto);
    }
    if (!story) throw new StoryNotFoundError(`story ${id} not found`);
    return story.id === id ? { story } : { story, requestedId: id };
  }

  list(query: StoryListQuery): Promise<{ total: number; items: StoryDocument[] }> {
    return this.deps.stories.list(query);
  }

  /**
   * Confirms a suggested member: the post's own story and this story are one story from now on (merged,
   * even if an earlier decision rejected the pair), and the member is marked `confirmed`.
   */
  async confirmMember(storyId: string, postId: string, analyst: string): Promise<StoryView> {
    const { story } = await this.get(storyId);
    this.assertMember(story, postId);
    const at = this.now().toISOString();
    const ops = new Map<string, StoryOp[]>([
      [story.id, [{ kind: 'decide', postId, state: 'confirmed', at, by: analyst }]],
    ]);
    const [assignment] = await this.deps.lsh.assignments([postId]);
    if (assignment) {
      const [merged] = await this.deps.lsh.merge([
        { a: story.id, b: assignment.storyId, force: true, postId, by: analyst, at },
      ]);
      if (merged?.kind === 'merged') {
        const mergeOp: StoryOp = { kind: 'merge-into', into: merged.survivor, at, by: analyst, postId };
        ops.set(merged.loser, [...(ops.get(merged.loser) ?? []), mergeOp]);
        await writeStoryOps(this.deps.stories, ops, () => this.now().toISOString());
        await this.deps.lsh.mergeWritten([merged.loser]);
        return this.get(story.id);
      }
    }
    await writeStoryOps(this.deps.stories, ops, () => this.now().toISOString());
    return this.get(story.id);
  }

  /**
   * Rejects a suggested member: the post's story and this story are never merged automatically again,
   * and the post is not suggested for this story again.
   */
  async rejectMember(storyId: string, postId: string, analyst: string): Promise<StoryView> {
    const { story } = await this.get(storyId);
    this.assertMember(story, postId);
    const at = this.now().toISOString();
    const [assignment] = await this.deps.lsh.assignments([postId]);
    if (assignment) await this.deps.lsh.reject(story.id, assignment.storyId);
    await writeStoryOps(
      this.deps.stories,
      new Map([
        [story.id, [{ kind: 'decide', postId, state: 'rejected', at, by: analyst } satisfies StoryOp]],
      ]),
      () => this.now().toISOString(),
    );
    return this.get(story.id);
  }

  private assertMember(story: StoryDocument, postId: string): void {
    if (!story.members.some((m) => m.postId === postId)) {
      throw new StoryNotFoundError(`post ${postId} is not a listed member of story ${story.id}`);
    }
  }
}
