import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config/config';
import type { Encoder } from '../encoder';
import { networkOf, parseHeadFile, type HeadEncoder } from './head-file';
import { predictProba, type Network } from './trainer';
import { parseTopicsFile, topicModelOf } from './topics-file';
import {
  assignTopics,
  topicMargins,
  topicScores,
  type TopicPrototypes,
  type TopicThresholds,
} from './zero-shot';

/** What `dozor classify --task` and the enrich stage can ask for. */
export const CLASSIFY_TASKS = ['route', 'topic', 'fake', 'crisis'] as const;
export type ClassifyTask = (typeof CLASSIFY_TASKS)[number];

/** Where committed heads live; the same folder from `src/` and from `dist/` (the JSON is not compiled). */
export const HEADS_DIR = path.join(PROJECT_ROOT, 'src', 'models', 'heads');
/** The command that (re)trains heads; quoted in errors. */
export const TRAIN_COMMAND = 'npm run models:train';

export interface LabelScore {
  label: string;
  score: number;
}

/** Best label, its score, and the runners-up (best first). */
export interface Prediction extends LabelScore {
  alternatives: LabelScore[];
}

/**
 * One classification. `score` is a probability for trained heads and a cosine similarity for `topic`.
 * `facets` carries the second head of two-headed tasks (`route`: `topic` = appeal topic; `crisis`:
 * `type` = information type); `labels` lists every topic assigned by `topic` (0–3; `label` is `none`
 * with score 0 when it is empty); `topic` alternatives are ranked by how far each topic clears its own
 * calibrated threshold, not by raw similarity.
 */
export interface ClassifyResult extends Prediction {
  facets?: Record<string, Prediction>;
  labels?: LabelScore[];
}

/** Thrown when a head was trained on other vectors than the running encoder produces. */
export class HeadEncoderMismatchError extends Error {
  override readonly name = 'HeadEncoderMismatchError';
}

/** Thrown when a head file is absent. */
export class HeadMissingError extends Error {
  override readonly name = 'HeadMissingError';
}

/** Label returned by `topic` when no topic reaches its threshold. */
export const NO_TOPIC = 'none';
const ALTERNATIVES = 3;

interface LoadedHead {
  name: string;
  labels: readonly string[];
  network: Network;
}

interface LoadedTopics {
  prototypes: TopicPrototypes;
  thresholds: TopicThresholds;
}

/** Head files behind each task: the primary head, then facets. */
const TASK_FILES: Readonly<
  Record<Exclude<ClassifyTask, 'topic'>, { primary: string; facets: Record<string, string> }>
> = {
  route: { primary: 'route-department', facets: { topic: 'route-topic' } },
  fake: { primary: 'fake', facets: {} },
  crisis: { primary: 'crisis-informativeness', facets: { type: 'crisis-type' } },
};

/** The encoder the caller will feed vectors from. */
export type EncoderKey = Pick<HeadEncoder, 'model' | 'version' | 'dim'>;

