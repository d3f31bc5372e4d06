//! The command line end to end: exit codes, rule selection, output formats and which files a
//! walk finds. Bad input that must be reported without stopping the run is in
//! `tests/robustness.rs`.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

fn heaplint(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("heaplint").expect("binary");
    command.current_dir(dir);
    command
}

/// heaplint `check` showing every finding and failing on any, for tests about findings.
fn every_finding(dir: &Path) -> Command {
    let mut command = heaplint(dir);
    command.args(["check", "--min-severity", "info", "--fail-on", "info"]);
    command
}

fn write(dir: &Path, path: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, contents).expect("write");
}

/// The parsed JSON output of a run.
fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let output = every_finding(dir)
        .args(["--output-format", "json"])
        .args(args)
        .output()
        .expect("runs");
    serde_json::from_slice(&output.stdout).expect("valid JSON")
}

/// The concise lines of a run, totals excluded.
fn concise(dir: &Path, args: &[&str]) -> (Vec<String>, i32) {
    let output = every_finding(dir)
        .args(["--output-format", "concise"])
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let lines = stdout
        .lines()
        .filter(|line| line.contains(": "))
        .map(str::to_string)
        .collect();
    (lines, output.status.code().unwrap_or(-1))
}

/// The file each concise line of a run reports on, in the order printed: one per finding.
fn reported_files(dir: &Path, args: &[&str]) -> Vec<String> {
    let (lines, _) = concise(dir, args);
    lines
        .iter()
        .map(|line| line.split(':').next().unwrap_or_default().to_string())
        .collect()
}

const HABIT: &str = "def f(x):\n    return x == None\n";
const CLEAN: &str = "def f(x):\n    return x is None\n";

#[test]
fn exit_codes() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "clean.py", CLEAN);
    write(dir.path(), "habit.py", HABIT);
    assert_eq!(concise(dir.path(), &["clean.py"]).1, 0);
    assert_eq!(concise(dir.path(), &["habit.py"]).1, 1);
    assert_eq!(concise(dir.path(), &["--exit-zero", "habit.py"]).1, 0);
    every_finding(dir.path())
        .args(["--select", "E501", "."])
        .assert()
        .code(2);
    every_finding(dir.path())
        .args(["--target-version", "py37", "."])
        .assert()
        .code(2);
    every_finding(dir.path())
        .args(["--assume-iterations", "0", "."])
        .assert()
        .code(2);
    heaplint(dir.path()).args(["frobnicate"]).assert().code(2);
}

/// A quadratic habit over data the code does not bound: a warning.
const WARNING: &str =
    "def f(self, lines):\n    for line in lines:\n        self.text += line + \"\\n\"\n";

/// The stdout and exit code of a run with exactly `args` after `check`.
fn run(dir: &Path, args: &[&str]) -> (String, i32) {
    let output = heaplint(dir)
        .arg("check")
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    (stdout, output.status.code().unwrap_or(-1))
}

/// A loop over what the program's own text bounds (a function's `*args`, a class hierarchy,
/// a record type's fields) is not one over data: a quadratic habit across it stays `info`,
/// and the assumption says what bounds it. A loop over a parameter is a warning.
#[test]
fn loops_bounded_by_the_program_are_not_data() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "bounded.py",
        "def names(*parts):\n    text = ''\n    for part in parts:\n        text += part + '.'\n    return text\n\n\ndef parameters(cls):\n    found = []\n    for base in cls.__mro__:\n        found = list(base._parameters_) + found\n    return found\n\n\ndef units(self):\n    result = ()\n    for name in self.dtype.names:\n        result += (self[name].unit,)\n    return result\n\n\ndef lines(rows):\n    result = ()\n    for row in rows:\n        result += (row,)\n    return result\n\n\nclass Meta(type):\n    def __new__(mcls, name, bases, members):\n        names = []\n        for base in bases:\n            names = list(base._parameters_) + names\n        return super().__new__(mcls, name, bases, members)\n",
    );
    let value = json(dir.path(), &["bounded.py"]);
    let findings: Vec<(u64, &str, &str)> = value
        .as_array()
        .expect("an array")
        .iter()
        .map(|finding| {
            (
                finding["location"]["row"].as_u64().unwrap_or_default(),
                finding["severity"].as_str().unwrap_or_default(),
                finding["cost"]["assumptions"][0]["what"]
                    .as_str()
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            (
                4,
                "info",
                "the loop over `parts`, as many as its callers write out"
            ),
            (
                11,
                "info",
                "the loop over `cls.__mro__`, as many as the classes of a hierarchy the program defines"
            ),
            (
                18,
                "info",
                "the loop over `self.dtype.names`, as many as the fields of a record type the program defines"
            ),
            (25, "warning", "the loop over `rows`"),
            (
                33,
                "info",
                "the loop over `bases`, as many as the classes of a hierarchy the program defines"
            ),
        ]
    );
}

