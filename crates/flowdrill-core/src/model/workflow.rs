//! A workflow held as a stable-index graph, built from a [`Document`].

use indexmap::IndexMap;

use petgraph::Direction;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use serde::Deserialize;

use crate::model::error::{ParseError, ParseErrorKind};
use crate::model::keyed::Keyed;
use crate::model::{Attribute, Document, Edge, FORMAT_VERSION, Node, Role};
use crate::time::calendar::Calendar;
use crate::time::sla::SlaRule;

/// An edge as stored in the graph: the edge and its place in the file, which orders a
/// decision's branches.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeSlot {
    /// The edge.
    pub edge: Edge,
    /// Position among the document's edges (new edges go last).
    pub seq: u64,
}

/// An edge of the file: its endpoints and index when both ends resolve, and its slot.
pub type EdgeEntry<'a> = (Option<(EdgeIndex, NodeIndex, NodeIndex)>, &'a EdgeSlot);

/// A workflow ready for analysis: the document's sections plus its nodes and edges in a
/// [`StableDiGraph`], so removing a node in an editor never renumbers the others.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// A short unique id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// The author's version label.
    pub version: Option<String>,
    /// What the workflow is for.
    pub description: Option<String>,
    /// Business calendars by id.
    pub calendars: Keyed<Calendar>,
    /// Roles by id.
    pub roles: Keyed<Role>,
    /// Case attributes by id.
    pub attributes: Keyed<Attribute>,
    /// Service-level rules.
    pub slas: Vec<SlaRule>,
    /// A joint table of attribute values for simulation.
    pub mix: Vec<crate::model::MixRow>,
    graph: StableDiGraph<Node, EdgeSlot>,
    index: IndexMap<String, NodeIndex>,
    /// Edges whose `from` or `to` names no node, kept so nothing written is lost.
    unresolved: Vec<EdgeSlot>,
    next_seq: u64,
}

/// Why an edit to a workflow was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// A node with this id exists already.
    #[error("a node with id \"{0}\" exists already")]
    DuplicateId(String),
    /// No node has this id.
    #[error("no node has id \"{0}\"")]
    UnknownNode(String),
}

impl Workflow {
    /// Reads a workflow from JSON text.
    ///
    /// ```
    /// let w = flowdrill_core::Workflow::from_json(r#"{
    ///   "flowdrill": 1, "id": "tiny",
    ///   "nodes": [{"id": "in", "kind": "start"}, {"id": "out", "kind": "end", "outcome": "closed"}],
    ///   "edges": [{"from": "in", "to": "out"}]
    /// }"#).unwrap();
    /// assert_eq!(w.node_count(), 2);
    /// ```
    pub fn from_json(text: &str) -> Result<Workflow, ParseError> {
        Ok(Workflow::from_document(parse_document(text)?))
    }

    /// Builds the graph from a document. References that do not resolve are kept and
    /// reported by validation rather than rejected here.
    pub fn from_document(doc: Document) -> Workflow {
        let mut w = Workflow {
            id: doc.id,
            name: doc.name,
            version: doc.version,
            description: doc.description,
            calendars: doc.calendars,
            roles: doc.roles,
            attributes: doc.attributes,
            slas: doc.slas,
            mix: doc.mix,
            graph: StableDiGraph::with_capacity(doc.nodes.len(), doc.edges.len()),
            index: IndexMap::new(),
            unresolved: Vec::new(),
            next_seq: 0,
        };
        for node in doc.nodes {
            let id = node.id.clone();
            let ix = w.graph.add_node(node);
            // A duplicate id keeps its node (validation reports it); lookups find the first.
            w.index.entry(id).or_insert(ix);
        }
        for edge in doc.edges {
            w.push_edge(edge);
        }
        w
    }

    fn push_edge(&mut self, edge: Edge) -> Option<EdgeIndex> {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = EdgeSlot { edge, seq };
        match (
            self.index.get(&slot.edge.from),
            self.index.get(&slot.edge.to),
        ) {
            (Some(&a), Some(&b)) => Some(self.graph.add_edge(a, b, slot)),
            _ => {
                self.unresolved.push(slot);
                None
            }
        }
    }

    /// The document this workflow writes back out.
    pub fn to_document(&self) -> Document {
        let mut edges: Vec<&EdgeSlot> = self
            .graph
            .edge_weights()
            .chain(self.unresolved.iter())
            .collect();
        crate::util::sort::sort_by_key(&mut edges, |s| s.seq);
        Document {
            flowdrill: FORMAT_VERSION,
            id: self.id.clone(),
            name: self.name.clone(),
            version: self.version.clone(),
            description: self.description.clone(),
            calendars: self.calendars.clone(),
            roles: self.roles.clone(),
            attributes: self.attributes.clone(),
            nodes: self.graph.node_weights().cloned().collect(),
            edges: edges.into_iter().map(|s| s.edge.clone()).collect(),
            slas: self.slas.clone(),
            mix: self.mix.clone(),
        }
    }