function readJson(file: string): unknown {
  if (!existsSync(file)) {
    throw new HeadMissingError(`head file ${file} is missing; run \`${TRAIN_COMMAND}\` to train it.`);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

function checkEncoder(name: string, trained: HeadEncoder, running: EncoderKey): void {
  if (trained.model !== running.model || trained.version !== running.version || trained.dim !== running.dim) {
    throw new HeadEncoderMismatchError(
      `head "${name}" was trained on encoder ${trained.model}@${trained.version} (${trained.dim} dims) but the ` +
        `encoder is ${running.model}@${running.version} (${running.dim} dims); its scores would be meaningless. ` +
        `Retrain with \`${TRAIN_COMMAND}\`.`,
    );
  }
}

function top(probabilities: ArrayLike<number>, labels: readonly string[]): Prediction {
  const ranked = labels
    .map((label, i) => ({ label, score: probabilities[i] ?? 0 }))
    .sort((a, b) => b.score - a.score || a.label.localeCompare(b.label));
  const [best, ...rest] = ranked;
  if (best === undefined) throw new Error('head has no labels');
  return { label: best.label, score: best.score, alternatives: rest.slice(0, ALTERNATIVES) };
}

/**
 * Trained heads and zero-shot topics, loaded once, applied to sentence vectors. Every head is checked
 * against the encoder at load time, so a head trained on another encoder version fails at start-up, not
 * with quietly wrong labels.
 */
export class Classifier {
  private constructor(
    private readonly heads: ReadonlyMap<string, LoadedHead>,
    private readonly topics: LoadedTopics | undefined,
    readonly encoder: EncoderKey,
    /** e5 side the heads were trained on; embed posts on this side. */
    readonly kind: HeadEncoder['kind'],
    /** Token budget of the training embeddings; configure the encoder the same way. */
    readonly maxTokens: number,
    readonly tasks: readonly ClassifyTask[],
  ) {}

  /** Loads the files of the given tasks (default: all) from `dir` (default: the committed heads). */
  static load(options: { encoder: EncoderKey; tasks?: readonly ClassifyTask[]; dir?: string }): Classifier {
    const dir = options.dir ?? HEADS_DIR;
    const tasks = options.tasks ?? CLASSIFY_TASKS;
    const heads = new Map<string, LoadedHead>();
    const kinds = new Set<HeadEncoder['kind']>();
    const budgets = new Set<number>();
    let topics: LoadedTopics | undefined;
    for (const task of tasks) {
      if (task === 'topic') {
        const file = path.join(dir, 'topics.json');
        const parsed = parseTopicsFile(readJson(file), file);
        checkEncoder('topics', parsed.encoder, options.encoder);
        kinds.add(parsed.encoder.kind);
        budgets.add(parsed.encoder.maxTokens);
        topics = topicModelOf(parsed);
        continue;
      }
      const { primary, facets } = TASK_FILES[task];
      for (const name of [primary, ...Object.values(facets)]) {
        const file = path.join(dir, `${name}.json`);
        const head = parseHeadFile(readJson(file), file);
        checkEncoder(name, head.encoder, options.encoder);
        kinds.add(head.encoder.kind);
        budgets.add(head.encoder.maxTokens);
        heads.set(name, { name, labels: head.labels, network: networkOf(head) });
      }
    }
    const [kind, ...otherKinds] = [...kinds];
    const [maxTokens, ...otherBudgets] = [...budgets];
    if (otherKinds.length > 0 || otherBudgets.length > 0) {
      throw new Error(
        `heads in ${dir} were trained on different e5 sides or token budgets; retrain them together`,
      );
    }
    return new Classifier(heads, topics, options.encoder, kind ?? 'query', maxTokens ?? 256, tasks);
  }

  /** Classifies vectors of the encoder this classifier was loaded for; one result per vector. */
  classify(task: ClassifyTask, vectors: readonly Float32Array[]): ClassifyResult[] {
    if (!this.tasks.includes(task))
      throw new Error(`task "${task}" was not loaded (loaded: ${this.tasks.join(', ')})`);
    for (const vector of vectors) {
      if (vector.length !== this.encoder.dim) {
        throw new RangeError(
          `expected ${this.encoder.dim}-dim vectors of ${this.encoder.model}, got ${vector.length}`,
        );
      }
    }
    if (task === 'topic') return vectors.map((vector) => this.topicOf(vector));
    const { primary, facets } = TASK_FILES[task];
    return vectors.map((vector) => {
      const result: ClassifyResult = this.predict(primary, vector);
      const entries = Object.entries(facets);
      if (entries.length > 0) {
        result.facets = Object.fromEntries(
          entries.map(([facet, name]) => [facet, this.predict(name, vector)]),
        );
      }
      return result;
    });
  }

  /** Embeds texts on the side the heads expect, then classifies them. */
  async classifyTexts(
    task: ClassifyTask,
    texts: readonly string[],
    encoder: Pick<Encoder, 'embedQueries' | 'embedPassages'>,
  ): Promise<ClassifyResult[]> {
    const vectors =
      this.kind === 'query' ? await encoder.embedQueries(texts) : await encoder.embedPassages(texts);
    return this.classify(task, vectors);
  }

  private predict(name: string, vector: Float32Array): Prediction {
    const head = this.heads.get(name);
    if (head === undefined) throw new Error(`head "${name}" is not loaded`);
    return top(predictProba(head.network, vector), head.labels);
  }

  private topicOf(vector: Float32Array): ClassifyResult {
    if (this.topics === undefined) throw new Error('topics are not loaded');
    const { prototypes, thresholds } = this.topics;
    const scores = topicScores(vector, prototypes);
    const assigned = assignTopics(scores, prototypes.ids, thresholds).map(({ topic, score }) => ({
      label: topic,
      score,
    }));
    // Ranked by how far each topic clears its own threshold, the same order as `labels`.
    const margins = topicMargins(scores, prototypes.ids, thresholds);
    const ranked = prototypes.ids
      .map((label, i) => ({ label, score: scores[i] ?? -1, margin: margins[i] ?? -Infinity }))
      .sort((a, b) => b.margin - a.margin || a.label.localeCompare(b.label))
      .map(({ label, score }) => ({ label, score }));
    const first = assigned[0];
    const alternatives = ranked.filter((entry) => entry.label !== first?.label).slice(0, ALTERNATIVES);
    return first === undefined
      ? { label: NO_TOPIC, score: 0, alternatives, labels: [] }
      : { label: first.label, score: first.score, alternatives, labels: assigned };
  }
}
