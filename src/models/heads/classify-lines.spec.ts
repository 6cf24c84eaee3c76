import type { ClassifyResult, ClassifyTask } from './classifier';
import { classifyLines, type InputLine, type OutputRecord } from './classify-lines';

async function* lines(items: InputLine[]): AsyncGenerator<InputLine> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

/** Fake classifier: label = text length bucket, so tests can see which text produced which record. */
function fakeClassify(seen: string[][]) {
  return (_task: ClassifyTask, texts: readonly string[]): Promise<ClassifyResult[]> => {
    seen.push([...texts]);
    return Promise.resolve(
      texts.map((text) => ({
        label: text.length > 1000 ? 'long' : 'short',
        score: 0.123456,
        alternatives: [{ label: 'x', score: 0.01 }],
      })),
    );
  };
}

async function run(input: InputLine[], batch = 2, classify = fakeClassify([])): Promise<OutputRecord[]> {
  const out: OutputRecord[] = [];
  await classifyLines(
    lines(input),
    'fake',
    classify,
    (record) => {
      out.push(record);
      return Promise.resolve();
    },
    batch,
  );
  return out;
}

describe('classifyLines', () => {
  it('writes {id, label, score, alternatives} per line, in input order, across batches', async () => {
    const out = await run([
      { line: 1, value: { id: 'a', text: 'Нет воды' } },
      { line: 2, value: { id: 2, text: 'Яма на дороге' } },
      { line: 3, value: { id: 'c', text: 'Пожар' } },
    ]);
    expect(out).toEqual([
      { id: 'a', label: 'short', score: 0.1235, alternatives: [{ label: 'x', score: 0.01 }] },
      { id: 2, label: 'short', score: 0.1235, alternatives: [{ label: 'x', score: 0.01 }] },
      { id: 'c', label: 'short', score: 0.1235, alternatives: [{ label: 'x', score: 0.01 }] },
    ]);
  });

  it('turns bad lines into error records and goes on', async () => {
    const out = await run([
      { line: 1, error: 'line 1: invalid JSON (Unexpected token)' },
      { line: 2, value: { id: 'no-text' } },
      { line: 3, value: { text: 'no id' } },
      { line: 4, value: { id: 'empty', text: '   ' } },
      { line: 5, value: ['not', 'an', 'object'] },
      { line: 6, value: { id: 'ok', text: 'Нет света' } },
    ]);
    expect(out).toHaveLength(6);
    expect(out[0]).toEqual({ line: 1, error: 'line 1: invalid JSON (Unexpected token)' });
    expect(out[1]).toMatchObject({ id: 'no-text', line: 2, error: expect.stringMatching(/text/) as string });
    expect(out[2]).toMatchObject({ line: 3, error: expect.stringMatching(/id/) as string });
    expect(out[3]).toEqual({ id: 'empty', line: 4, error: 'line 4: text is empty' });
    expect(out[4]).toMatchObject({
      line: 5,
      error: expect.stringMatching(/expected \{id, text\}/) as string,
    });
    expect(out[5]).toMatchObject({ id: 'ok', label: 'short' });
  });

  it('classifies a 100k-character text and an emoji-only text like any other', async () => {
    const out = await run([
      { line: 1, value: { id: 'long', text: 'ы'.repeat(100_000) } },
      { line: 2, value: { id: 'emoji', text: '🔥🔥🚒😱' } },
    ]);
    expect(out.map((r) => ('label' in r ? r.label : r.error))).toEqual(['long', 'short']);
  });

  it('reports a failed batch line by line instead of crashing', async () => {
    const failing = (): Promise<ClassifyResult[]> => Promise.reject(new Error('encoder worker died'));
    const out: OutputRecord[] = [];
    const stats = await classifyLines(
      lines([
        { line: 1, value: { id: 'a', text: 'x' } },
        { line: 2, value: { id: 'b', text: 'y' } },
      ]),
      'fake',
      failing,
      (record) => {
        out.push(record);
        return Promise.resolve();
      },
    );
    expect(stats).toEqual({ classified: 0, errors: 2 });
    expect(out[1]).toEqual({ id: 'b', line: 2, error: 'line 2: classification failed: encoder worker died' });
  });

  it('sends texts to the encoder in batches of the given size', async () => {
    const seen: string[][] = [];
    await run(
      [1, 2, 3, 4, 5].map((n) => ({ line: n, value: { id: n, text: `t${n}` } })),
      2,
      fakeClassify(seen),
    );
    expect(seen).toEqual([['t1', 't2'], ['t3', 't4'], ['t5']]);
  });
});
