/**
 * `<flow-drill>`: a team's workflow on any page, with no server and no build step.
 *
 *   <script type="module" src="https://intranet.example/flowdrill/flowdrill-widget.js"></script>
 *   <flow-drill src="social-triage.json" mode="assistant"></flow-drill>
 *
 * The workflow comes from the `workflow` property (an object or JSON text), else from a
 * `<script type="application/json">` inside the element, else from `src` (a URL, resolved
 * against the page). `mode` is `view` (the default), `assistant`, `simulate`, `drill` or
 * `edit`; `theme` is `light` (the default), `dark` or `auto`; `lang` sets the language of
 * dates and the element's `lang`, and the `labels` property overrides any UI text.
 *
 * Events (CustomEvent, bubbling and composed, so `document.addEventListener` hears them):
 * `validation` (`{diagnostics, error, workflow}`) after every load, `route-changed`
 * (`{attributes, start, route, deadlines, at}`) in the assistant, `drill-ended`
 * (`{report, run, restored}`) in drill mode and `change` (`{document, text}`) in edit mode.
 *
 * Drill mode with `join="TOKEN"` (and `server="https://host:port"`, the page's own origin
 * when left out) joins a served team drill (`flowdrill serve`) as a participant instead:
 * no workflow is loaded (participants never get it); the widget shows the participant's
 * view the server sends over a WebSocket to `<server>/api/ws`.
 *
 * Everything is drawn in an open shadow root. The view and assistant modes use the small
 * WebAssembly module; the other modes fetch the app's views and modules on first use.
 */
import type { Diagnostic } from '../types';
import { loadAssist, loadView } from './core';
import { EN, type Labels, fill, labelTable } from './labels';
import { type Loaded, type ModeContext, type Mounted, type WidgetError, coreError, errorBox } from './shared';
import css from './widget.css?inline';

export const MODES = ['view', 'assistant', 'simulate', 'drill', 'edit'] as const;
export type FlowDrillMode = (typeof MODES)[number];

const APP_MODES = new Set<string>(['simulate', 'drill', 'edit']);

/** What the `validation` event tells. */
export interface ValidationDetail {
  /** The structural findings (empty when the workflow could not be read). */
  diagnostics: Diagnostic[];
  /** Why the workflow could not be loaded or read; `null` when it was. */
  error: WidgetError | null;
  /** The workflow's id, when it was read. */
  workflow: string | null;
}

/** The `scenario` attribute as an absolute URL (relative to the page), or `null`. */
function scenarioUrl(value: string | null): string | null {
  if (!value?.trim()) return null;
  try {
    return new URL(value.trim(), document.baseURI).href;
  } catch {
    return null;
  }
}

/** A workflow file as fetched: its text, or why not. */
type Fetched = { ok: true; text: string } | { ok: false; status: number; statusText: string };

/** Requests in flight, by URL: widgets that load the same file at once share one download. */
const inFlight = new Map<string, Promise<Fetched>>();

function fetchShared(url: string): Promise<Fetched> {
  let p = inFlight.get(url);
  if (!p) {
    p = fetch(url)
      .then(async (res): Promise<Fetched> => (res.ok ? { ok: true, text: await res.text() } : { ok: false, status: res.status, statusText: res.statusText }))
      .finally(() => inFlight.delete(url));
    inFlight.set(url, p);
  }
  return p;
}

export class FlowDrillElement extends HTMLElement {
  static get observedAttributes(): string[] {
    return ['src', 'mode', 'theme', 'lang', 'start', 'scenario', 'server', 'join'];
  }

  readonly #shadow: ShadowRoot;
  readonly #frame: HTMLDivElement;
  #workflow: unknown = undefined;
  #labelOverrides: Partial<Labels> | undefined = undefined;
  #loaded: Loaded | null = null;
  #error: WidgetError | null = null;
  #mounted: Mounted | null = null;
  /** Bumped by every load and mount: an answer for an older one is dropped. */
  #generation = 0;
  #pending: 'load' | 'mount' | null = null;
  #scheduled = false;
  /** A load (fetch) is under way: it mounts with the attributes as they are when it ends. */
  #loading = false;
  #docId: string | null = null;