/// Test code runs on inputs it writes itself: a finding there is `info` by its cost (so not
/// shown or failing by default), but a rule's floor still holds; the same code in the library
/// is a warning. Directories above the project root do not make a file test code.
#[test]
fn findings_in_test_code_are_info_unless_their_rule_says_more() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path().join("tests").join("project");
    write(&root, "pyproject.toml", "[project]\nname = \"p\"\n");
    write(&root, "pkg/lines.py", WARNING);
    write(&root, "tests/test_lines.py", WARNING);
    write(&root, "pkg/testing/lines.py", WARNING);
    write(
        &root,
        "test_identity.py",
        "def test(x):\n    assert x is \"css\"\n",
    );
    let (stdout, code) = run(&root, &["--output-format", "concise", "."]);
    assert_eq!(code, 1, "{stdout}");
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains(": MEM"))
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with("pkg/lines.py:3:9: MEM201"), "{stdout}");
    assert!(
        lines[1].starts_with("test_identity.py:2:12: MEM103"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 findings below the least severity shown"),
        "{stdout}"
    );
    let value: serde_json::Value = serde_json::from_str(
        &run(
            &root,
            &["--output-format", "json", "--min-severity", "info", "."],
        )
        .0,
    )
    .expect("JSON");
    let severities: Vec<(&str, &str)> = value
        .as_array()
        .expect("an array")
        .iter()
        .map(|finding| {
            (
                finding["filename"].as_str().unwrap_or_default(),
                finding["severity"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        severities.contains(&("tests/test_lines.py", "info")),
        "{severities:?}"
    );
    assert!(
        severities.contains(&("pkg/testing/lines.py", "info")),
        "{severities:?}"
    );
    assert!(
        severities.contains(&("pkg/lines.py", "warning")),
        "{severities:?}"
    );
    // `test-code` replaces the naming: here only `pkg/lines.py` is test code.
    write(
        &root,
        "pyproject.toml",
        "[project]\nname = \"p\"\n\n[tool.heaplint]\ntest-code = [\"pkg/lines.py\"]\n",
    );
    let (stdout, _) = run(&root, &["--output-format", "concise", "."]);
    let shown: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.split_once(':').map(|(file, _)| file))
        .filter(|file| file.ends_with(".py"))
        .collect();
    assert_eq!(
        shown,
        [
            "pkg/testing/lines.py",
            "test_identity.py",
            "tests/test_lines.py"
        ],
        "{stdout}"
    );
}

/// By default a run shows, and fails on, warnings and errors: a zero-cost hint is counted in
/// the closing line and shown with `--min-severity info`; `--fail-on` moves the bar.
#[test]
fn default_thresholds_show_and_fail_on_warnings() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "hint.py", HABIT);
    write(root, "costly.py", WARNING);
    let (stdout, code) = run(root, &["--output-format", "concise", "hint.py"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        stdout,
        "No findings. 1 finding below the least severity shown (`--min-severity`).\n"
    );
    let (stdout, code) = run(
        root,
        &[
            "--output-format",
            "concise",
            "--min-severity",
            "info",
            "hint.py",
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("hint.py:2:12: MEM101"), "{stdout}");
    let (_, code) = run(
        root,
        &["--min-severity", "info", "--fail-on", "info", "hint.py"],
    );
    assert_eq!(code, 1);
    // `--fail-on` counts what is shown only.
    let (_, code) = run(root, &["--fail-on", "info", "hint.py"]);
    assert_eq!(code, 0);
    let (stdout, code) = run(root, &["--output-format", "concise", "costly.py"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("costly.py:3:9: MEM201"), "{stdout}");
    let (_, code) = run(root, &["--fail-on", "error", "costly.py"]);
    assert_eq!(code, 0);
    let (stdout, code) = run(root, &["--min-severity", "error", "costly.py"]);
    assert_eq!(code, 0, "{stdout}");
    let value: serde_json::Value =
        serde_json::from_str(&run(root, &["--output-format", "json", "costly.py", "hint.py"]).0)
            .expect("JSON");
    assert_eq!(value.as_array().map(Vec::len), Some(1), "{value}");
    // The configuration keys, overridden by the flags.
    write(
        root,
        "heaplint.toml",
        "min-severity = \"info\"\nfail-on = \"info\"\n",
    );
    assert_eq!(run(root, &["hint.py"]).1, 1);
    assert_eq!(run(root, &["--fail-on", "warning", "hint.py"]).1, 0);
    write(root, "heaplint.toml", "fail-on = \"loud\"\n");
    assert_eq!(run(root, &["hint.py"]).1, 2);
    heaplint(root)
        .args(["check", "--min-severity", "loud", "hint.py"])
        .assert()
        .code(2);
}

/// Past what the model can count, the output says "more than" instead of wrapping or
/// cancelling to nothing.
#[test]
fn figures_past_the_model_s_range_say_more_than() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "huge.py",
        "def f(self):\n    for i in range(10**30):\n        self.text += str(i)\n",
    );
    let (stdout, code) = run(dir.path(), &["huge.py"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("cost: more than +"), "{stdout}");
    assert!(stdout.contains("lower bounds"), "{stdout}");
    let value: serde_json::Value =
        serde_json::from_str(&run(dir.path(), &["--output-format", "json", "huge.py"]).0)
            .expect("JSON");
    let cost = &value[0]["cost"];
    assert_eq!(cost["at_least"], true, "{cost}");
    assert!(
        cost["allocated_bytes"].as_i64().expect("bytes") > 1 << 60,
        "{cost}"
    );
    assert_eq!(cost["severity"], "error");
    let (stdout, _) = run(dir.path(), &["--statistics", "huge.py"]);
    assert!(stdout.contains("shown: more than +"), "{stdout}");
}

#[test]
fn select_and_ignore_take_codes_and_prefixes() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "two.py",
        "def f(x, rows):\n    s = ''\n    for r in rows:\n        s += r\n    return x == None\n",
    );
    let codes = |args: &[&str]| -> Vec<String> {
        concise(dir.path(), args)
            .0
            .iter()
            .map(|line| line.split(' ').nth(1).unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(codes(&["two.py"]), ["MEM201", "MEM101"]);
    assert_eq!(codes(&["--select", "MEM2", "two.py"]), ["MEM201"]);
    assert_eq!(codes(&["--ignore", "MEM201", "two.py"]), ["MEM101"]);
    assert_eq!(
        codes(&["--select", "MEM201", "--ignore", "MEM2", "two.py"]),
        ["MEM201"]
    );
    assert!(codes(&["--select", "MEM1,MEM3", "--ignore", "MEM1", "two.py"]).is_empty());
}

#[test]
fn concise_output_is_path_row_column_code_message() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "pkg/mod.py", "x = 'é' + y == None\n");
    let (lines, _) = concise(dir.path(), &["pkg"]);
    assert_eq!(
        lines,
        ["pkg/mod.py:1:5: MEM101 Comparison to `None` with `==`"]
    );
}

