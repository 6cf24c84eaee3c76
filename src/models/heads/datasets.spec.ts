import { cleanAppealText, dedupeBy, tweetKey } from './datasets';

describe('cleanAppealText', () => {
  it('strips HTML tags and entities of portal appeals', () => {
    expect(cleanAppealText('<p>Во дворе&nbsp;яма</p><p>Прошу&nbsp;помочь&hellip;</p>')).toBe(
      'Во дворе яма Прошу помочь…',
    );
  });

  it('leaves plain text as it is, apart from whitespace', () => {
    expect(cleanAppealText('  Нет  света\nв доме ')).toBe('Нет света в доме');
  });
});

describe('tweetKey', () => {
  it('treats a retweet with another link as the same message', () => {
    expect(tweetKey('RT @news: Flood warning for #Calgary http://t.co/abc')).toBe(
      tweetKey('Flood warning for #Calgary http://t.co/xyz'),
    );
  });
});

describe('dedupeBy', () => {
  it('keeps the first of each key', () => {
    expect(dedupeBy(['a', 'A', 'b'], (s) => s.toLowerCase())).toEqual(['a', 'b']);
  });
});
