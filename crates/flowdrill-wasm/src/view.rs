//! The widget's view: a workflow's drawing and its guards in words.

use wasm_bindgen::prelude::*;

use crate::app::Workflow;
use crate::{json_of, parse_error};

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

#[wasm_bindgen]
impl Workflow {
    /// A layered drawing of the graph: node boxes and edge polylines.
    #[wasm_bindgen(unchecked_return_type = "Layout")]
    pub fn layout(&self) -> JsValue {
        let packed = Packed::layout(&flowdrill_core::analysis::layout::layout(&self.inner));
        expand_layout(&packed.numbers, &packed.text, &packed.lengths)
    }
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
