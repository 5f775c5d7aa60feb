// ---- flowdrill: what cannot be generated from the Rust types ------------------------------
//
// The declarations of the document and of every result are generated from the Rust types into
// `generated.d.ts` (both files end up in each module's `.d.ts`). This file holds the types
// whose JSON the core writes by hand (durations, guards, nodes, efforts, arrivals,
// calendars, ...), the error thrown, and a few names for convenience.
//
// Every object below is plain JSON: results are built by the core's serialiser and parsed
// with `JSON.parse`, so they hold strings, numbers, booleans, arrays, objects and `null`
// only. Conventions:
//
// - an optional field (`x?: T`) is left out when it has no value;
// - a field typed `T | null` is always present and holds `null` when there is no value;
// - instants are RFC 3339 strings; those in results are in UTC, written with a `Z`
//   (`deadline` answers in the calendar's offset);
// - durations are strings like `"90m"`, `"1h30m"`, `"3d"` or `"45s"` (see `Duration`);
// - times in results are seconds, as numbers; a number that is not finite would be
//   written as `null`, which only `Estimate.half_width` can be.

// ---- scalars ------------------------------------------------------------------------------

/**
 * A span of time as written in files: `<number><unit>` parts, largest unit first, units
 * `d` (24 hours), `h`, `m`, `s`: `"90m"`, `"1h30m"`, `"2h"`, `"3d"`, `"45s"`, `"0s"`.
 * Results use the canonical form (`"90m"` is written `"1h30m"`).
 */
export type Duration = string;

/** An RFC 3339 instant, e.g. `"2026-11-20T16:30:00-05:00"`; in results, UTC (`...Z`). */
export type Instant = string;

/** A time of day, `"HH:MM"` from `"00:00"` to `"24:00"`. */
export type TimeOfDay = string;

/** A weekday as the core writes it. (Input also accepts full English names, any case.) */
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/** A point in the week: a weekday and a time, e.g. `"wed 12:00"`. */
export type WeeklyPoint = string;

/** A value of a case attribute: text or a number. */
export type Value = string | number;

/** A case: attribute id → value. Key order is the document's attribute order. */
export type Assignment = Record<string, Value>;

/** An id, or a list of ids. The core writes a list of exactly one id as that id alone. */
export type Ids = string | string[];

/** A rate of arrivals: a number per unit, `"40/h"`, `"1/m"`, `"300/d"`, `"50/w"`. */
export type Rate = string;

// ---- the document -------------------------------------------------------------------------

/** A business calendar: a time zone, weekly open hours and holidays. */
export interface Calendar {
    name?: string;
    /** An IANA time zone, e.g. `"America/Toronto"`. */
    timezone: string;
    /**
     * Open intervals per set of weekdays: keys like `"mon"`, `"mon-fri"`, `"sat,sun"`,
     * `"daily"`; each value a list of `["HH:MM", "HH:MM"]` pairs. An end at or before the
     * start runs into the next day. Left out: open around the clock.
     */
    hours?: Record<string, [TimeOfDay, TimeOfDay][]>;
    /** Local dates `"YYYY-MM-DD"` on which intervals that start that day are closed. */
    holidays?: string[];
}

/**
 * A calendar as it may be written: like `Calendar`, but a day's hours may also be one
 * `"HH:MM-HH:MM"` string or a list of them.
 */
export interface CalendarInput extends Omit<Calendar, "hours"> {
    hours?: Record<string, string | (string | [TimeOfDay, TimeOfDay])[]>;
}

/** How a decision treats branches whose guards overlap. */
export type Matching = "exclusive" | "first";

/** The kinds of node. */
export type NodeKind = "start" | "task" | "decision" | "fork" | "join" | "wait" | "notify" | "end";

/** The fields every node has. */
export interface NodeBase {
    /** Unique id, used by edges and SLA rules. */
    id: string;
    name?: string;
    /** Longer guidance for people doing this step. */
    description?: string;
}

/** Where cases enter. */
export interface StartNode extends NodeBase {
    kind: "start";
    /** The channel cases arrive on, e.g. "twitter" or "contract". */
    channel?: string;
    /** How cases arrive, for simulation. */
    arrivals?: Arrivals;
}

