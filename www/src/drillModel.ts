/**
 * The Drill view's plain logic, without the DOM or the WebAssembly module: the saved drill,
 * merging action logs from several tabs (or, later, a network relay), wall-clock instants
 * for new actions, and the words the view shows (countdowns, inject status, ratings).
 *
 * A drill is event-sourced in the core: its whole state follows from the scenario, the
 * workflow and the ordered action log. So the view saves only those, and two tabs agree
 * when they hold the same set of actions: each merges what it hears into its log (sorted
 * by `at`) and replays it from scratch.
 */
import { formatSeconds } from './format';
import type { ClockView, DrillAction, InjectStatus, ObjectiveScore, Rating } from './types';

/** Where the running drill is saved (localStorage), after every action. */
export const DRILL_KEY = 'flowdrill.drill.v1';
/** Who this browser plays as (sessionStorage per tab, localStorage as the default). */
export const PLAYER_KEY = 'flowdrill.drill.player.v1';
/** The BroadcastChannel the tabs of one browser share. */
export const DRILL_CHANNEL = 'flowdrill-drill';
/** Who facilitator actions are recorded as. */
export const FACILITATOR = 'facilitator';
/** The clock speeds offered (drill seconds per wall second). */
export const SPEEDS = [1, 5, 10, 30, 60] as const;

/** Where a drill's scenario came from. */
export interface DrillSource {
  kind: 'example' | 'file';
  /** The example's id, or the file's name. */
  id: string;
  /** For people. */
  name: string;
}

/** What is saved: enough to rebuild the drill exactly. */
export interface SavedDrill {
  v: 1;
  /** This run of the drill (a new id for every drill loaded or reset). */
  run: string;
  /** When the run was created (wall clock, ISO): a newer run wins. */
  created: string;
  source: DrillSource;
  workflow: string;
  scenario: string;
  log: DrillAction[];
}

/** Who the person at this tab plays as. */
export interface Player {
  name: string;
  role: string;
}

/**
 * The messages the tabs exchange. A network relay can carry the same messages: each is
 * plain JSON, names its run, and merging is idempotent (a message heard twice is harmless).
 */
export type DrillMessage =
  /** One action someone took. */
  | { v: 1; type: 'action'; run: string; action: DrillAction }
  /** A tab (re)joined a run: the others answer with their logs. */
  | { v: 1; type: 'hello'; run: string }
  /** A whole log, to merge. */
  | { v: 1; type: 'log'; run: string; log: DrillAction[] }
  /** A new drill was loaded: follow it. */
  | { v: 1; type: 'drill'; drill: SavedDrill }
  /** The drill was put away ("New drill"). */
  | { v: 1; type: 'reset'; run: string };

/** A fresh run id. */
export function newRunId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isAction(x: unknown): x is DrillAction {
  return isObject(x) && typeof x.at === 'string' && typeof x.by === 'string' && typeof x.do === 'string';
}

/** A saved drill read back, or null when the text is not one. */
export function parseSaved(text: string | null | undefined): SavedDrill | null {
  if (!text) return null;
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(o) || o.v !== 1) return null;
  const src = o.source;
  if (
    typeof o.run !== 'string' ||
    typeof o.workflow !== 'string' ||
    typeof o.scenario !== 'string' ||
    !Array.isArray(o.log) ||
    !o.log.every(isAction) ||
    !isObject(src) ||
    (src.kind !== 'example' && src.kind !== 'file') ||
    typeof src.id !== 'string' ||
    typeof src.name !== 'string'
  ) {
    return null;
  }
  return {
    v: 1,
    run: o.run,
    created: typeof o.created === 'string' ? o.created : new Date(0).toISOString(),
    source: { kind: src.kind, id: src.id, name: src.name },
    workflow: o.workflow,
    scenario: o.scenario,
    log: o.log as DrillAction[],
  };
}

