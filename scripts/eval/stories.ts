/**
 * `npx tsx scripts/eval/stories.ts`: chooses the sameness thresholds on data, measures the three levels
 * and the story clustering, and writes docs/eval/stories.md. Needs Redis and Elasticsearch (the
 * clustering runs through the real cluster stage under a throw-away prefix) and uses the encoder when
 * its model files are built.
 *
 * Data: ParaPhraser `train.xml` (news headline pairs) and two seeds of the synthetic corpus — `tune`,
 * on which the near-level threshold is chosen, and `eval-stories`, on which everything is reported — so
 * the reported figures are not measured on the data the thresholds were fitted to.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, loadConfig } from '../../src/config/config';
import { createContext, type Context } from '../../src/main/context';
import { assertModelsReady, getModelEntry } from '../../src/models/model-registry';
import { createPostEmbedder, type PostEmbedder } from '../../src/cluster/post-vectors';
import { clusterStage } from '../../src/pipeline/stages/cluster.stage';
import { deleteIndices } from '../../src/store/index-manager';
import { LshRepository } from '../../src/store/lsh.repository';
import { StoriesRepository } from '../../src/store/stories.repository';
import { analyzePost } from '../../src/text';
import { changedFacts } from '../../src/cluster/facts';
import {
  cosine,
  nearScore,
  nearStrength,
  sketchText,
  type NearScore,
  type TextSketch,
} from '../../src/cluster/similarity';
import { LIMITS, NEAR, SEMANTIC } from '../../src/cluster/thresholds';
import { atThreshold, bcubed, pairwise, sweep, type Prf } from '../../src/cluster/eval/metrics';
import { readParaphraser } from '../../src/cluster/eval/paraphraser';
import { syntheticPosts, type CorpusPost } from './stories-corpus';

const TUNE_SEED = 'tune';
const EVAL_SEED = 'eval-stories';
const BATCH = 250;

const pct = (x: number): string => x.toFixed(3);
const row = (name: string, threshold: string, m: Prf): string =>
  `| ${name} | ${threshold} | ${pct(m.precision)} | ${pct(m.recall)} | ${pct(m.f1)} | ${m.tp} / ${m.fp} / ${m.fn} |`;
const HEADER = '| level | threshold | precision | recall | F1 | TP / FP / FN |\n|---|---|---|---|---|---|';
const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

interface Scored {
  score: number;
  positive: boolean;
}

/** The near score as the stage uses it: a pair that exchanges facts never merges (score 0). */
const gatedNear = (near: NearScore): number => (near.changedFacts > 0 ? 0 : near.score);

/**
 * Vectors of texts on the pipeline's side, cached in the state folder by model version, side and text:
 * embedding the ~22,000 texts takes many minutes on 2 cores, and choosing thresholds then checking
 * them at the story level needs two runs. The cache holds vectors only, never the texts.
 */
class VectorCache {
  private readonly vectors = new Map<string, Float32Array>();
  private added = 0;

  constructor(
    private readonly file: string,
    private readonly dim: number,
  ) {
    if (!existsSync(file)) return;
    const bytes = readFileSync(file);
    const record = 20 + 4 * dim;
    for (let at = 0; at + record <= bytes.length; at += record) {
      const key = bytes.subarray(at, at + 20).toString('hex');
      const copy = new Uint8Array(bytes.subarray(at + 20, at + record));
      this.vectors.set(key, new Float32Array(copy.buffer));
    }
  }

  static key(text: string): string {
    return createHash('sha1').update(text).digest('hex');
  }

  get(text: string): Float32Array | undefined {
    return this.vectors.get(VectorCache.key(text));
  }

  set(text: string, vector: Float32Array): void {
    this.vectors.set(VectorCache.key(text), vector);
    this.added++;
  }

  save(): void {
    if (this.added === 0) return;
    const parts: Buffer[] = [];
    for (const [key, vector] of this.vectors) {
      parts.push(Buffer.from(key, 'hex'), Buffer.from(vector.buffer, vector.byteOffset, 4 * this.dim));
    }
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, Buffer.concat(parts));
    this.added = 0;
  }
}

