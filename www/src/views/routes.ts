/**
 * The Routes view: choose a case (one value per attribute), a start node and an arrival
 * time, and see the route light up in the diagram, step by step, with the notifications,
 * the outcome and, per SLA rule, the deadline, the escalation ladder and whether a typical
 * case meets it. Below, every route of the workflow as a decision table.
 */
import { attributes, displayZone, findNode, nodeLabel, roleLabel, startNodes } from '../doc';
import { button, field, h, replace, select, uid } from '../dom';
import { pct } from '../format';
import { GraphView } from '../graph';
import type { StoreEvent } from '../state';
import { formatInstant, localToRfc3339, toLocalInput, validZone } from '../time';
import type { Assignment, Doc, RouteAnswer, RouteSla, RouteTable, Value } from '../types';
import { errorInfo } from '../wasm';
import type { View, ViewContext } from './view';

const STATE_TEXT: Record<string, string> = {
  met: 'A typical case meets it',
  breached: 'A typical case breaches it',
  cancelled: 'Not due: the case ends before the stop point',
  'not-started': 'Does not start on this route',
  running: 'Still running at the end of the route',
  paused: 'Paused at the end of the route',
};

function parseValue(raw: string, values: Value[]): Value {
  const hit = values.find((v) => String(v) === raw);
  return hit ?? raw;
}

