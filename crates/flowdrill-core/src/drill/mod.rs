//! Fire drills: a scripted crisis on a live clock, people acting in roles, the workflow's
//! SLA clocks running, and a scored after-action report.
//!
//! - [`scenario`]: the scenario document (the workflow drilled, the master list of
//!   injects, contingencies and system injects);
//! - [`session`]: the event-sourced drill state, driven by an ordered log of actions;
//! - [`score`]: scoring against the workflow (the answer key) and the P/S/M/U ratings;
//! - [`report`]: the after-action report as JSON, Markdown and HTML, and the event log as
//!   CSV for process-mining tools;
//! - [`view`]: the state as the drill view shows it;
//! - [`participant`]: the state as one participant may see it, with no answer key.

pub mod participant;
pub mod report;
pub mod scenario;
pub mod score;
pub mod session;
pub mod view;

pub use participant::ParticipantView;
pub use report::{AfterAction, event_log_csv};
pub use scenario::{ActionKind, DrillScenario};
pub use score::{Rating, Score};
pub use session::{Action, DrillError, Session};
pub use view::DrillView;