#[test]
fn json_columns_count_characters_and_rows_start_at_one() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "a.py", "s = 'ééé' + y == None\n");
    let value = json(dir.path(), &["a.py"]);
    let finding = &value[0];
    assert_eq!(
        finding["location"],
        serde_json::json!({"row": 1, "column": 5})
    );
    assert_eq!(
        finding["end_location"],
        serde_json::json!({"row": 1, "column": 22})
    );
    for key in [
        "code", "name", "message", "filename", "fix", "noqa_row", "url", "severity", "cost",
    ] {
        assert!(finding.get(key).is_some(), "{key}");
    }
}

#[test]
fn walks_skip_what_a_repository_never_lints() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    for path in [
        "src/app.py",
        "src/stub.pyi",
        "src/.hidden/x.py",
        "src/__pycache__/x.py",
        ".venv/lib/x.py",
        "venv/x.py",
        "env/x.py",
        "node_modules/pkg/x.py",
        "lib/site-packages/x.py",
        "build/x.py",
        "dist/x.py",
        "ignored/x.py",
        "src/generated_x.py",
        "src/keep_generated.py",
        "src/notes.txt",
    ] {
        write(root, path, HABIT);
    }
    write(root, "env/pyvenv.cfg", "home = /usr\n");
    write(root, ".gitignore", "ignored/\ngenerated_*.py\n");
    write(root, "src/.gitignore", "!keep_generated.py\n");
    let files = reported_files(root, &["."]);
    assert_eq!(
        files,
        ["src/app.py", "src/keep_generated.py", "src/stub.pyi"]
    );
}