/** A message read off the channel, or null when it is not one of ours. */
export function parseMessage(x: unknown): DrillMessage | null {
  if (!isObject(x) || x.v !== 1 || typeof x.type !== 'string') return null;
  switch (x.type) {
    case 'action':
      return typeof x.run === 'string' && isAction(x.action) ? (x as DrillMessage) : null;
    case 'hello':
    case 'reset':
      return typeof x.run === 'string' ? (x as DrillMessage) : null;
    case 'log':
      return typeof x.run === 'string' && Array.isArray(x.log) && x.log.every(isAction) ? (x as DrillMessage) : null;
    case 'drill': {
      const d = parseSaved(JSON.stringify(x.drill ?? null));
      return d ? { v: 1, type: 'drill', drill: d } : null;
    }
    default:
      return null;
  }
}

/** An action's identity: the same action heard twice has the same key. */
export function actionKey(a: DrillAction): string {
  // Key order is fixed, so the same action gives the same text whoever serialised it.
  const o = a as unknown as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  return JSON.stringify(keys.map((k) => [k, o[k]]));
}

function time(a: DrillAction): number {
  const t = Date.parse(a.at);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * The union of logs, each action once, in time order. Actions at the same instant keep
 * the order of the first log; actions at the same instant from different logs are put in
 * the order of their keys, so every tab merging the same actions gets the same log.
 */
export function mergeLogs(...logs: DrillAction[][]): DrillAction[] {
  const seen = new Set<string>();
  const all: Array<{ a: DrillAction; key: string; log: number; pos: number }> = [];
  logs.forEach((log, li) => {
    log.forEach((a, pos) => {
      const key = actionKey(a);
      if (seen.has(key)) return;
      seen.add(key);
      all.push({ a, key, log: li, pos });
    });
  });
  all.sort((x, y) => time(x.a) - time(y.a) || (x.log === y.log ? x.pos - y.pos : x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return all.map((x) => x.a);
}

/** Whether two logs hold the same actions in the same order. */
export function sameLog(a: DrillAction[], b: DrillAction[]): boolean {
  return a.length === b.length && a.every((x, i) => actionKey(x) === actionKey(b[i]!));
}

/**
 * The instant of a new action: now, but never at or before the last action of the log
 * (the core wants actions in time order, and distinct instants keep merges stable).
 */
export function nextAt(last: string | undefined, now: Date = new Date()): string {
  let t = now.getTime();
  if (last !== undefined) {
    const l = Date.parse(last);
    if (!Number.isNaN(l) && t <= l) t = l + 1;
  }
  return new Date(t).toISOString();
}

/** Something that applies actions (a DrillSession). */
export interface Applies {
  apply(action: DrillAction): void;
}

/**
 * Applies a log to a fresh session. Actions that cannot be taken (two people did the same
 * thing at once in two tabs, say) are left out and returned with the reason.
 */
export function replayInto(session: Applies, log: DrillAction[]): { applied: DrillAction[]; rejected: Array<{ action: DrillAction; message: string }> } {
  const applied: DrillAction[] = [];
  const rejected: Array<{ action: DrillAction; message: string }> = [];
  for (const a of log) {
    try {
      session.apply(a);
      applied.push(a);
    } catch (e) {
      rejected.push({ action: a, message: errorText(e) });
    }
  }
  return { applied, rejected };
}

/** An RFC 3339 instant inside a message. */
const INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/**
 * A core error for people: `action 2 (route): post "video" is not at a decision` becomes
 * `post "video" is not at a decision`; instants in it are written with `instant` (the
 * workflow's local time, say) when given.
 */
export function errorText(e: unknown, instant?: (iso: string) => string): string {
  const raw = e instanceof Error ? e.message : isObject(e) && typeof e.message === 'string' ? e.message : String(e);
  const m = /^action \d+ \([a-z-]+\): /.exec(raw);
  let text = m ? raw.slice(m[0].length) : raw.replace(/^scenario: /, 'the scenario does not fit its workflow: ');
  if (instant) text = text.replace(INSTANT, (iso) => (Number.isNaN(Date.parse(iso)) ? iso : instant(iso)));
  return text || 'something went wrong';
}

/** How an SLA clock stands, in words (never colour alone). */
export function countdown(c: Pick<ClockView, 'state' | 'deadline' | 'level'>, nowIso: string): { text: string; level: 'ok' | 'warning' | 'breached' | 'done' } {
  switch (c.state) {
    case 'met':
      return { text: 'met', level: 'done' };
    case 'cancelled':
      return { text: 'not needed', level: 'done' };
    case 'not-started':
      return { text: 'not started', level: 'ok' };
    case 'breached':
      return { text: 'breached', level: 'breached' };
    default:
      break;
  }
  const paused = c.state === 'paused' ? ' (paused)' : '';
  if (!c.deadline) return { text: `running${paused}`, level: c.level };
  const left = (Date.parse(c.deadline) - Date.parse(nowIso)) / 1000;
  if (c.level === 'breached' || left <= 0) {
    return { text: left < -30 ? `breached ${formatSeconds(-left)} ago` : 'breached', level: 'breached' };
  }
  return { text: `${formatSeconds(left)} left${paused}`, level: c.level };
}

/** Drill time since the start, like `T+6m` (`T+0m` at the start). */
export function offsetText(iso: string, origin: number): string {
  const s = Math.max(0, (Date.parse(iso) - origin) / 1000);
  return `T+${s < 60 ? '0m' : formatSeconds(s)}`;
}

/** Where an inject stands, in words. */
export function injectStatusText(status: InjectStatus, isDue: boolean, origin: number, local?: (iso: string) => string): string {
  switch (status.status) {
    case 'published':
      return `published at ${local ? `${local(status.at)} (${offsetText(status.at, origin)})` : offsetText(status.at, origin)}`;
    case 'skipped':
      return 'skipped';
    default:
      return isDue ? 'due now' : 'pending';
  }
}

/** What a rating means (HSEEP). */
export const RATING_TEXT: Record<Rating, string> = {
  P: 'performed without challenges',
  S: 'performed with some challenges',
  M: 'performed with major challenges',
  U: 'unable to be performed',
};

/** A rating with its meaning: `P — performed without challenges`, or `not rated yet`. */
export function ratingText(r: Rating | null | undefined): string {
  return r ? `${r} — ${RATING_TEXT[r]}` : 'not rated yet';
}

/**
 * An objective's rating in words, as the Markdown report writes it: the rating over its
 * due checks; "not due" when none came due before the drill ended; "not rated" when nothing
 * tested it. Checks not due are counted aside, in no rating.
 */
export function objectiveRatingText(o: Pick<ObjectiveScore, 'rating' | 'not_due'>): string {
  if (o.rating) return o.not_due > 0 ? `${RATING_TEXT[o.rating]}; ${o.not_due} not due` : RATING_TEXT[o.rating];
  return o.not_due > 0 ? 'not due (nothing came due before the drill ended)' : 'not rated (nothing tested it)';
}

/** The scenario's start (`starts_at`) as epoch ms, or NaN. */
export function scenarioOrigin(scenarioText: string): number {
  try {
    const o = JSON.parse(scenarioText) as { starts_at?: unknown };
    return typeof o.starts_at === 'string' ? Date.parse(o.starts_at) : NaN;
  } catch {
    return NaN;
  }
}

/** The workflow file a scenario names (`"../workflows/social-triage.json"` → `social-triage.json`). */
export function scenarioWorkflowFile(scenarioText: string): string | null {
  try {
    const o = JSON.parse(scenarioText) as { workflow?: unknown };
    if (typeof o.workflow !== 'string' || !o.workflow.trim()) return null;
    const parts = o.workflow.split(/[\\/]/);
    return parts[parts.length - 1] || null;
  } catch {
    return null;
  }
}

/** A file name made of a title: `A complaint video goes viral` → `a-complaint-video-goes-viral`. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'drill'
  );
}
