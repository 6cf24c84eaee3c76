import type { Rng } from './prng';
import { ADDED_SENTENCES, EMOJI, SYNONYMS } from './vocab';
import { CAMPAIGN_MARKERS } from './fakes';

/**
 * Copy transforms. A repost keeps the text (optionally with a forwarding or source line, as scrapes show
 * them); a light edit changes one or two small things, the way people touch up a text they repost.
 */

export function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?…])\s+/).filter((s) => s !== '');
}

/** An exact copy, sometimes with the line a Telegram scrape or a reposter adds. */
export function repostText(rng: Rng, text: string, fromTitle: string): string {
  const r = rng.next();
  if (r < 0.7) return text;
  if (r < 0.85) return `Forwarded from ${fromTitle}\n\n${text}`;
  return `${text}\n\nИсточник: ${fromTitle}`;
}

type Edit = (rng: Rng, text: string, tag: string) => string;

const EDITS: readonly Edit[] = [
  // Swap a word for a synonym.
  (rng, text) => {
    const present = SWAPS.filter((s) => s.pattern.test(text));
    if (present.length === 0) return text;
    const swap = rng.pick(present);
    return text.replace(swap.pattern, `$1${swap.to}`);
  },
  // Change the final punctuation.
  (rng, text) => {
    const end = rng.pick(['!', '!!', '...', ' ❗️', '.']);
    return text.replace(/[.!?…]*\s*$/, end);
  },
  // Drop the commas of one sentence, as hasty typing does.
  (rng, text) => {
    const parts = splitSentences(text);
    const i = rng.int(0, parts.length - 1);
    return parts.map((p, j) => (j === i ? p.replace(/,/g, '') : p)).join(' ');
  },
  // Emoji at the start or the end.
  (rng, text) => (rng.chance(0.5) ? `${rng.pick(EMOJI)} ${text}` : `${text} ${rng.pick(EMOJI)}`),
  // Add a sentence at the end.
  (rng, text) => `${text} ${rng.pick(ADDED_SENTENCES)}`,
  // Remove a short side sentence (a greeting, an appeal) from a longer text, never the one carrying the
  // facts, so the copy stays recognisable as the same story.
  (rng, text) => {
    const parts = splitSentences(text);
    if (parts.length < 3) return text;
    const longest = Math.max(...parts.map((p) => p.length));
    const removable = parts
      .map((p, j) => ({ p, j }))
      .filter(({ p, j }) => j > 0 && p.length < longest && p.length <= text.length * 0.2);
    if (removable.length === 0) return text;
    const drop = rng.pick(removable).j;
    return parts.filter((_, j) => j !== drop).join(' ');
  },
  // A hashtag of the place.
  (_rng, text, tag) => `${text}\n\n${tag}`,
];

/** One or two small edits; always returns a text different from the input. */
export function lightEdit(rng: Rng, text: string, tag: string): string {
  let out = text;
  const times = rng.chance(0.35) ? 2 : 1;
  for (let i = 0; i < times || out === text; i++) out = rng.pick(EDITS)(rng, out, tag);
  return out;
}

/** A coordinated account's copy of a fake claim: louder markers on top of a light edit. */
export function campaignEdit(rng: Rng, text: string, tag: string): string {
  let out = lightEdit(rng, text, tag);
  const r = rng.next();
  if (r < 0.35) out = `${rng.pick(CAMPAIGN_MARKERS)} ${out}`;
  else if (r < 0.7) out = `${out} ${rng.pick(CAMPAIGN_MARKERS)}`;
  else {
    const parts = splitSentences(out);
    const i = rng.int(0, parts.length - 1);
    out = parts.map((p, j) => (j === i ? p.toUpperCase() : p)).join(' ');
  }
  return out;
}

const WORD_CHARS = 'а-яёА-ЯЁa-zA-Z0-9';

/** Whole-word patterns compiled once: edits run on a large share of a 1M-post run. */
const SWAPS = SYNONYMS.map(([from, to]) => ({
  pattern: new RegExp(`(^|[^${WORD_CHARS}])${from}(?=[^${WORD_CHARS}]|$)`),
  to,
}));
