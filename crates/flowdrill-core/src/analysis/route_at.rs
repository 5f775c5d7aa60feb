//! A route at an instant: the route a case takes, when each step is entered and left at a
//! typical pace, and what each SLA rule that applies to the case says (deadline, timed
//! escalation ladder, whether a typical case meets it).
//!
//! This is what "where does this post go, by when, and who do I tell?" needs; the command
//! line (`route --at`), the bindings and the widget all ask it here.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::analysis::route::{Route, RouteError, route_from};
use crate::model::value::Assignment;
use crate::model::workflow::Workflow;
use crate::time::timeline::{Pace, RouteSla, TimedStep, TimelineError, route_slas, timeline};

/// A route put on the calendar for an arrival instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RouteTiming {
    /// When each step is entered and left at a typical pace; the start step is entered at
    /// the arrival.
    pub timeline: Vec<TimedStep>,
    /// What each SLA rule that applies to the case says, in the workflow's order.
    pub slas: Vec<RouteSla>,
}

/// A case's route and its timing for an arrival instant. Serialized as one object:
/// `{route, timeline, slas}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RouteAt {
    /// The route.
    pub route: Route,
    /// Its timed steps and SLAs.
    #[serde(flatten)]
    pub timing: RouteTiming,
}

/// Why a route at an instant could not be given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RouteAtError {
    /// The case has no route (a bad start node, a value outside its domain, an attribute a
    /// decision needs that the case does not give, …).
    #[error(transparent)]
    Route(#[from] RouteError),
    /// The route could not be put on the calendar (a calendar that never opens, a wait
    /// that never releases).
    #[error(transparent)]
    Timeline(#[from] TimelineError),
}

/// The route of `case` from `start` (the only start node when `None`) for a case arriving
/// at `at`: its steps, when each is entered and left at a typical pace (mean effort, no
/// queueing), and, for every SLA rule whose guard the case satisfies, its deadline, its
/// escalation ladder timed from the clock's start and when the clock stops.
///
/// # Errors
///
/// [`RouteAtError::Route`] when the case has no route, [`RouteAtError::Timeline`] when the
/// route cannot be put on the calendar.
///
/// # Example
///
/// ```
/// use flowdrill_core::analysis::route::parse_assignment;
/// use flowdrill_core::analysis::route_at::route_at;
/// use flowdrill_core::Workflow;
///
/// let w = Workflow::from_json(r#"{"flowdrill": 1, "id": "desk",
///     "roles": {"agent": {}},
///     "nodes": [{"id": "post", "kind": "start"},
///               {"id": "reply", "kind": "task", "role": "agent", "effort": "10m"},
///               {"id": "done", "kind": "end", "outcome": "answered"}],
///     "edges": [{"from": "post", "to": "reply"}, {"from": "reply", "to": "done"}],
///     "slas": [{"id": "reply", "stop": {"leave": "reply"}, "target": "1h"}]}"#).unwrap();
/// let case = parse_assignment(&w, []).unwrap();
/// let at = "2026-11-20T16:30:00Z".parse().unwrap();
/// let r = route_at(&w, None, &case, at).unwrap();
/// assert_eq!(r.route.path(), ["post", "reply", "done"]);
/// assert_eq!(r.timing.timeline[2].enter.to_rfc3339(), "2026-11-20T16:40:00+00:00");
/// assert_eq!(r.timing.slas[0].deadline.map(|d| d.to_rfc3339()),
///            Some("2026-11-20T17:30:00+00:00".to_string()));
/// ```
pub fn route_at(
    w: &Workflow,
    start: Option<&str>,
    case: &Assignment,
    at: DateTime<Utc>,
) -> Result<RouteAt, RouteAtError> {
    let route = route_from(w, start, case)?;
    let timeline = timeline(w, &route, at, Pace::Typical)?;
    let slas = route_slas(w, &route, case, at)?;
    Ok(RouteAt {
        route,
        timing: RouteTiming { timeline, slas },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::route::parse_assignment;
    use crate::time::business::parse_instant;

    /// A desk open 09:00–17:00 New York time on weekdays; negative posts get a reply
    /// within one business hour.
    const DESK: &str = r#"{"flowdrill":1,"id":"desk",
        "calendars":{"office":{"timezone":"America/New_York",
                               "hours":{"mon-fri":[["09:00","17:00"]]}}},
        "roles":{"agent":{"calendar":"office"},"lead":{}},
        "attributes":{"sentiment":["positive","negative"]},
        "nodes":[{"id":"post","kind":"start"},
                 {"id":"tone","kind":"decision","question":"Negative?"},
                 {"id":"reply","kind":"task","role":"agent","effort":"20m"},
                 {"id":"done","kind":"end","outcome":"closed"},
                 {"id":"leave","kind":"end","outcome":"let-stand"}],
        "edges":[{"from":"post","to":"tone"},
                 {"from":"tone","to":"leave","when":{"sentiment":"positive"}},
                 {"from":"tone","to":"reply","when":{"sentiment":"negative"}},
                 {"from":"reply","to":"done"}],
        "slas":[{"id":"reply","when":{"sentiment":"negative"},
                 "stop":{"leave":"reply"},"target":"1h","calendar":"office",
                 "escalation":[{"at":"100%","notify":"lead"}]}]}"#;

    fn desk() -> Workflow {
        Workflow::from_json(DESK).unwrap_or_else(|e| panic!("{e}"))
    }

    fn friday_1630() -> DateTime<Utc> {
        parse_instant("2026-11-20T16:30:00-05:00").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn it_is_the_route_its_timeline_and_its_slas() {
        let w = desk();
        let case = parse_assignment(&w, [("sentiment", "negative")]).unwrap();
        let at = friday_1630();
        let r = route_at(&w, None, &case, at).unwrap();
        assert_eq!(r.route, route_from(&w, None, &case).unwrap());
        assert_eq!(
            r.timing.timeline,
            timeline(&w, &r.route, at, Pace::Typical).unwrap()
        );
        assert_eq!(r.timing.slas, route_slas(&w, &r.route, &case, at).unwrap());
        // 30 open minutes on Friday, the other 30 on Monday morning.
        let sla = &r.timing.slas[0];
        assert_eq!(sla.rule, "reply");
        assert_eq!(
            sla.deadline.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-11-23T14:30:00+00:00")
        );
        assert_eq!(sla.ladder[0].notify, ["lead"]);
    }

    #[test]
    fn rules_whose_guard_the_case_fails_do_not_apply() {
        let w = desk();
        let case = parse_assignment(&w, [("sentiment", "positive")]).unwrap();
        let r = route_at(&w, None, &case, friday_1630()).unwrap();
        assert_eq!(r.route.path(), ["post", "tone", "leave"]);
        assert!(r.timing.slas.is_empty());
    }

    #[test]
    fn a_case_without_a_route_is_a_route_error() {
        let w = desk();
        let case = parse_assignment(&w, []).unwrap();
        let e = route_at(&w, None, &case, friday_1630()).unwrap_err();
        assert!(
            matches!(e, RouteAtError::Route(RouteError::MissingAttribute { .. })),
            "{e:?}"
        );
        let e = route_at(&w, Some("nowhere"), &case, friday_1630()).unwrap_err();
        assert!(matches!(e, RouteAtError::Route(_)), "{e:?}");
    }

    #[test]
    fn it_serializes_as_one_object() {
        let w = desk();
        let case = parse_assignment(&w, [("sentiment", "negative")]).unwrap();
        let r = route_at(&w, None, &case, friday_1630()).unwrap();
        let v = serde_json::to_value(&r).unwrap();
        let keys: Vec<&str> = v
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys, ["route", "timeline", "slas"]);
    }
}
