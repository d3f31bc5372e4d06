//! `# noqa` comments: `# noqa` silences every finding on its line, `# noqa: MEM101, MEM201`
//! only those codes, as in ruff and flake8. Codes of other tools in the list are ignored, so
//! `# noqa: E501` leaves heaplint's findings alone.
//!
//! A finding's `noqa` comment goes on the row it starts on, except inside a multi-line string
//! (or on a line where one starts), where it goes on the row the string ends, and on a line
//! continued with a backslash, where it goes on the last row of the continuation, as in ruff.
//!
//! `# heaplint: noqa` on a line of its own silences the whole file, and
//! `# heaplint: noqa: MEM2, MEM101` the rules those codes or prefixes match, like ruff's
//! `# ruff: noqa`.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::rules::Rule;
use crate::source::SourceFile;

/// The `noqa` directives of one file, by row.
#[derive(Debug, Default)]
pub struct NoqaDirectives {
    by_row: FxHashMap<usize, Directive>,
    /// File-level directives, merged: `All`, or the codes and prefixes listed.
    file: Option<Directive>,
    /// From the start of the line a multi-line string (or a backslash-continued line) starts
    /// on to its end, with the row it ends on; sorted and disjoint.
    multi_line_strings: Vec<(TextRange, usize)>,
}

#[derive(Debug, PartialEq, Eq)]
enum Directive {
    All,
    Codes(Vec<String>),
}

impl NoqaDirectives {
    /// Reads the directives from the file's comment tokens.
    pub fn from_tokens(tokens: &Tokens, source: &SourceFile) -> NoqaDirectives {
        let text = source.text();
        let mut directives = NoqaDirectives::default();
        let mut open_fstrings: Vec<TextSize> = Vec::new();
        let mut previous_end = TextSize::default();
        let mut continued_from: Option<usize> = None;
        let mut continuations = line_continuations(text).peekable();
        for token in tokens.iter() {
            let range = token.range();
            // A backslash that ends its line between two tokens continues the logical line,
            // whose `noqa` goes on its last row, as in ruff. Backslashes before the previous
            // token's end were inside it (a string or a comment).
            while let Some(at) = continuations.next_if(|&at| at < range.start().to_usize()) {
                if at >= previous_end.to_usize() {
                    continued_from.get_or_insert(line_start(text, previous_end));
                }
            }
            let string = match token.kind() {
                TokenKind::Comment => {
                    let Some(comment) = text.get(range.to_std_range()) else {
                        continue;
                    };
                    let line_start = line_start(text, range.start());
                    let alone = text[line_start..range.start().to_usize()].trim().is_empty();
                    match (alone, parse_file_level(comment)) {
                        (true, Some(directive)) => directives.add_file_level(directive),
                        _ => {
                            if let Some(directive) = parse(comment) {
                                let row = source.location(range.start()).row;
                                directives.by_row.insert(row, directive);
                            }
                        }
                    }
                    None
                }
                TokenKind::String => Some(range),
                TokenKind::FStringStart | TokenKind::TStringStart => {
                    open_fstrings.push(range.start());
                    None
                }
                TokenKind::FStringEnd | TokenKind::TStringEnd => open_fstrings
                    .pop()
                    .filter(|_| open_fstrings.is_empty())
                    .map(|start| TextRange::new(start, range.end())),
                _ => None,
            };
            if let Some(string) = string
                && spans_lines(&text[string.to_std_range()])
            {
                directives.map_to_last_row(line_start(text, string.start()), string.end(), source);
            }
            if token.kind() == TokenKind::Newline
                && let Some(start) = continued_from.take()
            {
                directives.map_to_last_row(start, range.start(), source);
            }
            previous_end = range.end();
        }
        directives
    }

    /// Findings from `start` to `end` take their `noqa` on the row `end` is on. Overlapping
    /// spans merge, so the list stays sorted and disjoint.
    fn map_to_last_row(&mut self, start: usize, end: TextSize, source: &SourceFile) {
        let mut span = TextRange::new(TextSize::try_from(start).unwrap_or(end).min(end), end);
        while let Some((last, _)) = self.multi_line_strings.last()
            && last.end() >= span.start()
        {
            span = span.cover(*last);
            self.multi_line_strings.pop();
        }
        let row = source.location(span.end()).row;
        self.multi_line_strings.push((span, row));
    }

    fn add_file_level(&mut self, directive: Directive) {
        self.file = match (self.file.take(), directive) {
            (Some(Directive::All), _) | (_, Directive::All) => Some(Directive::All),
            (Some(Directive::Codes(mut old)), Directive::Codes(new)) => {
                old.extend(new);
                Some(Directive::Codes(old))
            }
            (None, codes) => Some(codes),
        };
    }

    /// The row a `noqa` comment must be on for a finding starting at `offset`, when that is not
    /// the row it starts on: the last row of a multi-line string it is in or on a line with.
    pub fn row_for(&self, offset: TextSize) -> Option<usize> {
        let at = self
            .multi_line_strings
            .partition_point(|(range, _)| range.end() < offset);
        self.multi_line_strings
            .get(at)
            .filter(|(range, _)| range.start() <= offset)
            .map(|(_, row)| *row)
    }

