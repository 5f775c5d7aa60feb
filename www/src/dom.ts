/**
 * Small DOM helpers. Every piece of text goes in as a text node, never as markup, so
 * names and labels from a workflow file can never become elements.
 */

export type Child = Node | string | number | null | undefined | false;
type Handler = (ev: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler>;

const PROPS = new Set(['value', 'checked', 'selected', 'indeterminate']);

function apply(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
    } else if (PROPS.has(k)) {
      (el as unknown as Record<string, unknown>)[k] = v;
    } else if (k === 'class') {
      el.setAttribute('class', String(v));
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** An HTML element: `h('button', {class: 'x', onClick: f}, 'Run')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let counter = 0;
/** A unique id for label/aria wiring (unique within the page and any shadow root). */
export function uid(prefix = 'fd'): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A labelled form field: `<div class=field><label for>text</label>control hint</div>`. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLDivElement {
  if (!control.id) control.id = uid('f');
  const hintEl = hint ? h('div', { class: 'hint', id: uid('h') }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/** A `<select>` with options `[value, text]`. */
export function select(
  options: Array<[string, string]>,
  value: string,
  attrs?: Attrs,
): HTMLSelectElement {
  const el = h('select', attrs);
  for (const [v, t] of options) {
    const o = h('option', { value: v }, t);
    if (v === value) o.selected = true;
    el.appendChild(o);
  }
  el.value = value;
  return el;
}

/** A button; `label` is its accessible name when the visible content is an icon. */
export function button(text: string, onClick: (ev: MouseEvent) => void, attrs: Attrs = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, text);
  b.addEventListener('click', onClick);
  return b;
}
