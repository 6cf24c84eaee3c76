import type { EmergencyLabel, CopyType, Role } from './truth';
import type { Source } from './sources';

/** A story: one text and its copies. The original's post id is known once it is emitted. */
export interface Story {
  readonly id: string;
  rootPostId: string | null;
  copies: number;
}

export interface Label {
  readonly story: Story;
  readonly copyType: CopyType;
  readonly topic: string;
  readonly role: Role;
  readonly placeId: string | null;
  readonly campaignId: string | null;
  readonly emergency: EmergencyLabel | null;
}

/** A post waiting for its hour: its text is final; its external id and URL are given on emission. */
export interface Draft {
  /** Epoch seconds. */
  readonly t: number;
  /** Creation order, to sort posts of the same second stably. */
  readonly seq: number;
  readonly source: Source;
  readonly text: string;
  readonly forwardedFrom?: string | undefined;
  readonly label: Label;
}

/**
 * Posts waiting to be emitted, bucketed by hour. Copies are scheduled after their original, so emitting
 * hour by hour in time order means an original always precedes its copies; only the hours ahead of
 * the current one are held in memory.
 */
export class Schedule {
  private readonly pending = new Map<number, Draft[]>();
  private seq = 0;
  private stories = 0;

  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  newStory(): Story {
    this.stories++;
    return { id: `s${this.stories}`, rootPostId: null, copies: 0 };
  }

  get storyCount(): number {
    return this.stories;
  }

  /** Clamps the time into the run, then files the post under its hour. */
  add(draft: Omit<Draft, 'seq'>): Draft {
    const t = Math.min(Math.max(Math.floor(draft.t), this.start), this.end - 1);
    // Written out rather than spread: this runs once per post.
    const full: Draft = {
      t,
      seq: this.seq++,
      source: draft.source,
      text: draft.text,
      forwardedFrom: draft.forwardedFrom,
      label: draft.label,
    };
    const hour = Math.floor((t - this.start) / 3600);
    let bucket = this.pending.get(hour);
    if (bucket === undefined) {
      bucket = [];
      this.pending.set(hour, bucket);
    }
    bucket.push(full);
    if (draft.label.copyType !== 'original') draft.label.story.copies++;
    return full;
  }

  /** Removes and returns the posts of one hour in time order. */
  take(hour: number): Draft[] {
    const bucket = this.pending.get(hour) ?? [];
    this.pending.delete(hour);
    return bucket.sort((a, b) => a.t - b.t || a.seq - b.seq);
  }

  /** Posts scheduled so far and not yet taken (used to size the background around incidents). */
  get pendingCount(): number {
    let n = 0;
    for (const b of this.pending.values()) n += b.length;
    return n;
  }
}
