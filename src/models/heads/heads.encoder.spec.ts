import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/config';
import type { Encoder } from '../encoder';
import { createEncoder } from '../encoder-pool';
import { getModelEntry } from '../model-registry';
import { Classifier, HEADS_DIR } from './classifier';
import { readHeadFile } from './head-file';
import { TAXONOMY } from './taxonomy';
import { readTopicsFile } from './topics-file';

const config = loadConfig();
const entry = getModelEntry('multilingual-e5-small');
const built = existsSync(path.join(config.modelDir, entry.folder, 'onnx'));
if (!built) {
  process.stderr.write(
    `heads.encoder.spec: real-encoder tests skipped, no model in ${config.modelDir}; run \`npm run models:build\`.\n`,
  );
}
const describeWithModel = built ? describe : describe.skip;

describe('committed heads', () => {
  const names = ['route-department', 'route-topic', 'fake', 'crisis-informativeness', 'crisis-type'];

  it('were trained on the encoder version the registry ships (retrain after a model change)', () => {
    for (const name of names) {
      const head = readHeadFile(path.join(HEADS_DIR, `${name}.json`));
      expect(`${name}: ${head.encoder.model}@${head.encoder.version}`).toBe(
        `${name}: ${entry.name}@${entry.version}`,
      );
    }
  });

  it('carry the taxonomy as written in taxonomy.ts (recalibrate after editing it)', () => {
    const topics = readTopicsFile(path.join(HEADS_DIR, 'topics.json'));
    expect(topics.topics.map(({ id, name, phrases }) => ({ id, name, phrases }))).toEqual(
      TAXONOMY.map(({ id, name, phrases }) => ({ id, name, phrases: [...phrases] })),
    );
  });
});

// Sentences written for this test (not from any dataset): plain Russian posts of the kind ЦУР sees.
describeWithModel('trained heads on the real encoder', () => {
  let encoder: Encoder;
  let classifier: Classifier;

  beforeAll(async () => {
    encoder = await createEncoder(config, { batchSize: 8 });
    classifier = Classifier.load({
      encoder: { model: encoder.model, version: encoder.version, dim: encoder.dim },
    });
  }, 120_000);

  afterAll(async () => {
    await encoder.close();
  });

  it('assigns obvious zero-shot topics to Russian posts', async () => {
    const results = await classifier.classifyTexts(
      'topic',
      [
        'Третий день нет отопления, батареи ледяные, в квартире 15 градусов',
        'Во дворе неделю не вывозят мусор, контейнеры переполнены',
        'На улице Ленина огромная яма на дороге, машины бьют колёса',
        'В поликлинике невозможно записаться к терапевту',
      ],
      encoder,
    );
    expect(results.map((r) => r.labels?.map((l) => l.label) ?? [])).toEqual([
      expect.arrayContaining(['heating']),
      expect.arrayContaining(['waste']),
      expect.arrayContaining(['roads']),
      expect.arrayContaining(['healthcare']),
    ]);
  });

  it('transfers crisis informativeness from English tweets to Russian posts', async () => {
    const [collapse, chatter] = await classifier.classifyTexts(
      'crisis',
      [
        'Обрушился мост через реку, есть пострадавшие, спасатели просят объезжать район',
        'Сегодня пила кофе с подругой, погода чудесная',
      ],
      encoder,
    );
    expect(collapse?.label).toBe('informative');
    expect(chatter?.label).not.toBe('informative');
  });

  it('routes an appeal about a pothole and gives an appeal topic', async () => {
    const [route] = await classifier.classifyTexts(
      'route',
      ['Прошу отремонтировать дорогу, сплошные ямы на проезжей части'],
      encoder,
    );
    expect(route?.label).toEqual(expect.any(String));
    expect(route?.facets?.topic?.label).toMatch(/дорог|ям/i);
  });

  it('gives every head a result for empty-looking, emoji-only, mixed-script and 100k-character texts', async () => {
    const texts = ['🔥🔥🔥', 'Авария на ТЭЦ-2, no hot water since Monday', 'я'.repeat(100_000), '.'];
    for (const task of ['route', 'topic', 'fake', 'crisis'] as const) {
      const results = await classifier.classifyTexts(task, texts, encoder);
      expect(results).toHaveLength(texts.length);
      for (const result of results) expect(Number.isFinite(result.score)).toBe(true);
    }
  }, 60_000);
});
