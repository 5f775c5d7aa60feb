//! The engine on generated workflows: sequences of tasks, notify steps and waits, decisions
//! (with `otherwise` branches and branches that end the case), forks with their joins and
//! retry loops with limits, all valid by construction.
//!
//! - Every route of the route table is taken the same way by the route, its timeline, the
//!   simulator and a drill following the answer key ([`same_in_every_driver`]).
//! - Driving the engine directly, with tokens given back in a random order at increasing
//!   instants: tokens are conserved through forks and joins (every live token is with the
//!   driver whenever the engine hands back control), every case ends or is reported stuck
//!   exactly once, no SLA clock runs backwards (its state only moves forward, its start and
//!   stop never change once set) and the open time it has used never decreases.

use flowdrill_core::analysis::validate::validate_structure;
use flowdrill_core::engine::compiled::{CKind, Compiled};
use flowdrill_core::engine::{self, Case, Choice, Driver, Stop, Token};
use flowdrill_core::time::clock::{AroundTheClock, ClockState, Millis, OpenTime};
use flowdrill_core::{Workflow, route_table};
use flowdrill_tests::drivers::same_in_every_driver;
use proptest::prelude::*;
use serde_json::{Value, json};

/// A piece of a workflow.
#[derive(Debug, Clone)]
enum Block {
    /// A task for role 0 or 1, with this many minutes of work.
    Task(u8, u8),
    /// Tell role 0 or 1.
    Notify(u8),
    /// Wait this many minutes.
    Wait(u8),
    /// A decision on attribute `attr`: a branch per value up to the last, which is
    /// `otherwise` when there are fewer branches than values; a branch may end the case.
    Decide {
        attr: u8,
        branches: Vec<(Vec<Block>, bool)>,
    },
    /// Parallel branches (tasks, notify steps and waits) joined again.
    Fork(Vec<Vec<Block>>),
    /// A body of work, then a decision that sends cases with the first value of `attr`
    /// back to the body at most `limit` times.
    Retry {
        body: Vec<Block>,
        attr: u8,
        limit: u8,
    },
}

const VALUES: [&str; 3] = ["a", "b", "c"];

fn simple() -> impl Strategy<Value = Block> {
    prop_oneof![
        3 => (0u8..2, 1u8..30).prop_map(|(r, m)| Block::Task(r, m)),
        1 => (0u8..2).prop_map(Block::Notify),
        1 => (1u8..90).prop_map(Block::Wait),
    ]
}

fn block() -> impl Strategy<Value = Block> {
    simple().prop_recursive(3, 24, 3, |inner| {
        let seq = prop::collection::vec(inner.clone(), 0..3);
        prop_oneof![
            (
                0u8..3,
                prop::collection::vec((seq.clone(), any::<bool>()), 2..4)
            )
                .prop_map(|(attr, mut branches)| {
                    // At least one branch carries on.
                    if let Some(b) = branches.first_mut() {
                        b.1 = false;
                    }
                    Block::Decide { attr, branches }
                }),
            prop::collection::vec(prop::collection::vec(simple(), 1..3), 2..4)
                .prop_map(Block::Fork),
            (prop::collection::vec(inner, 0..2), 0u8..3, 1u8..3)
                .prop_map(|(body, attr, limit)| Block::Retry { body, attr, limit }),
        ]
    })
}

/// Builds the workflow document: nodes and edges from the blocks, between a "start", a
/// "triage" task first and a "close" task before the "done" end.
struct Build {
    nodes: Vec<Value>,
    edges: Vec<Value>,
    ends: usize,
}

/// An edge still to be connected to whatever comes next: (from, extra fields).
type Pending = Vec<(String, Value)>;

impl Build {
    fn node(&mut self, kind: &str, fields: Value, pending: Pending) -> String {
        let id = format!("{kind}-{}", self.nodes.len());
        let mut n =
            json!({ "id": id, "kind": kind, "name": format!("{kind} {}", self.nodes.len()) });
        if let (Some(n), Some(f)) = (n.as_object_mut(), fields.as_object()) {
            n.extend(f.clone());
        }
        self.nodes.push(n);
        self.connect(pending, &id);
        id
    }

