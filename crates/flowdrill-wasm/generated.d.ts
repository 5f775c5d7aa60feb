// Generated from the Rust types by flowdrill-wasm's `generated_types` test: do not edit.
// Regenerate with `FLOWDRILL_UPDATE_EXPECTED=1 cargo test -p flowdrill-wasm generated_types`.
// Types whose JSON is written by hand (Duration, Guard, WorkflowNode, ...) are declared
// in flowdrill.d.ts.

/**
 * The after-action report.
 */
export type AfterActionReport = { 
/**
 * The scenario's id.
 */
scenario: string, 
/**
 * Its title.
 */
title: string, 
/**
 * The workflow drilled.
 */
workflow: string, 
/**
 * Drill time at the start.
 */
started: string, 
/**
 * The start and end in the workflow's zone, for people.
 */
span: string, 
/**
 * Drill time at the end.
 */
ended: string, 
/**
 * The overall rating.
 */
overall: Rating | null, 
/**
 * Everything that happened, in order.
 */
timeline: Array<TimelineRow>, 
/**
 * The score: checks, objectives, participants, roles, posts.
 */
score: DrillScore, 
/**
 * What went well.
 */
strengths: Array<string>, 
/**
 * What did not.
 */
improvements: Array<string>, 
/**
 * What to do about it.
 */
plan: Array<PlanRow>, };

/**
 * A case attribute with a finite domain, e.g. sentiment ∈ {positive, neutral, negative}.
 *
 * Written as a list of values (equal weights) or as an object:
 * `{"label": ..., "question": ..., "values": ["a", "b"], "weights": [3, 1]}` or with
 * `"values": {"a": 3, "b": 1}`.
 */
export type Attribute = { 
/**
 * Display name.
 */
label?: string, 
/**
 * The question a person answers to set it, e.g. "Who is asking?".
 */
question?: string, 
/**
 * The domain: all text or all numbers, no repeats, at most 64.
 */
values: Array<Value>, 
/**
 * Relative frequency of each value among cases (for simulation).
 */
weights?: Array<number>, };

/**
 * An attribute participants can set.
 */
export type AttributeView = { 
/**
 * Its name.
 */
name: string, 
/**
 * Its values.
 */
values: Array<string>, };

/**
 * A branch a participant can route to.
 */
export type BranchView = { 
/**
 * The target node.
 */
to: string, 
/**
 * The edge's label, else the target's label.
 */
label: string, };

/**
 * One post's answer key and what happened to it.
 */
export type CaseScore = { 
/**
 * The post.
 */
id: string, 
/**
 * Who wrote it.
 */
author: string, 
/**
 * Where.
 */
channel: string, 
/**
 * What.
 */
text: string, 
/**
 * Its true attributes, revealed.
 */
truth: string, 
/**
 * The right route's nodes.
 */
right_route: Array<string>, 
/**
 * The right route's outcome.
 */
right_outcome: string | null, 
/**
 * The nodes it took.
 */
taken: Array<string>, 
/**
 * How it ended.
 */
outcome: string | null, 
/**
 * Its SLA clocks at the end: rule and state.
 */
slas: Array<[string, ClockState]>, };

/**
 * Cases across replications: means per replication with their 95 % half-widths.
 */
export type CaseSummary = { 
/**
 * Cases that arrived after the warm-up.
 */
arrived: Estimate, 
/**
 * Of those, cases that ended.
 */
finished: Estimate, 
/**
 * Cases still open at the horizon.
 */
open: Estimate, 
/**
 * Cases that found no branch at a decision.
 */
stuck: Estimate, };

/**
 * A post, as the inbox shows it.
 */
export type CaseView = { 
/**
 * Its id.
 */
id: string, 
/**
 * `inject`, `contingency` or `surge`.
 */
source: string, 
/**
 * The channel.
 */
channel: string, 
/**
 * The author.
 */
author: string, 
/**
 * The message.
 */
text: string, 
/**
 * When it was published.
 */
published: string, 
/**
 * How long ago, like `12m`.
 */
age: string, 
/**
 * The attributes set so far (name, value).
 */
read: Array<[string, string]>, 
/**
 * Who holds it.
 */
holder: string | null, 
/**
 * The role it is with.
 */
holder_role: string | null, 
/**
 * Tags.
 */
tags: Array<string>, 
/**
 * Flagged.
 */
flagged: boolean, 
/**
 * Priority raised.
 */
priority: boolean, 
/**
 * Where it waits.
 */
steps: Array<StepView>, 
/**
 * Its SLA clocks.
 */
clocks: Array<ClockView>, 
/**
 * How it ended.
 */
outcome: string | null, 
/**
 * When.
 */
ended: string | null, };

/**
 * Where an SLA clock starts or stops.
 */
export type ClockPoint = "start" | "end" | { "enter": Ids } | { "leave": Ids };

/**
 * Where a clock is.
 */
export type ClockState = "not-started" | "running" | "paused" | "met" | "breached" | "cancelled";

/**
 * An SLA clock of a case, as the drill view shows it.
 */
export type ClockView = { 
/**
 * The rule.
 */
rule: string, 
/**
 * Its name.
 */
name: string, 
/**
 * Where the clock is.
 */
state: ClockState, 
/**
 * When it breaches if it keeps running.
 */
deadline: string | null, 
/**
 * Ladder milestones fired so far (`"50%"`, `"100%"`, ...).
 */
fired: Array<string>, 
/**
 * `ok`, `warning` (a milestone before the target fired) or `breached`.
 */
level: "ok" | "warning" | "breached", };

