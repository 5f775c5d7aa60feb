//! The workflow: load, validate, route, lay out, simulate; calendars.

use flowdrill_core::Duration;
use flowdrill_core::analysis::route::{assignment_from_values, route_from};
use flowdrill_core::analysis::route_at::{RouteAtError, route_at};
use flowdrill_core::model::workflow::parse_calendar;
#[cfg(feature = "app")]
use flowdrill_core::sim::scenario::Scenario;
#[cfg(feature = "app")]
use flowdrill_core::sim::{Progress, SimOptions};
use flowdrill_core::time::business::parse_instant;
#[cfg(feature = "app")]
use js_sys::Function;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(feature = "app")]
use crate::RouteTableOut;
use crate::{error, json_of, parse_error, relabel, route_error, to_js};

// A layout is large (a 1,000-node drawing is 250 KB of JSON) and redrawn on every edit, so it
// crosses as one array of numbers and one string, and a few lines of JavaScript build the
// objects: writing and parsing JSON took three times as long as computing the layout.
#[wasm_bindgen(inline_js = r#"
export function expand_layout(nums, text, lens) {
    let n = 0, s = 0, at = 0;
    const str = () => { const l = lens[s++]; const v = text.slice(at, at + l); at += l; return v; };
    const width = nums[n++], height = nums[n++], nodeCount = nums[n++], edgeCount = nums[n++];
    const nodes = new Array(nodeCount);
    for (let i = 0; i < nodeCount; i++, n += 5) {
        nodes[i] = { id: str(), x: nums[n], y: nums[n + 1], width: nums[n + 2], height: nums[n + 3], layer: nums[n + 4], kind: str() };
    }
    const edges = new Array(edgeCount);
    for (let i = 0; i < edgeCount; i++) {
        const reversed = nums[n++] === 1, labelled = nums[n++] === 1, captioned = nums[n++] === 1, count = nums[n++];
        const points = new Array(count);
        for (let k = 0; k < count; k++, n += 2) points[k] = [nums[n], nums[n + 1]];
        const id = str(), from = str(), to = str();
        const label = labelled ? str() : null;
        edges[i] = { id, from, to, points, label, caption: captioned ? str() : null, reversed };
    }
    return { nodes, edges, width, height };
}
"#)]
extern "C" {
    fn expand_layout(numbers: &[f64], text: &str, lengths: &[u32]) -> JsValue;
}

/// A layout flattened for `expand_layout`: numbers in a fixed order, and the strings
/// end to end with their lengths in UTF-16 code units (JavaScript's string indices).
#[derive(Default)]
struct Packed {
    numbers: Vec<f64>,
    text: String,
    lengths: Vec<u32>,
}

impl Packed {
    fn layout(l: &flowdrill_core::analysis::layout::Layout) -> Packed {
        let mut p = Packed::default();
        p.numbers.reserve(4 + 5 * l.nodes.len() + 9 * l.edges.len());
        p.numbers.extend([
            l.width,
            l.height,
            l.nodes.len() as f64,
            l.edges.len() as f64,
        ]);
        for n in &l.nodes {
            p.numbers
                .extend([n.x, n.y, n.width, n.height, n.layer as f64]);
            p.string(&n.id);
            p.string(n.kind);
        }
        for e in &l.edges {
            p.numbers.extend([
                f64::from(u8::from(e.reversed)),
                f64::from(u8::from(e.label.is_some())),
                f64::from(u8::from(e.caption.is_some())),
                e.points.len() as f64,
            ]);
            p.numbers.extend(e.points.iter().flatten());
            p.string(&e.id);
            p.string(&e.from);
            p.string(&e.to);
            if let Some(label) = &e.label {
                p.string(label);
            }
            if let Some(caption) = &e.caption {
                p.string(caption);
            }
        }
        p
    }

    fn string(&mut self, s: &str) {
        self.text.push_str(s);
        self.lengths.push(s.encode_utf16().count() as u32);
    }
}

// ---- the workflow -----------------------------------------------------------------------

/// A workflow loaded from its JSON document.
#[wasm_bindgen]
pub struct Workflow {
    inner: flowdrill_core::Workflow,
}

/// What `route` returns without a start time: the path alone (with one, the core's
/// [`RouteAt`](flowdrill_core::analysis::route_at::RouteAt)).
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "RoutePath"))]
pub(crate) struct RouteAnswer {
    route: flowdrill_core::Route,
}

#[cfg(feature = "app")]
/// Runs a simulation with a progress callback: the callback returns `false` to cancel,
/// and an exception it throws ends the run and is rethrown as it was.
fn with_progress<T>(
    callback: Option<Function>,
    run: impl FnOnce(&mut dyn FnMut(Progress) -> bool) -> Result<T, flowdrill_core::sim::SimError>,
) -> Result<T, JsValue> {
    let mut thrown: Option<JsValue> = None;
    let result = {
        let mut hook = |p: Progress| {
            let Some(f) = &callback else { return true };
            let arg = to_js(&p).unwrap_or(JsValue::NULL);
            match f.call1(&JsValue::NULL, &arg) {
                Ok(v) => v.as_bool() != Some(false),
                Err(e) => {
                    thrown = Some(e);
                    false
                }
            }
        };
        run(&mut hook)
    };
    result.map_err(|e| match (thrown, e) {
        (Some(t), flowdrill_core::sim::SimError::Cancelled) => t,
        (_, e) => {
            let code = match e {
                flowdrill_core::sim::SimError::Cancelled => "cancelled",
                flowdrill_core::sim::SimError::Scenario(_) => "scenario",
                _ => "simulation",
            };
            error(code, &e.to_string())
        }
    })
}

