/**
 * The Drill view: a fire drill on a live clock. A scenario (an example drill, or a scenario
 * file) is loaded into a DrillSession of the drill module, which is fetched only when this
 * view first opens. The view has
 *
 * - the facilitator's panel: the clock (drill time, elapsed, speed), Start, Pause/Resume,
 *   Next inject, End drill, the master list of injects with Publish and Skip, the
 *   contingencies and system injects, a live scoreboard and the recent timeline;
 * - the participant's panel: who plays in which role, and the inbox of posts (newest
 *   first) with their SLA countdowns, where each waits, and the actions that move them;
 * - once the drill has ended, the after-action report with its downloads.
 *
 * Every action goes through `act()`: it is stamped with the wall clock, applied to the
 * session, saved (localStorage) and told to the other tabs (BroadcastChannel). A reload
 * replays the saved log, so the same drill goes on, its clock included. Other tabs merge
 * what they hear into their log and replay it, so all converge.
 *
 * The view renders into its own element and queries nothing outside it. Parts that hold
 * controls are rebuilt only when what they show changed, and keep the focus when they are;
 * the text people type (a reply, tags) lives in controls that are never rebuilt.
 */
import { EXAMPLES_BASE } from '../config';
import { displayZone } from '../doc';
import { button, h, replace, uid } from '../dom';
import { type DrillSession, type DrillSessionClass, type DrillTransport, broadcastTransport, clearSaved, loadDrill, loadPlayer, loadSaved, saveDrill, savePlayer } from '../drillClient';
import {
  FACILITATOR,
  type DrillMessage,
  type DrillSource,
  type Player,
  RATING_TEXT,
  SPEEDS,
  type SavedDrill,
  countdown,
  errorText,
  injectStatusText,
  mergeLogs,
  newRunId,
  nextAt,
  offsetText,
  ratingText,
  replayInto,
  sameLog,
  scenarioOrigin,
  scenarioWorkflowFile,
  slug,
} from '../drillModel';
import { validZone } from '../time';
import type { AfterActionReport, CaseView, Doc, DrillAction, DrillView, Rating, StepView } from '../types';
import type { View, ViewContext } from './view';

/** An entry of the example library. */
interface LibraryEntry {
  id: string;
  name: string;
  file: string;
  kind?: string;
  /** For a drill: the workflow's file, in the same folder. */
  workflow?: string;
  /** A scenario the page gave (the widget's `scenario`): its text, drilled on the open workflow. */
  given?: string;
}

/** How often the clock moves on screen while it runs, in ms. */
const TICK_MS = 500;

/** An action before it is stamped: what, on what, by whom. */
type ActionInput = Omit<DrillAction, 'at' | 'by'>;

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  return res.text();
}

function ratingChip(r: Rating | null | undefined, big = false): HTMLElement {
  return h(
    'span',
    { class: `rating-chip rating-${r ?? 'none'}${big ? ' big' : ''}`, title: r ? `${r}: ${RATING_TEXT[r]}` : 'not rated yet' },
    r ?? '–',
  );
}

function th(text: string, num = false): HTMLTableCellElement {
  return h('th', { scope: 'col', class: num ? 'num' : null }, text);
}

/**
 * Rebuilds `el` with `build()` when `sig` changed, keeping the focus on the same control
 * (by its `data-key`), or moving it to `fallback` when that control is gone.
 */
