//! The web half: the WebAssembly bindings (`www/pkg`), the Vite app (`www/dist`), serving
//! it, the static site (`dist/`) and the JavaScript and browser tests.

use std::env;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use crate::sizes::{self, Sizes, WASM_GZIP_BUDGET};
use crate::{Runner, TaskError, WASM_TARGET, examples};

/// The time zones the WebAssembly module ships, as a regular expression over IANA names
/// (chrono-tz's `CHRONO_TZ_TIMEZONE_FILTER`). Every zone left out is a zone a workflow
/// opened in the browser cannot use (it gets a clear "not in this build" error); every zone
/// kept costs about 1.4 KB gzipped, and a page with one widget has a 200 KB budget of which
/// its module takes most. The command-line tool and the Rust library carry every zone.
pub const TZ_FILTER: &str = r"^(UTC|America/(New_York|Chicago|Denver|Los_Angeles|Toronto)|Europe/(London|Berlin)|Asia/Kolkata|Australia/Sydney)$";

/// The bindings crate and the cargo profile it is built with.
const WASM_CRATE: &str = "flowdrill-wasm";
const WASM_PROFILE: &str = "wasm-release";
/// The file the crate compiles to and the one wasm-bindgen writes.
const WASM_ARTIFACT: &str = "flowdrill_wasm.wasm";

/// One WebAssembly module the bindings crate is built into.
struct WasmModule {
    /// The name wasm-bindgen writes it under (`NAME.js`, `NAME_bg.wasm`, `NAME.d.ts`).
    name: &'static str,
    /// The crate features it is built with.
    features: &'static str,
    /// What a page loads it for.
    what: &'static str,
}

/// The modules: the app's (loaded by every page of the app), the widget's two small ones
/// (one for its view mode, one for its assistant mode, so that a page with one widget
/// downloads only what that widget runs), and the drill's (loaded when a drill opens), each
/// under the same gzip budget.
const MODULES: [WasmModule; 4] = [
    WasmModule {
        name: "flowdrill_wasm",
        features: "app",
        what: "designer, routes and simulator",
    },
    WasmModule {
        name: "flowdrill_view",
        features: "view",
        what: "the widget's view: load, check, lay out",
    },
    WasmModule {
        name: "flowdrill_assist",
        features: "assist",
        what: "the widget's assistant: load, check, route at an instant, deadlines",
    },
    WasmModule {
        name: "flowdrill_drill",
        features: "drill",
        what: "fire drills, loaded when a drill opens",
    },
];

/// The npm project, what wasm-bindgen writes into it and what Vite builds from it.
const WWW: &str = "www";
const PKG: &str = "www/pkg";
const WWW_DIST: &str = "www/dist";
/// What `npm run build:widget` writes: the embeddable element and its modules.
const WIDGET_DIST: &str = "www/dist-widget";
/// The static site `cargo xtask dist` leaves at the workspace root.
const DIST: &str = "dist";

/// The wasm-opt passes run: dead code, unused module elements, duplicate functions, dead
/// arguments, and a local order that compresses better. Chosen by measuring the gzipped
/// view module: the last three save 0.7 KB; `-Oz` shrinks the raw module but adds 17 KB
/// gzipped, and `--reorder-functions` adds 10 KB (gzip's window sees fewer similar
/// functions).
const WASM_OPT_PASSES: &[&str] = &[
    "--dce",
    "--vacuum",
    "--remove-unused-module-elements",
    "--duplicate-function-elimination",
    "--dae-optimizing",
    "--reorder-locals",
    "--remove-unused-brs",
];

/// The WebAssembly features rustc uses by default for wasm32-unknown-unknown, which
/// wasm-opt must be told about (the module carries no `target_features` section).
const WASM_OPT_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Where `vite preview` serves `www/dist` (see `www/package.json` and `www/vite.config.ts`).
pub const PREVIEW_URL: &str = "http://127.0.0.1:8080/";

/// The browser the browser tests drive (Debian's Chromium; `tests/browser/run.mjs` uses it).
const CHROMIUM: &str = "/usr/bin/chromium";
/// The browser tests' runner, relative to `www`.
const BROWSER_RUNNER: &str = "tests/browser/run.mjs";