/**
 * Two scenarios run on the same seeds, and their differences.
 */
export type Comparison = { 
/**
 * The first scenario's name.
 */
a_name: string, 
/**
 * The second scenario's name.
 */
b_name: string, 
/**
 * The first scenario's results.
 */
a: SimResult, 
/**
 * The second scenario's results.
 */
b: SimResult, 
/**
 * Differences b − a of the headline figures, paired by replication (common random
 * numbers), with 95 % confidence half-widths.
 */
difference: Summary95, };

/**
 * A contingency.
 */
export type ContingencyView = { 
/**
 * Its id.
 */
id: string, 
/**
 * What it watches, in words.
 */
watches: string, 
/**
 * Pending, published (fired) or skipped (not needed).
 */
status: InjectStatus, };

/**
 * One validation finding.
 */
export type Diagnostic = { 
/**
 * Error or warning.
 */
severity: Severity, 
/**
 * A stable code such as `decision-gap`, for tools and for documentation.
 */
code: DiagnosticCode, 
/**
 * What is wrong, in words.
 */
message: string, 
/**
 * Where.
 */
location: Location, 
/**
 * A concrete case that shows the problem (decision gaps and overlaps).
 */
example?: { [key in string]: Value }, };

/**
 * How a role's queue is ordered.
 */
export type Discipline = "fifo" | "earliest-deadline";

/**
 * A value's distribution in seconds.
 */
export type Dist = { 
/**
 * How many values.
 */
count: number, 
/**
 * Mean.
 */
mean: number, 
/**
 * Median.
 */
p50: number, 
/**
 * 90th percentile.
 */
p90: number, 
/**
 * 95th percentile.
 */
p95: number, 
/**
 * 99th percentile.
 */
p99: number, 
/**
 * Largest.
 */
max: number, };

/**
 * One entry of the action log.
 */
export type DrillAction = { 
/**
 * Wall-clock instant it was done (RFC 3339; written with milliseconds, as
 * JavaScript's `toISOString` does).
 */
at: string, 
/**
 * Who did it (a participant's name, or the facilitator).
 */
by: string, 
/**
 * The role they played.
 */
role?: string, 
/**
 * What they did.
 */
do: DrillActionKind, 
/**
 * The post (case) acted on.
 */
case?: string, 
/**
 * `route`: the branch's target node; `escalate`: the role.
 */
to?: string, 
/**
 * `classify`: attribute values.
 */
attributes?: Record<string, Value>, 
/**
 * `tag`: the tags.
 */
tags?: Array<string>, 
/**
 * `notify`: the roles told.
 */
roles?: Array<string>, 
/**
 * `publish`/`skip`: the inject.
 */
inject?: string, 
/**
 * `speed`: the clock's new speed (1 to 60).
 */
speed?: number, 
/**
 * `respond`: public or private.
 */
visibility?: Visibility, 
/**
 * `respond`: the reply; other actions: a note.
 */
text?: string, 
/**
 * `respond`/`done`: the task finished, when the post waits at several.
 */
step?: string, };

/**
 * What a participant or the facilitator does.
 */
export type DrillActionKind = "start" | "pause" | "resume" | "speed" | "jump" | "publish" | "skip" | "end" | "classify" | "route" | "tag" | "flag" | "take" | "respond" | "done" | "escalate" | "notify" | "close" | "let-stand";

/**
 * One scored point.
 */
export type DrillCheck = { 
/**
 * The post.
 */
case: string, 
/**
 * `decision`, `expected`, `sla`, `no-response`, `no-engage` or `notify`.
 */
kind: string, 
/**
 * What was checked and what happened, in words.
 */
text: string, 
/**
 * How it came out.
 */
outcome: Outcome, 
/**
 * Who acted (when someone did).
 */
by: string | null, 
/**
 * In which role; for a miss, the role that should have acted.
 */
role: string | null, 
/**
 * The objective the post tests.
 */
objective: string | null, 
/**
 * When (drill time), if it happened.
 */
at: string | null, };

/**
 * The facilitator's clock: drill time as a function of wall time.
 */
export type DrillClock = { 
/**
 * Started and not ended.
 */
started: boolean, 
/**
 * Running (not paused).
 */
running: boolean, 
/**
 * Drill seconds per wall second.
 */
speed: number, 
/**
 * Drill time at the last clock change.
 */
drill_mark: string, 
/**
 * Wall time at the last clock change.
 */
wall_mark: string, };

/**
 * A line of the drill's timeline.
 */
export type DrillEvent = { 
/**
 * Drill time.
 */
at: string, 
/**
 * `inject`, `contingency`, `system`, `action`, `milestone`, `breach`, `released`,
 * `ended` or `clock`.
 */
kind: string, 
/**
 * The case concerned.
 */
case?: string, 
/**
 * Who did it.
 */
by?: string, 
/**
 * In which role.
 */
role?: string, 
/**
 * What happened, in words.
 */
text: string, };

/**
 * The score of a drill.
 */