interface Vectors {
  embedder: PostEmbedder;
  cache: VectorCache;
}

async function embed(
  vectors: Vectors | undefined,
  texts: readonly string[],
): Promise<Float32Array[] | undefined> {
  if (!vectors) return undefined;
  const missing = [...new Set(texts.filter((t) => vectors.cache.get(t) === undefined))];
  for (let i = 0; i < missing.length; i += 256) {
    const chunk = missing.slice(i, i + 256);
    const found = await vectors.embedder.embed(chunk);
    chunk.forEach((text, j) => {
      const vector = found[j];
      if (vector) vectors.cache.set(text, vector);
    });
    if (i % 2560 === 0) log(`  embedded ${Math.min(missing.length, i + 256)} / ${missing.length}`);
    if (i % 5120 === 0) vectors.cache.save();
  }
  vectors.cache.save();
  return texts.map((text) => {
    const vector = vectors.cache.get(text);
    if (!vector) throw new Error('unreachable: every text was embedded');
    return vector;
  });
}

interface Corpus {
  posts: CorpusPost[];
  sketches: TextSketch[];
}

function corpus(seed: string): Corpus {
  const posts = [...syntheticPosts({ scenario: 'demo', seed })];
  return { posts, sketches: posts.map((p) => sketchText(p.doc.textClean, p.doc.fingerprint)) };
}

/**
 * The pairs the near level decides on: every pair the LSH bands make candidates (what the stage
 * verifies) plus every pair of one true story (so a copy the bands miss counts as missed), leaving out
 * paraphrases (the semantic level's job) and exact copies (the fingerprint's).
 */
function nearPairs(c: Corpus): Scored[] {
  const keys = new Set<number>();
  const add = (list: readonly number[]): void => {
    for (let x = 0; x < list.length; x++)
      for (let y = x + 1; y < list.length; y++) keys.add((list[x] ?? 0) * 1e6 + (list[y] ?? 0));
  };
  const byBand = new Map<string, number[]>();
  const byStory = new Map<string, number[]>();
  c.sketches.forEach((s, i) => {
    for (const band of s.bands) byBand.set(band, [...(byBand.get(band) ?? []), i]);
    const story = c.posts[i]?.truth.storyId ?? '';
    byStory.set(story, [...(byStory.get(story) ?? []), i]);
  });
  // A band shared by a huge crowd is capped in Redis (`LIMITS.bucketCap`); the pairs stay here.
  for (const list of byBand.values()) add(list);
  for (const list of byStory.values()) add(list);
  const out: Scored[] = [];
  for (const key of keys) {
    const i = Math.floor(key / 1e6);
    const j = key % 1e6;
    const [a, b, sa, sb] = [c.posts[i], c.posts[j], c.sketches[i], c.sketches[j]];
    if (!a || !b || !sa || !sb) continue;
    if (a.truth.copyType === 'paraphrase' || b.truth.copyType === 'paraphrase') continue;
    if (sa.fingerprint === sb.fingerprint) continue;
    out.push({ score: gatedNear(nearScore(sa, sb)), positive: a.truth.storyId === b.truth.storyId });
  }
  return out;
}

/**
 * Paraphrase pairs of a corpus: each paraphrase with its original (positive) and with every original of
 * another story of its topic (negatives: template-made, so often near in wording and vector). `sem` is
 * the fact-checked cosine, `near` the near score where the stage would link the pair (0 otherwise).
 */
