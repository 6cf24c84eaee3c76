import { extractHashtags, extractMentions, extractUrls } from './entities';

describe('extractUrls', () => {
  it('removes links with a scheme, www. and bare domains with a path, and makes them absolute', () => {
    const result = extractUrls(
      'Подробнее: https://mos.ru/news/1?x=2. Сайт (www.vladimir.ru/a) и bit.ly/abc, и госуслуги.рф!',
    );
    expect(result.urls).toEqual([
      'https://mos.ru/news/1?x=2',
      'https://www.vladimir.ru/a',
      'https://bit.ly/abc',
      'https://госуслуги.рф',
    ]);
    expect(result.text).toBe('Подробнее: . Сайт () и , и !');
  });

  it('keeps a balanced closing parenthesis that is part of the URL', () => {
    expect(extractUrls('см. https://ru.wikipedia.org/wiki/A_(b)').urls).toEqual([
      'https://ru.wikipedia.org/wiki/A_(b)',
    ]);
  });

  it('does not take file names, abbreviations or decimals for links', () => {
    expect(extractUrls('Файл main.py, ул.Ленина д.5, версия 3.12, т.е. ничего').urls).toEqual([]);
  });
});

describe('extractHashtags', () => {
  it('returns lower-cased tags without # and without repeats, skipping numbers and anchors', () => {
    expect(extractHashtags('#Новости #ЖКХ_Владимир текст #новости #1 site.ru/#anchor')).toEqual([
      'новости',
      'жкх_владимир',
    ]);
  });
});

describe('extractMentions', () => {
  it('returns account names without @ and ignores e-mail addresses', () => {
    expect(extractMentions('Пишите @Vladimir_News или на mail@example.com, @ab — коротко')).toEqual([
      'vladimir_news',
    ]);
  });
});
