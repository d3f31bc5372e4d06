//! miette's graphical report per diagnostic: code and message, the source snippet with the
//! span labelled, the better habit and the cost; then a line of totals.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{RenderOptions, Totals, cost_line, costliest, printable, signed_bytes};
use crate::diagnostic::{self, FileReport};
use crate::model::Severity;

/// How many of the costliest findings the closing ranking lists.
const RANKED: usize = 5;

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
        .with_links(false);
    for report in reports {
        let name = report.path.display().to_string();
        let text = report
            .source
            .as_ref()
            .map_or(Cow::Borrowed(""), |source| drawable(source.text()));
        for diagnostic in &report.diagnostics {
            let source = Snippet {
                name: &name,
                text: &text,
            };
            // Without a snippet miette shows no file name, so the message carries it.
            let message = if source.text.is_empty() {
                format!("{name}: {}", printable(&diagnostic.message))
            } else {
                printable(&diagnostic.message).into_owned()
            };
            let rendered = Rendered {
                diagnostic,
                message,
                source,
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
            "Costliest findings, by bytes allocated beyond the alternative:"
        )?;
        for (rank, (report, diagnostic)) in ranked.iter().enumerate() {
            let Some(cost) = &diagnostic.cost else {
                continue;
            };
            writeln!(
                out,
                "  {}. {:>10} allocated, peak {:>10}  {}:{}:{}  {} {}",
                rank + 1,
                signed_bytes(cost.allocated_bytes),
                signed_bytes(cost.peak_bytes),
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
    source: Snippet<'a>,
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
            text.push_str(&format!("\ncost: {}\n{}", cost_line(cost), cost.summary));
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
        (!self.source.text.is_empty()).then_some(&self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.text.is_empty() {
            return None;
        }
        let range = self.diagnostic.range;
        let span = SourceSpan::new(usize::from(range.start()).into(), usize::from(range.len()));
        let label = LabeledSpan::new_with_span(Some(self.label.clone()), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// The file's text under its name, without copying it.
#[derive(Debug)]
struct Snippet<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for Snippet<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let contents = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            contents.data(),
            *contents.span(),
            contents.line(),
            contents.column(),
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