#[test]
fn gitignore_of_the_repository_applies_above_the_walk_root() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).expect("git dir");
    write(root, ".gitignore", "src/vendored/\n");
    write(root, "src/vendored/x.py", HABIT);
    write(root, "src/own.py", HABIT);
    let (lines, _) = concise(&root.join("src"), &["."]);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with("own.py:"), "{lines:?}");
}

#[test]
fn files_named_explicitly_are_always_checked() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "build/gen.py", HABIT);
    write(dir.path(), "scripts/tool", HABIT);
    write(dir.path(), ".gitignore", "build/\n");
    let files = reported_files(
        dir.path(),
        &["build/gen.py", "scripts/tool", "./build/gen.py"],
    );
    assert_eq!(files, ["build/gen.py", "scripts/tool"]);
}

#[test]
fn syntax_errors_have_a_null_code_in_json() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "broken.py", "x = (\n");
    let value = json(dir.path(), &["broken.py"]);
    assert_eq!(value[0]["code"], serde_json::Value::Null);
    assert_eq!(value[0]["cost"], serde_json::Value::Null);
    let message = value[0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("SyntaxError: "), "{message}");
}

#[test]
fn noqa_silences_findings_on_its_line() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "n.py",
        "a = x == None  # noqa\nb = x == None  # noqa: MEM101\nc = x == None  # noqa: E501\nd = x == None  # NOQA:MEM102,MEM101 reason\n",
    );
    let (lines, _) = concise(dir.path(), &["n.py"]);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with("n.py:3:"), "{lines:?}");
}

/// A line excused for ruff or flake8 under their code for the same habit is not reported again;
/// another linter's unrelated code excuses nothing.
#[test]
fn noqa_with_another_linter_s_code_for_the_habit() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "n.py",
        "a = x == None  # noqa: E711\nb = x == True  # noqa: E712\nc = x is 'a'  # noqa: F632\nd = x == True  # noqa: E711\n\n\ndef f(x=[]):  # noqa: B006\n    x.append(1)\n    return x\n",
    );
    let (lines, _) = concise(dir.path(), &["n.py"]);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("n.py:4:"), "{lines:?}");
}

