//! The model: what a workflow file says, read and checked for form.
//!
//! The document (roles, attributes, nodes, edges, calendars, SLA rules) and its parts —
//! guards, values, durations, efforts, arrivals — and the [`Workflow`](workflow::Workflow)
//! graph built from it. Everything here is data; what it means over time lives in
//! [`engine`](crate::engine), and what can be said about it in [`analysis`](crate::analysis).

pub mod arrivals;
mod document;
pub mod duration;
pub mod effort;
pub mod error;
pub mod guard;
pub mod keyed;
pub mod value;
pub mod workflow;

pub use document::*;
