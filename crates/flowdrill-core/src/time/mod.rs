//! Time: business calendars, business-time arithmetic, SLA rules and the SLA clock, and
//! the timeline of one route on the calendar.

pub mod business;
pub mod calendar;
pub mod clock;
pub mod sla;
pub mod timeline;
