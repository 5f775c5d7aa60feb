// A served team drill's client, without a DOM or a real socket: message validation, the
// connection's state machine and backoff, resuming with `after` and `person`, the actions
// not taken yet (offline, unanswered, refused) and the server's clock.
import { describe, expect, it } from 'vitest';
import {
  BACKOFF,
  type Entry,
  INITIAL_CONN,
  type Pending,
  ServedDrill,
  ServerClock,
  type SocketLike,
  acceptAny,
  acceptEntries,
  actMessage,
  actionText,
  backoffDelay,
  connNext,
  connText,
  drillTimeAt,
  entryTakes,
  findIdentity,
  httpError,
  joinMessage,
  joinToken,
  parseCreated,
  parseServerMsg,
  pendingLost,
  pendingSettle,
  pendingText,
  socketUrl,
  tokenTag,
} from '../../src/drillServer';
import type { DrillAction } from '../../src/types';

// ---- fakes ---------------------------------------------------------------------------------

class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  get length(): number {
    return this.m.size;
  }
  clear(): void {
    this.m.clear();
  }
  getItem(k: string): string | null {
    return this.m.get(k) ?? null;
  }
  key(i: number): string | null {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string): void {
    this.m.delete(k);
  }
  setItem(k: string, v: string): void {
    this.m.set(k, String(v));
  }
}

