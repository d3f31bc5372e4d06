//! heaplint finds memory-unfriendly habits in Python code and says what each costs in
//! allocations on the CPython version you target.
//!
//! The data flows one way, one module per stage:
//!
//! 1. [`discover`]: command-line paths to the files to check, each with the settings
//!    [`resolve`] finds for it in the configuration files;
//! 2. [`source`]: bytes to decoded text with a line index;
//! 3. parse (`ruff_python_parser`);
//! 4. [`semantic`]: the scopes, bindings and loops of the module, in one walk that also
//!    keeps, for the checker, the nodes the enabled rules look at;
//! 5. [`checker`]: the [`rules`] run over those nodes with the finished model, and report
//!    findings;
//! 6. [`noqa`]: findings silenced by `# noqa` comments are dropped;
//! 7. [`model`]: each finding's scenario priced for the target version;
//! 8. [`project`]: once every file is checked, the facts each left behind are joined for the
//!    rules that need the whole repository, whose findings join their files' reports;
//! 9. [`report`]: one renderer per output format.

pub mod checker;
pub mod compile_errors;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod model;
pub mod noqa;
pub mod project;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod semantic;
pub mod source;

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use ruff_text_size::{Ranged, TextRange};

use crate::compile_errors::CompileError;
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, FileReport};
use crate::noqa::{NoqaDirectives, NoqaRows};
use crate::project::facts::{FileFacts, Placement};
use crate::project::{Checked, Packages};
use crate::resolve::{ConfigError, Resolver};
use crate::rules::{Finding, Rule};
use crate::semantic::SemanticModel;
use crate::source::SourceFile;

/// Stack for the threads that check files. Deeply nested code makes deep ASTs, and dropping one
/// recurses in the AST's own `Drop`; the walk itself grows its stack on demand. Only the pages
/// a file actually needs are touched, so the reservation costs address space, not memory.
const CHECK_THREAD_STACK: usize = 256 << 20;

/// Checks every file `paths` lead to, in parallel, each with the settings of the configuration
/// governing it; reports come back sorted by path. A configuration file that cannot be used
/// stops the run before anything is checked.
pub fn check_paths(
    paths: &[PathBuf],
    resolver: &Resolver,
    force_exclude: bool,
) -> Result<Vec<FileReport>, ConfigError> {
    let pool = checking_pool().ok();
    // On the pool, discovery reads directories in parallel.
    let discovered = on(&pool, || discover::discover(paths, resolver, force_exclude))?;
    let packages = Packages::of(discovered.files.iter().map(|(path, _)| path.as_path()));
    let check_one = |(path, resolved): &(PathBuf, std::sync::Arc<resolve::Resolved>)| {
        let settings = resolved.settings_for(&resolver.absolute(path));
        check_file(path, &settings, &packages)
    };
    let check_all = || -> Vec<Checked> { discovered.files.par_iter().map(check_one).collect() };
    let mut checked = match &pool {
        Some(pool) => pool.install(check_all),
        // Without threads, walk and check on this one: slower, same result.
        None => discovered.files.iter().map(check_one).collect(),
    };
    checked.extend(discovered.errors.iter().map(|(path, error)| Checked {
        report: FileReport::failed(
            path.clone(),
            None,
            Diagnostic::file_problem(format!("OSError: {error}")),
        ),
        facts: None,
    }));
    // On the pool, the join spreads its per-file work over the same threads.
    let mut reports = on(&pool, || finish(checked));
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(reports)
}

/// Runs `work` on `pool`, or here when there is none.
fn on<T: Send>(pool: &Option<rayon::ThreadPool>, work: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// The thread pool files are checked on: one thread per core, each with a stack deep code fits in.
pub fn checking_pool() -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    checking_threads().build()
}

thread_local! {
    /// Whether this thread is one of [`checking_threads`], with the deep stack.
    static ON_CHECKING_THREAD: Cell<bool> = const { Cell::new(false) };
}

fn checking_threads() -> rayon::ThreadPoolBuilder {
    rayon::ThreadPoolBuilder::new()
        .stack_size(CHECK_THREAD_STACK)
        .start_handler(|_| ON_CHECKING_THREAD.set(true))
}

/// Runs `check` where the stack is a checking thread's: here when this is one, else on a new
/// thread (this may be the main thread, whose 8 MiB a 500,000-term `+` chain overflows), else,
/// when none can be started, here all the same.
fn on_checking_thread<T: Send>(check: impl FnOnce() -> T + Send) -> T {
    if ON_CHECKING_THREAD.get() {
        return check();
    }
    on(&checking_threads().num_threads(1).build().ok(), check)
}

