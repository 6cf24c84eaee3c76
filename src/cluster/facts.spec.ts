import { changedFacts, extractFacts, factView } from './facts';
import { comparisonText } from './minhash';

const view = (text: string) => factView(extractFacts(text), comparisonText(text));

describe('facts of a text', () => {
  it('are its numbers and the capitalized words that do not start a sentence', () => {
    expect(
      extractFacts(
        'В Коврове на ул. Ленина отключат воду до 18:00. Ремонт стоит 15,7 млн, а «Водоканал» молчит.',
      ),
    ).toEqual(['157', '1800', 'водоканал', 'коврове', 'ленина']);
  });

  it('leave out attribution lines: copies of one text name different sources', () => {
    expect(
      extractFacts('Пожар в Коврове.\nИсточник: Новости Владимирской области\nФото: Иван Петров'),
    ).toEqual(['коврове']);
  });

  it('leave out hashtags, mentions and links, and split hyphenated names as comparison texts do', () => {
    expect(extractFacts('Пожар в Гусь-Хрустальном #Владимир @channel https://x.ru/Путь')).toEqual([
      'гусь',
      'хрустальном',
    ]);
  });
});

describe('changed facts of two texts', () => {
  const original = 'В Коврове на улице Ленина прорвало трубу, без воды 12 домов.';

  it('are none for a copy with a source line, an added comment or a dropped comma', () => {
    expect(changedFacts(view(original), view(`${original}\nИсточник: Новости Коврова`))).toBe(0);
    expect(changedFacts(view(original), view(`${original} Следим за ситуацией.`))).toBe(0);
    expect(changedFacts(view('Ремонт стоит 15,7 млн.'), view('Ремонт стоит 157 млн.'))).toBe(0);
  });

  it('count the figures and names each text replaced', () => {
    expect(changedFacts(view(original), view(original.replace('12', '14')))).toBe(1);
    const elsewhere = original.replace('Коврове', 'Муроме').replace('Ленина', 'Мира').replace('12', '7');
    expect(changedFacts(view(original), view(elsewhere))).toBe(3);
  });

  it('count a statement one text denies and the other makes, but not an added «не верьте»', () => {
    const claim = 'В Судогде завтра отключат газ во всех домах.';
    expect(changedFacts(view(claim), view(claim.replace('отключат', 'не отключат')))).toBe(1);
    expect(changedFacts(view(claim.replace('отключат', 'не отключат')), view(claim))).toBe(1);
    expect(changedFacts(view(claim), view(`${claim} Не верьте панике!`))).toBe(0);
    const denial = 'Газ в Судогде не отключат.';
    expect(changedFacts(view(denial), view('Газ в Судогде, как и обещали, не отключат.'))).toBe(0);
  });

  it('do not count a sentence typed in capitals: its words are in the other text', () => {
    expect(changedFacts(view(original), view(original.toUpperCase()))).toBe(0);
  });
});

describe('numbers as facts', () => {
  it('count once per occurrence: a figure that reappears elsewhere in the text still changed', () => {
    const a = 'В Дзержинске начался ремонт школы № 24, её откроют к 11 января.';
    expect(extractFacts(a)).toEqual(['11', '24', 'дзержинске']);
    expect(changedFacts(view(a), view(a.replace('№ 24', '№ 11')))).toBe(1);
  });
});
