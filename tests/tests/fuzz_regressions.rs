//! Every input of the fuzz corpus (`fuzz/corpus/<target>/`) and every input that ever
//! made a target fail (`fuzz/regressions/<target>/`), run through the same functions the
//! fuzz targets call: none may panic.

use std::panic::{AssertUnwindSafe, catch_unwind};

use flowdrill_tests::fuzz::TARGETS;
use flowdrill_tests::workspace_root;

#[test]
fn the_fuzz_corpus_and_every_past_failure_run_clean() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for (name, target) in TARGETS {
        for dir in ["corpus", "regressions"] {
            let path = workspace_root().join("fuzz").join(dir).join(name);
            let Ok(entries) = std::fs::read_dir(&path) else {
                failures.push(format!("{} is missing", path.display()));
                continue;
            };
            for entry in entries.flatten() {
                let file = entry.path();
                let Ok(data) = std::fs::read(&file) else {
                    failures.push(format!("cannot read {}", file.display()));
                    continue;
                };
                ran += 1;
                if catch_unwind(AssertUnwindSafe(|| target(&data))).is_err() {
                    failures.push(format!("{name}: {} panicked", file.display()));
                }
            }
        }
    }
    assert!(ran >= 30, "only {ran} inputs: the corpus is missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
