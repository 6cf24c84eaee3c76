import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Classifier, HeadEncoderMismatchError, HeadMissingError, NO_TOPIC } from './classifier';
import { writeHeadFile, type HeadEncoder } from './head-file';
import { toyHead } from './test-support';
import { writeTopicsFile, type TopicsFile } from './topics-file';

const encoder: HeadEncoder = { model: 'toy', version: '1', dim: 4, kind: 'query', maxTokens: 16 };
const key = { model: 'toy', version: '1', dim: 4 };
let dir: string;

function topicsFile(): TopicsFile {
  return {
    format: 'dozor-topics/2',
    name: 'topics',
    encoder,
    topics: [
      { id: 'water', name: 'Вода', phrases: ['нет воды'], vectors: [[1, 0, 0, 0]] },
      { id: 'roads', name: 'Дороги', phrases: ['яма'], vectors: [[0, 1, 0, 0]] },
      { id: 'gas', name: 'Газ', phrases: ['газ'], vectors: [[0, 0, 1, 0]] },
    ],
    thresholds: { byTopic: { water: 0.2, roads: 0.2 }, fallback: 0.3, maxTopics: 3, gate: 0.6 },
    card: {
      description: 'toy',
      trainedOn: '2025-01-01',
      calibration: { data: [], method: 'toy', seed: 1, calibrationSize: 0, testSize: 0, minPositives: 1 },
      metrics: { test: { microF1: 0, macroF1: 0, top1Accuracy: 0, offTopicFalseAlarmRate: 0, perTopic: [] } },
      caveats: [],
    },
  };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dozor-heads-'));
  writeHeadFile(
    path.join(dir, 'route-department.json'),
    toyHead('route-department', ['a', 'b', 'c', 'd'], encoder),
  );
  writeHeadFile(path.join(dir, 'route-topic.json'), toyHead('route-topic', ['t1', 't2'], encoder));
  writeHeadFile(path.join(dir, 'fake.json'), toyHead('fake', ['real', 'fake'], encoder));
  writeHeadFile(
    path.join(dir, 'crisis-informativeness.json'),
    toyHead('crisis-informativeness', ['x', 'y'], encoder),
  );
  writeHeadFile(path.join(dir, 'crisis-type.json'), toyHead('crisis-type', ['p', 'q', 'r'], encoder));
  writeTopicsFile(path.join(dir, 'topics.json'), topicsFile());
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('Classifier', () => {
  it('returns label, score and ranked alternatives for a trained head', () => {
    const classifier = Classifier.load({ encoder: key, dir });
    const [result] = classifier.classify('fake', [Float32Array.from([0, 1, 0, 0])]);
    expect(result?.label).toBe('fake');
    expect(result?.score).toBeGreaterThan(0.5);
    expect(result?.alternatives).toEqual([{ label: 'real', score: expect.any(Number) as number }]);
    expect(result?.facets).toBeUndefined();
  });

  it('adds the appeal topic to a route and the information type to a crisis result', () => {
    const classifier = Classifier.load({ encoder: key, dir });
    const [route] = classifier.classify('route', [Float32Array.from([0, 0, 1, 0])]);
    expect(route?.label).toBe('c');
    expect(route?.alternatives).toHaveLength(3);
    expect(route?.facets?.topic?.label).toBeDefined();
    const [crisis] = classifier.classify('crisis', [Float32Array.from([0, 0, 1, 0])]);
    expect(crisis?.facets?.type?.label).toBe('r');
  });

  it('assigns zero-shot topics whose relative score clears their threshold, or none under the gate', () => {
    const classifier = Classifier.load({ encoder: key, dir, tasks: ['topic'] });
    const [both, none] = classifier.classify('topic', [
      Float32Array.from([0.7071, 0.7071, 0, 0]),
      Float32Array.from([0, 0, 0.5, 0.866]),
    ]);
    expect(both?.labels?.map((l) => l.label).sort()).toEqual(['roads', 'water']);
    // gas clears its fallback threshold (relative 0.33 >= 0.3) but the closest phrase (0.5) is under the gate.
    expect(none?.label).toBe(NO_TOPIC);
    expect(none?.labels).toEqual([]);
    expect(none?.alternatives[0]?.label).toBe('gas');
  });

  it('refuses heads trained on another encoder version, naming both and the fix', () => {
    expect(() => Classifier.load({ encoder: { ...key, version: '2' }, dir })).toThrow(
      HeadEncoderMismatchError,
    );
    expect(() => Classifier.load({ encoder: { ...key, version: '2' }, dir })).toThrow(
      /toy@1.*toy@2.*models:train/,
    );
  });

  it('says which file is missing and how to make it', () => {
    expect(() => Classifier.load({ encoder: key, dir: path.join(dir, 'nowhere'), tasks: ['fake'] })).toThrow(
      HeadMissingError,
    );
  });

  it('rejects a corrupted head file with its path', () => {
    const broken = mkdtempSync(path.join(tmpdir(), 'dozor-heads-broken-'));
    writeFileSync(path.join(broken, 'fake.json'), '{"format":"dozor-head/1"}');
    expect(() => Classifier.load({ encoder: key, dir: broken, tasks: ['fake'] })).toThrow(
      /fake\.json is invalid/,
    );
    rmSync(broken, { recursive: true, force: true });
  });

  it('rejects vectors of the wrong size and tasks it did not load', () => {
    const classifier = Classifier.load({ encoder: key, dir, tasks: ['fake'] });
    expect(() => classifier.classify('fake', [new Float32Array(3)])).toThrow(RangeError);
    expect(() => classifier.classify('route', [new Float32Array(4)])).toThrow(/not loaded/);
  });

  it('embeds texts on the side the heads were trained on', async () => {
    const classifier = Classifier.load({ encoder: key, dir, tasks: ['fake'] });
    const calls: string[] = [];
    const fakeEncoder = {
      embedQueries: (texts: readonly string[]) => {
        calls.push('query');
        return Promise.resolve(texts.map(() => Float32Array.from([1, 0, 0, 0])));
      },
      embedPassages: (texts: readonly string[]) => {
        calls.push('passage');
        return Promise.resolve(texts.map(() => Float32Array.from([1, 0, 0, 0])));
      },
    };
    const results = await classifier.classifyTexts('fake', ['a', 'b'], fakeEncoder);
    expect(results.map((r) => r.label)).toEqual(['real', 'real']);
    expect(calls).toEqual(['query']);
  });
});
