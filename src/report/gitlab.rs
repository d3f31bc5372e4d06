//! A GitLab Code Quality report: a JSON array of issues, shown in merge requests.
//!
//! Severity: `error` is `major`, or `critical` when the habit is quadratic (`O(n^2)`), since
//! those are the findings that grow without bound; `warning` is `minor`, `info` is `info`. A
//! file that could not be checked is `major`, under `check_name` `SyntaxError` or `OSError`.
//! Fingerprints hash what was flagged, not where (see `report::fingerprints`), so an issue keeps
//! its identity across merge requests when unrelated lines move, and are unique per finding.

use std::io::{self, Write};

use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::{cost_line, fingerprints, problem_kind, relative_path};
use crate::diagnostic::{Diagnostic, FileReport};
use crate::model::{Growth, Severity};

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    // No byte-order mark: GitLab rejects a report that starts with one.
    serde_json::to_writer_pretty(&mut *out, &Issues(reports))?;
    writeln!(out)
}

/// The issues, written as they are built rather than all held as JSON values at once.
struct Issues<'a>(&'a [FileReport]);

impl Serialize for Issues<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().flat_map(|report| {
            let path = relative_path(&report.path);
            let fingerprints = fingerprints(report);
            report
                .diagnostics
                .iter()
                .zip(fingerprints)
                .map(move |(diagnostic, fingerprint)| issue(&path, diagnostic, fingerprint))
        }))
    }
}

fn issue(path: &str, diagnostic: &Diagnostic, fingerprint: String) -> Value {
    let (check_name, description) = match diagnostic.rule {
        Some(rule) => {
            let mut description = format!("{}: {}", rule.code(), diagnostic.message);
            if let Some(cost) = &diagnostic.cost {
                description.push_str(&format!(" (cost: {})", cost_line(cost)));
            }
            (rule.code().to_string(), description)
        }
        None => (
            problem_kind(&diagnostic.message).to_string(),
            diagnostic.message.clone(),
        ),
    };
    json!({
        "type": "issue",
        "description": description,
        "check_name": check_name,
        "fingerprint": fingerprint,
        "severity": severity(diagnostic),
        "categories": ["Performance"],
        "location": {
            "path": path,
            "lines": {
                "begin": diagnostic.location.row,
                "end": diagnostic.end_location.row,
            }
        }
    })
}

fn severity(diagnostic: &Diagnostic) -> &'static str {
    let quadratic = diagnostic
        .cost
        .as_ref()
        .is_some_and(|cost| cost.growth == Growth::Quadratic);
    match diagnostic.severity {
        Severity::Error if quadratic => "critical",
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}
