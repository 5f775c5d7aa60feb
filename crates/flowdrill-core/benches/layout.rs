//! Time of the layered layout on large generated workflows, next to validation.
//!
//! Run with `cargo bench -p flowdrill-core --bench layout`. Prints the median of several
//! timed runs of `validate`, `layout` and both together.

use std::hint::black_box;
use std::time::{Duration as StdDuration, Instant};

use flowdrill_core::analysis::layout::layout;
use flowdrill_core::{Workflow, validate};

fn median(mut f: impl FnMut(), runs: usize) -> StdDuration {
    f(); // warm up
    let mut times: Vec<StdDuration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// A small fixed-seed generator (64-bit LCG, high bits), so every run builds the same
/// workflow.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() as usize) % (hi - lo + 1)
    }
}

const ROLES: [&str; 5] = ["intake", "agent", "specialist", "lead", "legal"];
const ATTRIBUTES: usize = 16;

/// Builds the JSON text of a workflow of about `target` nodes: processes of about 250
/// nodes, each a start followed by blocks (chains of tasks; decisions with 2–4 branches,
/// some ending, the rest merging; fork/join pairs; retry loops with a limit), ending in an
/// end node.
struct Gen {
    rng: Lcg,
    nodes: Vec<String>,
    edges: Vec<String>,
    /// Attributes a decision of the current process has ended a branch on: a later
    /// decision on one of them would have a branch no case takes.
    ended: [bool; ATTRIBUTES],
    /// Attributes some decision reads (only those are written out).
    used: [bool; ATTRIBUTES],
}