/** Work done by a role. */
export interface TaskNode extends NodeBase {
    kind: "task";
    role: string;
    effort?: Effort;
}

/** An exclusive choice on case attributes. */
export interface DecisionNode extends NodeBase {
    kind: "decision";
    question?: string;
    /** Left out when `"exclusive"` (the default). */
    match?: Matching;
}

/** Parallel split: every outgoing edge is taken. */
export interface ForkNode extends NodeBase {
    kind: "fork";
}

/** Parallel merge: waits for every branch of its fork. */
export interface JoinNode extends NodeBase {
    kind: "join";
}

/** A fixed delay. */
export interface DelayWaitNode extends NodeBase {
    kind: "wait";
    delay: Duration;
    until?: never;
    batch?: never;
    calendar?: never;
}

/** Until the next time the week reaches a point. */
export interface UntilWaitNode extends NodeBase {
    kind: "wait";
    until: WeeklyPoint;
    delay?: never;
    batch?: never;
    /** The calendar whose zone `until` is read in. */
    calendar?: string;
}

/** Until a batch window closes. */
export interface BatchWaitNode extends NodeBase {
    kind: "wait";
    batch: Batch;
    delay?: never;
    until?: never;
    /** The calendar whose zone the batch times are read in. */
    calendar?: string;
}

/** A pause until time passes: exactly one of `delay`, `until`, `batch`. */
export type WaitNode = DelayWaitNode | UntilWaitNode | BatchWaitNode;

/** Tells roles something; takes no work. */
export interface NotifyNode extends NodeBase {
    kind: "notify";
    /** The roles told (one role is written as a string). */
    roles: Ids;
    message?: string;
}

/** Where a case ends. */
export interface EndNode extends NodeBase {
    kind: "end";
    /** The outcome, e.g. "closed", "on-hold", "cancelled". */
    outcome: string;
}

/** A step of the workflow: one flat object, its fields depending on `kind`. */
export type WorkflowNode =
    | StartNode
    | TaskNode
    | DecisionNode
    | ForkNode
    | JoinNode
    | WaitNode
    | NotifyNode
    | EndNode;

/** A batch window or arrival schedule: released daily, weekly or monthly at a time. */
export type Batch =
    | { every: "daily"; at: TimeOfDay }
    | { every: "weekly"; on: Weekday; at: TimeOfDay }
    | {
          every: "monthly";
          /** Day of the month, 1 to 28, or -1 for the last day. */
          day: number;
          at: TimeOfDay;
      };

/**
 * The right-hand side of an attribute test in a guard: a value (equals), a list (one of),
 * or an operator object. The core writes one operator per object; files may also combine
 * several (`{">=": 2, "<": 5}`) and use `"="` and `"in"`.
 */
export type Condition =
    | Value
    | Value[]
    | { "=": Value }
    | { "!=": Value }
    | { in: Value[] }
    | { not_in: Value[] }
    | { "<": number }
    | { "<=": number }
    | { ">": number }
    | { ">=": number };

/**
 * A condition over case attributes. The core writes one key per object:
 * `{"sentiment": "negative"}`, `{"all": [...]}`, `{"any": [...]}` or `{"not": {...}}`;
 * a file may give several attribute keys in one object (all must hold).
 */
export type Guard =
    | { all: Guard[] }
    | { any: Guard[] }
    | { not: Guard }
    | { [attribute: string]: Condition };

/** How long a task's work takes: a fixed duration or a distribution. */
export type Effort =
    | Duration
    | { exponential: { mean: Duration } }
    | { lognormal: { mean: Duration; sd: Duration } }
    | { triangular: { min: Duration; mode: Duration; max: Duration } }
    | { uniform: { min: Duration; max: Duration } }
    | { empirical: Duration[] };

/** A window in which arrivals are multiplied. */
export interface Surge {
    /** RFC 3339; the core writes it back in UTC (`+00:00`). */
    from: Instant;
    to: Instant;
    factor: number;
}

/** Poisson arrivals at a rate, shaped by an hour-of-week profile and surges. */
export interface RateArrivals {
    rate: Rate;
    /** Multipliers by `"days"` or `"days HH:00-HH:00"`, e.g. `{"mon-fri 09:00-18:00": 2.5}`. */
    profile?: Record<string, number>;
    surges?: Surge[];
    /** The calendar whose time zone profile times are read in. */
    calendar?: string;
    schedule?: never;
    count?: never;
}

