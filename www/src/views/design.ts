/**
 * The Design view: the graph, a side panel to edit the selected node or edge and the
 * document's sections, and the diagnostics list. Every edit makes a new document, which
 * the store compiles and checks at once (structure) and again shortly after (with SLA
 * feasibility).
 */
import {
  NODE_KINDS,
  addEdge,
  addNode,
  calendarIds,
  changeKind,
  edgeCaptions,
  edgeId,
  fieldText,
  findEdge,
  findNode,
  idList,
  nodeLabel,
  parseEffort,
  parseJsonField,
  removeEdge,
  removeNode,
  renameNode,
  roleIds,
  roleLabel,
  updateEdge,
  updateNode,
} from '../doc';
import { type Attrs, button, field, h, replace, select, uid } from '../dom';
import { GraphView } from '../graph';
import type { StoreEvent } from '../state';
import type { Diagnostic, Doc, Edge, LooseNode, Selection } from '../types';
import type { View, ViewContext } from './view';

const KIND_NAMES: Record<string, string> = {
  start: 'Start',
  task: 'Task',
  decision: 'Decision',
  fork: 'Fork (parallel split)',
  join: 'Join (parallel merge)',
  wait: 'Wait',
  notify: 'Notify',
  end: 'End',
};

const SECTIONS: Array<{ key: 'roles' | 'attributes' | 'calendars' | 'slas' | 'mix'; title: string; empty: unknown; hint: string }> = [
  { key: 'roles', title: 'Roles', empty: {}, hint: 'id → {name, staff, calendar, escalates_to}' },
  { key: 'attributes', title: 'Attributes', empty: {}, hint: 'id → list of values, or {label, question, values, weights}' },
  { key: 'calendars', title: 'Calendars', empty: {}, hint: 'id → {timezone, hours, holidays}' },
  { key: 'slas', title: 'SLA rules', empty: [], hint: '[{id, target, calendar, start, stop, escalation}]' },
  { key: 'mix', title: 'Joint mix (simulation)', empty: [], hint: '[{case: {...}, weight}] — leave empty to draw attributes independently' },
];

function locationText(d: Diagnostic): string {
  const l = d.location;
  const parts: string[] = [];
  if (l.node) parts.push(`node ${l.node}`);
  if (l.edge) parts.push(`edge ${l.edge}`);
  if (l.path) parts.push(l.path);
  if (l.line !== undefined) parts.push(`line ${l.line}${l.column !== undefined ? `:${l.column}` : ''}`);
  return parts.join(' · ');
}

