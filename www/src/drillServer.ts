/**
 * A served team drill (`flowdrill serve`): one WebSocket per person at `/api/ws`, speaking
 * the protocol of `crates/flowdrill-serve/src/protocol.rs`.
 *
 * ```text
 * join {token, name?, role?, person?, after}  ─▶  ◀─ welcome, entries, view (participants)
 * act {id, action}                            ─▶  ◀─ ack {id, seq} | rejected {id, error}
 *                                                 ◀─ entry {seq, action} (everyone), people
 * ping                                        ─▶  ◀─ pong {server_time}
 * ```
 *
 * The plain logic is in pure functions (message validation, the connection's state
 * machine, the backoff schedule, the list of actions not yet taken, the server clock);
 * `ServedDrill` ties them to a socket, which is injected, so all of it runs in Node.
 *
 * - A connection is `connecting` (socket opening, join sent, no welcome yet), `online`
 *   (welcomed), `offline` (lost: a reconnect is scheduled with exponential backoff and
 *   jitter) or `closed` (left, or the server refused the join for good).
 * - A reconnect resumes: `after` is the last log sequence number held, `person` the secret
 *   of the first welcome (kept in sessionStorage per drill, so a reload is the same person).
 * - An action is never dropped silently: it stays in the pending list until the server
 *   acknowledges it (`sending`), and one taken while offline (`not sent`) or whose answer
 *   was lost with the connection (`unconfirmed`) waits there for the person to retry or
 *   discard it; a refused one shows the server's message.
 * - The server's clock: every `server_time` (welcome, pong) is a sample of its offset from
 *   this computer's clock; countdowns use the server's time, never the local clock alone.
 */
import type { DrillAction } from './types';

export { joinToken } from './joinLink';

// ---- the messages ----------------------------------------------------------------------

/** What a token allows. */
export type Rights = 'facilitator' | 'participant';

/** An error the server sent (`rejected`, or an HTTP error body). */
export interface WireError {
  /** `bad-message`, `unknown-token`, `bad-join`, `forbidden`, `invalid`, `too-large`, `flood`, `store`, … */
  code: string;
  /** What is wrong and what was expected. */
  message: string;
  /** With `bad-join`: the drill's roles to choose from. */
  roles?: string[];
}

/** Someone in the drill. */
export interface Person {
  name: string;
  /** The role they play (none for the facilitator). */
  role: string | null;
  online: boolean;
}

/** The joining person, as the server records them. */
export interface You {
  name: string;
  role: string | null;
  /** The secret to come back as the same person (kept, never shown). */
  person: string;
}

/** The drill's documents (facilitators only). */
export interface Setup {
  workflow: string;
  scenario: string;
}

/** One entry of the drill's log. */
export interface Entry {
  seq: number;
  /** The action, stamped by the server (`at`, `by`, `role`). */
  action: DrillAction;
}

export interface Welcome {
  type: 'welcome';
  drill: string;
  rights: Rights;
  you: You;
  people: Person[];
  server_time: string;
  roles: string[];
  title: string;
  setup: Setup | null;
}

/** A message from the server, checked. */
export type ServerMsg =
  | Welcome
  | { type: 'entries'; entries: Entry[] }
  | { type: 'entry'; seq: number; action: DrillAction }
  | { type: 'ack'; id: string; seq: number }
  | { type: 'rejected'; id: string | null; error: WireError }
  /** The participant's view of the drill (the core's `ParticipantView`, read with `readParticipantView`). */
  | { type: 'view'; view: Record<string, unknown>; seq: number | null }
  | { type: 'people'; people: Person[] }
  | { type: 'pong'; server_time: string };

/** An action as a client sends it: no `at`, `by` or `role` (the server stamps them). */
export type ActInput = Omit<DrillAction, 'at' | 'by' | 'role'> & { at?: never; by?: never; role?: never };

