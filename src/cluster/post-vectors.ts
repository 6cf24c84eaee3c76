import type { Config } from '../config/config';
import type { Encoder } from '../models/encoder';
import { createEncoder } from '../models/encoder-pool';
import { Classifier } from '../models/heads/classifier';
import { getModelEntry } from '../models/model-registry';

/** Embeds texts the way the enrich stage embeds posts, so their cosines are the semantic level's. */
export interface PostEmbedder {
  /** e5 side the vectors are on (the topic heads' side, as in the enrich stage). */
  readonly kind: Classifier['kind'];
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/**
 * Starts the encoder with the enrich stage's settings: the e5 side and token budget the topic heads were
 * trained on (src/main/pipeline.ts loads it the same way). The semantic thresholds are cosines of those
 * vectors, and the two e5 sides give different cosines for the same pair: `dozor similar` and the
 * evaluation must measure on the side the pipeline stores.
 */
export async function createPostEmbedder(config: Pick<Config, 'modelDir'>): Promise<PostEmbedder> {
  const entry = getModelEntry('multilingual-e5-small');
  const classifier = Classifier.load({
    encoder: { model: entry.name, version: entry.version, dim: entry.dim },
    tasks: ['topic'],
  });
  const encoder: Encoder = await createEncoder(config, {
    model: 'multilingual-e5-small',
    maxTokens: classifier.maxTokens,
  });
  const kind = classifier.kind;
  return {
    kind,
    embed: (texts) => (kind === 'query' ? encoder.embedQueries(texts) : encoder.embedPassages(texts)),
    close: () => encoder.close(),
  };
}
