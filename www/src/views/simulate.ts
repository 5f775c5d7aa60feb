/**
 * The Simulate view: run options and a scenario (staff per role, arrival factor, a surge,
 * queue order), Run and Cancel, a progress bar, and the results as tables and charts. In
 * Compare mode two scenarios, A and B, run on the same random numbers and the table shows
 * B − A with its 95 % interval, marked where it is significant.
 *
 * The last result (a SimResult, or a Comparison in Compare mode) is kept on
 * `window.__flowdrillLastResult`, so that tests and the console can read the figures.
 */
import { type BarSeries, type Chart, PALETTE, barChart, quantileChart, timeChart } from '../charts';
import { displayZone, roleIds, roleLabel, startNodes } from '../doc';
import { button, field, h, replace, select, uid } from '../dom';
import { formatEstimate, formatSeconds, num, type Unit } from '../format';
import { SimError, SimRunner } from '../simClient';
import type { SimOutcome } from '../simProtocol';
import { localToRfc3339, validZone } from '../time';
import type { Comparison, Doc, Estimate, NamedEstimate, Progress, RateArrivals, Scenario, SimOptions, SimResult } from '../types';
import { significant } from '../wasm';
import type { View, ViewContext } from './view';

declare global {
  interface Window {
    /** The last simulation result shown (SimResult, or Comparison in Compare mode). */
    __flowdrillLastResult?: SimResult | Comparison;
  }
}

interface ScenarioForm {
  el: HTMLElement;
  read(doc: Doc, zone: string): Scenario;
  name(): string;
}

function scenarioForm(doc: Doc, title: string, key: string, showQueue: boolean): ScenarioForm {
  const roles = roleIds(doc);
  const staff = new Map<string, HTMLInputElement>();
  const name = h('input', { type: 'text', value: title, 'data-field': `${key}-name` });
  const staffBox = h('div', { class: 'staff-grid' });
  for (const r of roles) {
    const v = doc.roles?.[r]?.staff ?? 1;
    const input = h('input', { type: 'number', min: 0, step: 1, value: String(v), 'data-role': r, 'data-field': `${key}-staff-${r}`, class: 'narrow' });
    staff.set(r, input);
    const f = field(roleLabel(doc, r), input);
    f.querySelector('label')?.setAttribute('title', roleLabel(doc, r));
    staffBox.appendChild(f);
  }
  const factor = h('input', { type: 'number', min: 0, step: 0.1, value: '1', 'data-field': `${key}-arrival-factor`, class: 'narrow' });
  const queue = select(
    [
      ['fifo', 'first come, first served'],
      ['earliest-deadline', 'earliest SLA deadline first'],
    ],
    'fifo',
    { 'data-field': `${key}-queue` },
  );
  const surgeFrom = h('input', { type: 'datetime-local', 'data-field': `${key}-surge-from` });
  const surgeTo = h('input', { type: 'datetime-local', 'data-field': `${key}-surge-to` });
  const surgeFactor = h('input', { type: 'number', min: 0, step: 0.5, value: '3', 'data-field': `${key}-surge-factor`, class: 'narrow' });
  const rateStarts = startNodes(doc).filter((n) => n.arrivals && typeof (n.arrivals as RateArrivals).rate === 'string');
  const el = h(
    'fieldset',
    { class: 'card scenario', 'data-scenario': key },
    h('legend', null, title === 'A' || title === 'B' ? `Scenario ${title}` : 'Scenario'),
    showQueue ? field('Name', name) : null,
    h('h4', null, 'Staff per role'),
    roles.length ? staffBox : h('p', { class: 'muted' }, 'No roles.'),
    h('div', { class: 'row wrap' }, field('Arrival factor', factor, '× every arrival rate'), showQueue ? field('Queue order', queue) : null),
    h(
      'details',
      { class: 'surge' },
      h('summary', null, 'Surge'),
      rateStarts.length
        ? h(
            'div',
            null,
            h('p', { class: 'muted' }, `Multiplies arrivals at ${rateStarts.map((n) => n.id).join(', ')} between two local times (the run starts Monday 5 January 2026 unless told otherwise).`),
            h('div', { class: 'row wrap' }, field('From', surgeFrom), field('To', surgeTo), field('Factor', surgeFactor)),
          )
        : h('p', { class: 'muted' }, 'No start node has a Poisson arrival rate to multiply.'),
    ),
  );
  return {
    el,
    name: () => name.value.trim(),
    read(d: Doc, zone: string): Scenario {
      const sc: Scenario = { 'flowdrill-scenario': 1 };
      const n = name.value.trim();
      if (n) sc.name = n;
      const st: Record<string, number> = {};
      for (const [r, input] of staff) {
        const v = Number(input.value);
        if (input.value.trim() === '' || !Number.isInteger(v) || v < 0) throw new Error(`Staff for ${r} must be a whole number.`);
        if (v !== (d.roles?.[r]?.staff ?? 1)) st[r] = v;
      }
      if (Object.keys(st).length) sc.staff = st;
      const f = Number(factor.value);
      if (!Number.isFinite(f) || f < 0) throw new Error('The arrival factor must be a number ≥ 0.');
      if (f !== 1) sc.arrival_factor = f;
      if (showQueue) sc.queue = queue.value as 'fifo' | 'earliest-deadline';
      if (surgeFrom.value && surgeTo.value && rateStarts.length) {
        const sf = Number(surgeFactor.value);
        if (!Number.isFinite(sf) || sf < 0) throw new Error('The surge factor must be a number ≥ 0.');
        const surge = { from: localToRfc3339(surgeFrom.value, zone), to: localToRfc3339(surgeTo.value, zone), factor: sf };
        sc.arrivals = {};
        for (const s of rateStarts) {
          const a = structuredClone(s.arrivals) as RateArrivals;
          a.surges = [...(a.surges ?? []), surge];
          sc.arrivals[s.id] = a;
        }
      }
      return sc;
    },
  };
}

