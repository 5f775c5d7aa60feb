/**
 * The app shell: top bar (examples, open, export, undo, redo), the view switcher and the
 * views. It mounts into the element it is given and queries nothing outside it, so the
 * same views can later be mounted into a widget's shadow root.
 */
import { AUTOSAVE_KEY, EXAMPLES_BASE } from './config';
import { button, h, replace, uid } from './dom';
import { type Source, Store } from './state';
import { loadWasm, version } from './wasm';
import { createDesignView } from './views/design';
import { type View, type ViewContext, type ViewFactory, isTyping } from './views/view';

export interface ExampleEntry {
  id: string;
  name: string;
  file: string;
  /** `workflow`, `benchmark` or `drill` (drills are offered in the Drill view, not here). */
  kind?: string;
  /** A drill's workflow file, in the same folder. */
  workflow?: string;
}

/**
 * The views, in tab order. Views other than the first load on first use, so the charting
 * code only loads with the Simulate view and the drill module only with the Drill view.
 */
export const VIEWS: Array<{ id: string; label: string; load: () => Promise<ViewFactory> }> = [
  { id: 'design', label: 'Design', load: async () => createDesignView },
  { id: 'routes', label: 'Routes', load: () => import('./views/routes').then((m) => m.createRoutesView) },
  { id: 'simulate', label: 'Simulate', load: () => import('./views/simulate').then((m) => m.createSimulateView) },
  { id: 'drill', label: 'Drill', load: () => import('./views/drill').then((m) => m.createDrillView) },
];

export interface AppOptions {
  /** Where the open document is saved after every edit (`null`: nowhere). */
  storage?: Storage | null;
  /** Listen for shortcuts on the whole window (the full-page app), not only inside the app. */
  globalKeys?: boolean;
  /** The example opened when nothing was saved. */
  defaultExample?: string;
  /** The view shown first. */
  initialView?: string;
  /** Called when the view changes (the page keeps it in the URL). */
  onViewChange?: (id: string) => void;
  /** Offer "Host a team drill" in the Drill view when the page comes from `flowdrill serve`. */
  drillHost?: boolean;
  /** A served drill to facilitate in the Drill view (a facilitator's link was opened). */
  drillServed?: import('./drillServer').ServedDrill;
  /** The Drill view started or stopped facilitating a served drill (see `ViewContext.onServedDrill`). */
  onServedDrill?: (token: string | null) => void;
}

const BLANK = {
  flowdrill: 1,
  id: 'new-workflow',
  name: 'New workflow',
  roles: { agent: { name: 'Agent', staff: 1 } },
  nodes: [
    { id: 'start', kind: 'start', name: 'Case arrives' },
    { id: 'work', kind: 'task', name: 'Do the work', role: 'agent', effort: '10m' },
    { id: 'done', kind: 'end', name: 'Done', outcome: 'done' },
  ],
  edges: [
    { from: 'start', to: 'work' },
    { from: 'work', to: 'done' },
  ],
};

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  return res.text();
}

function logo(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'logo');
  svg.setAttribute('aria-hidden', 'true');
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('d', 'M5 4h6v5H5zM13 15h6v5h-6zM8 9v4h8v2M4 17l3 3 3-3-3-3z');
  svg.appendChild(p);
  return svg;
}

