import { decide, type CandidateStory } from './assign';
import { comparisonText } from './minhash';
import { sketchText } from './similarity';

const text =
  'В Коврове с 10:00 до 18:00 завтра отключат горячую воду на улицах Ленина, Труда и Кирова. Управляющая компания объясняет отключение ремонтом теплотрассы.';
const edit = text.replace('18:00', '19:00').replace('ремонтом', 'плановым ремонтом');
const loose =
  'В Коврове завтра не будет горячей воды на Ленина и Кирова: компания меняет трубы теплотрассы, воду дадут к вечеру.';

const story = (storyId: string, t: string, rejected: string[] = []): CandidateStory => ({
  storyId,
  exemplars: [{ postId: `${storyId}-p`, text: comparisonText(t) }],
  rejected: new Set(rejected),
});

describe('assignment decisions', () => {
  it('a known fingerprint joins at the exact level without verification', () => {
    expect(decide(sketchText(text, 'f'), 's1', [story('s2', text)], []).primary).toMatchObject({
      storyId: 's1',
      level: 'exact',
    });
  });

  it('the best verified story is the primary, other auto-level stories are bridges', () => {
    const d = decide(sketchText(edit, 'f'), undefined, [story('s2', text), story('s1', text)], []);
    expect(d.primary?.storyId).toBe('s1');
    expect(d.bridges.map((b) => b.storyId)).toEqual(['s2']);
  });

  it('an analyst-rejected pair is never bridged', () => {
    const d = decide(sketchText(edit, 'f'), undefined, [story('s1', text, ['s2']), story('s2', text)], []);
    expect(d.bridges).toEqual([]);
  });

  it('no candidate above auto-merge means a new story; weaker semantic neighbours become suggestions', () => {
    const d = decide(
      sketchText(loose, 'f'),
      undefined,
      [story('s1', text)],
      [{ storyId: 's3', postId: 'p', score: 0.93 }],
    );
    expect(d.primary).toBeUndefined();
    expect(d.suggestions.map((s) => s.storyId)).toContain('s3');
  });

  it('a very close semantic neighbour joins automatically when text levels fail', () => {
    const d = decide(sketchText(loose, 'f'), undefined, [], [{ storyId: 's4', postId: 'p', score: 0.99 }]);
    expect(d.primary).toMatchObject({ storyId: 's4', level: 'semantic' });
  });
});
