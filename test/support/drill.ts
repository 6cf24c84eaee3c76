import { spawn, type ChildProcess } from 'node:child_process';
import type { Client } from '@elastic/elasticsearch';
import { Rng } from '../../datasets/synthetic/prng';
import { postId, type Post } from '../../src/domain/post';
import type { Pipeline } from '../../src/main/pipeline';
import type { BatchProducer } from '../../src/pipeline/producer';
import type { Stage } from '../../src/pipeline/jobs';
import { listDeadLetters } from '../../src/pipeline/queues';
import { CLI } from './cli';
import type { TestContext } from './context';

const WORDS = [
  'жители двор подъезд крыша протекает управляющая компания отопление батареи холодные вода',
  'ржавая давление авария трубопровод подвал затопило лифт застрял мусор контейнер площадка',
  'вывоз свалка дорога яма асфальт ремонт тротуар гололёд песок уборка снег сугробы автобус',
  'маршрут остановка расписание опоздал водитель школа учитель класс столовая поликлиника врач',
  'очередь запись лекарства аптека больница приёмный скорая фонари освещение темно',
  'электричество отключили подстанция котельная газ запах пожар дым пожарные эвакуация мост',
  'переход светофор парковка шлагбаум детская качели сломаны парк деревья спилили собаки',
  'бездомные администрация глава обещал сроки сорваны жалоба обращение ответ прокуратура',
  'проверка подрядчик смета деньги тариф квитанция перерасчёт счётчик канализация засор насос',
  'колонка колодец скважина посёлок деревня район улица переулок набережная вокзал рынок',
  'магазин цены выросли молоко хлеб почта посылка интернет связь',
]
  .join(' ')
  .split(' ');

/** Posts of a drill: single posts, plus groups of copies that must end in one story. */
export interface DrillCorpus {
  posts: Post[];
  /** Post ids of each group of copies (exact copies in other channels and lightly edited ones). */
  groups: string[][];
}

const SYLLABLES = [
  'ка ро ми ле ва ну то зи ша бе гор дан вел мир сла тин ост рек пол яр лес град бор ник сон',
  'дуб лип кам вод хол',
]
  .join(' ')
  .split(' ');

/**
 * Half common words, half made-up names (of streets, people, villages): unrelated texts then share few
 * character shingles, as real posts about different events do, instead of filling every LSH bucket.
 */
function sentence(rng: Rng, words: number): string[] {
  return Array.from({ length: words }, (_, i) => {
    if (i % 2 === 0) return WORDS[rng.int(0, WORDS.length - 1)] ?? 'жители';
    const parts = rng.int(2, 3);
    return Array.from({ length: parts }, () => SYLLABLES[rng.int(0, SYLLABLES.length - 1)] ?? 'ка').join('');
  });
}

/**
 * A seeded corpus: `singles` unrelated posts and `groups` stories of `copies` posts each. In a group,
 * copies alternate between the exact text (another channel re-posting it) and a one-word edit.
 */
export function drillCorpus(
  seed: string,
  options: { singles: number; groups: number; copies: number; channel?: string },
): DrillCorpus {
  const rng = Rng.derive('drill', seed);
  const channel = options.channel ?? `@drill_${seed}`;
  const start = Date.UTC(2024, 4, 1);
  const posts: Post[] = [];
  const groups: string[][] = [];
  let n = 0;
  const make = (ch: string, text: string): Post => {
    n++;
    const externalId = String(n);
    return {
      id: postId('telegram', ch, externalId),
      platform: 'telegram',
      channel: ch,
      externalId,
      text,
      publishedAt: new Date(start + n * 1000).toISOString(),
    };
  };
  for (let g = 0; g < options.groups; g++) {
    const words = sentence(rng, 24);
    const ids: string[] = [];
    for (let c = 0; c < options.copies; c++) {
      const edited = [...words];
      if (c % 2 === 1)
        edited[2 * rng.int(0, edited.length / 2 - 1)] = WORDS[rng.int(0, WORDS.length - 1)] ?? '';
      const post = make(`${channel}_${c}`, `${edited.join(' ')}. История ${seed}-${g}.`);
      ids.push(post.id);
      posts.push(post);
    }
    groups.push(ids);
  }
  for (let i = 0; i < options.singles; i++) {
    posts.push(make(channel, `${sentence(rng, 18).join(' ')}. Сообщение ${seed}-${i}.`));
  }
  // Interleave groups and singles so copies arrive in different batches, not side by side.
  const shuffled = posts.map((post) => ({ post, key: rng.next() })).sort((a, b) => a.key - b.key);
  return { posts: shuffled.map((entry) => entry.post), groups };
}

