//! Fire drills.

use flowdrill_core::time::business::parse_instant;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::{error, json_of, parse_error, relabel, to_js};

// ---- drills -----------------------------------------------------------------------------

/// A fire drill: a scenario on a workflow, driven by an ordered log of actions. Holds
/// WebAssembly memory: call `free()` when done.
#[wasm_bindgen]
pub struct DrillSession {
    inner: flowdrill_core::drill::Session,
}

fn drill_error(e: &flowdrill_core::drill::DrillError) -> JsValue {
    let err = error("drill", &e.to_string());
    if let flowdrill_core::drill::DrillError::Action { index, .. } = e {
        let _ = Reflect::set(&err, &"index".into(), &(*index as f64).into());
    }
    err
}

fn drill_action(value: JsValue) -> Result<flowdrill_core::drill::Action, JsValue> {
    let text = json_of(Some(value), "drill")?.ok_or_else(|| error("drill", "no action given"))?;
    flowdrill_core::model::workflow::parse_json(&text).map_err(|e| relabel(&e, "drill"))
}

#[wasm_bindgen]
impl DrillSession {
    /// A drill of a scenario (JSON text) on a workflow (JSON text), before it starts.
    /// Throws a `FlowdrillError` (`syntax`/`schema`/`version` with a location, or `drill`
    /// when the scenario names things the workflow lacks).
    #[wasm_bindgen(constructor)]
    pub fn new(workflow_json: &str, scenario_json: &str) -> Result<DrillSession, JsValue> {
        let w = flowdrill_core::Workflow::from_json(workflow_json).map_err(|e| parse_error(&e))?;
        let s = flowdrill_core::drill::DrillScenario::from_json(scenario_json)
            .map_err(|e| relabel(&e, "scenario"))?;
        flowdrill_core::drill::Session::new(w, s)
            .map(|inner| DrillSession { inner })
            .map_err(|e| drill_error(&e))
    }

    /// Applies one action (`{at, by, role?, do, case?, ...}`); throws a `FlowdrillError`
    /// with code `drill` (and the action's `index`) when it cannot be taken, and then
    /// nothing changes.
    pub fn apply(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "DrillAction")] action: JsValue,
    ) -> Result<(), JsValue> {
        let a = drill_action(action)?;
        self.inner.apply(a).map_err(|e| drill_error(&e))
    }

    /// Moves drill time to the wall-clock instant `wall` (RFC 3339) without recording
    /// anything: what is due is published, waits release, ladders fire.
    pub fn tick(&mut self, wall: &str) -> Result<(), JsValue> {
        let t = parse_instant(wall).map_err(|m| error("drill", &m))?;
        self.inner.tick(t);
        Ok(())
    }

    /// The state for the view: clock, injects, posts with their steps and SLA clocks,
    /// scoreboard.
    #[wasm_bindgen(unchecked_return_type = "DrillView")]
    pub fn view(&self) -> Result<JsValue, JsValue> {
        to_js(&flowdrill_core::drill::DrillView::of(&self.inner))
    }

    /// The action log so far.
    #[wasm_bindgen(unchecked_return_type = "DrillAction[]")]
    pub fn log(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.log())
    }

    /// The log as JSON text (what `flowdrill drill report` reads).
    #[wasm_bindgen(js_name = logJson)]
    pub fn log_json(&self) -> String {
        serde_json::to_string_pretty(self.inner.log()).unwrap_or_default()
    }

    /// The after-action report as an object.
    #[wasm_bindgen(unchecked_return_type = "AfterActionReport")]
    pub fn report(&self) -> Result<JsValue, JsValue> {
        to_js(&flowdrill_core::drill::AfterAction::of(&self.inner))
    }

    /// The after-action report as Markdown.
    pub fn markdown(&self) -> String {
        flowdrill_core::drill::AfterAction::of(&self.inner).to_markdown()
    }

    /// The after-action report as a self-contained HTML page.
    pub fn html(&self) -> String {
        flowdrill_core::drill::AfterAction::of(&self.inner).to_html()
    }

    /// The event log as CSV (`case_id,activity,timestamp,resource,lifecycle`).
    pub fn csv(&self) -> String {
        flowdrill_core::drill::event_log_csv(&self.inner)
    }
}
