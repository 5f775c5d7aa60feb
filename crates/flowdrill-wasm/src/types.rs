//! The TypeScript declarations of every value that crosses into JavaScript, generated from
//! the Rust types ([`ts_rs::TS`], derived in the core behind its `ts` feature) into
//! `generated.d.ts`. The test here fails when that file is stale; regenerate it with
//! `FLOWDRILL_UPDATE_EXPECTED=1 cargo test -p flowdrill-wasm generated_types`.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use flowdrill_core::analysis::diagnostic::Diagnostic;
use flowdrill_core::analysis::layout::Layout;
use flowdrill_core::analysis::route_at::RouteAt;
use flowdrill_core::drill::{Action, AfterAction, DrillView, ParticipantView};
use flowdrill_core::model::Document;
use flowdrill_core::sim::scenario::Scenario;
use flowdrill_core::sim::{Comparison, Progress, SimOptions, SimResult};
use ts_rs::{Config, TS, TypeVisitor};

use crate::RouteTableOut;
use crate::assist::RouteAnswer;

/// Collects the declarations of a type and of everything it refers to, by TypeScript name.
struct Collect<'c> {
    cfg: &'c Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, Vec<String>>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        // Types without an output path are built in (their parameters are visited below),
        // or declared by hand in flowdrill.d.ts.
        if T::output_path().is_some() {
            let docs = T::docs().unwrap_or_default();
            let decl = format!("{docs}export {}", T::decl(self.cfg));
            self.decls.entry(T::ident(self.cfg)).or_default().push(decl);
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// The text of `generated.d.ts`: every declaration, sorted by name.
fn generated() -> String {
    // JSON numbers: the core's 64- and 128-bit counts reach JavaScript as numbers.
    let cfg = Config::new().with_large_int("number");
    let mut c = Collect {
        cfg: &cfg,
        seen: HashSet::new(),
        decls: BTreeMap::new(),
    };
    c.visit::<Document>();
    c.visit::<Diagnostic>();
    c.visit::<RouteTableOut<'static>>();
    c.visit::<RouteAnswer>();
    c.visit::<RouteAt>();
    c.visit::<Layout>();
    c.visit::<SimOptions>();
    c.visit::<Scenario>();
    c.visit::<Progress>();
    c.visit::<SimResult>();
    c.visit::<Comparison>();
    c.visit::<Action>();
    c.visit::<DrillView>();
    c.visit::<ParticipantView>();
    c.visit::<AfterAction>();
    let clashes: Vec<&String> = c
        .decls
        .iter()
        .filter(|(_, d)| d.len() > 1)
        .map(|(n, _)| n)
        .collect();
    assert!(
        clashes.is_empty(),
        "two Rust types have the same TypeScript name: {clashes:?}; give one a #[ts(rename)]"
    );
    let mut out = String::from(
        "// Generated from the Rust types by flowdrill-wasm's `generated_types` test: do not edit.\n\
         // Regenerate with `FLOWDRILL_UPDATE_EXPECTED=1 cargo test -p flowdrill-wasm generated_types`.\n\
         // Types whose JSON is written by hand (Duration, Guard, WorkflowNode, ...) are declared\n\
         // in flowdrill.d.ts.\n",
    );
    for decls in c.decls.values() {
        for d in decls {
            out.push('\n');
            out.push_str(d);
            out.push('\n');
        }
    }
    out
}

#[test]
fn generated_types_are_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("generated.d.ts");
    let got = generated();
    if std::env::var_os("FLOWDRILL_UPDATE_EXPECTED").is_some() {
        std::fs::write(&path, &got).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "crates/flowdrill-wasm/generated.d.ts is stale (the Rust types changed); regenerate it \
         with `FLOWDRILL_UPDATE_EXPECTED=1 cargo test -p flowdrill-wasm generated_types` \
         and commit it"
    );
}
