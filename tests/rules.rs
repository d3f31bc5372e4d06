//! Every rule against its fixtures and its documentation.
//!
//! Fixtures are `tests/fixtures/<CODE>*.py`. A line that must be flagged ends with
//! `# expect: CODE` (repeated, comma-separated, once per finding); the findings must be exactly
//! those, so both a missed habit and a false positive fail. Findings of every severity count
//! (`--min-severity info`). A fixture whose first line is `# target-version: py310` is checked
//! for that version. The text and JSON output of the binary on each fixture are snapshotted.
//!
//! Each rule's page, `rules/<CODE>.md`, is user documentation and test data at once: every
//! ```` ```python flagged ```` example must be flagged by the rule, every
//! ```` ```python clean ```` example must not be.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

use heaplint::config::{RuleSelection, Settings, TargetVersion, Thresholds};
use heaplint::diagnostic::FileReport;
use heaplint::model::Severity;
use heaplint::rules::Rule;
use heaplint::source::SourceFile;

mod common;
use common::code_blocks;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Settings with only the rules matching `select` enabled, every finding shown.
fn settings_for(select: &str) -> Settings {
    Settings {
        rules: RuleSelection::from_selectors(&[select.to_string()], &[]).expect("known rule"),
        ..every_finding()
    }
}

/// The default settings, with findings of every severity shown.
fn every_finding() -> Settings {
    Settings {
        thresholds: Thresholds {
            show: Severity::Info,
            ..Thresholds::DEFAULT
        },
        ..Settings::default()
    }
}

/// The version a fixture's first line asks for, `# target-version: py310`.
fn fixture_target(text: &str) -> Option<&str> {
    text.lines()
        .next()?
        .strip_prefix("# target-version:")
        .map(str::trim)
}

/// Checks `text` as the file `name` with `settings`.
fn check_text(name: &str, text: &str, settings: &Settings) -> FileReport {
    heaplint::check_source(
        SourceFile::new(PathBuf::from(name), text.to_string()),
        settings,
    )
}

/// `(row, code)` of every finding, sorted.
fn found(report: &FileReport) -> Vec<(usize, String)> {
    let mut found: Vec<(usize, String)> = report
        .diagnostics
        .iter()
        .map(|d| {
            let code = d
                .rule
                .map_or_else(|| d.message.clone(), |rule| rule.code().to_string());
            (d.location.row, code)
        })
        .collect();
    found.sort();
    found
}

/// `(file name, rule code)` for every fixture.
fn fixtures() -> Vec<(String, String)> {
    let mut fixtures: Vec<(String, String)> = fs::read_dir(fixtures_dir())
        .expect("fixtures directory")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let code = name.strip_suffix(".py")?.split('_').next()?.to_string();
            Some((name, code))
        })
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 10, "one fixture per rule at least");
    fixtures
}

