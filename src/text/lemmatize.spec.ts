import { analyzeQuery } from './analyze';
import { lemmatize } from './lemmatize';
import { tokenize } from './tokenize';

const lemmas = (text: string) => tokenize(text).map(lemmatize);

describe('lemmatize', () => {
  it('maps the case forms of a district name to one lemma', () => {
    expect(lemmas('в Камешковском районе')).toEqual(['в', 'камешковский', 'район']);
    expect(lemmas('Камешковский район')).toEqual(['камешковский', 'район']);
    expect(lemmas('Камешковского района')).toEqual(['камешковский', 'район']);
  });

  it.each([
    [['Ковров', 'Коврова', 'Коврове', 'Ковровом'], 'ковров'],
    [['Владимир', 'Владимире', 'Владимиром'], 'владимир'],
    [['Суздаль', 'Суздаля', 'Суздале'], 'суздаль'],
    [['Гусь-Хрустальный', 'Гусь-Хрустальном'], 'гусь-хрустальный'],
    [['Юрьев-Польский', 'Юрьев-Польского'], 'юрьев-польский'],
    [['вода', 'воды', 'воду', 'водой'], 'вода'],
    [['люди', 'людей', 'человек'], 'человек'],
    [['ёлки', 'елке'], 'елка'],
  ])('maps %p to %p', (forms, lemma) => {
    expect(forms.map((form) => lemmatize(tokenize(form)[0] ?? ''))).toEqual(forms.map(() => lemma));
  });

  it('gives the same lemma whatever the case the word was written in', () => {
    expect(lemmatize('коврове')).toBe(lemmatize(tokenize('КОВРОВЕ')[0] ?? ''));
  });

  it('returns Latin words and numbers unchanged', () => {
    expect(lemmatize('iphone')).toBe('iphone');
    expect(lemmatize('2024')).toBe('2024');
  });
});

describe('analyzeQuery', () => {
  it('analyzes a query like indexed text: lemmas, no stop words', () => {
    expect(analyzeQuery('Нет воды в Камешковском районе')).toEqual(['нет', 'вода', 'камешковский', 'район']);
  });

  it('returns nothing for non-text input', () => {
    expect(analyzeQuery(undefined)).toEqual([]);
  });
});