    fn connect(&mut self, pending: Pending, to: &str) {
        for (from, extra) in pending {
            let mut e = json!({ "id": format!("e{}", self.edges.len()), "from": from, "to": to });
            if let (Some(e), Some(x)) = (e.as_object_mut(), extra.as_object()) {
                e.extend(x.clone());
            }
            self.edges.push(e);
        }
    }

    fn seq(&mut self, blocks: &[Block], mut pending: Pending) -> Pending {
        for b in blocks {
            pending = self.block(b, pending);
        }
        pending
    }

    fn block(&mut self, b: &Block, pending: Pending) -> Pending {
        match b {
            Block::Task(r, m) => {
                let id = self.node(
                    "task",
                    json!({ "role": format!("r{r}"), "effort": format!("{m}m") }),
                    pending,
                );
                vec![(id, json!({}))]
            }
            Block::Notify(r) => {
                let id = self.node(
                    "notify",
                    json!({ "roles": format!("r{r}"), "message": "m" }),
                    pending,
                );
                vec![(id, json!({}))]
            }
            Block::Wait(m) => {
                let id = self.node("wait", json!({ "delay": format!("{m}m") }), pending);
                vec![(id, json!({}))]
            }
            Block::Decide { attr, branches } => {
                let d = self.node("decision", json!({}), pending);
                let mut out = Vec::new();
                let last = branches.len() - 1;
                for (i, (body, ends)) in branches.iter().enumerate() {
                    let guard = if i == last && branches.len() < VALUES.len() {
                        json!({ "otherwise": true })
                    } else {
                        json!({ "when": { format!("x{attr}"): VALUES[i] } })
                    };
                    let tail = self.seq(body, vec![(d.clone(), guard)]);
                    if *ends {
                        self.ends += 1;
                        let outcome = format!("out{}", self.ends);
                        self.node("end", json!({ "outcome": outcome }), tail);
                    } else {
                        out.extend(tail);
                    }
                }
                out
            }
            Block::Fork(branches) => {
                let f = self.node("fork", json!({}), pending);
                let mut tails = Vec::new();
                for body in branches {
                    tails.extend(self.seq(body, vec![(f.clone(), json!({}))]));
                }
                let j = self.node("join", json!({}), tails);
                vec![(j, json!({}))]
            }
            Block::Retry { body, attr, limit } => {
                // The body starts with a task, so that the loop has a node to go back to.
                let first = self.node("task", json!({ "role": "r0", "effort": "5m" }), pending);
                let tail = self.seq(body, vec![(first.clone(), json!({}))]);
                let d = self.node("decision", json!({}), tail);
                self.edges.push(json!({
                    "id": format!("e{}", self.edges.len()), "from": d, "to": first,
                    "label": "again", "when": { format!("x{attr}"): "a" }, "limit": limit
                }));
                vec![(d, json!({ "otherwise": true }))]
            }
        }
    }
}

fn workflow(blocks: &[Block]) -> Workflow {
    let mut b = Build {
        nodes: Vec::new(),
        edges: Vec::new(),
        ends: 0,
    };
    let start = b.node("start", json!({ "arrivals": { "rate": "1/h" } }), vec![]);
    let triage = b.node(
        "task",
        json!({ "role": "r0", "effort": "3m" }),
        vec![(start, json!({}))],
    );
    let tail = b.seq(blocks, vec![(triage.clone(), json!({}))]);
    let close = b.node("task", json!({ "role": "r1", "effort": "2m" }), tail);
    b.node(
        "end",
        json!({ "outcome": "done" }),
        vec![(close.clone(), json!({}))],
    );
    let attr = json!({ "values": { "a": 1, "b": 1, "c": 1 } });
    let doc = json!({
        "flowdrill": 1, "id": "generated", "name": "Generated",
        "roles": { "r0": { "name": "R0", "staff": 2 }, "r1": { "name": "R1", "staff": 2 } },
        "attributes": { "x0": attr, "x1": attr, "x2": attr },
        "nodes": b.nodes, "edges": b.edges,
        "slas": [
            { "id": "whole", "name": "Whole case", "start": "start",
              "stop": { "leave": close }, "target": "2h" },
            { "id": "triage", "name": "Triage", "start": { "enter": triage },
              "stop": { "leave": triage }, "target": "4m" }
        ]
    });
    Workflow::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("{e}\n{doc:#}"))
}