/** A message to the server. */
export type ClientMsg =
  | { type: 'join'; token: string; name?: string; role?: string; person?: string; after: number }
  | { type: 'act'; id: string; action: Record<string, unknown> }
  | { type: 'ping' };

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function kind(x: unknown): string {
  if (x === undefined) return 'missing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a list';
  if (typeof x === 'string') return `the text ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  return typeof x === 'object' ? 'an object' : `${typeof x} ${String(x)}`;
}

class Bad extends Error {}

function need<T>(ok: boolean, value: T, where: string, expected: string): T {
  if (!ok) throw new Bad(`${where} is ${kind(value)}; expected ${expected}`);
  return value;
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  return need(typeof v === 'string', v, `${where}.${key}`, 'text') as string;
}

function optStr(o: Record<string, unknown>, key: string, where: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  return need(typeof v === 'string', v, `${where}.${key}`, 'text or nothing') as string;
}

function seqOf(v: unknown, where: string): number {
  return need(typeof v === 'number' && Number.isInteger(v) && v >= 0, v, where, 'a whole number ≥ 0') as number;
}

function instant(o: Record<string, unknown>, key: string, where: string): string {
  const v = str(o, key, where);
  need(!Number.isNaN(Date.parse(v)), v, `${where}.${key}`, 'an RFC 3339 instant');
  return v;
}

function people(v: unknown, where: string): Person[] {
  need(Array.isArray(v), v, where, 'a list of people');
  return (v as unknown[]).map((p, i) => {
    const w = `${where}[${i}]`;
    need(isObject(p), p, w, 'an object {name, role?, online}');
    const o = p as Record<string, unknown>;
    return { name: str(o, 'name', w), role: optStr(o, 'role', w), online: o.online === true };
  });
}

function action(v: unknown, where: string): DrillAction {
  need(isObject(v), v, where, 'an action object {at, by, do, …}');
  str(v as Record<string, unknown>, 'do', where);
  return v as DrillAction;
}

function entry(v: unknown, where: string): Entry {
  need(isObject(v), v, where, 'an entry {seq, action}');
  const o = v as Record<string, unknown>;
  return { seq: seqOf(o.seq, `${where}.seq`), action: action(o.action, `${where}.action`) };
}

function wireError(v: unknown, where: string): WireError {
  need(isObject(v), v, where, 'an error {code, message}');
  const o = v as Record<string, unknown>;
  const e: WireError = { code: str(o, 'code', where), message: str(o, 'message', where) };
  if (o.roles !== undefined) {
    need(Array.isArray(o.roles) && o.roles.every((r) => typeof r === 'string'), o.roles, `${where}.roles`, 'a list of role ids');
    e.roles = o.roles as string[];
  }
  return e;
}

/**
 * A message from the server (the text of a WebSocket frame, or its JSON), checked field by
 * field; the error says which field is wrong and what was expected. Unknown fields are
 * ignored, so a newer server's additions do no harm.
 */
export function parseServerMsg(data: unknown): { ok: true; msg: ServerMsg } | { ok: false; error: string } {
  let o: unknown = data;
  if (typeof data === 'string') {
    try {
      o = JSON.parse(data);
    } catch (e) {
      return { ok: false, error: `a server message is not JSON (${e instanceof Error ? e.message : String(e)}); expected a JSON object with a "type"` };
    }
  }
  try {
    need(isObject(o), o, 'a server message', 'a JSON object with a "type"');
    const m = o as Record<string, unknown>;
    const type = str(m, 'type', 'message');
    const w = type;
    switch (type) {
      case 'welcome': {
        const rights = m.rights;
        need(rights === 'facilitator' || rights === 'participant', rights, 'welcome.rights', '"facilitator" or "participant"');
        need(isObject(m.you), m.you, 'welcome.you', 'an object {name, role?, person}');
        const you = m.you as Record<string, unknown>;
        const roles = m.roles ?? [];
        need(Array.isArray(roles) && roles.every((r) => typeof r === 'string'), roles, 'welcome.roles', 'a list of role ids');
        let setup: Setup | null = null;
        if (m.setup !== undefined && m.setup !== null) {
          need(isObject(m.setup), m.setup, 'welcome.setup', 'an object {workflow, scenario}');
          const s = m.setup as Record<string, unknown>;
          setup = { workflow: str(s, 'workflow', 'welcome.setup'), scenario: str(s, 'scenario', 'welcome.setup') };
        }
        return {
          ok: true,
          msg: {
            type: 'welcome',
            drill: str(m, 'drill', w),
            rights: rights as Rights,
            you: { name: str(you, 'name', 'welcome.you'), role: optStr(you, 'role', 'welcome.you'), person: str(you, 'person', 'welcome.you') },
            people: people(m.people ?? [], 'welcome.people'),
            server_time: instant(m, 'server_time', w),
            roles: roles as string[],
            title: typeof m.title === 'string' ? m.title : '',
            setup,
          },
        };
      }
      case 'entries':
        need(Array.isArray(m.entries), m.entries, 'entries.entries', 'a list of entries {seq, action}');
        return { ok: true, msg: { type: 'entries', entries: (m.entries as unknown[]).map((e, i) => entry(e, `entries.entries[${i}]`)) } };
      case 'entry': {
        const e = entry(m, 'entry');
        return { ok: true, msg: { type: 'entry', seq: e.seq, action: e.action } };
      }
      case 'ack':
        return { ok: true, msg: { type: 'ack', id: str(m, 'id', w), seq: seqOf(m.seq, 'ack.seq') } };
      case 'rejected':
        return { ok: true, msg: { type: 'rejected', id: optStr(m, 'id', w), error: wireError(m.error, 'rejected.error') } };
      case 'view':
        need(isObject(m.view), m.view, 'view.view', 'an object (the participant view)');
        return { ok: true, msg: { type: 'view', view: m.view as Record<string, unknown>, seq: m.seq === undefined || m.seq === null ? null : seqOf(m.seq, 'view.seq') } };
      case 'people':
        return { ok: true, msg: { type: 'people', people: people(m.people, 'people.people') } };
      case 'pong':
        return { ok: true, msg: { type: 'pong', server_time: instant(m, 'server_time', w) } };
      default:
        throw new Bad(`message.type is ${kind(type)}; expected welcome, entries, entry, ack, rejected, view, people or pong`);
    }
  } catch (e) {
    if (e instanceof Bad) return { ok: false, error: `a server message does not fit the protocol: ${e.message}` };
    throw e;
  }
}

/**
 * The `act` message of an action: the fields the server stamps (`at`, `by`, `role`) and
 * empty ones are left out.
 */
export function actMessage(id: string, input: Record<string, unknown>): ClientMsg {
  const a: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (k === 'at' || k === 'by' || k === 'role' || v === undefined) continue;
    a[k] = v;
  }
  return { type: 'act', id, action: a };
}

/** The `join` message; optional fields are left out when empty (the server denies unknown ones). */
export function joinMessage(token: string, o: { name?: string | null; role?: string | null; person?: string | null; after: number }): ClientMsg {
  const m: ClientMsg = { type: 'join', token, after: Math.max(0, Math.floor(o.after)) };
  if (o.name) m.name = o.name;
  if (o.role) m.role = o.role;
  if (o.person) m.person = o.person;
  return m;
}

/** An HTTP error body `{"error": {"code", "message"}}`, or null. */
export function httpError(body: unknown): WireError | null {
  if (!isObject(body) || !isObject(body.error)) return null;
  const e = body.error;
  return typeof e.code === 'string' && typeof e.message === 'string' ? { code: e.code, message: e.message } : null;
}

// ---- links and addresses --------------------------------------------------------------

/** The WebSocket address of a server's `/api/ws`: `https://h:8080/x` → `wss://h:8080/api/ws`. */
export function socketUrl(server: string): string {
  const u = new URL(server);
  u.protocol = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:';
  u.pathname = '/api/ws';
  u.search = '';
  u.hash = '';
  return u.href;
}

/** A link the server gave (`/#join=TOKEN`) on the page's origin. */
export function absoluteLink(link: string, origin: string): string {
  return new URL(link, origin).href;
}

/** What `POST /api/drills` answers. */
export interface Created {
  drill: string;
  facilitator: string;
  participant: string;
  facilitator_link: string;
  participant_link: string;
}

/** The answer of `POST /api/drills`, checked. */
export function parseCreated(body: unknown): Created | string {
  if (!isObject(body)) return `the server answered ${kind(body)}; expected an object {drill, facilitator, participant, facilitator_link, participant_link}`;
  for (const k of ['drill', 'facilitator', 'participant', 'facilitator_link', 'participant_link']) {
    if (typeof body[k] !== 'string' || !body[k]) return `the server's answer has no ${k}; expected {drill, facilitator, participant, facilitator_link, participant_link}`;
  }
  return body as unknown as Created;
}

// ---- the connection's state machine ----------------------------------------------------

export type ConnState = 'connecting' | 'online' | 'offline' | 'closed';

export interface Conn {
  state: ConnState;
  /** Reconnects tried since the last welcome. */
  attempt: number;
  /** When the next reconnect is due (ms since the epoch), while `offline`. */
  retryAt: number | null;
  /** Why it is closed, when the server refused. */
  error: WireError | null;
}

export const INITIAL_CONN: Conn = { state: 'connecting', attempt: 0, retryAt: null, error: null };

export type ConnEvent =
  /** A socket is being opened. */
  | { type: 'connect' }
  /** The server welcomed the join. */
  | { type: 'welcome' }
  /** The socket closed or failed (not asked to). */
  | { type: 'lost'; now: number; delay: number }
  /** The server refused the join for good (unknown token, forbidden, bad join). */
  | { type: 'refused'; error: WireError }
  /** The person left. */
  | { type: 'stop' };

/** The next state of a connection. */
export function connNext(c: Conn, e: ConnEvent): Conn {
  switch (e.type) {
    case 'connect':
      return c.state === 'closed' && c.error ? c : { ...c, state: 'connecting', retryAt: null, error: null };
    case 'welcome':
      return { state: 'online', attempt: 0, retryAt: null, error: null };
    case 'lost':
      if (c.state === 'closed') return c;
      return { ...c, state: 'offline', attempt: c.attempt + 1, retryAt: e.now + e.delay };
    case 'refused':
      return { state: 'closed', attempt: c.attempt, retryAt: null, error: e.error };
    case 'stop':
      return { ...c, state: 'closed', retryAt: null };
  }
}

/** The reconnect delays: 0.5 s doubling to 10 s, each between half and all of that. */
export const BACKOFF = { base: 500, factor: 2, cap: 10_000, jitter: 0.5 } as const;

/**
 * The delay before reconnect number `attempt` (0 for the first), in ms: exponential, capped,
 * with jitter (`random()` in [0, 1) takes off up to `jitter` of it), so a room of browsers
 * that lost the server together do not all come back in the same instant.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, o: { base: number; factor: number; cap: number; jitter: number } = BACKOFF): number {
  const raw = Math.min(o.cap, o.base * o.factor ** Math.max(0, attempt));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(raw * (1 - o.jitter * r));
}

/** Join errors that make retrying pointless (the link or the choice must change). */
export function isRefusal(e: WireError): boolean {
  return e.code === 'unknown-token' || e.code === 'forbidden' || e.code === 'bad-join';
}

/** The connection for people: `online`, `connecting…`, `reconnecting in 4 s`, `offline`. */
export function connText(c: Conn, now: number): string {
  switch (c.state) {
    case 'online':
      return 'online';
    case 'connecting':
      return c.attempt > 0 ? 'reconnecting…' : 'connecting…';
    case 'offline': {
      if (c.retryAt === null) return 'offline';
      const s = Math.max(0, Math.ceil((c.retryAt - now) / 1000));
      return s > 0 ? `offline: reconnecting in ${s} s` : 'offline: reconnecting…';
    }
    case 'closed':
      return c.error ? `closed: ${c.error.message}` : 'left the drill';
  }
}

// ---- the log ---------------------------------------------------------------------------

/**
 * New entries against the last sequence number held: the fresh ones in order, those
 * already held left out, and whether one is missing (a gap: the client should resume
 * from `last` to get it).
 */
export function acceptEntries(last: number, incoming: Entry[]): { fresh: Entry[]; last: number; gap: boolean } {
  const fresh: Entry[] = [];
  let gap = false;
  for (const e of [...incoming].sort((a, b) => a.seq - b.seq)) {
    if (e.seq <= last) continue;
    if (e.seq !== last + 1) {
      gap = true;
      break;
    }
    fresh.push(e);
    last = e.seq;
  }
  return { fresh, last, gap };
}

/** New entries when gaps do not matter (a participant may hear only some): those after `last`, in order. */
export function acceptAny(last: number, incoming: Entry[]): { fresh: Entry[]; last: number; gap: false } {
  const fresh = [...incoming].sort((a, b) => a.seq - b.seq).filter((e) => e.seq > last);
  return { fresh, last: fresh.length ? fresh[fresh.length - 1]!.seq : last, gap: false };
}

// ---- actions not yet taken -------------------------------------------------------------

/**
 * - `not-sent`: taken while offline; waits for the person to send it again or discard it.
 * - `sending`: sent, no answer yet.
 * - `unconfirmed`: sent, but the connection dropped (or no answer came) before the server
 *   said whether it took it.
 * - `rejected`: the server refused it (`error` says why).
 */
export type PendingState = 'not-sent' | 'sending' | 'unconfirmed' | 'rejected';

export interface Pending {
  id: string;
  action: Record<string, unknown>;
  state: PendingState;
  error: WireError | null;
  /** When it was last sent or attempted (ms since the epoch). */
  at: number;
}

export function pendingAdd(list: Pending[], p: Pending): Pending[] {
  return [...list.filter((x) => x.id !== p.id), p];
}

/** The server took it: gone from the list. */
export function pendingAck(list: Pending[], id: string): Pending[] {
  return list.filter((x) => x.id !== id);
}

export function pendingReject(list: Pending[], id: string, error: WireError): Pending[] {
  return list.map((x) => (x.id === id ? { ...x, state: 'rejected' as const, error } : x));
}

/** The connection dropped: what was sent has no answer and may or may not have been taken. */
export function pendingLost(list: Pending[]): Pending[] {
  return list.map((x) => (x.state === 'sending' ? { ...x, state: 'unconfirmed' as const } : x));
}

/** Sent long ago without an answer: unconfirmed. */
export function pendingTimeout(list: Pending[], now: number, timeout: number): Pending[] {
  return list.map((x) => (x.state === 'sending' && now - x.at >= timeout ? { ...x, state: 'unconfirmed' as const } : x));
}

export function pendingDiscard(list: Pending[], id: string): Pending[] {
  return list.filter((x) => x.id !== id);
}

/** Whether a log entry is this pending action, taken: the same fields, by this person. */
export function entryTakes(p: Pending, e: Entry, you: { name: string } | null): boolean {
  const a = e.action as unknown as Record<string, unknown>;
  if (you && typeof a.by === 'string' && a.by !== you.name) return false;
  return Object.entries(p.action).every(([k, v]) => JSON.stringify(a[k]) === JSON.stringify(v));
}

/**
 * Entries heard after a reconnect settle the unconfirmed actions they show were taken (the
 * answer was lost, not the action).
 */
export function pendingSettle(list: Pending[], entries: Entry[], you: { name: string } | null): Pending[] {
  const used = new Set<number>();
  return list.filter((p) => {
    if (p.state !== 'unconfirmed' && p.state !== 'sending') return true;
    const e = entries.find((x) => !used.has(x.seq) && entryTakes(p, x, you));
    if (!e) return true;
    used.add(e.seq);
    return false;
  });
}

/** An action in words: `route video to crisis-alert`, `respond (private) on journalist`. */
export function actionText(a: Record<string, unknown>): string {
  const what = String(a.do ?? 'action');
  const parts = [what];
  if (typeof a.visibility === 'string') parts[0] = `${what} (${a.visibility})`;
  if (typeof a.case === 'string') parts.push(`on ${a.case}`);
  if (typeof a.inject === 'string') parts.push(a.inject);
  if (typeof a.to === 'string') parts.push(`to ${a.to}`);
  if (typeof a.step === 'string') parts.push(`(${a.step})`);
  if (Array.isArray(a.roles)) parts.push(`telling ${a.roles.join(', ')}`);
  if (Array.isArray(a.tags)) parts.push(`tags ${a.tags.join(', ')}`);
  if (isObject(a.attributes)) parts.push(Object.entries(a.attributes).map(([k, v]) => `${k}=${String(v)}`).join(', '));
  if (typeof a.speed === 'number') parts.push(`×${a.speed}`);
  return parts.join(' ');
}

/** Where a pending action stands, in words. */
export function pendingText(p: Pending): string {
  switch (p.state) {
    case 'not-sent':
      return 'not sent: you were offline';
    case 'sending':
      return 'sending…';
    case 'unconfirmed':
      return 'no answer from the server: it may or may not have been taken';
    case 'rejected':
      return `refused: ${p.error?.message ?? 'the server gave no reason'}`;
  }
}

// ---- the server's clock ----------------------------------------------------------------

/**
 * The offset of the server's clock from this one (server − local, ms), from samples of
 * `server_time` taken between sending a message and hearing its answer: each sample is
 * assumed to be read at the midpoint, and the one with the shortest round trip among the
 * last few wins.
 */
export class ServerClock {
  private samples: Array<{ offset: number; rtt: number }> = [];
  constructor(private readonly keep = 8) {}

  /** Adds a sample; false when `serverTime` is not an instant. */
  sample(serverTime: string, sentAt: number, receivedAt: number): boolean {
    const s = Date.parse(serverTime);
    if (Number.isNaN(s)) return false;
    const rtt = Math.max(0, receivedAt - sentAt);
    this.samples.push({ offset: s - (sentAt + rtt / 2), rtt });
    if (this.samples.length > this.keep) this.samples.shift();
    return true;
  }

  /** Server − local, in ms (0 before any sample). */
  get offset(): number {
    let best: { offset: number; rtt: number } | undefined;
    for (const x of this.samples) if (!best || x.rtt <= best.rtt) best = x;
    return best ? Math.round(best.offset) : 0;
  }

  get known(): boolean {
    return this.samples.length > 0;
  }

  /** The server's time now, in ms since the epoch. */
  now(local: number = Date.now()): number {
    return local + this.offset;
  }
}

/** The drill's clock as views give it. */
export interface ClockLike {
  started?: boolean;
  running: boolean;
  speed: number;
  drill_mark: string;
  wall_mark: string;
}

/** Drill time (ms) at the server's wall time `wall` (ms): the core's `DrillClock::at`. */
export function drillTimeAt(c: ClockLike, wall: number): number {
  const mark = Date.parse(c.drill_mark);
  if (!c.running) return mark;
  const since = Math.max(0, wall - Date.parse(c.wall_mark));
  return mark + since * c.speed;
}

// ---- remembering who one is -----------------------------------------------------------

/** The sessionStorage key prefix of served drills joined in this tab, by drill id. */
export const SERVED_KEY = 'flowdrill.served.v1.';
/** The localStorage key prefix of the links of drills hosted in this browser, by drill id. */
export const LINKS_KEY = 'flowdrill.served.links.v1.';

/** Who one is in a drill: the person's secret, name and role. */
export interface Identity {
  drill: string;
  /** A fingerprint of the token joined with (not the token). */
  tag: string;
  person: string;
  name: string;
  role: string | null;
}

/** A short fingerprint of a token (FNV-1a, 2 × 32 bits): finds the identity of a link without storing it. */
export function tokenTag(token: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ token.length;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c ^ (a & 0xff), 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** The identity stored for a token, if any. */
export function findIdentity(storage: Storage | null, token: string): Identity | null {
  if (!storage) return null;
  const tag = tokenTag(token);
  try {
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i);
      if (!k?.startsWith(SERVED_KEY)) continue;
      const o = JSON.parse(storage.getItem(k) ?? 'null') as Partial<Identity> | null;
      if (o && o.tag === tag && typeof o.person === 'string' && typeof o.name === 'string' && typeof o.drill === 'string') {
        return { drill: o.drill, tag, person: o.person, name: o.name, role: typeof o.role === 'string' ? o.role : null };
      }
    }
  } catch {
    /* storage off */
  }
  return null;
}

