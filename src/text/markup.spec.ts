import { stripHtml, stripMarkdown, stripMarkdownLine } from './markup';

describe('stripMarkdownLine', () => {
  it('removes Telegram bold, italic, strike, spoiler and code markers', () => {
    expect(stripMarkdownLine('**Срочно**: __вода__ ~~будет~~ ||скоро|| `код`').text).toBe(
      'Срочно: вода будет скоро код',
    );
  });

  it('turns links into their text and returns their targets', () => {
    expect(
      stripMarkdownLine('Читайте [на сайте](https://mos.ru/a) и [тут](https://ru.wikipedia.org/wiki/A_(b))'),
    ).toEqual({
      text: 'Читайте на сайте и тут',
      links: ['https://mos.ru/a', 'https://ru.wikipedia.org/wiki/A_(b)'],
    });
  });

  it('handles markup inside link text and lines of markers only', () => {
    expect(stripMarkdownLine('[**Топор +18. Подписаться**](https://t.me/x)').text).toBe(
      'Топор +18. Подписаться',
    );
    expect(stripMarkdownLine('**').text).toBe('');
  });

  it('leaves single asterisks and underscores of plain text alone', () => {
    expect(stripMarkdownLine('5 * 3 и snake_case').text).toBe('5 * 3 и snake_case');
  });
});

describe('stripMarkdown', () => {
  it('strips code fences line by line', () => {
    expect(stripMarkdown('```\nprint(1)\n```').text).toBe('\nprint(1)\n');
  });
});

describe('stripHtml', () => {
  it('removes tags, turns block tags into line breaks and drops scripts', () => {
    expect(stripHtml('<p>Первый <b>абзац</b></p><p>Второй<br/>строка</p><script>alert(1)</script>')).toBe(
      '\nПервый абзац\n\nВторой\nстрока\n ',
    );
  });

  it('decodes named and numeric entities', () => {
    expect(stripHtml('&laquo;Вода&raquo;&nbsp;&mdash; &amp; &#8470;5 &#x2014;')).toBe('«Вода»\u00A0— & №5 —');
  });

  it('keeps text that only looks like markup', () => {
    expect(stripHtml('a < b и c > d, AT&T')).toBe('a < b и c > d, AT&T');
  });
});
