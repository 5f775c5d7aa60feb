//! Analysis: what can be said about a workflow without running it in time.
//!
//! Validation with precise locations ([`validate`]), sets of cases over the attribute
//! domains ([`space`]), the fork/join structure ([`structure`]), the routes a case takes
//! and the table of all routes ([`route`], a driver of the [`engine`](crate::engine)), a
//! route put on the calendar with its SLAs ([`route_at`]), SLA feasibility
//! ([`feasibility`]), the drawing of the graph ([`layout`]) and the words every front end
//! shows for them ([`text`]).

pub mod diagnostic;
pub mod feasibility;
pub mod layout;
pub mod route;
pub mod route_at;
mod scc;
pub mod space;
pub mod structure;
pub mod text;
pub mod validate;
