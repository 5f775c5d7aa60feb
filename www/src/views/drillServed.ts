/**
 * A served team drill in the browser (`flowdrill serve`): the parts every person sees (the
 * connection, who is in the drill, the actions not taken yet), the participant's view and
 * the page a join link (`/#join=TOKEN`) opens.
 *
 * A participant's page loads no WebAssembly and never sees the workflow or the scenario:
 * it draws what the server sends for their role (`view` messages), with the inbox cards of
 * the Drill view, and sends each action to the server, which stamps and applies it. The
 * facilitator's link opens the app's Drill view on the same connection (`onFacilitator`),
 * where the facilitator's panel replays the log with the drill module.
 */
import { button, h, replace, uid } from '../dom';
import { type Outcome, type Pending, ServedDrill, actionText, connText, pendingText, socketUrl } from '../drillServer';
import { errorText } from '../drillModel';
import { type ParticipantView, liveAge, liveNow, readParticipantView, shiftedLocal, viewOrigin, zoneShift } from '../participantView';
import { validZone } from '../time';
import type { CaseView } from '../types';
import { type ActionInput, type Card, type InboxEnv, inboxNotes, renderCards } from './drillInbox';

/** How often countdowns move on screen while the clock runs, in ms. */
const TICK_MS = 500;

/** A part of the page that follows the connection. */
export interface Part {
  readonly el: HTMLElement;
  dispose(): void;
}

/**
 * The connection for people, in an aria-live region (announced when its state changes, not
 * every second), with "Reconnect now" while offline.
 */
