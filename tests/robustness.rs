//! Hostile input end to end: source decoded as CPython decodes it, deep nesting, files that
//! are not regular files, and huge inputs. Whatever a file holds, it gets its findings or one
//! clear diagnostic, and the run goes on to the next file.

use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde::Deserialize;
use tempfile::TempDir;

/// Only a safety net: a run that blocks on a FIFO fails instead of hanging the suite.
const SAFETY_NET: Duration = Duration::from_secs(600);

fn heaplint(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("heaplint").expect("binary");
    command.current_dir(dir).timeout(SAFETY_NET);
    command
}

fn write(dir: &Path, path: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, contents).expect("write");
}

fn run(dir: &Path, args: &[&str]) -> Output {
    heaplint(dir)
        .args(["check", "--min-severity", "info", "--fail-on", "info"])
        .args(args)
        .output()
        .expect("runs")
}

/// The concise lines of a run, totals excluded, and its exit code.
fn concise(dir: &Path, args: &[&str]) -> (Vec<String>, i32) {
    concise_lines(run(dir, &[&["--output-format", "concise"], args].concat()))
}

/// Like [`concise`], with `bytes` on standard input.
fn concise_stdin(dir: &Path, bytes: &[u8]) -> (Vec<String>, i32) {
    let mut command = heaplint(dir);
    command.args([
        "check",
        "--min-severity",
        "info",
        "--fail-on",
        "info",
        "--output-format",
        "concise",
        "-",
    ]);
    concise_lines(command.write_stdin(bytes).output().expect("runs"))
}

fn concise_lines(output: Output) -> (Vec<String>, i32) {
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let lines = stdout
        .lines()
        .filter(|line| line.contains(": "))
        .map(str::to_string)
        .collect();
    // `None` is a signal: a stack overflow or an abort.
    (lines, output.status.code().unwrap_or(-1))
}

/// The fields of a JSON diagnostic these tests look at.
#[derive(Debug, Deserialize, PartialEq)]
struct Placed {
    filename: String,
    code: Option<String>,
    location: Location,
    end_location: Location,
}

#[derive(Debug, Deserialize, PartialEq, Clone, Copy)]
struct Location {
    row: usize,
    column: usize,
}

/// The JSON diagnostics of a run, read from a file: huge reports are not held twice.
fn json(dir: &Path, args: &[&str]) -> Vec<Placed> {
    let report = dir.join("report.json");
    let report_arg = report.to_str().expect("utf-8 path");
    let output_args = ["--output-format", "json", "--output-file", report_arg];
    run(dir, &[&output_args[..], args].concat());
    let file = fs::File::open(&report).expect("report written");
    serde_json::from_reader(std::io::BufReader::new(file)).expect("valid JSON")
}

/// `(row, column)` to `(row, column)` of each diagnostic in `filename`.
fn spans(diagnostics: &[Placed], filename: &str) -> Vec<((usize, usize), (usize, usize))> {
    diagnostics
        .iter()
        .filter(|d| d.filename == filename)
        .map(|d| {
            let (start, end) = (d.location, d.end_location);
            ((start.row, start.column), (end.row, end.column))
        })
        .collect()
}

const HABIT: &str = "def f(x):\n    return x == None\n";

/// A line whose `x == None` starts at column 15 and ends before column 24 when the two
/// characters between the quotes are decoded as two characters, whatever their bytes.
fn two_characters_then_a_finding(quoted: &[u8]) -> Vec<u8> {
    [b"s = '", quoted, b"'; t = x == None\n"].concat()
}

/// A file whose first lines declare an encoding, then a line with two characters in it.
struct Declared {
    file: &'static str,
    header: &'static [u8],
    /// The two characters in the declared encoding, and as they must be decoded.
    encoded: &'static [u8],
    decoded: &'static str,
}

impl Declared {
    /// The row of the line after the header.
    fn row(&self) -> usize {
        self.header.iter().filter(|&&b| b == b'\n').count() + 1
    }
}

