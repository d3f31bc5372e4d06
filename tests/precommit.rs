//! The pre-commit hook (`.pre-commit-hooks.yaml`) installed and run by the real `pre-commit`,
//! with `pre-commit try-repo`, as a user trying the hook would.
//!
//! The hook is built from a snapshot of this working tree (committed files plus uncommitted and
//! untracked ones) committed to a scratch repository. `try-repo` makes a new pre-commit store
//! for every call, so every call installs the hook again: a release build through pip and
//! maturin. One `CARGO_TARGET_DIR` shared by the calls lets the dependencies be compiled once,
//! so only the first call takes minutes.
//!
//! Uses the `pre-commit` on `PATH`, or installs it from PyPI into a virtual environment; needs
//! `git`, PyPI (maturin) and crates.io. Set `HEAPLINT_SKIP_PRE_COMMIT=1` to skip it; without
//! that, a `pre-commit` that cannot be found or installed fails the test.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const SKIP: &str = "HEAPLINT_SKIP_PRE_COMMIT";

/// A warning with the default settings: a string copied on every iteration of a loop over
/// data of unknown size.
const HABIT: &str =
    "def f(self, lines):\n    for line in lines:\n        self.text += line + \"\\n\"\n";
const CLEAN: &str = "def f(self, lines):\n    self.text += ''.join(lines)\n";

/// Enough files with long enough names that the file list is longer than the 128 KiB pre-commit
/// gives one command line, so it runs heaplint more than once.
const MANY: usize = 3000;
const LONG_DIRECTORY: &str =
    "a_package_with_a_long_name_so_that_the_file_list_needs_several_command_lines";

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=heaplint tests",
            "-c",
            "user.email=tests@heaplint.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

fn write(dir: &Path, path: &str, contents: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, contents).expect("write");
}

/// Copies this repository's files, as the working tree has them, into a new repository at
/// `to` and commits them; returns the commit.
fn snapshot_of_this_repository(to: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listing = git(
        root,
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    fs::create_dir_all(to).expect("mkdir");
    for file in listing.split('\0').filter(|file| !file.is_empty()) {
        let from = root.join(file);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let target = to.join(file);
        fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        fs::copy(&from, &target).expect("copy");
    }
    assert!(
        to.join(".pre-commit-hooks.yaml").is_file(),
        "the hook manifest is part of the repository"
    );
    git(to, &["init", "--quiet"]);
    git(to, &["add", "--all"]);
    git(to, &["commit", "--quiet", "--message", "snapshot"]);
    git(to, &["rev-parse", "HEAD"]).trim().to_string()
}

struct PreCommit {
    program: PathBuf,
    project: PathBuf,
    hook_repo: PathBuf,
    rev: String,
    /// Shared by every install, so only the first compiles heaplint's dependencies.
    cargo_target: PathBuf,
}

impl PreCommit {
    /// `pre-commit try-repo HOOK_REPO heaplint --ref REV ARGS` in the project: its exit code
    /// and its whole output.
    fn run(&self, args: &[&str]) -> (i32, String) {
        let Output {
            status,
            stdout,
            stderr,
        } = Command::new(&self.program)
            .current_dir(&self.project)
            .env("PRE_COMMIT_COLOR", "never")
            .env("CARGO_TARGET_DIR", &self.cargo_target)
            .env_remove("SKIP")
            .arg("try-repo")
            .arg(&self.hook_repo)
            .args(["heaplint", "--ref", &self.rev, "--color", "never"])
            .args(args)
            .output()
            .expect("pre-commit runs");
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        );
        (status.code().unwrap_or(-1), output)
    }
}

/// How many times heaplint ran: each run ends with one summary line.
fn heaplint_runs(output: &str) -> usize {
    output
        .lines()
        .filter(|line| {
            *line == "No findings." || (line.starts_with("Found ") && line.ends_with('.'))
        })
        .count()
}

