import { readFileSync } from 'node:fs';

/** One pair of the ParaPhraser corpus: -1 not a paraphrase, 0 loose, 1 strict. */
export interface ParaphrasePair {
  id: string;
  a: string;
  b: string;
  label: -1 | 0 | 1;
}

const decode = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');

/**
 * Reads `paraphraser/train.xml`. The file declares `encoding='UTF8'`, which strict XML parsers reject,
 * and its structure is flat and regular: it is read as UTF-8 text and split on its elements.
 */
export function readParaphraser(file: string): ParaphrasePair[] {
  const xml = readFileSync(file, 'utf8');
  const pairs: ParaphrasePair[] = [];
  for (const block of xml.split('<paraphrase>').slice(1)) {
    const value = (name: string): string =>
      decode(new RegExp(`<value name="${name}">([\\s\\S]*?)</value>`).exec(block)?.[1] ?? '');
    const label = Number(value('class'));
    if (label !== -1 && label !== 0 && label !== 1) continue;
    pairs.push({ id: value('id'), a: value('text_1'), b: value('text_2'), label });
  }
  return pairs;
}