export function saveIdentity(storage: Storage | null, id: Identity): void {
  try {
    storage?.setItem(SERVED_KEY + id.drill, JSON.stringify(id));
  } catch {
    /* not kept: a reload joins as a new person */
  }
}

export function forgetIdentity(storage: Storage | null, drill: string): void {
  try {
    storage?.removeItem(SERVED_KEY + drill);
  } catch {
    /* nothing kept */
  }
}

/** Forgets the identity kept for a token. */
export function forgetIdentityOf(storage: Storage | null, token: string): void {
  const id = findIdentity(storage, token);
  if (id) forgetIdentity(storage, id.drill);
}

// ---- the client ------------------------------------------------------------------------

/** The part of a WebSocket the client uses. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export interface Timers {
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
}

export interface ServedOptions {
  /** The WebSocket address (`socketUrl(server)`). */
  url: string;
  /** The token of the link. */
  token: string;
  /** Opens a socket (a real WebSocket by default). */
  socket?: SocketFactory;
  /** Where the person's secret is kept (sessionStorage by default). */
  storage?: Storage | null;
  timers?: Timers;
  /** The local clock (ms). */
  now?: () => number;
  random?: () => number;
  /** How often to ping while online (ms). */
  pingEvery?: number;
  /** How long to wait for a pong or an answer to an action before giving up on the socket or the answer (ms). */
  answerTimeout?: number;
  /** How long to wait for the welcome after opening the socket (ms). */
  joinTimeout?: number;
  /** An id for an action (random by default). */
  newId?: () => string;
}

