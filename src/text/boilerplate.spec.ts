import { classifyLine, lineKeys, removeLines } from './boilerplate';
import { stripMarkdownLine } from './markup';

const verdict = (line: string) => {
  const stripped = stripMarkdownLine(line);
  return classifyLine(stripped.text, stripped.links.length > 0);
};

describe('classifyLine (the maintained list)', () => {
  it.each([
    'Please open Telegram to view this post',
    'This media is not supported in your browser',
    'VIEW IN TELEGRAM',
    '👉 Читать далее',
    'Подписаться',
  ])('drops the platform placeholder %p', (line) => {
    expect(verdict(line)).toEqual({ kind: 'drop' });
  });

  it.each([
    '❤ [Подписаться](https://t.me/channel) | [Прислать новость](https://t.me/channel_bot)',
    '[👉 Топор Live. Подписаться](https://t.me/+abc)',
    '❗️ [Подписывайся на Mash](https://t.me/+abc)',
    '__Читать нас без VPN можно здесь: ____bit.ly/bbcrussian__',
    'Реклама. ООО «Ромашка», ИНН 7700000000, erid: 2VtzqwX',
  ])('drops the channel footer %p', (line) => {
    expect(verdict(line)).toEqual({ kind: 'drop' });
  });

  it('captures the channel of a "Forwarded from" line', () => {
    expect(verdict('**Forwarded from Мэрия Владимира**')).toEqual({
      kind: 'forwarded',
      from: 'Мэрия Владимира',
    });
    expect(verdict('Переслано из: ЦУР Владимирской области')).toEqual({
      kind: 'forwarded',
      from: 'ЦУР Владимирской области',
    });
  });

  it('keeps news sentences that merely mention subscribing or reading', () => {
    expect(
      verdict('Жители могут подписаться на уведомления об отключениях воды на сайте администрации.'),
    ).toEqual({
      kind: 'keep',
    });
    expect(
      verdict(
        'Чтобы подписаться на рассылку об авариях, жителям Коврова нужно оставить заявку в управляющей компании — [подробности](https://example.ru/a), сообщили в администрации города',
      ),
    ).toEqual({ kind: 'keep' });
    expect(verdict('Подписаться на канал')).toEqual({ kind: 'keep' });
  });
});

describe('lineKeys and removeLines (the per-channel repetition rule)', () => {
  const footer = '🔴 [Наш канал](https://t.me/news_x)';
  const postA = `В Муроме отремонтировали мост.\n\n${footer}`;
  const postB = `В Коврове открыли школу.\n\n 🔴  [Наш канал](https://t.me/news_x) `;

  it('gives the same key to the same line in different posts, whatever its spacing', () => {
    const shared = lineKeys(postA).filter((key) => lineKeys(postB).includes(key));
    expect(shared).toHaveLength(1);
  });

  it('gives blank and markup-only lines no key and lists each key once', () => {
    expect(lineKeys('**\n\n**')).toEqual([]);
    expect(lineKeys('строка\nстрока')).toHaveLength(1);
  });

  it('removes exactly the lines whose key the predicate calls boilerplate', () => {
    const footerKeys = new Set(lineKeys(footer));
    expect(removeLines(postA, (key) => footerKeys.has(key))).toBe('В Муроме отремонтировали мост.\n');
    expect(removeLines(postA, () => false)).toBe(postA);
  });
});