export type DrillScore = { 
/**
 * Every check, post by post.
 */
checks: Array<DrillCheck>, 
/**
 * Per objective.
 */
objectives: Array<ObjectiveScore>, 
/**
 * Per participant.
 */
participants: { [key in string]: ScoreTally }, 
/**
 * Per role.
 */
roles: { [key in string]: ScoreTally }, 
/**
 * Per post.
 */
cases: Array<CaseScore>, 
/**
 * Over every check.
 */
overall: Rating | null, };

/**
 * A drill's state for the view.
 */
export type DrillView = { 
/**
 * The scenario's id.
 */
scenario: string, 
/**
 * Its title.
 */
title: string, 
/**
 * Its description.
 */
description: string | null, 
/**
 * The workflow's id.
 */
workflow: string, 
/**
 * Drill time now.
 */
now: string, 
/**
 * Drill time now in the workflow's zone, like `Wed 16:42`.
 */
local: string, 
/**
 * Time since the start, like `12m`.
 */
elapsed: string, 
/**
 * The facilitator's clock.
 */
clock: DrillClock, 
/**
 * When the drill ended.
 */
ended: string | null, 
/**
 * The master list, with what is due.
 */
injects: Array<InjectView>, 
/**
 * Contingencies and whether they fired.
 */
contingencies: Array<ContingencyView>, 
/**
 * System injects.
 */
system: Array<SystemView>, 
/**
 * Every post so far, newest first.
 */
cases: Array<CaseView>, 
/**
 * Channels down now.
 */
outages: Array<OutageView>, 
/**
 * Staff lost per role.
 */
staff_lost: Array<[string, number]>, 
/**
 * The workflow's roles.
 */
roles: Array<string>, 
/**
 * The workflow's attributes and their values, for classifying.
 */
attributes: Array<AttributeView>, 
/**
 * The live scoreboard.
 */
score: Scoreboard, 
/**
 * The last lines of the timeline, newest first.
 */
recent: Array<DrillEvent>, };

/**
 * A connection from one node to another.
 */
export type Edge = { 
/**
 * Optional id; by default `from->to`.
 */
id?: string, 
/**
 * The node the edge leaves.
 */
from: string, 
/**
 * The node the edge enters.
 */
to: string, 
/**
 * The branch's label, e.g. "negative" or "no reply".
 */
label?: string, 
/**
 * The condition for taking this branch of a decision.
 */
when?: Guard, 
/**
 * This is the decision's fallback branch, taken when no other accepts.
 */
otherwise?: boolean, 
/**
 * The edge may be taken at most this many times per case (bounded retry loops);
 * once used up the decision picks among its other branches.
 */
limit?: number, };

/**
 * A figure across replications: mean and 95 % confidence half-width.
 */
export type Estimate = { 
/**
 * Mean over replications.
 */
mean: number, 
/**
 * Half-width of the 95 % confidence interval (Student's t); infinite, written `null`,
 * with fewer than two replications.
 */
half_width: number | null, };

/**
 * An action expected on a post.
 */
export type Expect = { 
/**
 * The action (`route`, `notify`, `escalate`, `respond`, `let-stand`, ...).
 */
action: DrillActionKind, 
/**
 * Its target: a node for `route`, a role for `notify`/`escalate`, `public` or
 * `private` for `respond`.
 */
to?: string, 
/**
 * How long after publication it is due.
 */
within: Duration, };

/**
 * Where an inject (or contingency, or system inject) stands.
 */
export type InjectStatus = { "status": "pending" } | { "status": "published", 
/**
 * When.
 */
at: string, } | { "status": "skipped" };

/**
 * An inject of the master list.
 */
export type InjectView = { 
/**
 * Its id.
 */
id: string, 
/**
 * Its offset, as written.
 */
at: string, 
/**
 * When it is due (drill time).
 */
due: string | null, 
/**
 * Pending, published or skipped.
 */
status: InjectStatus, 
/**
 * Due now or overdue and not out yet.
 */
is_due: boolean, 
/**
 * The channel.
 */
channel: string, 
/**
 * The author.
 */
author: string, 
/**
 * The message.
 */
text: string, 
/**
 * The objective.
 */
objective: string | null, 
/**
 * What is expected (the facilitator sees it).
 */
expect: Array<Expect>, };

/**
 * One rung of an escalation ladder on a route: when it would fire and who is told.
 */
export type LadderStep = { 
/**
 * As written: `"75%"`, `"2d overdue"`.
 */
at: string, 
/**
 * When it fires if the clock keeps running from its start.
 */
instant: string | null, 
/**
 * Roles told (including the holding role's manager for `notify_manager`).
 */
notify: Array<string>, 
/**
 * Other actions: `reassign to ROLE`, `flag`, `raise priority`.
 */
actions: Array<string>, };

/**
 * An edge's polyline in the drawing.
 */
export type LaidEdge = { 
/**
 * The edge's id (`from->to` unless given).
 */
id: string, 
/**
 * Source node id.
 */
from: string, 
/**
 * Target node id.
 */
to: string, 
/**
 * The points of the polyline, source to target. The first lies on the source's box,
 * the last on the target's.
 */
points: Array<[number, number]>, 
/**
 * The edge's label, if it has one.
 */
label: string | null, 
/**
 * What to write on the edge: its label, else `otherwise` or its condition in words,
 * with its retry limit ([`edge_caption`](crate::analysis::text::edge_caption)).
 */
caption: string | null, 
/**
 * True when the edge runs against the flow (it closes a loop, or enters a start, or
 * is a loop from a node to itself): it leaves the top of its source and enters the
 * bottom of its target.
 */
reversed: boolean, };