#[test]
fn coding_cookies_on_line_one_or_two_decode_as_cpython_does() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    let declared = |file, header, encoded, decoded| Declared {
        file,
        header,
        encoded,
        decoded,
    };
    let cases = [
        declared(
            "latin1.py",
            b"# -*- coding: latin-1 -*-\n",
            b"\xe9\xe8",
            "éè",
        ),
        declared(
            "koi8r.py",
            b"#!/usr/bin/env python\n# vim:fileencoding=koi8-r\n",
            b"\xc1\xc2",
            "аб",
        ),
        declared("cp1252.py", b"# coding=cp1252\n", b"\x80\x99", "€™"),
        declared(
            "iso15.py",
            b"# -*- coding: iso-8859-15 -*-\n",
            b"\xa4\xbd",
            "€œ",
        ),
        declared(
            "utf8.py",
            b"# -*- coding: utf-8 -*-\n",
            "éè".as_bytes(),
            "éè",
        ),
        declared("cp866.py", b"# coding: cp866\n", b"\xa0\xa1", "аб"),
        declared(
            "blank_first.py",
            b"\n# coding: latin-1\n",
            b"\xe9\xe8",
            "éè",
        ),
        // CPython reads the cookie from the bytes: its line need not be UTF-8.
        declared(
            "latin1_before_cookie.py",
            b"# caf\xe9 -*- coding: latin-1 -*-\n",
            b"\xe9\xe8",
            "éè",
        ),
    ];
    for case in &cases {
        let line = two_characters_then_a_finding(case.encoded);
        write(root, case.file, [case.header, &line].concat());
    }
    let diagnostics = json(root, &["."]);
    let text = String::from_utf8(run(root, &["."]).stdout).expect("utf-8");
    for case in cases {
        let (name, row) = (case.file, case.row());
        assert_eq!(
            spans(&diagnostics, name),
            [((row, 15), (row, 24))],
            "{name}: {diagnostics:?}"
        );
        let drawn = format!("{row} │ s = '{}'; t = x == None", case.decoded);
        assert!(text.contains(&drawn), "{name}: {drawn}\n{text}");
        // The snippet's header counts characters too, as the JSON does.
        let header = format!("╭─[{name}:{row}:15]");
        assert!(text.contains(&header), "{name}: {header}\n{text}");
    }
}

#[test]
fn a_cookie_on_line_two_counts_only_after_a_comment_or_blank_line() {
    let dir = TempDir::new().expect("tempdir");
    write(
        dir.path(),
        "a.py",
        b"x = 1\n# coding: latin-1\ns = '\xe9'\n",
    );
    let (lines, code) = concise(dir.path(), &["a.py"]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "a.py:1:1: SyntaxError: invalid UTF-8 at byte offset 29 (declare the encoding with a `# -*- coding: ... -*-` line)"
        ]
    );
}

#[test]
fn a_utf8_byte_order_mark_is_skipped_and_conflicts_with_another_cookie() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    let bom = b"\xef\xbb\xbf";
    let line = two_characters_then_a_finding("éè".as_bytes());
    write(root, "bom.py", [&bom[..], &line].concat());
    write(
        root,
        "bom_utf8_cookie.py",
        [&bom[..], b"# -*- coding: utf-8 -*-\n", &line].concat(),
    );
    write(
        root,
        "bom_latin1_cookie.py",
        [&bom[..], b"# coding: latin-1\n", &line].concat(),
    );
    let diagnostics = json(root, &["."]);
    assert_eq!(spans(&diagnostics, "bom.py"), [((1, 15), (1, 24))]);
    assert_eq!(
        spans(&diagnostics, "bom_utf8_cookie.py"),
        [((2, 15), (2, 24))]
    );
    let (lines, code) = concise(root, &["bom_latin1_cookie.py"]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "bom_latin1_cookie.py:1:1: SyntaxError: encoding problem: `latin-1` with a UTF-8 byte-order mark"
        ]
    );
}

