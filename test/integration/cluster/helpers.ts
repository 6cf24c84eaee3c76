import { postId } from '../../../src/domain/post';
import type { PostDocument } from '../../../src/domain/post-document';
import { LIMITS } from '../../../src/cluster/thresholds';
import type { BatchPayload } from '../../../src/pipeline/jobs';
import { clusterStage } from '../../../src/pipeline/stages/cluster.stage';
import type { StageHandler } from '../../../src/pipeline/stages/stage';
import { LshRepository, type LshLimits } from '../../../src/store/lsh.repository';
import { StoriesRepository } from '../../../src/store/stories.repository';
import { analyzePost } from '../../../src/text';
import type { Redis } from 'ioredis';
import type { Client } from '@elastic/elasticsearch';

/** A post document as the normalize stage would hand it to the cluster stage. */
export function postDoc(
  channel: string,
  externalId: string,
  text: string,
  publishedAt: string,
  extra: Partial<PostDocument> = {},
): PostDocument {
  const analyzed = analyzePost(text);
  return {
    id: postId('telegram', channel, externalId),
    platform: 'telegram',
    channel,
    externalId,
    text,
    publishedAt,
    textClean: analyzed.textClean,
    lemmas: analyzed.lemmas,
    lang: analyzed.lang,
    hashtags: analyzed.hashtags,
    mentions: analyzed.mentions,
    urls: analyzed.urls,
    fingerprint: analyzed.fingerprint,
    ingestedAt: publishedAt,
    ...extra,
  };
}

export function batchOf(docs: readonly PostDocument[], key = 'b'): BatchPayload {
  return {
    runId: 'test',
    batchKey: key,
    posts: docs.map((doc) => ({ post: doc, doc: { ...doc } })),
    rejects: [],
  };
}

export function lshRepository(redis: Redis, prefix: string, limits: Partial<LshLimits> = {}): LshRepository {
  return new LshRepository(redis, prefix, {
    ttlSeconds: 3600,
    bucketCap: LIMITS.bucketCap,
    exemplarCap: LIMITS.exemplarsPerStory,
    maxCandidates: LIMITS.maxCandidates,
    ...limits,
  });
}

export function stageFor(redis: Redis, es: Client, prefix: string, indexPrefix: string): StageHandler {
  return clusterStage({ lsh: lshRepository(redis, prefix), stories: new StoriesRepository(es, indexPrefix) });
}

/** Runs a batch and returns post id → story id. */
export async function cluster(
  stage: StageHandler,
  docs: readonly PostDocument[],
  key = 'b',
): Promise<Map<string, string>> {
  const outcome = await stage(batchOf(docs, key));
  if (outcome.poison.length > 0) throw outcome.poison[0]?.error;
  return new Map(outcome.next.posts.map((item) => [item.post.id, item.doc?.storyId ?? '']));
}

export const BASE = `В Коврове с 10:00 до 18:00 завтра отключат горячую воду на улицах Ленина, Труда и Кирова.
Управляющая компания объясняет отключение плановым ремонтом теплотрассы. Жителей просят запастись водой.`;
export const EDIT = `В Коврове с 10:00 до 18:00 завтра утром отключат горячую воду на улицах Ленина, Труда и Кирова!
Управляющая компания объясняет отключение плановым ремонтом теплотрассы. Жителей просят заранее запастись водой.`;
export const OTHER = `В Муроме открыли новый участок дороги через реку Оку после двух лет реконструкции моста.
Движение запущено в обе стороны, ограничение скорости 60 километров в час, сообщили в администрации.`;
export const OTHER2 = `Во Владимире прошёл фестиваль уличной еды: более ста участников и тысячи гостей на Соборной площади.
Организаторы обещают повторить праздник осенью и добавить детскую программу.`;

/** Five unrelated news texts; each test builds copies and light edits of them. */
export const ORIGINALS = [
  BASE,
  OTHER,
  OTHER2,
  `В Александрове на улице Гагарина прорвало водопровод, без холодной воды остались двенадцать многоэтажек.
Аварийная бригада «Водоканала» обещает восстановить подачу к вечеру, на место привезли цистерны с питьевой водой.`,
  `В Камешковском районе школьные автобусы третий день не выходят на маршрут из-за поломок.
Родители детей из сёл Второво и Брызгалово возят их в школу сами и просят администрацию прислать замену.`,
] as const;

/** A light edit: one word changed, one added at the end, punctuation moved; deterministic by `n`. */
export function lightEdit(text: string, n: number): string {
  const words = text.split(' ');
  const i = (n * 7) % words.length;
  words[i] = `${words[i] ?? ''}${n % 2 === 0 ? '!' : ','}`;
  return `${words.join(' ')} ${['Подробности позже.', 'Следим за ситуацией.', 'Источник: местные жители.'][n % 3] ?? ''}`;
}

/** Copies (exact, with emoji, upper case) and light edits of every original, with distinct channels. */
export function corpus(copiesPerStory: number, day: string): { doc: PostDocument; story: number }[] {
  const out: { doc: PostDocument; story: number }[] = [];
  ORIGINALS.forEach((text, story) => {
    for (let n = 0; n < copiesPerStory; n++) {
      const variant =
        n === 0 ? text : n % 3 === 0 ? `${text} 🔥` : n % 3 === 1 ? lightEdit(text, n) : text.toUpperCase();
      const minute = String((n * 7 + story * 3) % 60).padStart(2, '0');
      out.push({
        doc: postDoc(`@ch${story}-${n}`, String(n), variant, `${day}T1${n % 10}:${minute}:00.000Z`),
        story,
      });
    }
  });
  return out;
}

/** Deterministic shuffle (seeded LCG): arrival order differs from publication order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    const tmp = out[i];
    out[i] = out[j] as T;
    out[j] = tmp as T;
  }
  return out;
}

/** Groups post ids by story id, as sorted lists of sorted ids: comparable across runs. */
export function partition(assignments: ReadonlyMap<string, string>): string[][] {
  const groups = new Map<string, string[]>();
  for (const [post, story] of assignments) groups.set(story, [...(groups.get(story) ?? []), post]);
  return [...groups.values()].map((g) => g.sort()).sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}