#[cfg(feature = "app")]
/// Why run options were refused.
#[derive(Debug)]
enum OptionsError {
    /// They are not an options object (a misspelt field, a value of the wrong type).
    Read(flowdrill_core::ParseError),
    /// An option breaks the core's rule for it.
    Rule(flowdrill_core::sim::SimOptionError),
}

#[cfg(feature = "app")]
/// The run configuration of options written as JSON (`None`: no options) for a scenario
/// whose queue order is `scenario_queue`: the options are read like a file, so that a
/// misspelt field is an error rather than ignored, and the core decides the rest
/// ([`SimOptions::resolve`]). The one reading of run options in this crate.
fn sim_config(
    options: Option<&str>,
    scenario_queue: Option<flowdrill_core::sim::Discipline>,
) -> Result<flowdrill_core::sim::SimConfig, OptionsError> {
    let opts: SimOptions = match options {
        None => SimOptions::default(),
        Some(text) => {
            flowdrill_core::model::workflow::parse_json(text).map_err(OptionsError::Read)?
        }
    };
    opts.resolve(scenario_queue).map_err(OptionsError::Rule)
}

#[cfg(feature = "app")]
/// Run options from JavaScript: an `options` error names the option at fault in `path`.
fn options(
    value: Option<JsValue>,
    scenario_queue: Option<flowdrill_core::sim::Discipline>,
) -> Result<flowdrill_core::sim::SimConfig, JsValue> {
    let text = json_of(value, "options")?;
    sim_config(text.as_deref(), scenario_queue).map_err(|e| match e {
        OptionsError::Read(e) => relabel(&e, "options"),
        OptionsError::Rule(e) => {
            let err = error("options", &e.to_string());
            let _ = js_sys::Reflect::set(&err, &"path".into(), &e.field().into());
            err
        }
    })
}

#[cfg(feature = "app")]
fn scenario(value: Option<JsValue>) -> Result<Scenario, JsValue> {
    match json_of(value, "scenario")? {
        None => Ok(Scenario {
            version: 1,
            ..Scenario::default()
        }),
        Some(text) => Scenario::from_json(&text).map_err(|e| relabel(&e, "scenario")),
    }
}

#[wasm_bindgen]
impl Workflow {
    /// Reads a workflow document; throws a `FlowdrillError` with `path`, `line` and
    /// `column` when it cannot.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<Workflow, JsValue> {
        flowdrill_core::Workflow::from_json(text)
            .map(|inner| Workflow { inner })
            .map_err(|e| parse_error(&e))
    }

    #[cfg(feature = "app")]
    /// The document as pretty-printed JSON.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The workflow's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id.clone()
    }

    #[cfg(feature = "app")]
    /// The document as an object.
    #[wasm_bindgen(unchecked_return_type = "WorkflowDocument")]
    pub fn document(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.to_document())
    }

    #[cfg(feature = "app")]
    /// Every finding of `check` (diagnostics as data, errors first).
    #[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
    pub fn validate(&self) -> Result<JsValue, JsValue> {
        to_js(&flowdrill_core::validate(&self.inner).diagnostics)
    }

    /// Structural findings only, without SLA feasibility: fast enough for every keystroke.
    #[wasm_bindgen(js_name = validateStructure, unchecked_return_type = "Diagnostic[]")]
    pub fn validate_structure(&self) -> Result<JsValue, JsValue> {
        to_js(&flowdrill_core::analysis::validate::validate_structure(&self.inner).diagnostics)
    }

    #[cfg(feature = "app")]
    /// Every distinct route as a decision table.
    #[wasm_bindgen(unchecked_return_type = "RouteTable")]
    pub fn routes(&self) -> Result<JsValue, JsValue> {
        let table = flowdrill_core::route_table(&self.inner).map_err(|e| route_error(&e))?;
        to_js(&RouteTableOut::of(&table))
    }

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

    /// A layered drawing of the graph: node boxes and edge polylines.
    #[wasm_bindgen(unchecked_return_type = "Layout")]
    pub fn layout(&self) -> JsValue {
        let packed = Packed::layout(&flowdrill_core::analysis::layout::layout(&self.inner));
        expand_layout(&packed.numbers, &packed.text, &packed.lengths)
    }

    #[cfg(feature = "app")]
    /// Simulates the workflow (with an optional scenario). `onProgress` receives
    /// `{replication, replications, done}` now and then; return `false` from it to cancel.
    #[wasm_bindgen(unchecked_return_type = "SimResult")]
    pub fn simulate(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SimOptions")] options: Option<
            js_sys::Object,
        >,
        #[wasm_bindgen(unchecked_optional_param_type = "Scenario")] scenario: Option<
            js_sys::Object,
        >,
        #[wasm_bindgen(js_name = onProgress, unchecked_optional_param_type = "(p: Progress) => boolean | void")]
        on_progress: Option<Function>,
    ) -> Result<JsValue, JsValue> {
        let (w, queue) = self::scenario(scenario.map(JsValue::from))?
            .apply(&self.inner)
            .map_err(|e| error("scenario", &e.to_string()))?;
        // The scenario's queue order wins over the options' (the core's rule).
        let cfg = self::options(options.map(JsValue::from), queue)?;
        let r = with_progress(on_progress, |hook| {
            flowdrill_core::sim::simulate(&w, &cfg, hook)
        })?;
        to_js(&r)
    }

    #[cfg(feature = "app")]
    /// Runs two scenarios on the same random numbers and reports b − a.
    #[wasm_bindgen(unchecked_return_type = "Comparison")]
    pub fn compare(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SimOptions")] options: Option<
            js_sys::Object,
        >,
        #[wasm_bindgen(unchecked_optional_param_type = "Scenario")] a: Option<js_sys::Object>,
        #[wasm_bindgen(unchecked_optional_param_type = "Scenario")] b: Option<js_sys::Object>,
        #[wasm_bindgen(js_name = onProgress, unchecked_optional_param_type = "(p: Progress) => boolean | void")]
        on_progress: Option<Function>,
    ) -> Result<JsValue, JsValue> {
        // `compare` gives each scenario its own queue order, if it has one.
        let cfg = self::options(options.map(JsValue::from), None)?;
        let (a, b) = (
            scenario(a.map(JsValue::from))?,
            scenario(b.map(JsValue::from))?,
        );
        let r = with_progress(on_progress, |hook| {
            flowdrill_core::sim::compare(&self.inner, &a, &b, &cfg, hook)
        })?;
        to_js(&r)
    }
}

