//! A JSON array of diagnostics shaped like `ruff check --output-format json`, so tools that
//! read ruff's output read ours, plus `name` and the finding's `cost`.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::FileReport;
use crate::model::Cost;
use crate::source::Location;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: Option<&'static str>,
    name: Option<&'static str>,
    message: &'a str,
    filename: String,
    location: Location,
    end_location: Location,
    /// heaplint has no automatic fixes yet.
    fix: Option<()>,
    noqa_row: usize,
    url: Option<String>,
    cost: Option<&'a Cost>,
}

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let diagnostics: Vec<JsonDiagnostic> = reports
        .iter()
        .flat_map(|report| {
            report
                .diagnostics
                .iter()
                .map(move |diagnostic| JsonDiagnostic {
                    code: diagnostic.rule.map(|rule| rule.code()),
                    name: diagnostic.rule.map(|rule| rule.name()),
                    message: &diagnostic.message,
                    filename: report.path.display().to_string(),
                    location: diagnostic.location,
                    end_location: diagnostic.end_location,
                    fix: None,
                    noqa_row: diagnostic.noqa_row,
                    url: None,
                    cost: diagnostic.cost.as_ref(),
                })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &diagnostics)?;
    writeln!(out)
}
