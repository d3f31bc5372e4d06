//! The repository-wide pass over a fixture directory of several modules: calls reach their
//! definitions through absolute, aliased and relative imports and a package's re-exports,
//! and a finding is reported in the defining file only when every module's calls allow it.
//!
//! `tests/fixtures/repository/` holds a package and a script; lines that must be flagged end
//! with `# expect: CODE`, and the findings must be exactly those.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repository")
}

fn heaplint(args: &[&str]) -> String {
    let output = Command::cargo_bin("heaplint")
        .expect("binary")
        .current_dir(repository())
        .args(args)
        .output()
        .expect("runs");
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// `path:row: CODE` of every `# expect:` line under the fixture directory, sorted.
fn expected() -> Vec<String> {
    let mut expected = Vec::new();
    let mut pending = vec![repository()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).expect("fixture directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let text = fs::read_to_string(&path).expect("fixture");
            let relative = path.strip_prefix(repository()).expect("inside");
            for (index, line) in text.lines().enumerate() {
                if let Some((_, code)) = line.split_once("# expect: ") {
                    expected.push(format!(
                        "{}:{}: {}",
                        relative.display(),
                        index + 1,
                        code.trim()
                    ));
                }
            }
        }
    }
    expected.sort();
    expected
}

/// `path:row: CODE` of every finding in concise output, sorted.
fn found(concise: &str) -> Vec<String> {
    let mut found: Vec<String> = concise
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(4, ':');
            let (path, row, _column, rest) =
                (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            let code = rest.split_whitespace().next()?;
            Some(format!("{path}:{row}: {code}"))
        })
        .collect();
    found.sort();
    found
}

#[test]
fn findings_are_exactly_the_expected_lines() {
    let output = heaplint(&[
        "check",
        "--min-severity",
        "info",
        "--fail-on",
        "info",
        "--select",
        "MEM307,MEM503",
        "--output-format",
        "concise",
        ".",
    ]);
    assert_eq!(found(&output), expected(), "{output}");
    insta::assert_snapshot!("repository_concise", output);
}

/// One module alone is a repository of its own: its functions' callers elsewhere are not
/// seen, so nothing is reported.
#[test]
fn a_file_alone_sees_only_its_own_calls() {
    let output = heaplint(&[
        "check",
        "--min-severity",
        "info",
        "--fail-on",
        "info",
        "--select",
        "MEM307,MEM503",
        "--output-format",
        "concise",
        "pkg/lists.py",
        "pkg/shapes.py",
    ]);
    assert_eq!(found(&output), Vec::<String>::new(), "{output}");
}

/// A `# noqa` on the definition silences a repository-wide finding like any other, and the
/// JSON output carries the cost of the defining file's target version.
#[test]
fn noqa_and_target_version_apply_to_repository_findings() {
    let dir = tempfile::tempdir().expect("temporary directory");
    fs::write(
        dir.path().join("shapes.py"),
        "class Point:  # noqa: MEM503\n    def __init__(self, x):\n        self.x = x\n\n\nclass Size:\n    def __init__(self, w):\n        self.w = w\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("use.py"),
        "from shapes import Point, Size\n\nkept = []\nfor i in range(1000):\n    kept.append((Point(i), Size(i)))\n",
    )
    .expect("write");
    let output = Command::cargo_bin("heaplint")
        .expect("binary")
        .current_dir(dir.path())
        .args([
            "check",
            "--min-severity",
            "info",
            "--fail-on",
            "info",
            "--isolated",
            "--select",
            "MEM503",
            "--target-version",
            "py38",
            "--output-format",
            "json",
            ".",
        ])
        .output()
        .expect("runs");
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let findings = value.as_array().expect("array");
    assert_eq!(findings.len(), 1, "{value}");
    assert_eq!(findings[0]["location"]["row"], 6);
    assert_eq!(findings[0]["cost"]["python"], "3.8");
    // 1000 instances of one attribute: 152 B with a dict, 40 B with slots, and 80 of the
    // 64 B dict objects come from the dict free list.
    assert_eq!(findings[0]["cost"]["allocated_bytes"], 112_000 - 80 * 64);
}
