//! Errors for documents that cannot be read: where the problem is and what was expected.

use std::fmt;

/// What kind of problem stopped a document from being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ParseErrorKind {
    /// The text is not well-formed JSON.
    Syntax,
    /// The JSON does not have the shape of a flowdrill document.
    Schema,
    /// The document declares a format version this build cannot read.
    Version,
}

impl ParseErrorKind {
    /// The stable diagnostic code for this kind of error.
    pub fn code(self) -> &'static str {
        match self {
            ParseErrorKind::Syntax => "syntax",
            ParseErrorKind::Schema => "schema",
            ParseErrorKind::Version => "version",
        }
    }
}

/// A document could not be read. Says where (a JSON path such as `nodes[4].effort`, and the
/// line and column) and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ParseError {
    /// Syntax, schema or version.
    pub kind: ParseErrorKind,
    /// The JSON path of the offending value (`.` for the whole document).
    pub path: String,
    /// 1-based line of the offending text (0 when unknown).
    pub line: usize,
    /// 1-based column of the offending text (0 when unknown).
    pub column: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path != "." && !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    /// An error from reading `text`, located by JSON path from serde's line and column.
    pub(crate) fn from_serde(text: &str, inner: serde_json::Error) -> Self {
        let place = place_at(text, inner.line(), inner.column());
        let raw_text = inner.to_string();
        // An unknown field is named by its own path; any other problem found on reading a
        // key (an unknown distribution or operator) belongs to the object holding it.
        // A positional array where an object belongs (see `keyed::ObjectShape`) is
        // refused before it is read, at its opening bracket: the path is the value's own.
        let not_an_object =
            raw_text.starts_with("invalid type: ") && raw_text.contains(", expected an object {");
        let path = match place.pending_key {
            _ if not_an_object => json_path_at_value(text, inner.line(), inner.column()),
            Some(k) if raw_text.starts_with("unknown field") => {
                if place.path == "." {
                    k
                } else {
                    format!("{}.{k}", place.path)
                }
            }
            _ => place.path,
        };
        let kind = match inner.classify() {
            serde_json::error::Category::Data => ParseErrorKind::Schema,
            _ => ParseErrorKind::Syntax,
        };
        let raw = inner.to_string();
        let suffix = format!(" at line {} column {}", inner.line(), inner.column());
        let raw = raw.strip_suffix(&suffix).unwrap_or(&raw);
        let message = if not_an_object && raw.starts_with("invalid type: sequence") {
            let expected = raw
                .split_once(", expected ")
                .map_or("an object", |(_, e)| e);
            format!(
                "a list is not accepted here (fields are named, not positional); expected {expected}"
            )
        } else if kind == ParseErrorKind::Syntax {
            raw.replace('`', "\"")
        } else {
            rewrite_serde_message(raw, &path)
        };
        ParseError {
            kind,
            path,
            line: inner.line(),
            column: inner.column(),
            message,
        }
    }
}

/// Where in a JSON text a position is: the path of the place (`nodes[4].effort`, `.` for
/// the top), and whether the position falls just after a key whose value has not begun.
struct Place {
    path: String,
    /// The key read last, when its value has not started (an unknown field, say).
    pending_key: Option<String>,
}

fn path_of(stack: &[(Option<String>, Option<usize>)]) -> String {
    let mut path = String::new();
    for (key, index) in stack {
        if let Some(k) = key {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k);
        }
        if let Some(n) = index {
            path.push_str(&format!("[{n}]"));
        }
    }
    if path.is_empty() { ".".into() } else { path }
}

/// Scans `text` up to 1-based `line` and `column` (columns count bytes, as serde_json's
/// do), tracking the containers open there and the key or index inside each.
///
/// serde_json reports an error in a finished element (a node whose fields do not fit its
/// kind) after peeking at the next delimiter; a position that follows a closed container
/// and nothing but white space and one delimiter is therefore taken as that container.
fn place_at(text: &str, line: usize, column: usize) -> Place {
    place_at_open(text, line, column, true)
}

/// [`place_at`], taking a position just after a closed container as that container only
/// when `after_closed` is true.
fn place_at_open(text: &str, line: usize, column: usize, after_closed: bool) -> Place {
    // One frame per open container: (key inside an object, index inside an array).
    let mut stack: Vec<(Option<String>, Option<usize>)> = Vec::new();
    let mut is_array: Vec<bool> = Vec::new();
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let end = (start + column).min(text.len());
    let bytes = text.as_bytes();
    let (mut i, mut expecting_key, mut value_started) = (0, false, false);
    let mut closed: Option<(String, usize)> = None;
    while i < end {
        match bytes.get(i) {
            Some(b'{') | Some(b'[') => {
                let array = bytes.get(i) == Some(&b'[');
                stack.push((None, array.then_some(0)));
                is_array.push(array);
                expecting_key = !array;
                value_started = false;
            }
            Some(b'}') | Some(b']') => {
                closed = Some((path_of(&stack), i));
                stack.pop();
                is_array.pop();
                expecting_key = false;
                value_started = true;
            }
            Some(b',') => {
                if let Some(top) = stack.last_mut() {
                    match &mut top.1 {
                        Some(n) => *n += 1,
                        None => {
                            top.0 = None;
                            expecting_key = true;
                        }
                    }
                }
                value_started = false;
            }
            Some(b':') => value_started = false,
            Some(b'"') => {
                let from = i + 1;
                let mut j = from;
                while let Some(&c) = bytes.get(j) {
                    match c {
                        b'\\' => j += 2,
                        b'"' => break,
                        _ => j += 1,
                    }
                }
                if expecting_key && let Some(top) = stack.last_mut() {
                    top.0 = text.get(from..j.min(text.len())).map(str::to_string);
                    expecting_key = false;
                    value_started = false;
                } else {
                    value_started = true;
                }
                i = j;
            }
            Some(c) if !c.is_ascii_whitespace() => value_started = true,
            _ => {}
        }
        i += 1;
    }
    if let Some((path, at)) = closed.filter(|_| after_closed) {
        let rest = text.get(at + 1..end).unwrap_or("");
        let delimiters = rest.chars().filter(|c| !c.is_whitespace()).count();
        if delimiters <= 1 && rest.trim().chars().all(|c| matches!(c, ',' | ']' | '}')) {
            return Place {
                path,
                pending_key: None,
            };
        }
    }
    let after_key = !value_started && is_array.last() == Some(&false);
    let pending_key = if after_key {
        stack.last().and_then(|t| t.0.clone())
    } else {
        None
    };
    if pending_key.is_some()
        && let Some(top) = stack.last_mut()
    {
        top.0 = None;
    }
    Place {
        path: path_of(&stack),
        pending_key,
    }
}

