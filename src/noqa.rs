//! `# noqa` comments: `# noqa` silences every finding on its line, `# noqa: MEM101, MEM201`
//! only those codes, as in ruff and flake8. Codes of other tools in the list are ignored, so
//! `# noqa: E501` leaves heaplint's findings alone.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_text_size::Ranged;
use rustc_hash::FxHashMap;

use crate::rules::Rule;
use crate::source::SourceFile;

/// The `noqa` directives of one file, by row.
#[derive(Debug, Default)]
pub struct NoqaDirectives {
    by_row: FxHashMap<usize, Directive>,
}

#[derive(Debug, PartialEq, Eq)]
enum Directive {
    All,
    Codes(Vec<String>),
}

impl NoqaDirectives {
    /// Reads the directives from the file's comment tokens.
    pub fn from_tokens(tokens: &Tokens, source: &SourceFile) -> NoqaDirectives {
        let by_row = tokens
            .iter()
            .filter(|token| token.kind() == TokenKind::Comment)
            .filter_map(|token| {
                let text = source.text().get(token.range().to_std_range())?;
                let directive = parse(text)?;
                Some((source.location(token.range().start()).row, directive))
            })
            .collect();
        NoqaDirectives { by_row }
    }

    /// True if a `noqa` comment on `row` silences `rule`.
    pub fn suppresses(&self, row: usize, rule: Rule) -> bool {
        match self.by_row.get(&row) {
            Some(Directive::All) => true,
            Some(Directive::Codes(codes)) => codes.iter().any(|code| code == rule.code()),
            None => false,
        }
    }
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
    // Codes are letters then digits (`MEM101`, `E501`); the list ends at the first word that
    // is not one, so `# noqa: MEM101 because ...` is fine.
    let codes: Vec<String> = codes
        .split([',', ' ', '\t'])
        .filter(|code| !code.is_empty())
        .take_while(|code| is_code(code))
        .map(str::to_ascii_uppercase)
        .collect();
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
    }
}