/**
 * A node's box in the drawing.
 */
export type LaidNode = { 
/**
 * The node id.
 */
id: string, 
/**
 * Left edge.
 */
x: number, 
/**
 * Top edge.
 */
y: number, 
/**
 * Width.
 */
width: number, 
/**
 * Height.
 */
height: number, 
/**
 * The layer (rank) the node is in.
 */
layer: number, 
/**
 * The node's kind as written in the file (`"task"`, `"decision"`, ...).
 */
kind: NodeKind, };

/**
 * A drawing of the whole graph.
 */
export type Layout = { 
/**
 * Node boxes, in file order.
 */
nodes: Array<LaidNode>, 
/**
 * Edge polylines, in file order. Edges whose ends do not both name a node are left
 * out.
 */
edges: Array<LaidEdge>, 
/**
 * Width of the drawing.
 */
width: number, 
/**
 * Height of the drawing.
 */
height: number, };

/**
 * Bounds that stop a runaway model.
 */
export type Limits = { 
/**
 * Events per replication.
 */
max_events: number, 
/**
 * Arrivals per replication.
 */
max_cases: number, 
/**
 * Cases in the system at once.
 */
max_open: number, 
/**
 * Rows of the event log.
 */
max_log_rows: number, };

/**
 * Where a finding is: a JSON path and, when there is one, the node or edge.
 */
export type Location = { 
/**
 * JSON path into the document, e.g. `edges[4].when`.
 */
path?: string, 
/**
 * The node id concerned.
 */
node?: string, 
/**
 * The edge concerned (its id, or `from->to`).
 */
edge?: string, 
/**
 * 1-based line in the file, when known.
 */
line?: number, 
/**
 * 1-based column in the file, when known.
 */
column?: number, };

/**
 * One row of the event log (the columns process-mining tools import).
 */
export type LogRow = { 
/**
 * Case number.
 */
case_id: number, 
/**
 * The node's id.
 */
activity: string, 
/**
 * When, RFC 3339.
 */
timestamp: string, 
/**
 * The role, for tasks.
 */
resource: string, 
/**
 * `schedule` (a task joins its role's queue), `start` (work begins) or `complete`.
 */
lifecycle: string, };

/**
 * One rung of an escalation ladder and what it does.
 */
export type Milestone = { 
/**
 * When it fires.
 */
at: MilestoneAt, 
/**
 * Roles to notify.
 */
notify?: Ids, 
/**
 * Notify the escalation target of the role that holds the case.
 */
notify_manager?: boolean, 
/**
 * Move the case to this role's queue.
 */
reassign?: string, 
/**
 * Flag the case.
 */
flag?: boolean, 
/**
 * Raise the case's priority.
 */
raise_priority?: boolean, };

/**
 * One row of a joint table of attribute values: a combination and its weight.
 *
 * ```json
 * "mix": [
 *   { "case": { "asker": "media", "sentiment": "negative" }, "weight": 3 },
 *   { "case": { "asker": "customer", "sentiment": "negative" }, "weight": 20 }
 * ]
 * ```
 *
 * Every row names the same attributes. A combination left out never occurs.
 */
export type MixRow = { 
/**
 * The combination of values.
 */
case: { [key in string]: Value }, 
/**
 * Its relative frequency.
 */
weight: number, };

/**
 * A notification sent on the way.
 */
export type Notification = { 
/**
 * The notify node.
 */
node: string, 
/**
 * The roles told.
 */
roles: Array<string>, 
/**
 * The message.
 */
message?: string, };

/**
 * An objective's rating.
 */
export type ObjectiveScore = { 
/**
 * Its id.
 */
id: string, 
/**
 * What it tests.
 */
text: string, 
/**
 * The rating over its due checks (None when none came due: see `not_due`).
 */
rating: Rating | null, 
/**
 * Checks passed, late and failed.
 */
passed: number, 
/**
 * Late.
 */
late: number, 
/**
 * Failed.
 */
failed: number, 
/**
 * Checks not due when the drill ended (in no rating). With no due check, a count
 * above zero makes the objective *not due* rather than untested.
 */
not_due: number, };

/**
 * A channel that is down.
 */
export type OutageView = { 
/**
 * The channel.
 */
channel: string, 
/**
 * When it comes back (drill time).
 */
until: string, };

/**
 * How a check came out.
 */
export type Outcome = "passed" | "late" | "failed" | "not-due";

/**
 * Everything a report of a run shows across its replications.
 */
export type Overview = { 
/**
 * Cases.
 */
cases: CaseSummary, 
/**
 * Per SLA rule, in the workflow's order.
 */
slas: Array<SlaSummary>, 
/**
 * Per role, in the workflow's order.
 */
roles: Array<RoleSummary>, 
/**
 * Ends reached, by outcome (in the order first met).
 */
outcomes: Array<[string, Tally]>, 
/**
 * Arrival to end of finished cases, pooled over replications (`None` when no case
 * finished); the mean's confidence interval is the result's `summary.cycle_time`.
 */
cycle_time: Dist | null, };

