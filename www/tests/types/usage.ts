// A realistic use of the whole flowdrill API, checked with `tsc --noEmit` against the built
// package (www/pkg). Nothing here runs in the test suite; it exists to type-check. The
// `@ts-expect-error` lines prove that the declarations reject misuse.

import init, {
    Workflow,
    check,
    deadline,
    elapsed,
    version,
    type Calendar,
    type Comparison,
    type Diagnostic,
    type FlowdrillError,
    type FlowdrillErrorCode,
    type Layout,
    type Progress,
    type RouteAnswer,
    type RouteTable,
    type Scenario,
    type SimOptions,
    type SimResult,
    type WorkflowDocument,
    type WorkflowNode,
} from "../../pkg/flowdrill_wasm.js";

/** Narrows an unknown thrown value to a FlowdrillError. */
function isFlowdrillError(e: unknown): e is FlowdrillError {
    return e instanceof Error && e.name === "FlowdrillError";
}

function describeError(e: unknown): string {
    if (!isFlowdrillError(e)) throw e;
    const code: FlowdrillErrorCode = e.code;
    const where = e.path !== undefined ? ` at ${e.path}` : "";
    const at = e.line !== undefined && e.column !== undefined ? ` (line ${e.line}, column ${e.column})` : "";
    return `${code}${where}${at}: ${e.message}`;
}

function summarise(d: Diagnostic): string {
    const where = d.location.node ?? d.location.edge ?? d.location.path ?? "";
    const example = d.example ? Object.entries(d.example).map(([k, v]) => `${k}=${v}`).join(", ") : "";
    return `${d.severity}[${d.code}] ${d.message} ${where} ${example}`;
}

function describeNode(n: WorkflowNode): string {
    switch (n.kind) {
        case "task":
            return `${n.id}: ${n.role} works ${typeof n.effort === "string" ? n.effort : "a distribution"}`;
        case "notify":
            return `${n.id}: tells ${typeof n.roles === "string" ? n.roles : n.roles.join(", ")}`;
        case "wait":
            return `${n.id}: waits ${n.delay ?? n.until ?? n.batch?.every}`;
        case "end":
            return `${n.id}: ends ${n.outcome}`;
        case "start":
            return `${n.id}: ${n.arrivals && "rate" in n.arrivals ? n.arrivals.rate : "no rate"}`;
        default:
            return `${n.id}: ${n.kind}`;
    }
}