function rebuild(root: Document | ShadowRoot, el: HTMLElement, sig: string, build: () => Array<Node | string | null>, fallback?: () => HTMLElement | null | undefined): void {
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  const active = root.activeElement as HTMLElement | null;
  const had = active !== null && el.contains(active);
  const key = had ? active.dataset.key : undefined;
  replace(el, ...build());
  if (!had) return;
  const again = key ? el.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`) : null;
  const target = again ?? fallback?.();
  if (target && target.isConnected && !(target as HTMLButtonElement).disabled) target.focus();
}

export function createDrillView(ctx: ViewContext): View {
  const root = ctx.root;
  let visible = false;
  let started = false;
  let library: LibraryEntry[] = [];
  let drill: SavedDrill | null = null;
  let session: DrillSession | null = null;
  let view: DrillView | null = null;
  let origin = NaN;
  let zone = 'UTC';
  let timer: ReturnType<typeof setInterval> | undefined;
  let player: Player = loadPlayer();
  let transport: DrillTransport | null = null;
  let reportShownFor = '';
  /** The run and length of a drill that had already ended when it was restored. */
  let endedWhenRestored = '';
  /** The drill module's session class (loaded when the view first opens). */
  let Session: DrillSessionClass | null = null;

  /** A new session (throws the core's error when the scenario does not fit the workflow). */
  function newSession(workflow: string, scenario: string): DrillSession {
    if (!Session) throw new Error('the drill engine is not loaded yet');
    return new Session(workflow, scenario);
  }

  // ---- the scenario bar ------------------------------------------------------------------

  const scenarioSelect = h('select', { id: uid('drill-scenario'), 'data-field': 'drill-scenario' });
  const loadBtn = button('Load drill', () => confirmThen(loadChosen, 'Load this scenario? The drill in progress is put away (download its log first if you want to keep it).'), {
    class: 'primary',
    'data-action': 'drill-load',
  });
  const fileInput = h('input', { type: 'file', accept: '.json,application/json', class: 'visually-hidden', tabindex: -1, 'aria-hidden': 'true' });
  fileInput.addEventListener('change', () => {
    const f = fileInput.files?.[0];
    fileInput.value = '';
    if (f) confirmThen(() => void openScenarioFile(f), `Open ${f.name}? The drill in progress is put away.`);
  });
  const openBtn = button('Open scenario file…', () => fileInput.click(), { 'data-action': 'drill-open-file', title: 'Open a drill scenario JSON file' });
  const resetBtn = button('New drill', () => confirmThen(resetDrill, 'Put this drill away and start afresh? Its log is gone unless you downloaded it.', true), {
    class: 'danger',
    'data-action': 'drill-reset',
  });
  const confirmText = h('span', { class: 'confirm-text' });
  const confirmYes = button('Yes', () => undefined, { class: 'danger', 'data-action': 'confirm-yes' });
  const confirmNo = button('Cancel', () => hideConfirm(), { 'data-action': 'confirm-no' });
  const confirmBox = h('div', { class: 'drill-confirm', role: 'group', 'aria-label': 'Confirm', hidden: true }, confirmText, confirmYes, confirmNo);
  let confirmAction: (() => void) | null = null;
  confirmYes.addEventListener('click', () => {
    const f = confirmAction;
    hideConfirm();
    f?.();
  });
  const barMessage = h('p', { class: 'drill-bar-message', role: 'alert', 'data-testid': 'drill-message' });
  const titleEl = h('div', { class: 'drill-title' });
  const bar = h(
    'div',
    { class: 'drill-bar card' },
    h('div', { class: 'drill-bar-row' }, h('label', { for: scenarioSelect.id, class: 'inline-label' }, 'Scenario'), scenarioSelect, loadBtn, openBtn, resetBtn, fileInput),
    confirmBox,
    barMessage,
    titleEl,
  );

  function confirmThen(f: () => void, message: string, always = false): void {
    const inProgress = drill !== null && (always || (drill.log.length > 0 && !view?.ended));
    if (!inProgress) {
      f();
      return;
    }
    confirmAction = f;
    confirmText.textContent = message;
    confirmBox.hidden = false;
    confirmYes.focus();
  }
  function hideConfirm(): void {
    confirmAction = null;
    confirmBox.hidden = true;
  }
  function say(message: string, tone: 'info' | 'error' = 'info'): void {
    barMessage.textContent = message;
    barMessage.className = `drill-bar-message ${tone}`;
  }

  // ---- the facilitator's panel -----------------------------------------------------------

  const clockLocal = h('span', { class: 'clock-local' }, '—');
  const clockElapsed = h('span', { class: 'clock-elapsed' });
  const clockState = h('span', { class: 'clock-state' });
  const clockEl = h('div', { class: 'drill-clock', 'data-testid': 'drill-clock', role: 'timer', 'aria-live': 'off' }, clockLocal, h('div', { class: 'clock-sub' }, clockElapsed, clockState));
  const speedSelect = h('select', { id: uid('drill-speed'), 'data-field': 'drill-speed' });
  for (const s of SPEEDS) speedSelect.appendChild(h('option', { value: String(s) }, `×${s}`));
  speedSelect.value = '60';
  speedSelect.addEventListener('change', () => {
    if (view?.clock.started && !view.ended) facilitate({ do: 'speed', speed: Number(speedSelect.value) });
  });
  const startBtn = button('Start', () => facilitate({ do: 'start', speed: Number(speedSelect.value) }), { class: 'primary', 'data-action': 'drill-start' });
  const pauseBtn = button('Pause', () => facilitate({ do: view?.clock.running ? 'pause' : 'resume' }), { 'data-action': 'drill-pause' });
  const jumpBtn = button('Next inject', () => facilitate({ do: 'jump' }), { 'data-action': 'drill-jump', title: 'Move drill time to the next inject (or the next post that a wait releases)' });
  const endBtn = button('End drill', () => showEndConfirm(true), { class: 'danger', 'data-action': 'drill-end' });
  const endYes = button('End now', () => {
    showEndConfirm(false);
    facilitate({ do: 'end' });
  }, { class: 'danger', 'data-action': 'drill-end-confirm' });
  const endNo = button('Keep going', () => showEndConfirm(false), { 'data-action': 'drill-end-cancel' });
  const endConfirm = h('div', { class: 'end-confirm', role: 'group', 'aria-label': 'End the drill?', hidden: true }, h('span', null, 'End the drill and score it?'), endYes, endNo);
  function showEndConfirm(on: boolean, focus = true): void {
    endConfirm.hidden = !on;
    if (!focus) return;
    if (on) endYes.focus();
    else if (endBtn.isConnected && !endBtn.hidden) endBtn.focus();
  }
  const facError = h('p', { class: 'drill-error', role: 'alert', 'data-testid': 'facilitator-error' });
  const scoreEl = h('div', { class: 'scoreboard', 'data-testid': 'scoreboard' });
  const injectsEl = h('ul', { class: 'plain inject-list', 'data-testid': 'injects' });
  const contingencyEl = h('ul', { class: 'plain inject-list small', 'data-testid': 'contingencies' });
  const systemEl = h('ul', { class: 'plain inject-list small', 'data-testid': 'system-injects' });
  const recentEl = h('ol', { class: 'plain recent', 'data-testid': 'recent' });
  const facilitator = h(
    'aside',
    { class: 'facilitator card', 'aria-label': 'Facilitator' },
    h('h2', null, 'Facilitator'),
    clockEl,
    h(
      'div',
      { class: 'clock-controls' },
      h('label', { for: speedSelect.id, class: 'inline-label' }, 'Speed'),
      speedSelect,
      startBtn,
      pauseBtn,
      jumpBtn,
      endBtn,
    ),
    endConfirm,
    facError,
    h('h3', null, 'Scoreboard'),
    scoreEl,
    h('h3', null, 'Injects'),
    injectsEl,
    h('h3', null, 'Contingencies'),
    contingencyEl,
    h('h3', null, 'System injects'),
    systemEl,
    h('details', { class: 'recent-box' }, h('summary', null, 'Timeline (latest first)'), recentEl),
  );

  // ---- the participant's panel -----------------------------------------------------------

  const nameInput = h('input', { type: 'text', id: uid('drill-name'), 'data-field': 'drill-name', placeholder: 'Your name', autocomplete: 'nickname', spellcheck: false, value: player.name });
  const roleSelect = h('select', { id: uid('drill-role'), 'data-field': 'drill-role' });
  nameInput.addEventListener('input', () => {
    player = { ...player, name: nameInput.value.trim() };
    savePlayer(player);
    nameInput.removeAttribute('aria-invalid');
  });
  roleSelect.addEventListener('change', () => {
    player = { ...player, role: roleSelect.value };
    savePlayer(player);
  });
  const inboxInfo = h('div', { class: 'inbox-info', 'aria-live': 'polite' });
  const inbox = h('div', { class: 'inbox', 'data-testid': 'inbox' });
  const emptyInbox = h('p', { class: 'muted inbox-empty' }, 'No posts yet. They arrive as the drill clock reaches them; the facilitator starts the clock.');
  const participant = h(
    'section',
    { class: 'participant', 'aria-label': 'Participant' },
    h(
      'div',
      { class: 'player-bar card' },
      h('span', { class: 'player-title' }, 'Playing as'),
      h('label', { for: nameInput.id, class: 'inline-label' }, 'Name'),
      nameInput,
      h('label', { for: roleSelect.id, class: 'inline-label' }, 'Role'),
      roleSelect,
      inboxInfo,
    ),
    h('h2', { class: 'inbox-title' }, 'Inbox'),
    emptyInbox,
    inbox,
  );

  const grid = h('div', { class: 'drill-grid' }, facilitator, participant);
  const reportEl = h('section', { class: 'drill-report', 'data-testid': 'drill-report', 'aria-label': 'After-action report' });
  const intro = h(
    'div',
    { class: 'drill-intro card' },
    h('h2', null, 'Fire drill'),
    h(
      'p',
      null,
      'A scripted crisis on a live clock: posts arrive as drill time passes, people act on them in their roles, the workflow’s SLA clocks run, and the drill is scored against the workflow into an after-action report.',
    ),
    h('p', { class: 'muted' }, 'Choose a scenario and load it. One person facilitates (starts the clock, publishes injects); everyone plays a role in the inbox. Tabs of this browser stay in step.'),
  );
  const loadingEl = h('p', { class: 'loading' }, 'Loading the drill engine…');
  const body = h('div', { class: 'drill-body' }, loadingEl);
  const el = h('div', { class: 'drill', 'data-testid': 'drill' }, bar, body);

  // ---- the drill's life ------------------------------------------------------------------

  function setSession(d: SavedDrill, s: DrillSession): void {
    session?.free();
    session = s;
    drill = d;
    view = null;
    reportShownFor = '';
    origin = scenarioOrigin(d.scenario);
    try {
      const z = displayZone(JSON.parse(d.workflow) as Doc);
      zone = validZone(z) ? z : 'UTC';
    } catch {
      zone = 'UTC';
    }
    inbox.replaceChildren();
    cards.clear();
    for (const x of [scoreEl, injectsEl, contingencyEl, systemEl, recentEl, reportEl]) delete x.dataset.sig;
    facError.textContent = '';
    showEndConfirm(false, false);
    const source = scenarioSelect.querySelector<HTMLOptionElement>(`option[value="${CSS.escape(d.source.id)}"]`);
    if (d.source.kind === 'example' && source) scenarioSelect.value = d.source.id;
  }

  /** Builds a session from a saved drill, replaying its log. */
  function restore(d: SavedDrill, quiet = false): boolean {
    let s: DrillSession;
    try {
      s = newSession(d.workflow, d.scenario);
    } catch (e) {
      say(`The saved drill could not be restored: ${errorText(e)}`, 'error');
      return false;
    }
    const { applied, rejected } = replayInto(s, d.log);
    setSession({ ...d, log: applied }, s);
    try {
      if (s.view().ended) endedWhenRestored = `${d.run}:${applied.length}`;
    } catch {
      // The view is drawn (and its error shown) by the next render.
    }
    if (rejected.length) {
      console.warn('drill: actions left out on replay', rejected);
      if (!quiet) say(`${rejected.length} action${rejected.length === 1 ? '' : 's'} of the saved log could not be replayed and ${rejected.length === 1 ? 'was' : 'were'} left out: ${rejected[0]!.message}`, 'error');
      saveDrill(drill!);
    }
    return true;
  }

  /** Replaces the log with `log` (merged from elsewhere) and replays it. */
  function adoptLog(log: DrillAction[]): void {
    if (!drill || !session) return;
    let s: DrillSession;
    try {
      s = newSession(drill.workflow, drill.scenario);
    } catch (e) {
      say(`The drill could not be brought up to date: ${errorText(e)}`, 'error');
      return;
    }
    const { applied, rejected } = replayInto(s, log);
    if (rejected.length) {
      console.warn('drill: merged actions that could not be taken', rejected);
      const r = rejected[0]!;
      say(`Two tabs acted at once; ${r.action.by}’s ${r.action.do}${r.action.case ? ` on ${r.action.case}` : ''} came second and was dropped: ${r.message}`, 'error');
    }
    session.free();
    session = s;
    drill = { ...drill, log: applied };
    saveDrill(drill);
    refresh();
  }

  function startDrill(source: DrillSource, workflow: string, scenario: string): void {
    let s: DrillSession;
    try {
      s = newSession(workflow, scenario);
    } catch (e) {
      say(`This scenario cannot be drilled: ${errorText(e)}`, 'error');
      return;
    }
    const d: SavedDrill = { v: 1, run: newRunId(), created: new Date().toISOString(), source, workflow, scenario, log: [] };
    setSession(d, s);
    saveDrill(d);
    transport?.send({ v: 1, type: 'drill', drill: d });
    say(`Loaded “${source.name}”. Start the clock when everyone is ready.`);
    refresh();
  }

  async function loadChosen(): Promise<void> {
    const entry = library.find((x) => x.id === scenarioSelect.value);
    if (!entry) {
      say('Choose a scenario first.', 'error');
      return;
    }
    if (entry.given !== undefined) {
      startDrill({ kind: 'file', id: entry.file, name: entry.name }, ctx.store.text, entry.given);
      return;
    }
    if (!entry.workflow) {
      say(`The example library does not say which workflow “${entry.name}” drills.`, 'error');
      return;
    }
    try {
      const [scenario, workflow] = await Promise.all([fetchText(`${EXAMPLES_BASE}${entry.file}`), fetchText(`${EXAMPLES_BASE}${entry.workflow}`)]);
      startDrill({ kind: 'example', id: entry.id, name: entry.name }, workflow, scenario);
    } catch (e) {
      say(`Could not load the scenario: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  }

  async function openScenarioFile(f: File): Promise<void> {
    let scenario: string;
    try {
      scenario = await f.text();
      JSON.parse(scenario);
    } catch (e) {
      say(`${f.name} is not a JSON file: ${e instanceof Error ? e.message : String(e)}`, 'error');
      return;
    }
    // The workflow it names, from the example library; else the one open in the designer.
    const file = scenarioWorkflowFile(scenario);
    let workflow: string | null = null;
    let from = '';
    if (file && library.some((x) => x.file === file && x.kind !== 'drill')) {
      try {
        workflow = await fetchText(`${EXAMPLES_BASE}${file}`);
        from = `the example ${file}`;
      } catch {
        workflow = null;
      }
    }
    if (workflow === null) {
      workflow = ctx.store.text;
      from = 'the workflow open in the designer';
    }
    startDrill({ kind: 'file', id: f.name, name: f.name }, workflow, scenario);
    if (drill?.source.id === f.name) say(`Opened ${f.name} on ${from}. Start the clock when everyone is ready.`);
  }

  function resetDrill(): void {
    const run = drill?.run;
    putAway();
    clearSaved();
    if (run) transport?.send({ v: 1, type: 'reset', run });
    say('The drill was put away. Choose a scenario to start a new one.');
  }

  function putAway(): void {
    session?.free();
    session = null;
    drill = null;
    view = null;
    stopTimer();
    cards.clear();
    inbox.replaceChildren();
    replace(body, intro);
    titleEl.replaceChildren();
    delete titleEl.dataset.sig;
    el.dataset.actions = '0';
    delete el.dataset.run;
  }

  // ---- acting ----------------------------------------------------------------------------

  /**
   * Takes one action: stamps it, applies it, saves, tells the other tabs and shows the new
   * state. When the core refuses it, says why in `errorEl` and changes nothing.
   */
  function act(input: ActionInput, by: string, errorEl: HTMLElement): boolean {
    if (!session || !drill) return false;
    const action = { at: nextAt(drill.log[drill.log.length - 1]?.at), by, ...input } as DrillAction;
    for (const k of Object.keys(action) as Array<keyof DrillAction>) if (action[k] === undefined) delete action[k];
    try {
      session.apply(action);
    } catch (e) {
      errorEl.textContent = `Not done: ${errorText(e, localTime).replace(/\.$/, '')}.`;
      return false;
    }
    errorEl.textContent = '';
    if (!barMessage.classList.contains('error')) say('');
    drill = { ...drill, log: [...drill.log, action] };
    if (!saveDrill(drill)) say('The drill could not be saved in this browser (storage full or off): a reload would lose it.', 'error');
    transport?.send({ v: 1, type: 'action', run: drill.run, action });
    refresh();
    return true;
  }

  function facilitate(input: ActionInput): void {
    act(input, FACILITATOR, facError);
  }

  /** A participant's action on a post, as the person playing in this tab. */
  function play(input: ActionInput, errorEl: HTMLElement): boolean {
    if (!player.name) {
      errorEl.textContent = 'Type your name under “Playing as” first: the report scores each person.';
      nameInput.setAttribute('aria-invalid', 'true');
      nameInput.focus();
      return false;
    }
    return act(player.role ? { role: player.role, ...input } : input, player.name, errorEl);
  }

  // ---- other tabs ------------------------------------------------------------------------

  function hear(m: DrillMessage): void {
    switch (m.type) {
      case 'action':
      case 'log': {
        if (!drill || m.run !== drill.run) return;
        const theirs = m.type === 'action' ? [m.action] : m.log;
        const merged = mergeLogs(drill.log, theirs);
        if (!sameLog(merged, drill.log)) adoptLog(merged);
        // They lack some of ours: send the whole log back.
        if (m.type === 'log' && !sameLog(merged, m.log)) transport?.send({ v: 1, type: 'log', run: drill.run, log: drill.log });
        return;
      }
      case 'hello':
        if (drill && m.run === drill.run) transport?.send({ v: 1, type: 'log', run: drill.run, log: drill.log });
        return;
      case 'drill':
        if (drill?.run === m.drill.run) return;
        if (drill && m.drill.created < drill.created) return;
        if (restore(m.drill, true)) {
          say(`Another tab loaded the drill “${m.drill.source.name}”.`);
          refresh();
        }
        return;
      case 'reset':
        if (drill?.run !== m.run) return;
        putAway();
        say('The drill was put away in another tab.');
        return;
    }
  }

  // ---- rendering -------------------------------------------------------------------------

  const local = new Map<string, Intl.DateTimeFormat>();
  function localTime(iso: string): string {
    let f = local.get(zone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      local.set(zone, f);
    }
    return f.format(new Date(iso)).replace(',', '');
  }

  function refresh(): void {
    if (!session || !drill) return;
    session.tick(new Date().toISOString());
    view = session.view();
    render(view);
    schedule();
  }

  function schedule(): void {
    const run = visible && view !== null && view.clock.running && !view.ended;
    if (run && timer === undefined) timer = setInterval(refresh, TICK_MS);
    else if (!run) stopTimer();
  }
  function stopTimer(): void {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  }

  function render(v: DrillView): void {
    el.dataset.actions = String(drill?.log.length ?? 0);
    if (drill) el.dataset.run = drill.run;
    const from = drill?.source.kind === 'file' ? `file ${drill.source.name}` : 'example';
    rebuild(root, titleEl, JSON.stringify([drill?.run, v.title, v.workflow, from]), () => [
      h('strong', { class: 'drill-name' }, v.title),
      h('span', { class: 'muted' }, ` · workflow ${v.workflow} · ${from}`),
      v.description ? h('details', { class: 'drill-description' }, h('summary', null, 'About this scenario'), h('p', null, v.description)) : null,
    ]);
    if (v.ended) {
      if (body.firstChild !== reportEl) replace(body, reportEl);
      renderReport();
      return;
    }
    if (body.firstChild !== grid) replace(body, grid);
    renderClock(v);
    renderFacilitator(v);
    renderInbox(v);
  }

  function renderClock(v: DrillView): void {
    clockLocal.textContent = v.local;
    clockElapsed.textContent = `T+${v.elapsed} elapsed`;
    clockEl.dataset.now = v.now;
    clockEl.dataset.elapsed = v.elapsed;
    const c = v.clock;
    // The button pressed may disappear (Start): keep the keyboard in the clock controls.
    const active = root.activeElement;
    const lost = (active === startBtn && c.started) || (active === endBtn && v.ended !== null);
    clockState.textContent = !c.started ? 'not started' : c.running ? `running at ×${c.speed}` : `paused (×${c.speed})`;
    clockEl.className = `drill-clock ${!c.started ? 'idle' : c.running ? 'running' : 'paused'}`;
    startBtn.hidden = c.started;
    pauseBtn.hidden = !c.started;
    jumpBtn.hidden = !c.started;
    endBtn.hidden = !c.started;
    pauseBtn.textContent = c.running ? 'Pause' : 'Resume';
    pauseBtn.dataset.action = c.running ? 'drill-pause' : 'drill-resume';
    if (c.started && root.activeElement !== speedSelect) speedSelect.value = String(c.speed);
    if (lost) pauseBtn.focus();
  }

  function statusClass(s: { status: string }, due = false): string {
    return s.status === 'pending' ? (due ? 'due' : 'pending') : s.status;
  }

  function renderFacilitator(v: DrillView): void {
    const sc = v.score;
    rebuild(root, scoreEl, JSON.stringify(sc), () => [
      h('div', { class: 'score-overall', 'data-testid': 'overall' }, ratingChip(sc.overall, true), h('span', null, ratingText(sc.overall))),
      h(
        'div',
        { class: 'score-counts' },
        h('span', { class: 'count passed' }, `${sc.passed} passed`),
        h('span', { class: 'count late' }, `${sc.late} late`),
        h('span', { class: 'count failed' }, `${sc.failed} failed`),
        h('span', { class: 'count' }, `${sc.open} open · ${sc.closed} closed`),
      ),
      h('ul', { class: 'plain objectives' }, ...sc.objectives.map(([id, text, r]) => h('li', { 'data-objective': id }, ratingChip(r), h('span', null, text)))),
    ]);
    const injSig = JSON.stringify(v.injects.map((i) => [i.id, i.status, i.is_due]));
    rebuild(root, injectsEl, injSig, () =>
      v.injects.map((i) => {
        const st = statusClass(i.status, i.is_due);
        const pending = i.status.status === 'pending';
        return h(
          'li',
          { class: `inject ${st}`, 'data-inject': i.id },
          h(
            'div',
            { class: 'inject-head' },
            h('span', { class: 'inject-at' }, `T+${i.at || '0m'}`),
            h('span', { class: 'inject-author' }, i.author),
            h('span', { class: 'inject-channel' }, i.channel),
            h('span', { class: `status-badge ${st}`, 'data-testid': 'inject-status' }, injectStatusText(i.status, i.is_due, origin, localTime)),
          ),
          h('div', { class: 'inject-text', title: i.text }, i.text),
          i.objective || i.expect.length
            ? h('div', { class: 'inject-expect muted' }, [i.objective ? `Objective: ${i.objective}` : '', i.expect.length ? `Expects: ${i.expect.map((e) => `${e.action}${e.to ? ` ${e.to}` : ''} within ${e.within}`).join('; ')}` : ''].filter(Boolean).join(' · '))
            : null,
          pending
            ? h(
                'div',
                { class: 'inject-actions' },
                button('Publish', () => facilitate({ do: 'publish', inject: i.id }), { class: 'small', 'data-action': 'publish', 'data-inject': i.id, 'data-key': `publish:${i.id}`, 'aria-label': `Publish ${i.id} now` }),
                button('Skip', () => facilitate({ do: 'skip', inject: i.id }), { class: 'small', 'data-action': 'skip', 'data-inject': i.id, 'data-key': `skip:${i.id}`, 'aria-label': `Skip ${i.id}` }),
              )
            : null,
        );
      }),
      () => injectsEl.querySelector<HTMLElement>('[data-action=publish]') ?? jumpBtn,
    );
    rebuild(root, contingencyEl, JSON.stringify(v.contingencies), () =>
      v.contingencies.length
        ? v.contingencies.map((c) => {
            const st = c.status.status === 'published' ? 'fired' : c.status.status === 'skipped' ? 'not needed' : 'watching';
            return h(
              'li',
              { class: `inject ${statusClass(c.status)}`, 'data-contingency': c.id },
              h('div', { class: 'inject-head' }, h('span', { class: 'inject-author' }, c.id), h('span', { class: `status-badge ${statusClass(c.status)}` }, c.status.status === 'published' ? `fired at ${localTime(c.status.at)}` : st)),
              h('div', { class: 'inject-text muted' }, `Fires unless: ${c.watches}`),
            );
          })
        : [h('li', { class: 'muted' }, 'None.')],
    );
    rebuild(root, systemEl, JSON.stringify(v.system), () =>
      v.system.length
        ? v.system.map((s) =>
            h(
              'li',
              { class: `inject ${statusClass(s.status)}`, 'data-system': s.id },
              h(
                'div',
                { class: 'inject-head' },
                h('span', { class: 'inject-at' }, `T+${s.at}`),
                h('span', { class: 'inject-author' }, s.kind),
                h('span', { class: `status-badge ${statusClass(s.status)}` }, injectStatusText(s.status, false, origin, localTime)),
              ),
              h('div', { class: 'inject-text' }, s.text),
            ),
          )
        : [h('li', { class: 'muted' }, 'None.')],
    );
    rebuild(root, recentEl, JSON.stringify(v.recent.slice(0, 20)), () =>
      v.recent.slice(0, 20).map((e) =>
        h('li', { class: `event ${e.kind}` }, h('span', { class: 'event-at' }, localTime(e.at)), h('span', { class: 'event-kind' }, e.kind), h('span', { class: 'event-text' }, e.by && e.kind === 'action' ? `${e.by}: ${e.text}` : e.text)),
      ),
    );
  }

  // ---- the inbox -------------------------------------------------------------------------

  interface Card {
    el: HTMLElement;
    update(c: CaseView, v: DrillView): void;
  }
  const cards = new Map<string, Card>();

  function renderInbox(v: DrillView): void {
    // Roles for "Playing as".
    const rolesSig = v.roles.join('\n');
    if (roleSelect.dataset.sig !== rolesSig) {
      roleSelect.dataset.sig = rolesSig;
      replace(roleSelect, ...v.roles.map((r) => h('option', { value: r }, r)));
      if (!v.roles.includes(player.role)) player = { ...player, role: v.roles[0] ?? '' };
      roleSelect.value = player.role;
    }
    const open = v.cases.filter((c) => !c.ended).length;
    const notes = [`${open} open · ${v.cases.length - open} closed`];
    for (const o of v.outages) notes.push(`${o.channel} is down until ${localTime(o.until)}: public replies there are refused`);
    for (const [role, n] of v.staff_lost) notes.push(`${role} is ${n} short`);
    const infoText = notes.join(' · ');
    if (inboxInfo.textContent !== infoText) inboxInfo.textContent = infoText;
    emptyInbox.hidden = v.cases.length > 0;

    const want = new Set(v.cases.map((c) => c.id));
    for (const [id, card] of cards) {
      if (!want.has(id)) {
        card.el.remove();
        cards.delete(id);
      }
    }
    v.cases.forEach((c, i) => {
      let card = cards.get(c.id);
      if (!card) {
        card = makeCard(c);
        cards.set(c.id, card);
      }
      card.update(c, v);
      const at = inbox.children[i];
      if (at !== card.el) inbox.insertBefore(card.el, at ?? null);
    });
  }

  function stepText(s: StepView): string {
    const who = s.role ? ` · ${s.role}` : s.roles.length ? ` · tell ${s.roles.join(', ')}` : '';
    return `${s.label} (${s.kind}${who})`;
  }

  function makeCard(first: CaseView): Card {
    const id = first.id;
    const headId = uid('post');
    const err = h('p', { class: 'post-error', role: 'alert', 'data-testid': 'post-error' });
    const author = h('span', { class: 'post-author', id: headId }, first.author);
    const channel = h('span', { class: 'post-channel' }, first.channel);
    const age = h('span', { class: 'post-age' });
    const badges = h('span', { class: 'post-badges' });
    const text = h('p', { class: 'post-text' }, first.text);
    const slas = h('ul', { class: 'plain post-slas', 'aria-label': 'SLA clocks' });
    const where = h('div', { class: 'post-where' });
    const k = (name: string) => `${name}:${id}`;

    // "Done" buttons, one per task the post waits at (parallel tasks name their step).
    const doneBox = h('span', { class: 'done-box' });
    const takeBtn = button('Take', () => play({ do: 'take', case: id }, err), { 'data-action': 'take', 'data-key': k('take'), title: 'Take the post: you hold it now' });
    const primary = h(
      'div',
      { class: 'act-row' },
      takeBtn,
      doneBox,
      button('Flag', () => play({ do: 'flag', case: id }, err), { 'data-action': 'flag', 'data-key': k('flag') }),
      button('Let stand', () => play({ do: 'let-stand', case: id }, err), { 'data-action': 'let-stand', 'data-key': k('let-stand'), title: 'Decide not to respond, and close the post' }),
      button('Close', () => play({ do: 'close', case: id }, err), { 'data-action': 'close', 'data-key': k('close') }),
    );
    const routeRow = h('div', { class: 'act-row route-row' });

    const reply = h('textarea', { id: uid('reply'), rows: 2, 'data-field': 'reply', placeholder: 'Your reply' });
    const respond = (visibility: 'public' | 'private') => {
      const t = reply.value.trim();
      if (play({ do: 'respond', case: id, visibility, ...(t ? { text: t } : {}) }, err)) reply.value = '';
    };
    const replyBox = h(
      'div',
      { class: 'reply-box' },
      h('label', { for: reply.id, class: 'visually-hidden' }, `Reply to ${first.author}`),
      reply,
      h(
        'div',
        { class: 'reply-buttons' },
        button('Respond public', () => respond('public'), { 'data-action': 'respond-public', 'data-key': k('respond-public'), title: 'Reply in the channel, for everyone to see' }),
        button('Respond private', () => respond('private'), { 'data-action': 'respond-private', 'data-key': k('respond-private'), title: 'Reply off channel (direct message, email)' }),
      ),
    );

    // Classify.
    const attrSelect = h('select', { id: uid('attr'), 'data-field': 'classify-attribute' });
    const valueSelect = h('select', { id: uid('value'), 'data-field': 'classify-value' });
    let attrs: DrillView['attributes'] = [];
    const fillValues = () => {
      const a = attrs.find((x) => x.name === attrSelect.value);
      replace(valueSelect, ...(a?.values ?? []).map((x) => h('option', { value: x }, x)));
    };
    attrSelect.addEventListener('change', fillValues);
    const classify = h(
      'fieldset',
      { class: 'mini' },
      h('legend', null, 'Classify'),
      h('label', { for: attrSelect.id, class: 'visually-hidden' }, 'Attribute'),
      attrSelect,
      h('label', { for: valueSelect.id, class: 'visually-hidden' }, 'Value'),
      valueSelect,
      button('Classify', () => play({ do: 'classify', case: id, attributes: { [attrSelect.value]: valueSelect.value } }, err), { class: 'small', 'data-action': 'classify' }),
    );
    // Notify: every role, none ticked (the drill tests whether people remember whom to tell).
    const notifyBoxes = h('div', { class: 'role-boxes' });
    const notifyBtn = button(
      'Notify',
      () => {
        const roles = [...notifyBoxes.querySelectorAll<HTMLInputElement>('input:checked')].map((x) => x.value);
        if (!roles.length) {
          err.textContent = 'Tick the roles to notify first.';
          return;
        }
        if (play({ do: 'notify', case: id, roles }, err)) for (const x of notifyBoxes.querySelectorAll<HTMLInputElement>('input')) x.checked = false;
      },
      { class: 'small', 'data-action': 'notify' },
    );
    const notify = h('fieldset', { class: 'mini notify' }, h('legend', null, 'Notify'), notifyBoxes, notifyBtn);
    // Escalate.
    const escSelect = h('select', { id: uid('esc'), 'data-field': 'escalate-to' });
    const escalate = h(
      'fieldset',
      { class: 'mini' },
      h('legend', null, 'Escalate'),
      h('label', { for: escSelect.id, class: 'visually-hidden' }, 'Escalate to role'),
      escSelect,
      button('Escalate', () => play({ do: 'escalate', case: id, to: escSelect.value }, err), { class: 'small', 'data-action': 'escalate' }),
    );
    // Tag.
    const tagInput = h('input', { type: 'text', id: uid('tags'), 'data-field': 'tags', placeholder: 'tag, another', spellcheck: false });
    const tagIt = () => {
      const tags = tagInput.value
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      if (!tags.length) {
        err.textContent = 'Type one or more tags, separated by commas.';
        return;
      }
      if (play({ do: 'tag', case: id, tags }, err)) tagInput.value = '';
    };
    tagInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        tagIt();
      }
    });
    const tag = h(
      'fieldset',
      { class: 'mini tag' },
      h('legend', null, 'Tag'),
      h('label', { for: tagInput.id, class: 'visually-hidden' }, 'Tags'),
      tagInput,
      button('Tag', tagIt, { class: 'small', 'data-action': 'tag' }),
    );
    const more = h('details', { class: 'more-actions' }, h('summary', { 'data-action': 'more' }, 'Notify · Classify · Escalate · Tag'), h('div', { class: 'more-grid' }, notify, classify, escalate, tag));
    const actions = h('div', { class: 'post-actions' }, primary, routeRow, replyBox, more);

    const el = h(
      'article',
      { class: 'post', 'data-case': id, 'aria-labelledby': headId, tabindex: -1 },
      h('header', { class: 'post-head' }, author, channel, age, badges),
      text,
      slas,
      where,
      actions,
      err,
    );

    let sig = '';
    let rolesSig = '';
    return {
      el,
      update(c, v) {
        const closed = c.ended !== null;
        age.textContent = closed ? `closed after ${c.age}` : `${c.age} ago`;
        age.title = `published ${localTime(c.published)} (${offsetText(c.published, origin)})`;
        // SLA countdowns: text every time (drill time moves), never colour alone.
        replace(
          slas,
          ...c.clocks.map((clock) => {
            const cd = countdown(clock, v.now);
            return h(
              'li',
              { class: `sla level-${cd.level}`, 'data-rule': clock.rule, 'data-level': cd.level },
              h('span', { class: 'sla-icon', 'aria-hidden': 'true' }, cd.level === 'breached' ? '✕' : cd.level === 'warning' ? '!' : cd.level === 'done' ? '✓' : '◷'),
              h('span', { class: 'sla-left' }, cd.text),
              h('span', { class: 'sla-name', title: clock.name }, clock.rule),
              clock.deadline && cd.level !== 'done' ? h('span', { class: 'sla-deadline muted' }, `due ${localTime(clock.deadline)}`) : null,
            );
          }),
        );
        const s = JSON.stringify([c.read, c.holder, c.holder_role, c.tags, c.flagged, c.priority, c.steps, c.outcome, c.ended, c.source]);
        if (s !== sig) {
          sig = s;
          el.classList.toggle('closed', closed);
          el.classList.toggle('flagged', c.flagged);
          el.classList.toggle('priority', c.priority);
          replace(
            badges,
            c.source !== 'inject' ? h('span', { class: 'badge' }, c.source) : null,
            c.flagged ? h('span', { class: 'badge warn' }, '⚑ flagged') : null,
            c.priority ? h('span', { class: 'badge bad' }, '▲ priority') : null,
            closed ? h('span', { class: 'badge ok' }, `closed: ${c.outcome ?? 'closed'}`) : null,
          );
          replace(
            where,
            c.steps.length ? h('div', null, h('span', { class: 'where-label' }, 'Waits at '), c.steps.map(stepText).join('; ')) : null,
            c.holder || c.holder_role
              ? h('div', null, h('span', { class: 'where-label' }, 'With '), c.holder ? `${c.holder}${c.holder_role ? ` (${c.holder_role})` : ''}` : `${c.holder_role} (not taken yet)`)
              : null,
            c.read.length ? h('div', null, h('span', { class: 'where-label' }, 'Read as '), c.read.map(([a, x]) => `${a}=${x}`).join(', ')) : null,
            c.tags.length ? h('div', null, h('span', { class: 'where-label' }, 'Tags '), c.tags.join(', ')) : null,
          );
          // A post just closed hides its actions: keep the keyboard on the post.
          if (closed && !actions.hidden && actions.contains(root.activeElement)) {
            actions.hidden = true;
            el.focus();
          }
          actions.hidden = closed;
          const tasks = c.steps.filter((x) => x.kind === 'task');
          rebuild(root, doneBox, JSON.stringify(tasks.map((t) => [t.node, t.label, t.role])), () =>
            tasks.map((t) =>
              button(tasks.length > 1 ? `Done: ${t.role ?? t.label}` : 'Done', () => play({ do: 'done', case: id, ...(tasks.length > 1 ? { step: t.node } : {}) }, err), {
                'data-action': 'done',
                'data-step': t.node,
                'data-key': `done:${id}:${t.node}`,
                title: `Finish the task: ${t.label}`,
                'aria-label': `Done: ${t.label}`,
              }),
            ),
            () => takeBtn,
          );
          // One button per branch of the decision it waits at.
          const routed = c.steps.filter((x) => x.branches.length);
          rebuild(root, routeRow, JSON.stringify(routed), () =>
            routed.length
              ? [
                  h('span', { class: 'route-label' }, 'Route'),
                  ...routed.flatMap((st) =>
                    st.branches.map((b) =>
                      button(b.label, () => play({ do: 'route', case: id, to: b.to }, err), {
                        class: 'branch',
                        'data-action': 'route',
                        'data-to': b.to,
                        'data-key': `route:${id}:${b.to}`,
                        title: `Route to ${b.to}${st.decision ? ` (${st.decision})` : ''}`,
                      }),
                    ),
                  ),
                ]
              : [],
            () => (closed ? null : takeBtn),
          );
          routeRow.hidden = routed.length === 0;
        }
        // Roles and attributes (the same for every post; filled once per drill).
        const rs = JSON.stringify([v.roles, v.attributes]);
        if (rs !== rolesSig) {
          rolesSig = rs;
          attrs = v.attributes;
          replace(attrSelect, ...attrs.map((a) => h('option', { value: a.name }, a.name)));
          fillValues();
          replace(escSelect, ...v.roles.map((r) => h('option', { value: r }, r)));
          replace(
            notifyBoxes,
            ...v.roles.map((r) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: r, 'data-role': r }), h('span', null, r))),
          );
        }
      },
    };
  }

  // ---- the report ------------------------------------------------------------------------

  function download(name: string, text: string, type: string): void {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = h('a', { href: url, download: name });
    a.style.display = 'none';
    el.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function renderReport(): void {
    if (!session || !drill) return;
    if (reportShownFor === `${drill.run}:${drill.log.length}`) return;
    reportShownFor = `${drill.run}:${drill.log.length}`;
    const s = session;
    let r: AfterActionReport;
    try {
      r = s.report();
    } catch (e) {
      replace(reportEl, h('p', { class: 'error' }, `The report could not be made: ${errorText(e)}`));
      return;
    }
    ctx.onDrillEnded?.(r, { run: drill.run, restored: reportShownFor === endedWhenRestored });
    const base = slug(r.scenario || r.title);
    const dl = (label: string, testid: string, f: () => void) => button(label, f, { 'data-testid': testid, 'data-action': testid });
    const plan = r.plan;
    const sc = r.score;
    const people = Object.entries(sc.participants);
    replace(
      reportEl,
      h(
        'div',
        { class: 'card report-head' },
        h('h2', null, `After-action report: ${r.title}`),
        h('p', { class: 'muted' }, `Workflow ${r.workflow} · ${r.span}`),
        h('div', { class: 'report-overall', 'data-testid': 'report-overall' }, ratingChip(r.overall, true), h('span', null, `Overall: ${ratingText(r.overall)}`)),
        h(
          'div',
          { class: 'downloads', role: 'group', 'aria-label': 'Downloads' },
          dl('Report (Markdown)', 'download-markdown', () => download(`${base}-report.md`, s.markdown(), 'text/markdown')),
          dl('Report (HTML)', 'download-html', () => download(`${base}-report.html`, s.html(), 'text/html')),
          dl('Report (JSON)', 'download-json', () => download(`${base}-report.json`, `${JSON.stringify(s.report(), null, 2)}\n`, 'application/json')),
          dl('Event log (CSV)', 'download-csv', () => download(`${base}-events.csv`, s.csv(), 'text/csv')),
          dl('Action log (JSON)', 'download-log', () => download(`${base}-actions.json`, s.logJson(), 'application/json')),
        ),
      ),
      h(
        'div',
        { class: 'report-grid' },
        h(
          'section',
          { class: 'card wide' },
          h('h3', null, 'Objectives'),
          h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'data', 'data-testid': 'report-objectives' },
              h('thead', null, h('tr', null, th('Objective'), th('Rating'), th('Passed', true), th('Late', true), th('Failed', true))),
              h(
                'tbody',
                null,
                ...sc.objectives.map((o) =>
                  h(
                    'tr',
                    { 'data-objective': o.id },
                    h('th', { scope: 'row' }, h('span', { class: 'objective-id' }, o.id), ' ', o.text),
                    h('td', null, ratingChip(o.rating), ' ', o.rating ? RATING_TEXT[o.rating] : 'not rated (nothing tested it)'),
                    h('td', { class: 'num' }, String(o.passed)),
                    h('td', { class: 'num' }, String(o.late)),
                    h('td', { class: 'num' }, String(o.failed)),
                  ),
                ),
              ),
            ),
          ),
          h('p', { class: 'muted' }, 'P performed without challenges · S with some challenges · M with major challenges · U unable to be performed.'),
        ),
        h('section', { class: 'card' }, h('h3', null, 'Strengths'), r.strengths.length ? h('ul', { class: 'report-list' }, ...r.strengths.map((x) => h('li', null, x))) : h('p', { class: 'muted' }, 'None recorded.')),
        h(
          'section',
          { class: 'card' },
          h('h3', null, 'Areas for improvement'),
          r.improvements.length ? h('ul', { class: 'report-list' }, ...r.improvements.map((x) => h('li', null, x))) : h('p', { class: 'muted' }, 'None: every check passed.'),
        ),
        h(
          'section',
          { class: 'card wide' },
          h('h3', null, 'Improvement plan'),
          plan.length
            ? h(
                'div',
                { class: 'table-scroll' },
                h(
                  'table',
                  { class: 'data', 'data-testid': 'report-plan' },
                  h('thead', null, h('tr', null, th('Objective'), th('Issue'), th('Corrective action'), th('Owner'))),
                  h('tbody', null, ...plan.map((p) => h('tr', null, h('td', null, p.objective ?? '—'), h('td', null, p.issue), h('td', null, p.action), h('td', { class: 'owner' }, p.owner)))),
                ),
              )
            : h('p', { class: 'muted' }, 'Nothing to improve.'),
        ),
        people.length
          ? h(
              'section',
              { class: 'card wide' },
              h('h3', null, 'Participants'),
              h(
                'div',
                { class: 'table-scroll' },
                h(
                  'table',
                  { class: 'data' },
                  h('thead', null, h('tr', null, th('Who'), th('Actions', true), th('Passed', true), th('Late', true), th('Failed', true), th('Rating'))),
                  h(
                    'tbody',
                    null,
                    ...people.map(([who, t]) =>
                      h('tr', null, h('th', { scope: 'row' }, who), h('td', { class: 'num' }, String(t.actions)), h('td', { class: 'num' }, String(t.passed)), h('td', { class: 'num' }, String(t.late)), h('td', { class: 'num' }, String(t.failed)), h('td', null, ratingChip(t.rating))),
                    ),
                  ),
                ),
              ),
            )
          : null,
        h(
          'section',
          { class: 'card wide' },
          h(
            'details',
            null,
            h('summary', null, `Timeline (${r.timeline.length} events)`),
            h(
              'div',
              { class: 'table-scroll' },
              h(
                'table',
                { class: 'data' },
                h('thead', null, h('tr', null, th('Elapsed', true), th('Local'), th('Kind'), th('Post'), th('By'), th('What'))),
                h(
                  'tbody',
                  null,
                  ...r.timeline.map((t) => h('tr', null, h('td', { class: 'num' }, t.elapsed), h('td', null, t.local), h('td', null, t.kind), h('td', null, t.case ?? ''), h('td', null, t.by ?? ''), h('td', null, t.text))),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  // ---- start-up --------------------------------------------------------------------------

  /** The scenario the page gave, as the first entry of the list (under its name). */
  async function givenScenario(url: string): Promise<LibraryEntry | null> {
    let text: string;
    let doc: unknown;
    try {
      text = await fetchText(url);
      doc = JSON.parse(text);
    } catch (e) {
      say(`The scenario ${url} could not be read: ${e instanceof Error ? e.message : String(e)}`, 'error');
      return null;
    }
    const title = doc && typeof doc === 'object' ? (doc as { name?: unknown }).name : undefined;
    const file = url.split(/[?#]/)[0]?.split('/').pop() || url;
    return { id: `given:${url}`, name: typeof title === 'string' && title.trim() ? title : file, file: url, kind: 'drill', given: text };
  }

  async function init(): Promise<void> {
    try {
      const list = JSON.parse(await fetchText(`${EXAMPLES_BASE}index.json`)) as LibraryEntry[];
      library = Array.isArray(list) ? list : [];
    } catch (e) {
      console.warn('the example library is not available', e);
      library = [];
    }
    const given = ctx.drillScenario ? await givenScenario(ctx.drillScenario) : null;
    if (given) library.unshift(given);
    const drills = library.filter((x) => x.kind === 'drill');
    replace(scenarioSelect, ...(drills.length ? drills.map((x) => h('option', { value: x.id }, x.name)) : [h('option', { value: '' }, 'No example drills')]));
    Session = (await loadDrill()).DrillSession;
    transport = broadcastTransport();
    transport?.listen(hear);
    const saved = loadSaved();
    if (saved && restore(saved)) {
      say(`Restored the drill “${saved.source.name}” (${saved.log.length} action${saved.log.length === 1 ? '' : 's'}).`);
      transport?.send({ v: 1, type: 'hello', run: saved.run });
      refresh();
    } else {
      replace(body, intro);
    }
  }

  return {
    el,
    show() {
      visible = true;
      if (!started) {
        started = true;
        void init().catch((e: unknown) => {
          console.error(e);
          replace(body, h('p', { class: 'fatal' }, `The drill engine could not be loaded: ${e instanceof Error ? e.message : String(e)}`));
        });
        return;
      }
      refresh();
    },
    hide() {
      visible = false;
      stopTimer();
    },
  };
}