export function createRoutesView(ctx: ViewContext): View {
  const { store } = ctx;
  let visible = false;
  let dirty = true;
  let tableRevision = -1;
  let table: RouteTable | null = null;
  let tableError = '';
  const chosen = new Map<string, string>();
  let chosenStart = '';
  let zone = 'UTC';
  let arrival = '';
  let formRevision = -1;

  const form = h('form', { class: 'case-form', 'aria-label': 'Case' });
  form.addEventListener('submit', (e) => e.preventDefault());
  const outcome = h('div', { class: 'route-outcome', 'aria-live': 'polite', 'data-testid': 'route-outcome' });
  const graph = new GraphView({ label: 'The route of the case through the workflow', interactive: false });
  const steps = h('div', { class: 'route-steps' });
  const slas = h('div', { class: 'route-slas', 'data-testid': 'route-slas' });
  const notes = h('div', { class: 'route-notes' });
  const tableBox = h('div', { class: 'route-table-box', 'data-testid': 'route-table' });
  const tableTitle = uid('rt');

  const el = h(
    'div',
    { class: 'routes' },
    h(
      'div',
      { class: 'routes-top' },
      h('div', { class: 'routes-left' }, h('h2', null, 'A case'), form),
      h('div', { class: 'routes-graph' }, outcome, graph.el),
    ),
    h(
      'div',
      { class: 'routes-results' },
      h('section', { class: 'card' }, h('h2', null, 'Steps'), steps, notes),
      h('section', { class: 'card' }, h('h2', null, 'SLA rules'), slas),
    ),
    h('section', { class: 'card route-table-card', 'aria-labelledby': tableTitle }, h('h2', { id: tableTitle }, 'Every route'), tableBox),
  );

  function defaultCase(doc: Doc): void {
    chosen.clear();
    const t = getTable();
    const first = t?.rows[0];
    for (const a of attributes(doc)) {
      const v = first?.example[a.id] ?? a.values[0];
      chosen.set(a.id, v === undefined ? '' : String(v));
    }
  }

  function getTable(): RouteTable | null {
    if (tableRevision === store.revision) return table;
    tableRevision = store.revision;
    table = null;
    tableError = '';
    if (!store.workflow) {
      tableError = 'The document cannot be read: see Problems in the Design view.';
      return null;
    }
    try {
      table = store.workflow.routes();
    } catch (e) {
      tableError = errorInfo(e).message;
    }
    return table;
  }

  function buildForm(): void {
    const doc = store.doc;
    const attrs = attributes(doc);
    // Keep the values chosen so far where they still exist.
    if (chosen.size === 0) defaultCase(doc);
    for (const a of attrs) {
      const cur = chosen.get(a.id);
      if (cur !== undefined && cur !== '' && !a.values.some((v) => String(v) === cur)) chosen.set(a.id, '');
      if (cur === undefined) chosen.set(a.id, a.values[0] === undefined ? '' : String(a.values[0]));
    }
    zone = displayZone(doc);
    if (!validZone(zone)) zone = 'UTC';
    if (!arrival) {
      const now = Date.now();
      arrival = toLocalInput(now - (now % 300000), zone);
    }
    form.replaceChildren();
    const fs = h('fieldset', null, h('legend', null, 'Attributes'));
    if (attrs.length === 0) fs.appendChild(h('p', { class: 'muted' }, 'This workflow has no attributes: every case goes the same way.'));
    for (const a of attrs) {
      const sel = select(
        [['', '—'], ...a.values.map((v): [string, string] => [String(v), String(v)])],
        chosen.get(a.id) ?? '',
        { 'data-attribute': a.id },
      );
      sel.addEventListener('change', () => {
        chosen.set(a.id, sel.value);
        compute();
      });
      const norm = (t: string) => t.toLowerCase().replace(/[^a-z0-9]+/g, '');
      const hint = a.question && norm(a.question) !== norm(a.label) ? a.question : undefined;
      fs.appendChild(field(a.label, sel, hint));
    }
    form.appendChild(fs);
    const starts = startNodes(doc);
    if (!starts.some((s) => s.id === chosenStart)) chosenStart = starts[0]?.id ?? '';
    if (starts.length > 1) {
      const sel = select(
        starts.map((s): [string, string] => [s.id, nodeLabel(s)]),
        chosenStart,
        { 'data-field': 'start' },
      );
      sel.addEventListener('change', () => {
        chosenStart = sel.value;
        compute();
      });
      form.appendChild(field('Start node', sel, 'Where the case enters.'));
    }
    const at = h('input', { type: 'datetime-local', value: arrival, step: 60, 'data-field': 'arrival' });
    at.addEventListener('change', () => {
      arrival = at.value;
      compute();
    });
    form.appendChild(field('Arrives at', at, `Local time in ${zone}${Object.keys(doc.calendars ?? {}).length ? ' (the first calendar’s zone)' : ''}.`));
    form.appendChild(
      h(
        'div',
        { class: 'row' },
        button('Clear all', () => {
          for (const k of chosen.keys()) chosen.set(k, '');
          buildForm();
          compute();
        }),
        button('First route’s case', () => {
          defaultCase(store.doc);
          buildForm();
          compute();
        }),
      ),
    );
    formRevision = store.revision;
  }

  function caseObject(): Assignment {
    const out: Assignment = {};
    for (const a of attributes(store.doc)) {
      const v = chosen.get(a.id);
      if (v !== undefined && v !== '') out[a.id] = parseValue(v, a.values);
    }
    return out;
  }

  function compute(): void {
    const wf = store.workflow;
    const doc = store.doc;
    const layout = store.layout();
    if (!wf) {
      replace(outcome, h('p', { class: 'error' }, 'The document cannot be read: fix it in the Design view.'));
      replace(steps);
      replace(slas);
      if (layout) graph.render({ doc, layout });
      return;
    }
    let atRfc: string | undefined;
    try {
      atRfc = arrival ? localToRfc3339(arrival, zone) : undefined;
    } catch {
      atRfc = undefined;
    }
    let answer: RouteAnswer;
    try {
      answer = wf.route(caseObject(), chosenStart || undefined, atRfc);
    } catch (e) {
      const info = errorInfo(e);
      replace(outcome, h('p', { class: 'error', 'data-testid': 'route-error' }, info.message));
      replace(steps, h('p', { class: 'muted' }, 'No route: choose a value for every attribute the decisions ask about.'));
      replace(slas);
      replace(notes);
      if (layout) graph.render({ doc, layout });
      return;
    }
    const r = answer.route;
    const litNodes = new Set(r.steps.map((s) => s.node));
    const litEdges = new Set(r.steps.flatMap((s) => s.edges ?? []));
    if (layout) {
      graph.render({ doc, layout, highlight: { nodes: litNodes, edges: litEdges } });
      graph.frame(litNodes);
    }

    // Outcome.
    const roles = [...new Set(r.steps.map((s) => s.role).filter((x): x is string => !!x))];
    const told = [...new Set(r.notifications.flatMap((n) => n.roles))];
    replace(
      outcome,
      r.outcome !== null
        ? h('p', { class: 'outcome ok' }, 'Outcome: ', h('strong', null, r.outcome), ` at “${nodeLabel(findNode(doc, r.end ?? ''), r.end ?? '')}”`)
        : h('p', { class: 'outcome bad' }, 'Stuck', r.stuck_at ? ` at decision “${nodeLabel(findNode(doc, r.stuck_at), r.stuck_at)}”: no branch accepts this case` : ''),
      h(
        'p',
        { class: 'who' },
        h('span', null, h('span', { class: 'muted' }, 'Work: '), roles.map((x) => roleLabel(doc, x)).join(', ') || 'none'),
        h('span', null, h('span', { class: 'muted' }, 'Told: '), told.map((x) => roleLabel(doc, x)).join(', ') || 'nobody'),
        h('span', null, h('span', { class: 'muted' }, 'Steps: '), String(r.steps.length)),
      ),
    );

    // Steps.
    const times = new Map<number, { enter: string; leave: string }>();
    if (answer.timeline) answer.timeline.forEach((t, i) => times.set(i, t));
    const tbl = h(
      'table',
      { class: 'data' },
      h(
        'thead',
        null,
        h('tr', null, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'Lane'), h('th', { scope: 'col' }, 'Node'), h('th', { scope: 'col' }, 'Role'), h('th', { scope: 'col' }, 'Via'), answer.timeline ? h('th', { scope: 'col' }, 'Entered') : null),
      ),
      h(
        'tbody',
        null,
        ...r.steps.map((s, i) =>
          h(
            'tr',
            { class: `kind-${s.kind}` },
            h('td', { class: 'num' }, String(i + 1)),
            h('td', null, s.lane || '·'),
            h('td', null, h('span', { class: `kind-dot kind-${s.kind}`, 'aria-hidden': 'true' }), s.name, h('span', { class: 'muted' }, ` ${s.kind}`)),
            h('td', null, s.role ? roleLabel(doc, s.role) : ''),
            h('td', null, s.via ?? ''),
            answer.timeline ? h('td', { class: 'time' }, formatInstant(times.get(i)?.enter, zone)) : null,
          ),
        ),
      ),
    );
    replace(steps, h('div', { class: 'table-scroll' }, tbl));

    // Notifications.
    replace(
      notes,
      r.notifications.length
        ? h(
            'div',
            null,
            h('h3', null, 'Notifications'),
            h(
              'ul',
              { class: 'plain' },
              ...r.notifications.map((n) =>
                h(
                  'li',
                  null,
                  h('strong', null, n.roles.map((x) => roleLabel(doc, x)).join(', ')),
                  ` at “${nodeLabel(findNode(doc, n.node), n.node)}”`,
                  n.message ? h('div', { class: 'muted' }, n.message) : null,
                ),
              ),
            ),
          )
        : null,
    );

    // SLAs.
    renderSlas(doc, answer.slas ?? []);
  }

  function renderSlas(doc: Doc, list: RouteSla[]): void {
    if (list.length === 0) {
      replace(slas, h('p', { class: 'muted' }, (doc.slas ?? []).length ? 'No SLA rule applies to this case.' : 'This workflow has no SLA rules.'));
      return;
    }
    replace(
      slas,
      ...list.map((s) => {
        const good = s.state === 'met' || s.state === 'cancelled';
        return h(
          'article',
          { class: `sla-card ${s.state}`, 'data-rule': s.rule },
          h('h3', null, s.name ?? s.rule),
          h(
            'dl',
            { class: 'facts' },
            h('dt', null, 'Target'),
            h('dd', null, `${s.target}${s.calendar ? ` of ${s.calendar} hours` : ' around the clock'}`),
            h('dt', null, 'Clock starts'),
            h('dd', null, formatInstant(s.started, zone)),
            h('dt', null, 'Deadline'),
            h('dd', { class: 'deadline', 'data-testid': 'deadline' }, formatInstant(s.deadline, zone)),
            h('dt', null, 'Stops'),
            h('dd', null, formatInstant(s.stopped, zone)),
            h('dt', null, 'Typical case'),
            h('dd', null, h('span', { class: `badge ${good ? 'ok' : s.state === 'breached' ? 'bad' : 'neutral'}` }, STATE_TEXT[s.state] ?? s.state)),
          ),
          s.ladder.length
            ? h(
                'div',
                null,
                h('h4', null, 'Escalation ladder'),
                h(
                  'ol',
                  { class: 'ladder' },
                  ...s.ladder.map((l) =>
                    h(
                      'li',
                      null,
                      h('span', { class: 'at' }, l.at),
                      h('span', { class: 'when' }, formatInstant(l.instant, zone)),
                      h(
                        'span',
                        { class: 'who' },
                        [
                          l.notify.length ? `tell ${l.notify.map((x) => roleLabel(doc, x)).join(', ')}` : '',
                          ...l.actions,
                        ]
                          .filter(Boolean)
                          .join('; ') || 'nothing',
                      ),
                    ),
                  ),
                ),
              )
            : null,
        );
      }),
    );
  }

  function renderTable(): void {
    const t = getTable();
    const doc = store.doc;
    if (!t) {
      replace(tableBox, h('p', { class: 'error' }, tableError || 'No routes.'));
      return;
    }
    const body = h('tbody');
    t.rows.forEach((row, i) => {
      const show = button('Show', () => {
        for (const a of attributes(doc)) {
          const v = row.example[a.id];
          chosen.set(a.id, v === undefined ? '' : String(v));
        }
        chosenStart = row.route.start;
        buildForm();
        compute();
        form.querySelector<HTMLElement>('select')?.focus();
      }, { class: 'small', 'aria-label': `Show route ${i + 1}` });
      body.appendChild(
        h(
          'tr',
          null,
          h('td', { class: 'num' }, String(i + 1)),
          h('td', null, row.conditions_text),
          h('td', { class: 'path' }, row.path_text),
          h('td', null, row.route.outcome ?? h('span', { class: 'bad' }, `stuck at ${row.route.stuck_at ?? '?'}`)),
          h('td', { class: 'num' }, pct(row.share)),
          h('td', null, show),
        ),
      );
    });
    replace(
      tableBox,
      h('p', { class: 'muted' }, `${t.rows.length} route${t.rows.length === 1 ? '' : 's'} over ${t.total_cases.toLocaleString('en-US')} attribute combination${t.total_cases === 1 ? '' : 's'}${t.attributes.length ? ` (${t.attributes.join(', ')})` : ''}.`),
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'data routes-table' },
          h(
            'thead',
            null,
            h('tr', null, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Path'), h('th', { scope: 'col' }, 'Outcome'), h('th', { scope: 'col' }, 'Share'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action'))),
          ),
          body,
        ),
      ),
    );
  }

  function render(ev?: StoreEvent): void {
    if (!visible) {
      dirty = true;
      return;
    }
    dirty = false;
    if (ev?.type === 'doc' && ev.origin === 'load') {
      chosen.clear();
      arrival = '';
    }
    if (formRevision !== store.revision) buildForm();
    compute();
    renderTable();
  }

  store.subscribe((ev) => {
    if (ev.type === 'doc') {
      if (ev.origin === 'load') {
        chosen.clear();
        arrival = '';
        formRevision = -1;
      }
      render(ev);
    }
  });

  return {
    el,
    show() {
      visible = true;
      if (dirty) render();
    },
    hide() {
      visible = false;
    },
  };
}
