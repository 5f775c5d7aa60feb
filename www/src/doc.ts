/**
 * Pure edits of a workflow document (the JSON object as written in the file). Every
 * function returns a new document and leaves its argument alone.
 */
import type { Doc, Edge, Layout, LooseNode, Value } from './types';

export const NODE_KINDS = ['start', 'task', 'decision', 'fork', 'join', 'wait', 'notify', 'end'] as const;

/** The fields a node of each kind may have, besides id, kind, name and description. */
export const KIND_FIELDS: Record<string, string[]> = {
  start: ['channel', 'arrivals'],
  task: ['role', 'effort'],
  decision: ['question', 'match'],
  fork: [],
  join: [],
  wait: ['delay', 'until', 'batch', 'calendar'],
  notify: ['roles', 'message'],
  end: ['outcome'],
};

function clone<T>(x: T): T {
  return structuredClone(x);
}

/** The id of an edge: its own, or `from->to`. */
export function edgeId(e: Pick<Edge, 'id' | 'from' | 'to'>): string {
  return e.id ?? `${e.from}->${e.to}`;
}

/** `base`, or `base-2`, `base-3`, ... whichever is not taken. */
export function uniqueId(base: string, taken: Iterable<string>): string {
  const set = new Set(taken);
  if (!set.has(base)) return base;
  for (let i = 2; ; i++) {
    const id = `${base}-${i}`;
    if (!set.has(id)) return id;
  }
}

export function roleIds(doc: Doc): string[] {
  return Object.keys(doc.roles ?? {});
}

export function calendarIds(doc: Doc): string[] {
  return Object.keys(doc.calendars ?? {});
}

export function findNode(doc: Doc, id: string): LooseNode | undefined {
  return doc.nodes.find((n) => n.id === id);
}

export function findEdge(doc: Doc, id: string): Edge | undefined {
  return doc.edges.find((e) => edgeId(e) === id);
}

/** The display name of a node: its name, else its id. */
export function nodeLabel(n: LooseNode | undefined, fallback = ''): string {
  if (!n) return fallback;
  return typeof n.name === 'string' && n.name.trim() !== '' ? n.name : n.id;
}

/** The display name of a role. */
export function roleLabel(doc: Doc, id: string): string {
  const r = doc.roles?.[id];
  return r?.name ? r.name : id;
}

/** The fields a new node of `kind` starts with. */
export function defaultFields(doc: Doc, kind: string): Record<string, unknown> {
  const role = roleIds(doc)[0] ?? 'agent';
  switch (kind) {
    case 'task':
      return { role, effort: '10m' };
    case 'decision':
      return { question: '' };
    case 'wait':
      return { delay: '1h' };
    case 'notify':
      return { roles: role };
    case 'end':
      return { outcome: 'done' };
    default:
      return {};
  }
}

/** Adds a node of `kind`; returns the new document and the node's id. */
export function addNode(doc: Doc, kind: string, name?: string): { doc: Doc; id: string } {
  const next = clone(doc);
  const id = uniqueId(kind, next.nodes.map((n) => n.id));
  const node: LooseNode = { id, kind, name: name ?? `New ${kind}`, ...defaultFields(doc, kind) };
  next.nodes.push(node);
  return { doc: next, id };
}

/** Removes a node and every edge into or out of it. */
export function removeNode(doc: Doc, id: string): Doc {
  const next = clone(doc);
  next.nodes = next.nodes.filter((n) => n.id !== id);
  next.edges = next.edges.filter((e) => e.from !== id && e.to !== id);
  return next;
}

/** Adds an edge; gives it an id when `from->to` is already taken. */
export function addEdge(doc: Doc, from: string, to: string, extra: Partial<Edge> = {}): { doc: Doc; id: string } {
  const next = clone(doc);
  const taken = next.edges.map(edgeId);
  const base = `${from}->${to}`;
  const edge: Edge = { from, to, ...extra };
  if (taken.includes(base) || extra.id) edge.id = uniqueId(extra.id ?? base, taken);
  next.edges.push(edge);
  return { doc: next, id: edgeId(edge) };
}

export function removeEdge(doc: Doc, id: string): Doc {
  const next = clone(doc);
  const i = next.edges.findIndex((e) => edgeId(e) === id);
  if (i >= 0) next.edges.splice(i, 1);
  return next;
}

function patchObject(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === '') delete target[k];
    else target[k] = v;
  }
}

/** Sets fields of a node; `undefined` or `''` removes a field. */
export function updateNode(doc: Doc, id: string, patch: Record<string, unknown>): Doc {
  const next = clone(doc);
  const n = next.nodes.find((x) => x.id === id);
  if (n) patchObject(n, patch);
  return next;
}

