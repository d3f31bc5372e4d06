//! Arbitrary bytes through what `heaplint check -` does with standard input (decode, parse,
//! check, `noqa`, costs) on the checking pool, then through every output format and the
//! statistics, with the invariants each must keep. A panic anywhere aborts the run.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use clap::ValueEnum;
use heaplint::diagnostic::FileReport;
use heaplint::model::Severity;
use heaplint::report::{self, OutputFormat, RenderOptions};
use heaplint::resolve::{ConfigSource, Overrides, Resolver};
use heaplint::source::SourceFile;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The name the input is checked as, as with `--stdin-filename`.
const NAME: &str = "fuzz.py";

/// Every rule, the default target version, no configuration file, every severity shown;
/// sources kept for every format, so `sarif` and `gitlab` hash the flagged lines and `text`
/// draws them.
fn resolver() -> &'static Resolver {
    static RESOLVER: OnceLock<Resolver> = OnceLock::new();
    RESOLVER.get_or_init(|| {
        let overrides = Overrides {
            retain_sources: true,
            min_severity: Some(Severity::Info),
            ..Overrides::default()
        };
        Resolver::new(ConfigSource::Isolated, overrides).expect("no configuration file to fail")
    })
}

/// The pool `heaplint check` checks files on, built once: its threads have the deep stack.
fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| heaplint::checking_pool().expect("threads"))
}

fuzz_target!(|bytes: &[u8]| {
    let report = pool()
        .install(|| heaplint::check_stdin(bytes, Path::new(NAME), resolver(), false))
        .expect("no configuration file to fail")
        .expect("nothing is excluded");
    assert!(!report.internal_error, "heaplint failed on this input");
    check_report(bytes, &report);
    let reports = [report];
    let plain = RenderOptions {
        color: false,
        width: 100,
        show_derivation: false,
    };
    let fancy = RenderOptions {
        color: true,
        width: 40,
        show_derivation: true,
    };
    for &format in OutputFormat::value_variants() {
        check_output(format, &reports[0], &render(format, &reports, plain));
        render(format, &reports, fancy);
    }
    check_statistics(&reports);
});

/// What every report of standard input must be: one problem when the input cannot be decoded
/// or parsed, else findings placed inside the text with consistent rows and columns.
fn check_report(bytes: &[u8], report: &FileReport) {
    let text = match heaplint::source::decode(bytes) {
        Ok(text) => text,
        Err(_) => {
            assert!(report.source.is_none());
            assert_eq!(report.diagnostics.len(), 1);
            assert!(!report.checked());
            return;
        }
    };
    if !report.checked() {
        assert_eq!(
            report.diagnostics.len(),
            1,
            "a syntax error is the only diagnostic"
        );
        assert!(report.diagnostics[0].message.starts_with("SyntaxError: "));
    } else if !report.diagnostics.is_empty() {
        assert!(report.source.is_some(), "findings keep their source");
    }
    if let Some(source) = &report.source {
        assert_eq!(source.text(), text, "the source is the decoded input");
    }
    let source = SourceFile::new(NAME.into(), text);
    let text = source.text();
    let rows = rows(text);
    for diagnostic in &report.diagnostics {
        let range = diagnostic.range;
        let (start, end) = (usize::from(range.start()), usize::from(range.end()));
        assert!(
            start <= end && end <= text.len(),
            "{range:?} outside {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{range:?}"
        );
        let (location, end_location) = (diagnostic.location, diagnostic.end_location);
        assert!(location.row >= 1 && location.column >= 1, "{location:?}");
        assert!(end_location >= location, "{location:?} to {end_location:?}");
        assert!(
            end_location.row <= rows,
            "{end_location:?} past {rows} rows"
        );
        assert_eq!(location, source.location(range.start()));
        assert_eq!(end_location, source.location(range.end()));
        assert!(
            (location.row..=rows).contains(&diagnostic.noqa_row),
            "noqa row {} for {location:?}",
            diagnostic.noqa_row
        );
        if diagnostic.rule.is_some() {
            assert!(diagnostic.cost.is_some() && diagnostic.help.is_some());
        }
    }
}

