import { analyzePost } from './analyze';
import { fingerprint } from './fingerprint';

const print = (text: string) => analyzePost(text).fingerprint;

describe('fingerprint', () => {
  const original = 'В Камешковском районе отключили воду. Аварийная бригада работает на месте.';

  it.each([
    ['case and spacing', 'в камешковском   районе ОТКЛЮЧИЛИ воду\nаварийная бригада работает на месте'],
    [
      'punctuation and emoji',
      '⚡️ В Камешковском районе отключили воду!!! Аварийная бригада — работает на месте 🚰',
    ],
    [
      'markup and a link',
      '**В Камешковском районе** отключили [воду](https://t.me/x/1). Аварийная бригада работает на месте.',
    ],
    [
      'ё instead of е',
      'В Камешковском районе отключили воду. Аварийная бригада работаёт на месте.'.replace(
        'работаёт',
        'работает',
      ),
    ],
    [
      'a boilerplate footer',
      `${original}\n\n❤ [Подписаться](https://t.me/x) | [Прислать новость](https://t.me/x_bot)`,
    ],
    ['a repeated paragraph', `${original}\n\n${original}`],
    [
      'HTML and entities',
      `<p>В&nbsp;Камешковском районе отключили воду.</p><p>Аварийная бригада работает на месте.</p>`,
    ],
  ])('is equal for a copy that differs in %s', (_change, copy) => {
    expect(print(copy)).toBe(print(original));
  });

  it('differs when a word changes', () => {
    expect(print(original.replace('Камешковском', 'Ковровском'))).not.toBe(print(original));
    expect(print(original.replace('отключили', 'включили'))).not.toBe(print(original));
  });

  it('differs for different emoji-only posts and is empty for an empty one', () => {
    expect(print('🔥')).not.toBe(print('😣'));
    expect(print('   ')).toBe('');
    expect(fingerprint([], '')).toBe('');
  });
});
