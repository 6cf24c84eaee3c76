import { loadConfig } from '../../../src/config/config';
import type { Post } from '../../../src/domain/post';
import type { Encoder } from '../../../src/models/encoder';
import { createEncoder } from '../../../src/models/encoder-pool';
import { Classifier } from '../../../src/models/heads/classifier';
import { TAXONOMY } from '../../../src/models/heads/taxonomy';
import { getModelEntry } from '../../../src/models/model-registry';
import type { BatchPayload, PostInFlight } from '../../../src/pipeline/jobs';
import { enrichStage } from '../../../src/pipeline/stages/enrich.stage';
import { analyzePost } from '../../../src/text';

const config = loadConfig();
const entry = getModelEntry('multilingual-e5-small');
const modelVersion = `${entry.name}@${entry.version}`;
let encoder: Encoder;
let classifier: Classifier;
/** Texts the stage handed to the encoder, to see what a retry embeds again. */
let embedded: string[] = [];

function inFlight(id: string, text: string): PostInFlight {
  const post: Post = {
    id,
    platform: 'telegram',
    channel: '@enrich_test',
    externalId: id,
    text,
    publishedAt: '2026-11-30T10:00:00.000Z',
  };
  const { textClean, lemmas, lang, hashtags, mentions, urls, fingerprint } = analyzePost(text, {
    channelBoilerplate: new Set(),
  });
  const ingestedAt = '2026-11-30T10:00:01.000Z';
  return {
    post,
    doc: { ...post, textClean, lemmas, lang, hashtags, mentions, urls, fingerprint, ingestedAt },
  };
}

function batchOf(posts: PostInFlight[]): BatchPayload {
  return { runId: 'enrich-test', batchKey: 'b1', posts, rejects: [] };
}

beforeAll(async () => {
  classifier = Classifier.load({
    encoder: { model: entry.name, version: entry.version, dim: entry.dim },
    tasks: ['topic'],
  });
  encoder = await createEncoder(config, { maxTokens: classifier.maxTokens });
}, 120_000);

afterAll(async () => {
  await encoder.close();
});

function stage(): ReturnType<typeof enrichStage> {
  return enrichStage({
    encoder: {
      model: encoder.model,
      version: encoder.version,
      embedQueries: (texts) => {
        embedded.push(...texts);
        return encoder.embedQueries(texts);
      },
      embedPassages: (texts) => {
        embedded.push(...texts);
        return encoder.embedPassages(texts);
      },
    },
    classifier,
  });
}

describe('the enrich stage with the local encoder and zero-shot topics', () => {
  beforeEach(() => {
    embedded = [];
  });

  it('gives every post with words a vector, taxonomy topics and the model version; emoji-only posts none', async () => {
    const posts = [
      inFlight('pothole', 'На улице Ленина огромные ямы на дороге, асфальт разбит, машины ломают подвеску.'),
      inFlight('long', `Отключили горячую воду. ${'Жители жалуются на управляющую компанию. '.repeat(2500)}`),
      inFlight('mixed', 'Курск Kursk 中文 Ἀθῆναι: авария на теплотрассе, нет отопления 🔥'),
      inFlight('emoji', '🔥🔥🔥😡😡'),
    ];
    const outcome = await stage()(batchOf(posts));
    expect(outcome.poison).toEqual([]);
    const byId = new Map(outcome.next.posts.map((item) => [item.post.id, item.doc]));
    const taxonomy = new Set(TAXONOMY.map((topic) => topic.id));
    for (const id of ['pothole', 'long', 'mixed']) {
      const doc = byId.get(id);
      expect(doc?.vector).toHaveLength(entry.dim);
      expect(doc?.modelVersion).toBe(modelVersion);
      const norm = Math.sqrt((doc?.vector ?? []).reduce((sum, x) => sum + x * x, 0));
      expect(norm).toBeCloseTo(1, 3);
      for (const topic of doc?.topics ?? []) expect(taxonomy.has(topic)).toBe(true);
    }
    expect(byId.get('pothole')?.topics).toContain('roads');
    expect(byId.get('emoji')?.vector).toBeUndefined();
    expect(byId.get('emoji')?.topics).toBeUndefined();
    expect(embedded).toHaveLength(3);
  });

  it('on a retried batch, embeds only the posts without this version’s vector', async () => {
    const first = await stage()(batchOf([inFlight('a', 'Прорвало трубу, вода заливает подвал дома')]));
    embedded = [];
    const retried = [...first.next.posts, inFlight('b', 'Во дворе третий день не вывозят мусор')];
    const outcome = await stage()(batchOf(retried));
    expect(embedded).toHaveLength(1);
    expect(embedded[0]).toContain('мусор');
    expect(outcome.next.posts.map((item) => item.doc?.vector?.length)).toEqual([entry.dim, entry.dim]);
  });
});
