//! Turning diagnostics into output, one renderer per format. Renderers read the reports and
//! write; nothing here changes what was found.

mod concise;
mod github;
mod gitlab;
mod json;
mod json_lines;
mod junit;
mod pylint;
mod sarif;
pub mod statistics;
mod text;

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::{Component, Path};

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
    /// One JSON object per line, each the same as an element of `json`'s array.
    JsonLines,
    /// GitHub Actions workflow commands (`::warning file=...::message`), annotations on a PR.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// A GitLab Code Quality report (a JSON array of issues).
    Gitlab,
    /// JUnit XML: a test suite per file, a failing test case per finding.
    Junit,
    /// `path:row: [CODE] message`, as pylint's parseable output.
    Pylint,
}

impl OutputFormat {
    /// Whether the renderer reads the checked source: the text format draws snippets, and the
    /// fingerprints of `sarif` and `gitlab` hash the flagged lines.
    pub fn needs_sources(self) -> bool {
        matches!(
            self,
            OutputFormat::Text | OutputFormat::Sarif | OutputFormat::Gitlab
        )
    }
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
        OutputFormat::JsonLines => json_lines::render(reports, options, out),
        OutputFormat::Github => github::render(reports, out),
        OutputFormat::Sarif => sarif::render(reports, out),
        OutputFormat::Gitlab => gitlab::render(reports, out),
        OutputFormat::Junit => junit::render(reports, out),
        OutputFormat::Pylint => pylint::render(reports, out),
    }
}

/// `path` as CI tools want it: relative to the working directory when it is under it, without
/// `./`, with forward slashes.
fn relative_path(path: &Path) -> String {
    let stripped = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok())
            .unwrap_or(path)
    } else {
        path
    };
    let parts: Vec<String> = stripped
        .components()
        .filter(|component| !matches!(component, Component::CurDir))
        .map(|component| match component {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    let joined = parts.join("/");
    if joined.is_empty() {
        ".".to_string()
    } else if stripped.has_root() && !joined.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// What kind of problem stopped a file from being checked: `SyntaxError`, `OSError`, ...,
/// the word before the message's first colon.
fn problem_kind(message: &str) -> &str {
    message
        .split_once(':')
        .map(|(kind, _)| kind)
        .filter(|kind| !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or("Error")
}

/// A fingerprint for each of a report's diagnostics, in order, that stays the same when
/// unrelated lines move: a hash of the rule code, the path, the flagged lines' text with
/// whitespace collapsed, and the occurrence index among this file's diagnostics with the same
/// code and text. Line numbers are left out on purpose. Without the source (it could not be
/// read), the message stands in for the text.
fn fingerprints(report: &FileReport) -> Vec<String> {
    let lines: Vec<&str> = report
        .source
        .as_ref()
        .map(|source| source.text().lines().collect())
        .unwrap_or_default();
    let path = relative_path(&report.path);
    let mut seen: rustc_hash::FxHashMap<(Option<&str>, String), usize> = Default::default();
    report
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let code = diagnostic.rule.map(|rule| rule.code());
            let first = diagnostic.location.row.saturating_sub(1);
            let last = diagnostic.end_location.row.max(diagnostic.location.row);
            let text = match lines.get(first..last.min(lines.len())) {
                Some(flagged) if !flagged.is_empty() => flagged
                    .iter()
                    .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
                    .collect::<Vec<_>>()
                    .join("\n"),
                _ => diagnostic.message.clone(),
            };
            let occurrence = seen.entry((code, text.clone())).or_insert(0);
            let key = format!(
                "{}\0{path}\0{text}\0{occurrence}",
                code.unwrap_or(problem_kind(&diagnostic.message))
            );
            *occurrence += 1;
            format!(
                "{:016x}{:016x}",
                fnv1a(key.as_bytes(), 0),
                fnv1a(key.as_bytes(), 1)
            )
        })
        .collect()
}

/// 64-bit FNV-1a, seeded so two runs give 128 bits. Stable across Rust versions and platforms,
/// unlike the standard library's hasher.
fn fnv1a(bytes: &[u8], seed: u8) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in std::iter::once(&seed).chain(bytes) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
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