#[test]
fn text_output_shows_snippet_help_and_cost() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "t.py",
        "def f(rows):\n    s = ''\n    for r in rows:\n        s.x += r\n        s += 'piece'\n    return s\n",
    );
    let output = every_finding(dir.path())
        .args(["t.py"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert!(stdout.contains("MEM201"), "{stdout}");
    assert!(stdout.contains("5 │         s += 'piece'"), "{stdout}");
    assert!(stdout.contains("help: Collect the pieces"), "{stdout}");
    // A local grown in place asks for fewer bytes than the join: a signed, negative excess.
    assert!(stdout.contains("cost: -"), "{stdout}");
    assert!(
        stdout.contains("CPython 3.12 resizes this str in place"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("  = habit"),
        "derivation only when asked: {stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("Found 1 finding in 1 file."),
        "{stdout}"
    );
}

/// The cases the runtime model must tell apart by version: a module-level `+=` is resized in
/// place on 3.10 and copied on 3.12; a `+` chain appends to its temporary in place on 3.10
/// and allocates every intermediate on 3.12.
#[test]
fn target_version_changes_the_cost() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "t.py",
        "s = ''\nfor i in range(2000):\n    s += '0123456789'\n\ndef greet(a, b):\n    return 'Hello ' + a + b + '!'\n",
    );
    let costs = |target: &str| -> Vec<serde_json::Value> {
        let output = every_finding(dir.path())
            .args([
                "t.py",
                "--output-format",
                "json",
                "--target-version",
                target,
            ])
            .output()
            .expect("runs");
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        value
            .as_array()
            .expect("array")
            .iter()
            .map(|finding| finding["cost"].clone())
            .collect()
    };
    let (py310, py312) = (costs("py310"), costs("py312"));
    assert_eq!(py310.len(), 2);
    // In place on 3.10: linear; what it costs is the namespace dict, rebuilt every dozen
    // iterations (10 names: 8 dunders, `s` and `i`): 166 tables of 576 bytes, less the list
    // of parts a join would need.
    assert_eq!(py310[0]["growth"], "O(n)");
    assert_eq!(py310[0]["allocated_bytes"], 166 * 576 - 16_128);
    assert_eq!(py310[0]["severity"], "info");
    // Copied on 3.12: 1,999 strings of 41 + 10i bytes, about 20 MB.
    assert_eq!(py312[0]["growth"], "O(n^2)");
    assert!(py312[0]["allocated_bytes"].as_i64().expect("number") > 19_000_000);
    assert_eq!(py312[0]["severity"], "error");
    // The chain: reallocations but no extra bytes on 3.10; two intermediates on 3.12.
    assert_eq!(py310[1]["allocated_bytes"], 0);
    assert_eq!(py310[1]["allocations"], 2);
    assert_eq!(py312[1]["allocated_bytes"], (41 + 16) + (41 + 26));
    assert_eq!(py312[1]["allocations"], 2);
}