export async function main(): Promise<void> {
    await init();
    console.log("flowdrill", version());

    const text = await (await fetch("/examples/workflows/social-triage.json")).text();
    for (const d of check(text)) console.log(summarise(d));

    // `using` frees the workflow's WebAssembly memory at the end of the block.
    using w = Workflow.fromJson(text);
    const id: string = w.id;

    const doc: WorkflowDocument = w.document();
    console.log(id, doc.name, doc.nodes.map(describeNode));
    for (const [name, cal] of Object.entries(doc.calendars ?? {})) {
        console.log(name, cal.timezone, Object.keys(cal.hours ?? {}));
    }
    for (const [name, attr] of Object.entries(doc.attributes ?? {})) {
        console.log(name, attr.values.join("/"), attr.weights?.join("/"));
    }
    for (const rule of doc.slas ?? []) {
        const stop = typeof rule.stop === "object" && "enter" in rule.stop ? rule.stop.enter : rule.stop;
        console.log(rule.id, rule.target, stop, rule.escalation?.map((m) => m.at));
    }

    const found: Diagnostic[] = w.validate();
    const quick: Diagnostic[] = w.validateStructure();
    console.log(found.length, quick.filter((d) => d.severity === "error").length);

    const table: RouteTable = w.routes();
    for (const row of table.rows) {
        const when = row.conditions
            .map((cube) => cube.map(([attr, values]) => `${attr} in {${values.join(", ")}}`).join(" and "))
            .join("; or ");
        console.log(row.route.outcome ?? `stuck at ${row.route.stuck_at}`, row.cases, row.share.toFixed(3), when);
    }
    console.log(table.total_cases, table.starts);

    const crisis = { asker: "media", sentiment: "negative", situation: "crisis" };
    const plain: RouteAnswer = w.route(crisis);
    console.log(plain.route.steps.map((s) => `${s.lane} ${s.node} ${s.role ?? ""}`), plain.route.notifications);
    console.log(plain.timeline === undefined, plain.slas === undefined);

    const timed = w.route({ ...crisis, severity: 3 }, undefined, "2026-11-20T19:30:00-05:00");
    for (const step of timed.timeline ?? []) console.log(step.node, step.enter, step.leave);
    for (const sla of timed.slas ?? []) {
        console.log(sla.rule, sla.state, sla.deadline ?? "no deadline", sla.ladder.map((l) => [l.at, l.instant, l.notify]));
    }
    const fromPost = w.route(crisis, "post", null);
    console.log(fromPost.route.end);

    const layout: Layout = w.layout();
    const svgPaths = layout.edges.map((e) => e.points.map(([x, y], i) => `${i ? "L" : "M"}${x},${y}`).join(" "));
    console.log(layout.width, layout.height, layout.nodes.map((n) => [n.id, n.x, n.y, n.layer]), svgPaths);

    const options: SimOptions = {
        horizon: "30d",
        warmup: "1d",
        seed: 7,
        replications: 10,
        start: "2026-01-05T00:00:00-05:00",
        resolution: "1h",
        queue: "earliest-deadline",
        event_log: true,
    };
    let cancelled = false;
    const onProgress = (p: Progress): boolean => {
        console.log(`replication ${p.replication + 1}/${p.replications}: ${Math.round(p.done * 100)}%`);
        return !cancelled;
    };
    const result: SimResult = w.simulate(options, undefined, onProgress);
    for (const [rule, est] of result.summary.attainment) {
        const pm = est.half_width === null ? "" : ` ± ${(est.half_width * 100).toFixed(1)}`;
        console.log(rule, `${(est.mean * 100).toFixed(1)}%${pm}`);
    }
    for (const rep of result.replications) {
        console.log(rep.arrived, rep.finished, rep.outcomes, rep.cycle_time.p90);
        for (const role of rep.roles) console.log(role.role, role.utilisation, role.queue_series.at(0)?.[1]);
        for (const sla of rep.slas) console.log(sla.rule, sla.attainment, sla.breaches_by_hour.length);
    }
    console.log(result.zone, result.config.discipline, result.config.start, result.log?.[0]?.lifecycle);

    // Just the defaults; a callback that returns nothing keeps going.
    const quickRun = w.simulate(undefined, undefined, () => {});
    console.log(quickRun.summary.finished.mean);

    const more: Scenario = {
        "flowdrill-scenario": 1,
        name: "One more community manager, late desk",
        staff: { "community-manager": 3 },
        calendars: { "late-desk": { timezone: "America/New_York", hours: { daily: [["07:00", "23:00"]], sat: "10:00-14:00" } } },
        role_calendars: { "community-manager": "late-desk" },
        arrivals: { post: { rate: "30/h", profile: { "mon-fri 09:00-18:00": 2 } } },
        arrival_factor: 1.5,
        mix: { sentiment: { negative: 60, neutral: 25, positive: 15 } },
        queue: "fifo",
    };
    const cmp: Comparison = w.compare({ horizon: "7d", replications: 5 }, { "flowdrill-scenario": 1 }, more, onProgress);
    console.log(cmp.a_name, cmp.b_name, cmp.difference.cycle_time.mean, cmp.a.summary.finished, cmp.b.config.seed);

    const office: Calendar = { timezone: "America/New_York", hours: { "mon-fri": [["09:00", "17:00"]] } };
    const due: string = deadline(JSON.stringify(office), "2026-11-20T16:30:00-05:00", "2h");
    const spent: string = elapsed(
        JSON.stringify({ timezone: "UTC", hours: { "mon-fri": [["08:00", "17:00"]] } }),
        "2026-11-20T21:00:00Z",
        "2026-11-23T09:30:00Z",
    );
    console.log(due, spent);

    try {
        using broken = Workflow.fromJson('{"flowdrill": 1, "id": "x", "nodes": [], "edges": [], "colour": "red"}');
        console.log(broken.id);
    } catch (e) {
        console.log(describeError(e));
    }
    try {
        w.simulate({ horizon: "1h", replications: 1 }, undefined, () => false);
    } catch (e) {
        if (isFlowdrillError(e) && e.code === "cancelled") cancelled = true;
    }

    // Without `using`, free the object yourself once done with it.
    const other = Workflow.fromJson(w.toJson());
    try {
        console.log(other.validate().length);
    } finally {
        other.free();
    }
}

// ---- misuse the declarations reject -----------------------------------------------------

export function misuse(w: Workflow): void {
    // @ts-expect-error: the queue is "fifo" or "earliest-deadline"
    w.simulate({ queue: "lifo" }, undefined, undefined);

    // @ts-expect-error: options are written in snake_case (`event_log`), unknown fields are rejected
    w.simulate({ eventLog: true }, undefined, undefined);

    // @ts-expect-error: a task node needs its role
    const task: WorkflowNode = { id: "reply", kind: "task", effort: "20m" };

    // @ts-expect-error: an end node needs its outcome
    const end: WorkflowNode = { id: "done", kind: "end" };

    // @ts-expect-error: a channel belongs to a start node, not to a task
    const misplaced: WorkflowNode = { id: "t", kind: "task", role: "care", channel: "twitter" };

    // @ts-expect-error: a wait takes exactly one of delay, until and batch
    const twoWaits: WorkflowNode = { id: "w", kind: "wait", delay: "1h", until: "wed 12:00" };

    // @ts-expect-error: there is no "loop" kind
    const loop: WorkflowNode = { id: "l", kind: "loop" };

    // @ts-expect-error: a scenario declares its format version
    const noVersion: Scenario = { name: "no version" };

    // @ts-expect-error: half_width may be null (one replication), so it must be checked first
    const hw: number = w.simulate({ replications: 1 }, undefined, undefined).summary.cycle_time.half_width;

    // @ts-expect-error: conditions are [attribute, values] pairs, values an array
    const first: string = w.routes().rows[0].conditions[0][0][1];

    // @ts-expect-error: a route without `at` may have no timeline
    const steps: number = w.route({}).timeline.length;

    // @ts-expect-error: an error code is one of the known codes
    const code: FlowdrillErrorCode = "not-a-code";

    // @ts-expect-error: case values are text or numbers
    w.route({ urgent: true });

    // @ts-expect-error: the Workflow class has no public constructor
    new Workflow();

    console.log(task, end, misplaced, twoWaits, loop, noVersion, hw, first, steps, code);
}