    /// Writes the workflow as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain data to a String cannot fail.
        serde_json::to_string_pretty(&self.to_document()).unwrap_or_default()
    }

    /// The zone for times that belong to no particular calendar (arrival profiles, reports
    /// by hour of the week): the first calendar's, else UTC.
    pub fn display_zone(&self) -> chrono_tz::Tz {
        self.calendars
            .values()
            .next()
            .map_or(chrono_tz::UTC, |c| c.tz())
    }

    /// The zone of the named calendar, else [`Workflow::display_zone`].
    pub fn zone_of(&self, calendar: Option<&str>) -> chrono_tz::Tz {
        calendar
            .and_then(|c| self.calendars.get(c))
            .map_or_else(|| self.display_zone(), |c| c.tz())
    }

    /// The underlying graph (node weights are [`Node`]s, edge weights [`EdgeSlot`]s).
    pub fn graph(&self) -> &StableDiGraph<Node, EdgeSlot> {
        &self.graph
    }

    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// The node with this id.
    pub fn node_index(&self, id: &str) -> Option<NodeIndex> {
        self.index.get(id).copied()
    }

    /// The node at an index. Panics on an index this workflow did not hand out.
    pub fn node(&self, ix: NodeIndex) -> &Node {
        &self.graph[ix]
    }

    /// The node with this id.
    pub fn node_by_id(&self, id: &str) -> Option<&Node> {
        self.node_index(id).map(|ix| &self.graph[ix])
    }

    /// All nodes in file order, with their indices.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, &Node)> {
        self.graph.node_indices().map(|ix| (ix, &self.graph[ix]))
    }

    /// The position of a node in the file (for JSON paths like `nodes[3]`).
    pub fn node_position(&self, ix: NodeIndex) -> usize {
        self.graph.node_indices().take_while(|i| *i != ix).count()
    }

    /// Outgoing edges of a node in file order: a decision's branch order.
    pub fn outgoing(&self, ix: NodeIndex) -> Vec<(EdgeIndex, NodeIndex, &EdgeSlot)> {
        let mut out: Vec<_> = self
            .graph
            .edges_directed(ix, Direction::Outgoing)
            .map(|e| (e.id(), e.target(), e.weight()))
            .collect();
        crate::util::sort::sort_by_key(&mut out, |(_, _, s)| s.seq);
        out
    }

    /// Incoming edges of a node in file order.
    pub fn incoming(&self, ix: NodeIndex) -> Vec<(EdgeIndex, NodeIndex, &EdgeSlot)> {
        let mut out: Vec<_> = self
            .graph
            .edges_directed(ix, Direction::Incoming)
            .map(|e| (e.id(), e.source(), e.weight()))
            .collect();
        crate::util::sort::sort_by_key(&mut out, |(_, _, s)| s.seq);
        out
    }

    /// All edges in file order, resolved ones with their endpoints.
    pub fn edges(&self) -> Vec<EdgeEntry<'_>> {
        let mut out: Vec<_> = self
            .graph
            .edge_indices()
            .filter_map(|e| {
                let (a, b) = self.graph.edge_endpoints(e)?;
                Some((Some((e, a, b)), &self.graph[e]))
            })
            .chain(self.unresolved.iter().map(|s| (None, s)))
            .collect();
        crate::util::sort::sort_by_key(&mut out, |(_, s)| s.seq);
        out
    }

    /// The edge at an index.
    pub fn edge(&self, e: EdgeIndex) -> &EdgeSlot {
        &self.graph[e]
    }

    /// The position of an edge in the file (for JSON paths like `edges[3]`).
    pub fn edge_position(&self, seq: u64) -> usize {
        self.edges()
            .iter()
            .take_while(|(_, s)| s.seq != seq)
            .count()
    }

    /// Adds a node. Existing nodes keep their indices.
    pub fn add_node(&mut self, node: Node) -> Result<NodeIndex, EditError> {
        if self.index.contains_key(&node.id) {
            return Err(EditError::DuplicateId(node.id));
        }
        let id = node.id.clone();
        let ix = self.graph.add_node(node);
        self.index.insert(id, ix);
        Ok(ix)
    }

    /// Removes a node and its edges. Other nodes keep their indices.
    pub fn remove_node(&mut self, id: &str) -> Result<Node, EditError> {
        let ix = self
            .index
            .swap_remove(id)
            .ok_or_else(|| EditError::UnknownNode(id.to_string()))?;
        let node = self
            .graph
            .remove_node(ix)
            .ok_or_else(|| EditError::UnknownNode(id.to_string()))?;
        // Another node with the same id (a duplicate) now answers to it.
        if let Some(other) = self.graph.node_indices().find(|i| self.graph[*i].id == id) {
            self.index.insert(id.to_string(), other);
        }
        Ok(node)
    }

    /// Replaces the arrivals of a start node; false when no start node has this id.
    pub fn set_arrivals(
        &mut self,
        id: &str,
        new: Option<crate::model::arrivals::Arrivals>,
    ) -> bool {
        let Some(ix) = self.index.get(id).copied() else {
            return false;
        };
        match self.graph.node_weight_mut(ix).map(|n| &mut n.kind) {
            Some(crate::model::NodeKind::Start { arrivals, .. }) => {
                *arrivals = new;
                true
            }
            _ => false,
        }
    }

    /// Adds an edge between existing nodes, after all others in branch order.
    pub fn add_edge(&mut self, edge: Edge) -> Result<EdgeIndex, EditError> {
        for end in [&edge.from, &edge.to] {
            if !self.index.contains_key(end) {
                return Err(EditError::UnknownNode(end.clone()));
            }
        }
        self.push_edge(edge)
            .ok_or_else(|| EditError::UnknownNode(String::new()))
    }

    /// Removes an edge.
    pub fn remove_edge(&mut self, e: EdgeIndex) -> Option<Edge> {
        self.graph.remove_edge(e).map(|s| s.edge)
    }
}