/// Drives the engine directly: holds every token it is handed, tracks live tokens and
/// checks the clocks after every step.
struct Probe<'c> {
    c: &'c Compiled,
    values: Vec<u8>,
    now: Millis,
    held: Vec<Token>,
    /// Tokens that arrived at a join and wait there for the others.
    parked: i64,
    live: i64,
    finished: u32,
    stuck: Option<Stop>,
}

impl Driver for Probe<'_> {
    fn now(&self) -> Millis {
        self.now
    }
    fn open_time(&self, _calendar: Option<u32>) -> &dyn OpenTime {
        &AroundTheClock
    }
    fn enter(&mut self, _case: &Case, token: Token) {
        match self.c.kinds.get(token.node as usize) {
            Some(CKind::Fork) => {
                self.live += self.c.out_edges(token.node).len() as i64 - 1;
            }
            Some(CKind::Join(need)) => {
                self.parked -= i64::from(*need);
                self.live -= i64::from(*need) - 1;
            }
            _ => {}
        }
    }
    fn arrive(&mut self, _case: &Case, _token: Token) {
        self.parked += 1;
    }
    fn task(&mut self, _case: &Case, token: Token, _role: u32) -> bool {
        self.held.push(token);
        false
    }
    fn wait(&mut self, _case: &Case, token: Token) -> bool {
        self.held.push(token);
        false
    }
    fn notify(&mut self, _case: &Case, token: Token, _roles: &[u32]) -> bool {
        self.held.push(token);
        false
    }
    fn decide(&mut self, c: &Compiled, case: &Case, token: Token) -> Choice {
        match c.decide(token.node, &self.values, case) {
            Some(i) => Choice::Branch(i),
            None => Choice::None,
        }
    }
    fn end(&mut self, _case: &Case, _token: Token, _outcome: u32) {
        self.finished += 1;
    }
    fn stuck(&mut self, _case: &Case, _token: Token, why: Stop) {
        self.finished += 1;
        self.stuck = Some(why);
    }
}

fn rank(s: ClockState) -> u8 {
    match s {
        ClockState::NotStarted => 0,
        ClockState::Running | ClockState::Paused => 1,
        ClockState::Met | ClockState::Breached | ClockState::Cancelled => 2,
    }
}

/// The clocks as (state, started, stopped, used so far).
type Seen = Vec<(ClockState, Option<Millis>, Option<Millis>, Millis)>;

fn look(case: &Case, now: Millis) -> Seen {
    case.clocks()
        .iter()
        .map(|(_, run)| {
            (
                run.state(),
                run.started(),
                run.stopped(),
                run.used_at(now, &AroundTheClock),
            )
        })
        .collect()
}