#[test]
fn lf_crlf_cr_and_mixed_line_endings_put_findings_on_their_rows() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    let lines = ["a = 1", "b = x == None", "c = 'é'; d = y == None"];
    write(root, "lf.py", lines.join("\n") + "\n");
    write(root, "crlf.py", lines.join("\r\n") + "\r\n");
    write(root, "cr.py", lines.join("\r") + "\r");
    write(
        root,
        "mixed.py",
        format!("{}\r\n{}\r{}\n", lines[0], lines[1], lines[2]),
    );
    write(
        root,
        "cr_cookie.py",
        b"#!/usr/bin/env python\r# coding: latin-1\rc = '\xe9'; d = y == None\r",
    );
    let diagnostics = json(root, &["."]);
    for name in ["lf.py", "crlf.py", "cr.py", "mixed.py"] {
        assert_eq!(
            spans(&diagnostics, name),
            [((2, 5), (2, 14)), ((3, 14), (3, 23))],
            "{name}"
        );
    }
    assert_eq!(spans(&diagnostics, "cr_cookie.py"), [((3, 14), (3, 23))]);
}

#[test]
fn odd_line_endings_and_binary_files_render_cleanly() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "cr.py", "x = 1\ry = x == None\r");
    write(dir.path(), "binary.py", b"\x00\x01\x1b[31m");
    let output = heaplint(dir.path())
        .args([
            "check",
            "--min-severity",
            "info",
            "--fail-on",
            "info",
            "cr.py",
            "binary.py",
        ])
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert!(stdout.contains(" 2 │ y = x == None"), "{stdout}");
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "{stdout:?}"
    );
    assert!(stdout.contains("binary.py"), "{stdout}");
}

/// `(file, contents, the one diagnostic expected for it)`, checked in one run next to a good
/// file, which must still be linted.
fn assert_each_refused(cases: &[(&str, &[u8], &str)]) {
    let dir = TempDir::new().expect("tempdir");
    for (name, contents, _) in cases {
        write(dir.path(), name, contents);
    }
    write(dir.path(), "zz_good.py", HABIT);
    let (lines, code) = concise(dir.path(), &["."]);
    assert_eq!(code, 1);
    let mut expected: Vec<String> = cases
        .iter()
        .map(|(name, _, message)| format!("{name}:1:1: {message}"))
        .collect();
    expected.sort();
    expected.push("zz_good.py:2:12: MEM101 Comparison to `None` with `==`".to_string());
    assert_eq!(lines, expected);
}

#[test]
fn undecodable_bytes_and_unknown_encodings_are_one_diagnostic_each() {
    assert_each_refused(&[
        (
            "invalid_utf8.py",
            b"s = '\xff'\n",
            "SyntaxError: invalid UTF-8 at byte offset 5 (declare the encoding with a `# -*- coding: ... -*-` line)",
        ),
        // 0x81 is undefined in Python's cp1252, though WHATWG maps it to a control.
        (
            "undefined_in_cp1252.py",
            b"# coding: cp1252\ns = '\x81'\n",
            "SyntaxError: `cp1252` cannot decode byte 0x81 at byte offset 22",
        ),
        (
            "not_ascii.py",
            b"# coding: ascii\ns = '\xe9'\n",
            "SyntaxError: `ascii` cannot decode byte 0xe9 at byte offset 21",
        ),
        (
            "unknown_encoding.py",
            b"# -*- coding: klingon -*-\nx = 1\n",
            "SyntaxError: unknown encoding `klingon`",
        ),
    ]);
}

