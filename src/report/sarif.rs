//! SARIF 2.1.0, the format GitHub code scanning uploads (`github/codeql-action/upload-sarif`).
//!
//! - `tool.driver.rules` lists every rule, found or not, with its page as the help;
//! - a result per finding, its level from the finding's severity (`info` is SARIF's `note`),
//!   its location relative to `%SRCROOT%` (the working directory), columns in characters
//!   (`columnKind: unicodeCodePoints`), the cost under `properties`;
//! - `partialFingerprints` hash what was flagged, not where (see `report::fingerprints`), so
//!   code scanning keeps tracking an alert when lines above it move;
//! - a file that could not be checked is a `toolExecutionNotification` at its location, not a
//!   result, since no rule produced it; `executionSuccessful` is false only when heaplint
//!   itself failed on a file.

use std::io::{self, Write};

use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::{cost_lines, fingerprints, problem_kind, relative_path};
use crate::diagnostic::{Diagnostic, FileReport};
use crate::model::Severity;
use crate::rules::Rule;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/heaplint/heaplint";
/// The partial fingerprint's name; the version changes if the hash's inputs ever do.
const FINGERPRINT_KEY: &str = "heaplint/v1";
/// GitHub code scanning truncates longer full descriptions.
const FULL_DESCRIPTION_LIMIT: usize = 1024;

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let notifications: Vec<Value> = reports.iter().flat_map(notifications).collect();
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            invocations: [json!({
                "executionSuccessful": !reports.iter().any(|report| report.internal_error),
                "toolExecutionNotifications": notifications,
            })],
            results: Results(reports),
            tool: tool(),
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The log, written as it is built: a result at a time, so tens of thousands of findings are
/// not all held as JSON values at once. Fields in alphabetical order, as `json!` writes them.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    invocations: [Value; 1],
    results: Results<'a>,
    tool: Value,
}

struct Results<'a>(&'a [FileReport]);

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().flat_map(results))
    }
}

fn tool() -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|&rule| rule_descriptor(rule))
        .collect();
    json!({
        "driver": {
            "name": "heaplint",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": INFORMATION_URI,
            "rules": rules,
        }
    })
}

/// A result per finding of `report`.
fn results(report: &FileReport) -> impl Iterator<Item = Value> + '_ {
    let uri = uri_reference(&relative_path(&report.path));
    let fingerprints = fingerprints(report);
    report
        .diagnostics
        .iter()
        .zip(fingerprints)
        .filter_map(move |(diagnostic, fingerprint)| {
            let rule = diagnostic.rule?;
            let mut text = diagnostic.message.clone();
            let mut properties = json!({ "severity": diagnostic.severity });
            if let Some(cost) = &diagnostic.cost {
                text.push('\n');
                text.push_str(&cost_lines(cost));
                properties["cost"] = json!(cost);
            }
            if let Some(help) = &diagnostic.help {
                properties["help"] = json!(help);
            }
            Some(json!({
                "ruleId": rule.code(),
                "ruleIndex": Rule::ALL.iter().position(|&r| r == rule),
                "level": level(diagnostic.severity),
                "message": { "text": text },
                "locations": [{ "physicalLocation": physical_location(&uri, diagnostic) }],
                "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
                "properties": properties,
            }))
        })
}

/// A notification per problem that stopped `report`'s file from being checked.
fn notifications(report: &FileReport) -> impl Iterator<Item = Value> + '_ {
    let uri = uri_reference(&relative_path(&report.path));
    report
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.rule.is_none())
        .map(move |diagnostic| {
            json!({
                "descriptor": { "id": problem_kind(&diagnostic.message) },
                "level": "error",
                "message": { "text": diagnostic.message },
                "locations": [{ "physicalLocation": physical_location(&uri, diagnostic) }],
            })
        })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn physical_location(uri: &str, diagnostic: &Diagnostic) -> Value {
    json!({
        "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
        "region": {
            "startLine": diagnostic.location.row,
            "startColumn": diagnostic.location.column,
            "endLine": diagnostic.end_location.row,
            "endColumn": diagnostic.end_location.column,
        }
    })
}

/// A rule's `reportingDescriptor`. Its default level is its severity floor: most rules' findings
/// range from `note` to `error` with their cost, and each result carries its own level.
fn rule_descriptor(rule: Rule) -> Value {
    let meta = rule.meta();
    let page = rule.documentation();
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": full_description(page, meta.summary) },
        "help": { "text": page, "markdown": page },
        "helpUri": format!("{INFORMATION_URI}/blob/main/rules/{}.md", meta.code),
        "defaultConfiguration": { "level": level(meta.severity_floor) },
        "properties": { "tags": ["memory", "performance"] },
    })
}

/// The "What it does" section of a rule's page, its paragraphs reflowed to single lines, cut
/// to GitHub's 1024 characters at a word; the summary when the page has no such section.
pub fn full_description(page: &str, summary: &str) -> String {
    let mut lines = page
        .lines()
        .skip_while(|line| line.trim() != "## What it does");
    lines.next();
    let section: Vec<&str> = lines.take_while(|line| !line.starts_with("## ")).collect();
    let paragraphs: Vec<String> = section
        .split(|line| line.trim().is_empty())
        .filter(|paragraph| !paragraph.is_empty())
        .map(|paragraph| {
            paragraph
                .iter()
                .map(|line| line.trim())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let text = paragraphs.join("\n\n");
    let text = if text.is_empty() {
        summary.to_string()
    } else {
        text
    };
    if text.chars().count() <= FULL_DESCRIPTION_LIMIT {
        return text;
    }
    let cut: String = text.chars().take(FULL_DESCRIPTION_LIMIT - 1).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(space) => cut[..space].trim_end().to_string(),
        None => cut,
    };
    format!("{cut}…")
}

/// A relative path as a URI reference: every byte but RFC 3986's unreserved characters and the
/// `/` separator percent-encoded, so `%`, `:` (which would read as a scheme), `,`, spaces and
/// non-ASCII names survive.
pub fn uri_reference(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(char::from(byte));
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_reference("a b/c,d:e%f.py"), "a%20b/c%2Cd%3Ae%25f.py");
        assert_eq!(uri_reference("dir/é.py"), "dir/%C3%A9.py");
    }

    #[test]
    fn full_descriptions_come_from_the_page_and_fit() {
        for rule in Rule::ALL {
            let text = full_description(rule.documentation(), rule.meta().summary);
            assert!(!text.is_empty() && !text.starts_with('#'), "{text}");
            assert!(
                text.chars().count() <= FULL_DESCRIPTION_LIMIT,
                "{}",
                rule.code()
            );
        }
        let long = format!("## What it does\n\n{}\n## Why", "word ".repeat(400));
        let text = full_description(&long, "summary");
        assert!(text.chars().count() <= FULL_DESCRIPTION_LIMIT);
        assert!(text.ends_with("word…"));
    }
}
