//! A layered drawing of a workflow graph (a placeholder; the layered layout replaces it).

use serde::Serialize;

use crate::workflow::Workflow;

/// A node's box in the drawing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaidNode {
    /// The node id.
    pub id: String,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// The layer (rank) the node is in.
    pub layer: usize,
}

/// An edge's polyline in the drawing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaidEdge {
    /// The edge's id (`from->to` unless given).
    pub id: String,
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// The points of the polyline, source to target.
    pub points: Vec<[f64; 2]>,
}

/// A drawing of the whole graph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layout {
    /// Node boxes.
    pub nodes: Vec<LaidNode>,
    /// Edge polylines.
    pub edges: Vec<LaidEdge>,
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
}

/// Lays the graph out.
pub fn layout(w: &Workflow) -> Layout {
    let nodes: Vec<LaidNode> = w
        .nodes()
        .enumerate()
        .map(|(i, (_, n))| LaidNode { id: n.id.clone(), x: 0.0, y: i as f64 * 80.0, width: 160.0, height: 48.0, layer: i })
        .collect();
    Layout { width: 160.0, height: nodes.len() as f64 * 80.0, nodes, edges: Vec::new() }
}