#[test]
fn null_bytes_and_binary_files_are_refused_as_cpython_refuses_them() {
    let nul = "SyntaxError: source code cannot contain null bytes";
    assert_each_refused(&[
        (
            "elf.py",
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00",
            nul,
        ),
        ("nul.py", b"x = 1\x00\ny = x == None\n", nul),
        (
            "png.py",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
            nul,
        ),
        (
            "random.py",
            b"\x8f\xa3\xff\xfe\x12\x34\xc0\xc1",
            "SyntaxError: invalid UTF-8 at byte offset 0 (declare the encoding with a `# -*- coding: ... -*-` line)",
        ),
    ]);
    let dir = TempDir::new().expect("tempdir");
    let (lines, code) = concise_stdin(dir.path(), b"x = 1\x00\n");
    assert_eq!(code, 1);
    assert_eq!(lines, [format!("-:1:1: {nul}")]);
}

#[test]
fn bad_files_are_reported_and_the_run_goes_on() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "a_syntax.py", "def f(:\n    pass\n");
    write(root, "b_encoding.py", b"x = '\xff'\n");
    write(
        root,
        "c_cookie.py",
        "# -*- coding: no-such-codec -*-\nx = 1\n",
    );
    write(
        root,
        "d_latin1.py",
        b"# coding: latin-1\nx = '\xe9' + y == None\n",
    );
    write(root, "e_good.py", HABIT);
    write(root, "f_empty.py", "");
    write(root, "g_nul.py", b"x = 1\x00\n");
    let (lines, code) = concise(root, &[".", "missing.py"]);
    assert_eq!(code, 1);
    let joined = lines.join("\n");
    assert!(
        joined.contains("a_syntax.py:1:7: SyntaxError: "),
        "{joined}"
    );
    assert!(
        joined.contains("b_encoding.py:1:1: SyntaxError: invalid UTF-8"),
        "{joined}"
    );
    assert!(
        joined.contains("c_cookie.py:1:1: SyntaxError: unknown encoding"),
        "{joined}"
    );
    assert!(joined.contains("d_latin1.py:2:5: MEM101"), "{joined}");
    assert!(joined.contains("e_good.py:2:12: MEM101"), "{joined}");
    assert!(joined.contains("g_nul.py:"), "{joined}");
    assert!(joined.contains("missing.py:1:1: OSError: "), "{joined}");
    assert!(!joined.contains("f_empty.py"), "{joined}");
}

#[test]
fn text_output_names_files_that_could_not_be_checked() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "bad.py", "def f(:\n    pass\n");
    write(dir.path(), "enc.py", b"x = '\xff'\n");
    let output = heaplint(dir.path())
        .args([
            "check",
            "--min-severity",
            "info",
            "--fail-on",
            "info",
            "bad.py",
            "enc.py",
            "missing.py",
        ])
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert!(stdout.contains("╭─[bad.py:1:7]"), "{stdout}");
    assert!(
        stdout.contains("× enc.py: SyntaxError: invalid UTF-8"),
        "{stdout}"
    );
    assert!(stdout.contains("× missing.py: OSError: "), "{stdout}");
    assert!(
        stdout
            .trim_end()
            .ends_with("No findings. 3 files could not be checked."),
        "{stdout}"
    );
}

/// Deeply nested code, each file with a finding at its heart, and the concise line for it.
fn deep_files() -> Vec<(&'static str, String, String)> {
    let n = 3_000;
    let mut ifs = String::new();
    for depth in 0..100 {
        ifs.push_str(&format!("{}if x{depth}:\n", "    ".repeat(depth)));
    }
    ifs.push_str(&format!("{}y = x == None\n", "    ".repeat(100)));
    let none = "Comparison to `None` with `==`";
    vec![
        (
            "parens.py",
            format!("x = {}y == None{}\n", "(".repeat(n), ")".repeat(n)),
            format!("1:3005: MEM101 {none}"),
        ),
        (
            "brackets.py",
            format!("x = {}y == None{}\n", "[".repeat(n), "]".repeat(n)),
            format!("1:3005: MEM101 {none}"),
        ),
        (
            "calls.py",
            format!("x = {}y == None{}\n", "f(".repeat(n), ")".repeat(n)),
            format!("1:6005: MEM101 {none}"),
        ),
        (
            "chain.py",
            format!("x = 'a'{}\n", " + a".repeat(49_999)),
            "1:5: MEM202 ".to_string(),
        ),
        ("ifs.py", ifs, format!("101:405: MEM101 {none}")),
    ]
}

