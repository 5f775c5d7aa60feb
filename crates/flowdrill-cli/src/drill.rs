//! `flowdrill drill`: check drill scenarios and report recorded drills.

use std::fs;
use std::path::{Path, PathBuf};

use flowdrill_core::Workflow;
use flowdrill_core::drill::session::parse_actions;
use flowdrill_core::drill::{AfterAction, DrillScenario, Session, event_log_csv};

use crate::cli::{DrillCheckArgs, DrillFormat, DrillReportArgs};
use crate::error::CliError;
use crate::{Output, load};

fn read(path: &Path) -> Result<String, CliError> {
    crate::read_input(path)
}

/// Reads a drill scenario and the workflow it names (relative to the scenario file).
pub fn load_drill(path: &Path) -> Result<(Workflow, DrillScenario), CliError> {
    let file = path.display().to_string();
    let scenario = DrillScenario::from_json(&read(path)?)
        .map_err(|source| CliError::Parse { file, source })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let workflow: PathBuf = dir.join(&scenario.workflow);
    let w = load(&workflow)?;
    Ok((w, scenario))
}

/// A session of the scenario at `path`, with the log at `actions` replayed.
pub fn replay(path: &Path, actions: &Path) -> Result<Session, CliError> {
    let (w, scenario) = load_drill(path)?;
    let file = actions.display().to_string();
    let log = parse_actions(&read(actions)?).map_err(|source| CliError::Parse {
        file: file.clone(),
        source,
    })?;
    // An action that cannot be replayed is the log's error; anything else (a scenario that
    // does not fit its workflow) is the scenario file's.
    Session::replay(w, scenario, &log).map_err(|source| CliError::Drill {
        file: match source {
            flowdrill_core::drill::DrillError::Action { .. } => file,
            _ => path.display().to_string(),
        },
        source,
    })
}

pub(crate) fn check(args: &DrillCheckArgs) -> Result<Output, CliError> {
    let mut stdout = String::new();
    for path in &args.files {
        let (w, scenario) = load_drill(path)?;
        let (injects, title) = (scenario.injects.len(), scenario.title().to_string());
        Session::new(w, scenario).map_err(|source| CliError::Drill {
            file: path.display().to_string(),
            source,
        })?;
        stdout.push_str(&format!(
            "{}: ok ({}: {injects} injects)\n",
            crate::render::display(&path.display().to_string()),
            crate::render::display(&title)
        ));
    }
    Ok(Output { stdout, status: 0 })
}

pub(crate) fn report(args: &DrillReportArgs) -> Result<Output, CliError> {
    let session = replay(&args.scenario, &args.actions)?;
    let report = AfterAction::of(&session);
    let csv = event_log_csv(&session);
    if let Some(dir) = &args.out {
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            fs::write(&path, text).map_err(|source| CliError::Write {
                file: path.display().to_string(),
                source,
            })
        };
        fs::create_dir_all(dir).map_err(|source| CliError::Write {
            file: dir.display().to_string(),
            source,
        })?;
        write("report.md", &report.to_markdown())?;
        write("report.html", &report.to_html())?;
        write("report.json", &report.to_json())?;
        write("events.csv", &csv)?;
    }
    let stdout = match args.format {
        DrillFormat::Markdown => report.to_markdown(),
        DrillFormat::Html => report.to_html(),
        DrillFormat::Json => report.to_json(),
        DrillFormat::Csv => csv,
    };
    Ok(Output { stdout, status: 0 })
}