/**
 * A drill's state as one participant may see it: no expected actions, no true
 * attributes, no objectives, no contingencies, no scoreboard, and SLA chips that follow
 * the participants' classification (see the [module](self) documentation).
 */
export type ParticipantView = { 
/**
 * The scenario's title.
 */
title: string, 
/**
 * Its description: the briefing.
 */
description: string | null, 
/**
 * The workflow's id.
 */
workflow: string, 
/**
 * Drill time now.
 */
now: string, 
/**
 * Drill time now in the workflow's zone, like `Wed 16:42`.
 */
local: string, 
/**
 * Time since the start, like `12m`.
 */
elapsed: string, 
/**
 * The facilitator's clock.
 */
clock: DrillClock, 
/**
 * When the drill ended.
 */
ended: string | null, 
/**
 * The role whose inbox `cases` is (None: every post).
 */
role: string | null, 
/**
 * The workflow's roles.
 */
roles: Array<string>, 
/**
 * The workflow's attributes and their values, for classifying.
 */
attributes: Array<AttributeView>, 
/**
 * Channels down now.
 */
outages: Array<OutageView>, 
/**
 * The posts of the inbox, newest first.
 *
 * With a role `r`, a post is in the inbox when it waits at a step of `r` (a task whose
 * role is `r`, a notify step naming `r`), when `r` holds it (its holder role as shown
 * here), or when it is new to everyone: nobody holds it, nobody has taken or escalated
 * it, and it waits at a decision or at its first step (no task, notify step or
 * decision of it has been left yet): new posts are everyone's to triage. A role the
 * workflow lacks sees only those new posts. Without a role, every post is in it.
 */
cases: Array<CaseView>, 
/**
 * The last lines of the timeline (at most [`RECENT`]), newest first, keeping only
 * what carries no answer key:
 *
 * - `inject` (a post published: author, channel and text), `action` (what someone
 *   did), `released` (a post leaving a wait) and `ended` (a post closed with its
 *   outcome, or the drill ended): kept;
 * - `clock` (the facilitator's clock): kept, but for an inject skipped (which would
 *   name an inject of the master list never published);
 * - `system`: a role's staff loss and a channel outage are kept (announced to
 *   everyone); a surge's announcement, a forecast of the posts to come, is dropped;
 * - `contingency`: replaced by an `inject` line with its post's author, channel and
 *   text (the original names the action it watched for);
 * - `milestone` and `breach`: the session's are dropped (they name rules chosen by the
 *   truth); a line is written for each rung fired of a clock shown on a post, in the
 *   session's words (`rule at 50%; roles told; ...`);
 * - any other kind: dropped.
 */
recent: Array<DrillEvent>, };

/**
 * A row of the improvement plan.
 */
export type PlanRow = { 
/**
 * The objective concerned.
 */
objective: string | null, 
/**
 * The issue found.
 */
issue: string, 
/**
 * The corrective action.
 */
action: string, 
/**
 * The role that owns it.
 */
owner: string, };

/**
 * Progress reported during a run.
 */
export type Progress = { 
/**
 * The replication running (0-based).
 */
replication: number, 
/**
 * Replications in all.
 */
replications: number, 
/**
 * Share of the whole run done, 0 to 1.
 */
done: number, };

/**
 * An exercise rating, after HSEEP.
 */
export type Rating = "P" | "S" | "M" | "U";

/**
 * The results of one replication.
 */
export type RepResult = { 
/**
 * Cases that arrived after the warm-up.
 */
arrived: number, 
/**
 * Those arrivals by local hour of the week (Monday 00:00 first), for breach rates.
 */
arrivals_by_hour: Array<number>, 
/**
 * Of those, cases that ended.
 */
finished: number, 
/**
 * Cases still open at the horizon.
 */
open: number, 
/**
 * Cases that found no branch at a decision.
 */
stuck: number, 
/**
 * Ends reached, by outcome.
 */
outcomes: Array<[string, number]>, 
/**
 * Arrival to end, for finished cases.
 */
cycle_time: Dist, 
/**
 * Per SLA rule.
 */
slas: Array<SlaStats>, 
/**
 * Per role.
 */
roles: Array<RoleStats>, 
/**
 * Visits per node.
 */
visits: Array<[string, number]>, 
/**
 * Events processed.
 */
events: number, };

/**
 * A role: a queue of people who do tasks.
 */
export type Role = { 
/**
 * Display name, e.g. "Digital Fulfilment Specialist".
 */
name?: string, 
/**
 * How many people work in the role (default 1).
 */
staff: number, 
/**
 * The calendar the role works to; around the clock when absent.
 */
calendar?: string, 
/**
 * The role a case escalates to (the role's manager).
 */
escalates_to?: string, };

/**
 * One role's results in one replication.
 */
export type RoleStats = { 
/**
 * The role.
 */
role: string, 
/**
 * Staff.
 */
staff: number, 
/**
 * Busy staff time over available staff time (staff × open hours), 0 to 1.
 */
utilisation: number, 
/**
 * Time tasks waited in the queue (tasks still waiting at the horizon count the wait so
 * far).
 */
wait: Dist, 
/**
 * Time-average queue length.
 */
queue_mean: number, 
/**
 * Longest queue.
 */
queue_max: number, 
/**
 * Queue length per bucket of the resolution: (bucket start in hours from the start,
 * mean, max).
 */
queue_series: Array<[number, number, number]>, 
/**
 * Tasks done.
 */
tasks: number, 
/**
 * Notifications received (notify nodes and escalations).
 */
notified: number, };