function paraphrasePairs(c: Corpus, vectors: readonly Float32Array[]): { sem: Scored[]; near: Scored[] } {
  const idIndex = new Map(c.posts.map((p, i) => [p.doc.id, i]));
  const byTopic = new Map<string, number[]>();
  c.posts.forEach((p, i) => {
    if (p.truth.copyType === 'original')
      byTopic.set(p.truth.topic, [...(byTopic.get(p.truth.topic) ?? []), i]);
  });
  const sem: Scored[] = [];
  const near: Scored[] = [];
  for (const [i, p] of c.posts.entries()) {
    if (p.truth.copyType !== 'paraphrase' || p.truth.copyOf === null) continue;
    const original = idIndex.get(p.truth.copyOf);
    const others = (byTopic.get(p.truth.topic) ?? []).filter(
      (k) => c.posts[k]?.truth.storyId !== p.truth.storyId,
    );
    const targets: [number | undefined, boolean][] = [
      [original, true],
      ...others.map((o): [number, boolean] => [o, false]),
    ];
    for (const [k, positive] of targets) {
      const sa = c.sketches[i];
      const sb = k === undefined ? undefined : c.sketches[k];
      if (k === undefined || !sa || !sb) continue;
      const cos = cosine(vectors[i], vectors[k]) ?? 0;
      sem.push({ score: changedFacts(sa.facts, sb.facts) > 0 ? 0 : cos, positive });
      const n = nearScore(sa, sb);
      near.push({ score: nearStrength(n) === 'none' ? 0 : n.score, positive });
    }
  }
  return { sem, near };
}

interface StoryRun {
  seconds: number;
  assigned: Map<string, string>;
  suggested: number;
  /** Post id → stories it is a suggested member of. */
  suggestedFor: Map<string, Set<string>>;
}

/** Runs the corpus through the real cluster stage; with `vectors`, posts are indexed as the pipeline does. */
async function runStage(
  context: Context,
  prefix: string,
  c: Corpus,
  vectors: Float32Array[] | undefined,
): Promise<StoryRun> {
  const lsh = new LshRepository(context.redis, prefix, {
    ttlSeconds: 3600,
    bucketCap: LIMITS.bucketCap,
    exemplarCap: LIMITS.exemplarsPerStory,
    maxCandidates: LIMITS.maxCandidates,
  });
  const storiesRepo = new StoriesRepository(context.es, prefix);
  const stage = clusterStage({ lsh, stories: storiesRepo, semantic: vectors !== undefined });
  const assigned = new Map<string, string>();
  const started = Date.now();
  const docs = c.posts.map((p, i) => {
    const vector = vectors?.[i];
    return vector ? { ...p.doc, vector: [...vector] } : p.doc;
  });
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH);
    const outcome = await stage({
      runId: 'eval',
      batchKey: `eval-${i}`,
      posts: batch.map((d) => ({ post: d, doc: { ...d } })),
      rejects: [],
    });
    for (const item of outcome.next.posts) assigned.set(item.post.id, item.doc?.storyId ?? '');
    if (vectors) {
      // The index stage writes posts with their story; the next batches find them by kNN.
      const indexed = outcome.next.posts.flatMap((item) => (item.doc ? [item.doc] : []));
      await context.posts.bulkUpsert(indexed, true);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  const roots = await lsh.resolve([...assigned.values()]);
  for (const [post, story] of assigned) assigned.set(post, roots.get(story) ?? story);
  await storiesRepo.refresh();
  let suggested = 0;
  const suggestedFor = new Map<string, Set<string>>();
  for (let from = 0; ; from += 500) {
    const page = await storiesRepo.list({ size: 500, from, sort: 'firstSeenAt' });
    for (const s of page.items) {
      suggested += s.suggestedCount;
      for (const m of s.members) {
        if (m.state !== 'suggested') continue;
        const set = suggestedFor.get(m.postId) ?? new Set<string>();
        suggestedFor.set(m.postId, set.add(s.id));
      }
    }
    if (page.items.length < 500 || from + 500 >= 10_000) break;
  }
  return { seconds, assigned, suggested, suggestedFor };
}

