import { analyzePost, MAX_ANALYZED_CHARS } from './analyze';
import { lineKeys } from './boilerplate';

describe('analyzePost', () => {
  const post = [
    '**Forwarded from Мэрия Владимира**',
    'В Камешковском районе **отключили** воду &laquo;до&nbsp;утра&raquo; 🚰',
    'Подробнее: https://vladimir.ru/news/1',
    '',
    'В Камешковском районе отключили воду «до утра» 🚰',
    '',
    '#новости #ЖКХ @vladimir_news',
    '❤ [Подписаться](https://t.me/moscowtop) | [Прислать новость](https://t.me/moscowtop02_bot)',
  ].join('\n');

  it('returns clean text and every field', () => {
    const result = analyzePost(post);
    expect(result.textClean).toBe(
      'В Камешковском районе отключили воду «до утра» 🚰\nПодробнее:\n\n#новости #ЖКХ @vladimir_news',
    );
    expect(result.forwardedFrom).toBe('Мэрия Владимира');
    expect(result.lang).toBe('ru');
    expect(result.hashtags).toEqual(['новости', 'жкх']);
    expect(result.mentions).toEqual(['vladimir_news']);
    expect(result.urls).toEqual(['https://vladimir.ru/news/1']);
    expect(result.tokens).toEqual([
      'в',
      'камешковском',
      'районе',
      'отключили',
      'воду',
      'до',
      'утра',
      'подробнее',
      'новости',
      'жкх',
    ]);
    expect(result.lemmas).toEqual([
      'камешковский',
      'район',
      'отключить',
      'вода',
      'утро',
      'подробный',
      'новость',
      'жкх',
    ]);
    expect(result.fingerprint).toMatch(/^[\w-]{22}$/);
  });

  it('removes the lines the channel rule calls boilerplate, given as a set or a predicate', () => {
    const signature = '📌 Новости Владимира — главное за день';
    const text = `Открыли новый мост.\n${signature}`;
    const keys = new Set(lineKeys(signature));
    expect(analyzePost(text, { channelBoilerplate: keys }).textClean).toBe('Открыли новый мост.');
    expect(analyzePost(text, { channelBoilerplate: (key) => keys.has(key) }).textClean).toBe(
      'Открыли новый мост.',
    );
    expect(analyzePost(text).textClean).toBe(text);
  });

  it('keeps hashtags of removed footers but not their links', () => {
    const result = analyzePost('Текст\n❗️ [Подписывайся на канал](https://t.me/+abc) #новости');
    expect(result.hashtags).toEqual(['новости']);
    expect(result.urls).toEqual([]);
  });

  describe('never crashes on odd input', () => {
    it.each([
      ['empty text', ''],
      ['whitespace', ' \n\t \u200B '],
      ['emoji only', '🔥🔥🔥'],
      ['markup only', '**__~~||``'],
      ['lone surrogates and controls', '\uD800\u0000\uDFFF\u0007'],
    ])('%s', (_name, text) => {
      const result = analyzePost(text);
      expect(result.tokens).toEqual([]);
      expect(result.lemmas).toEqual([]);
      expect(typeof result.fingerprint).toBe('string');
    });

    it('unbalanced markup', () => {
      expect(analyzePost('[ссылка](http://a.ru **жирный __курсив').tokens).toEqual([
        'ссылка',
        'жирный',
        'курсив',
      ]);
    });

    it.each([undefined, null, 42, { text: 'x' }])('non-string %p gives empty fields', (input) => {
      expect(analyzePost(input)).toMatchObject({ textClean: '', tokens: [], lang: 'und', fingerprint: '' });
    });

    it('analyzes a 100k-character post quickly and caps longer ones', () => {
      const paragraph = 'В Коврове третий день нет горячей воды, жители 40 домов жалуются. ';
      const long = paragraph.repeat(Math.ceil((MAX_ANALYZED_CHARS * 2) / paragraph.length));
      const started = Date.now();
      const result = analyzePost(long);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(result.tokens.length).toBeGreaterThan(10_000);
      expect(result.textClean.length).toBeLessThanOrEqual(MAX_ANALYZED_CHARS);
    });
  });
});
