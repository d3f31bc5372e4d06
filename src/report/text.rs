//! miette's graphical report per diagnostic: code and message, the source snippet with the
//! span labelled, the better habit and the cost; then a line of totals.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{
    RenderOptions, Totals, assumptions_text, cost_line, costliest, printable, signed_bytes,
};
use crate::diagnostic::{self, FileReport};
use crate::model::Severity;

/// How many of the costliest findings the closing ranking lists.
const RANKED: usize = 5;

/// Lines of source drawn either side of a finding.
const CONTEXT_LINES: usize = 1;

/// A line longer than this many bytes is not drawn: a finding on one is shown without a
/// snippet, and so is a finding past column 10,000. Drawing it would copy the line into the
/// report once per finding on it.
const MAX_LINE: usize = 10_000;

/// A finding spanning more source than this many bytes is shown without a snippet.
const MAX_SNIPPET: usize = 64 * 1024;

pub fn render(
    reports: &[FileReport],
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_context_lines(CONTEXT_LINES)
        .with_links(false);
    for report in reports {
        let name = report.path.display().to_string();
        let text = report
            .source
            .as_ref()
            .map_or(Cow::Borrowed(""), |source| drawable(source.text()));
        for diagnostic in &report.diagnostics {
            let snippet = report
                .source
                .as_ref()
                .and_then(|_| Snippet::around(&name, &text, diagnostic));
            let rendered = Rendered {
                diagnostic,
                message: headline(&name, report, diagnostic, snippet.is_some()),
                snippet,
                label: label(diagnostic),
                show_derivation: options.show_derivation,
            };
            let mut buffer = String::new();
            if handler.render_report(&mut buffer, &rendered).is_err() {
                buffer = format!("{name}: {}\n", diagnostic.message);
            }
            writeln!(out, "{buffer}")?;
        }
    }
    let ranked = costliest(reports, RANKED);
    if !ranked.is_empty() {
        writeln!(
            out,
            "Costliest findings, the most severe first, by bytes allocated beyond the alternative:"
        )?;
        for (rank, (report, diagnostic)) in ranked.iter().enumerate() {
            let Some(cost) = &diagnostic.cost else {
                continue;
            };
            let more = if cost.excess.at_least { ">" } else { "" };
            let assumed = if cost.assumed.is_some() {
                " (n assumed)"
            } else {
                ""
            };
            writeln!(
                out,
                "  {}. {:<7} {:>10} allocated, peak {:>10}  {}:{}:{}  {} {}{assumed}",
                rank + 1,
                diagnostic.severity.as_str(),
                format!("{more}{}", signed_bytes(cost.excess.allocated_bytes)),
                signed_bytes(cost.excess.peak_bytes),
                printable(&report.path.display().to_string()),
                diagnostic.location.row,
                diagnostic.location.column,
                diagnostic.rule.map_or("", |rule| rule.code()),
                cost.growth.as_str(),
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", Totals::of(reports).sentence())
}

/// The text as miette should draw it. miette splits lines on `\n` only, so a lone `\r` (old
/// Mac line endings) becomes `\n`; control characters, which could drive the terminal, become
/// `?` (or `¿` for the two-byte C1 controls). Every replacement has the same UTF-8 length, so
/// byte offsets still point at the same places.
fn drawable(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let replacement = |at: usize, c: char| match c {
        '\r' if bytes.get(at + 1) != Some(&b'\n') => Some('\n'),
        '\t' | '\n' | '\r' => None,
        c if c.is_control() && c.len_utf8() == 1 => Some('?'),
        c if c.is_control() => Some('¿'),
        _ => None,
    };
    if !text
        .char_indices()
        .any(|(at, c)| replacement(at, c).is_some())
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.char_indices()
            .map(|(at, c)| replacement(at, c).unwrap_or(c))
            .collect(),
    )
}

/// The message, printable. miette shows where only above a snippet, so without one the
/// message starts with the path, and the row and column when the file could be read.
fn headline(
    name: &str,
    report: &FileReport,
    diagnostic: &diagnostic::Diagnostic,
    has_snippet: bool,
) -> String {
    let message = printable(&diagnostic.message);
    match (has_snippet, &report.source) {
        (true, _) => message.into_owned(),
        (false, Some(_)) => {
            let location = diagnostic.location;
            format!("{name}:{}:{}: {message}", location.row, location.column)
        }
        (false, None) => format!("{name}: {message}"),
    }
}

/// The label under the highlighted span: the rule's name (the header already shows where).
fn label(diagnostic: &diagnostic::Diagnostic) -> String {
    match diagnostic.rule {
        Some(rule) => rule.name().to_string(),
        None => "syntax error".to_string(),
    }
}

struct Rendered<'a> {
    diagnostic: &'a diagnostic::Diagnostic,
    message: String,
    snippet: Option<Snippet<'a>>,
    label: String,
    show_derivation: bool,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .rule
            .map(|rule| Box::new(rule.code()) as Box<dyn fmt::Display>)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.diagnostic.help.as_deref()?;
        let mut text = printable(help).into_owned();
        if let Some(cost) = &self.diagnostic.cost {
            text.push_str(&format!("\ncost: {}", cost_line(cost)));
            if let Some(assumed) = assumptions_text(cost) {
                text.push_str(&format!("\nassumed: {assumed}"));
            }
            text.push_str(&format!("\n{}", cost.summary));
            if self.show_derivation {
                for line in &cost.derivation {
                    text.push_str(&format!("\n  = {line}"));
                }
            }
        }
        Some(Box::new(text))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet
            .as_ref()
            .map(|snippet| snippet as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.snippet.as_ref()?;
        let range = self.diagnostic.range;
        let span = SourceSpan::new(usize::from(range.start()).into(), usize::from(range.len()));
        let label = LabeledSpan::new_with_span(Some(self.label.clone()), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// The lines a finding's snippet draws, under the file's name. miette counts lines from the
/// start of the text it is given, once per finding; given the whole file, the report would
/// take time quadratic in its size.
#[derive(Debug)]
struct Snippet<'a> {
    name: &'a str,
    /// Whole lines of the file.
    text: &'a str,
    /// Where `text` starts in the file, in bytes, and on which line (0-based).
    offset: usize,
    line: usize,
}

impl<'a> Snippet<'a> {
    /// The snippet for `diagnostic` in `text` (its file's drawable text), or `None` when its
    /// lines are too long to draw.
    fn around(name: &'a str, text: &'a str, diagnostic: &diagnostic::Diagnostic) -> Option<Self> {
        let bytes = text.as_bytes();
        let range = diagnostic.range;
        let (start, end) = (usize::from(range.start()), usize::from(range.end()));
        let first = line_start(bytes, start)?;
        let last = line_end(bytes, end.saturating_sub(1).max(start))?;
        if last - first > MAX_SNIPPET {
            return None;
        }
        let mut window = first..last;
        let mut lines_before = 0;
        for _ in 0..CONTEXT_LINES {
            match window
                .start
                .checked_sub(1)
                .and_then(|at| line_start(bytes, at))
            {
                Some(previous) => (window.start, lines_before) = (previous, lines_before + 1),
                None => break,
            }
        }
        for _ in 0..CONTEXT_LINES {
            match (window.end < bytes.len()).then(|| line_end(bytes, window.end)) {
                Some(Some(next)) => window.end = next,
                _ => break,
            }
        }
        Some(Snippet {
            name,
            text: text.get(window.clone())?,
            offset: window.start,
            line: diagnostic.location.row.checked_sub(1 + lines_before)?,
        })
    }
}

/// The start of the line `at` is on; `None` if that is more than `MAX_LINE` bytes back.
fn line_start(bytes: &[u8], at: usize) -> Option<usize> {
    let from = at.saturating_sub(MAX_LINE);
    match memchr::memrchr(b'\n', bytes.get(from..at)?) {
        Some(newline) => Some(from + newline + 1),
        None => (from == 0).then_some(0),
    }
}

/// The end of the line `at` is on, past its line break; `None` if that is more than
/// `MAX_LINE` bytes on.
fn line_end(bytes: &[u8], at: usize) -> Option<usize> {
    let to = bytes.len().min(at + MAX_LINE);
    match memchr::memchr(b'\n', bytes.get(at..to)?) {
        Some(newline) => Some(at + newline + 1),
        None => (to == bytes.len()).then_some(to),
    }
}

impl SourceCode for Snippet<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let local = span
            .offset()
            .checked_sub(self.offset)
            .ok_or(MietteError::OutOfBounds)?;
        let contents = self.text.read_span(
            &SourceSpan::new(local.into(), span.len()),
            context_lines_before,
            context_lines_after,
        )?;
        // miette counts the column in bytes; the other formats count characters.
        let byte_column = contents.column();
        let column = self
            .text
            .get(local.saturating_sub(byte_column)..local)
            .map_or(byte_column, |before| before.chars().count());
        let window = contents.span();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            contents.data(),
            SourceSpan::new((window.offset() + self.offset).into(), window.len()),
            contents.line() + self.line,
            column,
            contents.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawable_text_keeps_offsets_and_drops_control_characters() {
        let text = "a\rb\r\nc\u{0}\u{1b}[31m\u{9b}d\té";
        let drawn = drawable(text);
        assert_eq!(drawn, "a\nb\r\nc??[31m¿d\té");
        assert_eq!(drawn.len(), text.len());
        assert!(matches!(drawable("plain\ntext"), Cow::Borrowed(_)));
    }
}