  constructor() {
    super();
    this.#shadow = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = css;
    this.#frame = document.createElement('div');
    this.#frame.className = 'fd-root';
    this.#frame.setAttribute('part', 'frame');
    this.#shadow.append(style, this.#frame);
  }

  connectedCallback(): void {
    // Properties set before the element was defined shadow the accessors: move them over.
    for (const p of ['workflow', 'labels'] as const) {
      if (Object.prototype.hasOwnProperty.call(this, p)) {
        const v = (this as unknown as Record<string, unknown>)[p];
        delete (this as unknown as Record<string, unknown>)[p];
        (this as unknown as Record<string, unknown>)[p] = v;
      }
    }
    this.#applyTheme();
    if (!this.#loaded && !this.#error) this.#schedule('load');
  }

  disconnectedCallback(): void {
    // Moving the element keeps its state; removing it for good frees the engine's memory
    // once the current task is over and it is still out of the page.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.#unmount();
      this.#loaded = null;
      this.#error = null;
      this.#generation++;
    });
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return;
    if (name === 'theme') this.#applyTheme();
    else if (name === 'src' || name === 'server' || name === 'join') this.#schedule('load');
    // Into or out of a served drill (which loads no workflow): load afresh.
    else if (name === 'mode' && (this.#loaded?.source === 'served' || this.#served())) this.#schedule('load');
    else this.#schedule('mount');
  }

  /** The workflow: a document object or its JSON text (takes precedence over `src`). */
  get workflow(): unknown {
    return this.#workflow;
  }
  set workflow(v: unknown) {
    this.#workflow = v === null ? undefined : v;
    this.#schedule('load');
  }

  /** UI text overrides, by key (see the English table `FlowDrillElement.defaultLabels`). */
  get labels(): Partial<Labels> {
    return { ...this.#labelOverrides };
  }
  set labels(v: Partial<Labels> | null | undefined) {
    this.#labelOverrides = v ?? undefined;
    this.#schedule('mount');
  }

  /** The English UI text, by key. */
  static get defaultLabels(): Labels {
    return { ...EN };
  }

  get src(): string {
    return this.getAttribute('src') ?? '';
  }
  set src(v: string) {
    this.setAttribute('src', v);
  }

  get mode(): FlowDrillMode {
    const m = (this.getAttribute('mode') ?? 'view').trim().toLowerCase();
    return (MODES as readonly string[]).includes(m) ? (m as FlowDrillMode) : 'view';
  }
  set mode(v: FlowDrillMode) {
    this.setAttribute('mode', v);
  }

  get theme(): 'light' | 'dark' | 'auto' {
    const t = this.getAttribute('theme');
    return t === 'dark' || t === 'auto' ? t : 'light';
  }
  set theme(v: 'light' | 'dark' | 'auto') {
    this.setAttribute('theme', v);
  }

  /** The start node the assistant routes from (needed only with several start nodes). */
  get start(): string | null {
    return this.getAttribute('start');
  }
  set start(v: string | null) {
    if (v === null) this.removeAttribute('start');
    else this.setAttribute('start', v);
  }

  /**
   * A drill scenario file (URL) that drill mode offers first, to be drilled on this
   * widget's workflow.
   */
  get scenario(): string | null {
    return this.getAttribute('scenario');
  }
  set scenario(v: string | null) {
    if (v === null) this.removeAttribute('scenario');
    else this.setAttribute('scenario', v);
  }

  /** A served drill's server (`https://host:port`); the page's origin when left out. */
  get server(): string | null {
    return this.getAttribute('server');
  }
  set server(v: string | null) {
    if (v === null) this.removeAttribute('server');
    else this.setAttribute('server', v);
  }

  /** The token of a served drill's participants' link: drill mode joins that drill. */
  get join(): string | null {
    return this.getAttribute('join');
  }
  set join(v: string | null) {
    if (v === null) this.removeAttribute('join');
    else this.setAttribute('join', v);
  }

  /** Drill mode joining a served drill: the server's address and the token, or null. */
  #served(): { server: string; token: string } | null {
    const token = this.getAttribute('join')?.trim();
    if (this.mode !== 'drill' || !token) return null;
    return { server: this.getAttribute('server')?.trim() || document.baseURI, token };
  }

  /** The workflow's JSON text as loaded, or `null` while loading or after an error. */
  get workflowText(): string | null {
    return this.#loaded?.text ?? null;
  }

  /** Why the widget shows no workflow, or `null`. */
  get error(): WidgetError | null {
    return this.#error;
  }

  /** Loads the workflow again (from `src`, the inline script or the property). */
  reload(): void {
    this.#schedule('load');
  }

  // ---- loading and mounting -----------------------------------------------------------

  #schedule(what: 'load' | 'mount'): void {
    if (what === 'load' || this.#pending === null) this.#pending = what;
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      const p = this.#pending;
      this.#pending = null;
      if (!this.isConnected || p === null) return;
      if (p === 'load') void this.#load();
      else if (this.#loading) return;
      else if (this.#loaded) void this.#mount();
      else if (this.#error && this.#error.kind !== 'config') this.#showError(this.#error, false);
      else void this.#load();
    });
  }

  get #labelsNow(): Labels {
    return labelTable(this.#labelOverrides);
  }

  get #lang(): string {
    return this.getAttribute('lang') || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en';
  }

  #applyTheme(): void {
    const t = this.theme;
    const dark = t === 'dark' || (t === 'auto' && globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches === true);
    this.#frame.classList.toggle('fd-dark', dark);
  }