/// Reads a workflow document from JSON text, checking the format version first.
pub fn parse_document(text: &str) -> Result<Document, ParseError> {
    refuse_empty(text)?;
    check_version(text)?;
    parse_json(text)
}

/// Reads a calendar file: the calendar object on its own, e.g.
/// `{"timezone": "America/New_York", "hours": {"mon-fri": [["09:00", "17:00"]]}}`.
pub fn parse_calendar(text: &str) -> Result<Calendar, ParseError> {
    /// The calendar, read from an object only.
    struct CalendarFile(Calendar);
    impl<'de> serde::Deserialize<'de> for CalendarFile {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            crate::model::keyed::object_only(d).map(CalendarFile)
        }
    }
    parse_json::<CalendarFile>(text).map(|c| c.0)
}

/// Refuses a text with nothing but white space in it, saying so (rather than "line 1,
/// column 0").
fn refuse_empty(text: &str) -> Result<(), ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError {
            kind: ParseErrorKind::Syntax,
            path: ".".into(),
            line: 0,
            column: 0,
            message: "the file is empty; expected a JSON object".into(),
        });
    }
    Ok(())
}

/// Reads any part of the format from JSON text, with the error's JSON path, line and column.
pub fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    refuse_empty(text)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(&mut de).map_err(|e| ParseError::from_serde(text, e))?;
    de.end().map_err(|e| ParseError {
        kind: ParseErrorKind::Syntax,
        path: ".".into(),
        line: e.line(),
        column: e.column(),
        message: "unexpected text after the end of the document".into(),
    })?;
    Ok(value)
}

/// Reads just `"flowdrill"` so that a newer file gets a version error rather than
/// confusing complaints about fields this build does not know.
fn check_version(text: &str) -> Result<(), ParseError> {
    /// The version as written (read as raw text: reading it as a `serde_json::Value` would
    /// bring that type's whole reader into the WebAssembly modules).
    #[derive(serde::Deserialize)]
    struct Head<'a> {
        #[serde(borrow)]
        flowdrill: Option<&'a serde_json::value::RawValue>,
    }
    let first = text.trim_start();
    if !first.is_empty() && !first.starts_with('{') {
        let skipped = &text[..text.len() - first.len()];
        return Err(ParseError {
            kind: ParseErrorKind::Schema,
            path: ".".into(),
            line: skipped.matches('\n').count() + 1,
            column: skipped.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
            message: "expected a JSON object, a flowdrill workflow like {\"flowdrill\": 1, ...}"
                .into(),
        });
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    let head = Head::deserialize(de).map_err(|e| {
        let mut e = ParseError::from_serde(text, e);
        if e.kind == ParseErrorKind::Schema {
            e.message =
                "expected a JSON object, a flowdrill workflow like {\"flowdrill\": 1, ...}".into();
        }
        e
    })?;
    let err = |message: String| ParseError {
        kind: ParseErrorKind::Version,
        path: "flowdrill".into(),
        line: 0,
        column: 0,
        message,
    };
    match head.flowdrill {
        None => Err(err(format!(
            "missing format version; a flowdrill workflow starts with \"flowdrill\": {FORMAT_VERSION}"
        ))),
        Some(v) if v.get() == FORMAT_VERSION.to_string() => Ok(()),
        Some(v) => Err(err(format!(
            "format version {} is not supported; this build reads version {FORMAT_VERSION}",
            v.get()
        ))),
    }
}
