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

use rustc_hash::FxHashMap;

use crate::diagnostic::{Diagnostic, FileReport};
use crate::model::{Cost, IterationsSource, Role, grouped, human_bytes, human_duration, signed};

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
    let lines = report
        .source
        .as_ref()
        .map(|source| source_lines(source.text()))
        .unwrap_or_default();
    let path = relative_path(&report.path);
    // Everything but the occurrence index is hashed once per code and rows: a line with
    // thousands of findings is not hashed thousands of times.
    let mut prefixes: FxHashMap<(&str, usize, usize), [Fnv; 2]> = FxHashMap::default();
    let mut seen: FxHashMap<[Fnv; 2], usize> = FxHashMap::default();
    report
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let kind = diagnostic
                .rule
                .map_or_else(|| problem_kind(&diagnostic.message), |rule| rule.code());
            let first = diagnostic.location.row.saturating_sub(1);
            let last = diagnostic.end_location.row.max(diagnostic.location.row);
            let prefix = match lines.get(first..last.min(lines.len())) {
                Some(flagged) if !flagged.is_empty() => *prefixes
                    .entry((kind, first, last))
                    .or_insert_with(|| hash_prefix(kind, &path, |fnv| collapsed(fnv, flagged))),
                _ => hash_prefix(kind, &path, |fnv| fnv.write(diagnostic.message.as_bytes())),
            };
            let occurrence = seen.entry(prefix).or_insert(0);
            let index = occurrence.to_string();
            *occurrence += 1;
            let [first_half, second_half] = prefix.map(|fnv| fnv.write(index.as_bytes()).0);
            format!("{first_half:016x}{second_half:016x}")
        })
        .collect()
}

/// The lines of `text` as the line index counts them: ended by LF, CRLF or a lone CR.
fn source_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(end) = memchr::memchr2(b'\n', b'\r', rest.as_bytes()) {
        lines.push(&rest[..end]);
        let after = if rest[end..].starts_with("\r\n") {
            end + 2
        } else {
            end + 1
        };
        rest = &rest[after..];
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    lines
}

/// Both fingerprint hashes of `{kind}\0{path}\0{text}\0`, where `text` is what `write_text`
/// writes; the occurrence index follows.
fn hash_prefix(kind: &str, path: &str, write_text: impl Fn(Fnv) -> Fnv) -> [Fnv; 2] {
    [0, 1].map(|seed| {
        let fnv = Fnv::seeded(seed).write(kind.as_bytes()).write(b"\0");
        write_text(fnv.write(path.as_bytes()).write(b"\0")).write(b"\0")
    })
}

/// Writes the lines with each run of whitespace as one space, joined by `\n`.
fn collapsed(mut fnv: Fnv, lines: &[&str]) -> Fnv {
    for (row, line) in lines.iter().enumerate() {
        if row > 0 {
            fnv = fnv.write(b"\n");
        }
        for (index, word) in line.split_whitespace().enumerate() {
            if index > 0 {
                fnv = fnv.write(b" ");
            }
            fnv = fnv.write(word.as_bytes());
        }
    }
    fnv
}

/// 64-bit FNV-1a, seeded so two runs give 128 bits. Stable across Rust versions and platforms,
/// unlike the standard library's hasher; fed piece by piece, so a prefix's state can be kept.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Fnv(u64);

impl Fnv {
    fn seeded(seed: u8) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325).write(&[seed])
    }

    fn write(self, bytes: &[u8]) -> Fnv {
        let mut hash = self.0;
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Fnv(hash)
    }
}

/// A cost's figures in one line: `+5.0 MB in +970 allocations, peak +1.2 KB, O(n^2),
/// n = 1,000, CPython 3.12`; `n = 100 assumed` when the source does not show some count.
pub fn cost_line(cost: &Cost) -> String {
    let excess = &cost.excess;
    let mut parts = Vec::new();
    if excess.allocations == 0 && excess.allocated_bytes == 0 && excess.peak_bytes == 0 {
        parts.push("no extra allocation".to_string());
    } else {
        let more = if excess.at_least { "more than " } else { "" };
        let allocations = if excess.allocations == 0 {
            "the same number of allocations".to_string()
        } else {
            format!("{} allocations", signed(excess.allocations))
        };
        parts.push(format!(
            "{more}{} in {allocations}",
            signed_bytes(excess.allocated_bytes)
        ));
        parts.push(format!("peak {}", signed_bytes(excess.peak_bytes)));
    }
    if let Some(ns) = excess.extra_time_ns {
        parts.push(format!("+{} of lookups", human_duration(ns)));
    }
    parts.push(cost.growth.as_str().to_string());
    parts.push(iterations_text(cost));
    parts.push(format!("CPython {}", cost.python));
    parts.join(", ")
}

/// `cost: ...` and, when the cost assumed a count, `assumed: ...` on the next line: how the
/// one-line formats state a cost.
fn cost_lines(cost: &Cost) -> String {
    match assumptions_text(cost) {
        Some(assumed) => format!("cost: {}\nassumed: {assumed}", cost_line(cost)),
        None => format!("cost: {}", cost_line(cost)),
    }
}

