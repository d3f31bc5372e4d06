//! The cost model against real interpreters.
//!
//! `tests/calibration/cases.toml` lists habits heaplint flags, each with the alternative its
//! help suggests. `tests/calibration/calibrate.py` ran both on every CPython it found and
//! committed what they allocated (`tests/calibration/results/<version>.json`). Here heaplint
//! lints each habit for that version, and its estimate, the habit's excess over the
//! alternative, must be within 25% of the measured excess wherever the figure is material
//! (4 KiB or more, or 50 allocations or more, on either side).
//!
//! A second test measures again, live, with the `python3` on `PATH`, so the committed
//! numbers cannot drift from what an interpreter really does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use heaplint::config::{RuleSelection, Settings, Thresholds};
use heaplint::model::{MATERIAL_ALLOCATIONS, MATERIAL_BYTES, Severity};
use heaplint::source::SourceFile;

mod common;
use common::code_blocks;

/// How far an estimate may be from the measurement, as a fraction of the measurement.
const TOLERANCE: f64 = 0.25;

#[derive(Deserialize)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    rule: String,
    habit: String,
    alternative: String,
    assume_iterations: Option<u64>,
}

#[derive(Deserialize)]
struct Results {
    python: String,
    cases: Vec<Measured>,
}

#[derive(Deserialize)]
struct Measured {
    name: String,
    habit: Figures,
    alternative: Figures,
}

#[derive(Deserialize, Clone, Copy)]
struct Figures {
    allocations: i64,
    allocated_bytes: i64,
    peak_bytes: i64,
}

impl Measured {
    fn excess(&self) -> Figures {
        Figures {
            allocations: self.habit.allocations - self.alternative.allocations,
            allocated_bytes: self.habit.allocated_bytes - self.alternative.allocated_bytes,
            peak_bytes: self.habit.peak_bytes - self.alternative.peak_bytes,
        }
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn manifest() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("tests/calibration/cases.toml"))
        .expect("tests/calibration/cases.toml");
    toml::from_str::<Manifest>(&text)
        .expect("cases.toml parses")
        .case
}

/// Every committed measurement file, by version (`3.8`, ..., `3.13`).
fn committed_results() -> BTreeMap<u8, Results> {
    let dir = root().join("tests/calibration/results");
    let mut results = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("results directory") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|ext| ext == "json") {
            let parsed = read_results(&path);
            results.insert(minor_of(&parsed.python), parsed);
        }
    }
    results
}

