import type { Rng } from './prng';

/**
 * A tiny template language for post texts: `{slot}` is replaced from the context, `[a|b|c]` picks one
 * alternative (alternatives may hold slots and nested choices; an empty alternative drops the part).
 * Templates are compiled once at module load, so rendering 1M posts is only array walks and joins.
 */
type Node = string | { readonly slot: string } | { readonly choice: readonly (readonly Node[])[] };

export interface Template {
  readonly source: string;
  readonly nodes: readonly Node[];
  /**
   * Whether rendering can leave double spaces, a space before punctuation, or a lowercase sentence start
   * (an empty alternative, or a slot or choice right after «!»); most templates cannot, and skipping
   * {@link tidy} for them saves a good share of the rendering time at 1M posts.
   */
  readonly untidy: boolean;
}

/** Values for `{slot}`s; a missing slot is a bug in the templates and throws. */
export interface Context {
  get(slot: string): string | undefined;
}

export function compile(source: string): Template {
  const [nodes, end] = parseSeq(source, 0, false);
  if (end !== source.length) throw new Error(`unbalanced "]" in template: ${source}`);
  return { source, nodes, untidy: /\[\||\|\||\|\]|[.!?] [{[]/.test(source) };
}

/** Renders one sentence; its first letter is capitalised (a sentence may start with «{inP}»). */
export function render(template: Template, rng: Rng, ctx: Context): string {
  const text = renderNodes(template.nodes, rng, ctx);
  return capitalize(template.untidy ? tidy(text) : text);
}

export function capitalize(text: string): string {
  // Most sentences already start with a capital; slicing every one of them is a measurable cost.
  const c = text.charCodeAt(0);
  const lower = (c >= 0x430 && c <= 0x44f) || c === 0x451 || (c >= 0x61 && c <= 0x7a);
  return lower ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/**
 * Collapses the double spaces and stray spaces before punctuation that dropped alternatives leave behind,
 * and capitalises a sentence that starts with a slot («СРОЧНО!!! {inP} …»).
 */
export function tidy(text: string): string {
  let out = text;
  // Checked before replacing: most rendered sentences need none of this, and regex replaces dominate
  // the cost of rendering at 1M posts.
  if (out.includes('  ')) out = out.replace(/ {2,}/g, ' ');
  if (SPACE_BEFORE_PUNCT.test(out)) out = out.replace(SPACE_BEFORE_PUNCT_G, '$1');
  if (LOWER_AFTER_END.test(out))
    out = out.replace(LOWER_AFTER_END_G, (_m, end: string, c: string) => end + c.toUpperCase());
  return out.trim();
}

const SPACE_BEFORE_PUNCT = / [,.!?:;]/;
const SPACE_BEFORE_PUNCT_G = / ([,.!?:;])/g;
const LOWER_AFTER_END = /[.!?] [а-яё]/;
const LOWER_AFTER_END_G = /([.!?] )([а-яё])/g;

function renderNodes(nodes: readonly Node[], rng: Rng, ctx: Context): string {
  let out = '';
  for (const node of nodes) {
    if (typeof node === 'string') out += node;
    else if ('slot' in node) {
      const value = ctx.get(node.slot);
      if (value === undefined) throw new Error(`template slot {${node.slot}} has no value`);
      out += value;
    } else out += renderNodes(rng.pick(node.choice), rng, ctx);
  }
  return out;
}

/** Parses until the end, or (inside a choice) until the `|` or `]` that ends this alternative. */
function parseSeq(src: string, start: number, inChoice: boolean): [Node[], number] {
  const nodes: Node[] = [];
  let text = '';
  let i = start;
  const flush = (): void => {
    if (text !== '') nodes.push(text);
    text = '';
  };
  while (i < src.length) {
    const ch = src.charAt(i);
    if (inChoice && (ch === '|' || ch === ']')) break;
    if (ch === '{') {
      const close = src.indexOf('}', i);
      if (close < 0) throw new Error(`unclosed "{" in template: ${src}`);
      flush();
      nodes.push({ slot: src.slice(i + 1, close) });
      i = close + 1;
    } else if (ch === '[') {
      flush();
      const alternatives: Node[][] = [];
      i++;
      for (;;) {
        const [alt, end] = parseSeq(src, i, true);
        alternatives.push(alt);
        if (src[end] === '|') i = end + 1;
        else if (src[end] === ']') {
          i = end + 1;
          break;
        } else throw new Error(`unclosed "[" in template: ${src}`);
      }
      nodes.push({ choice: alternatives });
    } else {
      text += ch;
      i++;
    }
  }
  flush();
  return [nodes, i];
}

/** Every slot name a template uses, for tests that check templates against the contexts built for them. */
export function slotsOf(template: Template): Set<string> {
  const out = new Set<string>();
  const walk = (nodes: readonly Node[]): void => {
    for (const node of nodes) {
      if (typeof node === 'string') continue;
      if ('slot' in node) out.add(node.slot);
      else for (const alt of node.choice) walk(alt);
    }
  };
  walk(template.nodes);
  return out;
}