/// The exact version `wasm-bindgen = "=X.Y.Z"` pins in a Cargo.toml (the workspace's
/// `[workspace.dependencies]`); the CLI must be the same version.
pub fn pinned_wasm_bindgen(cargo_toml: &str) -> Result<String, String> {
    for line in cargo_toml.lines() {
        let line = line.trim();
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() != "wasm-bindgen" {
            continue;
        }
        let value = value.trim();
        // `"=0.2.130"` or `{ version = "=0.2.130", ... }`.
        let requirement = if let Some(table) = value.strip_prefix('{') {
            table
                .split(',')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| k.trim() == "version")
                .map(|(_, v)| v.trim())
                .unwrap_or("")
        } else {
            value
        };
        let requirement = requirement
            .split('#')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        let Some(version) = requirement.strip_prefix('=') else {
            return Err(format!(
                "wasm-bindgen must be pinned exactly (\"=X.Y.Z\") in Cargo.toml, found {requirement:?}"
            ));
        };
        let version = version.trim();
        let well_formed = version.split('.').count() == 3
            && version
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        return if well_formed {
            Ok(version.to_string())
        } else {
            Err(format!(
                "cannot read the wasm-bindgen version {version:?} in Cargo.toml"
            ))
        };
    }
    Err("Cargo.toml has no `wasm-bindgen = \"=X.Y.Z\"` dependency".into())
}

/// The version in `wasm-bindgen --version`'s answer (`wasm-bindgen 0.2.130`).
pub fn reported_version(output: &str) -> Option<&str> {
    let mut words = output.split_whitespace();
    (words.next()? == "wasm-bindgen").then_some(())?;
    words.next()
}

/// True when `npm ci` must run: no `node_modules`, no record of an install in it
/// (`node_modules/.package-lock.json`), or a `package-lock.json` changed since.
pub fn needs_npm_ci(lock: Option<SystemTime>, installed: Option<SystemTime>) -> bool {
    match (lock, installed) {
        (_, None) => true,
        (Some(lock), Some(installed)) => lock > installed,
        (None, Some(_)) => false,
    }
}

