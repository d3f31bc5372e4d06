//! A JSON array of diagnostics shaped like `ruff check --output-format json`, so tools that
//! read ruff's output read ours, plus `name` and the finding's `cost`.

use std::io::{self, Write};

use serde::Serialize;

use super::RenderOptions;
use crate::diagnostic::FileReport;
use crate::model::{Cost, Severity};
use crate::source::Location;

#[derive(Serialize)]
pub(super) struct JsonDiagnostic<'a> {
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
    severity: Severity,
    cost: Option<JsonCost<'a>>,
}

/// The cost, with its derivation when `--show-derivation` asks for it.
#[derive(Serialize)]
struct JsonCost<'a> {
    #[serde(flatten)]
    cost: &'a Cost,
    #[serde(skip_serializing_if = "Option::is_none")]
    derivation: Option<&'a [String]>,
}

pub fn render(
    reports: &[FileReport],
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let diagnostics: Vec<JsonDiagnostic> = diagnostics(reports, options).collect();
    serde_json::to_writer_pretty(&mut *out, &diagnostics)?;
    writeln!(out)
}

/// The elements of the JSON array, in order; `json-lines` writes the same objects.
pub(super) fn diagnostics(
    reports: &[FileReport],
    options: RenderOptions,
) -> impl Iterator<Item = JsonDiagnostic<'_>> {
    reports.iter().flat_map(move |report| {
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
                severity: diagnostic.severity,
                cost: diagnostic.cost.as_ref().map(|cost| JsonCost {
                    cost,
                    derivation: options
                        .show_derivation
                        .then_some(cost.derivation.as_slice()),
                }),
            })
    })
}