function exampleText(d: Diagnostic): string {
  if (!d.example) return '';
  return Object.entries(d.example)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

export function createDesignView(ctx: ViewContext): View {
  const { store } = ctx;
  let visible = false;
  let dirty = true;
  let connecting: { from?: string } | null = null;

  // ---- toolbar -------------------------------------------------------------------------
  const kindSelect = select(
    NODE_KINDS.map((k) => [k, KIND_NAMES[k] ?? k]),
    'task',
    { 'aria-label': 'Kind of node to add', class: 'kind-select' },
  );
  const addBtn = button('Add node', () => addNewNode(), { title: 'Add a node of the chosen kind', 'data-action': 'add-node' });
  const connectBtn = button('Connect', () => toggleConnect(), {
    'aria-pressed': 'false',
    title: 'Connect two nodes: choose the source, then the target (Esc cancels)',
    'data-action': 'connect',
  });
  const deleteBtn = button('Delete', () => deleteSelection(), { title: 'Delete the selected node or edge (Delete)', 'aria-keyshortcuts': 'Delete', 'data-action': 'delete' });
  const hint = h('span', { class: 'toolbar-hint', 'aria-live': 'polite' });
  const toolbar = h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Edit the diagram' },
    h('span', { class: 'group' }, kindSelect, addBtn),
    connectBtn,
    deleteBtn,
    hint,
  );

  // ---- graph ---------------------------------------------------------------------------
  const graph = new GraphView({
    label: 'Workflow diagram',
    interactive: true,
    onSelect: (sel) => onGraphSelect(sel),
  });

  // ---- diagnostics ---------------------------------------------------------------------
  const diagTitleId = uid('diag');
  const diagSummary = h('span', { class: 'diag-summary', 'data-testid': 'diag-summary' });
  const diagList = h('ul', { class: 'diag-list', 'data-testid': 'diagnostics' });
  const diagPanel = h(
    'section',
    { class: 'diagnostics', 'aria-labelledby': diagTitleId },
    h('h2', { id: diagTitleId }, 'Problems ', diagSummary),
    diagList,
  );

  // ---- side panel ----------------------------------------------------------------------
  const selectionPicker = h('select', { class: 'selection-picker', 'data-testid': 'selection-picker' });
  selectionPicker.addEventListener('change', () => {
    const v = selectionPicker.value;
    if (!v) store.select(null, 'picker');
    else store.select(v.startsWith('n:') ? { type: 'node', id: v.slice(2) } : { type: 'edge', id: v.slice(2) }, 'picker');
  });
  const props = h('div', { class: 'props', 'data-testid': 'properties' });
  const sectionsBox = h('div', { class: 'sections' });
  const side = h(
    'aside',
    { class: 'side', 'aria-label': 'Properties' },
    h('h2', null, 'Selection'),
    field('Node or edge', selectionPicker),
    props,
    h('h2', null, 'Workflow'),
    sectionsBox,
  );

  const el = h('div', { class: 'design' }, h('div', { class: 'design-main' }, toolbar, graph.el, diagPanel), side);

  // ---- actions -------------------------------------------------------------------------
  function setHint(text: string): void {
    hint.textContent = text;
  }

  function addNewNode(): void {
    const { doc, id } = addNode(store.doc, kindSelect.value);
    store.update(doc, { select: { type: 'node', id } });
    graph.reveal({ type: 'node', id });
    ctx.announce(`Added ${kindSelect.value} node “${id}”.`);
    queueMicrotask(() => focusField('name'));
  }

  function toggleConnect(force?: boolean): void {
    const on = force ?? connecting === null;
    connecting = on ? {} : null;
    if (on && store.selection?.type === 'node') connecting = { from: store.selection.id };
    connectBtn.setAttribute('aria-pressed', String(on));
    connectBtn.classList.toggle('active', on);
    setHint(on ? (connecting?.from ? `From “${connecting.from}”: now choose the target node.` : 'Choose the source node.') : '');
    renderGraph();
  }

  function deleteSelection(): void {
    const sel = store.selection;
    if (!sel) {
      ctx.announce('Select a node or an edge first.');
      return;
    }
    if (sel.type === 'node') {
      store.update(removeNode(store.doc, sel.id), { select: null });
      ctx.announce(`Deleted node “${sel.id}” and its edges.`);
    } else {
      store.update(removeEdge(store.doc, sel.id), { select: null });
      ctx.announce(`Deleted edge “${sel.id}”.`);
    }
  }

  function onGraphSelect(sel: Selection): void {
    if (connecting) {
      if (sel?.type !== 'node' || sel.id === connecting.from) return;
      if (!connecting.from) {
        connecting.from = sel.id;
        setHint(`From “${sel.id}”: now choose the target node.`);
        renderGraph();
        return;
      }
      const from = connecting.from;
      toggleConnect(false);
      connectNodes(from, sel.id);
      return;
    }
    store.select(sel, 'graph');
  }

  function connectNodes(from: string, to: string): void {
    const { doc, id } = addEdge(store.doc, from, to);
    store.update(doc, { select: { type: 'edge', id } });
    const src = findNode(store.doc, from);
    ctx.announce(
      src?.kind === 'decision' ? `Added branch ${id}: give it a condition (when) or make it the otherwise branch.` : `Added edge ${id}.`,
    );
  }

  // ---- rendering -----------------------------------------------------------------------
  function problemSets(list: Diagnostic[]): { errors: Set<string>; warnings: Set<string> } {
    const errors = new Set<string>();
    const warnings = new Set<string>();
    for (const d of list) {
      const set = d.severity === 'error' ? errors : warnings;
      if (d.location.node) set.add(d.location.node);
      if (d.location.edge) set.add(d.location.edge);
    }
    return { errors, warnings };
  }

  function renderGraph(): void {
    const layout = store.layout();
    if (!layout) return;
    graph.render({
      doc: store.doc,
      layout,
      selection: store.selection,
      problems: problemSets(store.diagnostics),
      pending: connecting?.from ?? null,
    });
  }

  function renderDiagnostics(): void {
    const list = store.diagnostics;
    const errors = list.filter((d) => d.severity === 'error').length;
    const warnings = list.length - errors;
    const parts: string[] = [];
    if (list.length === 0) parts.push('none');
    if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
    if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
    replace(
      diagSummary,
      h('span', { class: errors ? 'count err' : warnings ? 'count warn' : 'count ok' }, parts.join(', ')),
      store.checking ? h('span', { class: 'checking' }, ' · checking SLA feasibility…') : null,
    );
    diagPanel.setAttribute('data-state', store.checking ? 'checking' : 'done');
    diagList.replaceChildren();
    if (list.length === 0) {
      diagList.appendChild(h('li', { class: 'diag-empty' }, store.checking ? 'No structural problems.' : 'No problems: every case has exactly one way through.'));
      return;
    }
    for (const d of list) {
      const target: Selection = d.location.node
        ? { type: 'node', id: d.location.node }
        : d.location.edge
          ? { type: 'edge', id: d.location.edge }
          : null;
      const ex = exampleText(d);
      const item = h(
        'button',
        {
          type: 'button',
          class: 'diag',
          'data-code': d.code,
          'data-severity': d.severity,
          title: target ? 'Select it in the diagram' : '',
        },
        h('span', { class: `sev ${d.severity}` }, d.severity),
        h('span', { class: 'code' }, d.code),
        h('span', { class: 'msg' }, d.message),
        ex ? h('span', { class: 'example' }, `e.g. ${ex}`) : null,
        h('span', { class: 'loc' }, locationText(d)),
      );
      item.addEventListener('click', () => {
        if (!target) return;
        store.select(target, 'diagnostics');
        graph.reveal(target);
      });
      if (!target) item.setAttribute('aria-disabled', 'true');
      diagList.appendChild(h('li', null, item));
    }
  }

  function renderPicker(): void {
    const doc = store.doc;
    const sel = store.selection;
    selectionPicker.replaceChildren(h('option', { value: '' }, '— nothing selected —'));
    const nodes = h('optgroup', { label: 'Nodes' });
    for (const n of doc.nodes) nodes.appendChild(h('option', { value: `n:${n.id}` }, `${nodeLabel(n)} (${n.kind})`));
    const edges = h('optgroup', { label: 'Edges' });
    const captions = edgeCaptions(store.layout());
    for (const e of doc.edges) {
      const cap = captions.get(edgeId(e));
      edges.appendChild(h('option', { value: `e:${edgeId(e)}` }, `${e.from} → ${e.to}${cap ? ` · ${cap}` : ''}`));
    }
    selectionPicker.append(nodes, edges);
    selectionPicker.value = sel ? `${sel.type === 'node' ? 'n' : 'e'}:${sel.id}` : '';
  }

  // ---- property forms ------------------------------------------------------------------
  function focusField(name: string): void {
    const el = props.querySelector<HTMLElement>(`[data-field="${name}"]`);
    el?.focus();
    if (el instanceof HTMLInputElement) el.select();
  }

  function commit(doc: Doc, key: string): void {
    store.update(doc, { key, from: 'panel' });
  }

  function textInput(name: string, value: string, onInput: (v: string) => void, attrs: Attrs = {}): HTMLInputElement {
    const input = h('input', { type: 'text', value, 'data-field': name, spellcheck: false, autocomplete: 'off', ...attrs });
    input.addEventListener('input', () => onInput(input.value));
    return input;
  }

  function textArea(name: string, value: string, onInput: (v: string) => void, rows = 3): HTMLTextAreaElement {
    const ta = h('textarea', { 'data-field': name, rows, spellcheck: false });
    ta.value = value;
    ta.addEventListener('input', () => onInput(ta.value));
    return ta;
  }

  /** A JSON (or duration) field with its parse error shown under it. */
  function jsonField(
    label: string,
    name: string,
    value: unknown,
    parse: (t: string) => { ok: true; value: unknown } | { ok: false; error: string },
    apply: (v: unknown) => void,
    opts: { rows?: number; bare?: boolean; hint?: string; single?: boolean } = {},
  ): HTMLElement {
    const err = h('div', { class: 'field-error', role: 'alert' });
    const onInput = (t: string) => {
      const r = parse(t);
      if (r.ok) {
        err.textContent = '';
        control.removeAttribute('aria-invalid');
        apply(r.value);
      } else {
        err.textContent = r.error;
        control.setAttribute('aria-invalid', 'true');
      }
    };
    const text = fieldText(value, opts.bare);
    const control = opts.single ? textInput(name, text, onInput) : textArea(name, text, onInput, opts.rows ?? Math.min(10, Math.max(2, text.split('\n').length)));
    control.classList.add('code');
    err.id = uid('err');
    control.setAttribute('aria-errormessage', err.id);
    const f = field(label, control, opts.hint);
    f.appendChild(err);
    return f;
  }

  function renderProps(): void {
    const sel = store.selection;
    const doc = store.doc;
    props.replaceChildren();
    if (!sel) {
      props.appendChild(
        h(
          'p',
          { class: 'muted' },
          'Click a node or an edge in the diagram (or choose one above) to edit it. Add nodes with the toolbar; connect them with Connect.',
        ),
      );
      return;
    }
    if (sel.type === 'node') {
      const n = findNode(doc, sel.id);
      if (n) nodeForm(doc, n);
    } else {
      const e = findEdge(doc, sel.id);
      if (e) edgeForm(doc, e);
    }
  }

  function nodeForm(doc: Doc, n: LooseNode): void {
    const id = n.id;
    const key = (f: string) => `node:${id}:${f}`;
    const set = (f: string, v: unknown) => commit(updateNode(store.doc, id, { [f]: v }), key(f));

    const idInput = textInput('id', id, () => {}, { required: true });
    const idErr = h('div', { class: 'field-error', role: 'alert' });
    idInput.addEventListener('change', () => {
      const next = idInput.value.trim();
      if (next === id) return;
      if (!next) {
        idErr.textContent = 'An id cannot be empty.';
        return;
      }
      if (store.doc.nodes.some((x) => x.id === next)) {
        idErr.textContent = `There is already a node “${next}”.`;
        return;
      }
      store.update(renameNode(store.doc, id, next), { select: { type: 'node', id: next } });
      queueMicrotask(() => focusField('id'));
    });
    const kind = select(
      NODE_KINDS.map((k) => [k, KIND_NAMES[k] ?? k]),
      n.kind,
      { 'data-field': 'kind' },
    );
    kind.addEventListener('change', () => {
      store.update(changeKind(store.doc, id, kind.value), { key: key('kind') });
      queueMicrotask(() => focusField('kind'));
    });

    const idField = field('Id', idInput, 'Used by edges and SLA rules; renaming updates them.');
    idField.appendChild(idErr);
    props.append(
      h('h3', { class: 'props-title' }, h('span', { class: `kind-chip kind-${n.kind}` }, n.kind), h('span', null, nodeLabel(n))),
      idField,
      field('Name', textInput('name', typeof n.name === 'string' ? n.name : '', (v) => set('name', v))),
      field('Kind', kind),
    );

    const roles = roleIds(doc);
    switch (n.kind) {
      case 'start':
        props.append(
          field('Channel', textInput('channel', String(n.channel ?? ''), (v) => set('channel', v))),
          jsonField('Arrivals (JSON)', 'arrivals', n.arrivals, parseJsonField, (v) => set('arrivals', v), {
            hint: 'e.g. {"rate": "40/h", "profile": {"mon-fri 09:00-18:00": 2}}',
          }),
        );
        break;
      case 'task': {
        const current = typeof n.role === 'string' ? n.role : '';
        const opts: Array<[string, string]> = roles.map((r) => [r, roleLabel(doc, r)]);
        if (current && !roles.includes(current)) opts.unshift([current, `${current} (not defined)`]);
        if (!current) opts.unshift(['', '— choose a role —']);
        const role = select(opts, current, { 'data-field': 'role' });
        role.addEventListener('change', () => set('role', role.value));
        props.append(
          field('Role', role, 'Who does the work; roles are edited below.'),
          jsonField('Effort', 'effort', n.effort, parseEffort, (v) => set('effort', v), {
            bare: true,
            rows: typeof n.effort === 'object' ? Math.min(8, fieldText(n.effort).split('\n').length) : 1,
            hint: 'A duration (20m, 1h30m) or JSON: {"lognormal": {"mean": "12m", "sd": "6m"}}, {"triangular": {"min", "mode", "max"}}, …',
          }),
        );
        break;
      }
      case 'decision': {
        const match = select(
          [
            ['', 'exclusive — branches must not overlap'],
            ['first', 'first — branches are tried in order'],
          ],
          n.match === 'first' ? 'first' : '',
          { 'data-field': 'match' },
        );
        match.addEventListener('change', () => set('match', match.value || undefined));
        props.append(
          field('Question', textInput('question', String(n.question ?? ''), (v) => set('question', v))),
          field('Match', match),
        );
        break;
      }
      case 'wait': {
        const mode = n.batch !== undefined ? 'batch' : n.until !== undefined ? 'until' : 'delay';
        const modeSel = select(
          [
            ['delay', 'a delay'],
            ['until', 'a point in the week'],
            ['batch', 'a batch window'],
          ],
          mode,
          { 'data-field': 'wait-mode' },
        );
        modeSel.addEventListener('change', () => {
          const m = modeSel.value;
          const patch: Record<string, unknown> = { delay: undefined, until: undefined, batch: undefined };
          if (m === 'delay') patch.delay = '1h';
          if (m === 'until') patch.until = 'mon 09:00';
          if (m === 'batch') patch.batch = { every: 'daily', at: '17:00' };
          if (m === 'delay') patch.calendar = undefined;
          store.update(updateNode(store.doc, id, patch), { key: key('wait-mode') });
          queueMicrotask(() => focusField('wait-mode'));
        });
        props.append(field('Waits for', modeSel));
        if (mode === 'delay') props.append(field('Delay', textInput('delay', String(n.delay ?? ''), (v) => set('delay', v)), 'e.g. 24h, 1d, 90m'));
        if (mode === 'until') props.append(field('Until', textInput('until', String(n.until ?? ''), (v) => set('until', v)), 'e.g. wed 12:00'));
        if (mode === 'batch') {
          props.append(
            jsonField('Batch (JSON)', 'batch', n.batch, parseJsonField, (v) => set('batch', v), {
              hint: '{"every": "daily"|"weekly"|"monthly", "at": "17:00", "on": "fri", "day": 1}',
            }),
          );
        }
        if (mode !== 'delay') {
          const cals: Array<[string, string]> = [['', '— the first calendar’s zone —'], ...calendarIds(doc).map((c): [string, string] => [c, c])];
          const cal = select(cals, String(n.calendar ?? ''), { 'data-field': 'calendar' });
          cal.addEventListener('change', () => set('calendar', cal.value || undefined));
          props.append(field('Calendar', cal));
        }
        break;
      }
      case 'notify': {
        const told = new Set(idList(n.roles));
        const box = h('fieldset', { class: 'checks' }, h('legend', null, 'Roles told'));
        for (const r of roles) {
          const cb = h('input', { type: 'checkbox', value: r, checked: told.has(r), 'data-field': `roles-${r}` });
          cb.addEventListener('change', () => {
            const list = [...box.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].filter((x) => x.checked).map((x) => x.value);
            set('roles', list.length === 1 ? list[0] : list.length === 0 ? [] : list);
          });
          box.appendChild(h('label', { class: 'check' }, cb, ` ${roleLabel(doc, r)}`));
        }
        for (const r of told) if (!roles.includes(r)) box.appendChild(h('p', { class: 'field-error' }, `“${r}” is not a role.`));
        props.append(box, field('Message', textArea('message', String(n.message ?? ''), (v) => set('message', v))));
        break;
      }
      case 'end':
        props.append(field('Outcome', textInput('outcome', String(n.outcome ?? ''), (v) => set('outcome', v)), 'e.g. closed, on-hold, cancelled'));
        break;
      default:
        break;
    }
    props.append(field('Description', textArea('description', String(n.description ?? ''), (v) => set('description', v), 3)));

    // Edges in and out.
    const out = doc.edges.filter((e) => e.from === id);
    const inc = doc.edges.filter((e) => e.to === id);
    const captions = edgeCaptions(store.layout());
    const edgeList = (title: string, list: Edge[], dir: 'out' | 'in') =>
      h(
        'div',
        { class: 'edge-list' },
        h('h4', null, title),
        list.length === 0
          ? h('p', { class: 'muted' }, 'none')
          : h(
              'ul',
              null,
              ...list.map((e) => {
                const other = dir === 'out' ? e.to : e.from;
                const cap = captions.get(edgeId(e));
                return h(
                  'li',
                  null,
                  button(`${dir === 'out' ? '→' : '←'} ${nodeLabel(findNode(doc, other), other)}${cap ? ` · ${cap}` : ''}`, () =>
                    store.select({ type: 'edge', id: edgeId(e) }, 'panel-link'),
                  { class: 'link' }),
                );
              }),
            ),
      );
    const target = select(
      [['', '— choose the target —'], ...doc.nodes.filter((x) => x.id !== id).map((x): [string, string] => [x.id, `${nodeLabel(x)} (${x.kind})`])],
      '',
      { 'data-field': 'connect-to' },
    );
    const add = button(n.kind === 'decision' ? 'Add branch' : 'Add edge', () => {
      if (target.value) connectNodes(id, target.value);
    }, { 'data-action': 'add-edge' });
    props.append(
      edgeList('Edges out', out, 'out'),
      edgeList('Edges in', inc, 'in'),
      h('div', { class: 'connect-row' }, field(n.kind === 'decision' ? 'New branch to' : 'New edge to', target), add),
      h('div', { class: 'danger-row' }, button('Delete node', () => deleteSelection(), { class: 'danger' })),
    );
  }

  function edgeForm(doc: Doc, e: Edge): void {
    const id = edgeId(e);
    const key = (f: string) => `edge:${id}:${f}`;
    const set = (f: string, v: unknown) => commit(updateEdge(store.doc, id, { [f]: v }).doc, key(f));
    const src = findNode(doc, e.from);
    const isBranch = src?.kind === 'decision';
    const nodeOpts = doc.nodes.map((x): [string, string] => [x.id, `${nodeLabel(x)} (${x.kind})`]);
    const reconnect = (f: 'from' | 'to', sel: HTMLSelectElement) => {
      sel.addEventListener('change', () => {
        const r = updateEdge(store.doc, id, { [f]: sel.value });
        store.update(r.doc, { select: { type: 'edge', id: r.id } });
        queueMicrotask(() => focusField(f));
      });
    };
    const fromSel = select(nodeOpts, e.from, { 'data-field': 'from' });
    const toSel = select(nodeOpts, e.to, { 'data-field': 'to' });
    reconnect('from', fromSel);
    reconnect('to', toSel);
    const idInput = textInput('edge-id', e.id ?? '', () => {}, { placeholder: `${e.from}->${e.to}` });
    idInput.addEventListener('change', () => {
      const v = idInput.value.trim();
      const r = updateEdge(store.doc, id, { id: v || undefined });
      store.update(r.doc, { select: { type: 'edge', id: r.id } });
      queueMicrotask(() => focusField('edge-id'));
    });
    const otherwise = h('input', { type: 'checkbox', checked: e.otherwise === true, 'data-field': 'otherwise' });
    otherwise.addEventListener('change', () => set('otherwise', otherwise.checked ? true : undefined));
    const limit = h('input', { type: 'number', min: 0, step: 1, value: e.limit === undefined ? '' : String(e.limit), 'data-field': 'limit' });
    limit.addEventListener('input', () => {
      const v = limit.value.trim();
      if (v === '') set('limit', undefined);
      else if (/^\d+$/.test(v)) set('limit', Number(v));
    });
    props.append(
      h('h3', { class: 'props-title' }, h('span', { class: 'kind-chip kind-edge' }, isBranch ? 'branch' : 'edge'), h('span', null, `${e.from} → ${e.to}`)),
      h(
        'div',
        { class: 'row' },
        button('Select source', () => store.select({ type: 'node', id: e.from }, 'panel-link'), { class: 'link' }),
        button('Select target', () => store.select({ type: 'node', id: e.to }, 'panel-link'), { class: 'link' }),
      ),
      field('From', fromSel),
      field('To', toSel),
      field('Id', idInput, 'Optional; by default from->to.'),
      field('Label', textInput('label', e.label ?? '', (v) => set('label', v))),
      jsonField('When (guard, JSON)', 'when', e.when, parseJsonField, (v) => set('when', v), {
        rows: 3,
        hint: isBranch
          ? 'e.g. {"asker": "media"}, {"sentiment": ["negative", "neutral"]}, {"severity": {">=": 3}}, {"any": [...]}'
          : 'Conditions belong on branches of a decision.',
      }),
      h('label', { class: 'check' }, otherwise, ' Otherwise branch (taken when no other branch applies)'),
      field('Limit', limit, 'Taken at most this many times per case (for retry loops); empty for no limit.'),
      h('div', { class: 'danger-row' }, button('Delete edge', () => deleteSelection(), { class: 'danger' })),
    );
  }

  // ---- document sections ---------------------------------------------------------------
  const sectionFields = new Map<string, { ta: HTMLTextAreaElement | HTMLInputElement; err: HTMLElement; get: () => string }>();
  function buildSections(): void {
    const meta = h('details', { class: 'section', open: true }, h('summary', null, 'Id, name and description'));
    const metaField = (name: 'id' | 'name' | 'version' | 'description', label: string, area = false) => {
      const get = () => String((store.doc as unknown as Record<string, unknown>)[name] ?? '');
      const ctl = area ? h('textarea', { rows: 3, 'data-section': name }) : h('input', { type: 'text', 'data-section': name });
      ctl.value = get();
      ctl.addEventListener('input', () => {
        const doc = structuredClone(store.doc) as unknown as Record<string, unknown>;
        if (ctl.value === '' && name !== 'id') delete doc[name];
        else doc[name] = ctl.value;
        store.update(doc as unknown as Doc, { key: `doc:${name}`, from: 'sections' });
      });
      const err = h('div', { class: 'field-error' });
      sectionFields.set(name, { ta: ctl, err, get });
      return field(label, ctl);
    };
    meta.append(metaField('id', 'Id'), metaField('name', 'Name'), metaField('version', 'Version'), metaField('description', 'Description', true));
    sectionsBox.appendChild(meta);
    for (const sec of SECTIONS) {
      const get = () => {
        const v = (store.doc as unknown as Record<string, unknown>)[sec.key];
        return v === undefined ? '' : JSON.stringify(v, null, 2);
      };
      const ta = h('textarea', { class: 'code', rows: 10, spellcheck: false, 'data-section': sec.key });
      ta.value = get();
      const err = h('div', { class: 'field-error', role: 'alert' });
      ta.addEventListener('input', () => {
        const r = parseJsonField(ta.value);
        if (!r.ok) {
          err.textContent = `Not valid JSON: ${r.error}`;
          ta.setAttribute('aria-invalid', 'true');
          return;
        }
        err.textContent = '';
        ta.removeAttribute('aria-invalid');
        const doc = structuredClone(store.doc) as unknown as Record<string, unknown>;
        if (r.value === undefined) delete doc[sec.key];
        else doc[sec.key] = r.value;
        store.update(doc as unknown as Doc, { key: `doc:${sec.key}`, from: 'sections' });
      });
      const diagBox = h('ul', { class: 'section-diags' });
      sectionFields.set(sec.key, { ta, err, get });
      sectionDiagBoxes.set(sec.key, diagBox);
      const f = field(`${sec.title} (JSON)`, ta, sec.hint);
      f.append(err, diagBox);
      sectionsBox.appendChild(h('details', { class: 'section', 'data-section-box': sec.key }, h('summary', null, sec.title), f));
    }
  }
  const sectionDiagBoxes = new Map<string, HTMLElement>();

  function refreshSections(fromSections: boolean): void {
    for (const [name, f] of sectionFields) {
      if (fromSections && (f.ta === ctx.root.activeElement || f.ta.matches(':focus'))) continue;
      const v = f.get();
      if (f.ta.value !== v) f.ta.value = v;
      f.err.textContent = '';
      f.ta.removeAttribute('aria-invalid');
      void name;
    }
    // Problems located in a section, under its editor.
    for (const [key, box] of sectionDiagBoxes) {
      const mine = store.diagnostics.filter((d) => (d.location.path ?? '').startsWith(key) && !d.location.node && !d.location.edge);
      replace(
        box,
        ...mine.map((d) =>
          h('li', { class: `sev-${d.severity}`, 'data-code': d.code }, h('span', { class: `sev ${d.severity}` }, d.severity), ` ${d.message}`),
        ),
      );
    }
  }

  // ---- wiring ----------------------------------------------------------------------------
  function render(ev?: StoreEvent): void {
    if (!visible) {
      dirty = true;
      return;
    }
    dirty = false;
    renderGraph();
    renderDiagnostics();
    const fromPanel = ev?.type === 'doc' && ev.from === 'panel';
    if (fromPanel) {
      // Keep the panel (and the caret) as it is; only its title follows the name.
      const sel = store.selection;
      const title = props.querySelector('.props-title > span');
      if (title && sel?.type === 'node') title.textContent = nodeLabel(findNode(store.doc, sel.id), sel.id);
    } else {
      const active = (ctx.root.activeElement as HTMLElement | null)?.getAttribute?.('data-field');
      renderProps();
      if (active && ev?.type === 'doc' && ev.origin !== 'load') {
        const again = props.querySelector<HTMLElement>(`[data-field="${active}"]`);
        again?.focus();
      }
    }
    renderPicker();
    refreshSections(ev?.type === 'doc' && ev.from === 'sections');
    deleteBtn.disabled = store.selection === null;
  }

  buildSections();
  store.subscribe((ev) => {
    if (ev.type === 'diagnostics') {
      if (visible) {
        renderDiagnostics();
        renderGraph();
        refreshSections(true);
      } else dirty = true;
      return;
    }
    if (ev.type === 'selection') {
      if (!visible) {
        dirty = true;
        return;
      }
      renderGraph();
      renderProps();
      renderPicker();
      deleteBtn.disabled = store.selection === null;
      if (ev.from === 'diagnostics' || ev.from === 'picker' || ev.from === 'panel-link') graph.reveal(store.selection);
      return;
    }
    if (ev.origin === 'load') {
      connecting = null;
      connectBtn.setAttribute('aria-pressed', 'false');
      setHint('');
    }
    render(ev);
    if (ev.origin === 'load' && visible) graph.fit();
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
    onKey(e) {
      // Delete anywhere outside a text field; Backspace only in the diagram.
      if (e.key === 'Delete' || (e.key === 'Backspace' && graph.el.contains(e.composedPath()[0] as Node))) {
        if (!store.selection) return false;
        deleteSelection();
        return true;
      }
      if (e.key === 'Escape') {
        if (connecting) {
          toggleConnect(false);
          return true;
        }
        if (store.selection) {
          store.select(null, 'key');
          return true;
        }
      }
      return false;
    },
  };
}