/// Checks source read from standard input as the file `name` (`-` without
/// `--stdin-filename`): its configuration, `per-file-ignores` and target version are those of
/// that path. `None` when `force_exclude` and the configuration excludes `name`. The check
/// runs on a thread with the deep stack of [`checking_pool`]'s threads: the calling thread
/// when it is one.
pub fn check_stdin(
    bytes: &[u8],
    name: &Path,
    resolver: &Resolver,
    force_exclude: bool,
) -> Result<Option<FileReport>, ConfigError> {
    if force_exclude && discover::is_force_excluded(name, resolver)? {
        return Ok(None);
    }
    let settings = resolver
        .for_path(name)?
        .settings_for(&resolver.absolute(name));
    let report = on_checking_thread(|| match source::decode(bytes) {
        Ok(text) => check_source(SourceFile::new(name.to_path_buf(), text), &settings),
        Err(reason) => FileReport::failed(
            name.to_path_buf(),
            None,
            Diagnostic::file_problem(format!("SyntaxError: {reason}")),
        ),
    });
    Ok(Some(report))
}

/// Reads and checks one file, as a repository of its own. A bug in heaplint on this file is
/// reported against the file and does not stop the run.
pub fn check_path(path: &Path, settings: &Settings) -> FileReport {
    alone(check_file(
        path,
        settings,
        &Packages::of(std::iter::once(path)),
    ))
}

/// Checks decoded source, as a repository of its own.
pub fn check_source(source: SourceFile, settings: &Settings) -> FileReport {
    let packages = Packages::of(std::iter::once(source.path()));
    alone(check_text(source, settings, &packages))
}

/// The repository-wide pass over the checked files, then the findings each file's
/// `min-severity` leaves out taken away: the reports as the user sees them.
fn finish(checked: Vec<Checked>) -> Vec<FileReport> {
    let mut reports = project::finish(checked, place_repository_finding);
    for report in &mut reports {
        report.hide_below_threshold();
    }
    reports
}

/// The report of a file that is the whole repository.
fn alone(checked: Checked) -> FileReport {
    let mut reports = finish(vec![checked]);
    reports.pop().unwrap_or_else(|| {
        FileReport::failed(
            PathBuf::new(),
            None,
            Diagnostic::file_problem("InternalError: no report".to_string()),
        )
    })
}

/// Reads and checks one file, leaving the repository-wide pass its facts.
fn check_file(path: &Path, settings: &Settings, packages: &Packages) -> Checked {
    let source = match SourceFile::read(path) {
        Ok(source) => source,
        Err(error) => {
            let message = match error {
                source::ReadError::Io(error) => format!("OSError: {error}"),
                // CPython reports undecodable source as a syntax error too.
                source::ReadError::Decode(reason) => format!("SyntaxError: {reason}"),
            };
            return Checked {
                report: FileReport::failed(
                    path.to_path_buf(),
                    None,
                    Diagnostic::file_problem(message),
                ),
                facts: None,
            };
        }
    };
    check_text(source, settings, packages)
}

/// Checks decoded source, leaving the repository-wide pass its facts.
fn check_text(source: SourceFile, settings: &Settings, packages: &Packages) -> Checked {
    let path = source.path().to_path_buf();
    let outcome = catch_unwind(AssertUnwindSafe(|| diagnose(&source, settings, packages)));
    let report = match outcome {
        Ok(Outcome::Checked(diagnostics, facts)) => {
            // Only a file with something to draw needs its text kept for the report, or one
            // with candidates of the repository-wide pass, which may find something to draw.
            let candidates = facts.as_ref().is_some_and(FileFacts::has_candidates);
            let keep = settings.retain_sources && (!diagnostics.is_empty() || candidates);
            let report = FileReport {
                path,
                source: keep.then_some(source),
                diagnostics,
                internal_error: false,
                thresholds: settings.thresholds,
                hidden: 0,
            };
            return Checked { report, facts };
        }
        Ok(Outcome::SyntaxError(syntax_error)) => {
            FileReport::failed(path, Some(source), *syntax_error)
        }
        Err(_) => {
            let problem = Diagnostic::file_problem(
                "InternalError: heaplint failed on this file; please report it with the file attached"
                    .to_string(),
            );
            let mut report = FileReport::failed(path, Some(source), problem);
            report.internal_error = true;
            report
        }
    };
    Checked {
        report: FileReport {
            thresholds: settings.thresholds,
            ..report
        },
        facts: None,
    }
}

/// What became of a file that could be read.
enum Outcome {
    Checked(Vec<Diagnostic>, Option<FileFacts>),
    SyntaxError(Box<Diagnostic>),
}