/**
 * One role across replications.
 */
export type RoleSummary = { 
/**
 * The role.
 */
role: string, 
/**
 * Staff (in the first replication; a run does not change it).
 */
staff: number, 
/**
 * Utilisation (the same estimate as the result's `summary.utilisation`).
 */
utilisation: Estimate, 
/**
 * Mean queue wait, seconds (the same estimate as the result's `summary.wait`).
 */
wait: Estimate, 
/**
 * Queue waits pooled over replications (`None` when no task waited).
 */
waits: Dist | null, 
/**
 * Time-average queue length, mean over replications.
 */
queue_mean: number, 
/**
 * Longest queue in any replication.
 */
queue_max: number, 
/**
 * Queue length per bucket of the resolution across replications: (bucket start in
 * hours from the start, mean of the replications' means, largest of their maxima).
 */
queue_series: Array<[number, number, number]>, 
/**
 * Tasks done.
 */
tasks: Tally, 
/**
 * Notifications received.
 */
notified: Tally, };

/**
 * The path of one case.
 */
export type Route = { 
/**
 * The start node.
 */
start: string, 
/**
 * The nodes passed, in order.
 */
steps: Array<Step>, 
/**
 * Notifications sent.
 */
notifications: Array<Notification>, 
/**
 * The end node reached.
 */
end: string | null, 
/**
 * The outcome of that end.
 */
outcome: string | null, 
/**
 * The decision where the case found no branch, if it got stuck.
 */
stuck_at?: string, };

/**
 * A case's route and its timing for an arrival instant. Serialized as one object:
 * `{route, timeline, slas}`.
 */
export type RouteAt = { 
/**
 * The route.
 */
route: Route, 
/**
 * When each step is entered and left at a typical pace; the start step is entered at
 * the arrival.
 */
timeline: Array<TimedStep>, 
/**
 * What each SLA rule that applies to the case says, in the workflow's order.
 */
slas: Array<RouteSla>, };

/**
 * What `route` returns without a start time: the path alone (with one, the core's
 * [`RouteAt`](flowdrill_core::analysis::route_at::RouteAt)).
 */
export type RoutePath = { route: Route, };

/**
 * A route table row as JavaScript receives it: the row with its conditions and its path
 * (by node name) in words.
 */
export type RouteRow = { conditions_text: string, path_text: string, 
/**
 * The route.
 */
route: Route, 
/**
 * The cases that take it, as alternatives: each a list of attribute conditions
 * (attribute, allowed values) that must all hold. Attributes not named may be anything.
 */
conditions: Array<Array<[string, Array<Value>]>>, 
/**
 * How many of all attribute combinations take this route (from its start).
 */
cases: number, 
/**
 * The share of cases from its start that take this route when attributes are drawn
 * with their weights (0 to 1).
 */
share: number, 
/**
 * One concrete case that takes the route.
 */
example: { [key in string]: Value }, };

/**
 * What one SLA rule says about a case on its route.
 */
export type RouteSla = { 
/**
 * The rule id.
 */
rule: string, 
/**
 * The rule's name.
 */
name: string | null, 
/**
 * The target.
 */
target: Duration, 
/**
 * The calendar the clock counts on (`None`: around the clock).
 */
calendar: string | null, 
/**
 * When the clock starts on this route (`None` if its start point is not on it).
 */
started: string | null, 
/**
 * The deadline computed at the start.
 */
deadline: string | null, 
/**
 * The ladder, timed from the start.
 */
ladder: Array<LadderStep>, 
/**
 * When the clock stops with typical effort and no queueing.
 */
stopped: string | null, 
/**
 * The clock's state at the end of the route.
 */
state: ClockState, };

/**
 * A route table as JavaScript receives it: every row in words too.
 */
export type RouteTable = { attributes: Array<string>, rows: Array<RouteRow>, starts: Array<string>, total_cases: number, };

/**
 * What-if overrides.
 */
export type Scenario = { 
/**
 * Must be 1.
 */
"flowdrill-scenario": number, 
/**
 * A name for reports.
 */
name?: string, 
/**
 * Staff per role.
 */
staff?: { [key in string]: number }, 
/**
 * Calendars added or replaced.
 */
calendars?: Record<string, CalendarInput>, 
/**
 * The calendar each named role works to (`"24/7"` for around the clock).
 */
role_calendars?: { [key in string]: string }, 
/**
 * Arrivals replaced per start node.
 */
arrivals?: { [key in string]: Arrivals }, 
/**
 * Multiplies every Poisson arrival rate.
 */
arrival_factor?: number, 
/**
 * Attribute weights replaced: attribute → value → weight.
 */
mix?: { [key in string]: { [key in string]: number } }, 
/**
 * Queue order for every role.
 */
queue?: Discipline, };

/**
 * Tallies for a participant or a role.
 */
export type ScoreTally = { 
/**
 * Actions taken.
 */
actions: number, 
/**
 * Checks passed.
 */
passed: number, 
/**
 * Checks late.
 */
late: number, 
/**
 * Checks failed.
 */
failed: number, 
/**
 * The rating over these checks.
 */
rating: Rating | null, };

/**
 * The live scoreboard.
 */
