//! Configuration files, suppressions, `--statistics` and `--stdin-filename`, end to end on
//! temporary trees.

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

fn write(dir: &Path, path: &str, contents: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, contents).expect("write");
}

/// `path:CODE` for every finding of a concise run, and the exit code.
fn findings(dir: &Path, args: &[&str]) -> (Vec<String>, i32) {
    let output = every_finding(dir)
        .args(["--output-format", "concise"])
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let lines = stdout
        .lines()
        .filter_map(|line| {
            let (path, rest) = line.split_once(':')?;
            let code = rest.split_whitespace().nth(1)?;
            code.starts_with("MEM").then(|| format!("{path}:{code}"))
        })
        .collect();
    (lines, output.status.code().unwrap_or(-1))
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let output = every_finding(dir)
        .args(["--output-format", "json"])
        .args(args)
        .output()
        .expect("runs");
    serde_json::from_slice(&output.stdout).expect("valid JSON")
}

/// MEM101 on line 2, MEM201 on line 5.
const TWO: &str = "def f(x, rows):\n    if x == None:\n        s = ''\n        for r in rows:\n            s += r\n        return s\n";

#[test]
fn nearest_configuration_wins_and_cli_overrides_it() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.heaplint]\nselect = [\"MEM1\"]\n",
    );
    write(root, "a.py", TWO);
    write(root, "sub/heaplint.toml", "select = [\"MEM2\"]\n");
    write(root, "sub/b.py", TWO);
    // A pyproject.toml without [tool.heaplint] does not count.
    write(
        root,
        "sub/deeper/pyproject.toml",
        "[project]\nname = \"x\"\n",
    );
    write(root, "sub/deeper/c.py", TWO);
    let (lines, code) = findings(root, &[]);
    assert_eq!(
        lines,
        ["a.py:MEM101", "sub/b.py:MEM201", "sub/deeper/c.py:MEM201"]
    );
    assert_eq!(code, 1);
    // --select replaces every file's select; --ignore adds; --extend-select adds.
    let (lines, _) = findings(root, &["--select", "MEM201"]);
    assert_eq!(
        lines,
        ["a.py:MEM201", "sub/b.py:MEM201", "sub/deeper/c.py:MEM201"]
    );
    let (lines, _) = findings(root, &["--ignore", "MEM201", "sub"]);
    assert!(lines.is_empty(), "{lines:?}");
    let (lines, _) = findings(root, &["--extend-select", "MEM201", "a.py"]);
    assert_eq!(lines, ["a.py:MEM101", "a.py:MEM201"]);
    // --config applies one file to everything; --isolated ignores them all.
    let (lines, _) = findings(root, &["--config", "sub/heaplint.toml"]);
    assert_eq!(
        lines,
        ["a.py:MEM201", "sub/b.py:MEM201", "sub/deeper/c.py:MEM201"]
    );
    let (lines, _) = findings(root, &["--isolated", "a.py"]);
    assert_eq!(lines, ["a.py:MEM101", "a.py:MEM201"]);
    // A .heaplint.toml comes before a pyproject.toml in the same directory.
    write(root, ".heaplint.toml", "ignore = [\"MEM\"]\n");
    let (lines, _) = findings(root, &["a.py"]);
    assert!(lines.is_empty(), "{lines:?}");
}

#[test]
fn per_file_ignores_match_like_ruff() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.heaplint.per-file-ignores]\n\"tests/*.py\" = [\"MEM2\"]\n\"conftest.py\" = [\"MEM101\"]\n",
    );
    write(root, "a.py", TWO);
    write(root, "tests/t.py", TWO);
    write(root, "deep/down/conftest.py", TWO);
    let (lines, _) = findings(root, &[]);
    assert_eq!(
        lines,
        [
            "a.py:MEM101",
            "a.py:MEM201",
            "deep/down/conftest.py:MEM201",
            "tests/t.py:MEM101"
        ]
    );
    // Globs are relative to the configuration file, not to the current directory.
    let (lines, _) = findings(&root.join("tests"), &["t.py"]);
    assert_eq!(lines, ["t.py:MEM101"]);
}