/// Parses, checks, applies `noqa` and prices the findings; a syntax error instead when the
/// file would not compile on the target version.
fn diagnose(source: &SourceFile, settings: &Settings, packages: &Packages) -> Outcome {
    let parsed = compile_errors::parse(source.text(), settings.target);
    if let Some(error) = compile_errors::parse_error(&parsed) {
        return syntax_error(source, error);
    }
    let module = parsed.syntax();
    let mut recorder = checker::Recorder::new(settings);
    recorder.expect_source_length(source.text().len());
    let (model, compile_error, mut recorder) =
        SemanticModel::build_checked(module, source.text(), settings.target, recorder);
    if let Some(error) = compile_error {
        return syntax_error(source, error);
    }
    let calls = recorder.take_calls();
    let findings = checker::check_module(&model, recorder, source.text(), settings);
    let mut facts = project::facts::collect(
        &model,
        source.text(),
        &calls,
        settings,
        packages,
        |offset| source.location(offset).row,
    );
    let candidates = facts.as_ref().is_some_and(FileFacts::has_candidates);
    // Most files have no findings, and then there is nothing for a `noqa` to silence.
    if findings.is_empty() && !candidates {
        return Outcome::Checked(Vec::new(), facts);
    }
    // Candidates are names in `def` and `class` statements, never inside a string, so their
    // row is their line; a file that never says `noqa` silences none of them.
    if findings.is_empty() && !source.text().contains("noqa") {
        if let Some(facts) = &mut facts {
            facts.place(source, |start, _| Some(source.location(start).row));
        }
        return Outcome::Checked(Vec::new(), facts);
    }
    let noqa = NoqaDirectives::from_tokens(parsed.tokens(), source);
    let mut noqa_rows = NoqaRows::new(parsed.tokens(), source);
    if let Some(facts) = &mut facts {
        facts.place(source, |start, rule| {
            let row = noqa_rows.row_for(start);
            (!noqa.suppresses(row, rule)).then_some(row)
        });
    }
    Outcome::Checked(
        findings
            .into_iter()
            .filter_map(|finding| {
                let start = finding.range().start();
                let mut diagnostic = price(source, finding, settings)?;
                diagnostic.noqa_row = noqa_rows.row_for(start);
                Some(diagnostic)
            })
            .filter(|diagnostic| {
                diagnostic
                    .rule
                    .is_none_or(|rule| !noqa.suppresses(diagnostic.noqa_row, rule))
            })
            .collect(),
        facts,
    )
}

fn syntax_error(source: &SourceFile, error: CompileError) -> Outcome {
    let message = format!("SyntaxError: {}", error.message);
    Outcome::SyntaxError(Box::new(place(source, error.range, message)))
}

/// A diagnostic at `range` with rows and columns filled in.
fn place(source: &SourceFile, range: TextRange, message: String) -> Diagnostic {
    let location = source.location(range.start());
    Diagnostic {
        rule: None,
        message,
        help: None,
        range,
        location,
        end_location: source.location(range.end()),
        noqa_row: location.row,
        severity: model::Severity::Error,
        cost: None,
    }
}

/// A finding's severity: its cost's, or at most `info` in test code, and never below its
/// rule's floor.
fn severity(cost: &model::Cost, rule: Rule, test_code: bool) -> model::Severity {
    let judged = if test_code {
        cost.severity.min(model::Severity::Info)
    } else {
        cost.severity
    };
    judged.max(rule.meta().severity_floor)
}

/// Prices a finding of the repository-wide pass for its file's target and puts it where its
/// candidate was placed when the file was checked; `None` when it is not worth reporting.
fn place_repository_finding(
    facts: &FileFacts,
    finding: Finding,
    placement: Placement,
) -> Option<Diagnostic> {
    let mut cost = model::estimate(
        &finding.scenario,
        &finding.iterations,
        facts.assume_iterations,
        facts.target,
    );
    if !cost.worth_reporting() {
        return None;
    }
    // Placed when the file was checked: only their order is left.
    cost.place_assumptions(|_| 0);
    Some(Diagnostic {
        rule: Some(finding.rule),
        message: finding.message,
        help: Some(finding.help),
        range: finding.range,
        location: placement.location,
        end_location: placement.end_location,
        noqa_row: placement.noqa_row,
        severity: severity(&cost, finding.rule, facts.test_code),
        cost: Some(cost),
    })
}

/// Prices a finding for `settings`' target and places it, and what it assumed, in `source`;
/// `None` when the alternative it suggests is no better on any figure the advice is about.
fn price(source: &SourceFile, finding: Finding, settings: &Settings) -> Option<Diagnostic> {
    let mut cost = model::estimate(
        &finding.scenario,
        &finding.iterations,
        settings.assume_iterations,
        settings.target,
    );
    if !cost.worth_reporting() {
        return None;
    }
    cost.place_assumptions(|offset| source.location(offset).row);
    let mut diagnostic = place(source, finding.range(), finding.message);
    diagnostic.rule = Some(finding.rule);
    diagnostic.help = Some(finding.help);
    diagnostic.severity = severity(&cost, finding.rule, settings.test_code);
    diagnostic.cost = Some(cost);
    Some(diagnostic)
}