export async function waitUntil(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs = 120_000,
  pollMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(pollMs);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every document of an index or alias: id → storyId (scrolled, so exact at any size). */
export async function scrollPosts(es: Client, index: string): Promise<Map<string, string | undefined>> {
  await es.indices.refresh({ index });
  const out = new Map<string, string | undefined>();
  let response = await es.search<{ storyId?: string }>({
    index,
    scroll: '1m',
    size: 2000,
    sort: ['_doc'],
    _source: ['storyId'],
  });
  for (;;) {
    const hits = response.hits.hits;
    if (hits.length === 0) break;
    for (const hit of hits) {
      if (hit._id === undefined) continue;
      if (out.has(hit._id)) throw new Error(`document ${hit._id} returned twice by one scroll`);
      out.set(hit._id, hit._source?.storyId);
    }
    const scrollId = response._scroll_id;
    if (scrollId === undefined) break;
    response = await es.scroll<{ storyId?: string }>({ scroll_id: scrollId, scroll: '1m' });
  }
  if (response._scroll_id !== undefined) await es.clearScroll({ scroll_id: response._scroll_id });
  return out;
}

/** Ids in `expected` missing from `found`, and ids in `found` nobody expected (first few of each). */
export function idDiff(
  expected: readonly string[],
  found: ReadonlyMap<string, unknown>,
): { missing: string[]; unexpected: string[] } {
  const wanted = new Set(expected);
  return {
    missing: expected.filter((id) => !found.has(id)).slice(0, 10),
    unexpected: [...found.keys()].filter((id) => !wanted.has(id)).slice(0, 10),
  };
}

/**
 * Groups whose posts do not all carry one story id (split), and story ids shared by several groups
 * (wrongly merged). Both lists are empty when clustering survived the fault.
 */
export function storyProblems(
  groups: readonly string[][],
  storyOf: ReadonlyMap<string, string | undefined>,
): { split: string[][]; merged: string[] } {
  const split: string[][] = [];
  const owner = new Map<string, number>();
  const merged = new Set<string>();
  groups.forEach((ids, g) => {
    const stories = new Set(ids.map((id) => storyOf.get(id) ?? `(none:${id})`));
    if (stories.size !== 1) split.push([...stories]);
    for (const story of stories) {
      const previous = owner.get(story);
      if (previous !== undefined && previous !== g) merged.add(story);
      owner.set(story, g);
    }
  });
  return { split: split.slice(0, 5), merged: [...merged].slice(0, 5) };
}

export async function deadLetterCount(pipeline: Pipeline): Promise<number> {
  return (await listDeadLetters(pipeline.queues, 1000)).length;
}

/**
 * What every fault drill proves once its run has settled: nothing waits in the ledger or the dead-letter
 * queue, the index holds exactly the corpus's posts (each once), and each group of copies is one story.
 */
export async function expectEveryPostOnce(
  context: TestContext,
  pipeline: Pipeline,
  corpus: DrillCorpus,
): Promise<void> {
  expect((await pipeline.ledger.counts()).queued).toBe(0);
  expect(await deadLetterCount(pipeline)).toBe(0);
  const found = await scrollPosts(context.es, `${context.config.indexPrefix}-posts`);
  expect(found.size).toBe(corpus.posts.length);
  expect(
    idDiff(
      corpus.posts.map((post) => post.id),
      found,
    ),
  ).toEqual({ missing: [], unexpected: [] });
  expect(storyProblems(corpus.groups, found)).toEqual({ split: [], merged: [] });
}

/** Feeds posts to a producer and flushes the last batch (back-pressure applies as in an import). */
export async function produce(producer: BatchProducer, posts: readonly Post[]): Promise<void> {
  for (const post of posts) await producer.add({ kind: 'post', post });
  await producer.flush();
}

/**
 * During an outage, connection errors are the point: without a listener, ioredis and BullMQ's queues
 * print every one of them (a screenful per second) and hide the test's own output.
 */
export function expectConnectionErrors(context: TestContext, pipeline: Pipeline): void {
  context.redis.on('error', () => undefined);
  for (const queue of Object.values(pipeline.queues)) queue.on('error', () => undefined);
}

/** The environment a `dozor` process needs to work on a test context's prefixes (and services). */
export function drillEnv(context: TestContext, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DOZOR_INDEX_PREFIX: context.config.indexPrefix,
    DOZOR_QUEUE_PREFIX: context.config.queuePrefix,
    ...extra,
  };
}

/** A `dozor worker` process; `ready` resolves once its workers listen for jobs. */
export interface WorkerProcess {
  child: ChildProcess;
  /** When the process said its workers run (ms since the epoch, the clock BullMQ stamps jobs with). */
  ready: Promise<number>;
  /** The last few kB it printed, to explain a worker that died on its own. */
  output(): string;
}

const OUTPUT_KEPT = 8192;

/** Starts a `dozor worker` process (the built CLI) with models off, on the given prefixes and services. */
export function spawnWorker(env: Record<string, string>, stages?: readonly Stage[]): WorkerProcess {
  const args = [CLI, 'worker'];
  if (stages !== undefined) args.push('--stages', stages.join(','));
  const child = spawn(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'warn', DOZOR_MODELS: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout.on('data', keep);
  const ready = new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (output.includes('workers running')) resolve(Date.now());
    });
    child.once('exit', (code, signal) => {
      reject(new Error(`worker exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  // A worker killed on purpose never becomes ready; only a waiting caller should see that rejection.
  ready.catch(() => undefined);
  return { child, ready, output: () => output };
}

/** Runs a drill's steps; a failure then carries what the worker processes printed, to say why. */
export async function explainedBy<T>(workers: Iterable<WorkerProcess>, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps();
  } catch (error) {
    const outputs = [...workers].map((worker, i) => {
      const { exitCode, signalCode } = worker.child;
      return `--- worker ${i} (${exitCode ?? signalCode ?? 'running'}), last output:\n${worker.output()}`;
    });
    if (error instanceof Error) error.message += `\n${outputs.join('\n')}`;
    throw error;
  }
}

/** Kills a child and waits until it is gone. */
export async function killChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill(signal);
  await gone;
}
