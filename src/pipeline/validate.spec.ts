import { postId, type Post } from '../domain/post';
import { stripControlChars, validatePost } from './validate';

const NOW = new Date('2024-03-10T12:00:00Z');

function post(overrides: Partial<Post> = {}): Post {
  return {
    id: postId('telegram', '@test', '1'),
    platform: 'telegram',
    channel: '@test',
    externalId: '1',
    text: 'В посёлке Северном третий день нет электричества.',
    publishedAt: '2024-03-10T08:00:00.000Z',
    ...overrides,
  };
}

function codeOf(value: Post, now = NOW): string {
  const verdict = validatePost(value, now);
  return verdict.ok ? 'ok' : verdict.code;
}

describe('validatePost', () => {
  it('accepts an ordinary post', () => {
    expect(validatePost(post(), NOW)).toEqual({ ok: true });
  });

  it('refuses a text of only whitespace and zero-width characters as empty', () => {
    expect(codeOf(post({ text: '' }))).toBe('empty_text');
    expect(codeOf(post({ text: ' \n\t\u00A0\u200B\u200C\u200D\u2060\uFEFF ' }))).toBe('empty_text');
  });

  it('keeps zero-width joiners inside real text (emoji sequences need them)', () => {
    expect(codeOf(post({ text: 'Семья 👨\u200D👩\u200D👧 осталась без света' }))).toBe('ok');
  });

  it('refuses a 10 MB post instead of truncating it, and the limit is configurable', () => {
    const verdict = validatePost(post({ text: 'а'.repeat(10 * 1024 * 1024) }), NOW);
    expect(verdict).toMatchObject({ ok: false, code: 'too_large' });
    expect(!verdict.ok && verdict.reason).toContain('100000');
    const limits = { maxTextChars: 10, maxFutureMs: 0, minPublishedAt: new Date(0) };
    expect(validatePost(post({ text: 'двенадцать!!' }), NOW, limits)).toMatchObject({ code: 'too_large' });
  });

  it('refuses text with U+FFFD (bytes that were not UTF-8) and unpaired surrogates', () => {
    const verdict = validatePost(post({ text: 'Пр\uFFFDвет' }), NOW);
    expect(verdict).toMatchObject({ ok: false, code: 'invalid_utf8' });
    expect(!verdict.ok && verdict.reason).toContain('character 2');
    expect(codeOf(post({ text: 'обрыв \uD83D строки' }))).toBe('invalid_utf8');
    expect(codeOf(post({ text: 'эмодзи 😀 целое' }))).toBe('ok');
  });

  it('refuses control characters that reach it, naming the code point; tabs and newlines are fine', () => {
    expect(codeOf(post({ text: 'строка\r\nвторая\tтабуляция' }))).toBe('ok');
    const verdict = validatePost(post({ text: 'звонок\u0007' }), NOW);
    expect(verdict).toMatchObject({ ok: false, code: 'control_chars' });
    expect(!verdict.ok && verdict.reason).toContain('U+0007');
    expect(codeOf(post({ text: 'C1\u0085' }))).toBe('control_chars');
  });

  it('refuses unparsable dates, zero dates, and dates more than 24 h ahead', () => {
    expect(codeOf(post({ publishedAt: 'завтра' }))).toBe('bad_date');
    expect(codeOf(post({ publishedAt: '1970-01-01T00:00:00.000Z' }))).toBe('bad_date');
    expect(codeOf(post({ publishedAt: '2024-03-11T11:00:00.000Z' }))).toBe('ok');
    expect(codeOf(post({ publishedAt: '2024-03-11T13:00:00.000Z' }))).toBe('future_date');
  });
});

describe('stripControlChars', () => {
  it('removes C0/C1 controls and DEL (a run between two words leaves a space) but keeps tab, newline and CR', () => {
    expect(stripControlChars('a\u0000b\u0008c\u001Fd\u007F\u0085f\tg\nh\ri')).toBe('a b c d f\tg\nh\ri');
    expect(stripControlChars('Текст\u0000с\u0007\u001bсимволами')).toBe('Текст с символами');
    expect(stripControlChars('\u0007начало и \u0000конец\u001b')).toBe('начало и конец');
  });
});