#[test]
fn deep_nesting_in_files_is_linted_never_a_stack_overflow() {
    let dir = TempDir::new().expect("tempdir");
    let files = deep_files();
    for (name, contents, _) in &files {
        write(dir.path(), name, contents);
    }
    let (lines, code) = concise(dir.path(), &["."]);
    assert_eq!(code, 1, "{lines:?}");
    let mut expected: Vec<String> = files
        .iter()
        .map(|(name, _, finding)| format!("{name}:{finding}"))
        .collect();
    expected.sort();
    assert_eq!(lines.len(), expected.len(), "{lines:?}");
    for (line, expected) in lines.iter().zip(&expected) {
        assert!(line.starts_with(expected.as_str()), "{line} / {expected}");
    }
}

#[test]
fn deep_nesting_on_standard_input_is_checked_like_a_file() {
    let dir = TempDir::new().expect("tempdir");
    for (name, contents, finding) in deep_files() {
        let (lines, code) = concise_stdin(dir.path(), contents.as_bytes());
        assert_eq!(code, 1, "{name}: {lines:?}");
        assert_eq!(lines.len(), 1, "{name}: {lines:?}");
        assert!(
            lines[0].starts_with(&format!("-:{finding}")),
            "{name}: {lines:?}"
        );
    }
}

/// 100,000 nested calls overflowed the main thread's 8 MiB stack, where standard input used
/// to be checked.
#[test]
fn nesting_too_deep_for_the_main_thread_on_standard_input() {
    let dir = TempDir::new().expect("tempdir");
    let n = 100_000;
    let calls = format!("x = {}y == None{}\n", "f(".repeat(n), ")".repeat(n));
    let (lines, code) = concise_stdin(dir.path(), calls.as_bytes());
    assert_eq!(code, 1, "{lines:?}");
    assert_eq!(lines, ["-:1:200005: MEM101 Comparison to `None` with `==`"]);
}

/// The fuzz target's find: a 500,000-term `+` chain on standard input overflowed the main
/// thread's 8 MiB while the same file given as a path was fine.
#[test]
fn a_long_chain_on_standard_input_is_checked_on_a_deep_stack() {
    let dir = TempDir::new().expect("tempdir");
    let chain = format!("x = 'a' + {}'b'\n", "y + ".repeat(500_000));
    let (lines, code) = concise_stdin(dir.path(), chain.as_bytes());
    assert_eq!(code, 1, "{lines:?}");
    assert!(lines[0].starts_with("-:1:5: MEM202"), "{lines:?}");
}

#[test]
fn deeply_nested_and_huge_code_does_not_crash() {
    let dir = TempDir::new().expect("tempdir");
    let chain = format!("x = 'a' + {}'b'\n", "y + ".repeat(50_000));
    write(dir.path(), "chain.py", &chain);
    let nested = format!("x = {}1{}\n", "(".repeat(5_000), ")".repeat(5_000));
    write(dir.path(), "parens.py", &nested);
    let mut blocks = String::new();
    for depth in 0..500 {
        blocks.push_str(&format!(
            "{}for i{depth} in range(2):\n",
            "    ".repeat(depth)
        ));
    }
    blocks.push_str(&format!("{}print(len(i0))\n", "    ".repeat(500)));
    write(
        dir.path(),
        "loops.py",
        format!("def f():\n{}", indent(&blocks)),
    );
    let (lines, code) = concise(dir.path(), &["."]);
    assert_ne!(code, 2, "{lines:?}");
    assert!(
        lines.iter().any(|l| l.starts_with("chain.py:1:5: MEM202")),
        "{lines:?}"
    );
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("    {line}\n")).collect()
}