#[test]
fn exclusions_and_force_exclude() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "a.py", TWO);
    write(root, "generated/g.py", TWO);
    write(root, "build/b.py", TWO);
    write(root, ".hidden/h.py", TWO);
    let files = |args: &[&str]| {
        let (lines, _) = findings(root, &[&["--select", "MEM101"], args].concat());
        lines
    };
    assert_eq!(files(&[]), ["a.py:MEM101", "generated/g.py:MEM101"]);
    write(root, "heaplint.toml", "extend-exclude = [\"generated\"]\n");
    assert_eq!(files(&[]), ["a.py:MEM101"]);
    // `exclude` replaces the defaults.
    write(root, "heaplint.toml", "exclude = [\"generated\"]\n");
    assert_eq!(
        files(&[]),
        [".hidden/h.py:MEM101", "a.py:MEM101", "build/b.py:MEM101"]
    );
    // Files named on the command line are checked unless --force-exclude.
    assert_eq!(files(&["generated/g.py"]), ["generated/g.py:MEM101"]);
    assert!(files(&["--force-exclude", "generated/g.py"]).is_empty());
    assert!(files(&["--force-exclude", "generated"]).is_empty());
    // respect-gitignore = false walks what .gitignore excludes.
    write(root, "heaplint.toml", "");
    write(root, ".gitignore", "a.py\n");
    assert_eq!(files(&[]), ["generated/g.py:MEM101"]);
    write(root, "heaplint.toml", "respect-gitignore = false\n");
    assert_eq!(files(&[]), ["a.py:MEM101", "generated/g.py:MEM101"]);
}

#[test]
fn exclusions_follow_the_configuration_of_each_directory() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "one/heaplint.toml",
        "extend-exclude = [\"skip.py\"]\n",
    );
    write(root, "one/skip.py", TWO);
    write(root, "two/skip.py", TWO);
    let (lines, _) = findings(root, &["--select", "MEM101"]);
    assert_eq!(lines, ["two/skip.py:MEM101"]);
}

#[test]
fn target_version_from_requires_python_and_cli() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nrequires-python = \">=3.10, <4\"\n[tool.heaplint]\n",
    );
    write(root, "a.py", TWO);
    let python = |args: &[&str]| {
        json(root, &[&["--select", "MEM201"], args].concat())[0]["cost"]["python"]
            .as_str()
            .expect("python")
            .to_string()
    };
    assert_eq!(python(&[]), "3.10");
    assert_eq!(python(&["--target-version", "py313"]), "3.13");
    assert_eq!(python(&["--isolated"]), "3.12");
    write(
        root,
        "pyproject.toml",
        "[project]\nrequires-python = \">=3.10\"\n[tool.heaplint]\ntarget-version = \"py39\"\n",
    );
    assert_eq!(python(&[]), "3.9");
}

/// ruff's rule: without a `target-version`, the lowest supported version `requires-python`
/// allows, read from the nearest `pyproject.toml` even when it has no `[tool.heaplint]`.
#[test]
fn requires_python_without_a_heaplint_table() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "sub/a.py", TWO);
    let python = |args: &[&str]| {
        json(root, &[&["--select", "MEM201"], args].concat())[0]["cost"]["python"]
            .as_str()
            .map(str::to_string)
    };
    let project = |specifier: &str| {
        write(
            root,
            "pyproject.toml",
            &format!("[project]\nname = \"p\"\nrequires-python = \"{specifier}\"\n"),
        );
    };
    project(">=3.10");
    assert_eq!(python(&[]).as_deref(), Some("3.10"));
    assert_eq!(python(&["sub/a.py"]).as_deref(), Some("3.10"));
    project(">=2.7");
    assert_eq!(python(&[]).as_deref(), Some("3.8"));
    project(
        ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*, !=3.5.*, !=3.6.*, !=3.7.*, !=3.8.*",
    );
    assert_eq!(python(&[]).as_deref(), Some("3.9"));
    project(">=3.99");
    assert_eq!(python(&[]).as_deref(), Some("3.14"));
    // Poetry's constraint where `requires-python` is missing.
    write(
        root,
        "pyproject.toml",
        "[tool.poetry.dependencies]\npython = \"^3.9\"\nrich = \"*\"\n",
    );
    assert_eq!(python(&[]).as_deref(), Some("3.9"));
    write(
        root,
        "pyproject.toml",
        "[tool.poetry.dependencies]\npython = { version = \">=3.11,<4\" }\n",
    );
    assert_eq!(python(&[]).as_deref(), Some("3.11"));
    assert_eq!(python(&["--isolated"]).as_deref(), Some("3.12"));
    // A nearer `pyproject.toml` says more about its files.
    write(
        root,
        "sub/pyproject.toml",
        "[project]\nrequires-python = \">=3.11\"\n",
    );
    assert_eq!(python(&["sub/a.py"]).as_deref(), Some("3.11"));
    // A configuration file decides, with the `requires-python` beside it.
    write(root, "heaplint.toml", "select = [\"MEM2\"]\n");
    fs::remove_file(root.join("sub/pyproject.toml")).expect("rm");
    project(">=3.9");
    assert_eq!(python(&["sub/a.py"]).as_deref(), Some("3.9"));
}

