//! GitHub Actions workflow commands, which a workflow turns into annotations on the changed
//! lines: `::warning file=app.py,line=3,col=5,endLine=3,endColumn=9,title=...::message`.
//!
//! The level is the diagnostic's severity (error, warning, and `notice` for info); a file that
//! could not be checked is an error. Values are escaped exactly as `@actions/core` escapes them.

use std::io::{self, Write};

use super::{cost_lines, relative_path};
use crate::diagnostic::FileReport;
use crate::model::Severity;

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        let file = relative_path(&report.path);
        for diagnostic in &report.diagnostics {
            let level = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let start = diagnostic.location;
            let end = diagnostic.end_location;
            let mut properties = vec![("file", file.clone()), ("line", start.row.to_string())];
            // GitHub only honours columns on an annotation that starts and ends on one line.
            if start.row == end.row {
                properties.push(("col", start.column.to_string()));
            }
            properties.push(("endLine", end.row.to_string()));
            if start.row == end.row {
                properties.push(("endColumn", end.column.to_string()));
            }
            let title = match diagnostic.rule {
                Some(rule) => format!("heaplint {} ({})", rule.code(), rule.name()),
                None => format!("heaplint {}", super::problem_kind(&diagnostic.message)),
            };
            properties.push(("title", title));
            let mut message = diagnostic.message.clone();
            if let Some(cost) = &diagnostic.cost {
                message.push('\n');
                message.push_str(&cost_lines(cost));
            }
            let properties: Vec<String> = properties
                .iter()
                .map(|(key, value)| format!("{key}={}", escape_property(value)))
                .collect();
            writeln!(
                out,
                "::{level} {}::{}",
                properties.join(","),
                escape_data(&message)
            )?;
        }
    }
    Ok(())
}

/// `escapeData` of `@actions/core`: the message of a command.
pub fn escape_data(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `escapeProperty` of `@actions/core`: a property value, where `:` and `,` are separators.
pub fn escape_property(value: &str) -> String {
    escape_data(value).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_actions_core_does() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a,b:c%d\n"), "a%2Cb%3Ac%25d%0A");
    }
}