function estimateMap(list: NamedEstimate[]): Map<string, Estimate> {
  return new Map(list.map(([k, e]) => [k, e]));
}

function th(text: string): HTMLTableCellElement {
  return h('th', { scope: 'col' }, text);
}

export function createSimulateView(ctx: ViewContext): View {
  const { store } = ctx;
  let visible = false;
  let builtRevision = -1;
  let runner: SimRunner | null = null;
  let charts: Chart[] = [];
  let mode: 'single' | 'compare' = 'single';
  let running = false;

  const modeName = uid('mode');
  const modeBox = h('fieldset', { class: 'segmented', role: 'radiogroup' }, h('legend', { class: 'visually-hidden' }, 'Mode'));
  for (const [v, label] of [
    ['single', 'Single run'],
    ['compare', 'Compare A and B'],
  ] as const) {
    const r = h('input', { type: 'radio', name: modeName, value: v, checked: v === mode, 'data-field': `mode-${v}` });
    r.addEventListener('change', () => {
      if (!r.checked) return;
      mode = v;
      buildForm();
    });
    modeBox.appendChild(h('label', null, r, h('span', null, label)));
  }

  const horizon = h('input', { type: 'text', value: '7d', 'data-field': 'horizon', class: 'narrow', spellcheck: false });
  const warmup = h('input', { type: 'text', value: '0s', 'data-field': 'warmup', class: 'narrow', spellcheck: false });
  const reps = h('input', { type: 'number', min: 1, max: 1000, step: 1, value: '10', 'data-field': 'replications', class: 'narrow' });
  const seed = h('input', { type: 'number', min: 0, step: 1, value: '1', 'data-field': 'seed', class: 'narrow' });
  const runOptions = h(
    'fieldset',
    { class: 'card run-options' },
    h('legend', null, 'Run'),
    h(
      'div',
      { class: 'row wrap' },
      field('Horizon', horizon, 'e.g. 7d, 30d'),
      field('Warm-up', warmup, 'excluded from statistics'),
      field('Replications', reps),
      field('Seed', seed),
    ),
  );
  const scenarios = h('div', { class: 'scenarios' });
  let forms: ScenarioForm[] = [];

  const runBtn = button('Run', () => void run(), { class: 'primary', 'data-action': 'run' });
  const cancelBtn = button('Cancel', () => cancel(), { 'data-action': 'cancel', disabled: true });
  const progress = h('progress', { max: 100, value: 0, 'aria-label': 'Simulation progress' });
  const progressText = h('span', { class: 'progress-text', 'aria-live': 'polite' });
  const progressBox = h('div', { class: 'progress-box', hidden: true, 'data-testid': 'progress' }, progress, progressText);
  const actions = h('div', { class: 'sim-actions' }, runBtn, cancelBtn, progressBox);
  const results = h('div', { class: 'sim-results', 'data-testid': 'sim-results', 'aria-live': 'polite' });
  const form = h('form', { class: 'sim-form', 'aria-label': 'Simulation settings' }, modeBox, h('div', { class: 'sim-form-grid' }, runOptions, scenarios), actions);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  const el = h('div', { class: 'simulate' }, form, results);

  function buildForm(): void {
    const doc = store.doc;
    builtRevision = store.revision;
    // Keep what was typed in fields that still exist.
    const kept = new Map<string, string>();
    for (const input of scenarios.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-field]')) kept.set(input.dataset.field!, input.value);
    if (mode === 'single') {
      forms = [scenarioForm(doc, '', 'single', false)];
      const queue = select(
        [
          ['fifo', 'first come, first served'],
          ['earliest-deadline', 'earliest SLA deadline first'],
        ],
        queueValue,
        { 'data-field': 'queue' },
      );
      queue.addEventListener('change', () => (queueValue = queue.value));
      queueField.replaceChildren(field('Queue order', queue));
      runOptions.querySelector('.row')?.appendChild(queueField);
    } else {
      forms = [scenarioForm(doc, 'A', 'a', true), scenarioForm(doc, 'B', 'b', true)];
      queueField.remove();
    }
    scenarios.className = `scenarios ${mode}`;
    scenarios.replaceChildren(...forms.map((f) => f.el));
    for (const input of scenarios.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-field]')) {
      const v = kept.get(input.dataset.field!);
      if (v !== undefined) input.value = v;
    }
  }
  let queueValue = 'fifo';
  const queueField = h('div', { class: 'queue-field' });

  function options(): SimOptions {
    const o: SimOptions = {};
    const hz = horizon.value.trim();
    if (hz) o.horizon = hz;
    const wu = warmup.value.trim();
    if (wu && wu !== '0s') o.warmup = wu;
    const r = Number(reps.value);
    if (!Number.isInteger(r) || r < 1) throw new Error('Replications must be a whole number from 1.');
    o.replications = r;
    const sd = Number(seed.value);
    if (!Number.isInteger(sd) || sd < 0) throw new Error('The seed must be a whole number ≥ 0.');
    o.seed = sd;
    if (mode === 'single' && queueValue !== 'fifo') o.queue = queueValue as 'earliest-deadline';
    return o;
  }

  function setRunning(on: boolean): void {
    running = on;
    runBtn.disabled = on;
    cancelBtn.disabled = !on;
    progressBox.hidden = !on;
    el.classList.toggle('running', on);
  }

  function onProgress(p: Progress): void {
    const v = Math.max(0, Math.min(100, p.done * 100));
    progress.value = v;
    progressText.textContent = `${v.toFixed(0)} % · replication ${Math.min(p.replication + 1, p.replications)} of ${p.replications}`;
  }

  async function run(): Promise<void> {
    if (running) return;
    const doc = store.doc;
    let zone = displayZone(doc);
    if (!validZone(zone)) zone = 'UTC';
    let opts: SimOptions;
    let scs: Scenario[];
    try {
      opts = options();
      scs = forms.map((f) => f.read(doc, zone));
    } catch (e) {
      ctx.announce(e instanceof Error ? e.message : String(e), 'error');
      return;
    }
    if (!store.workflow) {
      ctx.announce('The document cannot be read: fix it in the Design view first.', 'error');
      return;
    }
    runner ??= new SimRunner();
    setRunning(true);
    progress.value = 0;
    progressText.textContent = '0 % · starting';
    try {
      const req =
        mode === 'single'
          ? ({ kind: 'simulate', text: store.text, options: opts, scenario: scs[0]! } as const)
          : ({ kind: 'compare', text: store.text, options: opts, a: scs[0]!, b: scs[1]! } as const);
      const out = await runner.run(req, onProgress);
      progress.value = 100;
      window.__flowdrillLastResult = out.result;
      showOutcome(out);
      ctx.announce(`Simulation finished in ${(out.ms / 1000).toFixed(1)} s.`);
    } catch (e) {
      if (e instanceof SimError && e.info.code === 'cancelled') {
        ctx.announce('Simulation cancelled.');
      } else {
        const msg = e instanceof Error ? e.message : String(e);
        replace(results, h('p', { class: 'error', 'data-testid': 'sim-error' }, `The simulation failed: ${msg}`));
        ctx.announce(`The simulation failed: ${msg}`, 'error');
      }
    } finally {
      setRunning(false);
    }
  }

  function cancel(): void {
    runner?.cancel();
  }

  function clearCharts(): void {
    for (const c of charts) c.destroy();
    charts = [];
  }

  function showOutcome(out: SimOutcome): void {
    clearCharts();
    if (out.kind === 'simulate') showResult(out.result, out.ms);
    else showComparison(out.result, out.ms);
  }

  function headline(r: SimResult, ms: number): HTMLElement {
    const c = r.config;
    return h(
      'p',
      { class: 'headline' },
      `${c.replications} replication${c.replications === 1 ? '' : 's'} of ${c.horizon}`,
      c.warmup !== '0s' ? ` after ${c.warmup} warm-up` : '',
      ` · seed ${c.seed} · ${c.discipline === 'fifo' ? 'first come, first served' : 'earliest deadline first'} · from ${new Date(r.start).toISOString().slice(0, 10)} (${r.zone}) · ${(ms / 1000).toFixed(1)} s`,
    );
  }

  function showResult(r: SimResult, ms: number): void {
    const doc = store.doc;
    // Every figure across replications comes from the core (r.overview); only the
    // per-replication arrivals are listed from the replications themselves.
    const o = r.overview;
    const arrived = r.replications.map((x) => x.arrived);
    const rules = o.slas.map((s) => s.rule);
    const ruleName = (id: string) => (doc.slas ?? []).find((s) => s.id === id)?.name ?? id;

    // Cases.
    const cases = h(
      'table',
      { class: 'data figures' },
      h(
        'tbody',
        null,
        h('tr', null, h('th', { scope: 'row' }, 'Arrived per replication'), h('td', { 'data-testid': 'arrived' }, arrived.join(', '))),
        h('tr', null, h('th', { scope: 'row' }, 'Finished'), h('td', null, formatEstimate(o.cases.finished, 'count'))),
        h('tr', null, h('th', { scope: 'row' }, 'Open at the horizon (mean)'), h('td', null, num(o.cases.open.mean))),
        h('tr', null, h('th', { scope: 'row' }, 'Stuck (mean)'), h('td', null, num(o.cases.stuck.mean))),
        h('tr', null, h('th', { scope: 'row' }, 'Cycle time (mean)'), h('td', null, formatEstimate(r.summary.cycle_time, 'seconds'))),
      ),
    );
    const outcomeList = h(
      'ul',
      { class: 'plain outcomes' },
      ...[...o.outcomes].sort((a, b) => b[1].total - a[1].total).map(([name, n]) => h('li', null, h('span', null, name), h('span', { class: 'num' }, num(n.mean)))),
    );

    const slaTable = h(
      'table',
      { class: 'data' },
      h('thead', null, h('tr', null, th('Rule'), th('Attainment ± 95 %'), th('Met'), th('Breached'), th('Pending'), th('p50'), th('p90'), th('p95'), th('p99'), th('Max'))),
      h(
        'tbody',
        null,
        ...o.slas.map((s) => {
          const q = (k: 'p50' | 'p90' | 'p95' | 'p99' | 'max') => formatSeconds(s.time_to_stop?.[k]);
          return h(
            'tr',
            { 'data-rule': s.rule },
            h('th', { scope: 'row', title: ruleName(s.rule) }, s.rule),
            h('td', { 'data-testid': `attainment-${s.rule}`, 'data-mean': String(s.attainment.mean) }, formatEstimate(s.attainment, 'share')),
            h('td', { class: 'num' }, num(s.met.total)),
            h('td', { class: 'num' }, num(s.breached.total)),
            h('td', { class: 'num' }, num(s.pending.total)),
            h('td', { class: 'num' }, q('p50')),
            h('td', { class: 'num' }, q('p90')),
            h('td', { class: 'num' }, q('p95')),
            h('td', { class: 'num' }, q('p99')),
            h('td', { class: 'num' }, q('max')),
          );
        }),
      ),
    );
    const roleTable = h(
      'table',
      { class: 'data' },
      h('thead', null, h('tr', null, th('Role'), th('Staff'), th('Utilisation ± 95 %'), th('Mean wait ± 95 %'), th('Queue (mean)'), th('Queue (max)'), th('Tasks'), th('Told'))),
      h(
        'tbody',
        null,
        ...o.roles.map((x) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, roleLabel(doc, x.role)),
            h('td', { class: 'num' }, String(x.staff)),
            h('td', null, formatEstimate(x.utilisation, 'share')),
            h('td', null, formatEstimate(x.wait, 'seconds')),
            h('td', { class: 'num' }, num(x.queue_mean)),
            h('td', { class: 'num' }, num(x.queue_max, 0)),
            h('td', { class: 'num' }, num(x.tasks.total)),
            h('td', { class: 'num' }, num(x.notified.total)),
          ),
        ),
      ),
    );

    // Charts.
    const attChart = barChart(
      'SLA attainment per rule (mean and 95 % interval)',
      rules,
      [{ label: 'Attainment', values: o.slas.map((s) => s.attainment.mean), halfWidths: o.slas.map((s) => s.attainment.half_width), color: PALETTE[0]! }],
      'share',
      'Share of clocks stopped within the target, per SLA rule.',
    );
    const qs = ['p50', 'p90', 'p95', 'p99', 'max'] as const;
    const qChart = quantileChart(
      'Time to stop per rule (pooled over replications)',
      [...qs],
      o.slas.map((s, i) => ({
        label: s.rule,
        color: PALETTE[i % PALETTE.length]!,
        values: qs.map((k) => s.time_to_stop?.[k] ?? null),
      })),
      'Clock time from start to stop, quantiles, log scale.',
    );
    const startSec = Date.parse(r.start) / 1000;
    // Roles whose queue builds up (a mean of at least half a task in some bucket), busiest first.
    const peak = (x: (typeof o.roles)[number]) => Math.max(0, ...x.queue_series.map((b) => b[1]));
    const queued = o.roles.filter((x) => peak(x) >= 0.5).sort((a, b) => peak(b) - peak(a)).slice(0, 8);
    const times = (queued[0]?.queue_series ?? o.roles[0]?.queue_series ?? []).map(([t]) => startSec + t * 3600);
    const qSeries = queued.map((x, i) => ({
      label: roleLabel(doc, x.role),
      color: PALETTE[i % PALETTE.length]!,
      values: times.map((_, b) => x.queue_series[b]?.[1] ?? null),
    }));
    const queueChart = timeChart('Queue length over time (mean of replications)', times, qSeries, r.zone, 'Mean number of tasks waiting per role per bucket.');
    const utilChart = barChart(
      'Utilisation per role (mean and 95 % interval)',
      o.roles.map((x) => roleLabel(doc, x.role)),
      [{ label: 'Utilisation', values: o.roles.map((x) => x.utilisation.mean), halfWidths: o.roles.map((x) => x.utilisation.half_width), color: PALETTE[2]! }],
      'share',
      'Busy staff time over available staff time, per role.',
    );
    charts = [attChart, qChart, queueChart, utilChart];

    replace(
      results,
      h('h2', null, 'Results'),
      headline(r, ms),
      h(
        'div',
        { class: 'charts' },
        attChart.el,
        qChart.el,
        queued.length ? queueChart.el : h('figure', { class: 'chart empty' }, h('figcaption', null, 'Queue length over time'), h('p', { class: 'muted' }, 'No queue built up.')),
        utilChart.el,
      ),
      h(
        'div',
        { class: 'result-tables' },
        h('section', { class: 'card' }, h('h3', null, 'Cases'), cases, h('h4', null, 'Outcomes (per replication)'), outcomeList),
        h('section', { class: 'card' }, h('h3', null, 'SLA rules'), rules.length ? h('div', { class: 'table-scroll' }, slaTable) : h('p', { class: 'muted' }, 'No SLA rules.')),
        h('section', { class: 'card wide' }, h('h3', null, 'Roles'), h('div', { class: 'table-scroll' }, roleTable)),
      ),
    );
  }

  function showComparison(c: Comparison, ms: number): void {
    const doc = store.doc;
    const rows: Array<{ group: string; label: string; a: Estimate | undefined; b: Estimate | undefined; d: Estimate | undefined; unit: Unit }> = [];
    const add = (group: string, key: keyof Comparison['difference'], unit: Unit, label: (k: string) => string) => {
      const A = c.a.summary[key];
      const B = c.b.summary[key];
      const D = c.difference[key];
      if (Array.isArray(A) && Array.isArray(B) && Array.isArray(D)) {
        const am = estimateMap(A);
        const bm = estimateMap(B);
        const dm = estimateMap(D);
        for (const [k] of A) rows.push({ group, label: label(k), a: am.get(k), b: bm.get(k), d: dm.get(k), unit });
      } else {
        rows.push({ group, label: group, a: A as Estimate, b: B as Estimate, d: D as Estimate, unit });
      }
    };
    add('SLA attainment', 'attainment', 'share', (k) => k);
    add('Utilisation', 'utilisation', 'share', (k) => roleLabel(doc, k));
    add('Mean wait', 'wait', 'seconds', (k) => roleLabel(doc, k));
    add('Cycle time', 'cycle_time', 'seconds', () => 'Cycle time (mean)');
    add('Finished', 'finished', 'count', () => 'Cases finished');
    const body = h('tbody');
    let lastGroup = '';
    for (const r of rows) {
      if (r.group !== lastGroup && (r.group === 'SLA attainment' || r.group === 'Utilisation' || r.group === 'Mean wait')) {
        body.appendChild(h('tr', { class: 'group' }, h('th', { colspan: 5, scope: 'colgroup' }, r.group)));
      }
      lastGroup = r.group;
      const sig = r.d ? significant(r.d.mean, r.d.half_width) : false;
      body.appendChild(
        h(
          'tr',
          { class: sig ? 'significant' : '' },
          h('th', { scope: 'row' }, r.label),
          h('td', null, r.a ? formatEstimate(r.a, r.unit) : '—'),
          h('td', null, r.b ? formatEstimate(r.b, r.unit) : '—'),
          h('td', null, r.d ? formatEstimate(r.d, r.unit, true) : '—'),
          h('td', { class: 'sig' }, sig ? h('span', { class: 'badge bad-or-good', title: 'The 95 % interval of the difference excludes zero' }, '★ significant') : ''),
        ),
      );
    }
    const table = h(
      'table',
      { class: 'data compare-table', 'data-testid': 'compare-table' },
      h('thead', null, h('tr', null, th('Figure'), th(`A: ${c.a_name}`), th(`B: ${c.b_name}`), th('B − A ± 95 %'), th(''))),
      body,
    );
    const rules = c.a.summary.attainment.map(([k]) => k);
    const attA = estimateMap(c.a.summary.attainment);
    const attB = estimateMap(c.b.summary.attainment);
    const roles = c.a.summary.utilisation.map(([k]) => k);
    const uA = estimateMap(c.a.summary.utilisation);
    const uB = estimateMap(c.b.summary.utilisation);
    const series = (name: string, m: Map<string, Estimate>, keys: string[], color: string): BarSeries => ({
      label: name,
      values: keys.map((k) => m.get(k)?.mean ?? null),
      halfWidths: keys.map((k) => m.get(k)?.half_width ?? null),
      color,
    });
    const attChart = barChart('SLA attainment: A and B', rules, [series(`A: ${c.a_name}`, attA, rules, PALETTE[0]!), series(`B: ${c.b_name}`, attB, rules, PALETTE[1]!)], 'share', 'Attainment per rule for both scenarios.');
    const utilChart = barChart(
      'Utilisation: A and B',
      roles.map((k) => roleLabel(doc, k)),
      [series(`A: ${c.a_name}`, uA, roles, PALETTE[0]!), series(`B: ${c.b_name}`, uB, roles, PALETTE[1]!)],
      'share',
      'Utilisation per role for both scenarios.',
    );
    charts = [attChart, utilChart];
    replace(
      results,
      h('h2', null, 'Comparison'),
      headline(c.a, ms),
      h('p', { class: 'muted' }, 'Both scenarios run on the same random numbers; differences are paired by replication. ★ marks a difference whose 95 % interval excludes zero.'),
      h('div', { class: 'table-scroll card' }, table),
      h('div', { class: 'charts' }, attChart.el, utilChart.el),
    );
  }

  store.subscribe((ev) => {
    if (ev.type !== 'doc') return;
    if (ev.origin === 'load') {
      clearCharts();
      replace(results);
      window.__flowdrillLastResult = undefined;
    }
    if (visible && !running) buildForm();
  });

  return {
    el,
    show() {
      visible = true;
      if (builtRevision !== store.revision && !running) buildForm();
      runner ??= new SimRunner();
    },
    hide() {
      visible = false;
    },
  };
}