/** Sets fields of an edge; `undefined` or `''` removes a field. Returns the edge's new id. */
export function updateEdge(doc: Doc, id: string, patch: Record<string, unknown>): { doc: Doc; id: string } {
  const next = clone(doc);
  const e = next.edges.find((x) => edgeId(x) === id);
  if (!e) return { doc: next, id };
  patchObject(e as unknown as Record<string, unknown>, patch);
  return { doc: next, id: edgeId(e) };
}

function renameIn(ids: unknown, from: string, to: string): unknown {
  if (typeof ids === 'string') return ids === from ? to : ids;
  if (Array.isArray(ids)) return ids.map((x) => (x === from ? to : x));
  return ids;
}

function renamePoint(p: unknown, from: string, to: string): unknown {
  if (p && typeof p === 'object') {
    const o = { ...(p as Record<string, unknown>) };
    for (const k of ['enter', 'leave']) if (k in o) o[k] = renameIn(o[k], from, to);
    return o;
  }
  return p;
}

/** Renames a node, and every edge and SLA rule that names it. */
export function renameNode(doc: Doc, from: string, to: string): Doc {
  const next = clone(doc);
  for (const n of next.nodes) if (n.id === from) n.id = to;
  for (const e of next.edges) {
    if (e.from === from) e.from = to;
    if (e.to === from) e.to = to;
  }
  for (const rule of next.slas ?? []) {
    const r = rule as unknown as Record<string, unknown>;
    if ('start' in r) r.start = renamePoint(r.start, from, to);
    if ('stop' in r) r.stop = renamePoint(r.stop, from, to);
    if ('pause' in r) r.pause = renameIn(r.pause, from, to);
  }
  return next;
}

/** Changes a node's kind: keeps id, name and description, and the fields both kinds share. */
export function changeKind(doc: Doc, id: string, kind: string): Doc {
  const next = clone(doc);
  const i = next.nodes.findIndex((x) => x.id === id);
  if (i < 0) return next;
  const old = next.nodes[i]!;
  const keep = new Set(KIND_FIELDS[kind] ?? []);
  const node: LooseNode = { id: old.id, kind };
  if (old.name !== undefined) node.name = old.name;
  if (old.description !== undefined) node.description = old.description;
  const defaults = defaultFields(doc, kind);
  for (const f of keep) {
    if (old[f] !== undefined) node[f] = old[f];
  }
  if (kind === 'wait' && (node.delay !== undefined || node.until !== undefined || node.batch !== undefined)) {
    // one of the three is already there
  } else {
    for (const [k, v] of Object.entries(defaults)) if (node[k] === undefined) node[k] = v;
  }
  next.nodes[i] = node;
  return next;
}

/** An attribute in one shape whatever the file wrote: id, label, question, values. */
export interface AttributeInfo {
  id: string;
  label: string;
  question?: string;
  values: Value[];
}

export function attributes(doc: Doc): AttributeInfo[] {
  return Object.entries(doc.attributes ?? {}).map(([id, a]) => {
    if (Array.isArray(a)) return { id, label: id, values: a };
    const values = Array.isArray(a.values) ? (a.values as Value[]) : Object.keys(a.values ?? {});
    const info: AttributeInfo = { id, label: a.label ?? id, values };
    if (a.question) info.question = a.question;
    return info;
  });
}

export function startNodes(doc: Doc): LooseNode[] {
  return doc.nodes.filter((n) => n.kind === 'start');
}

/** The time zone of the workflow's first calendar (UTC when it has none). */
export function displayZone(doc: Doc): string {
  const first = Object.values(doc.calendars ?? {})[0];
  return first?.timezone ?? 'UTC';
}

/** Ids as written: one id or a list. */
export function idList(ids: unknown): string[] {
  if (typeof ids === 'string') return [ids];
  if (Array.isArray(ids)) return ids.filter((x): x is string => typeof x === 'string');
  return [];
}

/** What to write on each edge of a drawing (`LaidEdge.caption`), by edge id. */
export function edgeCaptions(layout: Pick<Layout, 'edges'> | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of layout?.edges ?? []) if (e.caption !== null) out.set(e.id, e.caption);
  return out;
}

/** Parses text the user typed into a JSON field; `''` is `undefined`. */
export function parseJsonField(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Reads an effort field: a duration (`20m`) as it is, or JSON (`{"lognormal": {...}}`).
 */
export function parseEffort(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  if (/^[[{"]/.test(t)) return parseJsonField(t);
  if (/^(\d+(\.\d+)?[dhms])+$/.test(t)) return { ok: true, value: t };
  return { ok: false, error: 'write a duration such as 20m or 1h30m, or a distribution as JSON' };
}

/** JSON for an editable field: strings stay bare in effort fields, objects are indented. */
export function fieldText(v: unknown, bareStrings = false): string {
  if (v === undefined) return '';
  if (bareStrings && typeof v === 'string') return v;
  return JSON.stringify(v, null, 2);
}