/// The JSON path of a value that begins at 1-based `line` and `column` of `text`: the key
/// it follows, or its index in the array holding it.
fn json_path_at_value(text: &str, line: usize, column: usize) -> String {
    let p = place_at_open(text, line, column, false);
    match p.pending_key {
        Some(k) if p.path == "." => k,
        Some(k) => format!("{}.{k}", p.path),
        None => p.path,
    }
}

/// The JSON path of the place at 1-based `line` and `column` of `text` (see `place_at`),
/// with a key just read and not yet given a value included.
pub fn json_path_at(text: &str, line: usize, column: usize) -> String {
    let p = place_at(text, line, column);
    match p.pending_key {
        Some(k) if p.path == "." => k,
        Some(k) => format!("{}.{k}", p.path),
        None => p.path,
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo: a
/// few edits away (a swap of neighbours counts as one) or a prefix of it.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest(word, &mut candidates.into_iter())
}

/// [`suggest`] over any candidates behind `dyn`: compiled once, not once per kind of list
/// (node ids, roles, attributes, zones...).
fn closest<'a>(word: &str, candidates: &mut dyn Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    let allowed = (w.chars().count() / 3).max(1) as f64;
    candidates
        .filter(|c| !c.is_empty() && *c != word)
        .map(|c| {
            let cl = c.to_ascii_lowercase();
            let d = if w.chars().count() >= 3 && cl.starts_with(&w) {
                0.5
            } else {
                strsim::osa_distance(&w, &cl) as f64
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= allowed)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `unknown <what> "word"; expected one of a, b, c; did you mean "b"?`
pub fn unknown_word_message(what: &str, word: &str, expected: &[&str]) -> String {
    let mut msg = format!("unknown {what} \"{word}\"");
    match expected {
        [] => {}
        [one] => msg.push_str(&format!("; expected {one}")),
        many => msg.push_str(&format!("; expected one of {}", many.join(", "))),
    }
    if let Some(s) = suggest(word, expected.iter().copied()) {
        msg.push_str(&format!("; did you mean \"{s}\"?"));
    }
    msg
}

/// Names the thing an unknown enum variant was meant to be, from the field holding it.
fn variant_noun(path: &str) -> &'static str {
    let last = path.rsplit('.').next().unwrap_or(path);
    let last = last.split('[').next().unwrap_or(last);
    match last {
        "kind" => "node kind",
        "match" => "match mode",
        "every" => "batch period",
        "start" | "stop" => "clock point",
        _ => "value",
    }
}

/// Turns serde's wording (`unknown field \`x\`, expected one of \`a\`, \`b\``) into
/// flowdrill's (`unknown field "x"; expected one of a, b; did you mean "a"?`).
fn rewrite_serde_message(raw: &str, path: &str) -> String {
    for (prefix, noun) in [("unknown field `", "field"), ("unknown variant `", "")] {
        if let Some(rest) = raw.strip_prefix(prefix) {
            let Some((word, tail)) = rest.split_once('`') else {
                break;
            };
            let expected: Vec<&str> = tail
                .split('`')
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, s)| s)
                .collect();
            let noun = if noun.is_empty() {
                variant_noun(path)
            } else {
                noun
            };
            return unknown_word_message(noun, word, &expected);
        }
    }
    raw.replace('`', "\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_unknown_field_with_suggestion() {
        let m = rewrite_serde_message(
            "unknown field `rle`, expected one of `id`, `role`, `kind`",
            "nodes[2]",
        );
        assert_eq!(
            m,
            "unknown field \"rle\"; expected one of id, role, kind; did you mean \"role\"?"
        );
    }

    #[test]
    fn rewrites_unknown_variant_naming_the_thing() {
        let m = rewrite_serde_message(
            "unknown variant `tsk`, expected one of `start`, `task`",
            "nodes[0].kind",
        );
        assert_eq!(
            m,
            "unknown node kind \"tsk\"; expected one of start, task; did you mean \"task\"?"
        );
    }

    #[test]
    fn no_suggestion_when_nothing_is_close() {
        let m = unknown_word_message("distribution", "zzz", &["fixed", "uniform"]);
        assert_eq!(
            m,
            "unknown distribution \"zzz\"; expected one of fixed, uniform"
        );
    }
}
