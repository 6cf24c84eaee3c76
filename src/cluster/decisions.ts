import type { LshRepository } from '../store/lsh.repository';
import type { StoriesRepository } from '../store/stories.repository';
import { writeStoryOps, type StoryOp } from './story-ops';
import { StoryNotFoundError, resolveStory, type StoryView } from './story-view';

/** An analyst's decision on a suggested member of a story. */
export interface SuggestionDecision {
  /** The story the post was suggested for (a merged id resolves to its survivor). */
  storyId: string;
  postId: string;
  /** `confirm`: the post is this story; `reject`: it is not, and must not be suggested here again. */
  decision: 'confirm' | 'reject';
  /** Who decided (an analyst's name or key id): kept in the story's history. */
  by: string;
  /** Why, in the analyst's words: kept in the story's history. */
  note?: string;
}

/** Thrown when the member is not a suggestion (an automatic member); routes map it to 409. */
export class SuggestionStateError extends Error {
  override readonly name = 'SuggestionStateError';
}

export interface DecisionDeps {
  lsh: Pick<LshRepository, 'assignments' | 'merge' | 'mergeWritten' | 'reject'>;
  stories: Pick<StoriesRepository, 'get' | 'getVersioned' | 'writeGuarded'>;
  now?: () => Date;
}

/**
 * Applies an analyst's decision on a suggested member, in the shared clustering state (Redis) first so
 * the cluster stage respects it for every later post, then in the story record (with a history entry):
 *
 * - `confirm`: the post's own story and this story become one (merged, even if an earlier decision
 *   rejected the pair; the story with the earlier patient zero survives), so the post and every later
 *   copy of it count in the story; the member is marked `confirmed`.
 * - `reject`: the post's story and this story are never merged automatically, and none of its posts is
 *   suggested for this story again; the member is marked `rejected`.
 *
 * A decision may be changed later (reject, then confirm); repeating the same decision changes nothing.
 * Throws {@link StoryNotFoundError} when the story does not exist or does not list the post, and
 * {@link SuggestionStateError} when the post is an automatic member (nothing to decide).
 * Returns the story as it is afterwards (the survivor, when the confirmation merged it away).
 */
export async function decideSuggestion(deps: DecisionDeps, input: SuggestionDecision): Promise<StoryView> {
  const now = deps.now ?? (() => new Date());
  const { story } = await resolveStory(deps.stories, input.storyId);
  const member = story.members.find((m) => m.postId === input.postId);
  if (!member)
    throw new StoryNotFoundError(`post ${input.postId} is not a listed member of story ${story.id}`);
  if (member.state === 'auto') {
    throw new SuggestionStateError(
      `post ${input.postId} joined story ${story.id} automatically: nothing to decide`,
    );
  }
  const state = input.decision === 'confirm' ? 'confirmed' : 'rejected';
  if (member.state === state) return resolveStory(deps.stories, story.id);

  const at = now().toISOString();
  const decide: StoryOp = {
    kind: 'decide',
    postId: input.postId,
    state,
    at,
    by: input.by,
    ...(input.note === undefined ? {} : { note: input.note }),
  };
  const ops = new Map<string, StoryOp[]>([[story.id, [decide]]]);
  // The post's own story, as the cluster stage stored it.
  const [assignment] = await deps.lsh.assignments([input.postId]);
  const losers: string[] = [];
  if (assignment && input.decision === 'reject') {
    await deps.lsh.reject(story.id, assignment.storyId);
  } else if (assignment) {
    const [merged] = await deps.lsh.merge([
      { a: story.id, b: assignment.storyId, force: true, postId: input.postId, by: input.by, at },
    ]);
    if (merged?.kind === 'merged') {
      // The decision lands first, so the merge carries the confirmed member to the survivor.
      const mergeOp: StoryOp = {
        kind: 'merge-into',
        into: merged.survivor,
        at,
        by: input.by,
        postId: input.postId,
      };
      ops.set(merged.loser, [...(ops.get(merged.loser) ?? []), mergeOp]);
      losers.push(merged.loser);
    }
  }
  await writeStoryOps(deps.stories, ops, () => now().toISOString());
  await deps.lsh.mergeWritten(losers);
  return resolveStory(deps.stories, story.id);
}
