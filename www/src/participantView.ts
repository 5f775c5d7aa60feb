/**
 * A served drill's participant view, as the server sends it (`view` messages: the core's
 * `ParticipantView`, computed for one role), read defensively into the shapes the inbox
 * cards draw, and the live clock between two views (drill time moves on the server's
 * clock, not this computer's). No DOM, no WebAssembly: a participant's page needs neither.
 *
 * The view holds no expected action, no hidden attribute value and no scoreboard; nothing
 * here adds any.
 */
import { formatSeconds } from './format';
import { type ClockLike, drillTimeAt } from './drillServer';
import type { CaseView, ClockView, DrillEvent, StepView } from './types';

export interface ParticipantView {
  scenario: string;
  title: string;
  description: string | null;
  workflow: string;
  /** Drill time when the server made the view. */
  now: string;
  /** The same in the workflow's zone, like `Wed 16:42`. */
  local: string;
  elapsed: string;
  clock: ClockLike & { started: boolean };
  ended: string | null;
  roles: string[];
  attributes: Array<{ name: string; values: string[] }>;
  outages: Array<{ channel: string; until: string }>;
  staff_lost: Array<[string, number]>;
  cases: CaseView[];
  recent: DrillEvent[];
  /** The workflow's IANA zone, when the view gives it. */
  zone: string | null;
}

type O = Record<string, unknown>;

function isObject(x: unknown): x is O {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function s(x: unknown, d = ''): string {
  return typeof x === 'string' ? x : typeof x === 'number' ? String(x) : d;
}
function sn(x: unknown): string | null {
  return typeof x === 'string' && x ? x : null;
}
function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}
function strs(x: unknown): string[] {
  return arr(x).filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
}
function instant(x: unknown, d: string): string {
  return typeof x === 'string' && !Number.isNaN(Date.parse(x)) ? x : d;
}

const CLOCK_STATES = new Set(['not-started', 'running', 'paused', 'met', 'breached', 'cancelled']);
const LEVELS = new Set(['ok', 'warning', 'breached']);

function clockView(x: unknown): ClockView | null {
  if (!isObject(x)) return null;
  const state = s(x.state);
  const level = s(x.level, 'ok');
  return {
    rule: s(x.rule, s(x.name, 'sla')),
    name: s(x.name, s(x.rule)),
    state: (CLOCK_STATES.has(state) ? state : 'running') as ClockView['state'],
    deadline: typeof x.deadline === 'string' && !Number.isNaN(Date.parse(x.deadline)) ? x.deadline : null,
    fired: strs(x.fired),
    level: (LEVELS.has(level) ? level : 'ok') as ClockView['level'],
  };
}

function stepView(x: unknown): StepView | null {
  if (!isObject(x) || typeof x.node !== 'string') return null;
  return {
    node: x.node,
    label: s(x.label, x.node),
    kind: s(x.kind, 'task') as StepView['kind'],
    role: sn(x.role),
    branches: arr(x.branches)
      .filter(isObject)
      .filter((b) => typeof b.to === 'string')
      .map((b) => ({ to: b.to as string, label: s(b.label, b.to as string) })),
    decision: sn(x.decision),
    roles: strs(x.roles),
  };
}

/** `read` as pairs, whether the view writes `[[attribute, value], …]` or `{attribute: value}`. */
function readPairs(x: unknown): Array<[string, string]> {
  if (isObject(x)) return Object.entries(x).map(([k, v]) => [k, s(v)]);
  return arr(x)
    .filter((p): p is unknown[] => Array.isArray(p) && p.length >= 2)
    .map((p) => [s(p[0]), s(p[1])]);
}

function caseView(x: unknown, now: string): CaseView | null {
  if (!isObject(x) || typeof x.id !== 'string') return null;
  return {
    id: x.id,
    source: s(x.source, 'inject'),
    channel: s(x.channel),
    author: s(x.author),
    text: s(x.text),
    published: instant(x.published, now),
    age: s(x.age),
    read: readPairs(x.read),
    holder: sn(x.holder),
    holder_role: sn(x.holder_role),
    tags: strs(x.tags),
    flagged: x.flagged === true,
    priority: x.priority === true,
    steps: arr(x.steps).map(stepView).filter((v): v is StepView => v !== null),
    clocks: arr(x.clocks).map(clockView).filter((v): v is ClockView => v !== null),
    outcome: sn(x.outcome),
    ended: typeof x.ended === 'string' ? x.ended : null,
  };
}

function event(x: unknown): DrillEvent | null {
  if (!isObject(x) || typeof x.text !== 'string') return null;
  const e: DrillEvent = { at: s(x.at), kind: s(x.kind, 'event'), text: x.text };
  if (typeof x.case === 'string') e.case = x.case;
  if (typeof x.by === 'string') e.by = x.by;
  if (typeof x.role === 'string') e.role = x.role;
  return e;
}