#[test]
fn show_derivation_prints_the_formulas() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "t.py",
        "class W:\n    def __init__(self):\n        self.s = ''\n    def run(self):\n        for _ in range(1000):\n            self.s += '0123456789'\n",
    );
    let output = every_finding(dir.path())
        .args(["t.py", "--show-derivation"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert!(stdout.contains("= habit, copied"), "{stdout}");
    assert!(
        stdout.contains("= excess = habit - alternative"),
        "{stdout}"
    );
    assert!(stdout.contains("Costliest findings"), "{stdout}");
    assert!(
        stdout.contains("1. warning    +5.0 MB allocated"),
        "{stdout}"
    );
    let output = every_finding(dir.path())
        .args(["t.py", "--show-derivation", "--output-format", "json"])
        .output()
        .expect("runs");
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let derivation = value[0]["cost"]["derivation"]
        .as_array()
        .expect("derivation");
    assert!(derivation.len() >= 3, "{derivation:?}");
    assert_eq!(value[0]["severity"], "warning");
    let output = every_finding(dir.path())
        .args(["t.py", "--output-format", "json"])
        .output()
        .expect("runs");
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert!(value[0]["cost"].get("derivation").is_none());
}

#[test]
fn rule_subcommand_shows_documentation() {
    let dir = TempDir::new().expect("tempdir");
    let output = heaplint(dir.path())
        .args(["rule", "MEM201"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert!(
        stdout.starts_with("# MEM201 `string-concat-in-loop`"),
        "{stdout}"
    );
    let listing = heaplint(dir.path()).args(["rule"]).output().expect("runs");
    assert_eq!(
        String::from_utf8(listing.stdout)
            .expect("utf-8")
            .lines()
            .count(),
        heaplint::rules::Rule::ALL.len(),
        "one line per rule"
    );
    heaplint(dir.path())
        .args(["rule", "NOPE1"])
        .assert()
        .code(2);
}

#[test]
fn the_innermost_gitignore_with_an_opinion_decides() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    for path in [
        "x.gen.py",
        "a/keep.gen.py",
        "a/x.gen.py",
        "a/b/keep.gen.py",
        "a/b/c/keep.gen.py",
        "a/b/c/own.py",
        "odd/o.py",
    ] {
        write(root, path, HABIT);
    }
    write(root, ".gitignore", "*.gen.py\n");
    write(root, "a/.gitignore", "!keep.gen.py\n");
    write(root, "a/b/.gitignore", "keep.gen.py\n");
    // A directory named `.gitignore` is no ignore file.
    fs::create_dir_all(root.join("odd/.gitignore")).expect("mkdir");
    let files = reported_files(root, &["."]);
    assert_eq!(files, ["a/b/c/own.py", "a/keep.gen.py", "odd/o.py"]);
}

#[test]
fn git_info_exclude_applies_at_repository_roots() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, ".git/info/exclude", "local_only.py\n");
    write(root, "nested/.git/info/exclude", "nested_only.py\n");
    // Only at a repository root is `.git/info/exclude` read.
    write(root, "plain/git/info/exclude", "plain.py\n");
    for path in [
        "local_only.py",
        "src/local_only.py",
        "src/own.py",
        "nested/nested_only.py",
        "nested/local_only.py",
        "nested/own.py",
        "plain/plain.py",
        "nested_only.py",
    ] {
        write(root, path, HABIT);
    }
    let files = |cwd: &Path| reported_files(cwd, &["."]);
    assert_eq!(
        files(root),
        [
            "nested/own.py",
            "nested_only.py",
            "plain/plain.py",
            "src/own.py"
        ]
    );
    // Walked from below the repository root, whose exclusions still apply.
    assert_eq!(files(&root.join("src")), ["own.py"]);
}

#[test]
fn virtual_environments_are_known_by_their_pyvenv_cfg_file() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "env/pyvenv.cfg", "home = /usr\n");
    write(root, "env/lib/x.py", HABIT);
    // A directory named `pyvenv.cfg` does not make one.
    fs::create_dir_all(root.join("notenv/pyvenv.cfg")).expect("mkdir");
    write(root, "notenv/x.py", HABIT);
    write(root, "own.py", HABIT);
    #[cfg(unix)]
    {
        // A link to a `pyvenv.cfg` file does.
        write(root, "shared.cfg", "home = /usr\n");
        fs::create_dir_all(root.join("linked")).expect("mkdir");
        std::os::unix::fs::symlink("../shared.cfg", root.join("linked/pyvenv.cfg"))
            .expect("symlink");
        write(root, "linked/x.py", HABIT);
    }
    let files = |args: &[&str]| reported_files(root, args);
    assert_eq!(files(&["."]), ["notenv/x.py", "own.py"]);
    // Named on the command line, a virtual environment is walked.
    assert_eq!(files(&["env"]), ["env/lib/x.py"]);
}

#[cfg(unix)]
#[test]
fn symbolic_links_met_while_walking_are_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "elsewhere/real.py", HABIT);
    write(root, "tree/own.py", HABIT);
    symlink("../elsewhere/real.py", root.join("tree/link.py")).expect("symlink");
    symlink("../elsewhere", root.join("tree/linked_dir")).expect("symlink");
    let files = reported_files(root, &["tree"]);
    assert_eq!(files, ["tree/own.py"]);
    // Named on the command line, both are followed.
    let files = reported_files(root, &["tree/link.py", "tree/linked_dir"]);
    assert_eq!(files, ["tree/link.py", "tree/linked_dir/real.py"]);
}