/// Makes a FIFO and a Unix socket named like Python files in `dir`; false where `mkfifo` is
/// missing.
#[cfg(unix)]
fn make_special_files(dir: &Path) -> bool {
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("pipe.py"))
        .status()
        .is_ok_and(|status| status.success());
    // The socket file stays when the listener is dropped.
    made && std::os::unix::net::UnixListener::bind(dir.join("sock.py")).is_ok()
}

#[cfg(unix)]
#[test]
fn fifos_and_sockets_are_skipped_when_walking() {
    let dir = TempDir::new().expect("tempdir");
    if !make_special_files(dir.path()) {
        return;
    }
    write(dir.path(), "ok.py", HABIT);
    let (lines, code) = concise(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(lines, ["ok.py:2:12: MEM101 Comparison to `None` with `==`"]);
}

#[cfg(unix)]
#[test]
fn special_files_named_explicitly_are_refused_not_read() {
    let dir = TempDir::new().expect("tempdir");
    if !make_special_files(dir.path()) {
        return;
    }
    write(dir.path(), "ok.py", HABIT);
    let (lines, code) = concise(dir.path(), &["pipe.py", "sock.py", "/dev/null", "."]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "/dev/null:1:1: OSError: not a regular file or directory: a character device",
            "ok.py:2:12: MEM101 Comparison to `None` with `==`",
            "pipe.py:1:1: OSError: not a regular file or directory: a FIFO",
            "sock.py:1:1: OSError: not a regular file or directory: a socket",
        ]
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_end() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    write(root, "tree/ok.py", HABIT);
    symlink(".", root.join("tree/loop")).expect("symlink");
    symlink("self.py", root.join("tree/self.py")).expect("symlink");
    let (lines, code) = concise(root, &["tree"]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        ["tree/ok.py:2:12: MEM101 Comparison to `None` with `==`"]
    );
    let (lines, _) = concise(root, &["tree/loop/loop", "tree/self.py"]);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("tree/loop/loop/ok.py:2:12: MEM101"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("tree/self.py:1:1: OSError: "),
        "{lines:?}"
    );
}

#[test]
fn a_directory_named_like_a_python_file_is_walked_not_read() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "pkg.py/inner.py", HABIT);
    let expected = ["pkg.py/inner.py:2:12: MEM101 Comparison to `None` with `==`"];
    assert_eq!(
        concise(dir.path(), &["."]),
        (expected.map(String::from).to_vec(), 1)
    );
    assert_eq!(
        concise(dir.path(), &["pkg.py"]),
        (expected.map(String::from).to_vec(), 1)
    );
}

#[test]
fn paths_that_do_not_exist_are_reported_with_the_reason() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "ok.py", HABIT);
    let (lines, code) = concise(dir.path(), &["missing.py", "ok.py/inner.py", "ok.py"]);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with("missing.py:1:1: OSError: No such file or directory"),
        "{lines:?}"
    );
    assert!(lines[1].starts_with("ok.py:2:12: MEM101"), "{lines:?}");
    assert!(
        lines[2].starts_with("ok.py/inner.py:1:1: OSError: Not a directory"),
        "{lines:?}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "secret.py", HABIT);
    let path = dir.path().join("secret.py");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads anything; the check only means something for other users.
    if fs::read(&path).is_ok() {
        return;
    }
    let (lines, code) = concise(dir.path(), &["secret.py"]);
    assert_eq!(code, 1);
    assert!(
        lines[0].starts_with("secret.py:1:1: OSError: "),
        "{lines:?}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_directories_are_reported_during_a_walk() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "locked/x.py", HABIT);
    write(dir.path(), "ok.py", HABIT);
    let locked = dir.path().join("locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    let readable = fs::read_dir(&locked).is_ok();
    let outcome = (!readable).then(|| concise(dir.path(), &["."]));
    // Readable again, so the temporary directory can be removed.
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).expect("chmod");
    // Root reads anything; the check only means something for other users.
    let Some((lines, code)) = outcome else {
        return;
    };
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "locked:1:1: OSError: could not read directory: Permission denied (os error 13)",
            "ok.py:2:12: MEM101 Comparison to `None` with `==`",
        ]
    );
}