/**
 * A `view` message's view, read field by field: what is missing or of the wrong kind gets
 * an empty value (a post without an id is left out), so a view from a newer or older
 * server still draws.
 */
export function readParticipantView(o: O): ParticipantView {
  const now = instant(o.now, new Date(0).toISOString());
  const c = isObject(o.clock) ? o.clock : {};
  const speed = typeof c.speed === 'number' && c.speed > 0 ? c.speed : 1;
  const attributes = Array.isArray(o.attributes)
    ? o.attributes.filter(isObject).map((a) => ({ name: s(a.name), values: strs(a.values) })).filter((a) => a.name)
    : isObject(o.attributes)
      ? Object.entries(o.attributes).map(([name, values]) => ({ name, values: strs(values) }))
      : [];
  return {
    scenario: s(o.scenario),
    title: s(o.title),
    description: sn(o.description),
    workflow: s(o.workflow),
    now,
    local: s(o.local),
    elapsed: s(o.elapsed),
    clock: {
      started: c.started === true,
      running: c.running === true,
      speed,
      drill_mark: instant(c.drill_mark, now),
      wall_mark: instant(c.wall_mark, now),
    },
    ended: typeof o.ended === 'string' ? o.ended : null,
    roles: strs(o.roles),
    attributes,
    outages: arr(o.outages)
      .filter(isObject)
      .map((x) => ({ channel: s(x.channel), until: instant(x.until, now) })),
    staff_lost: arr(o.staff_lost)
      .filter((p): p is unknown[] => Array.isArray(p) && p.length >= 2 && typeof p[1] === 'number')
      .map((p) => [s(p[0]), p[1] as number]),
    cases: arr(o.cases).map((x) => caseView(x, now)).filter((v): v is CaseView => v !== null),
    recent: arr(o.recent).map(event).filter((v): v is DrillEvent => v !== null),
    zone: sn(o.zone) ?? sn(o.timezone),
  };
}

/**
 * Drill time now (ms) on the server's clock `serverNow`: the view's clock moved on while it
 * runs; the view's `now` when the clock is stopped, the drill ended or the clock is unknown.
 */
export function liveNow(v: ParticipantView, serverNow: number): number {
  const at = Date.parse(v.now);
  if (v.ended || !v.clock.started || !v.clock.running) return at;
  const t = drillTimeAt(v.clock, serverNow);
  // Never behind what the server already showed.
  return Number.isNaN(t) ? at : Math.max(at, t);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * The offset of the workflow's zone (minutes) read off a view: its `local` (`Wed 16:42`)
 * against its `now` (UTC). Null when `local` is not of that form.
 */
export function zoneShift(nowIso: string, local: string): number | null {
  const m = /^([A-Z][a-z]{2})\s+(\d{1,2}):(\d{2})$/.exec(local.trim());
  const t = Date.parse(nowIso);
  if (!m || Number.isNaN(t)) return null;
  const day = DAYS.indexOf(m[1]!);
  if (day < 0) return null;
  const d = new Date(t);
  const utc = d.getUTCDay() * 1440 + d.getUTCHours() * 60 + d.getUTCMinutes();
  const loc = day * 1440 + Number(m[2]) * 60 + Number(m[3]);
  let shift = loc - utc;
  // Within a week, the nearest way round.
  while (shift > 5040) shift -= 10080;
  while (shift < -5040) shift += 10080;
  return shift;
}

/** `Wed 16:42` for drill time `ms` with the zone's offset `shift` (minutes). */
export function shiftedLocal(ms: number, shift: number): string {
  const d = new Date(ms + shift * 60_000);
  return `${DAYS[d.getUTCDay()]} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** A duration as the core writes it (`1h30m`, `45s`, `2d`) in seconds, or NaN. */
export function durationSeconds(text: string): number {
  const t = text.replace(/\s+/g, '');
  if (!t) return NaN;
  const re = /(\d+(?:\.\d+)?)([dhms])/g;
  let total = 0;
  let used = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * { d: 86400, h: 3600, m: 60, s: 1 }[m[2] as 'd' | 'h' | 'm' | 's'];
    used += m[0].length;
  }
  return used === t.length ? total : NaN;
}

/** The drill's start (ms), from a view's `now` and `elapsed`; NaN when unknown. */
export function viewOrigin(v: ParticipantView): number {
  return Date.parse(v.now) - durationSeconds(v.elapsed) * 1000;
}

/** A post's age at drill time `now` (ms), in the core's words (`12m`). */
export function liveAge(c: CaseView, now: number): string {
  if (c.ended) return c.age;
  const s = (now - Date.parse(c.published)) / 1000;
  return Number.isFinite(s) && s >= 0 ? formatSeconds(s).replace(/ /g, '') : c.age;
}