/// The `# expect:` annotations of a fixture as sorted `(row, code)` pairs.
fn expected(text: &str) -> Vec<(usize, String)> {
    let mut expected: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .flat_map(|(index, line)| {
            let codes = line.split_once("# expect:").map_or("", |(_, codes)| codes);
            codes
                .split(',')
                .map(str::trim)
                .filter(|code| !code.is_empty())
                .map(move |code| (index + 1, code.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    expected.sort();
    expected
}

/// With every rule on, each fixture gives exactly its annotated findings: a negative for one
/// rule must not trip another either, unless annotated as that rule's true positive.
#[test]
fn findings_are_exactly_the_expected_lines() {
    for (name, _) in fixtures() {
        let text = fs::read_to_string(fixtures_dir().join(&name)).expect("fixture");
        let mut settings = every_finding();
        if let Some(target) = fixture_target(&text) {
            settings.target = target.parse().expect("a known version");
        }
        let report = check_text(&name, &text, &settings);
        assert!(report.checked(), "{name} parses");
        assert_eq!(
            found(&report),
            expected(&text),
            "{name}: findings vs `# expect:` lines"
        );
    }
}

#[test]
fn every_rule_has_positive_and_negative_fixtures() {
    for rule in Rule::ALL {
        let fixtures: Vec<String> = fixtures()
            .into_iter()
            .filter(|(_, code)| code == rule.code())
            .map(|(name, _)| name)
            .collect();
        let texts: Vec<String> = fixtures
            .iter()
            .map(|name| fs::read_to_string(fixtures_dir().join(name)).expect("fixture"))
            .collect();
        let positives = texts
            .iter()
            .flat_map(|text| expected(text))
            .filter(|(_, code)| code == rule.code())
            .count();
        let unflagged_code_lines = texts
            .iter()
            .flat_map(|text| text.lines())
            .filter(|line| !line.contains("# expect:") && !line.trim().is_empty())
            .count();
        assert!(positives >= 3, "{}: positives", rule.code());
        assert!(unflagged_code_lines >= 5, "{}: negatives", rule.code());
    }
}

fn run(args: &[&str]) -> String {
    let output = Command::cargo_bin("heaplint")
        .expect("binary")
        .current_dir(fixtures_dir())
        .args(args)
        .output()
        .expect("runs");
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// Runs `check --select CODE --min-severity info` on a fixture, at its target version (the
/// default one unless it asks for another: the repository's own `requires-python` would
/// apply otherwise), with `format`'s arguments.
fn run_fixture(name: &str, code: &str, format: &[&str]) -> String {
    let text = fs::read_to_string(fixtures_dir().join(name)).expect("fixture");
    let default = TargetVersion::DEFAULT.to_string();
    let target = fixture_target(&text).unwrap_or(&default);
    let mut args = vec!["check", "--select", code, "--min-severity", "info"];
    args.extend(["--target-version", target]);
    args.extend(format);
    args.push(name);
    run(&args)
}

#[test]
fn text_output() {
    for (name, code) in fixtures() {
        let output = run_fixture(&name, &code, &[]);
        insta::assert_snapshot!(format!("text_{}", name.trim_end_matches(".py")), output);
    }
}

#[test]
fn json_output() {
    for (name, code) in fixtures() {
        let output = run_fixture(&name, &code, &["--output-format", "json"]);
        let value: serde_json::Value = serde_json::from_str(&output).expect("valid JSON");
        insta::assert_json_snapshot!(format!("json_{}", name.trim_end_matches(".py")), value);
    }
}

/// The same habit costs differently per version: module-level `+=` is resized in place on
/// 3.8 to 3.10 and copied from 3.11; the cost names the version it is for.
#[test]
fn costs_follow_the_target_version() {
    let costs = |version: &str| {
        let output = run(&[
            "check",
            "--select",
            "MEM201",
            "--output-format",
            "json",
            "--min-severity",
            "info",
            "--target-version",
            version,
            "MEM201.py",
        ]);
        let value: serde_json::Value = serde_json::from_str(&output).expect("valid JSON");
        value[0]["cost"].clone()
    };
    let old = costs("py310");
    let new = costs("py312");
    assert_eq!(old["python"], "3.10");
    assert_eq!(old["growth"], "O(n)");
    assert_eq!(new["python"], "3.12");
    assert_eq!(new["growth"], "O(n^2)");
}

/// Each rule's examples: ```` ```python flagged ```` must be flagged and ```` ```python clean
/// ```` must not, at the default target version or at the one a `target-version=py310` after
/// the label names.
#[test]
fn examples_are_flagged_or_clean_as_labelled() {
    for rule in Rule::ALL {
        let mut labelled = 0;
        for (info, code) in code_blocks(rule.documentation()) {
            let mut words = info.split_whitespace();
            let flagged = match (words.next(), words.next()) {
                (Some("python"), Some("flagged")) => true,
                (Some("python"), Some("clean")) => false,
                _ => panic!("{}: unlabelled example ```{info}", rule.code()),
            };
            let mut settings = settings_for(rule.code());
            for word in words {
                let target = word
                    .strip_prefix("target-version=")
                    .unwrap_or_else(|| panic!("{}: unknown label `{word}`", rule.code()));
                settings.target = target.parse().expect("a known version");
            }
            labelled += 1;
            let report = check_text("example.py", &code, &settings);
            assert!(report.checked(), "{}: example parses:\n{code}", rule.code());
            let findings = report.findings().count();
            if flagged {
                assert!(
                    findings > 0,
                    "{}: example should be flagged:\n{code}",
                    rule.code()
                );
            } else {
                assert_eq!(
                    findings,
                    0,
                    "{}: example should be clean:\n{code}",
                    rule.code()
                );
            }
        }
        assert!(
            labelled >= 2,
            "{}: at least one flagged and one clean example",
            rule.code()
        );
    }
}

#[test]
fn pages_have_the_expected_sections() {
    for rule in Rule::ALL {
        let page = rule.documentation();
        let title = format!("# {} `{}`", rule.code(), rule.name());
        assert!(page.starts_with(&title), "{}: title", rule.code());
        // In this order: what, why (with the reasoning behind it), example and the better
        // habit, how the cost is computed, and what the rule misses or may get wrong.
        let mut from = 0;
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead:",
            "## Cost model",
            "## Known limits",
        ] {
            let at = page[from..].find(section).map(|at| from + at);
            let at = at.unwrap_or_else(|| panic!("{}: `{section}`, in order", rule.code()));
            from = at + section.len();
        }
        let limits = &page[from..];
        assert!(
            limits.lines().filter(|line| line.starts_with("- ")).count() >= 2,
            "{}: Known limits lists at least two specific limits",
            rule.code()
        );
        assert!(
            !limits.contains("\n## "),
            "{}: Known limits is last",
            rule.code()
        );
    }
}
