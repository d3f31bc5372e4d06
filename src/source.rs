//! Reading a Python file into text: bytes from disk, decoded the way CPython decodes source
//! (a UTF-8 byte-order mark, or a PEP 263 `coding:` declaration on one of the first two lines,
//! else UTF-8), plus the line index that turns byte offsets into rows and character columns.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use ruff_source_file::LineIndex;
use ruff_text_size::TextSize;

/// A decoded Python source file.
pub struct SourceFile {
    path: PathBuf,
    text: String,
    index: LineIndex,
}

/// A 1-based row and a 1-based column counted in characters, as ruff reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    pub row: usize,
    pub column: usize,
}

/// Why a file could not be turned into text.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    Decode(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "could not read file: {error}"),
            ReadError::Decode(reason) => write!(f, "could not decode file: {reason}"),
        }
    }
}

impl SourceFile {
    /// Reads and decodes `path`.
    pub fn read(path: &Path) -> Result<SourceFile, ReadError> {
        let bytes = std::fs::read(path).map_err(ReadError::Io)?;
        let text = decode(&bytes).map_err(ReadError::Decode)?;
        Ok(SourceFile::new(path.to_path_buf(), text))
    }

    /// Wraps text that is already decoded (tests, stdin-like callers).
    pub fn new(path: PathBuf, text: String) -> SourceFile {
        let index = LineIndex::from_source_text(&text);
        SourceFile { path, text, index }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The row and character column of a byte offset. Offsets past the end clamp to the end, so
    /// a parser error reported at end-of-file still has a location.
    pub fn location(&self, offset: TextSize) -> Location {
        let offset = offset.min(TextSize::of(self.text.as_str()));
        let line_column = self.index.line_column(offset, &self.text);
        Location {
            row: line_column.line.get(),
            column: line_column.column.get(),
        }
    }
}

/// Decodes source bytes as CPython's tokenizer does.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    let declared = coding_declaration(bytes);
    if let Some(rest) = bytes.strip_prefix(BOM) {
        return match declared {
            Some(name) if !names_utf8_exactly(&name) => Err(format!(
                "encoding problem: `{name}` with a UTF-8 byte-order mark"
            )),
            _ => decode_utf8(rest),
        };
    }
    match declared {
        None => decode_utf8(bytes),
        Some(name) => match normalise_encoding(&name) {
            Encoding::Utf8 => decode_utf8(bytes),
            Encoding::Latin1 => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
            Encoding::Ascii => match bytes.iter().position(|b| !b.is_ascii()) {
                None => Ok(String::from_utf8_lossy(bytes).into_owned()),
                Some(at) => Err(format!(
                    "byte 0x{:02x} at offset {at} is not ASCII",
                    bytes[at]
                )),
            },
            Encoding::Other(encoding) => {
                let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
                if had_errors {
                    Err(format!("invalid {name} data"))
                } else {
                    Ok(text.into_owned())
                }
            }
            Encoding::Unknown => Err(format!("unknown encoding `{name}`")),
        },
    }
}

/// With a byte-order mark, CPython's tokenizer (`get_normal_name` in `Parser/tokenizer.c`)
/// accepts only a declaration that normalises to `utf-8`: lower case, `_` as `-`. So `UTF_8`
/// passes and `utf8` does not.
fn names_utf8_exactly(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace('_', "-");
    name == "utf-8" || name.starts_with("utf-8-")
}

fn decode_utf8(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec()).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        format!(
            "invalid UTF-8 at byte offset {at} (declare the encoding with a `# -*- coding: ... -*-` line)"
        )
    })
}

enum Encoding {
    Utf8,
    Latin1,
    Ascii,
    Other(&'static encoding_rs::Encoding),
    Unknown,
}

/// Maps a Python codec name to a decoder. Latin-1 and ASCII are handled here because the
/// WHATWG labels `encoding_rs` understands treat both as windows-1252, which Python does not.
fn normalise_encoding(name: &str) -> Encoding {
    let name = name.to_ascii_lowercase().replace('_', "-");
    let is = |prefix: &str| name == prefix || name.starts_with(&format!("{prefix}-"));
    if is("utf-8") || name == "utf8" {
        Encoding::Utf8
    } else if is("latin-1") || is("iso-8859-1") || is("iso-latin-1") || name == "latin1" {
        Encoding::Latin1
    } else if matches!(name.as_str(), "ascii" | "us-ascii" | "646") {
        Encoding::Ascii
    } else {
        let label = python_codec_alias(&name);
        match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(encoding) => Encoding::Other(encoding),
            None => Encoding::Unknown,
        }
    }
}