/** A fixed number of cases at each point of a schedule. */
export interface ScheduleArrivals {
    schedule: Batch;
    /** Cases per point; left out when 1. */
    count?: number;
    /** The calendar whose time zone schedule times are read in. */
    calendar?: string;
    rate?: never;
    profile?: never;
    surges?: never;
}

/** How cases arrive at a start node: a `rate` or a `schedule`. */
export type Arrivals = RateArrivals | ScheduleArrivals;

/** When a milestone fires: a share of the target (`"75%"`) or a time after the breach. */
export type MilestoneAt = `${number}%` | `${string} overdue`;

// ---- diagnostics --------------------------------------------------------------------------

/** The codes of this build's findings (`syntax`, `schema`, `version` come from `check`). */
export type KnownDiagnosticCode =
    | "syntax"
    | "schema"
    | "version"
    | "calendar-never-open"
    | "coverage-too-complex"
    | "cycle-without-exit"
    | "dead-branch"
    | "dead-end"
    | "decision-gap"
    | "decision-overlap"
    | "duplicate-id"
    | "edge-into-start"
    | "edge-out-of-end"
    | "empty-milestone"
    | "escalation-cycle"
    | "fork-arity"
    | "fork-join-mismatch"
    | "fork-without-join"
    | "guard-and-otherwise"
    | "guard-outside-decision"
    | "join-arity"
    | "join-outside-fork"
    | "join-without-fork"
    | "limit-outside-loop"
    | "limit-zero"
    | "missing-guard"
    | "mix-shape"
    | "mix-weight"
    | "no-end"
    | "no-staff"
    | "no-start"
    | "several-exits"
    | "several-otherwise"
    | "single-branch"
    | "sla-at-risk"
    | "sla-breach-window"
    | "sla-infeasible"
    | "type-mismatch"
    | "unbounded-loop"
    | "undefined-attribute"
    | "undefined-calendar"
    | "undefined-node"
    | "undefined-role"
    | "undefined-value"
    | "unreachable"
    | "unused-attribute"
    | "unused-calendar"
    | "unused-role";

/** A finding's stable code; later versions may add codes. */
export type DiagnosticCode = KnownDiagnosticCode | (string & {});

// ---- routes -------------------------------------------------------------------------------

/** One attribute condition of a route table row: the attribute and its allowed values. */
export type AttributeCondition = [attribute: string, values: Value[]];

/**
 * What `Workflow.route` returns: the path alone (`RoutePath`), or with `at` the timed route
 * (`RouteAt`: `timeline` and `slas` as well).
 */
export type RouteAnswer = RoutePath & Partial<Omit<RouteAt, "route">>;

// ---- simulation ---------------------------------------------------------------------------

/** One bucket of a queue-length series. */
export type QueueBucket = [hoursFromStart: number, mean: number, max: number];

/** A name and a count. */
export type Count = [name: string, count: number];

/** A named estimate. */
export type NamedEstimate = [name: string, estimate: Estimate];

// ---- errors -------------------------------------------------------------------------------

/** The `code` of a `FlowdrillError`. */
export type FlowdrillErrorCode =
    | "syntax"
    | "schema"
    | "version"
    | "route"
    | "calendar"
    | "options"
    | "scenario"
    | "simulation"
    | "cancelled"
    | "drill"
    | "internal";

/**
 * What every function throws on bad input: a real `Error` (`instanceof Error`) named
 * `FlowdrillError`. `path` is the JSON path for errors reading a document, calendar,
 * scenario or options (`"."` for the whole text), and for an `options` error of a value that
 * breaks its rule the option at fault (`"horizon"`, `"warmup"`, `"replications"`,
 * `"resolution"`, `"start"`); `line` and `column` are 1-based, when known.
 */
export interface FlowdrillError extends Error {
    name: "FlowdrillError";
    code: FlowdrillErrorCode;
    path?: string;
    line?: number;
    column?: number;
    /** For `drill` errors of an action: its position in the log. */
    index?: number;
    /** For a `route` error of a case not decided yet: the decision and the attribute it needs. */
    decision?: string;
    attribute?: string;
}
