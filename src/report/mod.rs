//! Turning diagnostics into output, one renderer per format. Renderers read the reports and
//! write; nothing here changes what was found.

mod concise;
mod json;
mod text;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::diagnostic::FileReport;

/// The output formats of `--output-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// A report per finding with the source snippet, the better habit and the cost.
    Text,
    /// `path:row:col: CODE message`, one per line.
    Concise,
    /// An array of objects shaped like ruff's JSON output, plus each finding's cost.
    Json,
}

/// How the text renderer should look.
#[derive(Clone, Copy, Debug)]
pub struct TextStyle {
    pub color: bool,
    pub width: usize,
}

pub fn render(
    format: OutputFormat,
    reports: &[FileReport],
    style: TextStyle,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Text => text::render(reports, style, out),
        OutputFormat::Concise => concise::render(reports, out),
        OutputFormat::Json => json::render(reports, out),
    }
}

/// `text` for a terminal: control characters escaped. A parser message can quote a NUL or an
/// escape sequence from a binary file, and a help text can quote a string literal.
fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Counts for the closing line of the human-readable formats.
struct Totals {
    findings: usize,
    files_with_findings: usize,
    unchecked: usize,
}

impl Totals {
    fn of(reports: &[FileReport]) -> Totals {
        Totals {
            findings: reports.iter().map(|r| r.findings().count()).sum(),
            files_with_findings: reports
                .iter()
                .filter(|r| r.findings().next().is_some())
                .count(),
            unchecked: reports.iter().filter(|r| !r.checked()).count(),
        }
    }

    fn sentence(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let mut sentence = if self.findings == 0 {
            "No findings.".to_string()
        } else {
            format!(
                "Found {} in {}.",
                plural(self.findings, "finding"),
                plural(self.files_with_findings, "file")
            )
        };
        if self.unchecked > 0 {
            sentence.push_str(&format!(
                " {} could not be checked.",
                plural(self.unchecked, "file")
            ));
        }
        sentence
    }
}