    /// True if a `noqa` comment on `row`, or a file-level one, silences `rule`.
    pub fn suppresses(&self, row: usize, rule: Rule) -> bool {
        match &self.file {
            Some(Directive::All) => return true,
            Some(Directive::Codes(codes))
                if codes
                    .iter()
                    .any(|code| rule.code().starts_with(code.as_str())) =>
            {
                return true;
            }
            _ => {}
        }
        match self.by_row.get(&row) {
            Some(Directive::All) => true,
            Some(Directive::Codes(codes)) => codes.iter().any(|code| code == rule.code()),
            None => false,
        }
    }
}

/// The offsets of the backslashes in `text` that end their line, found with one vectorised
/// search rather than by looking between every pair of tokens.
fn line_continuations(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\\', bytes).filter(|&at| matches!(bytes.get(at + 1), Some(b'\n' | b'\r')))
}

/// Whether a token's text runs over more than one line; cheaper than locating both ends.
fn spans_lines(token: &str) -> bool {
    memchr::memchr2(b'\n', b'\r', token.as_bytes()).is_some()
}

/// The byte offset where the line holding `offset` starts.
fn line_start(text: &str, offset: TextSize) -> usize {
    text[..offset.to_usize()].rfind('\n').map_or(0, |at| at + 1)
}

/// The codes of `MEM101, E501 because ...`, upper-cased. Codes are letters then digits; the
/// list ends at the first word that is not one, so a reason may follow.
fn code_list(text: &str) -> Vec<String> {
    text.split([',', ' ', '\t'])
        .filter(|code| !code.is_empty())
        .take_while(|code| is_code(code))
        .map(str::to_ascii_uppercase)
        .collect()
}

/// Parses a file-level directive: `# heaplint: noqa`, `#heaplint:noqa: MEM2, MEM101`.
fn parse_file_level(comment: &str) -> Option<Directive> {
    let lower = comment.to_ascii_lowercase();
    let rest = lower.strip_prefix('#')?.trim_start();
    let rest = rest.strip_prefix("heaplint")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix("noqa")?;
    let Some(codes) = rest.trim_start().strip_prefix(':') else {
        return rest.trim().is_empty().then_some(Directive::All);
    };
    // `# heaplint: noqa:` with no code silences nothing rather than everything.
    Some(Directive::Codes(code_list(codes)))
}

/// Parses one comment: `# noqa`, `# NOQA: A1, B2`, or a `noqa` after other text in the comment.
fn parse(comment: &str) -> Option<Directive> {
    let lower = comment.to_ascii_lowercase();
    let at = lower.find("noqa")?;
    // `# noqa` must start the comment or follow another `#` (`# type: ignore # noqa`).
    let before = comment[..at].trim_end();
    if !before.ends_with('#') {
        return None;
    }
    let rest = &comment[at + "noqa".len()..];
    let Some(codes) = rest.trim_start().strip_prefix(':') else {
        // `# noqa` followed by anything but a code list (including `# noqa123`) is blanket.
        return (!rest.starts_with(|c: char| c.is_ascii_alphanumeric())).then_some(Directive::All);
    };
    let codes = code_list(codes);
    if codes.is_empty() {
        Some(Directive::All)
    } else {
        Some(Directive::Codes(codes))
    }
}

fn is_code(word: &str) -> bool {
    let digits = word.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    digits.len() < word.len() && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> Option<Directive> {
        Some(Directive::Codes(
            list.iter().map(|c| c.to_string()).collect(),
        ))
    }

    #[test]
    fn parses_the_forms_ruff_accepts() {
        assert_eq!(parse("# noqa"), Some(Directive::All));
        assert_eq!(parse("#NOQA"), Some(Directive::All));
        assert_eq!(parse("# noqa: MEM101"), codes(&["MEM101"]));
        assert_eq!(
            parse("# noqa:MEM101,MEM201 because"),
            codes(&["MEM101", "MEM201"])
        );
        assert_eq!(parse("# type: ignore # noqa: E501"), codes(&["E501"]));
        assert_eq!(parse("# this is not noqa"), None);
        assert_eq!(parse("# comment"), None);
        assert_eq!(parse("#noqa:MEM101,MEM201"), codes(&["MEM101", "MEM201"]));
        assert_eq!(parse("# NoQA: mem101"), codes(&["MEM101"]));
        assert_eq!(parse("# heaplint: noqa"), None);
    }

    #[test]
    fn parses_file_level_directives() {
        assert_eq!(parse_file_level("# heaplint: noqa"), Some(Directive::All));
        assert_eq!(parse_file_level("#HEAPLINT:NOQA"), Some(Directive::All));
        assert_eq!(
            parse_file_level("# heaplint: noqa: MEM2, mem101"),
            codes(&["MEM2", "MEM101"])
        );
        assert_eq!(parse_file_level("# noqa"), None);
        assert_eq!(parse_file_level("# heaplint: noqa please"), None);
    }
}
