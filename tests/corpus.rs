//! CPython's standard library, linted whole: heaplint must not fail on any file, and must
//! report a syntax error for exactly the files the interpreter cannot compile (the stdlib's
//! tests keep a few on purpose: late `__future__` imports, Python 2 code, bad encodings).
//!
//! Runs `bench/corpus_check.py` with the `python3` on `PATH`, against its own standard library
//! and its own version as the target. Skipped, with a message, when there is no `python3`, when
//! its version is not one heaplint targets, or when `HEAPLINT_SKIP_CORPUS=1`.

use std::path::Path;
use std::process::Command;

const SKIP: &str = "HEAPLINT_SKIP_CORPUS";
const PYTHON: &str = "python3";

/// What `python3` prints for `code`, or `None` if it cannot be run.
fn python(code: &str) -> Option<String> {
    let output = Command::new(PYTHON).args(["-c", code]).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// The standard library of `python3`, or why the test cannot run.
fn stdlib() -> Result<String, String> {
    if std::env::var(SKIP).is_ok_and(|value| value == "1") {
        return Err(format!("{SKIP}=1"));
    }
    let version = python("import sys; print('%d.%d' % sys.version_info[:2])")
        .ok_or_else(|| format!("no {PYTHON} to run"))?;
    let minor = version
        .strip_prefix("3.")
        .and_then(|m| m.parse::<u8>().ok());
    if !minor.is_some_and(|minor| (8..=14).contains(&minor)) {
        return Err(format!(
            "{PYTHON} is {version}, not a version heaplint targets"
        ));
    }
    python("import sysconfig; print(sysconfig.get_paths()['stdlib'])")
        .ok_or_else(|| format!("{PYTHON} did not say where its standard library is"))
}

#[test]
fn the_standard_library_compiles_as_cpython_says() {
    let stdlib = match stdlib() {
        Ok(stdlib) => stdlib,
        Err(reason) => {
            eprintln!("skipping the standard library corpus: {reason}");
            return;
        }
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/corpus_check.py");
    let output = Command::new(PYTHON)
        .arg(script)
        .args([
            "--python",
            PYTHON,
            "--heaplint",
            env!("CARGO_BIN_EXE_heaplint"),
        ])
        .arg(&stdlib)
        .output()
        .expect("python3 runs bench/corpus_check.py");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "heaplint and {PYTHON} disagree on {stdlib}:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("0 mismatches"), "{report}");
}