/// Python spells a few codecs differently from the WHATWG labels.
fn python_codec_alias(name: &str) -> Cow<'_, str> {
    if let Some(number) = name.strip_prefix("cp").filter(|n| n.parse::<u16>().is_ok()) {
        return Cow::Owned(format!("windows-{number}"));
    }
    match name {
        "shift-jis" | "sjis" => Cow::Borrowed("shift_jis"),
        "euc-jp" | "eucjp" => Cow::Borrowed("euc-jp"),
        _ => Cow::Borrowed(name),
    }
}

/// The encoding named by a PEP 263 declaration, if any. As in CPython, the second line is only
/// consulted when the first is blank or a comment.
fn coding_declaration(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut lines = bytes.split(|&b| b == b'\n').take(2);
    let first = lines.next()?;
    if let Some(name) = cookie(first) {
        return Some(name);
    }
    let first_is_comment_or_blank = first
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\x0c' | b'\r'))
        .is_none_or(|&b| b == b'#');
    if first_is_comment_or_blank {
        lines.next().and_then(cookie)
    } else {
        None
    }
}

/// Matches `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)` on one line.
fn cookie(line: &[u8]) -> Option<String> {
    let line = std::str::from_utf8(line).ok()?;
    let comment = line
        .trim_start_matches([' ', '\t', '\x0c'])
        .strip_prefix('#')?;
    let at = comment
        .match_indices("coding")
        .map(|(at, _)| at + "coding".len())
        .find(|&at| matches!(comment.as_bytes().get(at), Some(b':' | b'=')))?;
    let name: String = comment[at + 1..]
        .trim_start_matches([' ', '\t'])
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_and_bom() {
        assert_eq!(decode("x = 'é'\n".as_bytes()).unwrap(), "x = 'é'\n");
        assert_eq!(decode(b"\xef\xbb\xbfx = 1\n").unwrap(), "x = 1\n");
    }

    #[test]
    fn latin1_cookie_decodes_every_byte() {
        let source = b"# -*- coding: latin-1 -*-\nx = '\xe9\x80'\n";
        assert_eq!(
            decode(source).unwrap(),
            "# -*- coding: latin-1 -*-\nx = '\u{e9}\u{80}'\n"
        );
    }

    #[test]
    fn cookie_on_second_line_only_after_a_comment() {
        let source = b"#!/usr/bin/env python\n# vim: set fileencoding=koi8-r :\nx = '\xc1'\n";
        assert_eq!(decode(source).unwrap().lines().nth(2).unwrap(), "x = 'а'");
        let ignored = b"x = 1\n# coding: latin-1\ny = '\xe9'\n";
        assert!(decode(ignored).is_err());
    }

    #[test]
    fn bad_declarations_are_errors() {
        assert!(
            decode(b"# coding: uft-8\n")
                .unwrap_err()
                .contains("unknown encoding")
        );
        assert!(decode(b"\xef\xbb\xbf# coding: latin-1\n").is_err());
        assert!(decode(b"\xef\xbb\xbf# coding: utf8\n").is_err());
        assert!(decode(b"\xef\xbb\xbf# coding: UTF_8\n").is_ok());
        assert!(
            decode(b"x = '\xff'\n")
                .unwrap_err()
                .contains("invalid UTF-8 at byte offset 5")
        );
        assert!(decode(b"# coding: ascii\nx = '\xe9'\n").is_err());
    }

    #[test]
    fn columns_count_characters() {
        let file = SourceFile::new(PathBuf::from("t.py"), "s = 'ééé' == None\n".to_string());
        let offset = TextSize::try_from(file.text().find("None").unwrap()).unwrap();
        assert_eq!(file.location(offset), Location { row: 1, column: 14 });
        let end = TextSize::of(file.text()) + TextSize::from(5);
        assert_eq!(file.location(end).row, 2);
    }
}