/// `n = 1,000 x 3 runs`, `n = 225 (1/4 of the loop's passes, split evenly among the branches
/// around it)`, `n = 100 assumed, per run`, `runs once`.
fn iterations_text(cost: &Cost) -> String {
    if cost.iterations_source == IterationsSource::Single {
        return "runs once".to_string();
    }
    let mut text = format!("n = {}", grouped(cost.iterations));
    if cost.assumed.is_some() {
        text.push_str(" assumed");
    }
    if cost.shared_by > 1 {
        text.push_str(&format!(
            " (1/{} of the loop's passes, split evenly among the branches around it)",
            grouped(cost.shared_by)
        ));
    }
    if cost.runs > 1 {
        text.push_str(&format!(" x {} runs", grouped(cost.runs)));
    }
    if cost
        .assumptions
        .iter()
        .any(|assumption| assumption.role == Role::Runs)
    {
        text.push_str(", per run");
    }
    text
}

/// What the figures assumed, in a sentence, or `None` when the source shows every count:
/// ``100 for the loop over `rows` (line 9), whose count the source does not show; per run of
/// the loop over `files` (line 5), which the source does not count``.
pub fn assumptions_text(cost: &Cost) -> Option<String> {
    let named = |role: Role| -> Vec<String> {
        cost.assumptions
            .iter()
            .filter(|assumption| assumption.role == role)
            .map(|assumption| match &assumption.file {
                Some(file) => format!("{} ({file}:{})", assumption.what, assumption.line),
                None => format!("{} (line {})", assumption.what, assumption.line),
            })
            .collect()
    };
    let (counts, runs) = (named(Role::Count), named(Role::Runs));
    let mut parts = Vec::new();
    if let Some(assumed) = cost.assumed {
        let (all, whose) = if counts.len() == 1 {
            ("", "whose count")
        } else {
            (" in all", "whose counts")
        };
        parts.push(format!(
            "{}{all} for {}, {whose} the source does not show",
            grouped(assumed),
            listed(&counts),
        ));
    }
    if !runs.is_empty() {
        parts.push(format!(
            "per run of {}, which the source does not count",
            listed(&runs)
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// `a`, `a and b`, `a, b and c`.
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
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

/// The findings that matter most, at most `limit`: the most severe first, then those whose
/// counts the source shows before those resting on an assumed count, then by bytes. Findings
/// that cost nothing extra are left out.
fn costliest(reports: &[FileReport], limit: usize) -> Vec<(&FileReport, &Diagnostic)> {
    let mut ranked: Vec<(&FileReport, &Diagnostic, &Cost)> = reports
        .iter()
        .flat_map(|report| {
            report.findings().filter_map(move |diagnostic| {
                let cost = diagnostic.cost.as_ref()?;
                (cost.excess.allocated_bytes > 0 || cost.excess.peak_bytes > 0)
                    .then_some((report, diagnostic, cost))
            })
        })
        .collect();
    ranked.sort_by_key(|(_, diagnostic, cost)| {
        std::cmp::Reverse((
            diagnostic.severity,
            cost.assumed.is_none(),
            cost.excess.allocated_bytes,
            cost.excess.peak_bytes,
        ))
    });
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
    /// Findings below the least severity shown, left out.
    hidden: usize,
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
            hidden: reports.iter().map(|r| r.hidden).sum(),
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
        if self.hidden > 0 {
            sentence.push_str(&format!(
                " {} below the least severity shown (`--min-severity`).",
                plural(self.hidden, "finding"),
            ));
        }
        sentence
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::rules::Rule;
    use crate::source::SourceFile;

    /// The values are those of `heaplint/v1` before the hash was fed piece by piece: FNV-1a of
    /// `MEM101\0a.py\0y == None\0{occurrence}`, seeded with 0 and 1.
    #[test]
    fn fingerprints_are_stable_and_rows_end_at_any_line_break() {
        let text = "x = 1\r  y  ==  None\ry == None\r\n".to_string();
        let at_row = |row| {
            let mut diagnostic = Diagnostic::file_problem("m".to_string());
            diagnostic.rule = Some(Rule::NoneComparison);
            diagnostic.location.row = row;
            diagnostic.end_location.row = row;
            diagnostic
        };
        let report = FileReport {
            path: PathBuf::from("a.py"),
            source: Some(SourceFile::new(PathBuf::from("a.py"), text)),
            diagnostics: vec![at_row(2), at_row(3), at_row(2)],
            internal_error: false,
            thresholds: crate::config::Thresholds::DEFAULT,
            hidden: 0,
        };
        assert_eq!(
            fingerprints(&report),
            [
                "8d98b020f58523bfb3b0bec50b21636a",
                "8d98af20f585220cb3b0bfc50b21651d",
                "8d98b220f5852725b3b0bcc50b216004",
            ]
        );
    }
}
