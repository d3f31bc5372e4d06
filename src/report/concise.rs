//! `path:row:col: CODE message`, one line per diagnostic, then the totals.

use std::io::{self, Write};

use super::{Totals, printable};
use crate::diagnostic::FileReport;

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        for diagnostic in &report.diagnostics {
            let path = report.path.display();
            let location = diagnostic.location;
            match diagnostic.rule {
                Some(rule) => writeln!(
                    out,
                    "{path}:{}:{}: {} {}",
                    location.row,
                    location.column,
                    rule.code(),
                    printable(&diagnostic.message)
                )?,
                None => writeln!(
                    out,
                    "{path}:{}:{}: {}",
                    location.row,
                    location.column,
                    printable(&diagnostic.message)
                )?,
            }
        }
    }
    writeln!(out, "{}", Totals::of(reports).sentence())
}
