//! One JSON object per line (JSON Lines), each exactly an element of the `json` format's array,
//! so a stream of findings can be read line by line.

use std::io::{self, Write};

use super::RenderOptions;
use crate::diagnostic::FileReport;

pub fn render(
    reports: &[FileReport],
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    for diagnostic in super::json::diagnostics(reports, options) {
        serde_json::to_writer(&mut *out, &diagnostic)?;
        writeln!(out)?;
    }
    Ok(())
}
