/// <reference lib="dom" />
/**
 * The only way the dashboard builds DOM. Every string becomes a text node (`textContent`), never markup:
 * post texts are hostile input and `innerHTML` is not used anywhere. Attributes are set one by one, and
 * event handlers are attached as listeners, so no data can ever become an attribute like `onerror`.
 */

export type Child = Node | string | number | null | undefined | false | readonly Child[];

export interface Props {
  class?: string;
  id?: string;
  title?: string;
  href?: string;
  type?: string;
  name?: string;
  value?: string;
  placeholder?: string;
  disabled?: boolean;
  role?: string;
  'aria-label'?: string;
  'data-testid'?: string;
  'data-id'?: string;
  for?: string;
  rows?: number;
  autocomplete?: string;
  /** Event listeners by event name (`click`, `submit`, …). */
  on?: Record<string, (event: Event) => void>;
}

/** A URL we are willing to link to: our own hash routes, or http(s) links from posts. */
export function safeHref(value: string): string | undefined {
  if (value.startsWith('#/')) return value;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false || key === 'on') continue;
    if (key === 'href') {
      const href = typeof value === 'string' ? safeHref(value) : undefined;
      if (href !== undefined) element.setAttribute('href', href);
      if (href?.startsWith('http')) element.setAttribute('rel', 'noopener noreferrer nofollow');
      continue;
    }
    if (key === 'value' && (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) {
      element.value = String(value);
      continue;
    }
    element.setAttribute(key === 'class' ? 'class' : key, value === true ? '' : String(value));
  }
  for (const [event, listener] of Object.entries(props.on ?? {})) element.addEventListener(event, listener);
  append(element, children);
  return element;
}

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (typeof child === 'string' || typeof child === 'number') {
      parent.appendChild(document.createTextNode(String(child)));
    } else if (child instanceof Node) parent.appendChild(child);
    else if (child !== null && child !== undefined && child !== false) append(parent, child);
  }
}

/** Replaces an element's content. */
export function mount(target: Element, ...children: Child[]): void {
  target.replaceChildren();
  append(target, children);
}