export type Scoreboard = { 
/**
 * Over every check so far.
 */
overall: Rating | null, 
/**
 * Checks passed, late and failed so far.
 */
passed: number, 
/**
 * Late.
 */
late: number, 
/**
 * Failed.
 */
failed: number, 
/**
 * Per objective: id, text, rating.
 */
objectives: Array<[string, string, Rating | null]>, 
/**
 * Posts open and closed.
 */
open: number, 
/**
 * Closed.
 */
closed: number, };

/**
 * How serious a finding is.
 */
export type Severity = "error" | "warning";

/**
 * What to simulate.
 */
export type SimConfig = { 
/**
 * When the run starts (by default Monday 5 January 2026, midnight in the workflow's
 * first calendar's zone).
 */
start: string | null, 
/**
 * How long arrivals come.
 */
horizon: Duration, 
/**
 * The initial period excluded from statistics.
 */
warmup: Duration, 
/**
 * The seed.
 */
seed: number, 
/**
 * How many independent replications.
 */
replications: number, 
/**
 * The bucket width of the queue-length time series.
 */
resolution: Duration, 
/**
 * Queue order.
 */
discipline: Discipline, 
/**
 * Runaway limits.
 */
limits: Limits, 
/**
 * Keep an event log of the first replication.
 */
event_log: boolean, };

/**
 * Run options as a host writes them (the web app, the bindings, the command line): every
 * field optional, durations as strings. [`SimOptions::resolve`] turns them into a
 * [`SimConfig`], applying every rule about them.
 *
 * ```json
 * { "horizon": "30d", "warmup": "1d", "seed": 7, "replications": 10,
 *   "start": "2026-01-05T00:00:00-05:00", "resolution": "1h", "queue": "earliest-deadline",
 *   "event_log": false }
 * ```
 */
export type SimOptions = { 
/**
 * How long arrivals come (default 7d; 1 minute to 3660 days).
 */
horizon?: Duration, 
/**
 * The warm-up excluded from statistics (default none; shorter than the horizon).
 */
warmup?: Duration, 
/**
 * The seed (default 1).
 */
seed?: number, 
/**
 * Replications (default 10; 1 to 1000).
 */
replications?: number, 
/**
 * When the run starts, RFC 3339 (default Monday 5 January 2026, midnight in the
 * workflow's first calendar's zone).
 */
start?: string, 
/**
 * Queue-series bucket width (default 1h; at least 1 minute).
 */
resolution?: Duration, 
/**
 * Queue order for scenarios that do not give their own (default first come, first
 * served).
 */
queue?: Discipline, 
/**
 * Keep the first replication's event log.
 */
event_log?: boolean, };

/**
 * The results of a simulation.
 */
export type SimResult = { 
/**
 * When the run started.
 */
start: string, 
/**
 * The time zone of hour-of-week figures (the workflow's first calendar's, else UTC).
 */
zone: string, 
/**
 * The configuration.
 */
config: SimConfig, 
/**
 * Each replication.
 */
replications: Array<RepResult>, 
/**
 * Headline figures with confidence intervals.
 */
summary: Summary95, 
/**
 * Every figure a report shows across the replications (cases, each SLA rule, each
 * role, outcomes, cycle time).
 */
overview: Overview, 
/**
 * The event log of the first replication, if asked for.
 */
log?: Array<LogRow>, };

/**
 * A service-level rule over the cases its guard selects.
 */
export type SlaRule = { 
/**
 * Unique id of the rule.
 */
id: string, 
/**
 * Display name, e.g. "Reply within one business hour".
 */
name?: string, 
/**
 * What the rule measures (e.g. "first-response", "resolution"); defaults to the id.
 */
metric?: string, 
/**
 * Which cases the rule applies to; all when absent.
 */
when?: Guard, 
/**
 * When the clock starts (default: the case enters the workflow).
 */
start?: ClockPoint, 
/**
 * When the clock stops (default: the case ends).
 */
stop?: ClockPoint, 
/**
 * Nodes during which the clock is paused (e.g. waiting on the customer).
 */
pause?: Ids, 
/**
 * The time allowed between start and stop.
 */
target: Duration, 
/**
 * The calendar whose open hours the clock counts; around the clock when absent.
 */
calendar?: string, 
/**
 * What happens as the deadline nears and passes.
 */
escalation?: Array<Milestone>, };

/**
 * One SLA rule's results in one replication.
 */
export type SlaStats = { 
/**
 * The rule.
 */
rule: string, 
/**
 * Clocks stopped within the target.
 */
met: number, 
/**
 * Clocks stopped after it, or still running past it at the horizon.
 */
breached: number, 
/**
 * Clocks still running within the target at the horizon.
 */
pending: number, 
/**
 * Clocks of cases that ended before the stop point, within the target: not counted.
 */
cancelled: number, 
/**
 * met / (met + breached), 0 to 1 (1 when there were none).
 */
attainment: number, 
/**
 * Clock time from start to stop of the stopped clocks.
 */
time_to_stop: Dist, 
/**
 * Breaches by hour of the week of the case's arrival (Monday 00:00 first), in the
 * run's start zone.
 */
breaches_by_hour: Array<number>, };

/**
 * One SLA rule across replications.
 */