/** What became of an action. */
export type Outcome = 'taken' | 'rejected' | 'unconfirmed' | 'not-sent' | 'discarded';

/** What changed; the view redraws what it shows of it. */
export type ServedEvent =
  | { type: 'conn' }
  | { type: 'welcome'; welcome: Welcome; first: boolean }
  | { type: 'entries'; entries: Entry[] }
  | { type: 'view' }
  | { type: 'people' }
  | { type: 'pending' }
  /** A message the server refused without naming an action, or a message that does not fit the protocol. */
  | { type: 'error'; error: WireError };

function defaultSocket(url: string): SocketLike {
  const WS = (globalThis as { WebSocket?: new (url: string) => SocketLike }).WebSocket;
  if (!WS) throw new Error('this browser has no WebSocket');
  return new WS(url);
}

function sessionStore(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

function randomId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `a-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * One person's connection to a served drill. Holds what the server said (the welcome, the
 * log, the latest participant view, the people) and what this person did that the server
 * has not taken yet; tells subscribers what changed.
 */
export class ServedDrill {
  conn: Conn = INITIAL_CONN;
  welcome: Welcome | null = null;
  /** Every log entry received, in order (the facilitator replays them). */
  log: Entry[] = [];
  /** The last sequence number held. */
  lastSeq = 0;
  /** The latest participant view, and the last entry it includes. */
  view: Record<string, unknown> | null = null;
  viewSeq = -1;
  people: Person[] = [];
  pending: Pending[] = [];
  /**
   * A participant who has not chosen a name and role yet: the server welcomed a join
   * without them (the view offers `welcome.roles` and then calls `join`).
   */
  choosing = false;
  /**
   * The roles a participant can choose from: the welcome's, or, from a server that welcomes
   * nobody before they chose, those its refusal of a join without a role lists.
   */
  roles: string[] = [];
  /** Welcomed as the person chosen (a participant) or as the facilitator. */
  joined = false;
  readonly clock = new ServerClock();

  private waiters = new Map<string, Array<{ final: boolean; f: (o: Outcome) => void }>>();
  private discarded = new Set<string>();
  private readonly opt: Required<Omit<ServedOptions, 'storage'>> & { storage: Storage | null };
  private socket: SocketLike | null = null;
  private listeners = new Set<(e: ServedEvent) => void>();
  private name: string | null = null;
  private role: string | null = null;
  private person: string | null = null;
  private retryTimer: unknown = null;
  private pingTimer: unknown = null;
  private pongTimer: unknown = null;
  private joinTimer: unknown = null;
  private answerTimer: unknown = null;
  private joinSentAt = 0;
  private pingSentAt = 0;
  private started = false;

  constructor(o: ServedOptions) {
    this.opt = {
      url: o.url,
      token: o.token,
      socket: o.socket ?? defaultSocket,
      storage: o.storage === undefined ? sessionStore() : o.storage,
      timers: o.timers ?? { setTimeout: (f, ms) => globalThis.setTimeout(f, ms), clearTimeout: (t) => globalThis.clearTimeout(t as ReturnType<typeof setTimeout>) },
      now: o.now ?? (() => Date.now()),
      random: o.random ?? Math.random,
      pingEvery: o.pingEvery ?? 20_000,
      answerTimeout: o.answerTimeout ?? 15_000,
      joinTimeout: o.joinTimeout ?? 15_000,
      newId: o.newId ?? randomId,
    };
    const id = findIdentity(this.opt.storage, o.token);
    if (id) {
      this.person = id.person;
      this.name = id.name;
      this.role = id.role;
    }
  }

  get token(): string {
    return this.opt.token;
  }

  /** Whether a name and role were chosen (or kept from an earlier join). */
  get identified(): boolean {
    return this.name !== null;
  }

  subscribe(f: (e: ServedEvent) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /**
   * What became of an action taken with `act`: `taken` (acknowledged, or seen in the log),
   * `rejected`, `unconfirmed` (the connection dropped before the answer), `not-sent`
   * (offline) or `discarded`.
   */
  outcome(id: string): Promise<Outcome> {
    return this.wait(id, false);
  }

  /** The end of an action: `taken`, `rejected` or `discarded` (after any retries). */
  settled(id: string): Promise<Extract<Outcome, 'taken' | 'rejected' | 'discarded'>> {
    return this.wait(id, true) as Promise<Extract<Outcome, 'taken' | 'rejected' | 'discarded'>>;
  }

  private wait(id: string, final: boolean): Promise<Outcome> {
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ final, f: resolve });
      this.waiters.set(id, list);
      this.resolveWaiters();
    });
  }

  private resolveWaiters(): void {
    for (const [id, ws] of this.waiters) {
      const p = this.pending.find((x) => x.id === id);
      let o: Outcome | null = null;
      if (!p) o = this.discarded.has(id) ? 'discarded' : 'taken';
      else if (p.state !== 'sending') o = p.state;
      if (o === null) continue;
      const done = o;
      const waiting = o === 'not-sent' || o === 'unconfirmed';
      const keep = ws.filter((w) => w.final && waiting);
      for (const w of ws) if (!keep.includes(w)) w.f(done);
      if (keep.length) this.waiters.set(id, keep);
      else this.waiters.delete(id);
    }
  }

  private emit(e: ServedEvent): void {
    if (e.type === 'pending') this.resolveWaiters();
    for (const f of [...this.listeners]) {
      try {
        f(e);
      } catch (err) {
        console.error('served drill: a listener failed', err);
      }
    }
  }

  private setConn(e: ConnEvent): void {
    const next = connNext(this.conn, e);
    if (next === this.conn) return;
    this.conn = next;
    this.emit({ type: 'conn' });
  }

  /** The server's time now (ms since the epoch). */
  serverNow(): number {
    return this.clock.now(this.opt.now());
  }

  /** Connects (once). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.open();
  }

  /**
   * Joins with a name and role (a participant's choice), as a new connection. The person's
   * secret of an earlier join is kept only when the name and role are the same.
   */
  join(name: string, role: string | null): void {
    if (this.name !== name || this.role !== role) this.person = null;
    this.name = name;
    this.role = role;
    this.choosing = false;
    this.joined = false;
    this.conn = { ...this.conn, error: null, attempt: 0 };
    this.started = true;
    this.drop();
    this.open();
  }

  /** Reconnects now instead of waiting (after `offline`, or the browser came back online). */
  reconnectNow(): void {
    if (this.conn.state !== 'offline') return;
    this.clear('retryTimer');
    this.open();
  }

  /** Leaves the drill: closes the socket, no reconnect. */
  stop(): void {
    this.drop();
    this.clear('retryTimer');
    this.setConn({ type: 'stop' });
  }

  /**
   * Takes an action: sends it when online, else keeps it as not sent. Returns its entry in
   * the pending list.
   */
  act(input: Record<string, unknown>): Pending {
    const msg = actMessage(this.opt.newId(), input) as Extract<ClientMsg, { type: 'act' }>;
    const online = this.conn.state === 'online' && this.socket !== null;
    const p: Pending = { id: msg.id, action: msg.action, state: online ? 'sending' : 'not-sent', error: null, at: this.opt.now() };
    this.pending = pendingAdd(this.pending, p);
    if (online) this.sendAct(p);
    this.emit({ type: 'pending' });
    return p;
  }

  /**
   * Sends a pending action again, under the same id: it is the same action, so an answer to
   * an earlier send that was lost in transit settles it just as well.
   */
  retry(id: string): Pending | null {
    const p = this.pending.find((x) => x.id === id);
    if (!p) return null;
    const online = this.conn.state === 'online' && this.socket !== null;
    const again: Pending = { ...p, state: online ? 'sending' : 'not-sent', error: null, at: this.opt.now() };
    this.pending = this.pending.map((x) => (x.id === id ? again : x));
    if (online) this.sendAct(again);
    this.emit({ type: 'pending' });
    return again;
  }

  discard(id: string): void {
    if (!this.pending.some((x) => x.id === id)) return;
    this.discarded.add(id);
    this.pending = pendingDiscard(this.pending, id);
    this.emit({ type: 'pending' });
  }

  private sendAct(p: Pending): void {
    this.send({ type: 'act', id: p.id, action: p.action });
    this.armAnswerTimer();
  }

  private armAnswerTimer(): void {
    if (this.answerTimer !== null) return;
    this.answerTimer = this.opt.timers.setTimeout(() => {
      this.answerTimer = null;
      const before = this.pending;
      this.pending = pendingTimeout(this.pending, this.opt.now(), this.opt.answerTimeout);
      if (this.pending.some((x, i) => x !== before[i])) this.emit({ type: 'pending' });
      if (this.pending.some((x) => x.state === 'sending')) this.armAnswerTimer();
    }, this.opt.answerTimeout);
  }

  private send(m: ClientMsg): boolean {
    if (!this.socket) return false;
    try {
      this.socket.send(JSON.stringify(m));
      return true;
    } catch {
      return false;
    }
  }

  private clear(which: 'retryTimer' | 'pingTimer' | 'pongTimer' | 'joinTimer' | 'answerTimer'): void {
    const t = this[which];
    if (t !== null) this.opt.timers.clearTimeout(t);
    this[which] = null;
  }

  /** Closes the current socket without reacting to its close. */
  private drop(): void {
    const s = this.socket;
    this.socket = null;
    for (const t of ['pingTimer', 'pongTimer', 'joinTimer'] as const) this.clear(t);
    if (!s) return;
    s.onopen = s.onmessage = s.onclose = s.onerror = null;
    try {
      s.close(1000, 'bye');
    } catch {
      /* already closed */
    }
  }

  private open(): void {
    this.drop();
    this.setConn({ type: 'connect' });
    if (this.conn.state === 'closed') return;
    let s: SocketLike;
    try {
      s = this.opt.socket(this.opt.url);
    } catch (e) {
      this.lost(`the connection could not be opened: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.socket = s;
    s.onopen = () => {
      if (this.socket !== s) return;
      this.joinSentAt = this.opt.now();
      this.send(joinMessage(this.opt.token, { name: this.name, role: this.role, person: this.person, after: this.lastSeq }));
      this.joinTimer = this.opt.timers.setTimeout(() => {
        this.joinTimer = null;
        if (this.socket === s && this.conn.state === 'connecting') this.lost('the server did not answer the join');
      }, this.opt.joinTimeout);
    };
    s.onmessage = (ev) => {
      if (this.socket === s) this.hear(ev.data);
    };
    s.onclose = () => {
      if (this.socket === s) this.lost();
    };
    s.onerror = () => {
      if (this.socket === s) this.lost();
    };
  }

  /** The socket is gone: schedule a reconnect (unless closed for good). */
  private lost(why?: string): void {
    this.drop();
    if (why) console.warn(`served drill: ${why}`);
    const before = this.pending;
    this.pending = pendingLost(this.pending);
    if (this.pending.some((x, i) => x !== before[i])) this.emit({ type: 'pending' });
    if (this.conn.state === 'closed') return;
    const delay = backoffDelay(this.conn.attempt, this.opt.random);
    this.setConn({ type: 'lost', now: this.opt.now(), delay });
    this.clear('retryTimer');
    this.retryTimer = this.opt.timers.setTimeout(() => {
      this.retryTimer = null;
      if (this.conn.state === 'offline') this.open();
    }, delay);
  }

  private schedulePing(): void {
    this.clear('pingTimer');
    this.pingTimer = this.opt.timers.setTimeout(() => {
      this.pingTimer = null;
      if (this.conn.state !== 'online') return;
      this.pingSentAt = this.opt.now();
      this.send({ type: 'ping' });
      this.clear('pongTimer');
      this.pongTimer = this.opt.timers.setTimeout(() => {
        this.pongTimer = null;
        this.lost('no pong from the server');
      }, this.opt.answerTimeout);
    }, this.opt.pingEvery);
  }

  /** One message from the server. */
  hear(data: unknown): void {
    const r = parseServerMsg(data);
    if (!r.ok) {
      console.warn(`served drill: ${r.error}`);
      this.emit({ type: 'error', error: { code: 'bad-message', message: r.error } });
      return;
    }
    const m = r.msg;
    const now = this.opt.now();
    switch (m.type) {
      case 'welcome': {
        this.clear('joinTimer');
        this.clock.sample(m.server_time, this.joinSentAt || now, now);
        const first = this.welcome === null || this.welcome.drill !== m.drill;
        if (this.welcome && this.welcome.drill !== m.drill) {
          // Another drill on the same token: start its log afresh.
          this.log = [];
          this.lastSeq = 0;
          this.view = null;
          this.viewSeq = -1;
        }
        this.welcome = m;
        this.people = m.people;
        if (m.roles.length) this.roles = m.roles;
        this.choosing = m.rights === 'participant' && this.name === null;
        this.joined = !this.choosing;
        if (!this.choosing) {
          this.person = m.you.person;
          if (m.rights === 'participant') {
            this.name = m.you.name;
            this.role = m.you.role ?? this.role;
            saveIdentity(this.opt.storage, { drill: m.drill, tag: tokenTag(this.opt.token), person: m.you.person, name: m.you.name, role: this.role });
          }
        }
        this.setConn({ type: 'welcome' });
        this.schedulePing();
        this.emit({ type: 'welcome', welcome: m, first });
        // Actions taken while offline wait for the person; nothing is sent behind their back.
        return;
      }
      case 'entries':
      case 'entry': {
        const incoming = m.type === 'entries' ? m.entries : [{ seq: m.seq, action: m.action }];
        // The facilitator replays the log, so it needs every entry: a gap means resuming
        // from the last one held. A participant only needs to know how far it got.
        const whole = this.welcome?.rights !== 'participant';
        const { fresh, last, gap } = whole ? acceptEntries(this.lastSeq, incoming) : acceptAny(this.lastSeq, incoming);
        if (fresh.length) {
          this.lastSeq = last;
          this.log.push(...fresh);
          const before = this.pending;
          this.pending = pendingSettle(this.pending, fresh, this.welcome ? { name: this.welcome.you.name } : null);
          this.emit({ type: 'entries', entries: fresh });
          if (this.pending.length !== before.length) this.emit({ type: 'pending' });
        }
        if (gap) this.resync();
        return;
      }
      case 'ack': {
        const had = this.pending.some((x) => x.id === m.id);
        this.pending = pendingAck(this.pending, m.id);
        if (had) this.emit({ type: 'pending' });
        return;
      }
      case 'rejected': {
        if (m.id !== null && this.pending.some((x) => x.id === m.id)) {
          this.pending = pendingReject(this.pending, m.id, m.error);
          this.emit({ type: 'pending' });
          return;
        }
        if (this.conn.state !== 'online' && isRefusal(m.error)) {
          // The join was refused: a wrong link, or a name or role the server would not take.
          const resumed = this.person !== null;
          this.person = null;
          if (m.error.code === 'bad-join') {
            if (m.error.roles?.length) this.roles = m.error.roles;
            forgetIdentityOf(this.opt.storage, this.opt.token);
            this.name = null;
            this.role = null;
            if (resumed) {
              // The server no longer knows the person kept from an earlier visit: join
              // afresh, and let them choose again.
              this.open();
              return;
            }
          }
          this.drop();
          this.clear('retryTimer');
          this.setConn({ type: 'refused', error: m.error });
          return;
        }
        this.emit({ type: 'error', error: m.error });
        return;
      }
      case 'view': {
        if (m.seq !== null && m.seq < this.viewSeq) return;
        this.view = m.view;
        this.viewSeq = m.seq ?? this.viewSeq;
        if (m.seq !== null && m.seq > this.lastSeq && this.welcome?.rights === 'participant') this.lastSeq = Math.max(this.lastSeq, m.seq);
        this.emit({ type: 'view' });
        return;
      }
      case 'people':
        this.people = m.people;
        this.emit({ type: 'people' });
        return;
      case 'pong':
        this.clear('pongTimer');
        this.clock.sample(m.server_time, this.pingSentAt || now, now);
        this.schedulePing();
        return;
    }
  }

  /** An entry is missing: come back from the last one held. */
  private resync(): void {
    console.warn(`served drill: an entry after ${this.lastSeq} is missing; resuming from there`);
    this.open();
  }
}
