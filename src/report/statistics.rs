//! `--statistics`: one line per code instead of the findings, as `ruff --statistics` prints,
//! with how many findings of each severity and what they cost at the counts the source shows.
//!
//! Only figures the source shows are added up: a finding whose *n* rests on an assumed count
//! contributes its cost with each unknown count taken as once, never the assumed figure, so a
//! total is never a sum of guesses. Allocations, bytes allocated and lookup time are summed;
//! peaks do not add up (the findings' peaks are not simultaneous), so the largest is given.
//! The most severe codes first (most errors, then most warnings), then the most findings, then
//! by code. Files that could not be checked are one line without a code.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::signed_bytes;
use crate::diagnostic::FileReport;
use crate::model::{Excess, Severity, grouped, human_duration, signed};

/// One line of the statistics.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct Statistic {
    pub count: usize,
    /// `None` for files that could not be checked.
    pub code: Option<&'static str>,
    pub name: &'static str,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// The summed excess at the counts the source shows.
    pub allocations: i64,
    pub allocated_bytes: i64,
    /// The largest peak of a single finding, at the counts the source shows; `None` without
    /// a priced finding.
    pub max_peak_bytes: Option<i64>,
    /// Extra lookup time, for the lookup rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_time_ns: Option<u64>,
    /// Some figure passed what the model can count, or the sum what it can hold: the totals
    /// are lower bounds.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub at_least: bool,
}

impl Statistic {
    /// Adds one finding's severity and its cost at the counts the source shows.
    fn add(&mut self, severity: Severity, shown: Option<&Excess>) {
        self.count += 1;
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
        let Some(shown) = shown else {
            return;
        };
        let mut overflowed = false;
        let mut sum = |total: i64, value: i64| {
            total.checked_add(value).unwrap_or_else(|| {
                overflowed = true;
                if value < 0 { i64::MIN } else { i64::MAX }
            })
        };
        self.allocations = sum(self.allocations, shown.allocations);
        self.allocated_bytes = sum(self.allocated_bytes, shown.allocated_bytes);
        self.at_least |= overflowed || shown.at_least;
        self.max_peak_bytes = Some(
            self.max_peak_bytes
                .map_or(shown.peak_bytes, |peak| peak.max(shown.peak_bytes)),
        );
        if let Some(ns) = shown.extra_time_ns {
            let total = self.extra_time_ns.get_or_insert(0);
            *total = total.checked_add(ns).unwrap_or_else(|| {
                self.at_least = true;
                u64::MAX
            });
        }
    }
}

/// The statistics of a run, the most severe first.
pub fn statistics(reports: &[FileReport]) -> Vec<Statistic> {
    let mut by_code: BTreeMap<Option<&'static str>, Statistic> = BTreeMap::new();
    for diagnostic in reports.iter().flat_map(|report| &report.diagnostics) {
        let code = diagnostic.rule.map(|rule| rule.code());
        by_code
            .entry(code)
            .or_insert_with(|| Statistic {
                code,
                name: diagnostic.rule.map_or("unchecked-file", |rule| rule.name()),
                ..Statistic::default()
            })
            .add(
                diagnostic.severity,
                diagnostic.cost.as_ref().map(|cost| &cost.shown),
            );
    }
    let mut lines: Vec<Statistic> = by_code.into_values().collect();
    // Stable: equal lines stay in code order, files that could not be checked first.
    lines.sort_by_key(|line| std::cmp::Reverse((line.errors, line.warnings, line.count)));
    lines
}

pub fn render(reports: &[FileReport], json: bool, out: &mut dyn Write) -> io::Result<()> {
    let lines = statistics(reports);
    if json {
        serde_json::to_writer_pretty(&mut *out, &lines)?;
        return writeln!(out);
    }
    let count_width = lines
        .iter()
        .map(|line| grouped(line.count as u64).len())
        .max()
        .unwrap_or(1);
    let name_width = lines.iter().map(|line| line.name.len()).max().unwrap_or(0);
    let severities: Vec<String> = lines.iter().map(severity_counts).collect();
    let severity_width = severities.iter().map(String::len).max().unwrap_or(0);
    for (line, severities) in lines.iter().zip(&severities) {
        let cost = if line.code.is_none() {
            "could not be checked".to_string()
        } else {
            shown_cost(line)
        };
        writeln!(
            out,
            "{:>count_width$}\t{:<6}\t{:<name_width$}\t{severities:<severity_width$}\t{cost}",
            grouped(line.count as u64),
            line.code.unwrap_or("-"),
            line.name,
        )?;
    }
    Ok(())
}

/// `2 error, 5 warning, 30 info`, leaving out the severities none has.
fn severity_counts(line: &Statistic) -> String {
    let parts: Vec<String> = [
        (line.errors, "error"),
        (line.warnings, "warning"),
        (line.infos, "info"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, severity)| format!("{} {severity}", grouped(count as u64)))
    .collect();
    parts.join(", ")
}

/// `shown: +1.2 MB in +340 allocations, largest peak +12 KB`.
fn shown_cost(line: &Statistic) -> String {
    let Some(peak) = line.max_peak_bytes else {
        return String::new();
    };
    if line.allocations == 0 && line.allocated_bytes == 0 && peak == 0 {
        return match line.extra_time_ns {
            Some(ns) if ns > 0 => format!(
                "shown: no extra allocation, +{} of lookups",
                human_duration(ns)
            ),
            _ => "shown: no extra allocation".to_string(),
        };
    }
    let more = if line.at_least { "more than " } else { "" };
    let mut cost = format!(
        "shown: {more}{} in {} allocations, largest peak {}",
        signed_bytes(line.allocated_bytes),
        signed(line.allocations),
        signed_bytes(peak)
    );
    if let Some(ns) = line.extra_time_ns {
        cost.push_str(&format!(", +{} of lookups", human_duration(ns)));
    }
    cost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(allocated_bytes: i64, peak_bytes: i64) -> Excess {
        Excess {
            allocations: 1,
            allocated_bytes,
            peak_bytes,
            ..Excess::default()
        }
    }

    #[test]
    fn the_largest_peak_of_negative_peaks_is_the_least_negative() {
        let mut line = Statistic::default();
        line.add(Severity::Info, Some(&shown(-10, -56)));
        line.add(Severity::Info, Some(&shown(-10, -8)));
        assert_eq!(line.max_peak_bytes, Some(-8));
        assert_eq!(
            shown_cost(&line),
            "shown: -20 B in +2 allocations, largest peak -8 B"
        );
    }

    #[test]
    fn sums_past_an_i64_say_more_than() {
        let mut line = Statistic::default();
        line.add(Severity::Error, Some(&shown(i64::MAX - 1, 1)));
        line.add(Severity::Error, Some(&shown(i64::MAX - 1, 1)));
        assert!(line.at_least);
        assert_eq!(line.allocated_bytes, i64::MAX);
        assert!(
            shown_cost(&line).starts_with("shown: more than +9.2 EB"),
            "{}",
            shown_cost(&line)
        );
    }

    #[test]
    fn a_line_without_priced_findings_shows_no_cost() {
        let mut line = Statistic::default();
        line.add(Severity::Warning, None);
        assert_eq!(
            (line.count, line.warnings, line.max_peak_bytes),
            (1, 1, None)
        );
        assert_eq!(shown_cost(&line), "");
    }
}