  #unmount(): void {
    const m = this.#mounted;
    this.#mounted = null;
    if (m) {
      try {
        m.dispose();
      } catch (e) {
        console.warn('flowdrill: dispose failed', e);
      }
    }
  }

  #busy(text: string): void {
    this.#unmount();
    this.#frame.classList.remove('fd-app-frame');
    const p = document.createElement('p');
    p.className = 'fd-loading';
    p.setAttribute('role', 'status');
    p.textContent = text;
    this.#frame.replaceChildren(p);
    this.setAttribute('aria-busy', 'true');
  }

  async #load(): Promise<void> {
    const gen = ++this.#generation;
    const labels = this.#labelsNow;
    this.#loaded = null;
    this.#error = null;
    this.#docId = null;
    this.#busy(labels.loading);
    let loaded: Loaded;
    this.#loading = true;
    try {
      // A served drill's participant gets no workflow: the server sends their view.
      loaded = this.#served() ? { text: '', source: 'served' } : await this.#source(labels);
    } catch (e) {
      if (gen !== this.#generation) return;
      this.#loading = false;
      this.#error = isWidgetError(e) ? e : { ...coreError(e), kind: 'fetch' };
      this.#showError(this.#error, true);
      return;
    }
    if (gen !== this.#generation) return;
    this.#loading = false;
    this.#loaded = loaded;
    await this.#mount();
  }

  /** The workflow's text and where it came from. */
  async #source(labels: Labels): Promise<Loaded> {
    const w = this.#workflow;
    if (w !== undefined) return { text: typeof w === 'string' ? w : JSON.stringify(w), source: 'property' };
    const script = [...this.children].find((c): c is HTMLScriptElement => c instanceof HTMLScriptElement && /json/i.test(c.type));
    if (script) return { text: script.textContent ?? '', source: 'inline' };
    const src = this.getAttribute('src');
    if (!src) throw { kind: 'config', code: 'no-source', message: labels.noSource } satisfies WidgetError;
    const url = new URL(src, document.baseURI).href;
    let got: Fetched;
    try {
      got = await fetchShared(url);
    } catch (e) {
      throw { kind: 'fetch', code: 'network', message: fill(labels.errorNetwork, { url: src, message: e instanceof Error ? e.message : String(e) }), source: url } satisfies WidgetError;
    }
    if (!got.ok) {
      throw { kind: 'fetch', code: String(got.status), message: fill(labels.errorFetch, { url: src, status: `${got.status} ${got.statusText}`.trim() }), source: url } satisfies WidgetError;
    }
    return { text: got.text, source: url };
  }

  async #mount(): Promise<void> {
    const loaded = this.#loaded;
    if (!loaded) return;
    const gen = ++this.#generation;
    const labels = this.#labelsNow;
    const mode = this.mode;
    const asked = (this.getAttribute('mode') ?? 'view').trim().toLowerCase();
    if (!(MODES as readonly string[]).includes(asked)) {
      this.#error = { kind: 'config', code: 'mode', message: fill(labels.errorMode, { mode: asked }) };
      this.#showError(this.#error, true);
      return;
    }
    this.#error = null;
    this.#frame.setAttribute('lang', this.#lang);
    this.#busy(APP_MODES.has(mode) ? labels.loadingApp : labels.loading);
    const ctx: ModeContext = {
      loaded,
      labels,
      lang: this.#lang,
      root: this.#shadow,
      start: this.getAttribute('start'),
      scenario: scenarioUrl(this.getAttribute('scenario')),
      emit: (type, detail) => {
        if (gen === this.#generation) this.#emit(type, detail);
      },
      validated: (diagnostics) => {
        if (gen !== this.#generation) return;
        this.#docId = workflowId(loaded.text);
        this.#emit('validation', { diagnostics, error: null, workflow: this.#docId } satisfies ValidationDetail);
      },
      fail: (error) => {
        if (gen !== this.#generation) return;
        this.#generation++;
        this.#error = error;
        this.#showError(error, true);
      },
    };
    let mounted: Mounted;
    try {
      const served = this.#served();
      if (served) {
        const m = await import('./servedMode');
        if (gen !== this.#generation) return;
        mounted = m.mountServedMode(ctx, served);
      } else if (APP_MODES.has(mode)) {
        const m = await import('./appModes');
        if (gen !== this.#generation) return;
        mounted = await m.mountAppMode(mode as 'simulate' | 'drill' | 'edit', ctx);
      } else if (mode === 'assistant') {
        // Each mode's code is its own chunk, fetched while the module compiles: a page
        // with only an assistant does not download the flowchart's drawing code.
        const [m] = await Promise.all([import('./assistant'), loadAssist()]);
        if (gen !== this.#generation) return;
        mounted = m.mountAssistant(ctx);
      } else {
        const [m] = await Promise.all([import('./viewMode'), loadView()]);
        if (gen !== this.#generation) return;
        mounted = m.mountView(ctx);
      }
    } catch (e) {
      if (gen !== this.#generation) return;
      ctx.fail({ ...coreError(e), kind: 'engine' });
      return;
    }
    if (gen !== this.#generation) {
      mounted.dispose();
      return;
    }
    this.#mounted = mounted;
    this.#frame.classList.toggle('fd-app-frame', APP_MODES.has(mode));
    this.#frame.replaceChildren(mounted.el);
    this.removeAttribute('aria-busy');
    mounted.shown?.();
  }

  #showError(error: WidgetError, announce: boolean): void {
    this.#unmount();
    this.#frame.classList.remove('fd-app-frame');
    this.#frame.replaceChildren(errorBox(error, this.#labelsNow));
    this.removeAttribute('aria-busy');
    if (announce) this.#emit('validation', { diagnostics: [], error, workflow: null } satisfies ValidationDetail);
  }

  #emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

function isWidgetError(e: unknown): e is WidgetError {
  return !!e && typeof e === 'object' && 'kind' in e && 'message' in e && !(e instanceof Error);
}

/** The `id` of a workflow's JSON text, if it has one. */
function workflowId(text: string): string | null {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
