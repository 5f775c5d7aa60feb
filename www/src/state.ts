/**
 * The state every view shares: the open document, its compiled workflow, diagnostics,
 * the selection and undo history. Views subscribe to changes; nothing here touches the DOM.
 */
import { AUTOSAVE_KEY, FULL_CHECK_DELAY_MS } from './config';
import { History } from './history';
import type { Diagnostic, Doc, Layout, Selection } from './types';
import { type ErrorInfo, Workflow, errorInfo } from './wasm';

/** Where the open document came from. */
export interface Source {
  kind: 'example' | 'file' | 'new';
  /** The example id or the file name. */
  name: string;
}

interface Snapshot {
  text: string;
  source: Source;
}

export type ChangeOrigin = 'load' | 'edit' | 'undo' | 'redo' | 'restore';

export type StoreEvent =
  | { type: 'doc'; origin: ChangeOrigin; revision: number; from?: string }
  | { type: 'selection'; from?: string }
  | { type: 'diagnostics' };

export type Listener = (ev: StoreEvent) => void;

function pretty(doc: unknown): string {
  return JSON.stringify(doc, null, 2);
}

export class Store {
  doc: Doc;
  text: string;
  source: Source;
  /** The compiled workflow, or `null` when the document cannot be read. */
  workflow: Workflow | null = null;
  /** Why the document cannot be read. */
  loadError: ErrorInfo | null = null;
  structure: Diagnostic[] = [];
  /** The full check (with SLA feasibility) of the current revision, once it has run. */
  full: Diagnostic[] | null = null;
  revision = 0;
  selection: Selection = null;
  /** Whether the document differs from what was opened. */
  edited = false;
  private history: History<Snapshot>;
  private listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private layoutCache: { revision: number; layout: Layout } | null = null;
  private lastGoodLayout: Layout | null = null;

  constructor(
    text: string,
    source: Source,
    private readonly storage: Storage | null = null,
  ) {
    this.doc = JSON.parse(text) as Doc;
    this.text = pretty(this.doc);
    this.source = source;
    this.history = new History<Snapshot>({ text: this.text, source });
    this.compile();
  }

