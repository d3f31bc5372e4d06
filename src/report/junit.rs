//! JUnit XML (the Jenkins/Surefire schema), for CI systems that show test reports.
//!
//! One `testsuite` per file with diagnostics, named by its path, and a failing `testcase` per
//! finding (`failure`, its `type` the rule code) or an `error` for a file that could not be
//! checked. When nothing was found at all, a single suite `heaplint` holds one passing test
//! case, so the report says that the check ran. Characters XML 1.0 cannot carry, even as
//! references (control characters other than tab and line breaks), are written as `\u{..}`.

use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use super::{cost_lines, relative_path};
use crate::diagnostic::FileReport;

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let timestamp = timestamp(SystemTime::now());
    let hostname = hostname();
    let with_diagnostics: Vec<&FileReport> = reports
        .iter()
        .filter(|report| !report.diagnostics.is_empty())
        .collect();
    let failures: usize = reports.iter().map(|r| r.findings().count()).sum();
    let errors = reports.iter().filter(|r| !r.checked()).count();
    let tests = if with_diagnostics.is_empty() {
        1
    } else {
        failures + errors
    };
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="heaplint" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    let suite_attributes = |name: &str, id: usize, tests: usize, failures: usize, errors: usize| {
        format!(
            r#"name="{}" tests="{tests}" failures="{failures}" errors="{errors}" skipped="0" timestamp="{timestamp}" hostname="{}" id="{id}" package="heaplint""#,
            escape(name),
            escape(&hostname)
        )
    };
    if with_diagnostics.is_empty() {
        writeln!(
            out,
            "  <testsuite {}>",
            suite_attributes("heaplint", 0, 1, 0, 0)
        )?;
        writeln!(
            out,
            r#"    <testcase name="no findings" classname="heaplint"/>"#
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    for (id, report) in with_diagnostics.iter().enumerate() {
        let path = relative_path(&report.path);
        let failures = report.findings().count();
        let errors = report.diagnostics.len() - failures;
        writeln!(
            out,
            r#"  <testsuite {} file="{}">"#,
            suite_attributes(&path, id, report.diagnostics.len(), failures, errors),
            escape(&path)
        )?;
        for diagnostic in &report.diagnostics {
            let start = diagnostic.location;
            let (kind, element, name) = match diagnostic.rule {
                Some(rule) => (
                    rule.code().to_string(),
                    "failure",
                    format!(
                        "{} ({}) at {}:{}",
                        rule.code(),
                        rule.name(),
                        start.row,
                        start.column
                    ),
                ),
                None => {
                    let kind = super::problem_kind(&diagnostic.message).to_string();
                    let name = format!("{kind} at {}:{}", start.row, start.column);
                    (kind, "error", name)
                }
            };
            let mut details = format!(
                "{path}:{}:{}: {}",
                start.row, start.column, diagnostic.message
            );
            if let Some(help) = &diagnostic.help {
                details.push_str(&format!("\nhelp: {help}"));
            }
            if let Some(cost) = &diagnostic.cost {
                details.push_str(&format!("\n{}\n{}", cost_lines(cost), cost.summary));
            }
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{}">"#,
                escape(&name),
                escape(&path)
            )?;
            writeln!(
                out,
                r#"      <{element} type="{}" message="{}">{}</{element}>"#,
                escape(&kind),
                escape(&diagnostic.message),
                escape_content(&details)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// `text` escaped for XML 1.0 content and double-quoted attributes. Tab and line breaks become
/// character references (attribute values would otherwise normalise them to spaces); other
/// control characters and the non-characters U+FFFE and U+FFFF are not allowed in XML 1.0 at
/// all, even as references, and are written as `\u{..}` instead.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' => escaped.push_str("&#9;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                escaped.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => escaped.push(c),
        }
    }
    escaped
}

/// `text` escaped for element content, where line breaks need no reference.
fn escape_content(text: &str) -> String {
    // `escape` turns `&` into `&amp;`, so `&#10;` in its output only stands for a line break.
    escape(text).replace("&#10;", "\n")
}

/// ISO 8601 in UTC, to the second: `2026-11-22T05:47:21Z`.
fn timestamp(now: SystemTime) -> String {
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let time = seconds % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        time / 3600,
        time % 3600 / 60,
        time % 60
    )
}

/// The machine's name, as JUnit reports carry it; `localhost` where it cannot be read.
fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn escapes_markup_and_replaces_what_xml_cannot_hold() {
        assert_eq!(
            escape("a<b & \"c\"\n\u{0}\u{1b}"),
            "a&lt;b &amp; &quot;c&quot;&#10;\\u{0}\\u{1b}"
        );
    }

    #[test]
    fn timestamps_are_iso_8601() {
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let moment = UNIX_EPOCH + Duration::from_secs(1_795_326_441);
        assert_eq!(timestamp(moment), "2026-11-22T05:47:21Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(timestamp(leap), "2000-02-29T00:00:00Z");
    }
}