/** A clock and timers that move only when told. */
class FakeTime {
  now = Date.parse('2026-03-04T21:00:00.000Z');
  private next = 1;
  private timers = new Map<number, { at: number; f: () => void }>();
  readonly timersApi = {
    setTimeout: (f: () => void, ms: number) => {
      const id = this.next++;
      this.timers.set(id, { at: this.now + ms, f });
      return id;
    },
    clearTimeout: (id: unknown) => {
      this.timers.delete(id as number);
    },
  };
  /** Moves time on by `ms`, running the timers due, in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let best: [number, { at: number; f: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!best || e[1].at < best[1].at)) best = e;
      if (!best) break;
      this.timers.delete(best[0]);
      this.now = best[1].at;
      best[1].f();
    }
    this.now = end;
  }
  pending(): number {
    return this.timers.size;
  }
}

class FakeSocket implements SocketLike {
  sent: unknown[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    if (this.closed) throw new Error('closed');
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
  }
  // The server's side.
  open(): void {
    this.onopen?.({});
  }
  say(m: unknown): void {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  drop(): void {
    this.closed = true;
    this.onclose?.({});
  }
}

const SERVER_TIME = '2026-03-04T21:00:00.200Z';

function welcome(o: { rights?: 'facilitator' | 'participant'; name?: string; role?: string | null; person?: string; drill?: string; server_time?: string } = {}) {
  return {
    type: 'welcome',
    drill: o.drill ?? 'd1',
    rights: o.rights ?? 'participant',
    you: { name: o.name ?? 'Ana', ...(o.role === null ? {} : { role: o.role ?? 'community-manager' }), person: o.person ?? 'secret-1' },
    people: [{ name: 'facilitator', online: true }],
    server_time: o.server_time ?? SERVER_TIME,
    roles: ['community-manager', 'corp-comms'],
    title: 'A complaint video goes viral',
    ...(o.rights === 'facilitator' ? { setup: { workflow: '{}', scenario: '{}' } } : {}),
  };
}

const route: DrillAction = { at: '2026-03-04T21:00:01.000Z', by: 'Ana', role: 'community-manager', do: 'route', case: 'video', to: 'crisis-alert' };
const start: DrillAction = { at: '2026-03-04T21:00:00.500Z', by: 'facilitator', do: 'start', speed: 60 };

function setup(o: { storage?: Storage; random?: number; token?: string } = {}) {
  const time = new FakeTime();
  const sockets: FakeSocket[] = [];
  let n = 0;
  const client = new ServedDrill({
    url: 'ws://127.0.0.1:8080/api/ws',
    token: o.token ?? 'tok-participant',
    socket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    storage: o.storage ?? new MemoryStorage(),
    timers: time.timersApi,
    now: () => time.now,
    random: () => o.random ?? 0,
    newId: () => `a${++n}`,
  });
  const events: string[] = [];
  client.subscribe((e) => events.push(e.type));
  const last = () => sockets[sockets.length - 1]!;
  return { time, sockets, client, events, last };
}

// ---- messages -----------------------------------------------------------------------------

describe('server messages', () => {
  it('reads every message of the protocol', () => {
    const w = parseServerMsg(JSON.stringify(welcome({ rights: 'facilitator' })));
    expect(w.ok && w.msg.type === 'welcome' && w.msg.setup).toEqual({ workflow: '{}', scenario: '{}' });
    const entries = parseServerMsg({ type: 'entries', entries: [{ seq: 1, action: start }] });
    expect(entries).toEqual({ ok: true, msg: { type: 'entries', entries: [{ seq: 1, action: start }] } });
    expect(parseServerMsg({ type: 'entry', seq: 2, action: route })).toEqual({ ok: true, msg: { type: 'entry', seq: 2, action: route } });
    expect(parseServerMsg({ type: 'ack', id: 'a1', seq: 2 })).toEqual({ ok: true, msg: { type: 'ack', id: 'a1', seq: 2 } });
    expect(parseServerMsg({ type: 'rejected', error: { code: 'flood', message: 'slow down' } })).toEqual({ ok: true, msg: { type: 'rejected', id: null, error: { code: 'flood', message: 'slow down' } } });
    expect(parseServerMsg({ type: 'view', view: { cases: [] }, seq: 3 })).toEqual({ ok: true, msg: { type: 'view', view: { cases: [] }, seq: 3 } });
    expect(parseServerMsg({ type: 'people', people: [{ name: 'Ana', role: 'legal', online: false }] })).toEqual({ ok: true, msg: { type: 'people', people: [{ name: 'Ana', role: 'legal', online: false }] } });
    expect(parseServerMsg({ type: 'pong', server_time: SERVER_TIME })).toEqual({ ok: true, msg: { type: 'pong', server_time: SERVER_TIME } });
  });

  it('says which field is wrong and what was expected', () => {
    const bad = (m: unknown) => {
      const r = parseServerMsg(m);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error;
    };
    expect(bad('{nope')).toMatch(/not JSON.*expected a JSON object with a "type"/);
    expect(bad([1])).toMatch(/a server message is a list; expected a JSON object/);
    expect(bad({ type: 'hello' })).toMatch(/message\.type is the text "hello"; expected welcome, entries, entry, ack, rejected, view, people or pong/);
    expect(bad({ ...welcome(), rights: 'admin' })).toMatch(/welcome\.rights is the text "admin"; expected "facilitator" or "participant"/);
    expect(bad({ ...welcome(), server_time: 'yesterday' })).toMatch(/welcome\.server_time is the text "yesterday"; expected an RFC 3339 instant/);
    expect(bad({ ...welcome(), you: { name: 'Ana' } })).toMatch(/welcome\.you\.person is missing; expected text/);
    expect(bad({ type: 'entries', entries: [{ seq: -1, action: start }] })).toMatch(/entries\.entries\[0\]\.seq is number -1; expected a whole number/);
    expect(bad({ type: 'entry', seq: 1, action: { at: 'x' } })).toMatch(/entry\.action\.do is missing; expected text/);
    expect(bad({ type: 'rejected', id: 'a1', error: 'no' })).toMatch(/rejected\.error is the text "no"; expected an error \{code, message\}/);
    expect(bad({ type: 'view', view: [] })).toMatch(/view\.view is a list; expected an object/);
  });

  it('ignores fields it does not know', () => {
    const r = parseServerMsg({ type: 'ack', id: 'a1', seq: 1, extra: true });
    expect(r).toEqual({ ok: true, msg: { type: 'ack', id: 'a1', seq: 1 } });
  });

  it('writes join and act messages the server accepts (no stamped or empty fields)', () => {
    expect(joinMessage('t', { after: 0 })).toEqual({ type: 'join', token: 't', after: 0 });
    expect(joinMessage('t', { name: 'Ana', role: 'legal', person: 'p', after: 7.9 })).toEqual({ type: 'join', token: 't', name: 'Ana', role: 'legal', person: 'p', after: 7 });
    expect(actMessage('a1', { at: 'x', by: 'y', role: 'z', do: 'route', case: 'video', to: 'crisis-alert', step: undefined })).toEqual({
      type: 'act',
      id: 'a1',
      action: { do: 'route', case: 'video', to: 'crisis-alert' },
    });
  });

  it('reads links, addresses and HTTP answers', () => {
    expect(joinToken('#join=abc_DEF-123')).toBe('abc_DEF-123');
    expect(joinToken('join=a%2Bb')).toBe('a+b');
    expect(joinToken('#drill')).toBeNull();
    expect(joinToken('#join=')).toBeNull();
    expect(socketUrl('http://127.0.0.1:8080/#join=x')).toBe('ws://127.0.0.1:8080/api/ws');
    expect(socketUrl('https://drills.example.com/app/')).toBe('wss://drills.example.com/api/ws');
    expect(httpError({ error: { code: 'invalid', message: 'scenario: no such node' } })).toEqual({ code: 'invalid', message: 'scenario: no such node' });
    expect(httpError({ drill: 'x' })).toBeNull();
    expect(parseCreated({ drill: 'd', facilitator: 'f', participant: 'p', facilitator_link: '/#join=f', participant_link: '/#join=p' })).toEqual({
      drill: 'd',
      facilitator: 'f',
      participant: 'p',
      facilitator_link: '/#join=f',
      participant_link: '/#join=p',
    });
    expect(parseCreated({ drill: 'd' })).toMatch(/has no facilitator/);
  });
});

// ---- the connection -----------------------------------------------------------------------

describe('reconnecting', () => {
  it('backs off exponentially from 0.5 s to 10 s, with jitter of up to half', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 12].map((n) => backoffDelay(n, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
    expect([0, 1, 5].map((n) => backoffDelay(n, () => 0.999999))).toEqual([250, 500, 5000]);
    for (let n = 0; n < 8; n++) {
      const d = backoffDelay(n);
      const raw = Math.min(BACKOFF.cap, BACKOFF.base * 2 ** n);
      expect(d).toBeGreaterThanOrEqual(raw / 2);
      expect(d).toBeLessThanOrEqual(raw);
    }
  });

  it('moves through connecting, online, offline and closed', () => {
    let c = connNext(INITIAL_CONN, { type: 'connect' });
    expect(c.state).toBe('connecting');
    c = connNext(c, { type: 'lost', now: 1000, delay: 500 });
    expect(c).toEqual({ state: 'offline', attempt: 1, retryAt: 1500, error: null });
    expect(connText(c, 1000)).toBe('offline: reconnecting in 1 s');
    c = connNext(c, { type: 'connect' });
    expect(connText(c, 1500)).toBe('reconnecting…');
    c = connNext(c, { type: 'lost', now: 2000, delay: 1000 });
    expect(c.attempt).toBe(2);
    c = connNext(c, { type: 'welcome' });
    expect(c).toEqual({ state: 'online', attempt: 0, retryAt: null, error: null });
    expect(connText(c, 0)).toBe('online');
    const refused = connNext(c, { type: 'refused', error: { code: 'unknown-token', message: 'no drill has this token' } });
    expect(refused.state).toBe('closed');
    // Closed for good: neither a lost socket nor a connect reopens it.
    expect(connNext(refused, { type: 'lost', now: 0, delay: 1 })).toBe(refused);
    expect(connNext(refused, { type: 'connect' })).toBe(refused);
    expect(connNext(c, { type: 'stop' }).state).toBe('closed');
  });

  it('joins on open, and after a drop reconnects on the backoff schedule, resuming with after and person', () => {
    const storage = new MemoryStorage();
    const { time, sockets, client, last } = setup({ storage });
    client.start();
    expect(client.conn.state).toBe('connecting');
    expect(last().url).toBe('ws://127.0.0.1:8080/api/ws');
    last().open();
    // No name chosen yet: a join without name and role, to learn the roles.
    expect(last().sent).toEqual([{ type: 'join', token: 'tok-participant', after: 0 }]);
    last().say(welcome({ name: 'guest' }));
    expect(client.conn.state).toBe('online');
    expect(client.choosing).toBe(true);
    expect(client.welcome?.roles).toEqual(['community-manager', 'corp-comms']);

    // The person chooses: a new connection with name and role.
    client.join('Ana', 'community-manager');
    expect(sockets[0]!.closed).toBe(true);
    last().open();
    expect(last().sent).toEqual([{ type: 'join', token: 'tok-participant', name: 'Ana', role: 'community-manager', after: 0 }]);
    last().say(welcome());
    expect(client.choosing).toBe(false);
    expect(findIdentity(storage, 'tok-participant')).toEqual({ drill: 'd1', tag: tokenTag('tok-participant'), person: 'secret-1', name: 'Ana', role: 'community-manager' });
    last().say({ type: 'entries', entries: [{ seq: 1, action: start }, { seq: 2, action: route }] });
    last().say({ type: 'view', view: { cases: [] }, seq: 2 });
    expect(client.lastSeq).toBe(2);

    // Dropped: offline, a reconnect after 0.5 s, then 1 s, 2 s… until a welcome.
    const before = sockets.length;
    last().drop();
    expect(client.conn.state).toBe('offline');
    expect(client.conn.retryAt).toBe(time.now + 500);
    time.advance(499);
    expect(sockets.length).toBe(before);
    time.advance(1);
    expect(sockets.length).toBe(before + 1);
    expect(client.conn.state).toBe('connecting');
    last().drop();
    expect(client.conn.retryAt).toBe(time.now + 1000);
    time.advance(1000);
    last().drop();
    expect(client.conn.retryAt).toBe(time.now + 2000);
    time.advance(2000);
    last().open();
    // Resumes: the same person, from the last entry held.
    expect(last().sent).toEqual([{ type: 'join', token: 'tok-participant', name: 'Ana', role: 'community-manager', person: 'secret-1', after: 2 }]);
    last().say(welcome());
    expect(client.conn).toEqual({ state: 'online', attempt: 0, retryAt: null, error: null });
  });

  it('a reload (a new client in the same tab) comes back as the same person', () => {
    const storage = new MemoryStorage();
    const a = setup({ storage });
    a.client.join('Ana', 'corp-comms');
    a.last().open();
    a.last().say(welcome({ role: 'corp-comms', person: 'secret-9' }));
    const b = setup({ storage });
    b.client.start();
    b.last().open();
    expect(b.last().sent).toEqual([{ type: 'join', token: 'tok-participant', name: 'Ana', role: 'corp-comms', person: 'secret-9', after: 0 }]);
    expect(b.client.identified).toBe(true);
    // Another link's token finds nothing.
    expect(findIdentity(storage, 'another-token')).toBeNull();
  });

  it('gives up on a refused link, and asks again for a name and role the server did not take', () => {
    const { time, client, last, sockets } = setup();
    client.start();
    last().open();
    last().say({ type: 'rejected', error: { code: 'unknown-token', message: 'no drill has this token' } });
    expect(client.conn.state).toBe('closed');
    expect(client.conn.error?.code).toBe('unknown-token');
    const n = sockets.length;
    last().drop();
    time.advance(60_000);
    expect(sockets.length).toBe(n);

    const b = setup();
    b.client.join('Ana', 'no-such-role');
    b.last().open();
    b.last().say({ type: 'rejected', error: { code: 'bad-join', message: 'role "no-such-role" is not one of the workflow\'s roles' } });
    expect(b.client.conn.state).toBe('closed');
    expect(b.client.identified).toBe(false);
    b.client.join('Ana', 'corp-comms');
    expect(b.client.conn.state).toBe('connecting');
    b.last().open();
    expect(b.last().sent).toEqual([{ type: 'join', token: 'tok-participant', name: 'Ana', role: 'corp-comms', after: 0 }]);
  });

  it('learns the roles from the refusal of a join without a name or role, then joins with both', () => {
    const { client, last } = setup();
    client.start();
    last().open();
    const roles = ['community-manager', 'social-lead', 'legal'];
    last().say({ type: 'rejected', error: { code: 'bad-join', message: 'a participant joins with a name ("name"): the log records each action by it', roles } });
    expect(client.conn.state).toBe('closed');
    expect(client.roles).toEqual(roles);
    client.join('Ana', 'legal');
    last().open();
    expect(last().sent).toEqual([{ type: 'join', token: 'tok-participant', name: 'Ana', role: 'legal', after: 0 }]);
    last().say(welcome({ role: 'legal' }));
    expect(client.joined).toBe(true);
  });

  it('reads the roles a refused join offers, and refuses roles that are not a list of ids', () => {
    const refused = { type: 'rejected', error: { code: 'bad-join', message: 'a participant joins with a name', roles: ['legal', 'corp-comms'] } };
    const r = parseServerMsg(JSON.stringify(refused));
    expect(r.ok && r.msg.type === 'rejected' ? r.msg.error.roles : null).toEqual(['legal', 'corp-comms']);
    const bad = parseServerMsg(JSON.stringify({ ...refused, error: { ...refused.error, roles: 'legal' } }));
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error).toContain('rejected.error.roles');
  });

  it('a person the server forgot joins afresh and chooses again', () => {
    const storage = new MemoryStorage();
    const a = setup({ storage });
    a.client.join('Ana', 'corp-comms');
    a.last().open();
    a.last().say(welcome({ role: 'corp-comms' }));
    const b = setup({ storage });
    b.client.start();
    b.last().open();
    b.last().say({ type: 'rejected', error: { code: 'bad-join', message: 'unknown person' } });
    // Forgotten, and joining again without a name to learn the roles.
    expect(findIdentity(storage, 'tok-participant')).toBeNull();
    expect(b.client.conn.state).toBe('connecting');
    b.last().open();
    expect(b.last().sent).toEqual([{ type: 'join', token: 'tok-participant', after: 0 }]);
  });

  it('pings while online; no pong within the answer timeout counts as a drop', () => {
    const { time, client, last, sockets } = setup();
    client.join('Ana', 'corp-comms');
    last().open();
    last().say(welcome());
    time.advance(20_000);
    expect(last().sent.at(-1)).toEqual({ type: 'ping' });
    last().say({ type: 'pong', server_time: new Date(time.now + 5000).toISOString() });
    time.advance(20_000);
    expect(last().sent.filter((m) => (m as { type: string }).type === 'ping').length).toBe(2);
    const n = sockets.length;
    time.advance(15_000);
    expect(client.conn.state).toBe('offline');
    time.advance(500);
    expect(sockets.length).toBe(n + 1);
  });

  it('no welcome within the join timeout counts as a drop', () => {
    const { time, client, last } = setup();
    client.start();
    last().open();
    time.advance(15_000);
    expect(client.conn.state).toBe('offline');
  });

  it('stop closes for good', () => {
    const { time, client, last, sockets } = setup();
    client.start();
    last().open();
    last().say(welcome({ name: 'x' }));
    client.stop();
    expect(client.conn.state).toBe('closed');
    expect(last().closed).toBe(true);
    time.advance(60_000);
    expect(sockets.length).toBe(1);
  });

  it('a message that does not fit the protocol is reported, not obeyed', () => {
    const { client, last, events } = setup();
    let said = '';
    client.subscribe((e) => {
      if (e.type === 'error') said = e.error.message;
    });
    client.start();
    last().open();
    last().onmessage?.({ data: '{"type":"welcome"}' });
    expect(client.conn.state).toBe('connecting');
    expect(events).toContain('error');
    expect(said).toMatch(/welcome\.rights is missing; expected "facilitator" or "participant"/);
  });
});

// ---- the log ------------------------------------------------------------------------------

describe('the log', () => {
  const e = (seq: number): Entry => ({ seq, action: { ...start, at: `2026-03-04T21:00:0${seq}.000Z` } });

  it('keeps entries once, in order, and finds gaps', () => {
    expect(acceptEntries(0, [e(2), e(1)])).toEqual({ fresh: [e(1), e(2)], last: 2, gap: false });
    expect(acceptEntries(2, [e(1), e(2), e(3)])).toEqual({ fresh: [e(3)], last: 3, gap: false });
    expect(acceptEntries(2, [e(4), e(5)])).toEqual({ fresh: [], last: 2, gap: true });
    expect(acceptEntries(2, [e(3), e(5)])).toEqual({ fresh: [e(3)], last: 3, gap: true });
    expect(acceptAny(2, [e(5), e(1)])).toEqual({ fresh: [e(5)], last: 5, gap: false });
  });

  it('a facilitator missing an entry resumes from the last one held', () => {
    const { client, last, sockets } = setup({ token: 'tok-facilitator' });
    client.start();
    last().open();
    last().say(welcome({ rights: 'facilitator', name: 'facilitator', role: null }));
    expect(client.choosing).toBe(false);
    last().say({ type: 'entries', entries: [e(1), e(2)] });
    last().say({ type: 'entry', ...e(2) });
    expect(client.log.map((x) => x.seq)).toEqual([1, 2]);
    const n = sockets.length;
    last().say({ type: 'entry', ...e(4) });
    expect(sockets.length).toBe(n + 1);
    last().open();
    expect(last().sent).toEqual([{ type: 'join', token: 'tok-facilitator', person: 'secret-1', after: 2 }]);
    last().say(welcome({ rights: 'facilitator', name: 'facilitator', role: null }));
    last().say({ type: 'entries', entries: [e(3), e(4)] });
    expect(client.log.map((x) => x.seq)).toEqual([1, 2, 3, 4]);
  });

  it('a participant takes the views in order and keeps the newest', () => {
    const { client, last } = setup();
    client.join('Ana', 'corp-comms');
    last().open();
    last().say(welcome());
    last().say({ type: 'view', view: { title: 'b' }, seq: 5 });
    last().say({ type: 'view', view: { title: 'a' }, seq: 4 });
    expect(client.view).toEqual({ title: 'b' });
    expect(client.lastSeq).toBe(5);
  });
});

// ---- actions not taken yet ----------------------------------------------------------------

describe('actions not taken yet', () => {
  function online() {
    const t = setup();
    t.client.join('Ana', 'community-manager');
    t.last().open();
    t.last().say(welcome());
    return t;
  }
  const act = { do: 'route', case: 'video', to: 'crisis-alert' };

  it('sends an action when online and forgets it once acknowledged', async () => {
    const { client, last } = online();
    const p = client.act(act);
    expect(p.state).toBe('sending');
    expect(last().sent.at(-1)).toEqual({ type: 'act', id: 'a1', action: act });
    const outcome = client.outcome(p.id);
    last().say({ type: 'ack', id: 'a1', seq: 3 });
    expect(client.pending).toEqual([]);
    expect(await outcome).toBe('taken');
  });

  it('keeps a refused action with the server’s message', async () => {
    const { client, last } = online();
    const p = client.act(act);
    last().say({ type: 'rejected', id: p.id, error: { code: 'invalid', message: 'post "video" is not at a decision' } });
    expect(client.pending).toMatchObject([{ id: 'a1', state: 'rejected', error: { code: 'invalid', message: 'post "video" is not at a decision' } }]);
    expect(pendingText(client.pending[0]!)).toBe('refused: post "video" is not at a decision');
    expect(await client.outcome(p.id)).toBe('rejected');
  });

  it('never drops an action taken offline: it waits as not sent, and is sent again only when asked', async () => {
    const { client, last, sockets } = online();
    last().drop();
    const p = client.act(act);
    expect(p.state).toBe('not-sent');
    expect(await client.outcome(p.id)).toBe('not-sent');
    expect(pendingText(p)).toBe('not sent: you were offline');
    // Back online: still waiting for the person.
    const sock = sockets.length;
    client.reconnectNow();
    expect(sockets.length).toBe(sock + 1);
    last().open();
    last().say(welcome());
    expect(client.pending.map((x) => x.state)).toEqual(['not-sent']);
    expect(last().sent.filter((m) => (m as { type: string }).type === 'act')).toEqual([]);
    const settled = client.settled(p.id);
    const again = client.retry(p.id)!;
    expect(again).toMatchObject({ id: p.id, state: 'sending' });
    expect(last().sent.at(-1)).toEqual({ type: 'act', id: p.id, action: act });
    last().say({ type: 'ack', id: p.id, seq: 3 });
    expect(client.pending).toEqual([]);
    expect(await settled).toBe('taken');
  });

  it('an action whose answer was lost with the connection is unconfirmed, and settled by the log', async () => {
    const { client, last } = online();
    const p = client.act(act);
    last().drop();
    expect(client.pending.map((x) => x.state)).toEqual(['unconfirmed']);
    expect(await client.outcome(p.id)).toBe('unconfirmed');
    client.reconnectNow();
    last().open();
    last().say(welcome());
    // The log after the last entry held shows it was taken.
    last().say({ type: 'entries', entries: [{ seq: 1, action: route }] });
    expect(client.pending).toEqual([]);
  });

  it('an unconfirmed action not in the log stays, to retry or discard', async () => {
    const { client, last } = online();
    const p = client.act(act);
    last().drop();
    client.reconnectNow();
    last().open();
    last().say(welcome());
    last().say({ type: 'entries', entries: [{ seq: 1, action: { ...route, by: 'Bo' } }] });
    expect(client.pending.map((x) => x.state)).toEqual(['unconfirmed']);
    const settled = client.settled(p.id);
    client.discard(p.id);
    expect(client.pending).toEqual([]);
    expect(await settled).toBe('discarded');
  });

  it('an action without an answer for too long becomes unconfirmed', () => {
    const { client, time } = online();
    client.act(act);
    time.advance(15_000);
    expect(client.pending.map((x) => x.state)).toEqual(['unconfirmed']);
  });

  it('pure helpers', () => {
    const p: Pending = { id: 'x', action: act, state: 'sending', error: null, at: 0 };
    expect(pendingLost([p])[0]!.state).toBe('unconfirmed');
    expect(entryTakes(p, { seq: 1, action: route }, { name: 'Ana' })).toBe(true);
    expect(entryTakes(p, { seq: 1, action: route }, { name: 'Bo' })).toBe(false);
    expect(entryTakes(p, { seq: 1, action: { ...route, to: 'media-desk' } }, null)).toBe(false);
    // One entry settles one action: the same action twice needs two entries.
    expect(pendingSettle([p, { ...p, id: 'y' }], [{ seq: 1, action: route }], { name: 'Ana' }).map((x) => x.id)).toEqual(['y']);
    expect(actionText(act)).toBe('route on video to crisis-alert');
    expect(actionText({ do: 'respond', case: 'journalist', visibility: 'private' })).toBe('respond (private) on journalist');
    expect(actionText({ do: 'notify', case: 'video', roles: ['legal', 'corp-comms'] })).toBe('notify on video telling legal, corp-comms');
  });
});

// ---- the server's clock -------------------------------------------------------------------

describe('the server clock', () => {
  it('estimates the offset from the sample with the shortest round trip', () => {
    const c = new ServerClock();
    expect(c.offset).toBe(0);
    // Sent at 1000, answered at 1400 (rtt 400), server said 6200: offset 5000.
    c.sample(new Date(6200).toISOString(), 1000, 1400);
    expect(c.offset).toBe(5000);
    // A better sample (rtt 20) wins.
    c.sample(new Date(7010 + 4990).toISOString(), 7000, 7020);
    expect(c.offset).toBe(4990);
    expect(c.now(10_000)).toBe(14_990);
    expect(c.sample('not a time', 0, 1)).toBe(false);
  });

  it('the client counts on the server’s time from the welcome on', () => {
    const { client, last, time } = setup();
    client.join('Ana', 'corp-comms');
    last().open();
    // The server's clock is 2 minutes ahead.
    last().say(welcome({ server_time: new Date(time.now + 120_000).toISOString() }));
    expect(client.serverNow()).toBe(time.now + 120_000);
  });

  it('drill time moves at the clock’s speed from its marks', () => {
    const clock = { running: true, speed: 60, drill_mark: '2026-03-04T21:30:00Z', wall_mark: '2026-03-04T21:00:00Z' };
    expect(drillTimeAt(clock, Date.parse('2026-03-04T21:00:10Z'))).toBe(Date.parse('2026-03-04T21:40:00Z'));
    expect(drillTimeAt({ ...clock, running: false }, Date.parse('2026-03-04T21:00:10Z'))).toBe(Date.parse('2026-03-04T21:30:00Z'));
  });
});