  /** The document saved by the last session, if any. */
  static restore(storage: Storage | null): { text: string; source: Source; edited: boolean } | null {
    if (!storage) return null;
    try {
      const raw = storage.getItem(AUTOSAVE_KEY);
      if (!raw) return null;
      const saved = JSON.parse(raw) as { text?: unknown; source?: Source; edited?: boolean };
      if (typeof saved.text !== 'string' || !saved.source) return null;
      JSON.parse(saved.text);
      return { text: saved.text, source: saved.source, edited: saved.edited === true };
    } catch {
      return null;
    }
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(ev: StoreEvent): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(ev);
      } catch (e) {
        console.error(e);
      }
    }
  }

  get canUndo(): boolean {
    return this.history.canUndo;
  }

  get canRedo(): boolean {
    return this.history.canRedo;
  }

  /** Diagnostics to show: the full check when it is current, else the structural one. */
  get diagnostics(): Diagnostic[] {
    const list = this.full ?? this.structure;
    if (!this.loadError) return list;
    const e = this.loadError;
    const location: Diagnostic['location'] = {};
    if (e.path !== undefined) location.path = e.path;
    if (e.line !== undefined) location.line = e.line;
    if (e.column !== undefined) location.column = e.column;
    return [{ severity: 'error', code: e.code, message: e.message, location }, ...list];
  }

  /** Whether the full check for this revision is still to come. */
  get checking(): boolean {
    return this.workflow !== null && this.full === null;
  }

  /** The drawing of the current document, or of the last one that could be read. */
  layout(): Layout | null {
    if (this.layoutCache?.revision === this.revision) return this.layoutCache.layout;
    if (!this.workflow) return this.lastGoodLayout;
    try {
      const layout = this.workflow.layout();
      this.layoutCache = { revision: this.revision, layout };
      this.lastGoodLayout = layout;
      return layout;
    } catch (e) {
      console.error(e);
      return this.lastGoodLayout;
    }
  }

  private compile(): void {
    this.revision += 1;
    this.workflow?.free();
    this.workflow = null;
    this.full = null;
    this.structure = [];
    try {
      this.workflow = Workflow.fromJson(this.text);
      this.loadError = null;
      this.structure = this.workflow.validateStructure();
    } catch (e) {
      this.loadError = errorInfo(e);
    }
    this.scheduleFullCheck();
  }

  private scheduleFullCheck(): void {
    clearTimeout(this.timer);
    if (!this.workflow) return;
    const revision = this.revision;
    this.timer = setTimeout(() => {
      if (revision !== this.revision || !this.workflow) return;
      try {
        this.full = this.workflow.validate();
      } catch (e) {
        console.error(e);
        this.full = this.structure;
      }
      this.emit({ type: 'diagnostics' });
    }, FULL_CHECK_DELAY_MS);
  }

  /** Runs the pending full check now (for export and tests). */
  checkNow(): void {
    if (this.full || !this.workflow) return;
    clearTimeout(this.timer);
    this.full = this.workflow.validate();
    this.emit({ type: 'diagnostics' });
  }

  private save(): void {
    if (!this.storage) return;
    try {
      this.storage.setItem(
        AUTOSAVE_KEY,
        JSON.stringify({ text: this.text, source: this.source, edited: this.edited, savedAt: new Date().toISOString() }),
      );
    } catch (e) {
      console.warn('could not save the document in this browser', e);
    }
  }

  private set(text: string, source: Source, origin: ChangeOrigin, from?: string): void {
    this.text = text;
    this.doc = JSON.parse(text) as Doc;
    this.source = source;
    this.compile();
    if (this.selection && !this.selectionExists(this.selection)) this.selection = null;
    this.save();
    const ev: StoreEvent = { type: 'doc', origin, revision: this.revision };
    if (from !== undefined) ev.from = from;
    this.emit(ev);
  }

  private selectionExists(sel: NonNullable<Selection>): boolean {
    if (sel.type === 'node') return this.doc.nodes.some((n) => n.id === sel.id);
    return this.doc.edges.some((e) => (e.id ?? `${e.from}->${e.to}`) === sel.id);
  }

  /**
   * Opens a document (an example or a file). Throws a SyntaxError when the text is not
   * JSON; a document the core cannot read still opens, with the reason as a diagnostic.
   * The previous document stays one undo step away.
   */
  open(text: string, source: Source): void {
    const doc = JSON.parse(text) as unknown;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new SyntaxError('a workflow is a JSON object');
    const d = doc as Partial<Doc>;
    if (!Array.isArray(d.nodes)) d.nodes = [];
    if (!Array.isArray(d.edges)) d.edges = [];
    const t = pretty(d);
    this.selection = null;
    this.edited = false;
    this.history.push({ text: t, source });
    this.set(t, source, 'load');
  }

  /**
   * Replaces the document with an edited copy. `key` names the field being edited, so
   * that a run of keystrokes is one undo step; `from` tells listeners who made the edit.
   */
  update(doc: Doc, opts: { key?: string; from?: string; select?: Selection } = {}): void {
    const text = pretty(doc);
    if (text === this.text) return;
    this.edited = true;
    this.history.push({ text, source: this.source }, opts.key);
    if (opts.select !== undefined) this.selection = opts.select;
    this.set(text, this.source, 'edit', opts.from);
  }

  undo(): boolean {
    const s = this.history.undo();
    if (!s) return false;
    this.edited = true;
    this.set(s.text, s.source, 'undo');
    return true;
  }

  redo(): boolean {
    const s = this.history.redo();
    if (!s) return false;
    this.edited = true;
    this.set(s.text, s.source, 'redo');
    return true;
  }

  select(sel: Selection, from?: string): void {
    this.selection = sel;
    const ev: StoreEvent = { type: 'selection' };
    if (from !== undefined) ev.from = from;
    this.emit(ev);
  }

  /** Marks the document as restored from the last session. */
  markRestored(edited: boolean): void {
    this.edited = edited;
    this.save();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.workflow?.free();
    this.workflow = null;
    this.listeners.clear();
  }
}
