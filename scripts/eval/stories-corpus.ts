/**
 * The synthetic corpus as the cluster stage receives it: every generated post parsed by Dozor's input
 * schema and analysed by the normalize stage's code, with its ground truth. Shared by the story
 * evaluation and the story benchmark.
 */
import { generate, type GenerateOptions } from '../../datasets/synthetic/generator';
import type { TruthRecord } from '../../datasets/synthetic/truth';
import type { PostDocument } from '../../src/domain/post-document';
import { postFromInput, postInputSchema } from '../../src/domain/post-input';
import { analyzePost } from '../../src/text';

export interface CorpusPost {
  doc: PostDocument;
  truth: TruthRecord;
}

/** Streams the posts of a generated scenario in publication order (the generator's order). */
export function* syntheticPosts(options: GenerateOptions): Generator<CorpusPost> {
  const iterator = generate(options);
  for (let r = iterator.next(); r.done !== true; r = iterator.next()) {
    const post = postFromInput(postInputSchema.parse(r.value.post));
    const a = analyzePost(post.text);
    yield {
      doc: {
        ...post,
        textClean: a.textClean,
        lemmas: a.lemmas,
        lang: a.lang,
        hashtags: a.hashtags,
        mentions: a.mentions,
        urls: a.urls,
        fingerprint: a.fingerprint,
        ingestedAt: post.publishedAt,
      },
      truth: r.value.truth,
    };
  }
}
