/** What the widget's modes share: the loaded workflow, errors, times and events. */
import { h } from '../dom';
import { errorInfo } from '../errors';
import { formatInstant, validZone } from '../time';
import type { Diagnostic, Doc } from '../types';
import { type Labels, fill } from './labels';

/** Why a widget shows no workflow: declared once, in the types the package ships. */
export type { WidgetError } from './flowdrill-widget';
import type { WidgetError } from './flowdrill-widget';

/** A workflow as a mode gets it: its text, not read yet (each mode reads it with its core). */
export interface Loaded {
  /** The JSON text. */
  text: string;
  /** Where it came from (a URL, `inline` or `property`). */
  source: string;
}

/** The document as the file writes it (call after the core has read the text). */
export function readDoc(text: string): Doc {
  const doc = JSON.parse(text) as Doc;
  if (!Array.isArray(doc.nodes)) doc.nodes = [];
  if (!Array.isArray(doc.edges)) doc.edges = [];
  return doc;
}

/** What every mode is given. */
export interface ModeContext {
  loaded: Loaded;
  labels: Labels;
  lang: string;
  /** The shadow root the widget renders into. */
  root: ShadowRoot;
  /** Dispatches a DOM event from the element (bubbles, composed). */
  emit(type: string, detail: unknown): void;
  /** Reports the diagnostics (the `validation` event). */
  validated(diagnostics: Diagnostic[]): void;
  /** Shows an error in place of the mode. */
  fail(error: WidgetError): void;
  /** The start node chosen by the page (`start` attribute), if any. */
  start: string | null;
  /** A drill scenario's URL given by the page (`scenario` attribute), if any. */
  scenario: string | null;
}

/** What a mounted mode gives back. */
export interface Mounted {
  readonly el: HTMLElement;
  /** Called once the element is in the shadow root. */
  shown?(): void;
  dispose(): void;
}

/** A FlowdrillError (or any thrown value) as a WidgetError. */
export function coreError(e: unknown, kind: WidgetError['kind'] = 'read'): WidgetError {
  return { kind, ...errorInfo(e) };
}

/** The error box shown inside the widget. */
export function errorBox(err: WidgetError, labels: Labels): HTMLElement {
  const where: string[] = [];
  if (err.line !== undefined) where.push(fill(labels.errorLine, { line: err.line, column: err.column ?? 1 }));
  if (err.path !== undefined && err.path !== '.' && err.path !== '') where.push(fill(labels.errorPath, { path: err.path }));
  let message = err.message;
  if (err.kind === 'read') message = fill(labels.errorRead, { message: err.message });
  if (err.kind === 'engine') message = fill(labels.errorEngine, { message: err.message });
  return h(
    'div',
    { class: 'fd-error', role: 'alert', 'data-testid': 'widget-error', 'data-code': err.code },
    h('p', { class: 'fd-error-title' }, labels.errorTitle),
    h('p', { class: 'fd-error-message' }, message),
    h(
      'dl',
      null,
      where.length ? h('dt', null, labels.errorWhere) : null,
      where.length ? h('dd', { 'data-testid': 'widget-error-where' }, where.join(', ')) : null,
      err.source ? h('dt', null, labels.errorSource) : null,
      err.source ? h('dd', null, h('code', null, err.source)) : null,
    ),
  );
}

/** The time zone of a calendar of the document, else of its first calendar, else UTC. */
export function zoneOf(doc: Doc, calendar?: string | null): string {
  const cals = doc.calendars ?? {};
  const cal = (calendar ? cals[calendar] : undefined) ?? Object.values(cals)[0];
  const tz = cal?.timezone ?? 'UTC';
  return validZone(tz) ? tz : 'UTC';
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant for people in a zone: `Fri 20 Nov 2026, 11:00 EST` in English (as the app
 * writes it), the locale's medium date and short time otherwise.
 */
export function instantText(iso: string | null | undefined, tz: string, lang: string): string {
  if (!iso) return '—';
  if (!lang || /^en\b/i.test(lang)) return formatInstant(iso, tz);
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const key = `${lang}|${tz}`;
  let f = formats.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(lang, { timeZone: tz, dateStyle: 'full', timeStyle: 'short' });
    } catch {
      return formatInstant(iso, tz);
    }
    formats.set(key, f);
  }
  return `${f.format(new Date(ms))} (${tz})`;
}

/** `2026-11-20T15:00:00Z`: now, to the second. */
export function nowIso(now = Date.now()): string {
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A value of an attribute for people: `brand-page` → `Brand page`. */
export function valueText(v: string | number): string {
  if (typeof v === 'number') return String(v);
  const t = v.replace(/[-_]+/g, ' ').trim();
  return t ? t.charAt(0).toUpperCase() + t.slice(1) : v;
}