fn forward(before: &Seen, after: &Seen) -> Result<(), TestCaseError> {
    prop_assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(after) {
        prop_assert!(
            rank(b.0) <= rank(a.0),
            "clock went back: {:?} -> {:?}",
            b,
            a
        );
        if rank(b.0) == 2 {
            prop_assert_eq!(b.0, a.0, "a stopped clock changed");
        }
        if b.1.is_some() {
            prop_assert_eq!(b.1, a.1, "a clock's start moved");
        }
        if b.2.is_some() {
            prop_assert_eq!(b.2, a.2, "a clock's stop moved");
        }
        prop_assert!(a.3 >= b.3, "used time went down: {:?} -> {:?}", b, a);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_driver_takes_every_route_the_same_way(
        blocks in prop::collection::vec(block(), 1..4),
    ) {
        let w = workflow(&blocks);
        let report = validate_structure(&w);
        prop_assert!(!report.has_errors(), "generated an invalid workflow: {:?}", report);
        let table = route_table(&w).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for row in &table.rows {
            same_in_every_driver(&w, &row.route.start, &row.example, 30);
        }
    }

    #[test]
    fn every_analysis_of_a_valid_workflow_answers(
        blocks in prop::collection::vec(block(), 1..5),
    ) {
        // What the commands run, from the file's text: check (with SLA feasibility and
        // coverage), the layout, the route table and a short simulation. Each answers
        // (a panic fails the case); the only errors `check` may find in these structurally
        // valid files are SLA targets their work cannot meet.
        let w = workflow(&blocks);
        let text = w.to_json();
        let report = flowdrill_core::check(&text);
        for d in report.diagnostics.iter().filter(|d| d.severity == flowdrill_core::Severity::Error) {
            prop_assert_eq!(d.code, "sla-infeasible", "{:?}", d);
        }
        let read = Workflow::from_json(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let laid = flowdrill_core::analysis::layout::layout(&read);
        prop_assert_eq!(laid.nodes.len(), read.nodes().count());
        route_table(&read).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let cfg = flowdrill_core::sim::SimConfig {
            horizon: flowdrill_core::Duration::from_secs(86_400),
            replications: 2,
            ..Default::default()
        };
        let r = flowdrill_core::sim::simulate(&read, &cfg, &mut |_| true);
        prop_assert!(
            r.is_ok() || matches!(r, Err(flowdrill_core::sim::SimError::NoArrivals)),
            "{:?}",
            r.err()
        );
    }

    #[test]
    fn the_engine_conserves_tokens_ends_every_case_and_never_runs_a_clock_backwards(
        blocks in prop::collection::vec(block(), 1..4),
        values in prop::collection::vec(0u8..3, 3),
        order in prop::collection::vec(any::<prop::sample::Index>(), 64),
        gaps in prop::collection::vec(0i64..600_000, 64),
    ) {
        let w = workflow(&blocks);
        let c = Compiled::new(&w).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let start = c.node_by_id("start-0").ok_or_else(|| TestCaseError::fail("no start"))?;
        let mut case = Case::new(&c, c.rules_for(&values).collect::<Vec<_>>());
        let mut d = Probe { c: &c, values, now: 0, held: Vec::new(), parked: 0, live: 1, finished: 0, stuck: None };
        let mut seen = look(&case, 0);
        engine::start(&c, &mut case, start, &mut d);
        let mut k = 0;
        loop {
            let after = look(&case, d.now);
            forward(&seen, &after)?;
            seen = after;
            if case.is_done() {
                break;
            }
            // Every live token is with the driver or waits at a join: none was lost or
            // made up.
            prop_assert_eq!(d.held.len() as i64 + d.parked, d.live, "tokens: {:?}", d.held);
            prop_assert!(!d.held.is_empty(), "a case that is not done has no token");
            let i = order[k % order.len()].index(d.held.len());
            d.now += gaps[k % gaps.len()];
            k += 1;
            let tok = d.held.swap_remove(i);
            engine::resume(&c, &mut case, tok, &mut d);
            prop_assert!(k < 100_000, "the case never ended");
        }
        prop_assert_eq!(d.finished, 1, "a case ends or is reported stuck exactly once");
        prop_assert!(d.stuck.is_none(), "a valid workflow left a case stuck: {:?}", d.stuck);
        // The whole-case clock has stopped with the case.
        prop_assert!(case.clocks().iter().all(|(_, run)| run.state() == ClockState::NotStarted || run.state().is_stopped()));
    }
}