#[test]
fn a_malformed_requires_python_is_a_configuration_error() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "a.py", TWO);
    for (specifier, pyproject) in [
        (">= three", "[project]\nrequires-python = \">= three\"\n"),
        (
            "3.10",
            "[project]\nrequires-python = \"3.10\"\n[tool.heaplint]\ntarget-version = \"py311\"\n",
        ),
    ] {
        write(root, "pyproject.toml", pyproject);
        let output = heaplint(root)
            .args(["check", "a.py"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{specifier}");
        let stderr = String::from_utf8(output.stderr).expect("utf-8");
        assert!(stderr.contains("pyproject.toml"), "{stderr}");
        assert!(
            stderr.contains(&format!("`requires-python` `{specifier}`")),
            "{stderr}"
        );
    }
}

#[test]
fn assume_iterations_from_the_file_and_the_cli() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "heaplint.toml", "assume-iterations = 7\n");
    write(root, "a.py", TWO);
    let iterations = |args: &[&str]| {
        json(root, &[&["--select", "MEM201"], args].concat())[0]["cost"]["iterations"].clone()
    };
    assert_eq!(iterations(&[]), 7);
    assert_eq!(iterations(&["--assume-iterations", "9"]), 9);
}

#[test]
fn hot_loop_thresholds_change_mem401() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "h.py",
        "def f(rows):\n    total = 0\n    for r in rows:\n        total += len(r)\n    return total\n",
    );
    assert!(findings(root, &["--target-version", "py310"]).0.is_empty());
    write(root, "heaplint.toml", "[hot-loop]\nmin-depth = 1\n");
    assert_eq!(
        findings(root, &["--target-version", "py310"]).0,
        ["h.py:MEM401"]
    );
    write(root, "heaplint.toml", "[hot-loop]\nmin-trip-count = 10\n");
    write(
        root,
        "h.py",
        "def f():\n    total = 0\n    for r in range(50):\n        total += len(str(r))\n    return total\n",
    );
    let (lines, _) = findings(root, &["--target-version", "py310"]);
    assert!(lines.contains(&"h.py:MEM401".to_string()), "{lines:?}");
    write(root, "heaplint.toml", "");
    assert!(findings(root, &["--target-version", "py310"]).0.is_empty());
}

