import { cleanUnicode, collapseWhitespace } from './unicode';

describe('cleanUnicode', () => {
  it('removes zero-width, BOM, soft hyphen and bidi characters but keeps the emoji joiner', () => {
    expect(cleanUnicode('\uFEFFво\u200Bда\u00AD \u200Eсвет 👨\u200D💻')).toBe('вода свет 👨\u200D💻');
  });

  it('composes decomposed letters (NFC), so «й» typed as и + breve equals the precomposed one', () => {
    expect(cleanUnicode('Камешковски\u0438\u0306')).toBe('Камешковский'.normalize('NFC'));
    expect(cleanUnicode('и\u0306')).toBe('й');
  });

  it('turns control characters into spaces and unifies line breaks', () => {
    expect(cleanUnicode('a\u0007b\r\nc\rd\u2028e')).toBe('a b\nc\nd\ne');
  });

  it('turns no-break and typographic spaces and tabs into plain spaces', () => {
    expect(cleanUnicode('12\u00A0тыс.\u202Fжителей\tбез воды')).toBe('12 тыс. жителей без воды');
  });

  it('replaces lone surrogates instead of producing invalid UTF-16', () => {
    expect(cleanUnicode('a\uD800b\uDC00c😀')).toBe('a\uFFFDb\uFFFDc😀');
  });
});

describe('collapseWhitespace', () => {
  it('collapses spaces, trims lines and keeps at most one blank line', () => {
    expect(collapseWhitespace('  a   b  \n\n\n\n  c ')).toBe('a b\n\nc');
  });
});
