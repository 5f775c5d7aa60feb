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
 * A served team drill (`flowdrill serve`, see `drillServer.ts`): "Host a team drill" (offered
 * when `/api/health` says the page comes from that server) creates a drill of the chosen
 * scenario on the workflow open in the designer and shows its two links; this view then
 * facilitates it, as does a facilitator's link (`ctx.served`). The facilitator's panel is
 * the same, but nothing is applied or saved here: each action goes to the server, which
 * stamps and applies it, and the log entries it sends back are replayed into the session
 * (ticked on the server's clock). The inbox only watches: participants act from their
 * own computers (`drillServed.ts`).
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
  objectiveRatingText,
  SPEEDS,
  type SavedDrill,
  errorText,
  injectStatusText,
  mergeLogs,
  newRunId,
  nextAt,
  ratingText,
  replayInto,
  sameLog,
  scenarioOrigin,
  scenarioWorkflowFile,
  slug,
} from '../drillModel';
import { validZone } from '../time';
import type { AfterActionReport, Doc, DrillAction, DrillView, Rating } from '../types';
import { type ActionInput, type Card, type InboxEnv, inboxNotes, rebuild, renderCards } from './drillInbox';
import { type Part, connectionIndicator, pendingPanel, peopleList, playServed } from './drillServed';
import { type Created, LINKS_KEY, type ServedDrill, type ServedEvent, ServedDrill as ServedClient, absoluteLink, httpError, parseCreated, socketUrl } from '../drillServer';
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
  /** A served team drill this view facilitates (`flowdrill serve`), or null for the tabs' drill. */
  let served: ServedDrill | null = null;
  let servedOff: (() => void) | null = null;
  let servedParts: Part[] = [];

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
  // "Host a team drill": offered when the page was served by `flowdrill serve`.
  const hostBtn = button('Host a team drill', () => void hostChosen(), {
    'data-action': 'drill-host',
    hidden: true,
    title: 'Run the chosen scenario on the workflow open in the designer as a drill on this server: people join from their own computers with a link',
  });
  const barRow = h('div', { class: 'drill-bar-row' }, h('label', { for: scenarioSelect.id, class: 'inline-label' }, 'Scenario'), scenarioSelect, loadBtn, openBtn, hostBtn, resetBtn, fileInput);
  // The served drill's box: connection, links, people and actions not taken yet.
  const servedHead = h('div', { class: 'served-row' });
  const linksEl = h('div', { class: 'served-links', 'data-testid': 'served-links' });
  const servedBox = h('div', { class: 'served-box', 'data-testid': 'served-facilitator', hidden: true }, servedHead, linksEl);
  const bar = h('div', { class: 'drill-bar card' }, barRow, servedBox, confirmBox, barMessage, titleEl);

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
  const inboxTitle = h('h2', { class: 'inbox-title' }, 'Inbox');
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
    inboxTitle,
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
    if (served) {
      // The server stamps, applies and logs it; the entry comes back to every browser.
      void playServed(served, input, errorEl);
      return true;
    }
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
    if (served) {
      errorEl.textContent = 'The facilitator watches the posts here; participants act on them from the participants’ link.';
      return false;
    }
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
    // Other tabs' drills do not touch a served drill.
    if (served) return;
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

  /** Wall time now: the server's clock in a served drill (its actions carry its time). */
  function wallNow(): number {
    return served ? served.serverNow() : Date.now();
  }

  function refresh(): void {
    if (!session || !drill) return;
    session.tick(new Date(wallNow()).toISOString());
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
    const from = served ? 'team drill on this server' : drill?.source.kind === 'file' ? `file ${drill.source.name}` : 'example';
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

  const cards = new Map<string, Card>();
  const inboxEnv: InboxEnv = { root, play: (input, err) => play(input, err), localTime: (iso) => localTime(iso), origin: () => origin };

  function renderInbox(v: DrillView): void {
    // Roles for "Playing as".
    const rolesSig = v.roles.join('\n');
    if (roleSelect.dataset.sig !== rolesSig) {
      roleSelect.dataset.sig = rolesSig;
      replace(roleSelect, ...v.roles.map((r) => h('option', { value: r }, r)));
      if (!v.roles.includes(player.role)) player = { ...player, role: v.roles[0] ?? '' };
      roleSelect.value = player.role;
    }
    const infoText = inboxNotes(v, localTime);
    if (inboxInfo.textContent !== infoText) inboxInfo.textContent = infoText;
    emptyInbox.hidden = v.cases.length > 0;
    renderCards(inbox, cards, v.cases, v, inboxEnv);
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
              h('thead', null, h('tr', null, th('Objective'), th('Rating'), th('Passed', true), th('Late', true), th('Failed', true), th('Not due', true))),
              h(
                'tbody',
                null,
                ...sc.objectives.map((o) =>
                  h(
                    'tr',
                    { 'data-objective': o.id },
                    h('th', { scope: 'row' }, h('span', { class: 'objective-id' }, o.id), ' ', o.text),
                    h('td', null, ratingChip(o.rating), ' ', objectiveRatingText(o)),
                    h('td', { class: 'num' }, String(o.passed)),
                    h('td', { class: 'num' }, String(o.late)),
                    h('td', { class: 'num' }, String(o.failed)),
                    h('td', { class: 'num' }, String(o.not_due)),
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

  // ---- a served team drill (flowdrill serve) ---------------------------------------------

  /** Offers "Host a team drill" when this page comes from `flowdrill serve`. */
  async function checkHost(): Promise<void> {
    try {
      const res = await fetch('/api/health', { headers: { Accept: 'application/json' } });
      if (res.status !== 200) return;
      const body = (await res.json()) as { flowdrill?: unknown };
      hostBtn.hidden = body?.flowdrill !== 'serve';
    } catch {
      /* not served by flowdrill serve: no team drills */
    }
  }

  /**
   * Hosts the chosen scenario on the workflow open in the designer (the one being
   * designed, not the example's): checks that they fit with the drill module, creates the
   * drill on the server, shows its two links and facilitates it here.
   */
  async function hostChosen(): Promise<void> {
    const entry = library.find((x) => x.id === scenarioSelect.value);
    if (!entry) {
      say('Choose a scenario first.', 'error');
      return;
    }
    let scenario: string;
    try {
      scenario = entry.given ?? (await fetchText(`${EXAMPLES_BASE}${entry.file}`));
    } catch (e) {
      say(`Could not load the scenario ${entry.file}: ${e instanceof Error ? e.message : String(e)}`, 'error');
      return;
    }
    const workflow = ctx.store.text;
    const wfName = ctx.store.doc.id || 'the open workflow';
    try {
      newSession(workflow, scenario).free();
    } catch (e) {
      say(`“${entry.name}” cannot be drilled on the workflow open in the designer (${wfName}): ${errorText(e)}. Open the workflow it was written for (${entry.workflow ?? 'named in the scenario'}) in the designer, or fix the design.`, 'error');
      return;
    }
    hostBtn.disabled = true;
    say(`Hosting “${entry.name}” on ${wfName}…`);
    let created: Created;
    try {
      const res = await fetch('/api/drills', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ workflow, scenario }) });
      let body: unknown = null;
      try {
        body = await res.json();
      } catch {
        body = null;
      }
      if (!res.ok) {
        const e = httpError(body);
        say(`The server did not create the drill (POST /api/drills answered ${res.status}${e ? `, ${e.code}` : ''}): ${e?.message ?? res.statusText ?? 'no reason given'}`, 'error');
        return;
      }
      const c = parseCreated(body);
      if (typeof c === 'string') {
        say(`The server's answer to POST /api/drills does not fit: ${c}`, 'error');
        return;
      }
      created = c;
    } catch (e) {
      say(`Could not reach the server to create the drill (POST /api/drills): ${e instanceof Error ? e.message : String(e)}`, 'error');
      return;
    } finally {
      hostBtn.disabled = false;
    }
    try {
      localStorage.setItem(LINKS_KEY + created.drill, JSON.stringify({ facilitator: created.facilitator_link, participant: created.participant_link }));
    } catch {
      /* the links are shown now; a reload will not show the participants' one again */
    }
    const client = new ServedClient({ url: socketUrl(location.href), token: created.facilitator });
    enterServed(client, created);
    say(`Hosted “${entry.name}” on ${wfName}. Send the participants’ link to the team; start the clock when everyone has joined.`);
  }

  /** The links of a drill hosted in this browser, if kept. */
  function keptLinks(drillId: string): { facilitator: string; participant: string } | null {
    try {
      const o = JSON.parse(localStorage.getItem(LINKS_KEY + drillId) ?? 'null') as { facilitator?: unknown; participant?: unknown } | null;
      return o && typeof o.facilitator === 'string' && typeof o.participant === 'string' ? { facilitator: o.facilitator, participant: o.participant } : null;
    } catch {
      return null;
    }
  }

  function linkRow(label: string, hint: string, link: string, testid: string): HTMLElement {
    const input = h('input', { type: 'text', id: uid('link'), readonly: true, value: link, 'data-testid': testid, class: 'link-input', spellcheck: false });
    const copied = h('span', { class: 'copied muted', role: 'status', 'aria-live': 'polite' });
    const copy = button('Copy', () => void copyText(input, copied), { class: 'small', 'data-action': `copy-${testid}`, 'aria-label': `Copy the ${label.toLowerCase()}` });
    input.addEventListener('focus', () => input.select());
    return h('div', { class: 'link-row' }, h('label', { for: input.id }, label), input, copy, h('span', { class: 'muted link-hint' }, hint), copied);
  }

  async function copyText(input: HTMLInputElement, status: HTMLElement): Promise<void> {
    try {
      await navigator.clipboard.writeText(input.value);
      status.textContent = 'Copied.';
    } catch {
      input.focus();
      input.select();
      status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
    setTimeout(() => (status.textContent = ''), 4000);
  }

  function showLinks(drillId: string, created: Created | null): void {
    const kept = created ? { facilitator: created.facilitator_link, participant: created.participant_link } : keptLinks(drillId);
    const origin = location.origin;
    const facilitatorLink = absoluteLink(kept?.facilitator ?? `/#join=${encodeURIComponent(served?.token ?? '')}`, origin);
    replace(
      linksEl,
      kept
        ? linkRow('Participants’ link', 'send it to the team: each person opens it on their own computer', absoluteLink(kept.participant, origin), 'participant-link')
        : h('p', { class: 'muted' }, 'The participants’ link was shown in the browser that hosted this drill (the server keeps no copy).'),
      linkRow('Facilitator’s link', 'keep it to yourself: it runs the clock and sees the answers', facilitatorLink, 'facilitator-link'),
    );
  }

  /** Facilitates a served drill on `client` (hosted here, or opened with a facilitator's link). */
  function enterServed(client: ServedDrill, created: Created | null): void {
    leaveServed(false);
    putAway();
    served = client;
    barRow.hidden = true;
    hideConfirm();
    servedBox.hidden = false;
    const conn = connectionIndicator(client);
    const people = peopleList(client);
    const pending = pendingPanel(client, root);
    servedParts = [conn, people, pending];
    const leave = button('Leave', () => leaveServed(true), { 'data-action': 'served-leave', title: 'Stop facilitating here (the drill goes on on the server; the facilitator’s link comes back to it)' });
    replace(servedHead, h('strong', null, 'Team drill'), h('span', { class: 'muted' }, ' · you facilitate'), conn.el, leave);
    servedBox.append(people.el, pending.el);
    replace(linksEl);
    if (created) showLinks(created.drill, created);
    replace(body, h('p', { class: 'loading' }, 'Connecting to the drill on the server…'));
    grid.classList.add('served-watch');
    inboxTitle.textContent = 'Posts (every role’s; the participants act on them)';
    servedOff = client.subscribe(onServed);
    ctx.onServedDrill?.(client.token);
    if (client.welcome) onServed({ type: 'welcome', welcome: client.welcome, first: true });
    client.start();
  }

  /** Back to the tabs' drill (the served one goes on without this browser). */
  function leaveServed(restoreTabs: boolean): void {
    if (!served) return;
    servedOff?.();
    servedOff = null;
    for (const p of servedParts) p.dispose();
    servedParts = [];
    served.stop();
    served = null;
    servedBox.hidden = true;
    for (const x of [...servedBox.children]) if (x !== servedHead && x !== linksEl) x.remove();
    barRow.hidden = false;
    grid.classList.remove('served-watch');
    inboxTitle.textContent = 'Inbox';
    putAway();
    ctx.onServedDrill?.(null);
    if (restoreTabs) {
      say('You left the team drill; it goes on on the server (its facilitator’s link comes back to it).');
      restoreLocal();
    }
  }

  function onServed(e: ServedEvent): void {
    const client = served;
    if (!client) return;
    switch (e.type) {
      case 'welcome': {
        const w = e.welcome;
        if (w.rights !== 'facilitator') {
          say('This link is a participant’s: it opens the participant’s view, not the facilitator’s.', 'error');
          return;
        }
        if (!w.setup) {
          say('The server sent no workflow and scenario to replay the drill (welcome.setup); the facilitator’s panel needs them.', 'error');
          return;
        }
        const run = `served:${w.drill}`;
        if (drill?.run === run && session) {
          // A reconnect: the entries after the last one held follow.
          refresh();
          return;
        }
        if (!linksEl.firstChild) showLinks(w.drill, null);
        let s: DrillSession;
        try {
          s = newSession(w.setup.workflow, w.setup.scenario);
        } catch (err) {
          say(`The drill on the server cannot be replayed here: ${errorText(err)}`, 'error');
          return;
        }
        const d: SavedDrill = { v: 1, run, created: new Date().toISOString(), source: { kind: 'file', id: run, name: w.title || w.drill }, workflow: w.setup.workflow, scenario: w.setup.scenario, log: [] };
        setSession(d, s);
        applyEntries(client.log.map((x) => x.action));
        return;
      }
      case 'entries':
        if (drill?.run === `served:${client.welcome?.drill}`) applyEntries(e.entries.map((x) => x.action));
        return;
      case 'error':
        say(`The server said: ${e.error.message}`, 'error');
        return;
      case 'conn':
        if (client.conn.state === 'closed' && client.conn.error) say(`The server closed the connection: ${client.conn.error.message}`, 'error');
        schedule();
        return;
      default:
        return;
    }
  }

  /** Applies log entries from the server to the session (the server already took them). */
  function applyEntries(actions: DrillAction[]): void {
    if (!session || !drill || !served) return;
    const applied: DrillAction[] = [];
    for (const a of actions) {
      try {
        session.apply(a);
        applied.push(a);
      } catch (err) {
        // The server took it, so this replay is behind or ahead: replay the whole log.
        console.warn('drill: a served entry did not apply here; replaying the log', err);
        return replayServed();
      }
    }
    drill = { ...drill, log: [...drill.log, ...applied] };
    refresh();
  }

  function replayServed(): void {
    if (!served || !drill) return;
    let s: DrillSession;
    try {
      s = newSession(drill.workflow, drill.scenario);
    } catch (err) {
      say(`The drill could not be replayed: ${errorText(err)}`, 'error');
      return;
    }
    const { applied, rejected } = replayInto(s, served.log.map((x) => x.action));
    if (rejected.length) say(`${rejected.length} of the server’s log entries could not be replayed here (${rejected[0]!.message}); the scoreboard may differ from the server’s.`, 'error');
    session?.free();
    session = s;
    drill = { ...drill, log: applied };
    refresh();
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
    if (ctx.host) void checkHost();
    if (ctx.served) {
      // The page opened a facilitator's link: facilitate that drill.
      enterServed(ctx.served, null);
      return;
    }
    restoreLocal();
  }

  /** The drill saved in this browser (tabs mode), if any. */
  function restoreLocal(): void {
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