export function connectionIndicator(client: ServedDrill): Part {
  const live = h('span', { class: 'conn-text', role: 'status', 'aria-live': 'polite', 'data-testid': 'connection-text' });
  const countdown = h('span', { class: 'conn-countdown', 'aria-hidden': 'true' });
  const dot = h('span', { class: 'conn-dot', 'aria-hidden': 'true' });
  const again = button('Reconnect now', () => client.reconnectNow(), { class: 'small', 'data-action': 'reconnect', hidden: true });
  const el = h('div', { class: 'connection', 'data-testid': 'connection' }, dot, live, countdown, again);
  let timer: ReturnType<typeof setInterval> | undefined;
  let lastState = '';
  const draw = () => {
    const c = client.conn;
    // Refused for a name or role still to choose: nothing is wrong with the connection.
    const choosing = c.state === 'closed' && c.error?.code === 'bad-join';
    el.dataset.state = choosing ? 'choosing' : c.state;
    // The live region says the state once; the seconds tick outside it.
    const stateText = choosing ? 'Not joined yet' : c.state === 'offline' ? 'Offline: reconnecting' : `Connection: ${connText(c, Date.now())}`;
    if (lastState !== stateText) {
      lastState = stateText;
      live.textContent = stateText;
    }
    if (c.state === 'offline' && c.retryAt !== null) {
      const s = Math.max(0, Math.ceil((c.retryAt - Date.now()) / 1000));
      countdown.textContent = s > 0 ? ` in ${s} s` : '…';
    } else countdown.textContent = '';
    again.hidden = c.state !== 'offline';
    if (c.state === 'offline' && timer === undefined) timer = setInterval(draw, 250);
    else if (c.state !== 'offline' && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const off = client.subscribe((e) => {
    if (e.type === 'conn' || e.type === 'welcome') draw();
  });
  const wake = () => client.reconnectNow();
  globalThis.addEventListener?.('online', wake);
  draw();
  return {
    el,
    dispose() {
      off();
      if (timer !== undefined) clearInterval(timer);
      globalThis.removeEventListener?.('online', wake);
    },
  };
}

/** Who is in the drill: name, role, and online or not (in words, not colour alone). */
export function peopleList(client: ServedDrill): Part {
  const list = h('ul', { class: 'plain people-list', 'data-testid': 'people' });
  const title = h('span', { class: 'people-title' }, 'People');
  const el = h('div', { class: 'people', role: 'group', 'aria-label': 'People in the drill' }, title, list);
  const draw = () => {
    // Before a welcome there is nobody to show; offline, the list is what the server said last.
    el.hidden = client.welcome === null;
    const stale = client.conn.state !== 'online';
    el.classList.toggle('stale', stale);
    title.textContent = stale ? 'People (when last connected)' : 'People';
    const me = client.welcome?.you.name;
    const people = [...client.people].sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
    const sig = JSON.stringify([people, me]);
    if (list.dataset.sig === sig) return;
    list.dataset.sig = sig;
    replace(
      list,
      ...(people.length
        ? people.map((p) =>
            h(
              'li',
              { class: `person ${p.online ? 'online' : 'away'}`, 'data-person': p.name, 'data-online': String(p.online) },
              h('span', { class: 'person-dot', 'aria-hidden': 'true' }),
              h('span', { class: 'person-name' }, p.name + (p.name === me ? ' (you)' : '')),
              h('span', { class: 'person-role muted' }, `${p.role ? ` · ${p.role}` : /^facilitator$/i.test(p.name) ? '' : ' · facilitator'} · ${p.online ? 'online' : 'away'}`),
            ),
          )
        : [h('li', { class: 'muted' }, 'Nobody yet.')]),
    );
  };
  const off = client.subscribe((e) => {
    if (e.type === 'people' || e.type === 'welcome' || e.type === 'conn') draw();
  });
  draw();
  return { el, dispose: off };
}

/**
 * The actions the server has not taken yet: sending, not sent (offline), unconfirmed or
 * refused, each with what to do about it (send again, discard).
 */
export function pendingPanel(client: ServedDrill, root: Document | ShadowRoot): Part {
  const list = h('ul', { class: 'plain pending-list' });
  const el = h('section', { class: 'pending card', 'aria-label': 'Actions not taken yet', 'data-testid': 'pending', hidden: true }, h('h3', null, 'Not taken yet'), list);
  const draw = () => {
    const items = client.pending;
    el.hidden = items.length === 0;
    const sig = JSON.stringify([client.conn.state, items.map((p) => [p.id, p.state, p.error])]);
    if (list.dataset.sig === sig) return;
    list.dataset.sig = sig;
    const focused = root.activeElement as HTMLElement | null;
    const hadFocus = focused !== null && list.contains(focused);
    replace(list, ...items.map((p) => pendingItem(client, p)));
    if (hadFocus) (list.querySelector<HTMLElement>('button') ?? el).focus?.();
  };
  const off = client.subscribe((e) => {
    if (e.type === 'pending' || e.type === 'conn') draw();
  });
  draw();
  return { el, dispose: off };
}

function pendingItem(client: ServedDrill, p: Pending): HTMLElement {
  const what = actionText(p.action);
  const canSend = p.state !== 'sending' && client.conn.state === 'online';
  return h(
    'li',
    { class: `pending-item ${p.state}`, 'data-pending': p.id, 'data-state': p.state },
    h('span', { class: 'pending-what' }, what),
    h('span', { class: 'pending-state' }, pendingText(p)),
    p.state === 'sending'
      ? null
      : h(
          'span',
          { class: 'pending-buttons' },
          button(p.state === 'rejected' ? 'Try again' : 'Send again', () => client.retry(p.id), {
            class: 'small',
            'data-action': 'pending-retry',
            disabled: !canSend,
            title: canSend ? 'Send this action to the server again' : 'Offline: wait for the connection to come back',
            'aria-label': `Send again: ${what}`,
          }),
          button(p.state === 'rejected' ? 'Dismiss' : 'Discard', () => client.discard(p.id), { class: 'small', 'data-action': 'pending-discard', 'aria-label': `${p.state === 'rejected' ? 'Dismiss' : 'Discard'}: ${what}` }),
        ),
  );
}

/** The words for what became of an action, near the post it was taken on. */
export function outcomeText(o: Outcome, p: Pending | undefined): string {
  switch (o) {
    case 'taken':
    case 'discarded':
      return '';
    case 'rejected':
      return `Not done: ${errorText({ message: p?.error?.message ?? 'the server refused it' }).replace(/\.$/, '')}.`;
    case 'not-sent':
      return 'Not sent: you are offline. It waits under “Not taken yet” until you send it again or discard it.';
    case 'unconfirmed':
      return 'No answer from the server (the connection dropped): see “Not taken yet”.';
  }
}

/**
 * Sends an inbox action through the server; the answer (refused, offline) is said in `err`
 * near the post. Resolves true once the server took it.
 */
export async function playServed(client: ServedDrill, input: ActionInput, err: HTMLElement): Promise<boolean> {
  const p = client.act(input as unknown as Record<string, unknown>);
  err.textContent = '';
  const say = (o: Outcome) => {
    const now = client.pending.find((x) => x.id === p.id);
    err.textContent = outcomeText(o, now ?? p);
  };
  const first = await client.outcome(p.id);
  say(first);
  // Not sent, or no answer: it waits in the list; what happens to it there is said here too.
  const o = first === 'not-sent' || first === 'unconfirmed' ? await client.settled(p.id) : first;
  if (o !== first) say(o);
  // Said near the post: the list of actions not taken keeps only what still needs a choice.
  if (o === 'rejected') client.discard(p.id);
  return o === 'taken';
}

// ---- the participant's view -------------------------------------------------------------

export interface ParticipantOptions {
  root: Document | ShadowRoot;
  /** Put the keyboard on the name field when the join form appears (a page of its own, not a widget). */
  autofocus?: boolean;
  /** The token is a facilitator's: the host opens the facilitator's view (else a message says where). */
  onFacilitator?(client: ServedDrill): void;
}

/** A served drill as a participant sees it: join (name and role), then their role's inbox. */
export function createParticipantView(client: ServedDrill, opts: ParticipantOptions): Part & { show(): void; hide(): void } {
  const { root } = opts;
  let visible = true;
  let view: ParticipantView | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let handedOver = false;
  /** A facilitator's link where only participants can play (a widget): said, and left. */
  let facilitatorHere = false;

  const conn = connectionIndicator(client);
  const people = peopleList(client);
  const pending = pendingPanel(client, root);
  const titleEl = h('div', { class: 'drill-title' }, h('strong', { class: 'drill-name' }, 'Team drill'));
  const message = h('p', { class: 'drill-bar-message', role: 'alert', 'data-testid': 'served-message' });
  const bar = h('div', { class: 'drill-bar card served-bar' }, h('div', { class: 'served-row' }, titleEl, conn.el), people.el, message);

  // Joining: a name and one of the workflow's roles.
  const nameInput = h('input', { type: 'text', id: uid('join-name'), 'data-field': 'join-name', autocomplete: 'nickname', spellcheck: false, placeholder: 'Your name', maxlength: 80 });
  const roleSelect = h('select', { id: uid('join-role'), 'data-field': 'join-role' });
  const roleField = h('div', { class: 'field' }, h('label', { for: roleSelect.id }, 'Role'), roleSelect);
  const joinError = h('p', { class: 'drill-error', role: 'alert', 'data-testid': 'join-error' });
  const joinHint = h('p', { class: 'muted', role: 'status', 'data-testid': 'join-hint' });
  const joinBtn = button('Join the drill', () => join(), { class: 'primary', 'data-action': 'join' });
  const joinForm = h(
    'form',
    { class: 'join-form card', 'data-testid': 'join-form', 'aria-label': 'Join the drill', hidden: true },
    h('h2', null, 'Join the drill'),
    h('p', { class: 'muted' }, 'Choose the name the report will score you by, and the role you play. Your inbox shows the posts of your role.'),
    h('div', { class: 'field' }, h('label', { for: nameInput.id }, 'Name'), nameInput),
    roleField,
    joinHint,
    joinBtn,
    joinError,
  );
  joinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    join();
  });
  nameInput.addEventListener('input', () => nameInput.removeAttribute('aria-invalid'));

  /** What the person asked for last (null before they did). */
  let submitted: { name: string; role: string | null } | null = null;

  function join(): void {
    const name = nameInput.value.trim();
    const roles = client.roles;
    const role = roles.length ? roleSelect.value : null;
    if (!name) {
      joinError.textContent = 'Type your name first: the after-action report scores each person by it.';
      nameInput.setAttribute('aria-invalid', 'true');
      nameInput.focus();
      return;
    }
    if (roles.length && !role) {
      joinError.textContent = 'Choose the role you play.';
      roleSelect.focus();
      return;
    }
    joinError.textContent = '';
    joinHint.textContent = 'Joining…';
    joinBtn.disabled = true;
    submitted = { name, role };
    // Without the roles yet (the server tells them only to someone with a name), the name
    // goes first, and the server's answer lists the roles.
    client.join(name, role);
  }

  // Playing.
  const whoEl = h('span', { class: 'player-title', 'data-testid': 'you' });
  const clockLocal = h('span', { class: 'clock-local' }, '—');
  const clockSub = h('span', { class: 'clock-state' });
  const clockEl = h('div', { class: 'drill-clock served-clock', 'data-testid': 'served-clock', role: 'timer', 'aria-live': 'off' }, clockLocal, h('div', { class: 'clock-sub' }, clockSub));
  const inboxInfo = h('div', { class: 'inbox-info', 'aria-live': 'polite' });
  const inbox = h('div', { class: 'inbox', 'data-testid': 'inbox' });
  const emptyInbox = h('p', { class: 'muted inbox-empty' }, 'No posts for your role yet. They arrive as the drill clock reaches them; the facilitator starts the clock.');
  const waiting = h('p', { class: 'muted', 'data-testid': 'view-waiting' }, 'Waiting for the drill…');
  const endedEl = h('div', { class: 'card drill-ended', 'data-testid': 'drill-ended', hidden: true }, h('h2', null, 'The drill has ended'), h('p', null, 'Thank you. The facilitator has the after-action report.'));
  const recentEl = h('ol', { class: 'plain recent', 'data-testid': 'recent' });
  const playing = h(
    'section',
    { class: 'participant served-participant', 'aria-label': 'Participant', hidden: true },
    h('div', { class: 'player-bar card' }, whoEl, clockEl, inboxInfo),
    pending.el,
    endedEl,
    h('h2', { class: 'inbox-title' }, 'Inbox'),
    waiting,
    emptyInbox,
    inbox,
    h('details', { class: 'recent-box' }, h('summary', null, 'Timeline (latest first)'), recentEl),
  );

  const el = h('div', { class: 'drill served', 'data-testid': 'served-participant' }, bar, joinForm, playing);
  const cards = new Map<string, Card>();

  // Times in the workflow's zone (given by the view, or read off its `local`).
  const formats = new Map<string, Intl.DateTimeFormat>();
  let shift: number | null = null;
  function localTime(iso: string): string {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return iso;
    const zone = view?.zone && validZone(view.zone) ? view.zone : null;
    if (zone) {
      let f = formats.get(zone);
      if (!f) {
        f = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
        formats.set(zone, f);
      }
      return f.format(new Date(ms)).replace(',', '');
    }
    return shift !== null ? shiftedLocal(ms, shift) : new Date(ms).toISOString().slice(11, 16) + ' UTC';
  }
  const env: InboxEnv = {
    root,
    play: (input, err) => playServed(client, input, err),
    localTime,
    origin: () => (view ? viewOrigin(view) : NaN),
  };

  function drawHeader(): void {
    const w = client.welcome;
    if (w) {
      const sig = JSON.stringify([w.title, view?.title]);
      if (titleEl.dataset.sig !== sig) {
        titleEl.dataset.sig = sig;
        replace(titleEl, h('strong', { class: 'drill-name' }, view?.title || w.title || 'Team drill'), h('span', { class: 'muted' }, ' · team drill'));
      }
    }
    const c = client.conn;
    if (facilitatorHere) return;
    if (c.state === 'closed' && c.error) {
      const e = c.error;
      message.textContent =
        e.code === 'unknown-token'
          ? `This link does not open a drill on this server (${e.message}). Ask the facilitator for the participants’ link.`
          : e.code === 'forbidden'
            ? `This link does not allow that: ${e.message}`
            : e.code === 'bad-join'
              ? ''
              : `The server closed the drill: ${e.message}`;
      message.className = 'drill-bar-message error';
    } else if (c.state === 'closed') {
      message.textContent = 'You left the drill.';
      message.className = 'drill-bar-message';
    } else if (message.classList.contains('error') && c.state === 'online') {
      message.textContent = '';
      message.className = 'drill-bar-message';
    }
  }

  function drawMode(): void {
    const w = client.welcome;
    const refusedJoin = client.conn.state === 'closed' && client.conn.error?.code === 'bad-join';
    if (w?.rights === 'facilitator') {
      if (!handedOver) {
        handedOver = true;
        if (opts.onFacilitator) opts.onFacilitator(client);
        else {
          facilitatorHere = true;
          message.textContent = 'This is the facilitator’s link: open it in the flowdrill app, where the facilitator’s panel runs the drill. Participants use the participants’ link.';
          message.className = 'drill-bar-message error';
          client.stop();
        }
      }
      joinForm.hidden = true;
      playing.hidden = true;
      return;
    }
    const joined = client.joined && w?.rights === 'participant';
    const choosing = !joined && (client.choosing || refusedJoin || submitted !== null);
    const wasHidden = joinForm.hidden;
    joinForm.hidden = !choosing;
    playing.hidden = !joined;
    if (choosing) {
      const roles = client.roles;
      roleField.hidden = roles.length === 0;
      joinBtn.textContent = roles.length ? 'Join the drill' : 'Continue';
      const sig = roles.join('\n');
      if (roleSelect.dataset.sig !== sig) {
        roleSelect.dataset.sig = sig;
        const was = roleSelect.value;
        replace(roleSelect, h('option', { value: '' }, 'Choose a role…'), ...roles.map((r) => h('option', { value: r }, r)));
        if (roles.includes(was)) roleSelect.value = was;
      }
      const waiting = client.conn.state === 'connecting' || client.conn.state === 'offline';
      joinBtn.disabled = submitted !== null && waiting;
      if (!(submitted !== null && waiting)) joinHint.textContent = '';
      if (refusedJoin && submitted) {
        if (submitted.role === null && roles.length) {
          // The name went first; now the role.
          joinError.textContent = '';
          joinHint.textContent = `Now choose the role you play, ${submitted.name}.`;
          roleSelect.focus();
        } else {
          joinError.textContent = `The server did not take this name and role: ${client.conn.error?.message ?? 'no reason given'}`;
        }
      }
      if (wasHidden && opts.autofocus) nameInput.focus();
    }
    if (joined && w) {
      whoEl.textContent = `Playing as ${w.you.name}${w.you.role ? ` (${w.you.role})` : ''}`;
    }
  }

  function drawView(): void {
    const raw = client.view;
    if (!raw) return;
    view = readParticipantView(raw);
    shift = zoneShift(view.now, view.local);
    waiting.hidden = true;
    endedEl.hidden = !view.ended;
    rebuildRecent(view);
    tick();
    schedule();
  }

  function rebuildRecent(v: ParticipantView): void {
    const items = v.recent.slice(0, 20);
    const sig = JSON.stringify(items);
    if (recentEl.dataset.sig === sig) return;
    recentEl.dataset.sig = sig;
    replace(
      recentEl,
      ...items.map((e) =>
        h('li', { class: `event ${e.kind}` }, h('span', { class: 'event-at' }, e.at ? localTime(e.at) : ''), h('span', { class: 'event-kind' }, e.kind), h('span', { class: 'event-text' }, e.by && e.kind === 'action' ? `${e.by}: ${e.text}` : e.text)),
      ),
    );
  }

  /** Moves the clock and the countdowns to drill time now (on the server's clock). */
  function tick(): void {
    const v = view;
    if (!v) return;
    const now = liveNow(v, client.serverNow());
    const nowIso = new Date(now).toISOString();
    const origin = viewOrigin(v);
    clockLocal.textContent = Number.isNaN(now) ? v.local || '—' : localTime(nowIso);
    const c = v.clock;
    const elapsed = Number.isNaN(origin) ? v.elapsed : formatElapsed((now - origin) / 1000);
    clockSub.textContent = v.ended ? 'ended' : !c.started ? 'not started' : `T+${elapsed} · ${c.running ? `running at ×${c.speed}` : `paused (×${c.speed})`}`;
    clockEl.className = `drill-clock served-clock ${v.ended ? 'ended' : !c.started ? 'idle' : c.running ? 'running' : 'paused'}`;
    clockEl.dataset.now = nowIso;
    const info = inboxNotes(v, localTime);
    if (inboxInfo.textContent !== info) inboxInfo.textContent = info;
    emptyInbox.hidden = v.cases.length > 0;
    const cases: CaseView[] = v.cases.map((x) => ({ ...x, age: liveAge(x, now) }));
    renderCards(inbox, cards, cases, { now: nowIso, roles: v.roles, attributes: v.attributes }, env);
    el.dataset.posts = String(cases.length);
  }

  function schedule(): void {
    const run = visible && view !== null && view.clock.running && !view.ended && client.conn.state !== 'closed';
    if (run && timer === undefined) timer = setInterval(tick, TICK_MS);
    else if (!run && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  const off = client.subscribe((e) => {
    switch (e.type) {
      case 'conn':
        drawHeader();
        drawMode();
        schedule();
        return;
      case 'welcome':
        drawHeader();
        drawMode();
        return;
      case 'view':
        drawHeader();
        drawView();
        return;
      case 'error':
        message.textContent = `The server said: ${e.error.message}`;
        message.className = 'drill-bar-message error';
        return;
      default:
        return;
    }
  });
  drawHeader();
  drawMode();
  drawView();

  return {
    el,
    show() {
      visible = true;
      tick();
      schedule();
    },
    hide() {
      visible = false;
      schedule();
    },
    dispose() {
      off();
      conn.dispose();
      people.dispose();
      pending.dispose();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}

/** Elapsed drill time as the core writes it: `45s`, `12m`, `1h05m`. */
function formatElapsed(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '0s';
  if (s < 60) return `${Math.floor(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const hh = Math.floor(m / 60);
  const mm = m % 60;
  return mm ? `${hh}h${String(mm).padStart(2, '0')}m` : `${hh}h`;
}

// ---- the page of a join link --------------------------------------------------------------

export interface ServedPageOptions {
  /** The WebSocket address; `ws(s)://<this host>/api/ws` by default. */
  url?: string;
  /** Opens the facilitator's view (the app's Drill view) on this connection. */
  onFacilitator(client: ServedDrill): void;
}

/**
 * The page a join link opens (`/#join=TOKEN`): a participant's view, and nothing else of the
 * app, until the welcome says the link is the facilitator's (then `onFacilitator`).
 */
export function mountServedPage(container: HTMLElement, token: string, opts: ServedPageOptions): ServedDrill {
  const client = new ServedDrill({ url: opts.url ?? socketUrl(location.href), token });
  const participant = createParticipantView(client, {
    root: document,
    autofocus: true,
    onFacilitator: (c) => {
      participant.dispose();
      opts.onFacilitator(c);
    },
  });
  const header = h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'brand' }, h('span', null, 'flowdrill')),
    h('span', { class: 'served-kind' }, 'Team drill'),
  );
  const main = h('main', { class: 'views' }, h('section', { class: 'view-panel', 'aria-label': 'Team drill' }, participant.el));
  container.replaceChildren(h('div', { class: 'fd-app served-page' }, header, main));
  client.start();
  return client;
}
