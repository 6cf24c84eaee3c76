/**
 * `npm run eval:stories`: measures the three levels of sameness and the story clustering on data, and
 * writes docs/eval/stories.md. Needs Redis and Elasticsearch (the clustering runs through the real stage
 * under a throw-away prefix) and uses the encoder when its model files are built.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '../../datasets/synthetic/generator';
import type { TruthRecord } from '../../datasets/synthetic/truth';
import { PROJECT_ROOT, loadConfig } from '../../src/config/config';
import type { PostDocument } from '../../src/domain/post-document';
import { postFromInput, postInputSchema } from '../../src/domain/post-input';
import { createContext } from '../../src/main/context';
import type { Encoder } from '../../src/models/encoder';
import { createEncoder } from '../../src/models/encoder-pool';
import { assertModelsReady } from '../../src/models/model-registry';
import { clusterStage } from '../../src/pipeline/stages/cluster.stage';
import { deleteIndices } from '../../src/store/index-manager';
import { LshRepository } from '../../src/store/lsh.repository';
import { StoriesRepository } from '../../src/store/stories.repository';
import { analyzePost } from '../../src/text';
import { nearScore, sketchText, cosine, type TextSketch } from '../../src/cluster/similarity';
import { LIMITS, NEAR, SEMANTIC } from '../../src/cluster/thresholds';
import { atThreshold, bcubed, pairwise, sweep, type Prf } from '../../src/cluster/eval/metrics';
import { readParaphraser } from '../../src/cluster/eval/paraphraser';

const SEED = 'eval-stories';
const pct = (x: number): string => x.toFixed(3);
const row = (name: string, threshold: string, m: Prf): string =>
  `| ${name} | ${threshold} | ${pct(m.precision)} | ${pct(m.recall)} | ${pct(m.f1)} | ${m.tp} / ${m.fp} / ${m.fn} |`;
const HEADER = '| level | threshold | precision | recall | F1 | TP / FP / FN |\n|---|---|---|---|---|---|';

interface Scored {
  score: number;
  positive: boolean;
}

async function embed(
  encoder: Encoder | undefined,
  texts: readonly string[],
): Promise<Float32Array[] | undefined> {
  if (!encoder) return undefined;
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += 256)
    out.push(...(await encoder.embedPassages(texts.slice(i, i + 256))));
  return out;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const lines: string[] = [];
  const log = (text: string): void => {
    process.stderr.write(`${text}\n`);
  };
  let encoder: Encoder | undefined;
  try {
    await assertModelsReady(config);
    encoder = await createEncoder(config);
  } catch (error) {
    log(`semantic level not evaluated: ${error instanceof Error ? error.message : String(error)}`);
  }

  // --- ParaPhraser: news headline pairs --------------------------------------------------------------
  const file = path.join(config.datasetsDir, 'paraphraser', 'train.xml');
  const pairs = readParaphraser(file);
  log(`paraphraser: ${pairs.length} pairs`);
  const analyzed = pairs.map((p) => {
    const a = analyzePost(p.a);
    const b = analyzePost(p.b);
    return {
      a,
      b,
      near: nearScore(sketchText(a.textClean, a.fingerprint), sketchText(b.textClean, b.fingerprint)),
    };
  });
  const vectors = await embed(
    encoder,
    analyzed.flatMap((x) => [x.a.textClean, x.b.textClean]),
  );
  const strictNear: Scored[] = [];
  const strictSem: Scored[] = [];
  const looseSem: Scored[] = [];
  const strictNearOnly: Scored[] = [];
  pairs.forEach((p, i) => {
    const x = analyzed[i];
    if (!x) return;
    const semantic = cosine(vectors?.[2 * i], vectors?.[2 * i + 1]);
    looseSem.push({ score: semantic ?? 0, positive: p.label >= 0 });
    if (p.label === 0) return;
    strictNear.push({ score: x.near.score, positive: p.label === 1 });
    strictNearOnly.push({ score: x.near.jaccard, positive: p.label === 1 });
    strictSem.push({ score: semantic ?? 0, positive: p.label === 1 });
  });
  const counts = {
    strict: pairs.filter((p) => p.label === 1).length,
    loose: pairs.filter((p) => p.label === 0).length,
    non: pairs.filter((p) => p.label === -1).length,
  };
  lines.push(
    '## ParaPhraser (news headline pairs)',
    '',
    `${pairs.length} pairs: ${counts.strict} strict paraphrases (class 1), ${counts.loose} loose (0), ${counts.non} non-paraphrases (−1).`,
    'Positive = strict paraphrase, negative = non-paraphrase (loose pairs left out), except where noted.',
    'Headlines are rewordings of one event, so they measure the semantic level; the near level (copies and',
    'edits) is expected to miss most of them, and what matters for it is precision: a near-level merge of',
    'two different headlines would be a wrong auto-merge.',
    '',
    HEADER,
    row(
      'near (max of Jaccard, edit, containment)',
      `auto ${NEAR.autoMerge}`,
      atThreshold(strictNear, NEAR.autoMerge),
    ),
    row('near', `suggest ${NEAR.suggest}`, atThreshold(strictNear, NEAR.suggest)),
    row('near, best-F1 threshold', String(sweep(strictNear).threshold), sweep(strictNear).prf),
    row(
      'Jaccard alone, best-F1 threshold',
      String(sweep(strictNearOnly).threshold),
      sweep(strictNearOnly).prf,
    ),
  );
  if (vectors) {
    const bestSem = sweep(strictSem, { from: 0.7 });
    const precise = sweep(strictSem, { from: 0.7, minPrecision: 0.95 });
    lines.push(
      row('semantic (e5 cosine)', `suggest ${SEMANTIC.suggest}`, atThreshold(strictSem, SEMANTIC.suggest)),
      row('semantic', `auto ${SEMANTIC.autoMerge}`, atThreshold(strictSem, SEMANTIC.autoMerge)),
      row('semantic, best-F1 threshold', String(bestSem.threshold), bestSem.prf),
      row('semantic, lowest threshold with precision ≥ 0.95', String(precise.threshold), precise.prf),
      row(
        'semantic, loose or strict vs non',
        `suggest ${SEMANTIC.suggest}`,
        atThreshold(looseSem, SEMANTIC.suggest),
      ),
    );
  } else
    lines.push(
      '',
      'Semantic level not measured: the encoder model files are not built (`npm run models:build`).',
    );

  // --- Synthetic ground truth ---------------------------------------------------------------------
  const docs: PostDocument[] = [];
  const truth: TruthRecord[] = [];
  const iterator = generate({ scenario: 'demo', seed: SEED });
  for (let r = iterator.next(); r.done !== true; r = iterator.next()) {
    const post = postFromInput(postInputSchema.parse(r.value.post));
    const a = analyzePost(post.text);
    docs.push({
      ...post,
      textClean: a.textClean,
      lemmas: a.lemmas,
      lang: a.lang,
      hashtags: a.hashtags,
      mentions: a.mentions,
      urls: a.urls,
      fingerprint: a.fingerprint,
      ingestedAt: post.publishedAt,
    });
    truth.push(r.value.truth);
  }
  const byId = new Map(docs.map((d, i) => [d.id, { doc: d, truth: truth[i] }]));
  const sketches = new Map<string, TextSketch>(
    docs.map((d) => [d.id, sketchText(d.textClean, d.fingerprint)]),
  );
  // Hard negatives: another story of the same topic (template-generated texts share much wording).
  const byTopic = new Map<string, string[]>();
  for (const t of truth)
    if (t.copyType === 'original') byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), t.postId]);
  const copyPairs: Scored[] = [];
  const paraPairs: { a: string; b: string; positive: boolean }[] = [];
  let k = 0;
  for (const t of truth) {
    if (t.copyOf === null) continue;
    const s = sketches.get(t.postId);
    const o = sketches.get(t.copyOf);
    const pool = byTopic.get(t.topic) ?? [];
    const negativeId = pool[(k++ * 7919) % Math.max(1, pool.length)];
    const negative =
      negativeId !== undefined && byId.get(negativeId)?.truth?.storyId !== t.storyId ? negativeId : undefined;
    if (t.copyType === 'paraphrase') {
      paraPairs.push({ a: t.postId, b: t.copyOf, positive: true });
      if (negative) paraPairs.push({ a: t.postId, b: negative, positive: false });
      continue;
    }
    if (s && o) copyPairs.push({ score: nearScore(s, o).score, positive: true });
    const n = negative === undefined ? undefined : sketches.get(negative);
    if (s && n) copyPairs.push({ score: nearScore(s, n).score, positive: false });
  }
  const copyCounts = {
    repost: truth.filter((t) => t.copyType === 'repost').length,
    edit: truth.filter((t) => t.copyType === 'edit').length,
    para: truth.filter((t) => t.copyType === 'paraphrase').length,
  };
  lines.push(
    '',
    '## Synthetic ground truth (`datasets/synthetic`, scenario `demo`, seed `eval-stories`)',
    '',
    `${docs.length} posts in ${new Set(truth.map((t) => t.storyId)).size} stories: ${copyCounts.repost} reposts, ${copyCounts.edit} light edits, ${copyCounts.para} paraphrases.`,
    '',
    '### Pair level',
    '',
    'Positive: a repost or light edit with its original; negative: the same copy with the original of',
    'another story of the same topic (template-made texts share much wording: hard negatives).',
    '',
    HEADER,
    row('near', `auto ${NEAR.autoMerge}`, atThreshold(copyPairs, NEAR.autoMerge)),
    row('near', `suggest ${NEAR.suggest}`, atThreshold(copyPairs, NEAR.suggest)),
    row('near, best-F1 threshold', String(sweep(copyPairs).threshold), sweep(copyPairs).prf),
  );
  if (encoder) {
    const texts = paraPairs.flatMap((p) => [
      byId.get(p.a)?.doc.textClean ?? '',
      byId.get(p.b)?.doc.textClean ?? '',
    ]);
    const v = (await embed(encoder, texts)) ?? [];
    const sem: Scored[] = paraPairs.map((p, i) => ({
      score: cosine(v[2 * i], v[2 * i + 1]) ?? 0,
      positive: p.positive,
    }));
    const nearPara: Scored[] = paraPairs.map((p) => {
      const a = sketches.get(p.a);
      const b = sketches.get(p.b);
      return { score: a && b ? nearScore(a, b).score : 0, positive: p.positive };
    });
    lines.push(
      row(
        'paraphrase vs same-topic other: near',
        `suggest ${NEAR.suggest}`,
        atThreshold(nearPara, NEAR.suggest),
      ),
      row(
        'paraphrase vs same-topic other: semantic',
        `suggest ${SEMANTIC.suggest}`,
        atThreshold(sem, SEMANTIC.suggest),
      ),
      row(
        'paraphrase vs same-topic other: semantic',
        `auto ${SEMANTIC.autoMerge}`,
        atThreshold(sem, SEMANTIC.autoMerge),
      ),
      row(
        'paraphrase: semantic, best-F1 threshold',
        String(sweep(sem, { from: 0.7 }).threshold),
        sweep(sem, { from: 0.7 }).prf,
      ),
    );
  }

  // Story level: the real cluster stage (semantic off: posts are not indexed here) on real Redis + ES.
  const prefix = `eval-stories-${process.pid}`;
  const context = await createContext({
    env: { ...process.env, DOZOR_INDEX_PREFIX: prefix, DOZOR_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' },
  });
  const assigned = new Map<string, string>();
  const started = Date.now();
  try {
    const lsh = new LshRepository(context.redis, prefix, {
      ttlSeconds: 3600,
      bucketCap: LIMITS.bucketCap,
      exemplarCap: LIMITS.exemplarsPerStory,
      maxCandidates: LIMITS.maxCandidates,
    });
    const stage = clusterStage({ lsh, stories: new StoriesRepository(context.es, prefix), semantic: false });
    for (let i = 0; i < docs.length; i += 250) {
      const batch = docs.slice(i, i + 250);
      const outcome = await stage({
        runId: 'eval',
        batchKey: `eval-${i}`,
        posts: batch.map((d) => ({ post: d, doc: { ...d } })),
        rejects: [],
      });
      for (const item of outcome.next.posts) assigned.set(item.post.id, item.doc?.storyId ?? '');
    }
    const roots = await lsh.resolve([...assigned.values()]);
    for (const [post, story] of assigned) assigned.set(post, roots.get(story) ?? story);
  } finally {
    await deleteIndices(context.es, prefix);
    const keys = await context.redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 1000) await context.redis.del(...keys.slice(i, i + 1000));
    await context.close();
  }
  const seconds = (Date.now() - started) / 1000;
  const items = truth.map((t) => ({
    truth: t.storyId,
    predicted: assigned.get(t.postId) ?? '',
    type: t.copyType,
  }));
  const copies = items.filter((i) => i.type !== 'paraphrase');
  const cp = pairwise(copies);
  const cb = bcubed(copies);
  const all = pairwise(items);
  const ab = bcubed(items);
  const predictedOf = new Map(items.map((i, n) => [truth[n]?.postId ?? '', i.predicted]));
  const paraphrases = truth.filter((t) => t.copyType === 'paraphrase');
  const paraJoined = paraphrases.filter(
    (t) => t.copyOf !== null && predictedOf.get(t.postId) === predictedOf.get(t.copyOf),
  ).length;
  lines.push(
    '',
    '### Story level (the cluster stage itself, semantic level off)',
    '',
    `${docs.length} posts through \`clusterStage\` in batches of 250 against real Redis and Elasticsearch (${pct(seconds)} s).`,
    '',
    '| posts | pairwise precision | pairwise recall | pairwise F1 | purity (B³ P) | completeness (B³ R) |',
    '|---|---|---|---|---|---|',
    `| originals, reposts, light edits | ${pct(cp.precision)} | ${pct(cp.recall)} | ${pct(cp.f1)} | ${pct(cb.purity)} | ${pct(cb.completeness)} |`,
    `| all, paraphrases included | ${pct(all.precision)} | ${pct(all.recall)} | ${pct(all.f1)} | ${pct(ab.purity)} | ${pct(ab.completeness)} |`,
    '',
    `Paraphrases joined to their original's story without the semantic level: ${paraJoined} of ${paraphrases.length}.`,
  );

  const report = [
    '# Story clustering: evaluation',
    '',
    'Generated by `npm run eval:stories` (src/cluster/eval/run.ts); thresholds live in src/cluster/thresholds.ts.',
    '',
    '## Thresholds in use',
    '',
    `- exact: same content fingerprint (src/text) → \`duplicate\`, auto-merge`,
    `- near: max(Jaccard of character 5-gram sets, 1 − normalized Levenshtein, containment) on the cleaned text;`,
    `  auto-merge ≥ ${NEAR.autoMerge} (\`near-duplicate\`), suggest ≥ ${NEAR.suggest}`,
    `- semantic: cosine of multilingual-e5-small passage vectors; auto-merge ≥ ${SEMANTIC.autoMerge}, suggest and \`paraphrase\` ≥ ${SEMANTIC.suggest}`,
    '',
    ...lines,
    '',
  ].join('\n');
  const out = path.join(PROJECT_ROOT, 'docs', 'eval', 'stories.md');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, report);
  process.stdout.write(`${report}\nwritten to ${out}\n`);
  await encoder?.close();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `eval:stories failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
