import { readHead } from './read';
import type { SourceFormat, SourceInput } from './types';

/**
 * Guesses the format of a file from its first characters, only to tell the user which `--format` to try
 * when the one given does not fit. Never used to pick a parser: an import reads what it was told to.
 */
export function sniffFormat(head: string): SourceFormat | undefined {
  const text = head.trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<(rss|feed|rdf:RDF)\b/.test(text)) return 'rss';
  if (text.startsWith('{')) {
    const firstLine = text.split('\n', 1)[0] ?? '';
    if (/"platform"\s*:/.test(firstLine) && /"externalId"\s*:/.test(firstLine)) return 'jsonl';
    if (/"response"\s*:|"owner_id"\s*:|"error_code"\s*:/.test(text)) return 'vk';
    if (/"messages"\s*:/.test(text)) return 'telegram';
  }
  if (text.startsWith('[')) {
    if (/"message_id"\s*:/.test(text) && /"sender_id"\s*:/.test(text)) return 'tg-dump';
    if (/"owner_id"\s*:/.test(text)) return 'vk';
  }
  return undefined;
}

/** "… looks like X: try --format X" or a generic hint, for wrong-format messages. */
export function formatHint(head: string, expected: string): string {
  const guess = sniffFormat(head);
  return guess === undefined
    ? `Expected ${expected}; check --format and the file.`
    : `Expected ${expected}, but it looks like ${FORMAT_NAMES[guess]}: try --format ${guess}.`;
}

/** Human names of the formats, for messages. */
export const FORMAT_NAMES: Readonly<Record<SourceFormat, string>> = {
  telegram: 'a Telegram Desktop export (result.json)',
  'tg-dump': 'a Telegram channel dump (JSON array of {message_id, sender_id, text, date, channel})',
  vk: 'a VK wall.get response',
  rss: 'an RSS or Atom feed',
  jsonl: "JSON Lines in Dozor's schema",
  csv: 'CSV',
};

/** {@link formatHint} for a file, read from its first characters. */
export async function fileFormatHint(input: SourceInput, expected: string): Promise<string> {
  const head = await readHead(input);
  return head === undefined ? `Expected ${expected}; check --format.` : formatHint(head, expected);
}
