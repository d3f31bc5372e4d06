//! `path:row: [CODE] message`, one line per diagnostic, as `pylint --output-format=parseable`
//! prints them, for tools that read pylint's output. A file that could not be checked gets
//! pylint's own code for a file it cannot parse, `E0001`, with heaplint's message
//! (`SyntaxError: ...`, `OSError: ...`).

use std::io::{self, Write};

use super::{printable, relative_path};
use crate::diagnostic::FileReport;

/// pylint's `syntax-error` message id, which it also uses for files it cannot read or decode.
const FILE_PROBLEM_CODE: &str = "E0001";

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        let path = relative_path(&report.path);
        for diagnostic in &report.diagnostics {
            let code = diagnostic
                .rule
                .map_or(FILE_PROBLEM_CODE, |rule| rule.code());
            writeln!(
                out,
                "{path}:{}: [{code}] {}",
                diagnostic.location.row,
                printable(&diagnostic.message)
            )?;
        }
    }
    Ok(())
}
