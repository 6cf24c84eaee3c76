import type { Encoder } from '../../models/encoder';
import type { Classifier } from '../../models/heads/classifier';
import type { PostInFlight } from '../jobs';
import type { PoisonPost, StageHandler } from './stage';

export interface EnrichStageDeps {
  encoder: Pick<Encoder, 'model' | 'version' | 'embedQueries' | 'embedPassages'>;
  /** Loaded with the `topic` task; the side its heads were trained on is the side posts are embedded on. */
  classifier: Pick<Classifier, 'classify' | 'kind'>;
}

/**
 * Stored vectors are rounded: six decimals change no cosine that matters (< 1e-5) and keep a batch of
 * 250 posts small enough to travel through Redis between stages.
 */
const VECTOR_DECIMALS = 1e6;

/**
 * Embeds each post once with the local encoder and assigns zero-shot topics from that vector. The vector
 * is stored on the post for semantic clustering, search and known-fake matching, keyed by the model's
 * name and version; a retried batch skips posts that already carry this version's vector. When a batch
 * fails as a whole, its posts are embedded one by one so a single poison text is isolated.
 */
export function enrichStage(deps: EnrichStageDeps): StageHandler {
  const modelVersion = `${deps.encoder.model}@${deps.encoder.version}`;
  const enrichAll = async (items: readonly PostInFlight[]): Promise<PostInFlight[]> => {
    const texts = items.map((item) => item.doc?.textClean ?? '');
    // Emoji, numbers or stop words alone carry nothing to embed: such posts get no vector and no topics.
    const wanted = items.flatMap((item, i) =>
      item.doc !== undefined && item.doc.modelVersion !== modelVersion && item.doc.lemmas.length > 0
        ? [i]
        : [],
    );
    if (wanted.length === 0) return [...items];
    const wantedTexts = wanted.map((i) => texts[i] ?? '');
    const vectors =
      deps.classifier.kind === 'query'
        ? await deps.encoder.embedQueries(wantedTexts)
        : await deps.encoder.embedPassages(wantedTexts);
    const results = deps.classifier.classify('topic', vectors);
    const out = [...items];
    wanted.forEach((itemIndex, j) => {
      const item = items[itemIndex];
      const result = results[j];
      const vector = vectors[j];
      if (item?.doc === undefined || result === undefined || vector === undefined) return;
      out[itemIndex] = {
        ...item,
        doc: {
          ...item.doc,
          vector: Array.from(vector, (value) => Math.round(value * VECTOR_DECIMALS) / VECTOR_DECIMALS),
          topics: (result.labels ?? []).map((label) => label.label),
          modelVersion,
        },
      };
    });
    return out;
  };

  return async (batch) => {
    try {
      return { next: { ...batch, posts: await enrichAll(batch.posts) }, poison: [] };
    } catch (batchError) {
      if (batch.posts.length <= 1) throw batchError;
      const posts: PostInFlight[] = [];
      const poison: PoisonPost[] = [];
      for (const item of batch.posts) {
        try {
          posts.push(...(await enrichAll([item])));
        } catch (error) {
          poison.push({ item, error });
        }
      }
      return { next: { ...batch, posts }, poison };
    }
  };
}
