//! The workflow: load and check it; in the app, also its route table, documents and the
//! simulator. The widget's drawing is in `view.rs`, its assistant in `assist.rs`.

#[cfg(feature = "app")]
use flowdrill_core::sim::scenario::Scenario;
#[cfg(feature = "app")]
use flowdrill_core::sim::{Progress, SimOptions};
#[cfg(feature = "app")]
use js_sys::Function;
use wasm_bindgen::prelude::*;

#[cfg(feature = "app")]
use crate::{RouteTableOut, error, json_of, relabel, route_error};
use crate::{parse_error, to_js};

// ---- the workflow -----------------------------------------------------------------------

/// A workflow loaded from its JSON document.
#[wasm_bindgen]
pub struct Workflow {
    pub(crate) inner: flowdrill_core::Workflow,
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

#[cfg(all(test, feature = "app"))]
mod tests {
    use super::*;
    use flowdrill_core::Duration;
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
