import type { Post } from './post';

/** A post as stored in the posts index: the canonical post plus everything the pipeline derived. */
export interface PostDocument extends Post {
  textClean: string;
  /** Russian lemmas (our own analysis), searched through a whitespace-analyzed field. */
  lemmas: string[];
  lang: string;
  hashtags: string[];
  mentions: string[];
  urls: string[];
  /** Hash of the normalized content: identical for trivially different copies. */
  fingerprint: string;
  ingestedAt: string;
  vector?: number[];
  /** Name and version of the encoder that produced `vector` and `topics`. */
  modelVersion?: string;
  topics?: string[];
  places?: string[];
  storyId?: string;
  department?: string;
}