#[test]
fn configuration_errors_name_the_file_and_exit_2() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "a.py", TWO);
    let stderr = |args: &[&str]| {
        let output = heaplint(root)
            .args(["check", "--min-severity", "info", "--fail-on", "info"])
            .args(args)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8(output.stderr).expect("utf-8")
    };
    write(
        root,
        "pyproject.toml",
        "[tool.heaplint]\nselct = [\"MEM1\"]\n",
    );
    let message = stderr(&[]);
    assert!(
        message.contains("selct") && message.contains("pyproject.toml"),
        "{message}"
    );
    write(
        root,
        "pyproject.toml",
        "[tool.heaplint.hot-loop]\nmin-dept = 1\n",
    );
    assert!(stderr(&[]).contains("min-dept"));
    write(
        root,
        "pyproject.toml",
        "[tool.heaplint]\nignore = [\"E501\"]\n",
    );
    let message = stderr(&[]);
    assert!(
        message.contains("E501") && message.contains("pyproject.toml"),
        "{message}"
    );
    write(
        root,
        "pyproject.toml",
        "[tool.heaplint.per-file-ignores]\n\"*.py\" = [\"MEM9\"]\n",
    );
    assert!(stderr(&[]).contains("MEM9"));
    fs::remove_file(root.join("pyproject.toml")).expect("rm");
    write(root, "sub/heaplint.toml", "extend-select = [\"XYZ1\"]\n");
    write(root, "sub/b.py", TWO);
    let message = stderr(&[]);
    assert!(
        message.contains("XYZ1") && message.contains("heaplint.toml"),
        "{message}"
    );
    // An explicitly named file that does not exist is an error too.
    assert!(stderr(&["--isolated", "--config", "x.toml"]).contains("cannot be used"));
    assert!(stderr(&["--config", "missing.toml", "a.py"]).contains("missing.toml"));
}

#[test]
fn file_level_noqa() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "all.py", &format!("# heaplint: noqa\n{TWO}"));
    write(root, "prefix.py", &format!("#HEAPLINT:NOQA: MEM2\n{TWO}"));
    write(
        root,
        "inline.py",
        &format!("{TWO}x = 1  # heaplint: noqa\n"),
    );
    write(
        root,
        "line.py",
        "def f(x):\n    a = x == None  #noqa:MEM101,MEM201\n    b = x == None  # NOQA\n    return x == None  # noqa: E501\n",
    );
    let (lines, _) = findings(root, &[]);
    assert_eq!(
        lines,
        [
            "inline.py:MEM101",
            "inline.py:MEM201",
            "line.py:MEM101",
            "prefix.py:MEM101"
        ]
    );
}

#[test]
fn noqa_row_is_the_end_of_a_multi_line_string() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    let source = "def f(x):\n    y = \"\"\"a\nb\"\"\" + x + \"c\" + x\n    return y\n";
    write(root, "a.py", source);
    let report = json(root, &["--select", "MEM202"]);
    assert_eq!(report[0]["location"]["row"], 2);
    assert_eq!(report[0]["noqa_row"], 3);
    let silenced = source.replace("+ x\n    return", "+ x  # noqa: MEM202\n    return");
    write(root, "a.py", &silenced);
    assert_eq!(findings(root, &["--select", "MEM202"]).0.len(), 0);
    // A line continued with a backslash takes its noqa on the continuation's last row.
    write(
        root,
        "b.py",
        "def f(x):\n    return x == \\\n        None\n",
    );
    let report = json(root, &["b.py"]);
    assert_eq!(report[0]["location"]["row"], 2);
    assert_eq!(report[0]["noqa_row"], 3);
}

#[test]
fn statistics_text_and_json() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "a.py", TWO);
    write(root, "b.py", TWO);
    write(root, "bad.py", "def (:\n");
    let output = every_finding(root)
        .args(["--statistics"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    // The most severe first: the file that could not be checked is an error.
    assert!(lines[0].contains("could not be checked"), "{stdout}");
    assert!(
        lines[1].starts_with("2\tMEM101\tnone-comparison"),
        "{stdout}"
    );
    assert!(lines[1].contains("\t2 info"), "{stdout}");
    assert!(lines[1].ends_with("no extra allocation"), "{stdout}");
    assert!(
        lines[2].starts_with("2\tMEM201\tstring-concat-in-loop"),
        "{stdout}"
    );
    assert!(lines[2].contains("shown: "), "{stdout}");
    let statistics = json(root, &["--statistics", "a.py", "b.py"]);
    let rows = statistics.as_array().expect("array");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["code"], "MEM201");
    assert_eq!(rows[1]["name"], "string-concat-in-loop");
    assert_eq!(rows[1]["count"], 2);
    // Only what the source shows is added up: each finding's cost with the loop over `rows`,
    // whose count it does not show, taken once.
    let single = json(root, &["--select", "MEM201", "a.py"]);
    let shown = single[0]["cost"]["shown"]["allocated_bytes"]
        .as_i64()
        .expect("bytes");
    assert_ne!(single[0]["cost"]["allocated_bytes"].as_i64(), Some(shown));
    assert_eq!(rows[1]["allocated_bytes"].as_i64(), Some(2 * shown));
}

