//! A GitLab Code Quality report: a JSON array of issues, shown in merge requests.
//!
//! Severity: `error` is `major`, or `critical` when the habit is quadratic (`O(n^2)`), since
//! those are the findings that grow without bound; `warning` is `minor`, `info` is `info`. A
//! file that could not be checked is `major`, under `check_name` `SyntaxError` or `OSError`.
//! Fingerprints hash what was flagged, not where (see `report::fingerprints`), so an issue keeps
//! its identity across merge requests when unrelated lines move, and are unique per finding.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{cost_line, fingerprints, problem_kind, relative_path};
use crate::diagnostic::{Diagnostic, FileReport};
use crate::model::{Growth, Severity};

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut issues = Vec::new();
    for report in reports {
        let path = relative_path(&report.path);
        for (diagnostic, fingerprint) in report.diagnostics.iter().zip(fingerprints(report)) {
            issues.push(issue(&path, diagnostic, fingerprint));
        }
    }
    // No byte-order mark: GitLab rejects a report that starts with one.
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
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