export class App {
  readonly el: HTMLElement;
  store!: Store;
  private examples: ExampleEntry[] = [];
  private readonly status: HTMLElement;
  private readonly sourceLabel: HTMLElement;
  private readonly exampleSelect: HTMLSelectElement;
  private readonly undoBtn: HTMLButtonElement;
  private readonly redoBtn: HTMLButtonElement;
  private readonly fileInput: HTMLInputElement;
  private readonly tabs = new Map<string, HTMLButtonElement>();
  private readonly panels = new Map<string, HTMLElement>();
  private readonly views = new Map<string, View>();
  private readonly loading = new Set<string>();
  private active = '';
  private statusTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly opts: AppOptions = {},
  ) {
    this.status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
    this.sourceLabel = h('span', { class: 'source', 'data-testid': 'source' });
    this.exampleSelect = h('select', { id: uid('example'), class: 'example-picker' });
    this.exampleSelect.addEventListener('change', () => {
      const v = this.exampleSelect.value;
      if (v) void this.openExample(v);
    });
    this.fileInput = h('input', { type: 'file', accept: '.json,application/json', class: 'visually-hidden', tabindex: -1, 'aria-hidden': 'true' });
    this.fileInput.addEventListener('change', () => {
      const f = this.fileInput.files?.[0];
      if (f) void this.openFile(f);
      this.fileInput.value = '';
    });
    this.undoBtn = button('Undo', () => this.store.undo(), { class: 'icon-text', title: 'Undo (Ctrl+Z)', 'aria-keyshortcuts': 'Control+Z' });
    this.redoBtn = button('Redo', () => this.store.redo(), {
      class: 'icon-text',
      title: 'Redo (Ctrl+Shift+Z)',
      'aria-keyshortcuts': 'Control+Shift+Z Control+Y',
    });

    const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' });
    const main = h('main', { class: 'views' });
    for (const v of VIEWS) {
      const tabId = uid(`tab-${v.id}`);
      const panelId = uid(`panel-${v.id}`);
      const tab = h(
        'button',
        { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'aria-selected': 'false', tabindex: -1, 'data-view': v.id },
        v.label,
      );
      tab.addEventListener('click', () => this.showView(v.id));
      tab.addEventListener('keydown', (e) => this.tabKey(e, v.id));
      tablist.appendChild(tab);
      this.tabs.set(v.id, tab);
      const panel = h('section', { class: 'view-panel', role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, hidden: true, 'data-panel': v.id });
      main.appendChild(panel);
      this.panels.set(v.id, panel);
    }

    const bar = h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'brand' }, logo(), h('span', null, 'flowdrill')),
      h(
        'div',
        { class: 'doc-tools' },
        h('label', { for: this.exampleSelect.id, class: 'inline-label' }, 'Example'),
        this.exampleSelect,
        button('Open file…', () => this.fileInput.click(), { title: 'Open a workflow JSON file (or drop one anywhere)' }),
        button('Export JSON', () => this.exportJson(), { title: 'Download the workflow as a JSON file' }),
        h('span', { class: 'sep', 'aria-hidden': 'true' }),
        this.undoBtn,
        this.redoBtn,
      ),
      tablist,
      this.sourceLabel,
    );
    const drop = h('div', { class: 'drop-overlay', 'aria-hidden': 'true' }, h('div', null, 'Drop a workflow JSON file to open it'));
    this.el = h('div', { class: 'fd-app' }, bar, main, this.status, this.fileInput, drop);
    container.appendChild(this.el);
    this.listen(drop);
  }

  private get root(): Document | ShadowRoot {
    const r = this.container.getRootNode();
    return r instanceof ShadowRoot ? r : document;
  }

  announce(message: string, tone: 'info' | 'error' = 'info'): void {
    clearTimeout(this.statusTimer);
    this.status.className = `status ${tone}`;
    this.status.textContent = message;
    this.statusTimer = setTimeout(() => {
      this.status.textContent = '';
      this.status.className = 'status';
    }, tone === 'error' ? 12000 : 5000);
  }

  async start(): Promise<void> {
    replace(this.panels.get(VIEWS[0]!.id)!, h('p', { class: 'loading' }, 'Loading the workflow engine…'));
    this.panels.get(VIEWS[0]!.id)!.hidden = false;
    await loadWasm();
    try {
      const list = JSON.parse(await fetchText(`${EXAMPLES_BASE}index.json`)) as ExampleEntry[];
      // Drill scenarios are not workflows: the Drill view offers them.
      this.examples = Array.isArray(list) ? list.filter((x) => x.kind !== 'drill') : [];
    } catch (e) {
      console.warn('the example library is not available', e);
      this.examples = [];
    }
    this.fillExamples();

    const storage = this.opts.storage ?? null;
    const saved = Store.restore(storage);
    let text: string | undefined;
    let source: Source | undefined;
    if (saved) {
      text = saved.text;
      source = saved.source;
    } else {
      const want = this.opts.defaultExample ?? 'social-triage';
      const ex = this.examples.find((x) => x.id === want) ?? this.examples[0];
      if (ex) {
        try {
          text = await fetchText(`${EXAMPLES_BASE}${ex.file}`);
          source = { kind: 'example', name: ex.id };
        } catch (e) {
          console.warn(e);
        }
      }
    }
    if (text === undefined || source === undefined) {
      text = JSON.stringify(BLANK);
      source = { kind: 'new', name: 'New workflow' };
    }
    this.store = new Store(text, source, storage);
    if (saved) this.store.markRestored(saved.edited);
    this.store.subscribe((ev) => {
      if (ev.type === 'doc') this.refreshChrome();
    });
    this.refreshChrome();
    const first = this.panels.get(VIEWS[0]!.id)!;
    replace(first);
    first.hidden = true;
    this.showView(this.opts.initialView && this.tabs.has(this.opts.initialView) ? this.opts.initialView : VIEWS[0]!.id);
    if (saved) this.announce(`Restored ${this.describeSource()} from your last session.`);
  }

  private fillExamples(): void {
    const sel = this.exampleSelect;
    sel.replaceChildren(h('option', { value: '' }, this.examples.length ? 'Choose an example…' : 'No examples available'));
    const groups = new Map<string, HTMLOptGroupElement>();
    for (const ex of this.examples) {
      const kind = ex.kind === 'benchmark' ? 'Benchmarks' : 'Workflows';
      let g = groups.get(kind);
      if (!g) {
        g = h('optgroup', { label: kind });
        groups.set(kind, g);
        sel.appendChild(g);
      }
      g.appendChild(h('option', { value: ex.id }, ex.name));
    }
    sel.disabled = this.examples.length === 0;
  }

  private describeSource(): string {
    const s = this.store.source;
    if (s.kind === 'example') {
      const ex = this.examples.find((x) => x.id === s.name);
      return `example “${ex?.name ?? s.name}”`;
    }
    if (s.kind === 'file') return `file ${s.name}`;
    return s.name;
  }

  private refreshChrome(): void {
    const s = this.store.source;
    const ex = s.kind === 'example' ? this.examples.find((x) => x.id === s.name) : undefined;
    const what = s.kind === 'example' ? `Example: ${ex?.file ?? s.name}` : s.kind === 'file' ? `File: ${s.name}` : s.name;
    replace(this.sourceLabel, h('span', { class: 'source-name', title: what }, what), this.store.edited ? h('span', { class: 'edited' }, 'edited') : null);
    this.exampleSelect.value = s.kind === 'example' && ex && !this.store.edited ? ex.id : '';
    this.undoBtn.disabled = !this.store.canUndo;
    this.redoBtn.disabled = !this.store.canRedo;
  }

  showView(id: string, focus = false): void {
    if (!this.tabs.has(id)) return;
    if (this.active && this.active !== id) {
      this.views.get(this.active)?.hide();
      this.panels.get(this.active)!.hidden = true;
      const old = this.tabs.get(this.active)!;
      old.setAttribute('aria-selected', 'false');
      old.tabIndex = -1;
    }
    this.active = id;
    const tab = this.tabs.get(id)!;
    tab.setAttribute('aria-selected', 'true');
    tab.tabIndex = 0;
    if (focus) tab.focus();
    const panel = this.panels.get(id)!;
    panel.hidden = false;
    this.opts.onViewChange?.(id);
    const view = this.views.get(id);
    if (view) {
      view.show();
      return;
    }
    if (this.loading.has(id)) return;
    this.loading.add(id);
    replace(panel, h('p', { class: 'loading' }, 'Loading…'));
    VIEWS.find((v) => v.id === id)!
      .load()
      .then((create) => {
        const ctx: ViewContext = { store: this.store, announce: (m, t) => this.announce(m, t), root: this.root };
        if (id === 'drill') {
          if (this.opts.drillHost) ctx.host = true;
          if (this.opts.drillServed) ctx.served = this.opts.drillServed;
          if (this.opts.onServedDrill) ctx.onServedDrill = this.opts.onServedDrill;
        }
        const v = create(ctx);
        this.views.set(id, v);
        replace(panel, v.el);
        if (this.active === id) v.show();
      })
      .catch((e: unknown) => {
        console.error(e);
        replace(panel, h('p', { class: 'fatal' }, `This view could not be loaded: ${e instanceof Error ? e.message : String(e)}`));
      })
      .finally(() => this.loading.delete(id));
  }

  private tabKey(e: KeyboardEvent, id: string): void {
    const ids = VIEWS.map((v) => v.id);
    const i = ids.indexOf(id);
    let next: string | undefined;
    if (e.key === 'ArrowRight') next = ids[(i + 1) % ids.length];
    else if (e.key === 'ArrowLeft') next = ids[(i - 1 + ids.length) % ids.length];
    else if (e.key === 'Home') next = ids[0];
    else if (e.key === 'End') next = ids[ids.length - 1];
    if (next) {
      e.preventDefault();
      this.showView(next, true);
    }
  }

  async openExample(id: string): Promise<void> {
    const ex = this.examples.find((x) => x.id === id);
    if (!ex) return;
    try {
      const text = await fetchText(`${EXAMPLES_BASE}${ex.file}`);
      this.store.open(text, { kind: 'example', name: ex.id });
      this.announce(`Opened the example “${ex.name}”. Undo goes back to the previous document.`);
    } catch (e) {
      this.announce(`Could not open the example ${ex.file}: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  }

  async openFile(file: File): Promise<void> {
    try {
      const text = await file.text();
      this.store.open(text, { kind: 'file', name: file.name });
      const n = this.store.loadError ? ' It cannot be read as a workflow yet: see Problems.' : '';
      this.announce(`Opened ${file.name}.${n}`, this.store.loadError ? 'error' : 'info');
    } catch (e) {
      this.announce(`Could not open ${file.name}: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  }

  private exportJson(): void {
    const blob = new Blob([`${this.store.text}\n`], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `${this.store.doc.id || 'workflow'}.json` });
    a.style.display = 'none';
    this.el.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    this.announce(`Exported ${this.store.doc.id || 'workflow'}.json.`);
  }

  private listen(drop: HTMLElement): void {
    const keyTarget: EventTarget = this.opts.globalKeys ? window : this.el;
    keyTarget.addEventListener('keydown', (ev) => {
      const e = ev as KeyboardEvent;
      if (!this.store) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && !e.altKey && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) this.store.redo();
        else this.store.undo();
        return;
      }
      if (mod && !e.altKey && key === 'y') {
        e.preventDefault();
        this.store.redo();
        return;
      }
      if (isTyping(e) || mod || e.altKey) return;
      const view = this.views.get(this.active);
      if (view?.onKey?.(e)) e.preventDefault();
    });
    let depth = 0;
    const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
    this.el.addEventListener('dragenter', (e) => {
      if (!hasFiles(e)) return;
      depth++;
      this.el.classList.add('dragging');
    });
    this.el.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) this.el.classList.remove('dragging');
    });
    this.el.addEventListener('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    });
    this.el.addEventListener('drop', (e) => {
      depth = 0;
      this.el.classList.remove('dragging');
      const f = e.dataTransfer?.files?.[0];
      if (!f) return;
      e.preventDefault();
      void this.openFile(f);
    });
    void drop;
  }
}

/** Mounts the app into `container` and loads the last document or the default example. */
export async function mountApp(container: HTMLElement, opts: AppOptions = {}): Promise<App> {
  const app = new App(container, opts);
  await app.start();
  return app;
}

export { AUTOSAVE_KEY, version };
