//! # flowdrill-core
//!
//! The deterministic core of flowdrill: fulfilment cycles and social-media triage
//! flowcharts as state graphs with SLA rules. It reads and writes the workflow file
//! format, validates a workflow (including decision coverage over the attribute
//! domains), and computes the route a case takes and the table of all routes.
//!
//! The core never reads the clock or a global random source and never does I/O: hosts
//! (the CLI, the WebAssembly bindings, your tests) pass text and time in.
//!
//! ```
//! use flowdrill_core::{Workflow, validate, route, Assignment, Value};
//!
//! let w = Workflow::from_json(r#"{
//!   "flowdrill": 1, "id": "mini",
//!   "roles": {"agent": {"staff": 2}},
//!   "attributes": {"sentiment": ["positive", "negative"]},
//!   "nodes": [
//!     {"id": "post", "kind": "start"},
//!     {"id": "tone", "kind": "decision", "question": "Is the post positive?"},
//!     {"id": "reply", "kind": "task", "role": "agent", "effort": "10m"},
//!     {"id": "done", "kind": "end", "outcome": "closed"},
//!     {"id": "leave", "kind": "end", "outcome": "let-stand"}
//!   ],
//!   "edges": [
//!     {"from": "post", "to": "tone"},
//!     {"from": "tone", "to": "leave", "when": {"sentiment": "positive"}},
//!     {"from": "tone", "to": "reply", "when": {"sentiment": "negative"}},
//!     {"from": "reply", "to": "done"}
//!   ]
//! }"#).unwrap();
//!
//! let report = validate(&w);
//! assert!(report.is_clean(), "{report:?}");
//!
//! let mut case = Assignment::new();
//! case.insert("sentiment".into(), Value::from("negative"));
//! let r = route(&w, &case).unwrap();
//! assert_eq!(r.outcome.as_deref(), Some("closed"));
//! assert_eq!(r.roles(), vec!["agent"]);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod drill;
pub mod engine;
pub mod model;
pub mod sim;
pub mod time;
#[cfg(feature = "ts")]
mod ts;
mod util;

pub use analysis::diagnostic::{Diagnostic, Location, Report, Severity};
pub use analysis::route::{Route, RouteError, RouteTable, route, route_table};
pub use analysis::validate::{check, validate};
pub use model::duration::Duration;
pub use model::effort::Effort;
pub use model::error::{ParseError, ParseErrorKind};
pub use model::guard::Guard;
pub use model::keyed::Keyed;
pub use model::value::{Assignment, Value};
pub use model::workflow::Workflow;
pub use model::{Attribute, Document, Edge, Node, NodeKind, Role};
pub use time::calendar::Calendar;
pub use time::sla::SlaRule;
