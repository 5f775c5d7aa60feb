/**
 * `mode="simulate"`, `"drill"` and `"edit"`: the app's own views (Simulate, Drill, Design)
 * in the widget's shadow root. This module and everything it imports (the app's
 * WebAssembly module, the views, their styles, the charts and the drill module) are
 * fetched only when one of these modes is first shown: the view and assistant modes never
 * download them.
 */
import appCss from '../styles.css?inline';
import frameCss from './app.css?inline';
import { button, h } from '../dom';
import { Store } from '../state';
import type { View, ViewFactory } from '../views/view';
import { isTyping } from '../views/view';
import { Workflow, loadWasm } from '../wasm';
import { type ModeContext, type Mounted, coreError, readDoc } from './shared';

type AppMode = 'simulate' | 'drill' | 'edit';

const FACTORIES: Record<AppMode, () => Promise<ViewFactory>> = {
  simulate: () => import('../views/simulate').then((m) => m.createSimulateView),
  drill: () => import('../views/drill').then((m) => m.createDrillView),
  edit: () => import('../views/design').then((m) => m.createDesignView),
};

export async function mountAppMode(mode: AppMode, ctx: ModeContext): Promise<Mounted> {
  const { loaded, labels } = ctx;
  const [factory, extraCss] = await Promise.all([
    FACTORIES[mode](),
    mode === 'simulate' ? import('uplot/dist/uPlot.min.css?inline').then((m) => m.default) : Promise.resolve(''),
    loadWasm(),
  ]);

  // Read it with the app's core, for the same errors (with line and column) as the view.
  let structure: ReturnType<Workflow['validateStructure']> = [];
  try {
    const wf = Workflow.fromJson(loaded.text);
    structure = wf.validateStructure();
    wf.free();
  } catch (e) {
    const err = { ...coreError(e), source: loaded.source };
    // The designer can open (and fix) a document the core cannot read, if it is JSON.
    let json = true;
    try {
      readDoc(loaded.text);
    } catch {
      json = false;
    }
    if (mode !== 'edit' || !json) {
      ctx.fail(err);
      return { el: h('div'), dispose() {} };
    }
  }

  const store = new Store(loaded.text, { kind: 'file', name: loaded.source.split('/').pop() || loaded.source }, null);
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  let statusTimer: ReturnType<typeof setTimeout> | undefined;
  const announce = (message: string, tone: 'info' | 'error' = 'info') => {
    clearTimeout(statusTimer);
    status.className = `status ${tone}`;
    status.textContent = message;
    statusTimer = setTimeout(() => {
      status.textContent = '';
      status.className = 'status';
    }, tone === 'error' ? 12000 : 5000);
  };
  const view: View = factory({
    store,
    announce,
    root: ctx.root,
    onDrillEnded: (report, { run, restored }) => ctx.emit('drill-ended', { report, run, restored }),
    drillScenario: ctx.scenario ?? undefined,
  });
  const panel = h('section', { class: 'view-panel', 'aria-label': mode }, view.el);
  const parts: Array<HTMLElement> = [];
  if (mode === 'edit') {
    const undo = button(labels.undo, () => store.undo(), { 'aria-keyshortcuts': 'Control+Z', 'data-action': 'undo' });
    const redo = button(labels.redo, () => store.redo(), { 'aria-keyshortcuts': 'Control+Shift+Z Control+Y', 'data-action': 'redo' });
    const sync = () => {
      undo.disabled = !store.canUndo;
      redo.disabled = !store.canRedo;
    };
    sync();
    store.subscribe((ev) => {
      if (ev.type !== 'doc') return;
      sync();
      if (ev.origin === 'load') return;
      ctx.emit('change', { document: structuredClone(store.doc), text: store.text });
      ctx.validated(store.diagnostics);
    });
    parts.push(h('div', { class: 'fd-edit-bar' }, undo, redo));
  }
  const app = h('div', { class: 'fd-app fd-embedded', 'data-mode': mode }, ...parts, h('main', { class: 'views' }, panel), status);
  app.addEventListener('keydown', (e) => {
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mode === 'edit' && mod && !e.altKey && (key === 'z' || key === 'y')) {
      e.preventDefault();
      if (key === 'y' || e.shiftKey) store.redo();
      else store.undo();
      return;
    }
    if (isTyping(e) || mod || e.altKey) return;
    if (view.onKey?.(e)) e.preventDefault();
  });
  const style = h('style', null, appCss + frameCss + extraCss);
  const el = h('div', { class: 'fd-app-mode' }, style, app);


  ctx.validated(store.loadError ? store.diagnostics : structure);
  return {
    el,
    shown() {
      view.show();
    },
    dispose() {
      clearTimeout(statusTimer);
      view.hide();
      store.dispose();
    },
  };
}
