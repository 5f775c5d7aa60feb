//! The flat, index-based form of a workflow that the engine runs.
//!
//! Node, role, rule and attribute names become indices; guards become unions of boxes over
//! attribute value indices (the same case sets validation reasons with), so testing a case
//! is a few bit operations. The form does not depend on a run: calendars stay indices into
//! the workflow's calendars, and a driver that needs tables for them (the simulator) builds
//! its own for its run.

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use crate::analysis::space::{CaseSet, Space};
use crate::analysis::structure::pair_forks;
use crate::model::effort::Effort;
use crate::model::workflow::Workflow;
use crate::model::{Matching, NodeKind};
use crate::time::clock::ClockRule;

/// A guard as boxes: for each box, one bit mask of allowed values per attribute.
#[derive(Debug, Clone, Default)]
pub struct Boxes {
    masks: Vec<u64>,
    attrs: usize,
    boxes: usize,
}

impl Boxes {
    fn from_set(space: &Space, set: &crate::analysis::space::CaseSet) -> Self {
        let attrs = space.names().len();
        let mut masks = Vec::new();
        let mut boxes = 0;
        for cube in set.cubes() {
            masks.extend_from_slice(cube);
            boxes += 1;
        }
        Boxes {
            masks,
            attrs,
            boxes,
        }
    }

    /// True when the case (one value index per attribute) is in one of the boxes.
    #[inline]
    pub fn contains(&self, case: &[u8]) -> bool {
        if self.attrs == 0 {
            return self.boxes > 0;
        }
        // Box by box with a running offset: `chunks_exact` would divide to count the
        // boxes, once per test, and a test runs for every branch and rule of every case.
        let mut at = 0;
        for _ in 0..self.boxes {
            let Some(b) = self.masks.get(at..at + self.attrs) else {
                return false;
            };
            if b.iter()
                .zip(case)
                .all(|(m, v)| m & (1u64 << (*v & 63)) != 0)
            {
                return true;
            }
            at += self.attrs;
        }
        false
    }
}

/// A node's kind, compiled.
#[derive(Debug, Clone)]
pub enum CKind {
    /// Where cases enter.
    Start,
    /// Work by a role.
    Task {
        /// The role.
        role: u32,
        /// The work time.
        effort: Option<Effort>,
    },
    /// An exclusive choice.
    Decision,
    /// Parallel split.
    Fork,
    /// Parallel merge, waiting for this many arrivals.
    Join(u32),
    /// A pause (what it waits for is the model node's; drivers time it).
    Wait,
    /// Tells roles.
    Notify(Vec<u32>),
    /// The end, with an outcome index.
    End(u32),
}

/// An edge, compiled.
#[derive(Debug, Clone)]
pub struct CEdge {
    /// The target node.
    pub to: u32,
    /// The guard (index into `Compiled::guards`).
    pub guard: Option<u32>,
    /// The fallback branch.
    pub otherwise: bool,
    /// At most this many traversals per case (0: unlimited).
    pub limit: u32,
    /// The case counter slot of a limited edge.
    pub slot: u16,
}

/// What a ladder rung does besides coming due.
#[derive(Debug, Clone)]
pub struct CMilestone {
    /// Roles told.
    pub notify: Vec<u32>,
    /// Tell the holding role's manager.
    pub notify_manager: bool,
    /// Move the case's queued work to this role.
    pub reassign: Option<u32>,
}

/// An SLA rule, compiled.
#[derive(Debug, Clone)]
pub struct CSla {
    /// Which cases it applies to (None: all).
    pub guard: Option<u32>,
    /// The clock's rule: points, pauses, target and ladder in milliseconds.
    pub rule: ClockRule,
    /// Index into the workflow's calendars (None: around the clock).
    pub calendar: Option<u32>,
    /// What each rung does, by its position in the rule's `escalation` list.
    pub actions: Vec<CMilestone>,
}

/// A role, compiled.
#[derive(Debug, Clone)]
pub struct CRole {
    /// People.
    pub staff: u32,
    /// Index into the workflow's calendars (None: around the clock).
    pub calendar: Option<u32>,
    /// The manager role.
    pub manager: Option<u32>,
}

/// An attribute, compiled: running totals of its weights.
#[derive(Debug, Clone)]
pub struct CAttr {
    /// Cumulative weights.
    pub cumulative: Vec<f64>,
}

/// A joint table of attribute values: the attributes it sets (by position), each row's
/// value indices, and running totals of the rows' weights.
pub type Joint = (Vec<usize>, Vec<Vec<u8>>, Vec<f64>);

