import { decide, type CandidateStory } from './assign';
import { extractFacts, factView } from './facts';
import { comparisonText } from './minhash';
import { sketchText } from './similarity';

const text =
  'В Коврове с 10:00 до 18:00 завтра отключат горячую воду на улицах Ленина, Труда и Кирова. Управляющая компания объясняет отключение ремонтом теплотрассы.';
const edit = text.replace('завтра', 'завтра утром').replace('ремонтом', 'плановым ремонтом');
// The same phrasing about another town and other streets: a different event.
const sibling = text
  .replace('Коврове', 'Муроме')
  .replace('Ленина, Труда и Кирова', 'Мира, Лесной и Чкалова')
  .replace('18:00', '17:00');
const loose =
  'В Коврове завтра не будет горячей воды на Ленина и Кирова: компания меняет трубы теплотрассы, воду дадут к вечеру.';

const story = (storyId: string, t: string, rejected: string[] = []): CandidateStory => ({
  storyId,
  exemplars: [{ postId: `${storyId}-p`, text: comparisonText(t), facts: extractFacts(t) }],
  rejected: new Set(rejected),
});
const neighbour = (storyId: string, t: string, score: number) => ({
  storyId,
  postId: `${storyId}-n`,
  score,
  facts: factView(extractFacts(t), comparisonText(t)),
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
    const d = decide(sketchText(loose, 'f'), undefined, [story('s1', text)], [neighbour('s3', loose, 0.95)]);
    expect(d.primary).toBeUndefined();
    expect(d.suggestions.map((s) => s.storyId)).toContain('s3');
  });

  it('a very close semantic neighbour joins automatically when text levels fail', () => {
    const d = decide(sketchText(loose, 'f'), undefined, [], [neighbour('s4', loose, 0.99)]);
    expect(d.primary).toMatchObject({ storyId: 's4', level: 'semantic' });
  });

  it('the same phrasing about another town is neither merged nor suggested, at any level', () => {
    const d = decide(sketchText(sibling, 'f'), undefined, [story('s1', text)], [neighbour('s2', text, 0.99)]);
    expect(d).toEqual({ primary: undefined, bridges: [], suggestions: [] });
  });

  it('a copy with one figure changed is suggested for an analyst, not merged', () => {
    const corrected = text.replace('18:00', '19:00');
    const d = decide(sketchText(corrected, 'f'), undefined, [story('s1', text)], []);
    expect(d.primary).toBeUndefined();
    expect(d.suggestions).toMatchObject([{ storyId: 's1', level: 'near' }]);
  });

  it('a vague post contained in reports of two places joins one and bridges nothing', () => {
    const vague =
      'Стихийную свалку убрали: вывезено 77 кубометров отходов. О проблеме жители писали в ЦУР не раз.';
    const place = (name: string) => vague.replace('свалку', `свалку в селе ${name}`);
    const d = decide(
      sketchText(vague, 'f'),
      undefined,
      [story('s1', place('Покровское')), story('s2', place('Ивановское'))],
      [],
    );
    expect(d.primary?.storyId).toBe('s1');
    expect(d.bridges).toEqual([]);
    expect(d.suggestions.map((s) => s.storyId)).toEqual(['s2']);
  });

  it('a story whose members name another place is only suggested, even if one member is a copy', () => {
    const vague =
      'Стихийную свалку убрали: вывезено 65 кубометров отходов. О проблеме жители писали в ЦУР не раз.';
    const place = (name: string) => vague.replace('свалку', `свалку в селе ${name}`);
    // The vague report started the story and a report naming its place joined it.
    const grown: CandidateStory = {
      storyId: 's1',
      exemplars: [...story('x', vague).exemplars, ...story('y', place('Покровское')).exemplars],
      rejected: new Set(),
    };
    const d = decide(sketchText(place('Ивановское'), 'f'), undefined, [grown], []);
    expect(d.primary).toBeUndefined();
    expect(d.suggestions).toMatchObject([{ storyId: 's1', viaPostId: 'x-p' }]);
    // A copy of the place the story names joins it.
    expect(decide(sketchText(place('Покровское'), 'g'), undefined, [grown], []).primary?.storyId).toBe('s1');
  });
});