/// Even root cannot read a directory whose path is longer than the system allows, so this runs
/// for every user, unlike the test above.
#[cfg(unix)]
#[test]
fn directories_too_deep_to_name_are_reported_during_a_walk() {
    let dir = TempDir::new().expect("tempdir");
    write(dir.path(), "ok.py", HABIT);
    // 25 levels of 200-byte names: 5,025 bytes, past Linux's PATH_MAX of 4,096. Made from a
    // shell that descends as it goes, as no path names the bottom; `cd -P`, as a logical `cd`
    // fails once the path it keeps is too long.
    let name = "d".repeat(200);
    let script =
        format!("for _ in $(seq 25); do mkdir {name} && cd -P {name} || exit 1; done; : > deep.py");
    let made = std::process::Command::new("sh")
        .args(["-c", &script])
        .current_dir(dir.path())
        .status()
        .is_ok_and(|status| status.success());
    assert!(made, "could not make the deep tree");
    let (lines, code) = concise(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 2, "{lines:?}");
    // The first directory whose path is too long: 21 levels, 4,220 bytes.
    let too_long = vec![name.as_str(); 21].join("/");
    assert_eq!(
        lines[0],
        format!("{too_long}:1:1: OSError: File name too long (os error 36)")
    );
    assert!(lines[1].starts_with("ok.py:2:12: MEM101"), "{lines:?}");
}

/// A run of `format` over `file` in `dir`, its report written to a file and returned.
fn report(dir: &Path, format: &str, file: &str) -> String {
    let out = dir.join(format!("report.{format}"));
    let out_arg = out.to_str().expect("utf-8 path");
    let output = run(
        dir,
        &["--output-format", format, "--output-file", out_arg, file],
    );
    assert_eq!(output.status.code(), Some(1), "{format}");
    fs::read_to_string(out).expect("report written")
}

/// How many results a SARIF log or GitLab report has, and how many distinct fingerprints.
fn counts(format: &str, report: &str) -> (usize, usize) {
    #[derive(Deserialize)]
    struct Log {
        runs: Vec<Run>,
    }
    #[derive(Deserialize)]
    struct Run {
        results: Vec<SarifResult>,
    }
    #[derive(Deserialize)]
    struct SarifResult {
        #[serde(rename = "partialFingerprints")]
        fingerprints: std::collections::BTreeMap<String, String>,
    }
    #[derive(Deserialize)]
    struct Issue {
        fingerprint: String,
    }
    let fingerprints: Vec<String> = if format == "sarif" {
        let log: Log = serde_json::from_str(report).expect("SARIF is JSON");
        let results = log.runs.into_iter().flat_map(|run| run.results);
        results
            .map(|result| format!("{:?}", result.fingerprints))
            .collect()
    } else {
        let issues: Vec<Issue> = serde_json::from_str(report).expect("GitLab report is JSON");
        issues.into_iter().map(|issue| issue.fingerprint).collect()
    };
    let distinct: std::collections::HashSet<&String> = fingerprints.iter().collect();
    (fingerprints.len(), distinct.len())
}