fn runs(program: &Path) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// `pre-commit` from `PATH`, or else installed from PyPI into a virtual environment in
/// `scratch`, so `cargo test` needs nothing installed beforehand.
fn pre_commit_program(scratch: &Path) -> Result<PathBuf, String> {
    let on_path = PathBuf::from("pre-commit");
    if runs(&on_path) {
        return Ok(on_path);
    }
    let venv = scratch.join("pre-commit-venv");
    let created = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|status| status.success());
    let installed = created
        && Command::new(venv.join("bin/python"))
            .args(["-m", "pip", "install", "--quiet", "pre-commit"])
            .status()
            .is_ok_and(|status| status.success());
    let program = venv.join("bin/pre-commit");
    if installed && runs(&program) {
        Ok(program)
    } else {
        Err(
            "`pre-commit` is not on PATH and could not be installed from PyPI with \
             `python3 -m venv` and pip"
                .to_string(),
        )
    }
}

#[test]
fn the_pre_commit_hook_installs_and_runs() {
    if std::env::var_os(SKIP).is_some_and(|value| value == "1") {
        eprintln!("{SKIP}=1: the pre-commit hook test is skipped");
        return;
    }
    let scratch = TempDir::new().expect("tempdir");
    let program = pre_commit_program(scratch.path()).unwrap_or_else(|problem| {
        panic!("{problem}; install it, or set {SKIP}=1 to skip this test")
    });
    let hook_repo = scratch.path().join("heaplint");
    let rev = snapshot_of_this_repository(&hook_repo);

    let project = scratch.path().join("project");
    fs::create_dir_all(&project).expect("mkdir");
    git(&project, &["init", "--quiet"]);
    write(&project, "flagged.py", HABIT);
    write(&project, "clean.py", CLEAN);
    write(&project, "notes.txt", "x == None\n");
    git(&project, &["add", "--all"]);
    let pre_commit = PreCommit {
        program,
        project,
        hook_repo,
        rev,
        cargo_target: scratch.path().join("cargo-target"),
    };

    // A file with a finding fails the hook, with the finding printed. The first install
    // compiles everything; later ones only heaplint itself.
    let (code, output) = pre_commit.run(&["--files", "flagged.py"]);
    assert_eq!(code, 1, "a finding fails the hook:\n{output}");
    assert!(output.contains("heaplint"), "{output}");
    assert!(output.contains("Failed"), "{output}");
    assert!(
        output.contains("MEM201"),
        "the finding is printed:\n{output}"
    );
    assert!(output.contains("flagged.py"), "{output}");

    // A clean file passes.
    let (code, output) = pre_commit.run(&["--files", "clean.py"]);
    assert_eq!(code, 0, "a clean file passes:\n{output}");
    assert!(output.contains("Passed"), "{output}");

    // Files that are not Python are not handed to heaplint at all.
    let (code, output) = pre_commit.run(&["--files", "notes.txt"]);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("no files to check"), "{output}");

    // Many files: pre-commit splits the list over several runs of heaplint, and one run
    // with a finding fails the hook even when the runs after it pass.
    for index in 0..MANY {
        write(
            &pre_commit.project,
            &format!("{LONG_DIRECTORY}/module_{index:05}.py"),
            CLEAN,
        );
    }
    write(&pre_commit.project, "a_first.py", HABIT);
    git(&pre_commit.project, &["add", "--all"]);
    let (code, output) = pre_commit.run(&["--all-files", "--verbose"]);
    assert_eq!(code, 1, "a finding in the first run fails the hook");
    assert!(
        heaplint_runs(&output) >= 2,
        "the file list is split over several runs:\n{output}"
    );
    assert!(output.contains("a_first.py"), "{output}");
    assert!(output.contains("flagged.py"), "{output}");

    git(
        &pre_commit.project,
        &["rm", "--quiet", "--force", "a_first.py", "flagged.py"],
    );
    let (code, output) = pre_commit.run(&["--all-files", "--verbose"]);
    let runs = heaplint_runs(&output);
    assert_eq!(code, 0, "every file is clean:\n{output}");
    assert!(
        runs >= 2,
        "the file list is split over several runs:\n{output}"
    );
    assert_eq!(
        output.matches("No findings.").count(),
        runs,
        "no run found anything:\n{output}"
    );
}
