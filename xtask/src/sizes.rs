//! Sizes of build outputs: raw, gzip and (when Node.js is at hand) brotli, and the size
//! budget of the WebAssembly module.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::TaskError;

/// The most the gzipped WebAssembly module (`www/pkg/flowdrill_wasm_bg.wasm`) may weigh.
pub const WASM_GZIP_BUDGET: u64 = 300 * 1024;

/// The gzip size of `bytes` at the best compression level (what a server that
/// pre-compresses its files sends).
pub fn gzip_len(bytes: &[u8]) -> u64 {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    // Writing into a Vec cannot fail.
    encoder.write_all(bytes).expect("gzip into memory");
    encoder.finish().expect("gzip into memory").len() as u64
}

/// The brotli sizes (quality 11) of `files`, computed by Node.js's zlib; `None` when
/// `node` cannot be run or answers something unexpected. Brotli is informative only.
pub fn brotli_lens(files: &[&Path]) -> Option<Vec<u64>> {
    const SCRIPT: &str = "const z = require('zlib'), fs = require('fs');\
        for (const f of process.argv.slice(1)) {\
          const b = fs.readFileSync(f);\
          const p = { [z.constants.BROTLI_PARAM_QUALITY]: 11,\
                      [z.constants.BROTLI_PARAM_SIZE_HINT]: b.length };\
          console.log(z.brotliCompressSync(b, { params: p }).length);\
        }";
    let output = Command::new("node")
        .arg("-e")
        .arg(SCRIPT)
        .args(files)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let lens: Vec<u64> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.trim().parse().ok())
        .collect::<Option<_>>()?;
    (lens.len() == files.len()).then_some(lens)
}

/// The sizes of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
}

impl Sizes {
    pub fn of(bytes: &[u8]) -> Sizes {
        Sizes {
            raw: bytes.len() as u64,
            gzip: gzip_len(bytes),
        }
    }
}

/// A size for people: bytes below 1 KiB, else KiB or MiB with one decimal.
pub fn human(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.2} MiB", b / (KIB * KIB))
    }
}

/// Fails when the gzipped module is larger than the budget.
pub fn check_budget(module: &str, gzip: u64, budget: u64) -> Result<(), TaskError> {
    if gzip <= budget {
        Ok(())
    } else {
        Err(TaskError::OverBudget {
            module: module.to_string(),
            gzip,
            budget,
        })
    }
}

/// Fails on the first module larger than the budget (each module has the whole budget).
pub fn check_budgets(modules: &[(String, Sizes)], budget: u64) -> Result<(), TaskError> {
    modules
        .iter()
        .try_for_each(|(name, s)| check_budget(name, s.gzip, budget))
}

/// The one line that reports the module against its budget, whether it fits or not.
pub fn budget_line(module: &str, gzip: u64, budget: u64) -> String {
    if gzip <= budget {
        format!(
            "{module} is {} gzipped: within the {} budget ({} to spare)",
            human(gzip),
            human(budget),
            human(budget - gzip)
        )
    } else {
        format!(
            "{module} is {} gzipped: OVER the {} budget by {}",
            human(gzip),
            human(budget),
            human(gzip - budget)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_shrinks_repetitive_input_and_counts_the_header() {
        let zeros = vec![0u8; 100_000];
        let n = gzip_len(&zeros);
        assert!(n > 18 && n < 1_000, "{n}");
        // The empty input still has gzip's header and trailer.
        assert!(gzip_len(&[]) >= 18);
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human(0), "0 B");
        assert_eq!(human(1023), "1023 B");
        assert_eq!(human(1024), "1.0 KiB");
        assert_eq!(human(300 * 1024), "300.0 KiB");
        assert_eq!(human(419_129), "409.3 KiB");
        assert_eq!(human(1_825_185), "1.74 MiB");
    }

    #[test]
    fn the_budget_allows_up_to_and_including_its_limit() {
        assert!(check_budget("m", 0, WASM_GZIP_BUDGET).is_ok());
        assert!(check_budget("m", WASM_GZIP_BUDGET, WASM_GZIP_BUDGET).is_ok());
        let over = check_budget("m", WASM_GZIP_BUDGET + 1, WASM_GZIP_BUDGET);
        assert!(matches!(
            over,
            Err(TaskError::OverBudget { gzip, budget, .. })
                if gzip == WASM_GZIP_BUDGET + 1 && budget == WASM_GZIP_BUDGET
        ));
    }

    #[test]
    fn the_budget_is_reported_either_way() {
        assert_eq!(
            budget_line("flowdrill_wasm_bg.wasm", 200 * 1024, 300 * 1024),
            "flowdrill_wasm_bg.wasm is 200.0 KiB gzipped: within the 300.0 KiB budget \
             (100.0 KiB to spare)"
        );
        assert_eq!(
            budget_line("flowdrill_wasm_bg.wasm", 419_129, 300 * 1024),
            "flowdrill_wasm_bg.wasm is 409.3 KiB gzipped: OVER the 300.0 KiB budget by 109.3 KiB"
        );
        let e = check_budget("flowdrill_drill_bg.wasm", 419_129, 300 * 1024)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("flowdrill_drill_bg.wasm is 409.3 KiB") && e.contains("WASM_GZIP_BUDGET"),
            "{e}"
        );
        let ok = Sizes { raw: 1, gzip: 1 };
        let big = Sizes {
            raw: 1,
            gzip: 400 * 1024,
        };
        let modules = vec![("a".to_string(), ok), ("b".to_string(), big)];
        assert!(matches!(
            check_budgets(&modules, 300 * 1024),
            Err(TaskError::OverBudget { module, .. }) if module == "b"
        ));
        assert!(check_budgets(&modules[..1], 300 * 1024).is_ok());
    }
}
