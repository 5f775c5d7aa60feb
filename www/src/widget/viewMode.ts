/**
 * `mode="view"`: the flowchart, laid out by the core, read-only with pan and zoom, and the
 * workflow's service levels (name, target, calendar, which cases) beside it.
 */
import { edgeCaptions, edgeId, nodeLabel, roleLabel } from '../doc';
import { h, uid } from '../dom';
import { GraphView } from '../graph';
import type { Diagnostic, Doc, Guard, Layout } from '../types';
import { ViewWorkflow as Workflow, guardText } from './core';
import { fill } from './labels';
import css from './view.css?inline';
import { type ModeContext, type Mounted, coreError, readDoc, zoneOf } from './shared';

interface SlaInput {
  id?: unknown;
  name?: unknown;
  target?: unknown;
  calendar?: unknown;
  when?: unknown;
  escalation?: unknown;
}

/** A guard in words, as the core writes it; `''` for one it cannot read. */
function whenText(g: Guard): string {
  try {
    return guardText(g);
  } catch {
    return '';
  }
}

/** The SLA rules of a document as the file writes them, for people. */
export function slaList(ctx: ModeContext, doc: Doc): HTMLElement {
  const { labels } = ctx;
  const rules = (Array.isArray(doc.slas) ? doc.slas : []) as SlaInput[];
  const headId = uid('fd-slas');
  if (rules.length === 0) {
    return h('section', { class: 'fd-slas', 'aria-labelledby': headId }, h('h3', { id: headId }, labels.slas), h('p', { class: 'fd-muted' }, labels.noSlas));
  }
  const list = h('ul', { class: 'fd-sla-list', 'data-testid': 'sla-list' });
  for (const r of rules) {
    const id = typeof r.id === 'string' ? r.id : '';
    const name = typeof r.name === 'string' && r.name ? r.name : id;
    const target = typeof r.target === 'string' ? r.target : '?';
    const calId = typeof r.calendar === 'string' ? r.calendar : null;
    const cal = calId ? doc.calendars?.[calId] : undefined;
    const calText = calId ? fill(labels.calendar, { calendar: `${cal?.name ?? calId}, ${zoneOf(doc, calId)}` }) : labels.aroundTheClock;
    const when = r.when && typeof r.when === 'object' ? whenText(r.when as Guard) : '';
    const ladder = Array.isArray(r.escalation) ? (r.escalation as Array<Record<string, unknown>>) : [];
    const told = [...new Set(ladder.flatMap((m) => (typeof m.notify === 'string' ? [m.notify] : Array.isArray(m.notify) ? m.notify.filter((x): x is string => typeof x === 'string') : [])))];
    list.appendChild(
      h(
        'li',
        { 'data-rule': id },
        h('div', { class: 'fd-sla-name' }, name),
        h(
          'div',
          { class: 'fd-sla-facts' },
          h('span', { class: 'fd-chip fd-target', 'data-testid': 'sla-target' }, fill(labels.target, { target })),
          h('span', { class: 'fd-sla-cal', 'data-testid': 'sla-calendar' }, calText),
        ),
        h('div', { class: 'fd-sla-when' }, h('span', { class: 'fd-muted' }, `${labels.appliesTo}: `), when || labels.everyCase),
        told.length ? h('div', { class: 'fd-sla-when' }, h('span', { class: 'fd-muted' }, `${labels.ladder}: `), fill(labels.tell, { roles: told.map((x) => roleLabel(doc, x)).join(', ') })) : null,
      ),
    );
  }
  return h('section', { class: 'fd-slas', 'aria-labelledby': headId }, h('h3', { id: headId }, labels.slas), list);
}

/** The flowchart as text (for screen readers, and anyone who prefers a list): each step, who does it, where it goes. */
function outline(ctx: ModeContext, doc: Doc, layout: Layout | null): HTMLElement {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const captions = edgeCaptions(layout);
  const items = doc.nodes.map((n) => {
    const outs = doc.edges.filter((e) => e.from === n.id);
    const role = n.kind === 'task' && typeof n.role === 'string' ? roleLabel(doc, n.role) : '';
    const question = n.kind === 'decision' && typeof n.question === 'string' ? n.question : '';
    const next = outs.map((e) => {
      const caption = captions.get(edgeId(e));
      return `${caption ? `${caption} → ` : '→ '}${nodeLabel(byId.get(e.to), e.to)}`;
    });
    return h(
      'li',
      { class: `kind-${n.kind}`, 'data-node': n.id },
      h('span', { class: 'fd-step-name' }, nodeLabel(n, n.id)),
      role || question ? h('span', { class: 'fd-step-meta' }, role || question) : null,
      next.length ? h('span', { class: 'fd-step-meta' }, next.join('; ')) : null,
    );
  });
  return h('details', { class: 'fd-about fd-outline', 'data-testid': 'outline' }, h('summary', null, ctx.labels.outline), h('ol', { class: 'fd-steps' }, ...items));
}

/** A short list of the structural errors, when there are any. */
export function problemsNote(ctx: ModeContext, diagnostics: Diagnostic[]): HTMLElement | null {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return null;
  return h(
    'details',
    { class: 'fd-problems', 'data-testid': 'widget-problems' },
    h('summary', null, fill(ctx.labels.problems, { count: errors.length })),
    h('ul', null, ...errors.slice(0, 8).map((d) => h('li', null, d.message, d.location.path ? h('span', { class: 'fd-muted' }, ` (${d.location.path})`) : null))),
  );
}

export function mountView(ctx: ModeContext): Mounted {
  const { loaded, labels } = ctx;
  let wf: Workflow;
  try {
    wf = Workflow.fromJson(loaded.text);
  } catch (e) {
    const err = coreError(e);
    ctx.fail({ ...err, source: loaded.source });
    return { el: h('div'), dispose() {} };
  }
  const doc = readDoc(loaded.text);
  let diagnostics: Diagnostic[] = [];
  try {
    diagnostics = wf.validateStructure();
  } catch (e) {
    console.warn('flowdrill: validation failed', e);
  }
  let layout: Layout | null = null;
  try {
    layout = wf.layout();
  } catch (e) {
    ctx.fail({ ...coreError(e), source: loaded.source });
  }
  const name = typeof doc.name === 'string' && doc.name ? doc.name : wf.id;
  const graph = new GraphView({ label: fill(labels.chart, { name }), interactive: false });
  const headId = uid('fd-title');
  const el = h(
    'section',
    { class: 'fd-view', 'aria-labelledby': headId, 'data-testid': 'widget-view' },
    h('style', null, css),
    h(
      'header',
      { class: 'fd-head' },
      h('h2', { id: headId }, name),
      typeof doc.version === 'string' ? h('span', { class: 'fd-chip' }, fill(labels.version, { version: doc.version })) : null,
    ),
    h('div', { class: 'fd-body' }, h('div', { class: 'fd-chart' }, graph.el, h('p', { class: 'fd-hint' }, labels.chartHint)), slaList(ctx, doc)),
    problemsNote(ctx, diagnostics),
    outline(ctx, doc, layout),
    typeof doc.description === 'string' && doc.description
      ? h('details', { class: 'fd-about' }, h('summary', null, labels.about), h('p', null, doc.description))
      : null,
  );
  if (layout) graph.render({ doc, layout });
  ctx.validated(diagnostics);
  return {
    el,
    shown() {
      graph.fit();
    },
    dispose() {
      wf.free();
    },
  };
}
