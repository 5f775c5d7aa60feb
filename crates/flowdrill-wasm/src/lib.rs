//! # flowdrill-wasm
//!
//! The WebAssembly face of [`flowdrill_core`]: a thin layer that turns JavaScript values
//! into core types and back. Every piece of logic lives in the core, where native tests
//! reach it; this crate only converts.
//!
//! Errors reach JavaScript as real `Error` objects named `FlowdrillError`, with a stable
//! `code` (`syntax`, `schema`, `version`, `route`, `calendar`, `options`, `scenario`,
//! `simulation`, `cancelled`, `drill`) and, where known, `path`, `line` and `column`; a
//! `route` error of a case not decided yet carries the `decision` and the `attribute` it
//! needs. Input errors are `Result`s; a panic (a bug) is reported on the console by a panic
//! hook.
//!
//! Objects of the `Workflow` and `DrillSession` classes hold WebAssembly memory: call
//! `free()` when done (or use `using` where supported).
//!
//! The crate is built once per group of features: `app` (the `Workflow` class, calendars,
//! the simulator), `drill` (the `DrillSession` class), and the widget's two small modules,
//! `view` (load, check, lay out) and `assist` (load, check, route at an instant, deadlines),
//! so that a page loads only the code its widgets use.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use flowdrill_core::ParseError;
#[cfg(feature = "assist")]
use flowdrill_core::RouteError;
#[cfg(feature = "app")]
use flowdrill_core::{RouteTable, analysis::route::RouteRow, analysis::text::path_text_by};
use js_sys::Reflect;
use serde::Serialize;
use wasm_bindgen::prelude::*;

// The declarations of the values that cross into JavaScript: generated from the Rust types
// (`generated.d.ts`, see `types.rs`), and by hand for what cannot be generated.
#[wasm_bindgen(typescript_custom_section)]
const TS_GENERATED: &'static str = include_str!("../generated.d.ts");
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("../flowdrill.d.ts");

/// Installs the panic hook when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The version of the core.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The allocator: Talc rather than the default dlmalloc, for a smaller module (every byte
/// of it ships to a browser) and faster allocation.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

// ---- conversions ------------------------------------------------------------------------

/// A JavaScript `Error` named `FlowdrillError` with a `code` and optional location.
fn error(code: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("FlowdrillError");
    let _ = Reflect::set(&e, &"code".into(), &code.into());
    e.into()
}

fn parse_error(e: &ParseError) -> JsValue {
    let err = error(e.kind.code(), &e.to_string());
    let _ = Reflect::set(&err, &"path".into(), &e.path.as_str().into());
    if e.line > 0 {
        let _ = Reflect::set(&err, &"line".into(), &(e.line as f64).into());
        let _ = Reflect::set(&err, &"column".into(), &(e.column as f64).into());
    }
    err
}

/// A route error; one that stops at a decision needing an attribute the case does not
/// give carries `decision` and `attribute`, so that a caller can ask for it.
#[cfg(feature = "assist")]
fn route_error(e: &RouteError) -> JsValue {
    let err = error("route", &e.to_string());
    if let RouteError::MissingAttribute { decision, attr, .. } = e {
        let _ = Reflect::set(&err, &"decision".into(), &decision.as_str().into());
        let _ = Reflect::set(&err, &"attribute".into(), &attr.as_str().into());
    }
    err
}

/// A route table row as JavaScript receives it: the row with its conditions and its path
/// (by node name) in words.
#[cfg(feature = "app")]
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "RouteRow"))]
struct RouteRowOut<'a> {
    #[serde(flatten)]
    row: &'a RouteRow,
    conditions_text: String,
    path_text: String,
}

/// A route table as JavaScript receives it: every row in words too.
#[cfg(feature = "app")]
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "RouteTable"))]
struct RouteTableOut<'a> {
    attributes: &'a [String],
    rows: Vec<RouteRowOut<'a>>,
    starts: &'a [String],
    total_cases: u128,
}

#[cfg(feature = "app")]
impl<'a> RouteTableOut<'a> {
    fn of(t: &'a RouteTable) -> Self {
        RouteTableOut {
            attributes: &t.attributes,
            rows: t
                .rows
                .iter()
                .map(|row| RouteRowOut {
                    row,
                    conditions_text: row.conditions_text(),
                    path_text: path_text_by(&row.route.steps, |s| &s.name),
                })
                .collect(),
            starts: &t.starts,
            total_cases: t.total_cases,
        }
    }
}

/// Hands a result to JavaScript as a plain object, by way of JSON text: one serialiser for
/// every type (the one the file format needs anyway) keeps the module small, and
/// `JSON.parse` is fast.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| error("internal", &e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| error("internal", "result is not JSON"))
}

/// JSON text of a JavaScript value (`None` for `undefined` or `null`).
fn json_of(value: Option<JsValue>, code: &str) -> Result<Option<String>, JsValue> {
    match value {
        None => Ok(None),
        Some(v) if v.is_undefined() || v.is_null() => Ok(None),
        Some(v) => js_sys::JSON::stringify(&v)
            .map(|s| Some(String::from(s)))
            .map_err(|_| error(code, "the value cannot be written as JSON")),
    }
}

/// A parse error re-labelled with the code of what was being read, keeping its location.
#[cfg(any(feature = "assist", feature = "drill"))]
fn relabel(e: &ParseError, code: &str) -> JsValue {
    let err = parse_error(e);
    let _ = Reflect::set(&err, &"code".into(), &code.into());
    err
}

#[cfg(feature = "workflow")]
mod app;
#[cfg(feature = "workflow")]
pub use app::*;
#[cfg(feature = "assist")]
mod assist;
#[cfg(feature = "assist")]
pub use assist::*;
#[cfg(feature = "view")]
mod view;
#[cfg(feature = "view")]
pub use view::*;
#[cfg(feature = "drill")]
mod drill;
#[cfg(feature = "drill")]
pub use drill::*;
#[cfg(all(test, feature = "app", feature = "drill"))]
mod types;
