//! Turning diagnostics into output, one renderer per format. Renderers read the reports and
//! write; nothing here changes what was found.

mod concise;
mod json;
pub mod statistics;
mod text;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, FileReport};
use crate::model::{Cost, IterationsSource, grouped, human_bytes, human_duration, signed};

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

/// How the renderers should look, and what they include.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub color: bool,
    pub width: usize,
    /// Include how each cost was derived, a formula per line (text and JSON).
    pub show_derivation: bool,
}

pub fn render(
    format: OutputFormat,
    reports: &[FileReport],
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Text => text::render(reports, options, out),
        OutputFormat::Concise => concise::render(reports, out),
        OutputFormat::Json => json::render(reports, options, out),
    }
}

/// A cost's figures in one line: `+5.0 MB in +970 allocations, peak +1.2 KB, O(n^2),
/// n = 1,000 (range literals), CPython 3.12`.
pub fn cost_line(cost: &Cost) -> String {
    let mut parts = Vec::new();
    if cost.allocations == 0 && cost.allocated_bytes == 0 && cost.peak_bytes == 0 {
        parts.push("no extra allocation".to_string());
    } else {
        parts.push(format!(
            "{} in {} allocations",
            signed_bytes(cost.allocated_bytes),
            signed(cost.allocations)
        ));
        parts.push(format!("peak {}", signed_bytes(cost.peak_bytes)));
    }
    if let Some(ns) = cost.extra_time_ns {
        parts.push(format!("+{} of lookups", human_duration(ns)));
    }
    parts.push(cost.growth.as_str().to_string());
    let repeated = if cost.runs > 1 {
        format!(" x {} runs", grouped(cost.runs))
    } else {
        String::new()
    };
    let n = grouped(cost.iterations);
    parts.push(match cost.iterations_source {
        IterationsSource::Single => "runs once".to_string(),
        IterationsSource::RangeLiteral => format!("n = {n}{repeated} (range literals)"),
        IterationsSource::Assumed => format!("n = {n}{repeated} (some assumed)"),
    });
    parts.push(format!("CPython {}", cost.python));
    parts.join(", ")
}

fn signed_bytes(value: i64) -> String {
    match value {
        0 => "0 B".to_string(),
        v if v > 0 => format!("+{}", human_bytes(v.unsigned_abs())),
        v => format!("-{}", human_bytes(v.unsigned_abs())),
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

/// The findings that allocate the most beyond their alternative (by bytes allocated, then by
/// peak), at most `limit`; findings that cost nothing extra are left out.
fn costliest(reports: &[FileReport], limit: usize) -> Vec<(&FileReport, &Diagnostic)> {
    let mut ranked: Vec<(&FileReport, &Diagnostic, &Cost)> = reports
        .iter()
        .flat_map(|report| {
            report.findings().filter_map(move |diagnostic| {
                let cost = diagnostic.cost.as_ref()?;
                (cost.allocated_bytes > 0 || cost.peak_bytes > 0)
                    .then_some((report, diagnostic, cost))
            })
        })
        .collect();
    ranked.sort_by_key(|(_, _, cost)| std::cmp::Reverse((cost.allocated_bytes, cost.peak_bytes)));
    ranked
        .into_iter()
        .take(limit)
        .map(|(report, diagnostic, _)| (report, diagnostic))
        .collect()
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
