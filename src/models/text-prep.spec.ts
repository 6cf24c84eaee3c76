import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clipForTokens, loadNormalizer, prepareText, prepareTextQuick } from './text-prep';

describe('text preparation before the tokenizer', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'dozor-norm-'));
  writeFileSync(
    path.join(folder, 'normalizer.json'),
    JSON.stringify({ map: { '9': ' ', '65313': 'A', '7': '', '189': '1⁄2' } }),
  );
  const normalize = loadNormalizer(folder);

  it('applies the per-code-point table: replace, delete, expand', () => {
    expect(normalize('a\tＡ\u0007½')).toBe('a A1⁄2');
  });

  it('leaves text untouched when the folder has no normalizer.json (e.g. a hub folder)', () => {
    expect(loadNormalizer(tmpdir())('a\tＡ')).toBe('a\tＡ');
  });

  it('adds the e5 prefix of the side the text is on', () => {
    expect(prepareText('query', 'x', normalize, 256)).toBe('query: x');
    expect(prepareText('passage', 'x', normalize, 256)).toBe('passage: x');
  });

  it('cuts a 100k-character text to what 256 tokens can cover, without splitting a code point', () => {
    const clipped = clipForTokens('😀'.repeat(100_000), 256);
    expect(Array.from(clipped)).toHaveLength(256 * 16);
    expect(clipped.endsWith('😀')).toBe(true);
  });

  it('cuts a long text early at a space, dropping the spaces before the cut', () => {
    const text = 'слово  '.repeat(200);
    const quick = prepareTextQuick('passage', text, normalize, 16) ?? '';
    expect(quick.length).toBeLessThanOrEqual(16 * 6);
    expect(quick.endsWith('слово')).toBe(true);
    expect(prepareText('passage', text, normalize, 16).startsWith(quick)).toBe(true);
  });

  it('does not cut early when the text is short or has no space to cut at', () => {
    expect(prepareTextQuick('passage', 'короткий пост', normalize, 16)).toBeUndefined();
    expect(prepareTextQuick('passage', 'x'.repeat(1000), normalize, 16)).toBeUndefined();
  });

  it('replaces lone surrogates instead of passing invalid UTF-16 on', () => {
    expect(prepareText('passage', 'a\uD800b', normalize, 256)).toBe('passage: a\uFFFDb');
  });
});
