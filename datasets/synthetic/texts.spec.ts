import { SlotContext, magnitudeSlots, withCapital } from './context';
import { EMERGENCY_CATEGORIES } from './emergencies';
import { lightEdit } from './edits';
import { generate } from './generator';
import { PLACES, placeById } from './places';
import { Rng } from './prng';
import { compile, render } from './template';
import { allTemplateSources, emergencyNews, emergencyResident } from './texts';

describe('templates and texts', () => {
  it('renders choices and slots, and capitalises a sentence that starts with a place', () => {
    const ctx = new SlotContext(Rng.derive('t'), placeById('vladimir_obl/kovrov'), 1738540800);
    const text = render(
      compile('{inP} [нет воды|нет света] — жители {P.gen} [|очень ]недовольны.'),
      Rng.derive('x'),
      ctx,
    );
    expect(text).toMatch(/^В Коврове нет (воды|света) — жители Коврова (очень )?недовольны\.$/);
  });

  it('compiles every template the generator uses', () => {
    for (const source of allTemplateSources()) expect(() => compile(source)).not.toThrow();
  });

  it('states the figures of an emergency in agreeing forms', () => {
    const place = placeById('vladimir_obl/kameshkovsky');
    const fixed = {
      ...magnitudeSlots({ people: 12000, houses: 40, days: 3 }),
      ...withCapital('without', 'без воды'),
      what: 'воды',
    };
    const texts: string[] = [];
    for (let i = 0; i < 200; i++) {
      const rng = Rng.derive('fig', i);
      const ctx = new SlotContext(rng, place, 1738540800, fixed);
      texts.push(emergencyResident(rng, 'water', ctx), emergencyNews(rng, 'water', i % 2, ctx));
    }
    const all = texts.join('\n');
    expect(all).toContain('12 тыс. жителей');
    expect(all).toContain('более 40 домов');
    expect(all).toContain('третий день');
    expect(all).toContain('в Камешковском районе');
  });

  it('renders every emergency category without missing slots, with or without figures', () => {
    const place = placeById('kursk_obl/kursk');
    for (const category of EMERGENCY_CATEGORIES) {
      for (const fixed of [{}, magnitudeSlots({ people: 800, houses: 25, days: 2 })]) {
        const rng = Rng.derive(category);
        const ctx = new SlotContext(rng, place, 1738540800, {
          ...fixed,
          ...withCapital('without', 'без света'),
          what: 'света',
        });
        expect(emergencyResident(rng, category, ctx).length).toBeGreaterThan(10);
        expect(emergencyNews(rng, category, 0, ctx).length).toBeGreaterThan(10);
      }
    }
  });

  it('makes a light edit that differs from the text but keeps most of it', () => {
    const text =
      'В Коврове начался ремонт улицы Ленина. Работы завершат до 15 марта. Стоимость — 10 млн рублей.';
    for (let i = 0; i < 100; i++) {
      const edited = lightEdit(Rng.derive('e', i), text, '#Ковров');
      expect(edited).not.toBe(text);
      const words = new Set(text.split(/\s+/));
      const kept = edited.split(/\s+/).filter((w) => words.has(w)).length;
      expect(kept / words.size).toBeGreaterThan(0.6);
    }
  });

  it('writes place names in their case forms in generated posts', () => {
    const stream = generate({ scenario: 'demo', seed: '5' });
    let text = '';
    for (let i = 0; i < 4000; i++) {
      const next = stream.next();
      if (next.done === true) break;
      text += `${next.value.post.text}\n`;
    }
    expect(text).toMatch(/в Камешковском районе/);
    // Genitive after a head noun: «Водоканал Коврова», «больница Курска», «Администрация Мурома».
    const genitives = PLACES.flatMap((p) =>
      ['Водоканал', 'больница', 'Администрация'].map((w) => `${w} ${p.forms.gen}`),
    );
    expect(genitives.filter((g) => text.includes(g)).length).toBeGreaterThan(5);
    // Nominative after «в» would be a declension bug.
    expect(text).not.toMatch(/ в (Ковров|Муром|Курск|Камешковский район|Тула)[ ,.!?]/);
    // No unfilled slots or choices (a «|» may appear in channel names of forwarding lines).
    expect(text).not.toMatch(/[{}[\]]/);
  });
});
