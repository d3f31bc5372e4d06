//! `--statistics`: one line per code instead of the findings, as `ruff --statistics` prints,
//! with the findings' estimated costs added up: allocations, bytes allocated and lookup time
//! are summed; peaks do not add up (the findings' peaks are not simultaneous), so the largest
//! is given. Most findings first, then by code. Files that could not be checked are one line
//! without a code.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::signed_bytes;
use crate::diagnostic::FileReport;
use crate::model::{grouped, human_duration, signed};

/// One line of the statistics.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct Statistic {
    pub count: usize,
    /// `None` for files that could not be checked.
    pub code: Option<&'static str>,
    pub name: &'static str,
    pub allocations: i64,
    pub allocated_bytes: i64,
    /// The largest peak of a single finding.
    pub max_peak_bytes: i64,
    /// Extra lookup time, for the lookup rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_time_ns: Option<u64>,
}

/// The statistics of a run, most frequent first.
pub fn statistics(reports: &[FileReport]) -> Vec<Statistic> {
    let mut by_code: BTreeMap<Option<&'static str>, Statistic> = BTreeMap::new();
    for diagnostic in reports.iter().flat_map(|report| &report.diagnostics) {
        let code = diagnostic.rule.map(|rule| rule.code());
        let line = by_code.entry(code).or_insert_with(|| Statistic {
            code,
            name: diagnostic.rule.map_or("unchecked-file", |rule| rule.name()),
            ..Statistic::default()
        });
        line.count += 1;
        if let Some(cost) = &diagnostic.cost {
            line.allocations += cost.allocations;
            line.allocated_bytes += cost.allocated_bytes;
            line.max_peak_bytes = line.max_peak_bytes.max(cost.peak_bytes);
            if let Some(ns) = cost.extra_time_ns {
                *line.extra_time_ns.get_or_insert(0) += ns;
            }
        }
    }
    let mut lines: Vec<Statistic> = by_code.into_values().collect();
    // Stable: equal counts stay in code order, files that could not be checked first.
    lines.sort_by_key(|line| std::cmp::Reverse(line.count));
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
    for line in &lines {
        let mut cost = format!(
            "{} in {} allocations, largest peak {}",
            signed_bytes(line.allocated_bytes),
            signed(line.allocations),
            signed_bytes(line.max_peak_bytes)
        );
        if let Some(ns) = line.extra_time_ns {
            cost.push_str(&format!(", +{} of lookups", human_duration(ns)));
        }
        if line.code.is_none() {
            cost = "could not be checked".to_string();
        }
        writeln!(
            out,
            "{:>count_width$}\t{:<6}\t{:<name_width$}\t{cost}",
            grouped(line.count as u64),
            line.code.unwrap_or("-"),
            line.name,
        )?;
    }
    Ok(())
}