fn read_results(path: &Path) -> Results {
    let text = std::fs::read_to_string(path).expect("results file");
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// `12` for `"3.12.1"`.
fn minor_of(python: &str) -> u8 {
    python
        .split('.')
        .nth(1)
        .and_then(|minor| minor.parse().ok())
        .unwrap_or_else(|| panic!("a CPython 3 version: {python}"))
}

/// The Python source a case reference names: `rules/MEM201.md#flagged-1` is the first
/// ```` ```python flagged ```` block of that page; anything else is a file.
fn source_of(reference: &str) -> String {
    let (path, block) = match reference.split_once('#') {
        Some((path, block)) => (path, Some(block)),
        None => (reference, None),
    };
    let text = std::fs::read_to_string(root().join(path))
        .unwrap_or_else(|error| panic!("{path}: {error}"));
    let Some(block) = block else {
        return text;
    };
    let (tag, index) = block.rsplit_once('-').expect("`#flagged-N` or `#clean-N`");
    let index: usize = index.parse().expect("a block number");
    let info = format!("python {tag}");
    code_blocks(&text)
        .into_iter()
        .filter(|(block_info, _)| {
            block_info == &info || block_info.starts_with(&format!("{info} "))
        })
        .nth(index - 1)
        .map(|(_, code)| code)
        .unwrap_or_else(|| panic!("{reference}: no such block"))
}

fn settings(case: &Case, minor: u8) -> Settings {
    Settings {
        rules: RuleSelection::from_selectors(std::slice::from_ref(&case.rule), &[])
            .expect("a known rule"),
        target: format!("py3{minor}").parse().expect("a supported version"),
        assume_iterations: case.assume_iterations.unwrap_or(100),
        thresholds: Thresholds {
            show: Severity::Info,
            ..Thresholds::DEFAULT
        },
        ..Settings::default()
    }
}

/// heaplint's estimate for the case's habit: the findings of its rule together, bytes and
/// allocations added up, the peak the highest of them (they run one after another). No
/// finding is an estimate of nothing: heaplint reports no habit whose alternative the model
/// prices as no better (a small dict from the free lists, a specialised global load), and the
/// measurement must then find nothing material either.
fn predict(case: &Case, minor: u8) -> Figures {
    let settings = settings(case, minor);
    let check = |reference: &str| {
        heaplint::check_source(
            SourceFile::new(PathBuf::from(reference), source_of(reference)),
            &settings,
        )
    };
    let habit = check(&case.habit);
    assert!(habit.checked(), "{}: the habit parses", case.name);
    let costs: Vec<_> = habit
        .findings()
        .filter_map(|finding| finding.cost.as_ref())
        .collect();
    let alternative = check(&case.alternative);
    assert_eq!(
        alternative.findings().count(),
        0,
        "{}: heaplint flags the alternative",
        case.name
    );
    Figures {
        allocations: costs.iter().map(|cost| cost.excess.allocations).sum(),
        allocated_bytes: costs.iter().map(|cost| cost.excess.allocated_bytes).sum(),
        peak_bytes: costs
            .iter()
            .map(|cost| cost.excess.peak_bytes)
            .max()
            .unwrap_or_default(),
    }
}

/// The metrics of `predicted` that are material and more than [`TOLERANCE`] away from
/// `measured`, described.
fn disagreements(predicted: Figures, measured: Figures) -> Vec<String> {
    let metrics = [
        (
            "allocations",
            predicted.allocations,
            measured.allocations,
            MATERIAL_ALLOCATIONS,
        ),
        (
            "allocated_bytes",
            predicted.allocated_bytes,
            measured.allocated_bytes,
            MATERIAL_BYTES,
        ),
        (
            "peak_bytes",
            predicted.peak_bytes,
            measured.peak_bytes,
            MATERIAL_BYTES,
        ),
    ];
    metrics
        .into_iter()
        .filter(|(_, predicted, measured, material)| {
            let material = predicted.abs().max(measured.abs()) >= *material;
            let off = (predicted - measured).abs() as f64;
            material && off > TOLERANCE * measured.abs() as f64
        })
        .map(|(metric, predicted, measured, _)| {
            format!("{metric}: predicted {predicted}, measured {measured}")
        })
        .collect()
}

fn row(name: &str, python: &str, predicted: Figures, measured: Figures) -> String {
    format!(
        "| {name} | {python} | {} / {} | {} / {} | {} / {} |",
        predicted.allocations,
        measured.allocations,
        predicted.allocated_bytes,
        measured.allocated_bytes,
        predicted.peak_bytes,
        measured.peak_bytes,
    )
}

/// Compares every case measured in `results` with the model; returns the table rows and the
/// disagreements.
fn compare(cases: &[Case], results: &Results) -> (Vec<String>, Vec<String>) {
    let minor = minor_of(&results.python);
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for case in cases {
        let measured = results
            .cases
            .iter()
            .find(|measured| measured.name == case.name)
            .unwrap_or_else(|| panic!("{}: not measured on {}", case.name, results.python));
        let predicted = predict(case, minor);
        rows.push(row(
            &case.name,
            &results.python,
            predicted,
            measured.excess(),
        ));
        for problem in disagreements(predicted, measured.excess()) {
            failures.push(format!("{} on {}: {problem}", case.name, results.python));
        }
    }
    (rows, failures)
}

/// Prints the table of predicted against measured excess (`cargo test --test calibration --
/// --nocapture`) and fails on any material disagreement.
#[test]
fn estimates_match_committed_measurements() {
    let cases = manifest();
    let results = committed_results();
    assert!(
        (8..=13).all(|minor| results.contains_key(&minor)),
        "measurements for 3.8 to 3.13 are committed"
    );
    println!(
        "| case | CPython | allocations (predicted / measured) | allocated bytes | peak bytes |"
    );
    println!("|---|---|---|---|---|");
    let mut failures = Vec::new();
    for results in results.values() {
        let (rows, problems) = compare(&cases, results);
        for row in rows {
            println!("{row}");
        }
        failures.extend(problems);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn disagreement_needs_a_material_figure_off_by_a_quarter() {
    let figures = |allocations, allocated_bytes, peak_bytes| Figures {
        allocations,
        allocated_bytes,
        peak_bytes,
    };
    assert!(disagreements(figures(10, 100, 100), figures(40, 4000, 0)).is_empty());
    assert!(disagreements(figures(1000, 10_000, 0), figures(1240, 12_400, 0)).is_empty());
    assert_eq!(
        disagreements(figures(1000, -10_000, 0), figures(1000, 10_000, 0)).len(),
        1
    );
    assert_eq!(
        disagreements(figures(60, 0, 0), figures(0, 0, 0)),
        ["allocations: predicted 60, measured 0"]
    );
}

/// Set to skip [`live_measurement_agrees`] on a machine without CPython or a C compiler.
const SKIP_LIVE: &str = "HEAPLINT_SKIP_LIVE_CALIBRATION";

/// Measures every case again with the `python3` on `PATH` and checks the fresh figures both
/// against the committed ones for that version and against the model.
#[test]
fn live_measurement_agrees() {
    if std::env::var_os(SKIP_LIVE).is_some() {
        eprintln!("{SKIP_LIVE} is set: live calibration skipped");
        return;
    }
    let output_dir = tempfile::tempdir().expect("tempdir");
    let output = output_dir.path().join("live.json");
    let status = Command::new("python3")
        .arg(root().join("tests/calibration/calibrate.py"))
        .args(["--python", "python3", "--output"])
        .arg(&output)
        .current_dir(root())
        .status()
        .unwrap_or_else(|error| {
            panic!("cannot run python3 ({error}); install CPython 3.8+ or set {SKIP_LIVE}=1")
        });
    assert!(
        status.success(),
        "calibrate.py failed; it needs CPython 3.8+ with its headers and gcc (or set {SKIP_LIVE}=1)"
    );
    let live = read_results(&output);
    let cases = manifest();
    let (_, problems) = compare(&cases, &live);
    assert!(
        problems.is_empty(),
        "model vs live:\n{}",
        problems.join("\n")
    );
    let minor = minor_of(&live.python);
    let committed = committed_results();
    let Some(committed) = committed.get(&minor) else {
        // A version nobody committed figures for is still checked against the model above.
        return;
    };
    let mut drift = Vec::new();
    for fresh in &live.cases {
        let Some(old) = committed.cases.iter().find(|old| old.name == fresh.name) else {
            continue;
        };
        for problem in disagreements(fresh.excess(), old.excess()) {
            drift.push(format!("{}: {problem}", fresh.name));
        }
    }
    assert!(
        drift.is_empty(),
        "live {} vs committed {}:\n{}",
        live.python,
        committed.python,
        drift.join("\n")
    );
}