#[test]
fn stdin_filename_picks_the_configuration() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.heaplint.per-file-ignores]\n\"tests/*\" = [\"MEM101\"]\n",
    );
    let run = |args: &[&str]| {
        let output = every_finding(root)
            .args(["--output-format", "concise"])
            .args(args)
            .write_stdin(TWO)
            .output()
            .expect("runs");
        String::from_utf8(output.stdout).expect("utf-8")
    };
    let named = run(&["--stdin-filename", "src/mod.py", "-"]);
    assert!(named.contains("src/mod.py:2:8: MEM101"), "{named}");
    assert!(named.contains("src/mod.py:5:13: MEM201"), "{named}");
    let ignored = run(&["--stdin-filename", "tests/t.py", "-"]);
    assert!(
        !ignored.contains("MEM101") && ignored.contains("MEM201"),
        "{ignored}"
    );
    // Without a name, `-` is the name.
    assert!(run(&["-"]).contains("-:2:8: MEM101"));
    // Excluded names produce nothing under --force-exclude.
    write(root, "heaplint.toml", "extend-exclude = [\"gen/*\"]\n");
    let excluded = run(&["--force-exclude", "--stdin-filename", "gen/x.py", "-"]);
    assert!(!excluded.contains("MEM"), "{excluded}");
}

#[test]
fn a_directory_without_a_configuration_of_its_own_is_governed_as_its_parent() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "heaplint.toml", "extend-exclude = [\"drop.py\"]\n");
    // A `pyproject.toml` without `[tool.heaplint]` is no configuration, and neither is a
    // directory with a configuration file's name.
    write(root, "plain/pyproject.toml", "[project]\nname = \"x\"\n");
    fs::create_dir_all(root.join("odd/heaplint.toml")).expect("mkdir");
    write(root, "own/pyproject.toml", "[tool.heaplint]\n");
    for dir in ["", "plain/", "plain/deeper/", "odd/", "own/", "own/deeper/"] {
        write(root, &format!("{dir}drop.py"), TWO);
        write(root, &format!("{dir}keep.py"), TWO);
    }
    let (lines, _) = findings(root, &["--select", "MEM101"]);
    assert_eq!(
        lines,
        [
            "keep.py:MEM101",
            "odd/keep.py:MEM101",
            "own/deeper/drop.py:MEM101",
            "own/deeper/keep.py:MEM101",
            "own/drop.py:MEM101",
            "own/keep.py:MEM101",
            "plain/deeper/keep.py:MEM101",
            "plain/keep.py:MEM101",
        ]
    );
}

#[test]
fn gitignore_files_apply_below_a_directory_that_does_not_respect_them() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, ".gitignore", "gen_*.py\n");
    write(root, "a/heaplint.toml", "respect-gitignore = false\n");
    write(root, "a/b/c/heaplint.toml", "");
    for path in ["gen_0.py", "a/gen_1.py", "a/b/gen_2.py", "a/b/c/gen_3.py"] {
        write(root, path, TWO);
    }
    let (lines, _) = findings(root, &["--select", "MEM101"]);
    assert_eq!(lines, ["a/b/gen_2.py:MEM101", "a/gen_1.py:MEM101"]);
}

#[test]
fn of_several_unusable_configurations_the_first_in_path_order_is_reported() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "zzz/deep/heaplint.toml", "selct = [\"MEM1\"]\n");
    write(root, "aaa/deeper/heaplint.toml", "selct = [\"MEM1\"]\n");
    write(root, "aaa/deeper/a.py", TWO);
    write(root, "mmm/heaplint.toml", "selct = [\"MEM1\"]\n");
    write(root, "zzz/deep/z.py", TWO);
    // Directories are read in parallel; the report must not depend on which came first.
    for _ in 0..5 {
        let output = heaplint(root)
            .args(["check", "--min-severity", "info", "--fail-on", "info"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8(output.stderr).expect("utf-8");
        assert!(stderr.contains("aaa/deeper/heaplint.toml"), "{stderr}");
    }
}
