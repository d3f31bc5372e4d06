//! `# noqa` comments: `# noqa` silences every finding on its line, `# noqa: MEM101, MEM201`
//! only those codes, as in ruff and flake8. Codes of other tools in the list are ignored, so
//! `# noqa: E501` leaves heaplint's findings alone, except the codes other linters give the same
//! habit (a rule's `same_as`): `# noqa: E711` excuses MEM101 as it excuses ruff's E711.
//!
//! A finding's `noqa` comment goes on the row it starts on, except inside a multi-line string
//! (or on a line where one starts), where it goes on the row the string ends, and on a line
//! continued with a backslash, where it goes on the last row of the continuation, as in ruff.
//!
//! `# heaplint: noqa` on a line of its own silences the whole file, and
//! `# heaplint: noqa: MEM2, MEM101` the rules those codes or prefixes match, like ruff's
//! `# ruff: noqa`.

use ruff_python_ast::token::{Token, TokenKind, Tokens};
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
        // Most files have no directive; one vectorised search saves parsing every comment.
        if !mentions_noqa(text) {
            return directives;
        }
        for token in tokens.iter() {
            if token.kind() != TokenKind::Comment {
                continue;
            }
            let range = token.range();
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
        }
        directives
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
            Some(Directive::Codes(codes)) => codes.iter().any(|code| rule.is_named_by(code)),
            None => false,
        }
    }
}

/// The row each finding's `noqa` comment goes on. Only the logical lines that hold findings
/// are looked at, each once: findings come in source order, and most files have few.
pub struct NoqaRows<'a> {
    tokens: &'a [Token],
    source: &'a SourceFile,
    /// The logical line looked at last, as a byte range, and its multi-line spans.
    line: TextRange,
    spans: Vec<(TextRange, usize)>,
}

impl<'a> NoqaRows<'a> {
    pub fn new(tokens: &'a Tokens, source: &'a SourceFile) -> NoqaRows<'a> {
        NoqaRows {
            tokens,
            source,
            line: TextRange::default(),
            spans: Vec::new(),
        }
    }

    /// The row a `noqa` comment must be on for a finding starting at `offset`: the row it
    /// starts on, or the last row of a multi-line string or backslash continuation it is in
    /// (or on a line with).
    pub fn row_for(&mut self, offset: TextSize) -> usize {
        if !self.line.contains_inclusive(offset) || self.line.is_empty() {
            self.look_at_line_of(offset);
        }
        let at = self
            .spans
            .partition_point(|(range, _)| range.end() < offset);
        self.spans
            .get(at)
            .filter(|(range, _)| range.start() <= offset)
            .map_or_else(|| self.source.location(offset).row, |(_, row)| *row)
    }

    /// Finds the multi-line strings and backslash continuations of the logical line holding
    /// `offset`: the tokens after the `Newline` before it, up to the next `Newline`.
    fn look_at_line_of(&mut self, offset: TextSize) {
        let tokens = self.tokens;
        let at = tokens.partition_point(|token| token.end() <= offset);
        let is_newline = |token: &Token| token.kind() == TokenKind::Newline;
        let first = tokens[..at]
            .iter()
            .rposition(is_newline)
            .map_or(0, |i| i + 1);
        let last = tokens[at..]
            .iter()
            .position(is_newline)
            .map_or(tokens.len(), |i| at + i + 1);
        let previous_end = first
            .checked_sub(1)
            .map_or(TextSize::default(), |i| tokens[i].end());
        let line_end = tokens[first..last]
            .last()
            .map_or(offset, |token| token.end().max(offset));
        self.line = TextRange::new(previous_end.min(line_end), line_end);
        self.spans = multi_line_spans(&tokens[first..last], previous_end, self.source);
    }
}

/// The spans of one logical line whose findings take their `noqa` on a later row, with that
/// row; sorted and disjoint. `previous_end` is where the token before the line ends.
fn multi_line_spans(
    tokens: &[Token],
    mut previous_end: TextSize,
    source: &SourceFile,
) -> Vec<(TextRange, usize)> {
    let text = source.text();
    let mut spans = Vec::new();
    let mut open_fstrings: Vec<TextSize> = Vec::new();
    let mut continued_from: Option<usize> = None;
    for token in tokens {
        let range = token.range();
        // A backslash that ends its line between two tokens continues the logical line, whose
        // `noqa` goes on its last row, as in ruff.
        let gap = text
            .get(previous_end.to_usize()..range.start().to_usize())
            .unwrap_or_default();
        if line_continuations(gap).next().is_some() {
            continued_from.get_or_insert(line_start(text, previous_end));
        }
        let string = match token.kind() {
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
            map_to_last_row(
                &mut spans,
                line_start(text, string.start()),
                string.end(),
                source,
            );
        }
        if token.kind() == TokenKind::Newline
            && let Some(start) = continued_from.take()
        {
            map_to_last_row(&mut spans, start, range.start(), source);
        }
        previous_end = range.end();
    }
    spans
}

/// Findings from `start` to `end` take their `noqa` on the row `end` is on. Overlapping spans
/// merge, so the list stays sorted and disjoint.
fn map_to_last_row(
    spans: &mut Vec<(TextRange, usize)>,
    start: usize,
    end: TextSize,
    source: &SourceFile,
) {
    let mut span = TextRange::new(TextSize::try_from(start).unwrap_or(end).min(end), end);
    while let Some((last, _)) = spans.last()
        && last.end() >= span.start()
    {
        span = span.cover(*last);
        spans.pop();
    }
    let row = source.location(span.end()).row;
    spans.push((span, row));
}

/// Whether `text` holds `noqa` in any case.
fn mentions_noqa(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'q', b'Q', bytes).any(|at| {
        at >= 2
            && bytes
                .get(at - 2..at + 2)
                .is_some_and(|word| word.eq_ignore_ascii_case(b"noqa"))
    })
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

    /// The `noqa` row of every occurrence of `needle` in `text`.
    fn rows_of(text: &str, needle: &str) -> Vec<usize> {
        let source = SourceFile::new("t.py".into(), text.to_string());
        let parsed = ruff_python_parser::parse_module(text).expect("valid test source");
        let mut rows = NoqaRows::new(parsed.tokens(), &source);
        text.match_indices(needle)
            .map(|(at, _)| rows.row_for(TextSize::try_from(at).expect("small")))
            .collect()
    }

    #[test]
    fn rows_follow_multi_line_strings_and_continuations() {
        let text = "a = x == None\nb = f(x == None, '''\n''')\nc = x == None + \\\r\n  1\nd = (x == None,\n  x == None)\n";
        assert_eq!(rows_of(text, "x == None"), [1, 3, 5, 6, 7]);
        let fstring = "y = x == None or f'''{x}\n'''\nz = x == None\n";
        assert_eq!(rows_of(fstring, "x == None"), [2, 3]);
    }

    #[test]
    fn a_long_logical_line_is_looked_at_once_and_still_right() {
        let mut text = String::from("values = [\n");
        for _ in 0..1000 {
            text.push_str("    x == None,\n");
        }
        text.push_str("    x == None, '''\n''']\nafter = x == None\n");
        let rows = rows_of(&text, "x == None");
        let expected: Vec<usize> = (2..=1001).chain([1003, 1004]).collect();
        assert_eq!(rows, expected);
    }

    #[test]
    fn mentions_noqa_in_any_case() {
        assert!(mentions_noqa("x = 1  # NoQa"));
        assert!(mentions_noqa("noqa"));
        assert!(!mentions_noqa("q = no + qa"));
        assert!(!mentions_noqa("qa"));
    }
}