/// True when the environment variable `CI` says this is a CI run.
pub fn is_ci(value: Option<&OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// What to do about the browser tests.
#[derive(Debug, PartialEq, Eq)]
pub enum BrowserTests {
    Run,
    /// `www/tests/browser/run.mjs` does not exist yet.
    SkipNoRunner,
    /// No Chromium outside CI: a developer machine without a browser.
    SkipNoChromium,
    /// No Chromium in CI: a broken CI machine.
    FailNoChromium,
}

pub fn browser_tests(has_runner: bool, has_chromium: bool, ci: bool) -> BrowserTests {
    match (has_runner, has_chromium, ci) {
        (false, _, _) => BrowserTests::SkipNoRunner,
        (true, true, _) => BrowserTests::Run,
        (true, false, false) => BrowserTests::SkipNoChromium,
        (true, false, true) => BrowserTests::FailNoChromium,
    }
}

/// True for a file name vitest runs by default (`*.test.ts`, `*.spec.js`, ...).
pub fn is_unit_test_file(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    matches!(
        ext,
        "ts" | "tsx" | "js" | "jsx" | "mts" | "mjs" | "cts" | "cjs"
    ) && (stem.ends_with(".test") || stem.ends_with(".spec"))
}

/// The unit tests vitest would find in `www/src` and `www/tests` (not the browser tests).
fn has_unit_tests(www: &Path) -> bool {
    fn walk(dir: &Path, skip: &Path) -> bool {
        let Ok(entries) = fs::read_dir(dir) else {
            return false;
        };
        entries.flatten().any(|entry| {
            let path = entry.path();
            if path.is_dir() {
                path != skip && entry.file_name() != "node_modules" && walk(&path, skip)
            } else {
                is_unit_test_file(&entry.file_name().to_string_lossy())
            }
        })
    }
    let skip = www.join("tests").join("browser");
    walk(&www.join("src"), &skip) || walk(&www.join("tests"), &skip)
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The name npm is started by.
fn npm_program() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

/// The total size and number of the files under `dir`.
fn tree_size(dir: &Path) -> (u64, usize) {
    let Ok(entries) = fs::read_dir(dir) else {
        return (0, 0);
    };
    entries.flatten().fold((0, 0), |(bytes, files), entry| {
        let path = entry.path();
        if path.is_dir() {
            let (b, f) = tree_size(&path);
            (bytes + b, files + f)
        } else {
            let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
            (bytes + len, files + 1)
        }
    })
}

/// Copies the tree `from` to `to` (which must not exist).
fn copy_tree(from: &Path, to: &Path) -> Result<(), TaskError> {
    fs::create_dir_all(to).map_err(|e| TaskError::io("create", to, e))?;
    let entries = fs::read_dir(from).map_err(|source| TaskError::ReadDir {
        dir: from.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| TaskError::ReadDir {
            dir: from.to_path_buf(),
            source,
        })?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            fs::copy(&src, &dst).map_err(|e| TaskError::io("copy", &src, e))?;
        }
    }
    Ok(())
}

fn remove_dir(dir: &Path) -> Result<(), TaskError> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(TaskError::io("remove", dir, e)),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TaskError> {
    fs::read(path).map_err(|e| TaskError::io("read", path, e))
}

impl Runner {
    fn www(&self) -> PathBuf {
        self.root.join(WWW)
    }

    /// `npm <args>` in `www`.
    fn npm(&self, args: &[&str]) -> Command {
        let mut c = Command::new(npm_program());
        c.args(args).current_dir(self.www());
        c
    }

    /// The cargo target directory (`CARGO_TARGET_DIR` or `target`), relative to the
    /// workspace root when it is inside it.
    fn target_dir(&self) -> PathBuf {
        let dir = env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("target"));
        let absolute = self.root.join(&dir);
        absolute
            .strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or(absolute)
    }

    /// Adds the wasm32 target with rustup when it is missing.
    pub(crate) fn ensure_wasm_target(&self) -> Result<(), TaskError> {
        if !self.has_rustup() {
            println!("==> rustup not found; assuming the {WASM_TARGET} target is installed");
        } else if !self.wasm_target_installed() {
            let mut c = Command::new("rustup");
            c.args(["target", "add", WASM_TARGET]);
            self.step("add wasm target", c)?;
        }
        Ok(())
    }

    /// The version `program --version` reports, if it runs.
    fn wasm_bindgen_version(&self, program: &OsStr) -> Option<String> {
        let output = Command::new(program)
            .arg("--version")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&output.stdout);
        output
            .status
            .success()
            .then(|| reported_version(&text).map(str::to_string))
            .flatten()
    }

    /// `wasm-bindgen` on PATH, then the one `cargo install` puts in `$CARGO_HOME/bin`.
    fn wasm_bindgen_candidates(&self) -> Vec<OsString> {
        let exe = format!("wasm-bindgen{}", env::consts::EXE_SUFFIX);
        let mut candidates = vec![OsString::from("wasm-bindgen")];
        let cargo_home = env::var_os("CARGO_HOME").map(PathBuf::from).or_else(|| {
            env::var_os("HOME")
                .or_else(|| env::var_os("USERPROFILE"))
                .map(|h| PathBuf::from(h).join(".cargo"))
        });
        if let Some(home) = cargo_home {
            candidates.push(home.join("bin").join(exe).into_os_string());
        }
        candidates
    }

    /// The first candidate that reports `version`, and what the others reported.
    fn find_wasm_bindgen(&self, version: &str) -> Result<OsString, Vec<String>> {
        let mut found = Vec::new();
        for program in self.wasm_bindgen_candidates() {
            match self.wasm_bindgen_version(&program) {
                Some(v) if v == version => return Ok(program),
                Some(v) => found.push(format!("{} is {v}", program.to_string_lossy())),
                None => {}
            }
        }
        Err(found)
    }

    /// A wasm-bindgen CLI of exactly the version Cargo.toml pins, installed with
    /// `cargo install` when missing or different.
    fn ensure_wasm_bindgen(&self) -> Result<OsString, TaskError> {
        let manifest = self.root.join("Cargo.toml");
        let text =
            fs::read_to_string(&manifest).map_err(|e| TaskError::io("read", &manifest, e))?;
        let version = pinned_wasm_bindgen(&text).map_err(TaskError::Other)?;
        let found = match self.find_wasm_bindgen(&version) {
            Ok(program) => {
                println!("==> wasm-bindgen {version} found");
                return Ok(program);
            }
            Err(found) => found,
        };
        if found.is_empty() {
            println!("==> wasm-bindgen {version} is not installed; installing it (a few minutes)");
        } else {
            println!(
                "==> Cargo.toml pins wasm-bindgen {version} but {}; installing {version}",
                found.join(", ")
            );
        }
        let c = self.cargo(&["install", "wasm-bindgen-cli", "--version", &version]);
        self.step("install wasm-bindgen-cli", c)?;
        self.find_wasm_bindgen(&version).map_err(|_| {
            TaskError::Other(format!(
                "wasm-bindgen-cli {version} was installed, but neither `wasm-bindgen` on PATH \
                 nor $CARGO_HOME/bin/wasm-bindgen reports that version; put $CARGO_HOME/bin \
                 (usually ~/.cargo/bin) first on PATH"
            ))
        })
    }

    /// Runs `npm ci` in `www` when its dependencies are missing or out of date.
    pub(crate) fn ensure_node_modules(&self) -> Result<(), TaskError> {
        let www = self.www();
        let lock = modified(&www.join("package-lock.json"));
        let installed = modified(&www.join("node_modules").join(".package-lock.json"));
        if needs_npm_ci(lock, installed) {
            self.step("npm ci", self.npm(&["ci", "--no-audit", "--no-fund"]))
        } else {
            println!("==> www/node_modules is up to date with www/package-lock.json");
            Ok(())
        }
    }

    /// Builds the bindings into `www/pkg`, one module per entry of [`MODULES`]: cargo,
    /// wasm-bindgen, wasm-opt (kept only when it makes the gzipped module smaller); then the
    /// example library, and prints the sizes and the budget. Returns each module's file
    /// name and sizes; the budget is left to the caller to enforce.
    pub(crate) fn wasm(&self) -> Result<Vec<(String, Sizes)>, TaskError> {
        self.ensure_wasm_target()?;
        let wasm_bindgen = self.ensure_wasm_bindgen()?;
        self.ensure_node_modules()?;

        let pkg = self.root.join(PKG);
        remove_dir(&pkg)?;
        let artifact = self
            .target_dir()
            .join(WASM_TARGET)
            .join(WASM_PROFILE)
            .join(WASM_ARTIFACT);
        let mut built = Vec::new();
        for m in MODULES {
            let mut c = self.cargo(&[
                "build",
                "-p",
                WASM_CRATE,
                "--no-default-features",
                "--features",
                m.features,
                "--target",
                WASM_TARGET,
                "--profile",
                WASM_PROFILE,
            ]);
            c.env("CHRONO_TZ_TIMEZONE_FILTER", TZ_FILTER);
            self.step(&format!("bindings build ({})", m.name), c)?;
            // The artifact is overwritten by the next build: bind it now.
            let mut c = Command::new(&wasm_bindgen);
            c.args(["--target", "web", "--out-dir", PKG, "--out-name", m.name])
                .arg(&artifact);
            self.step(&format!("wasm-bindgen ({})", m.name), c)?;
            let module = pkg.join(format!("{}_bg.wasm", m.name));
            let wasm = self.wasm_opt(&module)?;
            built.push((m, module, wasm));
        }

        let n = examples::generate(&self.root)?;
        println!(
            "==> {n} examples copied to {}/ with an index.json",
            examples::OUT_DIR
        );

        println!("==> sizes in {PKG}/ (gzip level 9, brotli quality 11)");
        let mut files = Vec::new();
        for (m, module, wasm) in &built {
            let glue = pkg.join(format!("{}.js", m.name));
            files.push((module.clone(), *wasm));
            files.push((glue.clone(), Sizes::of(&read(&glue)?)));
        }
        let paths: Vec<&Path> = files.iter().map(|(p, _)| p.as_path()).collect();
        let brotli = sizes::brotli_lens(&paths);
        for (i, (path, s)) in files.iter().enumerate() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            let br = match &brotli {
                Some(b) => format!("{:>10} brotli", sizes::human(b[i])),
                None => "     (brotli needs node)".into(),
            };
            println!(
                "    {name:<26} {:>10} raw {:>10} gzip {br}   ({} / {} bytes)",
                sizes::human(s.raw),
                sizes::human(s.gzip),
                s.raw,
                s.gzip
            );
        }
        let mut out = Vec::new();
        for (m, _, wasm) in built {
            let name = format!("{}_bg.wasm", m.name);
            println!(
                "==> {} ({})",
                sizes::budget_line(&name, wasm.gzip, WASM_GZIP_BUDGET),
                m.what
            );
            out.push((name, wasm));
        }
        Ok(out)
    }

    /// Runs `wasm-opt` on `module` and keeps the result only when it is smaller gzipped.
    /// Measured on this module, `-Oz` shrinks the raw size by 10 % but grows the gzipped size
    /// by 12 %, so only the passes that drop dead and duplicate code run (they save a few KB
    /// gzipped). Returns the sizes of the module kept.
    fn wasm_opt(&self, module: &Path) -> Result<Sizes, TaskError> {
        let tool = self
            .www()
            .join("node_modules")
            .join(".bin")
            .join(if cfg!(windows) {
                "wasm-opt.cmd"
            } else {
                "wasm-opt"
            });
        let scratch = self.root.join(self.target_dir()).join("xtask");
        fs::create_dir_all(&scratch).map_err(|e| TaskError::io("create", &scratch, e))?;
        let optimized = scratch.join("flowdrill_wasm_bg.opt.wasm");

        let shown = |p: &Path| p.strip_prefix(&self.root).unwrap_or(p).to_path_buf();
        let mut c = Command::new(&tool);
        c.args(WASM_OPT_PASSES)
            .args(WASM_OPT_FEATURES)
            .arg(shown(module))
            .arg("-o")
            .arg(shown(&optimized));
        self.step("wasm-opt", c)?;

        let input = Sizes::of(&read(module)?);
        let output = Sizes::of(&read(&optimized)?);
        let keep_output = output.gzip < input.gzip;
        println!(
            "==> wasm-opt: {} raw / {} gzip before, {} raw / {} gzip after: keeping {}",
            sizes::human(input.raw),
            sizes::human(input.gzip),
            sizes::human(output.raw),
            sizes::human(output.gzip),
            if keep_output {
                "the optimized module"
            } else {
                "wasm-bindgen's module (wasm-opt's is not smaller gzipped)"
            }
        );
        if keep_output {
            fs::copy(&optimized, module).map_err(|e| TaskError::io("copy", &optimized, e))?;
        }
        let _ = fs::remove_file(&optimized);
        Ok(if keep_output { output } else { input })
    }

    /// Fails unless `www/index.html` exists, naming what is missing.
    fn require_index_html(&self) -> Result<(), TaskError> {
        if self.www().join("index.html").is_file() {
            Ok(())
        } else {
            Err(TaskError::Other(
                "www/index.html does not exist: the web app has no entry page to build".into(),
            ))
        }
    }

    /// `vite build`: `www` (with `www/pkg`) into `www/dist`.
    fn vite_build(&self) -> Result<(), TaskError> {
        self.require_index_html()?;
        self.step("vite build", self.npm(&["run", "build"]))
    }

    /// `npm run build:widget`: the `<flow-drill>` element into `www/dist-widget`.
    fn widget_build(&self) -> Result<(), TaskError> {
        self.step("widget build", self.npm(&["run", "build:widget"]))
    }

    /// The widget as a folder to drop into any site (`dist/widget/`) and as an npm package
    /// (`dist/npm/`, with the `package.json` the widget build writes, whose `exports` name
    /// the element and its types).
    fn widget_dist(&self, dist: &Path) -> Result<(), TaskError> {
        let built = self.root.join(WIDGET_DIST);
        let drop_in = dist.join("widget");
        copy_tree(&built, &drop_in)?;
        // The build writes the package's package.json; the drop-in folder has no use for it.
        let manifest = drop_in.join("package.json");
        fs::remove_file(&manifest).map_err(|e| TaskError::io("remove", &manifest, e))?;
        copy_tree(&built, &dist.join("npm"))?;
        let (bytes, files) = tree_size(&drop_in);
        println!(
            "==> {DIST}/widget/: the drop-in <flow-drill> element, {files} files, {}; \
             {DIST}/npm/: the same as an npm package",
            sizes::human(bytes)
        );
        Ok(())
    }

    /// `wasm`, the budget, then `vite build`.
    pub(crate) fn build(&self) -> Result<(), TaskError> {
        let modules = self.wasm()?;
        sizes::check_budgets(&modules, WASM_GZIP_BUDGET)?;
        self.vite_build()
    }

    /// Builds, then serves `www/dist` with `flowdrill serve` (the app, and team drills
    /// hosted for this computer) until stopped. A module over its size budget is only a
    /// warning here: the budget is for shipping, not for looking.
    pub(crate) fn serve(&self) -> Result<(), TaskError> {
        let modules = self.wasm()?;
        if let Err(e) = sizes::check_budgets(&modules, WASM_GZIP_BUDGET) {
            println!(
                "==> warning: {e}\n==> serving anyway; `cargo xtask build` and `dist` fail on this"
            );
        }
        self.vite_build()?;
        println!("==> serving {WWW_DIST} on {PREVIEW_URL} with `flowdrill serve` (Ctrl-C stops)");
        let serve = self.cargo(&[
            "run",
            "--release",
            "-p",
            "flowdrill-cli",
            "--",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "8080",
            "--www",
            WWW_DIST,
        ]);
        self.step("serve", serve)
    }

    /// Builds, then copies `www/dist` to `dist/` at the workspace root.
    pub(crate) fn dist(&self) -> Result<(), TaskError> {
        self.build()?;
        self.widget_build()?;
        let (from, to) = (self.root.join(WWW_DIST), self.root.join(DIST));
        remove_dir(&to)?;
        copy_tree(&from, &to)?;
        self.widget_dist(&to)?;
        let (bytes, files) = tree_size(&to);
        let module = to.join("assets");
        let wasm_files = fs::read_dir(&module)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "wasm"))
                    .count()
            })
            .unwrap_or(0);
        println!(
            "==> {DIST}/: {files} files, {} ({wasm_files} WebAssembly module{}); \
             a static site any web server can host from any path",
            sizes::human(bytes),
            if wasm_files == 1 { "" } else { "s" }
        );
        Ok(())
    }

    /// The web part of `cargo xtask test`: the bindings, the TypeScript check, the unit
    /// tests, the Vite build and the browser tests. A module over its size budget fails the
    /// run at the end, so that every other result is seen first.
    pub(crate) fn test_web(&self) -> Result<(), TaskError> {
        let modules = self.wasm()?;
        let over_budget = sizes::check_budgets(&modules, WASM_GZIP_BUDGET).err();
        let www = self.www();

        self.step("typecheck", self.npm(&["run", "typecheck"]))?;

        if has_unit_tests(&www) {
            self.step("unit tests", self.npm(&["test"]))?;
        } else {
            println!("==> no *.test.ts in www/src or www/tests yet; skipping `npm test`");
        }

        let built = if www.join("index.html").is_file() {
            self.vite_build()?;
            self.widget_build()?;
            true
        } else {
            println!("==> no www/index.html yet; skipping `npm run build`");
            false
        };

        let chromium = Path::new(CHROMIUM);
        let plan = browser_tests(
            www.join(BROWSER_RUNNER).is_file(),
            chromium.is_file(),
            is_ci(env::var_os("CI").as_deref()),
        );
        match plan {
            BrowserTests::Run if !built => {
                return Err(TaskError::Other(
                    "the browser tests need the built app, and www/index.html does not exist"
                        .into(),
                ));
            }
            BrowserTests::Run => {
                self.step("browser tests", self.npm(&["run", "test:browser"]))?;
            }
            BrowserTests::SkipNoRunner => {
                println!("==> no www/{BROWSER_RUNNER} yet; skipping the browser tests");
            }
            BrowserTests::SkipNoChromium => println!(
                "==> {} not found; skipping the browser tests (install it with \
                 `apt-get install -y chromium`; with CI set this is an error)",
                chromium.display()
            ),
            BrowserTests::FailNoChromium => {
                return Err(TaskError::Other(format!(
                    "the browser tests need Chromium at {} and CI is set: install it with \
                     `apt-get install -y chromium` (.ci/run does when it is missing)",
                    chromium.display()
                )));
            }
        }

        match over_budget {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::time::Duration;

    #[test]
    fn the_pinned_version_is_read_from_the_workspace_manifest() {
        let toml = "\
[workspace.dependencies]
# The wasm-bindgen crate and the wasm-bindgen CLI that xtask installs must match exactly.
serde-wasm-bindgen = \"0.6\"
wasm-bindgen = \"=0.2.130\"
js-sys = \"0.3\"
";
        assert_eq!(pinned_wasm_bindgen(toml).as_deref(), Ok("0.2.130"));
        assert_eq!(
            pinned_wasm_bindgen(
                "wasm-bindgen = { version = \"=0.2.99\", default-features = false }"
            )
            .as_deref(),
            Ok("0.2.99")
        );
        assert_eq!(
            pinned_wasm_bindgen("wasm-bindgen = \"=0.2.131\" # keep in step with the CLI")
                .as_deref(),
            Ok("0.2.131")
        );
    }

    #[test]
    fn a_loose_or_missing_pin_is_an_error() {
        assert!(pinned_wasm_bindgen("wasm-bindgen = \"0.2\"").is_err());
        assert!(pinned_wasm_bindgen("wasm-bindgen = \"=0.2\"").is_err());
        assert!(pinned_wasm_bindgen("serde-wasm-bindgen = \"=0.6.5\"").is_err());
        assert!(pinned_wasm_bindgen("").is_err());
    }

    #[test]
    fn the_workspace_pins_wasm_bindgen() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let version = pinned_wasm_bindgen(&text).unwrap();
        assert!(version.starts_with("0.2."), "{version}");
    }

    #[test]
    fn the_cli_version_is_read_from_its_answer() {
        assert_eq!(reported_version("wasm-bindgen 0.2.130\n"), Some("0.2.130"));
        assert_eq!(reported_version("wasm-opt version 123"), None);
        assert_eq!(reported_version(""), None);
    }

    #[test]
    fn npm_ci_runs_when_the_install_is_missing_or_older_than_the_lock() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let later = t + Duration::from_secs(1);
        assert!(needs_npm_ci(Some(t), None));
        assert!(needs_npm_ci(None, None));
        assert!(needs_npm_ci(Some(later), Some(t)));
        assert!(!needs_npm_ci(Some(t), Some(t)));
        assert!(!needs_npm_ci(Some(t), Some(later)));
        assert!(!needs_npm_ci(None, Some(t)));
    }

    #[test]
    fn ci_is_any_value_but_empty_zero_or_false() {
        assert!(is_ci(Some(OsStr::new("true"))));
        assert!(is_ci(Some(OsStr::new("1"))));
        assert!(!is_ci(Some(OsStr::new(""))));
        assert!(!is_ci(Some(OsStr::new("false"))));
        assert!(!is_ci(Some(OsStr::new("0"))));
        assert!(!is_ci(None));
    }

    #[test]
    fn browser_tests_skip_locally_and_fail_in_ci_without_chromium() {
        use BrowserTests::*;
        assert_eq!(browser_tests(true, true, false), Run);
        assert_eq!(browser_tests(true, true, true), Run);
        assert_eq!(browser_tests(true, false, false), SkipNoChromium);
        assert_eq!(browser_tests(true, false, true), FailNoChromium);
        assert_eq!(browser_tests(false, false, true), SkipNoRunner);
        assert_eq!(browser_tests(false, true, false), SkipNoRunner);
    }

    #[test]
    fn unit_test_files_are_recognised_by_name() {
        for yes in ["core.test.ts", "a.spec.js", "x.test.mts", "w.test.tsx"] {
            assert!(is_unit_test_file(yes), "{yes}");
        }
        for no in [
            "run.mjs",
            "test.ts",
            "main.ts",
            "latest.ts",
            "a.test.json",
            "test",
        ] {
            assert!(!is_unit_test_file(no), "{no}");
        }
    }

    #[test]
    fn trees_are_copied_and_measured() {
        let base = env::temp_dir().join(format!("xtask-tree-{}", std::process::id()));
        let (from, to) = (base.join("from"), base.join("to"));
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(from.join("assets")).unwrap();
        fs::write(from.join("index.html"), "<!doctype html>").unwrap();
        fs::write(from.join("assets").join("a.wasm"), [0u8; 100]).unwrap();
        copy_tree(&from, &to).unwrap();
        assert_eq!(tree_size(&to), (15 + 100, 2));
        assert_eq!(
            fs::read(to.join("assets").join("a.wasm")).unwrap(),
            [0u8; 100]
        );
        remove_dir(&to).unwrap();
        remove_dir(&to).unwrap(); // already gone: not an error
        assert_eq!(tree_size(&to), (0, 0));
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn the_time_zone_filter_is_one_anchored_regex() {
        assert!(TZ_FILTER.starts_with('^') && TZ_FILTER.ends_with('$'));
        assert!(TZ_FILTER.contains("UTC") && TZ_FILTER.contains("America"));
    }
}
