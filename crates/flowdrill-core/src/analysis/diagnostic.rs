//! Diagnostics: validation findings as data (severity, stable code, message, location).

use std::fmt;

use serde::Serialize;

use crate::model::value::Assignment;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The workflow is wrong: cases can get stuck, loop forever or go the wrong way.
    Error,
    /// Probably a mistake, but every case still has a way through.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Where a finding is: a JSON path and, when there is one, the node or edge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Location {
    /// JSON path into the document, e.g. `edges[4].when`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub path: Option<String>,
    /// The node id concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub node: Option<String>,
    /// The edge concerned (its id, or `from->to`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub edge: Option<String>,
    /// 1-based line in the file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub line: Option<usize>,
    /// 1-based column in the file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub column: Option<usize>,
}

impl Location {
    /// A location at a JSON path.
    pub fn path(p: impl Into<String>) -> Self {
        Location {
            path: Some(p.into()),
            ..Default::default()
        }
    }

    /// Adds the node concerned.
    pub fn with_node(mut self, id: impl Into<String>) -> Self {
        self.node = Some(id.into());
        self
    }

    /// Adds the edge concerned.
    pub fn with_edge(mut self, id: impl Into<String>) -> Self {
        self.edge = Some(id.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(p) = &self.path {
            parts.push(p.clone());
        }
        if let Some(n) = &self.node {
            parts.push(format!("node \"{n}\""));
        }
        if let Some(e) = &self.edge {
            parts.push(format!("edge \"{e}\""));
        }
        if let (Some(l), Some(c)) = (self.line, self.column) {
            parts.push(format!("line {l}, column {c}"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// One validation finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code such as `decision-gap`, for tools and for documentation.
    #[cfg_attr(feature = "ts", ts(type = "DiagnosticCode"))]
    pub code: &'static str,
    /// What is wrong, in words.
    pub message: String,
    /// Where.
    pub location: Location,
    /// A concrete case that shows the problem (decision gaps and overlaps).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub example: Option<Assignment>,
}

impl Diagnostic {
    /// An error.
    pub fn error(code: &'static str, message: impl Into<String>, location: Location) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location,
            example: None,
        }
    }

    /// A warning.
    pub fn warning(code: &'static str, message: impl Into<String>, location: Location) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            location,
            example: None,
        }
    }

    /// Attaches an example case.
    pub fn with_example(mut self, example: Assignment) -> Self {
        self.example = Some(example);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)?;
        let loc = self.location.to_string();
        if !loc.is_empty() {
            write!(f, " ({loc})")?;
        }
        Ok(())
    }
}

/// All findings for one workflow, errors first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Report {
    /// The findings, errors first, then in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// The errors alone, in order.
    pub fn into_errors(self) -> Vec<Diagnostic> {
        self.diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    /// The number of warnings.
    pub fn warning_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// True when there are errors.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// True when there is nothing to report at all.
    pub fn is_clean(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// The findings with this code.
    pub fn with_code(&self, code: &str) -> Vec<&Diagnostic> {
        self.diagnostics.iter().filter(|d| d.code == code).collect()
    }
}