#[cfg(feature = "app")]
/// Reads and validates a document: parse errors become one diagnostic.
#[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
pub fn check(text: &str) -> Result<JsValue, JsValue> {
    to_js(&flowdrill_core::check(text).diagnostics)
}

#[cfg(feature = "app")]
/// Whether a difference `mean ± halfWidth` (a 95 % interval; `null` when the spread is
/// unknown) is significant: the interval excludes zero.
#[wasm_bindgen]
pub fn significant(
    mean: f64,
    #[wasm_bindgen(js_name = halfWidth)] half_width: Option<f64>,
) -> bool {
    flowdrill_core::analysis::text::significant(mean, half_width.unwrap_or(f64::INFINITY))
}

/// A guard (`{"sentiment": ["negative", "neutral"]}`) in words, as every front end writes
/// it: `sentiment in {negative, neutral}`.
#[wasm_bindgen(js_name = guardText)]
pub fn guard_text(
    #[wasm_bindgen(unchecked_param_type = "Guard")] guard: JsValue,
) -> Result<String, JsValue> {
    let text = json_of(Some(guard), "schema")?.unwrap_or_default();
    flowdrill_core::model::workflow::parse_json::<flowdrill_core::Guard>(&text)
        .map(|g| g.to_string())
        .map_err(|e| parse_error(&e))
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
    Ok(cal.elapsed(a, b).to_string())
}

#[cfg(all(test, feature = "app"))]
mod tests {
    use super::*;
    use flowdrill_core::sim::{Discipline, SimOptionError};

    #[test]
    fn no_options_are_the_cores_defaults() {
        let cfg = sim_config(None, None).unwrap();
        assert_eq!(cfg, SimOptions::default().resolve(None).unwrap());
    }

    #[test]
    fn the_scenarios_queue_wins_over_the_options() {
        let cfg = sim_config(
            Some(r#"{"queue": "fifo"}"#),
            Some(Discipline::EarliestDeadline),
        );
        assert_eq!(cfg.unwrap().discipline, Discipline::EarliestDeadline);
        let cfg = sim_config(Some(r#"{"queue": "earliest-deadline"}"#), None);
        assert_eq!(cfg.unwrap().discipline, Discipline::EarliestDeadline);
    }

    #[test]
    fn a_short_resolution_is_refused_by_the_cores_rule() {
        match sim_config(Some(r#"{"resolution": "30s"}"#), None) {
            Err(OptionsError::Rule(e)) => {
                assert_eq!(
                    e,
                    SimOptionError::Resolution {
                        value: Duration::from_secs(30)
                    }
                );
                assert_eq!(e.field(), "resolution");
            }
            other => panic!("expected a resolution error, got {other:?}"),
        }
    }

    #[test]
    fn a_misspelt_option_is_a_read_error_at_its_path() {
        match sim_config(Some(r#"{"horizon": "1h", "eventLog": true}"#), None) {
            Err(OptionsError::Read(e)) => assert_eq!(e.path, "eventLog"),
            other => panic!("expected a read error, got {other:?}"),
        }
    }
}