async function withPrefix<T>(
  label: string,
  run: (context: Context, prefix: string) => Promise<T>,
): Promise<T> {
  const prefix = `eval-stories-${label}-${process.pid}`;
  const context = await createContext({
    env: { ...process.env, DOZOR_INDEX_PREFIX: prefix, DOZOR_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' },
  });
  try {
    return await run(context, prefix);
  } finally {
    await deleteIndices(context.es, prefix);
    const keys = await context.redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 1000) await context.redis.del(...keys.slice(i, i + 1000));
    await context.close();
  }
}

function storyRows(c: Corpus, run: StoryRun, name: string): string[] {
  const items = c.posts.map((p) => ({
    truth: p.truth.storyId,
    predicted: run.assigned.get(p.doc.id) ?? '',
    type: p.truth.copyType,
  }));
  const copies = items.filter((i) => i.type !== 'paraphrase');
  const [cp, cb, ap, ab] = [pairwise(copies), bcubed(copies), pairwise(items), bcubed(items)];
  const paraphrases = c.posts.filter((p) => p.truth.copyType === 'paraphrase');
  const joined = paraphrases.filter(
    (p) => p.truth.copyOf !== null && run.assigned.get(p.doc.id) === run.assigned.get(p.truth.copyOf),
  ).length;
  const linked = paraphrases.filter((p) => {
    const story = p.truth.copyOf === null ? undefined : run.assigned.get(p.truth.copyOf);
    return (
      story !== undefined &&
      (run.assigned.get(p.doc.id) === story || run.suggestedFor.get(p.doc.id)?.has(story) === true)
    );
  }).length;
  return [
    `| ${name}: originals, reposts, light edits | ${pct(cp.precision)} | ${pct(cp.recall)} | ${pct(cp.f1)} | ${pct(cb.purity)} | ${pct(cb.completeness)} |`,
    `| ${name}: all, paraphrases included | ${pct(ap.precision)} | ${pct(ap.recall)} | ${pct(ap.f1)} | ${pct(ab.purity)} | ${pct(ab.completeness)} |`,
    `| ${name}: paraphrases in their original's story | ${joined} of ${paraphrases.length} | | | | |`,
    `| ${name}: paraphrases in it or suggested for it | ${linked} of ${paraphrases.length} | | | | |`,
  ];
}

