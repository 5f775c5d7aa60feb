//! The example library as the web app loads it: `examples/workflows/*.json`,
//! `examples/benchmarks/*.json` and `examples/drills/*.json` copied side by side into `www/pkg/examples/`, with an
//! `index.json` that lists them:
//!
//! ```json
//! [
//!   { "id": "facebook-access", "name": "DigiMS Ops Team Obtain Facebook Access",
//!     "file": "facebook-access.json", "kind": "workflow" },
//!   { "id": "triage-1", "name": "Benchmark workload triage-1",
//!     "file": "triage-1.json", "kind": "benchmark" },
//!   { "id": "viral-video", "name": "A complaint video goes viral",
//!     "file": "viral-video.json", "kind": "drill", "workflow": "social-triage.json" }
//! ]
//! ```
//!
//! `file` is relative to `index.json`. Workflows come first, then benchmarks, each sorted by
//! file name. The Vite config serves `www/pkg/examples/` as `./examples/` in development and
//! copies it to `dist/examples/` in a build.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::TaskError;

/// The folders of the library, relative to the workspace root, and the kind each holds.
pub const SOURCES: [(&str, &str); 3] = [
    ("examples/workflows", "workflow"),
    ("examples/benchmarks", "benchmark"),
    ("examples/drills", "drill"),
];

/// Where the library goes, relative to the workspace root.
pub const OUT_DIR: &str = "www/pkg/examples";

/// One file of the library.
#[derive(Debug)]
struct Example {
    source: PathBuf,
    file: String,
    kind: &'static str,
}

/// The `.json` files directly in `dir`, sorted by name; none when `dir` does not exist.
pub fn json_files(dir: &Path) -> Result<Vec<PathBuf>, TaskError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(TaskError::ReadDir {
                dir: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| TaskError::ReadDir {
            dir: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The index entry of one example: its `id` and `name` from the document, its file name
/// and its kind.
pub fn index_entry(kind: &str, file: &str, text: &str) -> Result<Value, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let field = |name: &str| doc.get(name).and_then(Value::as_str);
    let id = field("id").unwrap_or_else(|| file.trim_end_matches(".json"));
    let name = field("name").unwrap_or(id);
    let mut entry = Map::new();
    entry.insert("id".into(), json!(id));
    entry.insert("name".into(), json!(name));
    entry.insert("file".into(), json!(file));
    entry.insert("kind".into(), json!(kind));
    if kind == "drill" {
        // A scenario names its workflow relative to itself; in the flat library it is the
        // file of the same name.
        let path = field("workflow").ok_or("a drill scenario needs \"workflow\"")?;
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        entry.insert("workflow".into(), json!(name));
    }
    Ok(Value::Object(entry))
}

/// Copies the library into `<root>/www/pkg/examples/` (replacing what was there) and writes
/// its `index.json`. Returns how many examples were written.
pub fn generate(root: &Path) -> Result<usize, TaskError> {
    let mut examples = Vec::new();
    let mut names = BTreeSet::new();
    for (dir, kind) in SOURCES {
        for source in json_files(&root.join(dir))? {
            let file = source
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !names.insert(file.clone()) {
                return Err(TaskError::Other(format!(
                    "two examples are named {file}; the web app's library is one folder, so \
                     names in {} must differ",
                    SOURCES.map(|(d, _)| d).join(" and ")
                )));
            }
            examples.push(Example { source, file, kind });
        }
    }

    let out = root.join(OUT_DIR);
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| TaskError::io("remove", &out, e))?;
    }
    fs::create_dir_all(&out).map_err(|e| TaskError::io("create", &out, e))?;

    let mut index = Vec::new();
    for ex in &examples {
        let text =
            fs::read_to_string(&ex.source).map_err(|e| TaskError::io("read", &ex.source, e))?;
        let entry = index_entry(ex.kind, &ex.file, &text)
            .map_err(|msg| TaskError::Other(format!("example {}: {msg}", ex.source.display())))?;
        index.push(entry);
        let target = out.join(&ex.file);
        fs::write(&target, text).map_err(|e| TaskError::io("write", &target, e))?;
    }
    let index_path = out.join("index.json");
    let mut text = serde_json::to_string_pretty(&Value::Array(index)).expect("JSON of values");
    text.push('\n');
    fs::write(&index_path, text).map_err(|e| TaskError::io("write", &index_path, e))?;
    Ok(examples.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_take_id_and_name_from_the_document() {
        let e = index_entry(
            "workflow",
            "t.json",
            r#"{"flowdrill": 1, "id": "triage", "name": "Triage", "nodes": []}"#,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"id":"triage","name":"Triage","file":"t.json","kind":"workflow"}"#
        );
    }

    #[test]
    fn drill_entries_name_their_workflow_file() {
        let e = index_entry(
            "drill",
            "v.json",
            r#"{"flowdrill-drill": 1, "id": "v", "workflow": "../workflows/social-triage.json"}"#,
        )
        .unwrap();
        assert_eq!(e["workflow"], "social-triage.json");
        assert!(index_entry("drill", "v.json", r#"{"id": "v"}"#).is_err());
    }

    #[test]
    fn entries_fall_back_to_the_file_name() {
        let e = index_entry("benchmark", "load-2.json", r#"{"flowdrill": 1}"#).unwrap();
        assert_eq!(e["id"], "load-2");
        assert_eq!(e["name"], "load-2");
        assert!(index_entry("workflow", "x.json", "{ nope").is_err());
    }

    #[test]
    fn the_library_is_copied_with_an_index() {
        let root = std::env::temp_dir().join(format!("xtask-examples-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("examples/workflows")).unwrap();
        fs::create_dir_all(root.join("examples/benchmarks")).unwrap();
        fs::write(
            root.join("examples/workflows/b.json"),
            r#"{"id": "b", "name": "Bee"}"#,
        )
        .unwrap();
        fs::write(root.join("examples/workflows/a.json"), r#"{"id": "a"}"#).unwrap();
        fs::write(root.join("examples/workflows/notes.md"), "not an example").unwrap();
        fs::write(
            root.join("examples/benchmarks/load.json"),
            r#"{"id": "load"}"#,
        )
        .unwrap();
        // A stale file from an earlier run disappears.
        fs::create_dir_all(root.join(OUT_DIR)).unwrap();
        fs::write(root.join(OUT_DIR).join("old.json"), "{}").unwrap();

        assert_eq!(generate(&root).unwrap(), 3);
        let out = root.join(OUT_DIR);
        let index: Value =
            serde_json::from_str(&fs::read_to_string(out.join("index.json")).unwrap()).unwrap();
        let files: Vec<&str> = index
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["file"].as_str().unwrap())
            .collect();
        assert_eq!(files, ["a.json", "b.json", "load.json"]);
        assert_eq!(index[1]["name"], "Bee");
        assert_eq!(index[2]["kind"], "benchmark");
        assert_eq!(
            fs::read_to_string(out.join("b.json")).unwrap(),
            r#"{"id": "b", "name": "Bee"}"#
        );
        assert!(!out.join("old.json").exists());
        assert!(!out.join("notes.md").exists());

        // The same name in both folders is refused.
        fs::write(root.join("examples/benchmarks/a.json"), "{}").unwrap();
        assert!(matches!(generate(&root), Err(TaskError::Other(_))));
        fs::remove_dir_all(&root).unwrap();
    }
}