/// Every format that costs time per finding, over a file with `findings` findings; none may
/// take time quadratic in the findings or the line length. Returns the text report and the
/// JSON diagnostics.
fn assert_every_format_reports(dir: &Path, file: &str, findings: usize) -> (String, Vec<Placed>) {
    let diagnostics = json(dir, &[file]);
    assert_eq!(diagnostics.len(), findings);
    assert!(
        diagnostics
            .iter()
            .all(|d| d.code.as_deref() == Some("MEM101"))
    );
    for format in ["sarif", "gitlab"] {
        let report = report(dir, format, file);
        assert_eq!(counts(format, &report), (findings, findings), "{format}");
    }
    let (lines, _) = concise(dir, &[file]);
    assert_eq!(lines.len(), findings);
    let text = report(dir, "text", file);
    let totals = format!("Found {findings} findings in 1 file.");
    assert_eq!(text.lines().last(), Some(totals.as_str()));
    (text, diagnostics)
}

#[test]
fn forty_thousand_findings_in_a_3_mb_file() {
    let dir = TempDir::new().expect("tempdir");
    let padding = "#".repeat(45);
    let source: String = (0..40_000)
        .map(|i| format!("if value_{i:05} == None: pass  {padding}\n"))
        .collect();
    assert!(source.len() > 2_900_000);
    write(dir.path(), "many.py", &source);
    let (text, diagnostics) = assert_every_format_reports(dir.path(), "many.py", 40_000);
    assert!(
        text.contains("40000 │ if value_39999 == None: pass"),
        "snippets drawn"
    );
    let last = diagnostics.last().expect("findings");
    assert_eq!(
        (last.location, last.end_location),
        (
            Location {
                row: 40_000,
                column: 4
            },
            Location {
                row: 40_000,
                column: 23
            },
        )
    );
}

#[test]
fn a_single_line_of_1_5_mb() {
    let dir = TempDir::new().expect("tempdir");
    let findings = 140_000;
    write(
        dir.path(),
        "long.py",
        format!("x = [{}]\n", "None == a, ".repeat(findings)),
    );
    let (text, diagnostics) = assert_every_format_reports(dir.path(), "long.py", findings);
    // The line is never drawn, not even for the findings near its start.
    assert!(
        text.lines().all(|line| line.chars().count() < 200),
        "the line was drawn"
    );
    assert!(
        text.contains("long.py:1:6: Comparison to `None` with `==`"),
        "first"
    );
    let last = 6 + 11 * (findings - 1);
    assert!(
        text.contains(&format!("long.py:1:{last}: Comparison to `None` with `==`")),
        "last"
    );
    assert_eq!(
        diagnostics[findings - 1].location,
        Location {
            row: 1,
            column: last
        }
    );
}

/// `(rule, fingerprint)` for each result of a SARIF run over `a.py` in `dir`, and the GitLab
/// fingerprints.
fn fingerprints(dir: &Path) -> (Vec<String>, Vec<String>) {
    let sarif: serde_json::Value =
        serde_json::from_str(&report(dir, "sarif", "a.py")).expect("SARIF is JSON");
    let sarif = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| result["partialFingerprints"]["heaplint/v1"].to_string())
        .collect();
    let gitlab: serde_json::Value =
        serde_json::from_str(&report(dir, "gitlab", "a.py")).expect("GitLab report is JSON");
    let gitlab = gitlab
        .as_array()
        .expect("issues")
        .iter()
        .map(|issue| issue["fingerprint"].to_string())
        .collect();
    (sarif, gitlab)
}

/// Fingerprints hash the flagged line's text, so a file's line endings do not change them.
#[test]
fn fingerprints_of_a_cr_only_file_hash_the_flagged_lines() {
    let lines = ["x = 1", "y = x == None", "z = x == None  # other text"];
    let lf = TempDir::new().expect("tempdir");
    write(lf.path(), "a.py", lines.join("\n") + "\n");
    let cr = TempDir::new().expect("tempdir");
    write(cr.path(), "a.py", lines.join("\r") + "\r");
    let (sarif, gitlab) = fingerprints(lf.path());
    assert_eq!(sarif.len(), 2);
    assert_eq!(gitlab.len(), 2);
    assert_eq!(fingerprints(cr.path()), (sarif, gitlab));
}
