//! What the report stage receives: findings placed in their file, with rows and columns and a
//! cost, plus the problems that stopped a file from being checked at all.

use std::path::PathBuf;

use ruff_text_size::{TextRange, TextSize};

use crate::config::Thresholds;
use crate::model::{Cost, Severity};
use crate::rules::Rule;
use crate::source::{Location, SourceFile};

/// One line of output: a finding, or a file-level problem (`rule` is `None`).
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: Option<Rule>,
    pub message: String,
    pub help: Option<String>,
    /// Byte range in the decoded source, for drawing the snippet.
    pub range: TextRange,
    pub location: Location,
    pub end_location: Location,
    /// The row a `# noqa` comment must be on to silence this diagnostic.
    pub noqa_row: usize,
    /// A finding's from its cost and its rule; a file that could not be checked is an error.
    pub severity: Severity,
    pub cost: Option<Cost>,
}

impl Diagnostic {
    /// A problem with the file as a whole, shown at its first character.
    pub fn file_problem(message: String) -> Diagnostic {
        let start = Location { row: 1, column: 1 };
        Diagnostic {
            rule: None,
            message,
            help: None,
            range: TextRange::empty(TextSize::from(0)),
            location: start,
            end_location: start,
            noqa_row: 1,
            severity: Severity::Error,
            cost: None,
        }
    }
}

/// Everything heaplint has to say about one file.
pub struct FileReport {
    pub path: PathBuf,
    /// The decoded text, when the file could be read; the text renderer draws snippets from it.
    pub source: Option<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// True when heaplint itself failed on this file (a bug, reported as such).
    pub internal_error: bool,
    /// The file's settings for which findings are shown and which fail the run.
    pub thresholds: Thresholds,
    /// Findings below `thresholds.show`, counted and left out.
    pub hidden: usize,
}

impl FileReport {
    /// A file that could not be checked, with the reason.
    pub fn failed(path: PathBuf, source: Option<SourceFile>, problem: Diagnostic) -> FileReport {
        FileReport {
            path,
            source,
            diagnostics: vec![problem],
            internal_error: false,
            thresholds: Thresholds::DEFAULT,
            hidden: 0,
        }
    }

    /// Leaves out, and counts, the findings below the least severity shown. A file that could
    /// not be checked is always shown.
    pub fn hide_below_threshold(&mut self) {
        let show = self.thresholds.show;
        let before = self.diagnostics.len();
        self.diagnostics
            .retain(|diagnostic| diagnostic.rule.is_none() || diagnostic.severity >= show);
        self.hidden += before - self.diagnostics.len();
    }

    /// True when a diagnostic shown is severe enough to fail the run.
    pub fn fails(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity >= self.thresholds.fail)
    }

    /// False when the file could not be read, decoded or parsed: its report is that problem,
    /// a diagnostic without a rule, instead of findings.
    pub fn checked(&self) -> bool {
        self.diagnostics.iter().all(|d| d.rule.is_some())
    }

    pub fn findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.rule.is_some())
    }
}