/// The rows of `text`: one more than its line breaks, `\n`, `\r\n` or a lone `\r` as in Python.
fn rows(text: &str) -> usize {
    let breaks = text.matches('\n').count() + text.matches('\r').count();
    breaks - text.matches("\r\n").count() + 1
}

fn render(format: OutputFormat, reports: &[FileReport], options: RenderOptions) -> String {
    let mut out = Vec::new();
    report::render(format, reports, options, &mut out).expect("writing to memory");
    String::from_utf8(out).unwrap_or_else(|error| panic!("{format:?} is not UTF-8: {error}"))
}

/// What each format's output must be for this one report.
fn check_output(format: OutputFormat, report: &FileReport, output: &str) {
    let count = report.diagnostics.len();
    let findings = report.findings().count();
    let lines: Vec<&str> = output.lines().collect();
    match format {
        OutputFormat::Text => assert!(output.ends_with('\n')),
        OutputFormat::Concise => assert_eq!(lines.len(), count + 1, "{output}"),
        OutputFormat::Pylint => assert_eq!(lines.len(), count, "{output}"),
        OutputFormat::Github => {
            assert_eq!(lines.len(), count, "{output}");
            for line in lines {
                assert!(
                    ["::error ", "::warning ", "::notice "]
                        .iter()
                        .any(|level| line.starts_with(level)),
                    "{line}"
                );
            }
        }
        OutputFormat::Json => {
            let array = parse_json(format, output);
            let array = array.as_array().expect("an array");
            assert_eq!(array.len(), count);
            for (object, diagnostic) in array.iter().zip(&report.diagnostics) {
                let location = &object["location"];
                assert_eq!(location["row"], diagnostic.location.row);
                assert_eq!(location["column"], diagnostic.location.column);
                assert_eq!(object["end_location"]["row"], diagnostic.end_location.row);
                assert_eq!(object["code"].as_str(), diagnostic.rule.map(|r| r.code()));
            }
        }
        OutputFormat::JsonLines => {
            assert_eq!(lines.len(), count, "{output}");
            for line in lines {
                assert!(parse_json(format, line).is_object(), "{line}");
            }
        }
        OutputFormat::Sarif => {
            let log = parse_json(format, output);
            let run = &log["runs"][0];
            let results = run["results"].as_array().expect("results");
            assert_eq!(results.len(), findings);
            let notifications = &run["invocations"][0]["toolExecutionNotifications"];
            assert_eq!(
                notifications.as_array().expect("notifications").len(),
                count - findings
            );
        }
        OutputFormat::Gitlab => {
            let issues = parse_json(format, output);
            let issues = issues.as_array().expect("an array");
            assert_eq!(issues.len(), count);
            let mut fingerprints: Vec<&str> = issues
                .iter()
                .map(|issue| issue["fingerprint"].as_str().expect("a fingerprint"))
                .collect();
            fingerprints.sort_unstable();
            fingerprints.dedup();
            assert_eq!(fingerprints.len(), count, "fingerprints are unique");
        }
        OutputFormat::Junit => {
            let document = roxmltree::Document::parse(output)
                .unwrap_or_else(|error| panic!("junit is not XML: {error}\n{output}"));
            let cases = document
                .descendants()
                .filter(|node| node.has_tag_name("testcase"))
                .count();
            assert_eq!(cases, count.max(1));
        }
    }
}

fn parse_json(format: OutputFormat, text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{format:?}: {error}\n{text}"))
}

/// `--statistics`, as text and as JSON: a line per code, the counts adding up.
fn check_statistics(reports: &[FileReport]) {
    let count = reports[0].diagnostics.len();
    let lines = report::statistics::statistics(reports);
    assert_eq!(lines.iter().map(|line| line.count).sum::<usize>(), count);
    let mut text = Vec::new();
    report::statistics::render(reports, false, &mut text).expect("writing to memory");
    let text = String::from_utf8(text).expect("UTF-8");
    assert_eq!(text.lines().count(), lines.len(), "{text}");
    let mut json = Vec::new();
    report::statistics::render(reports, true, &mut json).expect("writing to memory");
    let json: Value = serde_json::from_slice(&json).expect("statistics JSON");
    assert_eq!(json.as_array().expect("an array").len(), lines.len());
}
