// ---- flowdrill: the document format and every result, as the core writes them -----------
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

/**
 * A workflow document (`Workflow.document()`, and the shape of the file `fromJson` reads).
 * Results give the canonical form; files may also use the documented short forms
 * (attributes as bare lists, `"HH:MM-HH:MM"` hours, and so on).
 */
export interface WorkflowDocument {
    /** The format version. */
    flowdrill: 1;
    /** A short unique id, e.g. `"social-triage"`. */
    id: string;
    name?: string;
    /** The author's version of this workflow, e.g. `"2026-11"`. */
    version?: string;
    description?: string;
    /** Business calendars by id. */
    calendars?: Record<string, Calendar>;
    /** Roles (queues of people) by id. */
    roles?: Record<string, Role>;
    /** Case attributes by id, with their finite domains. */
    attributes?: Record<string, Attribute>;
    /** The steps of the workflow (always written, possibly empty). */
    nodes: WorkflowNode[];
    /** The connections between steps (always written, possibly empty). */
    edges: Edge[];
    /** Service-level rules. */
    slas?: SlaRule[];
    /** A joint table of attribute values for simulation. */
    mix?: MixRow[];
}

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

/** A role: a queue of people who do tasks. */
export interface Role {
    name?: string;
    /** How many people work in the role (always written; 1 when the file leaves it out). */
    staff: number;
    /** The calendar the role works to; around the clock when absent. */
    calendar?: string;
    /** The role a case escalates to (the role's manager). */
    escalates_to?: string;
}

/**
 * A case attribute with a finite domain. The core always writes the object form; a file
 * may also give a bare list of values, or `"values": {"a": 3, "b": 1}`.
 */
export interface Attribute {
    label?: string;
    /** The question a person answers to set it, e.g. "Who is asking?". */
    question?: string;
    /** The domain: all text or all numbers, no repeats, at most 64. */
    values: string[] | number[];
    /** Relative frequency of each value (for simulation); equal when absent. */
    weights?: number[];
}

