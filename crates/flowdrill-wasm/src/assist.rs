//! The widget's assistant: the route of a case at an instant, its SLA deadlines, and
//! open-time arithmetic on a calendar.

use flowdrill_core::Duration;
use flowdrill_core::analysis::route::{assignment_from_values, route_from};
use flowdrill_core::analysis::route_at::{RouteAtError, route_at};
use flowdrill_core::model::workflow::parse_calendar;
use flowdrill_core::time::business::parse_instant;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::app::Workflow;
use crate::{error, json_of, relabel, route_error, to_js};

/// What `route` returns without a start time: the path alone (with one, the core's
/// [`RouteAt`](flowdrill_core::analysis::route_at::RouteAt)).
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "RoutePath"))]
pub(crate) struct RouteAnswer {
    route: flowdrill_core::Route,
}

#[wasm_bindgen]
impl Workflow {
    /// The route of a case (`{sentiment: "negative", severity: 3}`), from `start` (needed
    /// when there are several start nodes); with `at` (RFC 3339), also when each step is
    /// entered and every applicable SLA rule's deadline, ladder and who is told.
    #[wasm_bindgen(unchecked_return_type = "RouteAnswer")]
    pub fn route(
        &self,
        #[wasm_bindgen(js_name = attributes, unchecked_param_type = "Record<string, string | number>")]
        case: Option<js_sys::Object>,
        start: Option<String>,
        at: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let raw: indexmap::IndexMap<String, flowdrill_core::Value> = match json_of(case.map(Into::into), "route")? {
            None => Default::default(),
            Some(text) => serde_json::from_str(&text).map_err(|_| {
                error(
                    "route",
                    "the attributes must be an object of names and values, like {\"sentiment\": \"negative\", \"severity\": 3}",
                )
            })?,
        };
        let w = &self.inner;
        let case = assignment_from_values(w, &raw).map_err(|e| route_error(&e))?;
        match at {
            None => {
                // A case not decided yet throws which decision needs which attribute, as data.
                let route = route_from(w, start.as_deref(), &case).map_err(|e| route_error(&e))?;
                to_js(&RouteAnswer { route })
            }
            Some(at) => {
                let t = parse_instant(&at).map_err(|m| error("route", &m))?;
                let r = route_at(w, start.as_deref(), &case, t).map_err(|e| match e {
                    RouteAtError::Route(e) => route_error(&e),
                    RouteAtError::Timeline(e) => error("calendar", &e.to_string()),
                })?;
                to_js(&r)
            }
        }
    }
}

fn calendar(json: &str) -> Result<flowdrill_core::Calendar, JsValue> {
    parse_calendar(json).map_err(|e| relabel(&e, "calendar"))
}

/// The deadline for `within` (`"2h"`) of open time from `start` (RFC 3339) on a calendar
/// (its JSON object), as RFC 3339 in the calendar's offset.
#[wasm_bindgen]
pub fn deadline(calendar_json: &str, start: &str, within: &str) -> Result<String, JsValue> {
    let cal = calendar(calendar_json)?;
    let t = parse_instant(start).map_err(|m| error("calendar", &m))?;
    let d: Duration =
        within
            .parse()
            .map_err(|e: flowdrill_core::model::duration::DurationError| {
                error("calendar", &e.to_string())
            })?;
    let due = cal
        .deadline(t, d)
        .map_err(|e| error("calendar", &e.to_string()))?;
    Ok(cal.to_local_rfc3339(due))
}

/// The open time between two instants (RFC 3339) on a calendar, as a duration (`"1h30m"`).
#[wasm_bindgen]
pub fn elapsed(calendar_json: &str, from: &str, to: &str) -> Result<String, JsValue> {
    let cal = calendar(calendar_json)?;
    let a = parse_instant(from).map_err(|m| error("calendar", &m))?;
    let b = parse_instant(to).map_err(|m| error("calendar", &m))?;
    cal.try_elapsed(a, b)
        .map(|d| d.to_string())
        .map_err(|e| error("calendar", &e.to_string()))
}