async function main(): Promise<void> {
  const config = loadConfig();
  const lines: string[] = [];
  const choices: { name: string; rule: string; chosen: number; inUse: number }[] = [];
  let encoder: Vectors | undefined;
  try {
    await assertModelsReady(config);
    const embedder = await createPostEmbedder(config);
    const entry = getModelEntry('multilingual-e5-small');
    const file = path.join(
      config.stateDir,
      'cache',
      `eval-stories-${entry.name}@${entry.version}-${embedder.kind}.bin`,
    );
    encoder = { embedder, cache: new VectorCache(file, entry.dim) };
    log(`semantic level: e5 \`${embedder.kind}:\` side, as the enrich stage stores`);
  } catch (error) {
    log(`semantic level not evaluated: ${error instanceof Error ? error.message : String(error)}`);
  }

  // --- ParaPhraser: news headline pairs --------------------------------------------------------------
  const pairs = readParaphraser(path.join(config.datasetsDir, 'paraphraser', 'train.xml'));
  log(`paraphraser: ${pairs.length} pairs`);
  const analyzed = pairs.map((p) => {
    const a = analyzePost(p.a);
    const b = analyzePost(p.b);
    const sa = sketchText(a.textClean, a.fingerprint);
    const sb = sketchText(b.textClean, b.fingerprint);
    return { a, b, sa, sb, near: nearScore(sa, sb) };
  });
  const vectors = await embed(
    encoder,
    analyzed.flatMap((x) => [x.a.textClean, x.b.textClean]),
  );
  const strictNear: Scored[] = [];
  const strictNearRaw: Scored[] = [];
  const strictSem: Scored[] = [];
  const strictSemRaw: Scored[] = [];
  let paraphraserSem: Scored[] | undefined;
  const looseSem: Scored[] = [];
  pairs.forEach((p, i) => {
    const x = analyzed[i];
    if (!x) return;
    const cos = cosine(vectors?.[2 * i], vectors?.[2 * i + 1]) ?? 0;
    const semantic = x.near.changedFacts > 0 ? 0 : cos;
    looseSem.push({ score: semantic, positive: p.label >= 0 });
    if (p.label === 0) return;
    strictNear.push({ score: gatedNear(x.near), positive: p.label === 1 });
    strictNearRaw.push({ score: x.near.score, positive: p.label === 1 });
    strictSem.push({ score: semantic, positive: p.label === 1 });
    strictSemRaw.push({ score: cos, positive: p.label === 1 });
  });
  const counts = {
    strict: pairs.filter((p) => p.label === 1).length,
    loose: pairs.filter((p) => p.label === 0).length,
    non: pairs.filter((p) => p.label === -1).length,
  };
  const suggestChoice = sweep(strictNear, { from: 0.2 });
  choices.push({
    name: '`NEAR.suggest`',
    rule: 'best-F1 threshold of the near score (fact conflicts count 0), ParaPhraser strict vs non',
    chosen: suggestChoice.threshold,
    inUse: NEAR.suggest,
  });
  lines.push(
    '## ParaPhraser (news headline pairs)',
    '',
    `${pairs.length} pairs: ${counts.strict} strict paraphrases (class 1), ${counts.loose} loose (0), ${counts.non} non-paraphrases (−1).`,
    'Positive = strict paraphrase, negative = non-paraphrase (loose pairs left out), except where noted.',
    'Headlines are rewordings of one event, so they measure the semantic level and the *suggest* band of',
    'the near level; for the near auto-merge what matters is precision (a wrong auto-merge of two',
    'different headlines). "Gated": a pair whose texts exchange facts (numbers, names) counts as 0, as',
    'the stage does (src/cluster/facts.ts).',
    '',
    HEADER,
    row('near, gated', `auto ${NEAR.autoMerge}`, atThreshold(strictNear, NEAR.autoMerge)),
    row('near, gated', `suggest ${NEAR.suggest}`, atThreshold(strictNear, NEAR.suggest)),
    row('near, gated, best-F1 threshold', String(suggestChoice.threshold), suggestChoice.prf),
    row(
      'near, not gated (before the fact check)',
      `auto ${NEAR.autoMerge}`,
      atThreshold(strictNearRaw, NEAR.autoMerge),
    ),
  );
  if (vectors) {
    const bestSem = sweep(strictSem, { from: 0.7 });
    const precise = sweep(strictSem, { from: 0.7, minPrecision: 0.95 });
    paraphraserSem = strictSem;
    choices.push({
      name: '`SEMANTIC.suggest`',
      rule: 'best-F1 threshold of the fact-checked cosine, ParaPhraser strict vs non',
      chosen: bestSem.threshold,
      inUse: SEMANTIC.suggest,
    });
    lines.push(
      row(
        'semantic (e5 cosine), gated',
        `suggest ${SEMANTIC.suggest}`,
        atThreshold(strictSem, SEMANTIC.suggest),
      ),
      row('semantic, gated', `auto ${SEMANTIC.autoMerge}`, atThreshold(strictSem, SEMANTIC.autoMerge)),
      row('semantic, gated, best-F1 threshold', String(bestSem.threshold), bestSem.prf),
      row('semantic, gated, lowest threshold with precision ≥ 0.95', String(precise.threshold), precise.prf),
      row('semantic, not gated', `auto ${SEMANTIC.autoMerge}`, atThreshold(strictSemRaw, SEMANTIC.autoMerge)),
      row(
        'semantic, gated, loose or strict vs non',
        `suggest ${SEMANTIC.suggest}`,
        atThreshold(looseSem, SEMANTIC.suggest),
      ),
    );
  } else
    lines.push(
      '',
      'Semantic level not measured: the encoder model files are not built (`npm run models:build`).',
    );

  // --- Synthetic corpus, tuning seed: the near auto-merge threshold --------------------------------
  log('synthetic: tuning seed');
  const tune = corpus(TUNE_SEED);
  const tunePairs = nearPairs(tune);
  const autoChoice = sweep(tunePairs, { from: 0.3 });
  choices.push({
    name: '`NEAR.autoMerge`',
    rule: `best-F1 threshold of the gated near score on the synthetic seed \`${TUNE_SEED}\`: LSH-candidate and same-story pairs, copies and edits`,
    chosen: autoChoice.threshold,
    inUse: NEAR.autoMerge,
  });

  const tuneVectors = await embed(
    encoder,
    tune.posts.map((p) => p.doc.textClean),
  );
  if (tuneVectors && paraphraserSem) {
    const tuneSem = paraphrasePairs(tune, tuneVectors).sem;
    const onParaphraser = sweep(paraphraserSem, { from: 0.7, minPrecision: 0.95 }).threshold;
    const onTune = sweep(tuneSem, { from: 0.7, minPrecision: 0.95 }).threshold;
    choices.push({
      name: '`SEMANTIC.autoMerge`',
      rule: `lowest threshold with precision ≥ 0.95 of the fact-checked cosine both on ParaPhraser strict vs non (${onParaphraser}) and on the paraphrases of the seed \`${TUNE_SEED}\` (${onTune})`,
      chosen: Math.max(onParaphraser, onTune),
      inUse: SEMANTIC.autoMerge,
    });
  }

  // --- Synthetic corpus, evaluation seed ----------------------------------------------------------
  log('synthetic: evaluation seed');
  const ev = corpus(EVAL_SEED);
  const evPairs = nearPairs(ev);
  const copyCounts = {
    repost: ev.posts.filter((p) => p.truth.copyType === 'repost').length,
    edit: ev.posts.filter((p) => p.truth.copyType === 'edit').length,
    para: ev.posts.filter((p) => p.truth.copyType === 'paraphrase').length,
  };
  const storyCount = new Set(ev.posts.map((p) => p.truth.storyId)).size;
  const negatives = evPairs.filter((p) => !p.positive).length;
  lines.push(
    '',
    `## Synthetic ground truth (\`datasets/synthetic\`, scenario \`demo\`, seed \`${EVAL_SEED}\`)`,
    '',
    `${ev.posts.length} posts in ${storyCount} stories: ${copyCounts.repost} reposts, ${copyCounts.edit} light edits, ${copyCounts.para} paraphrases.`,
    'Template-made texts of one topic share most of their wording and differ in places, streets and',
    'figures: the hard negatives.',
    '',
    '### Pair level',
    '',
    `Pairs the near level decides on: every pair that shares an LSH band (what the stage verifies: ${negatives}`,
    'pairs of different stories) and every pair of one story (copies and edits; exact copies are the',
    "fingerprint's and paraphrases the semantic level's). Near score gated by the fact check.",
    '',
    HEADER,
    row('near', `auto ${NEAR.autoMerge}`, atThreshold(evPairs, NEAR.autoMerge)),
    row('near', `suggest ${NEAR.suggest}`, atThreshold(evPairs, NEAR.suggest)),
    row(
      'near, best-F1 threshold on this seed',
      String(sweep(evPairs, { from: 0.3 }).threshold),
      sweep(evPairs, { from: 0.3 }).prf,
    ),
  );
  const evVectors = await embed(
    encoder,
    ev.posts.map((p) => p.doc.textClean),
  );
  if (evVectors) {
    const { sem, near } = paraphrasePairs(ev, evVectors);
    const paraCount = sem.filter((x) => x.positive).length;
    const best = sweep(sem, { from: 0.7 });
    lines.push(
      '',
      `Paraphrases (${paraCount}) against their original (positive) and against every original of another`,
      `story of the same topic (${sem.length - paraCount} negatives); semantic level fact-checked:`,
      '',
      HEADER,
      row(
        'paraphrase: near, linked (suggest or auto)',
        `suggest ${NEAR.suggest}`,
        atThreshold(near, NEAR.suggest),
      ),
      row('paraphrase: semantic', `suggest ${SEMANTIC.suggest}`, atThreshold(sem, SEMANTIC.suggest)),
      row('paraphrase: semantic', `auto ${SEMANTIC.autoMerge}`, atThreshold(sem, SEMANTIC.autoMerge)),
      row('paraphrase: semantic, best-F1 threshold on this seed', String(best.threshold), best.prf),
    );
  }

  // --- Story level: the real cluster stage on real Redis + Elasticsearch ---------------------------
  log('story level: semantic level off');
  const textOnly = await withPrefix('text', (context, prefix) => runStage(context, prefix, ev, undefined));
  const withSemantic = evVectors
    ? await withPrefix('semantic', (context, prefix) => {
        log('story level: semantic level on');
        return runStage(context, prefix, ev, evVectors);
      })
    : undefined;
  lines.push(
    '',
    '### Story level (the cluster stage itself)',
    '',
    `${ev.posts.length} posts through \`clusterStage\` in publication order, batches of ${BATCH}, against real Redis and`,
    `Elasticsearch: exact + near levels ${pct(textOnly.seconds)} s, ${textOnly.suggested} suggested links.`,
    ...(withSemantic
      ? [
          `With the semantic level (posts indexed with their e5 vectors after each batch, as the index stage does,`,
          `so kNN sees every earlier batch): ${pct(withSemantic.seconds)} s, ${withSemantic.suggested} suggested links.`,
        ]
      : []),
    'Suggested members are not counted as members.',
    '',
    '| run: posts | pairwise precision | pairwise recall | pairwise F1 | purity (B³ P) | completeness (B³ R) |',
    '|---|---|---|---|---|---|',
    ...storyRows(ev, textOnly, 'exact + near'),
    ...(withSemantic ? storyRows(ev, withSemantic, 'exact + near + semantic') : []),
  );

  const mismatched = choices.filter((c) => Math.abs(c.chosen - c.inUse) > 1e-9);
  const report = [
    '# Story clustering: evaluation',
    '',
    'Generated by `npm run eval:stories` (scripts/eval/stories.ts); thresholds live in src/cluster/thresholds.ts.',
    '',
    '## Thresholds in use',
    '',
    `- exact: same content fingerprint (src/text) → \`duplicate\`, auto-merge`,
    `- near: max(Jaccard of character 5-gram sets, 1 − normalized Levenshtein, containment) on the cleaned text;`,
    `  auto-merge ≥ ${NEAR.autoMerge} (\`near-duplicate\`), suggest ≥ ${NEAR.suggest}; texts that exchange facts`,
    `  (each states numbers or names the other lacks: another town, street, figure; or one denies what the`,
    `  other states) never merge; with one exchanged fact and a score ≥ ${NEAR.autoMerge} they are suggested`,
    `- semantic: cosine of multilingual-e5-small \`${encoder?.embedder.kind ?? 'query'}:\`-side vectors (the side the enrich stage stores),`,
    `  neighbours exchanging facts ignored;`,
    `  auto-merge ≥ ${SEMANTIC.autoMerge}, suggest and \`paraphrase\` ≥ ${SEMANTIC.suggest}`,
    '',
    '### How they were chosen',
    '',
    '| threshold | rule | chosen on data | in use |',
    '|---|---|---|---|',
    ...choices.map((c) => `| ${c.name} | ${c.rule} | ${c.chosen} | ${c.inUse} |`),
    '',
    mismatched.length === 0
      ? 'Every threshold in use is the one its rule chooses.'
      : `**Out of date**: ${mismatched.map((c) => c.name).join(', ')} differ from what the data chooses; update src/cluster/thresholds.ts.`,
    '',
    ...lines,
    '',
  ].join('\n');
  const out = path.join(PROJECT_ROOT, 'docs', 'eval', 'stories.md');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, report);
  process.stdout.write(`${report}\nwritten to ${out}\n`);
  await encoder?.embedder.close();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `eval:stories failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