impl Gen {
    fn node(&mut self, id: &str, body: &str) {
        self.nodes
            .push(format!(r#"{{"id": "{id}", "name": "Step {id}", {body}}}"#));
    }

    fn task(&mut self, id: &str) {
        let role = ROLES[self.rng.range(0, ROLES.len() - 1)];
        let minutes = self.rng.range(2, 40);
        self.node(
            id,
            &format!(r#""kind": "task", "role": "{role}", "effort": "{minutes}m""#),
        );
    }

    fn edge(&mut self, from: &str, to: &str, extra: &str) {
        self.edges
            .push(format!(r#"{{"from": "{from}", "to": "{to}"{extra}}}"#));
    }

    /// A chain of `len` tasks after `prev`; returns the last.
    fn chain(&mut self, prefix: &str, prev: &str, len: usize) -> String {
        let mut prev = prev.to_string();
        for i in 0..len {
            let id = format!("{prefix}-{i}");
            self.task(&id);
            self.edge(&prev, &id, "");
            prev = id;
        }
        prev
    }

    fn block(&mut self, name: &str, prev: &str) -> String {
        match self.rng.range(0, 5) {
            0 | 1 => {
                let len = self.rng.range(2, 5);
                self.chain(name, prev, len)
            }
            2 => {
                let pick = self.rng.range(0, ATTRIBUTES - 1);
                let Some(attr) = (0..ATTRIBUTES)
                    .map(|i| (pick + i) % ATTRIBUTES)
                    .find(|&a| !self.ended[a])
                else {
                    return self.chain(name, prev, 2);
                };
                self.used[attr] = true;
                let d = format!("{name}-d");
                self.node(
                    &d,
                    &format!(r#""kind": "decision", "question": "Which a{attr}?""#),
                );
                self.edge(prev, &d, "");
                let merge = format!("{name}-m");
                let branches = self.rng.range(2, 4);
                let mut tails = Vec::new();
                for b in 0..branches {
                    let guard = if b + 1 == branches {
                        r#", "otherwise": true"#.to_string()
                    } else {
                        format!(r#", "label": "v{b}", "when": {{"a{attr}": "v{b}"}}"#)
                    };
                    let first = format!("{name}-b{b}");
                    self.task(&first);
                    self.edge(&d, &first, &guard);
                    let len = self.rng.range(0, 2);
                    let last = self.chain(&first, &first, len);
                    if b > 0 && self.rng.range(0, 3) == 0 {
                        let end = format!("{name}-b{b}-end");
                        self.node(&end, &format!(r#""kind": "end", "outcome": "o{b}""#));
                        self.edge(&last, &end, "");
                        self.ended[attr] = true;
                    } else {
                        tails.push(last);
                    }
                }
                self.task(&merge);
                for t in tails {
                    self.edge(&t, &merge, "");
                }
                merge
            }
            3 => {
                let f = format!("{name}-f");
                let j = format!("{name}-j");
                self.node(&f, r#""kind": "fork""#);
                self.edge(prev, &f, "");
                let branches = self.rng.range(2, 3);
                let mut tails = Vec::new();
                for b in 0..branches {
                    let len = self.rng.range(1, 3);
                    tails.push(self.chain(&format!("{name}-p{b}"), &f, len));
                }
                self.node(&j, r#""kind": "join""#);
                for t in tails {
                    self.edge(&t, &j, "");
                }
                j
            }
            _ => {
                let attempt = format!("{name}-try");
                let wait = format!("{name}-wait");
                let check = format!("{name}-check");
                self.task(&attempt);
                self.edge(prev, &attempt, "");
                self.node(&wait, r#""kind": "wait", "delay": "4h""#);
                self.edge(&attempt, &wait, "");
                self.node(&check, r#""kind": "decision", "question": "Did it work?""#);
                self.edge(&wait, &check, "");
                let limit = self.rng.range(1, 3);
                self.edge(
                    &check,
                    &attempt,
                    &format!(
                        r#", "label": "retry", "when": {{"reply": "none"}}, "limit": {limit}"#
                    ),
                );
                let next = format!("{name}-next");
                self.task(&next);
                self.edge(&check, &next, r#", "otherwise": true"#);
                next
            }
        }
    }
}

fn generate(target: usize, seed: u64) -> String {
    let mut g = Gen {
        rng: Lcg(seed),
        nodes: Vec::new(),
        edges: Vec::new(),
        ended: [false; ATTRIBUTES],
        used: [false; ATTRIBUTES],
    };
    let mut process = 0;
    while g.nodes.len() < target {
        g.ended = [false; ATTRIBUTES];
        let start = format!("p{process}");
        g.node(&start, r#""kind": "start", "channel": "email""#);
        let mut prev = start.clone();
        let mut block = 0;
        let goal = (g.nodes.len() + 250).min(target);
        while g.nodes.len() + 1 < goal {
            prev = g.block(&format!("p{process}-k{block}"), &prev);
            block += 1;
        }
        let end = format!("p{process}-end");
        g.node(&end, r#""kind": "end", "outcome": "closed""#);
        g.edge(&prev, &end, "");
        process += 1;
    }
    let roles: Vec<String> = ROLES
        .iter()
        .map(|r| format!(r#""{r}": {{"staff": 3}}"#))
        .collect();
    let mut attributes: Vec<String> = (0..ATTRIBUTES)
        .filter(|&a| g.used[a])
        .map(|a| format!(r#""a{a}": ["v0", "v1", "v2", "v3"]"#))
        .collect();
    attributes.push(r#""reply": ["none", "some"]"#.into());
    format!(
        r#"{{"flowdrill": 1, "id": "generated", "roles": {{{}}}, "attributes": {{{}}}, "nodes": [{}], "edges": [{}]}}"#,
        roles.join(", "),
        attributes.join(", "),
        g.nodes.join(",\n"),
        g.edges.join(",\n")
    )
}

fn main() {
    println!("flowdrill-core layout benchmark (median of runs, release build)\n");
    println!(
        "{:>7} {:>7} {:>7} {:>7} {:>11} {:>11} {:>11} {:>16}",
        "nodes", "edges", "layers", "issues", "parse", "validate", "layout", "validate+layout"
    );
    for (target, runs) in [(1_000, 21), (10_000, 7)] {
        let text = generate(target, 0x5eed + target as u64);
        // FLOWDRILL_BENCH_OUT=dir writes the generated workflows, for the WebAssembly bench.
        if let Some(dir) = std::env::var_os("FLOWDRILL_BENCH_OUT") {
            let path = std::path::Path::new(&dir).join(format!("generated-{target}.json"));
            if let Err(e) = std::fs::write(&path, &text) {
                eprintln!("cannot write {}: {e}", path.display());
            }
        }
        let w = match Workflow::from_json(&text) {
            Ok(w) => w,
            Err(e) => panic!("generated workflow does not parse: {e}"),
        };
        let report = validate(&w);
        let drawing = layout(&w);
        let layers = drawing.nodes.iter().map(|n| n.layer + 1).max().unwrap_or(0);
        let parse = median(
            || drop(black_box(Workflow::from_json(black_box(&text)))),
            runs,
        );
        let v = median(|| drop(black_box(validate(black_box(&w)))), runs);
        let l = median(|| drop(black_box(layout(black_box(&w)))), runs);
        let both = median(
            || {
                black_box(validate(black_box(&w)));
                black_box(layout(black_box(&w)));
            },
            runs,
        );
        println!(
            "{:>7} {:>7} {:>7} {:>7} {:>11.2?} {:>11.2?} {:>11.2?} {:>16.2?}",
            w.node_count(),
            drawing.edges.len(),
            layers,
            report.diagnostics.len(),
            parse,
            v,
            l,
            both
        );
    }
}