/** One row of a joint table of attribute values. */
export interface MixRow {
    case: Assignment;
    weight: number;
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

/** A connection from one node to another. */
export interface Edge {
    /** Optional id; by default `from->to`. */
    id?: string;
    from: string;
    to: string;
    /** The branch's label, e.g. "negative" or "no reply". */
    label?: string;
    /** The condition for taking this branch of a decision. */
    when?: Guard;
    /** The decision's fallback branch (written only when `true`). */
    otherwise?: boolean;
    /** The edge may be taken at most this many times per case. */
    limit?: number;
}

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

/** Where an SLA clock starts or stops. */
export type ClockPoint = "start" | "end" | { enter: Ids } | { leave: Ids };

/** A service-level rule. */
export interface SlaRule {
    id: string;
    name?: string;
    /** What the rule measures; the id when absent. */
    metric?: string;
    /** Which cases the rule applies to; all when absent. */
    when?: Guard;
    /** When the clock starts; left out when `"start"`. */
    start?: ClockPoint;
    /** When the clock stops; left out when `"end"`. */
    stop?: ClockPoint;
    /** Nodes during which the clock is paused. */
    pause?: Ids;
    /** The time allowed between start and stop. */
    target: Duration;
    /** The calendar whose open hours the clock counts; around the clock when absent. */
    calendar?: string;
    /** What happens as the deadline nears and passes. */
    escalation?: Milestone[];
}

/** When a milestone fires: a share of the target (`"75%"`) or a time after the breach. */
export type MilestoneAt = `${number}%` | `${string} overdue`;

/** One rung of an escalation ladder. Boolean fields are written only when `true`. */
export interface Milestone {
    at: MilestoneAt;
    /** Roles to notify. */
    notify?: Ids;
    /** Notify the escalation target of the role that holds the case. */
    notify_manager?: boolean;
    /** Move the case to this role's queue. */
    reassign?: string;
    flag?: boolean;
    raise_priority?: boolean;
}

// ---- diagnostics --------------------------------------------------------------------------

export type Severity = "error" | "warning";

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

/** Where a finding is. */
export interface Location {
    /** JSON path into the document, e.g. `"edges[4].when"`. */
    path?: string;
    /** The node concerned. */
    node?: string;
    /** The edge concerned (its id, or `from->to`). */
    edge?: string;
    /** 1-based line, when known. */
    line?: number;
    /** 1-based column, when known. */
    column?: number;
}

/** One validation finding. */
export interface Diagnostic {
    severity: Severity;
    code: DiagnosticCode;
    message: string;
    location: Location;
    /** A concrete case that shows the problem (decision gaps and overlaps). */
    example?: Assignment;
}

// ---- routes -------------------------------------------------------------------------------

/** One node a case passes through. */
export interface Step {
    node: string;
    /** The node's display name (its id when it has none). */
    name: string;
    kind: NodeKind;
    /** The parallel branch: `""` outside forks, `"1"`, `"2"`, nested `"1.2"`. */
    lane: string;
    /** The label of the edge taken into the node, if it has one. */
    via?: string;
    /**
     * The ids of the edges the case came into the node by, as `LaidEdge.id` and the
     * designer name them (the edge's `id`, else `"from->to"`): left out at the start, one
     * for most nodes, and at a join every edge into it the case took (one per branch).
     * Together the steps' edges are the edges of the route.
     */
    edges?: string[];
    /** For a task, the role that does it. */
    role?: string;
}

/** A notification sent on the way. */
export interface Notification {
    node: string;
    roles: string[];
    message?: string;
}

/** The path of one case. */
export interface Route {
    start: string;
    steps: Step[];
    notifications: Notification[];
    /** The end node reached; `null` when the case got stuck. */
    end: string | null;
    outcome: string | null;
    /** The decision where the case found no branch, if it got stuck. */
    stuck_at?: string;
}

/** One attribute condition of a route table row: the attribute and its allowed values. */
export type AttributeCondition = [attribute: string, values: Value[]];

/** One row of the route table: a distinct route and the cases that take it. */
export interface RouteRow {
    route: Route;
    /**
     * The cases that take the route, as alternatives: each a list of conditions that must
     * all hold. Attributes not named may be anything; an empty list means every case.
     */
    conditions: AttributeCondition[][];
    /** How many attribute combinations take this route (exact below 2^53). */
    cases: number;
    /** Their share when attributes are drawn with their weights, 0 to 1. */
    share: number;
    /** One concrete case that takes the route. */
    example: Assignment;
    /** The conditions in words: `"asker=media and sentiment in {negative, neutral}; or …"`, `"every case"`. */
    conditions_text: string;
    /** The path by node name, fork branches in brackets: `"In → Split → [Legal | Comms] → Out"`. */
    path_text: string;
}

/** Every distinct route: the workflow as a decision table. */
export interface RouteTable {
    attributes: string[];
    rows: RouteRow[];
    starts: string[];
    /** Attribute combinations per start (exact below 2^53). */
    total_cases: number;
}

/** When a step of a route is entered and left. */
export interface TimedStep {
    node: string;
    enter: Instant;
    leave: Instant;
}

/** Where an SLA clock is. */
export type ClockState = "not-started" | "running" | "paused" | "met" | "breached" | "cancelled";

/** One rung of an escalation ladder on a route. */
export interface LadderStep {
    /** As written: `"75%"`, `"2d overdue"`. */
    at: string;
    /** When it fires if the clock keeps running from its start. */
    instant: Instant | null;
    /** Roles told (including the holding role's manager for `notify_manager`). */
    notify: string[];
    /** Other actions: `"reassign to ROLE"`, `"flag"`, `"raise priority"`. */
    actions: string[];
}

/** What one SLA rule says about a case on its route. */
export interface RouteSla {
    rule: string;
    name: string | null;
    target: Duration;
    /** The calendar the clock counts on; `null`: around the clock. */
    calendar: string | null;
    /** When the clock starts; `null` if its start point is not on the route. */
    started: Instant | null;
    deadline: Instant | null;
    ladder: LadderStep[];
    /** When the clock stops with typical effort and no queueing. */
    stopped: Instant | null;
    /** The clock's state at the end of the route. */
    state: ClockState;
}

/** What `Workflow.route` returns; `timeline` and `slas` only when `at` is given. */
export interface RouteAnswer {
    route: Route;
    timeline?: TimedStep[];
    slas?: RouteSla[];
}

// ---- layout -------------------------------------------------------------------------------

/** A node's box in the drawing. */
export interface LaidNode {
    id: string;
    /** Left edge. */
    x: number;
    /** Top edge. */
    y: number;
    width: number;
    height: number;
    /** The layer (rank) the node is in. */
    layer: number;
    /** The node's kind. */
    kind: NodeKind;
}

/** An edge's polyline in the drawing. */
export interface LaidEdge {
    /** The edge's id (`from->to` unless given). */
    id: string;
    from: string;
    to: string;
    /** The points of the polyline, source to target: the first on the source's box, the last on the target's. */
    points: [x: number, y: number][];
    /** The edge's label; `null` when it has none. */
    label: string | null;
    /**
     * What to write on the edge: its label, else `"otherwise"` or its condition in words,
     * followed by its retry limit (`"no reply (≤ 3×)"`); `null` when there is nothing.
     */
    caption: string | null;
    /**
     * True when the edge runs against the flow (it closes a loop, enters a start, or loops
     * on one node): it leaves the top of its source and enters the bottom of its target.
     */
    reversed: boolean;
}

/** A drawing of the whole graph, top to bottom in rows by layer. */
export interface Layout {
    /** Node boxes, in file order. */
    nodes: LaidNode[];
    /** Edge polylines, in file order (edges that do not join two nodes are left out). */
    edges: LaidEdge[];
    width: number;
    height: number;
}

// ---- simulation ---------------------------------------------------------------------------

/** Queue order. */
export type Discipline = "fifo" | "earliest-deadline";

/**
 * Run options; every field is optional, unknown fields are an `options` error. The core reads
 * them (`SimOptions::resolve`), with the same defaults and rules as the command line's flags;
 * an option that breaks its rule is an `options` error whose `path` names it.
 */
export interface SimOptions {
    /** How long arrivals come (default `"7d"`; `"1m"` to `"3660d"`). */
    horizon?: Duration;
    /** The initial period excluded from statistics (default none); shorter than the horizon. */
    warmup?: Duration;
    /** The seed (default 1); a whole number. */
    seed?: number | bigint;
    /** Independent replications, 1 to 1000 (default 10). */
    replications?: number;
    /** When the run starts, RFC 3339 (default Monday 5 January 2026, local midnight). */
    start?: Instant;
    /** Bucket width of the queue-length series (default `"1h"`; at least `"1m"`: a shorter one is refused, not rounded up). */
    resolution?: Duration;
    /**
     * Queue order for every role, for a scenario that gives none: a scenario's own `queue`
     * wins over this (default `"fifo"`).
     */
    queue?: Discipline;
    /** Keep the first replication's event log (default false). */
    event_log?: boolean;
}

/** Bounds that stop a runaway model. */
export interface Limits {
    max_events: number;
    max_cases: number;
    max_open: number;
    max_log_rows: number;
}

/** The configuration a run used. */
export interface SimConfig {
    /** `null`: the default start. */
    start: Instant | null;
    horizon: Duration;
    warmup: Duration;
    seed: number;
    replications: number;
    resolution: Duration;
    discipline: Discipline;
    limits: Limits;
    event_log: boolean;
}

/** Progress reported during a run. */
export interface Progress {
    /** The replication running (0-based). */
    replication: number;
    replications: number;
    /** Share of the whole run done, 0 to 1. */
    done: number;
}

/** A distribution of values in seconds. */
export interface Dist {
    count: number;
    mean: number;
    p50: number;
    p90: number;
    p95: number;
    p99: number;
    max: number;
}

/** One SLA rule's results in one replication. */
export interface SlaStats {
    rule: string;
    met: number;
    /** Stopped after the target, or still running past it at the horizon. */
    breached: number;
    /** Still running within the target at the horizon. */
    pending: number;
    /** Cases that ended before the stop point within the target: not counted. */
    cancelled: number;
    /** met / (met + breached), 0 to 1 (1 when there were none). */
    attainment: number;
    /** Clock time from start to stop of the stopped clocks. */
    time_to_stop: Dist;
    /** Breaches by hour of the week of the case's arrival (168 entries, Monday 00:00 first). */
    breaches_by_hour: number[];
}

/** One bucket of a queue-length series. */
export type QueueBucket = [hoursFromStart: number, mean: number, max: number];

/** One role's results in one replication. */
export interface RoleStats {
    role: string;
    staff: number;
    /** Busy staff time over available staff time, 0 to 1. */
    utilisation: number;
    /** Time tasks waited in the queue. */
    wait: Dist;
    queue_mean: number;
    queue_max: number;
    queue_series: QueueBucket[];
    tasks: number;
    /** Notifications received (notify nodes and escalations). */
    notified: number;
}

/** A name and a count. */
export type Count = [name: string, count: number];

/** The results of one replication. */
export interface RepResult {
    /** Cases that arrived after the warm-up. */
    arrived: number;
    /** Those arrivals by local hour of the week (168 entries, Monday 00:00 first). */
    arrivals_by_hour: number[];
    finished: number;
    /** Cases still open at the horizon. */
    open: number;
    /** Cases that found no branch at a decision. */
    stuck: number;
    /** Ends reached, by outcome. */
    outcomes: Count[];
    /** Arrival to end, for finished cases. */
    cycle_time: Dist;
    slas: SlaStats[];
    roles: RoleStats[];
    /** Visits per node. */
    visits: Count[];
    /** Events processed. */
    events: number;
}

/** A figure across replications: mean ± 95 % half-width. */
export interface Estimate {
    mean: number;
    /** `null` (infinite) with fewer than two replications. */
    half_width: number | null;
}

/** A named estimate. */
export type NamedEstimate = [name: string, estimate: Estimate];

/** A count across replications. */
export interface Tally {
    /** The sum over all replications. */
    total: number;
    /** The mean per replication. */
    mean: number;
}

/** Cases across replications: means per replication with their 95 % half-widths. */
export interface CaseSummary {
    arrived: Estimate;
    finished: Estimate;
    open: Estimate;
    /** Cases that found no branch at a decision. */
    stuck: Estimate;
}

/** One SLA rule across replications. */
export interface SlaSummary {
    rule: string;
    /** The same estimate as `summary.attainment`. */
    attainment: Estimate;
    met: Tally;
    breached: Tally;
    pending: Tally;
    /** Start to stop of the stopped clocks, pooled over replications; `null` when none stopped. */
    time_to_stop: Dist | null;
    /** Breaches by hour of the week of arrival (Monday 00:00 first, 168 values), summed over replications. */
    breaches_by_hour: number[];
}

/** One role across replications. */
export interface RoleSummary {
    role: string;
    staff: number;
    /** The same estimate as `summary.utilisation`. */
    utilisation: Estimate;
    /** Mean queue wait, seconds: the same estimate as `summary.wait`. */
    wait: Estimate;
    /** Queue waits pooled over replications; `null` when no task waited. */
    waits: Dist | null;
    /** Time-average queue length, mean over replications. */
    queue_mean: number;
    /** Longest queue in any replication. */
    queue_max: number;
    /** Per bucket: [hours from the start, mean of the replications' means, largest of their maxima]. */
    queue_series: [start: number, mean: number, max: number][];
    tasks: Tally;
    notified: Tally;
}

/** Every figure a report of a run shows across its replications. */
export interface Overview {
    cases: CaseSummary;
    /** Per SLA rule, in the workflow's order. */
    slas: SlaSummary[];
    /** Per role, in the workflow's order. */
    roles: RoleSummary[];
    /** Ends reached, by outcome. */
    outcomes: [outcome: string, count: Tally][];
    /** Arrival to end of finished cases, pooled over replications; `null` when none finished. */
    cycle_time: Dist | null;
}

/** Headline figures across replications. */
export interface Summary95 {
    /** SLA attainment per rule. */
    attainment: NamedEstimate[];
    /** Utilisation per role. */
    utilisation: NamedEstimate[];
    /** Mean queue wait per role, seconds. */
    wait: NamedEstimate[];
    /** Mean cycle time, seconds. */
    cycle_time: Estimate;
    /** Cases finished. */
    finished: Estimate;
}

/** One row of the event log. */
export interface LogRow {
    case_id: number;
    /** The node's id. */
    activity: string;
    timestamp: Instant;
    /** The role, for tasks (`""` otherwise). */
    resource: string;
    /** XES lifecycle: a task is `schedule`d (queued), `start`ed and `complete`d. */
    lifecycle: "schedule" | "start" | "complete";
}

/** The results of a simulation. */
export interface SimResult {
    start: Instant;
    /** The time zone of hour-of-week figures. */
    zone: string;
    config: SimConfig;
    replications: RepResult[];
    summary: Summary95;
    /** Every figure a report shows across the replications, computed by the core. */
    overview: Overview;
    /** The first replication's event log, when `event_log` was asked for (and not empty). */
    log?: LogRow[];
}

/** Two scenarios run on the same seeds. */
export interface Comparison {
    a_name: string;
    b_name: string;
    a: SimResult;
    b: SimResult;
    /** Differences b − a of the headline figures, paired by replication. */
    difference: Summary95;
}

/** What-if overrides of a workflow for simulation. */
export interface Scenario {
    /** The scenario format version. */
    "flowdrill-scenario": 1;
    name?: string;
    /** Staff per role. */
    staff?: Record<string, number>;
    /** Calendars added or replaced. */
    calendars?: Record<string, CalendarInput>;
    /** The calendar each named role works to (`"24/7"`: around the clock). */
    role_calendars?: Record<string, string>;
    /** Arrivals replaced per start node. */
    arrivals?: Record<string, Arrivals>;
    /** Multiplies every Poisson arrival rate. */
    arrival_factor?: number;
    /** Attribute weights replaced: attribute → value → weight. */
    mix?: Record<string, Record<string, number>>;
    queue?: Discipline;
}

// ---- drills -------------------------------------------------------------------------------

/** What a participant or the facilitator does (the facilitator's: start … end). */
export type DrillActionKind =
    | "start" | "pause" | "resume" | "speed" | "jump" | "publish" | "skip" | "end"
    | "classify" | "route" | "tag" | "flag" | "take" | "respond" | "done"
    | "escalate" | "notify" | "close" | "let-stand";

/** One entry of a drill's action log. */
export interface DrillAction {
    /** Wall-clock instant it was done (RFC 3339); never earlier than the previous action. */
    at: Instant;
    /** Who did it (a participant's name, or the facilitator). */
    by: string;
    /** The role they played. */
    role?: string;
    do: DrillActionKind;
    /** The post (case) acted on. */
    case?: string;
    /** `route`: the branch's target node; `escalate`: the role. */
    to?: string;
    /** `classify`: attribute values. */
    attributes?: Record<string, Value>;
    /** `tag`: the tags. */
    tags?: string[];
    /** `notify`: the roles told. */
    roles?: string[];
    /** `publish` / `skip`: the inject. */
    inject?: string;
    /** `start` / `speed`: drill seconds per wall second, 1 to 60. */
    speed?: number;
    /** `respond`: in the channel, or off it. */
    visibility?: "public" | "private";
    /** `respond`: the reply; other actions: a note. */
    text?: string;
    /** `respond` / `done`: the task finished, when the post waits at several. */
    step?: string;
}

/** Where an inject stands. */
export type InjectStatus =
    | { status: "pending" }
    | { status: "published"; at: Instant }
    | { status: "skipped" };

/** The facilitator's clock: drill time = drill_mark + (wall − wall_mark) × speed while running. */
export interface DrillClock {
    started: boolean;
    running: boolean;
    speed: number;
    drill_mark: Instant;
    wall_mark: Instant;
}

/** A line of a drill's timeline. */
export interface DrillEvent {
    /** Drill time. */
    at: Instant;
    kind: "inject" | "contingency" | "system" | "action" | "milestone" | "breach" | "released" | "ended" | "clock";
    case?: string;
    by?: string;
    role?: string;
    text: string;
}

/** An expected action of an inject. */
export interface Expect {
    action: DrillActionKind;
    to?: string;
    within: Duration;
}

/** An SLA clock of a post. */
export interface ClockView {
    rule: string;
    name: string;
    state: ClockState;
    /** When it breaches if it keeps running. */
    deadline: Instant | null;
    /** Ladder milestones fired so far (`"50%"`, `"100%"`, ...). */
    fired: string[];
    /** `warning` once a milestone before the target fired; `breached` past the target. */
    level: "ok" | "warning" | "breached";
}

export interface InjectView {
    id: string;
    /** Offset from the start, as written. */
    at: Duration;
    due: Instant | null;
    status: InjectStatus;
    /** Due and not out yet. */
    is_due: boolean;
    channel: string;
    author: string;
    text: string;
    objective: string | null;
    expect: Expect[];
}

export interface ContingencyView {
    id: string;
    watches: string;
    status: InjectStatus;
}

export interface SystemView {
    id: string;
    kind: "staff-loss" | "surge" | "outage";
    at: Duration;
    text: string;
    status: InjectStatus;
}

/** A branch a participant can route a post to. */
export interface BranchView {
    to: string;
    label: string;
}

/** Where a post waits and what would move it on. */
export interface StepView {
    node: string;
    label: string;
    kind: NodeKind;
    role: string | null;
    /** A decision's branches (or, for a task followed by a decision, that decision's). */
    branches: BranchView[];
    decision: string | null;
    /** A notify step's roles. */
    roles: string[];
}

/** A post in the inbox. */
export interface CaseView {
    id: string;
    source: "inject" | "contingency" | "surge";
    channel: string;
    author: string;
    text: string;
    published: Instant;
    /** How long since it was published, like `12m`. */
    age: string;
    read: [attribute: string, value: string][];
    holder: string | null;
    holder_role: string | null;
    tags: string[];
    flagged: boolean;
    priority: boolean;
    steps: StepView[];
    clocks: ClockView[];
    outcome: string | null;
    ended: Instant | null;
}

/** An exercise rating (HSEEP): P performed without challenges, S with some, M with major, U unable. */
export type Rating = "P" | "S" | "M" | "U";

export interface Scoreboard {
    overall: Rating | null;
    passed: number;
    late: number;
    failed: number;
    objectives: [id: string, text: string, rating: Rating | null][];
    open: number;
    closed: number;
}

/** A drill's state, for the facilitator's panel, the inbox and the scoreboard. */
export interface DrillView {
    scenario: string;
    title: string;
    description: string | null;
    workflow: string;
    /** Drill time now. */
    now: Instant;
    /** Drill time in the workflow's zone, like `Wed 16:42`. */
    local: string;
    /** Since the start, like `12m`. */
    elapsed: string;
    clock: DrillClock;
    ended: Instant | null;
    injects: InjectView[];
    contingencies: ContingencyView[];
    system: SystemView[];
    /** Newest first. */
    cases: CaseView[];
    outages: { channel: string; until: Instant }[];
    staff_lost: [role: string, lost: number][];
    roles: string[];
    attributes: { name: string; values: string[] }[];
    score: Scoreboard;
    /** The last lines of the timeline, newest first. */
    recent: DrillEvent[];
}

/** One scored point of a drill. */
export interface DrillCheck {
    case: string;
    kind: "decision" | "expected" | "sla" | "no-response" | "notify";
    text: string;
    outcome: "passed" | "late" | "failed";
    by: string | null;
    role: string | null;
    objective: string | null;
    at: Instant | null;
}

export interface ObjectiveScore {
    id: string;
    text: string;
    rating: Rating | null;
    passed: number;
    late: number;
    failed: number;
}

export interface Tally {
    actions: number;
    passed: number;
    late: number;
    failed: number;
    rating: Rating | null;
}

export interface CaseScore {
    id: string;
    author: string;
    channel: string;
    text: string;
    /** The true attributes, revealed. */
    truth: string;
    right_route: string[];
    right_outcome: string | null;
    taken: string[];
    outcome: string | null;
    slas: [rule: string, state: ClockState][];
}

export interface DrillScore {
    checks: DrillCheck[];
    objectives: ObjectiveScore[];
    participants: Record<string, Tally>;
    roles: Record<string, Tally>;
    cases: CaseScore[];
    overall: Rating | null;
}

export interface TimelineRow {
    at: Instant;
    elapsed: string;
    local: string;
    kind: DrillEvent["kind"];
    case: string | null;
    by: string | null;
    text: string;
}

export interface PlanRow {
    objective: string | null;
    issue: string;
    action: string;
    owner: string;
}

/** The after-action report. */
export interface AfterActionReport {
    scenario: string;
    title: string;
    workflow: string;
    started: Instant;
    /** Start and end in the workflow's zone, for people. */
    span: string;
    ended: Instant;
    overall: Rating | null;
    timeline: TimelineRow[];
    score: DrillScore;
    strengths: string[];
    improvements: string[];
    plan: PlanRow[];
}

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