/// A workflow ready to run.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Node ids in compiled order.
    pub node_ids: Vec<String>,
    /// The graph's node of each compiled node.
    pub node_ix: Vec<NodeIndex>,
    /// Node kinds.
    pub kinds: Vec<CKind>,
    /// Decisions in first-match order? (exclusive decisions are validated not to overlap).
    pub first_match: Vec<bool>,
    /// Outgoing edges of node `n`: `edges[out[n]..out[n + 1]]`, in branch order.
    pub out: Vec<u32>,
    /// All edges.
    pub edges: Vec<CEdge>,
    /// The graph's edge of each compiled edge.
    pub edge_ix: Vec<EdgeIndex>,
    /// The number of limited-edge counters a case needs.
    pub slots: u16,
    /// Guards as boxes, for known cases.
    pub guards: Vec<Boxes>,
    /// The same guards as case sets, for sets of cases.
    pub guard_sets: Vec<CaseSet>,
    /// Attributes.
    pub attrs: Vec<CAttr>,
    /// Attribute names.
    pub attr_ids: Vec<String>,
    /// Roles.
    pub roles: Vec<CRole>,
    /// Role ids.
    pub role_ids: Vec<String>,
    /// SLA rules.
    pub slas: Vec<CSla>,
    /// SLA rule ids.
    pub sla_ids: Vec<String>,
    /// Nodes whose entering or leaving an SLA clock must hear about.
    pub watched: Vec<bool>,
    /// Outcomes.
    pub outcomes: Vec<String>,
    /// Start nodes.
    pub starts: Vec<u32>,
    /// A joint table of attribute values.
    pub joint: Option<Joint>,
}

/// Why a workflow cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// The guards are too complex for exact case sets.
    #[error(transparent)]
    TooComplex(#[from] crate::analysis::space::TooComplex),
}

impl Compiled {
    /// Outgoing edges of a node.
    #[inline]
    pub fn out_edges(&self, n: u32) -> &[CEdge] {
        let a = self.out.get(n as usize).copied().unwrap_or(0) as usize;
        let b = self.out.get(n as usize + 1).copied().unwrap_or(0) as usize;
        self.edges.get(a..b).unwrap_or(&[])
    }

    /// The compiled number of a graph node.
    pub fn node_of(&self, ix: NodeIndex) -> Option<u32> {
        self.node_ix.iter().position(|n| *n == ix).map(|p| p as u32)
    }

    /// The compiled number of a node id.
    pub fn node_by_id(&self, id: &str) -> Option<u32> {
        self.node_ids.iter().position(|n| n == id).map(|p| p as u32)
    }

    /// A known case as value indices, one per attribute (`None` when a value is missing or
    /// outside its domain).
    pub fn values_of(
        &self,
        w: &Workflow,
        case: &crate::model::value::Assignment,
    ) -> Option<Vec<u8>> {
        w.attributes
            .iter()
            .map(|(name, a)| case.get(name).and_then(|v| a.position(v)).map(|p| p as u8))
            .collect()
    }

