import { existsSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { loadConfig } from '../config/config';
import type { Encoder } from './encoder';
import { createEncoder } from './encoder-pool';
import { getModelEntry } from './model-registry';
import { loadNormalizer, prepareText, prepareTextQuick } from './text-prep';

const config = loadConfig();
const entry = getModelEntry('multilingual-e5-small');
const built = existsSync(path.join(config.modelDir, entry.folder, 'onnx'));
if (!built) {
  process.stderr.write(
    `encoder.spec: skipped, no model in ${config.modelDir}; run \`npm run models:build\` (npm test does).\n`,
  );
}
const describeWithModel = built ? describe : describe.skip;

function norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
}

function cosine(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
}

describeWithModel('the local encoder (worker threads)', () => {
  let encoder: Encoder;

  beforeAll(async () => {
    encoder = await createEncoder(config, { maxTokens: 64, batchSize: 4 });
  }, 120_000);

  afterAll(async () => {
    await encoder.close();
  });

  it('returns one normalized 384-dim vector per text, in input order', async () => {
    const texts = ['Нет горячей воды', 'a much longer text about a burst pipe flooding the street', 'пожар'];
    const vectors = await encoder.embedPassages(texts);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toHaveLength(384);
      expect(norm(vector)).toBeCloseTo(1, 4);
    }
    // Same text alone: the same vector up to the per-batch int8 activation scale (next tests).
    const [alone] = await encoder.embedPassages(['пожар']);
    expect(cosine(alone ?? new Float32Array(384), vectors[2] ?? new Float32Array(384))).toBeGreaterThan(
      0.999,
    );
  });

  it('survives bad input: empty, 100k characters, emoji only, mixed scripts, lone surrogates', async () => {
    const texts = ['', 'ж'.repeat(100_000), '🔥🔥🔥😡', 'Курск Kursk 中文 Ἀθῆναι 𓀀', '\uD800', '   '];
    const vectors = await encoder.embedQueries(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const vector of vectors) expect(norm(vector)).toBeCloseTo(1, 4);
  });

  it('truncates long text: only the first maxTokens tokens count', async () => {
    const head = 'Во дворе прорвало трубу. '.repeat(20);
    const [a, b] = await encoder.embedPassages([head, head + 'Совсем другая тема про выборы. '.repeat(50)]);
    expect(cosine(a ?? new Float32Array(384), b ?? new Float32Array(384))).toBeGreaterThan(0.999);
  });

  it('cuts long texts early without changing a token (the tokenizer splits words at spaces)', async () => {
    env.allowRemoteModels = false;
    env.localModelPath = config.modelDir + path.sep;
    const tokenizer = await AutoTokenizer.from_pretrained(entry.folder, { local_files_only: true });
    const normalize = loadNormalizer(path.join(config.modelDir, entry.folder));
    const ids = (text: string): number[] => tokenizer.encode(text);
    const texts = [
      'Прорыв  трубы\nна улице Ленина, вода  заливает подвалы домов. '.repeat(40),
      'Power outage in the northern district,   crews on site since 6:00. '.repeat(40),
      'Курск Kursk 中文 Ἀθῆναι — «ЖКХ» № 5;\t\tпроверка 1/2 '.repeat(60),
    ];
    for (const text of texts) {
      const quick = prepareTextQuick('passage', text, normalize, 64) ?? '';
      expect(ids(quick).length).toBeGreaterThanOrEqual(64);
      expect(quick.length).toBeLessThan(prepareText('passage', text, normalize, 64).length);
      expect(ids(quick).slice(0, 63)).toEqual(ids(prepareText('passage', text, normalize, 64)).slice(0, 63));
    }
  });

  it('barely depends on the other texts of its batch (int8 activations are scaled per batch)', async () => {
    const post = 'Во дворе на Садовой третий день не вывозят мусор';
    const [alone] = await encoder.embedPassages([post]);
    const crowd = [
      '🔥🔥🔥',
      'Power outage in the northern district',
      'ж'.repeat(5000),
      'Курск Kursk 中文 Ἀθῆναι',
    ];
    const [first] = await encoder.embedPassages([post, ...crowd]);
    expect(cosine(alone ?? new Float32Array(384), first ?? new Float32Array(384))).toBeGreaterThan(0.999);
  });

  it('puts paraphrases closer than unrelated posts', async () => {
    const [q, same, other] = await Promise.all([
      encoder.embedQueries(['нет горячей воды']),
      encoder.embedPassages(['В доме отключили горячую воду']),
      encoder.embedPassages(['Футбольный матч закончился вничью']),
    ]);
    const query = q[0] ?? new Float32Array(384);
    expect(cosine(query, same[0] ?? query)).toBeGreaterThan(cosine(query, other[0] ?? query));
  });

  it('handles an empty batch and concurrent calls', async () => {
    await expect(encoder.embedPassages([])).resolves.toEqual([]);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => encoder.embedPassages([`пост ${i}`])),
    );
    expect(results.map((r) => r.length)).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('starting the encoder without a model', () => {
  it('fails with the missing path and the build command', async () => {
    await expect(createEncoder({ modelDir: path.join(config.stateDir, 'no-such-models') })).rejects.toThrow(
      new RegExp(`missing: .*no-such-models.*model_${entry.dtype}\\.onnx[\\s\\S]*npm run models:build`),
    );
  });
});