export type SlaSummary = { 
/**
 * The rule.
 */
rule: string, 
/**
 * Attainment (the same estimate as the result's `summary.attainment`).
 */
attainment: Estimate, 
/**
 * Clocks stopped within the target.
 */
met: Tally, 
/**
 * Clocks stopped after it, or running past it at the horizon.
 */
breached: Tally, 
/**
 * Clocks still running within the target at the horizon.
 */
pending: Tally, 
/**
 * Time from start to stop of the stopped clocks, pooled over replications (`None`
 * when no clock stopped).
 */
time_to_stop: Dist | null, 
/**
 * Breaches by hour of the week of the case's arrival (Monday 00:00 first), summed over
 * replications.
 */
breaches_by_hour: Array<number>, };

/**
 * One node a case passes through.
 */
export type Step = { 
/**
 * The node id.
 */
node: string, 
/**
 * The node's display name.
 */
name: string, 
/**
 * The node kind.
 */
kind: NodeKind, 
/**
 * Which parallel branch: `""` outside forks, `"1"`, `"2"`, nested `"1.2"`.
 */
lane: string, 
/**
 * The label of the edge taken into the node, if it has one.
 */
via?: string, 
/**
 * The ids of the edges the case came into the node by, as the designer and the
 * drawing key edges ([`Edge::display_id`](crate::model::Edge::display_id): the edge's
 * `id`, else `from->to`): none at the start, one for most nodes, and at a join every
 * edge into it that the case has taken (one per branch of the fork), in file order.
 * Together the steps' edges are the edges of the route.
 */
edges?: Array<string>, 
/**
 * For a task, the role that does it.
 */
role?: string, };

/**
 * Where a post waits and what would move it on.
 */
export type StepView = { 
/**
 * The node.
 */
node: string, 
/**
 * Its label (for a decision, the question).
 */
label: string, 
/**
 * `decision`, `task`, `notify`, `wait`, ...
 */
kind: NodeKind, 
/**
 * A task's role.
 */
role: string | null, 
/**
 * A decision's branches (or, for a task followed by a decision, that decision's).
 */
branches: Array<BranchView>, 
/**
 * The decision the branches belong to.
 */
decision: string | null, 
/**
 * A notify step's roles.
 */
roles: Array<string>, };

/**
 * Headline figures across replications.
 */
export type Summary95 = { 
/**
 * SLA attainment per rule.
 */
attainment: Array<[string, Estimate]>, 
/**
 * Utilisation per role.
 */
utilisation: Array<[string, Estimate]>, 
/**
 * Mean queue wait per role, seconds.
 */
wait: Array<[string, Estimate]>, 
/**
 * Mean cycle time, seconds.
 */
cycle_time: Estimate, 
/**
 * Cases finished.
 */
finished: Estimate, };

/**
 * A system inject.
 */
export type SystemView = { 
/**
 * Its id.
 */
id: string, 
/**
 * `staff-loss`, `surge` or `outage`.
 */
kind: "staff-loss" | "surge" | "outage", 
/**
 * Its offset, as written.
 */
at: string, 
/**
 * What it does, in words.
 */
text: string, 
/**
 * Pending or published.
 */
status: InjectStatus, };

/**
 * A count across replications.
 */
export type Tally = { 
/**
 * The sum over all replications.
 */
total: number, 
/**
 * The mean per replication (0 without replications).
 */
mean: number, };

/**
 * When a step of a route is entered and left.
 */
export type TimedStep = { 
/**
 * The node id.
 */
node: string, 
/**
 * Entered.
 */
enter: string, 
/**
 * Left.
 */
leave: string, };

/**
 * A line of the report's timeline.
 */
export type TimelineRow = { 
/**
 * Drill time.
 */
at: string, 
/**
 * Time since the start, like `+12m`.
 */
elapsed: string, 
/**
 * The local time in the workflow's zone, like `Wed 16:42`.
 */
local: string, 
/**
 * `inject`, `contingency`, `system`, `action`, `milestone`, `breach`, `ended`, `clock`.
 */
kind: string, 
/**
 * The post.
 */
case: string | null, 
/**
 * Who (with the role, when known).
 */
by: string | null, 
/**
 * What happened.
 */
text: string, };

/**
 * Whether a reply is seen by everyone.
 */
export type Visibility = "public" | "private";

/**
 * A whole workflow file as written.
 */
export type WorkflowDocument = { 
/**
 * The format version; must be [`FORMAT_VERSION`].
 */
flowdrill: number, 
/**
 * A short unique id, e.g. `social-triage`.
 */
id: string, 
/**
 * Display name.
 */
name?: string, 
/**
 * The author's version of this workflow, e.g. `"2026-11"`.
 */
version?: string, 
/**
 * What the workflow is for, and where it comes from.
 */
description?: string, 
/**
 * Business calendars by id.
 */
calendars?: Record<string, Calendar>, 
/**
 * Roles (queues of people) by id.
 */
roles?: Record<string, Role>, 
/**
 * Case attributes by id, with their finite domains.
 */
attributes?: Record<string, Attribute>, 
/**
 * The steps of the workflow.
 */
nodes: Array<WorkflowNode>, 
/**
 * The connections between steps.
 */
edges: Array<Edge>, 
/**
 * Service-level rules.
 */
slas?: Array<SlaRule>, 
/**
 * A joint table of attribute values for simulation (attributes it names are drawn
 * together; the others independently from their own weights).
 */
mix?: Array<MixRow>, };