    /// Compiles a workflow.
    pub fn new(w: &Workflow) -> Result<Compiled, CompileError> {
        let space = Space::new(&w.attributes);
        let node_ix: Vec<NodeIndex> = w.nodes().map(|(ix, _)| ix).collect();
        let pos = |ix| node_ix.iter().position(|o| *o == ix).unwrap_or(0) as u32;
        let node_ids: Vec<String> = w.nodes().map(|(_, n)| n.id.clone()).collect();
        let idx = |id: &str| node_ids.iter().position(|n| n == id).map(|p| p as u32);
        let role_ids: Vec<String> = w.roles.keys().cloned().collect();
        let role = |id: &str| role_ids.iter().position(|r| r == id).map(|p| p as u32);
        let cal_ids: Vec<&String> = w.calendars.keys().collect();
        let calendar_of = |id: &Option<String>| {
            id.as_ref()
                .and_then(|c| cal_ids.iter().position(|x| *x == c))
                .map(|p| p as u32)
        };
        let pairs = pair_forks(w);
        let mut outcomes: Vec<String> = Vec::new();
        let mut guards: Vec<Boxes> = Vec::new();
        let mut guard_sets: Vec<CaseSet> = Vec::new();
        let mut add_guard = |g: &crate::model::guard::Guard| -> Result<u32, CompileError> {
            let set = space.guard_set(g)?;
            guards.push(Boxes::from_set(&space, &set));
            guard_sets.push(set);
            Ok(guards.len() as u32 - 1)
        };
        let mut kinds = Vec::new();
        let mut first_match = Vec::new();
        let mut out = vec![0u32];
        let mut edges = Vec::new();
        let mut edge_ix = Vec::new();
        let mut slots = 0u16;
        let mut starts = Vec::new();
        for (k, (ix, node)) in w.nodes().enumerate() {
            let kind = match &node.kind {
                NodeKind::Start { .. } => {
                    starts.push(k as u32);
                    CKind::Start
                }
                NodeKind::Task { role: r, effort } => CKind::Task {
                    role: role(r).unwrap_or(0),
                    effort: effort.clone(),
                },
                NodeKind::Decision { .. } => CKind::Decision,
                NodeKind::Fork => CKind::Fork,
                NodeKind::Join => CKind::Join(pairs.arity(w, ix).unwrap_or(1) as u32),
                NodeKind::Wait { .. } => CKind::Wait,
                NodeKind::Notify { roles, .. } => {
                    CKind::Notify(roles.iter().filter_map(|r| role(r)).collect())
                }
                NodeKind::End { outcome } => {
                    let o = match outcomes.iter().position(|x| x == outcome) {
                        Some(p) => p,
                        None => {
                            outcomes.push(outcome.clone());
                            outcomes.len() - 1
                        }
                    };
                    CKind::End(o as u32)
                }
            };
            kinds.push(kind);
            first_match.push(matches!(
                node.kind,
                NodeKind::Decision {
                    matching: Matching::First,
                    ..
                }
            ));
            for (e, t, slot) in w.outgoing(ix) {
                let guard = match &slot.edge.when {
                    Some(g) => Some(add_guard(g)?),
                    None => None,
                };
                let limit = slot.edge.limit.unwrap_or(0);
                let s = if limit > 0 {
                    slots += 1;
                    slots - 1
                } else {
                    0
                };
                edges.push(CEdge {
                    to: pos(t),
                    guard,
                    otherwise: slot.edge.otherwise,
                    limit,
                    slot: s,
                });
                edge_ix.push(e);
            }
            out.push(edges.len() as u32);
        }
        let roles = w
            .roles
            .values()
            .map(|r| CRole {
                staff: r.staff,
                calendar: calendar_of(&r.calendar),
                manager: r.escalates_to.as_deref().and_then(role),
            })
            .collect();
        let mut slas = Vec::new();
        for r in &w.slas {
            let guard = match &r.when {
                Some(g) => Some(add_guard(g)?),
                None => None,
            };
            slas.push(CSla {
                guard,
                rule: ClockRule::new(r, idx),
                calendar: calendar_of(&r.calendar),
                actions: r
                    .escalation
                    .iter()
                    .map(|m| CMilestone {
                        notify: m.notify.iter().filter_map(|x| role(x)).collect(),
                        notify_manager: m.notify_manager,
                        reassign: m.reassign.as_deref().and_then(role),
                    })
                    .collect(),
            });
        }
        let watched = (0..kinds.len() as u32)
            .map(|n| slas.iter().any(|s: &CSla| s.rule.watches(n)))
            .collect();
        let attrs = w
            .attributes
            .values()
            .map(|a| {
                let ws = a.weights_or_equal();
                let mut acc = 0.0;
                CAttr {
                    cumulative: ws
                        .iter()
                        .map(|x| {
                            acc += x;
                            acc
                        })
                        .collect(),
                }
            })
            .collect();
        let joint = w.mix.first().map(|first| {
            let ids: Vec<usize> = first
                .case
                .keys()
                .filter_map(|a| w.attributes.get_index_of(a))
                .collect();
            let mut acc = 0.0;
            let mut rows = Vec::new();
            let mut cumulative = Vec::new();
            for row in &w.mix {
                let values: Vec<u8> = ids
                    .iter()
                    .map(|i| {
                        let (name, attr) = w
                            .attributes
                            .get_index(*i)
                            .map_or((None, None), |(n, a)| (Some(n), Some(a)));
                        name.and_then(|n| row.case.get(n))
                            .and_then(|v| attr.and_then(|a| a.position(v)))
                            .unwrap_or(0) as u8
                    })
                    .collect();
                acc += row.weight.max(0.0);
                rows.push(values);
                cumulative.push(acc);
            }
            (ids, rows, cumulative)
        });
        Ok(Compiled {
            joint,
            node_ids,
            node_ix,
            kinds,
            first_match,
            out,
            edges,
            edge_ix,
            slots,
            guards,
            guard_sets,
            attrs,
            attr_ids: w.attributes.keys().cloned().collect(),
            roles,
            role_ids,
            slas,
            sla_ids: w.slas.iter().map(|r| r.id.clone()).collect(),
            watched,
            outcomes,
            starts,
        })
    }
}
