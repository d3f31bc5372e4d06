//! Reading a Python file into text: bytes from disk, decoded the way CPython decodes source
//! (a UTF-8 byte-order mark, or a PEP 263 `coding:` declaration on one of the first two lines,
//! else UTF-8), plus the line index that turns byte offsets into rows and character columns.

use std::fmt;
use std::fs;
use std::io::{self, Read};
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
        let bytes = read_regular_file(path).map_err(ReadError::Io)?;
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

/// Reads `path` if it is a regular file. It is opened without blocking and checked once open,
/// so a FIFO or a device, even one that replaced a file since the walk saw it, is refused
/// rather than waited on.
fn read_regular_file(path: &Path) -> io::Result<Vec<u8>> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let mut file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        let kind = kind_of(metadata.file_type());
        return Err(io::Error::other(format!("not a regular file: {kind}")));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// What a file that is not a regular file is, for the message that refuses it.
pub fn kind_of(file_type: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Decodes source bytes as CPython's tokenizer does.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    // CPython refuses these before looking at the encoding, in the words of 3.12.
    if memchr::memchr(0, bytes).is_some() {
        return Err("source code cannot contain null bytes".to_string());
    }
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
        Some(name) => match python_codec(&name) {
            Codec::Utf8 => decode_utf8(bytes),
            Codec::Latin1 => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
            Codec::Ascii => match bytes.iter().position(|b| !b.is_ascii()) {
                None => Ok(String::from_utf8_lossy(bytes).into_owned()),
                Some(at) => Err(undecodable(&name, bytes[at], at)),
            },
            Codec::Whatwg(encoding, quirks) => decode_whatwg(bytes, &name, encoding, quirks),
            Codec::Unknown => Err(format!("unknown encoding `{name}`")),
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

/// CPython's complaint about a byte its codec has no character for, with the offset in the
/// file rather than in the line.
fn undecodable(name: &str, byte: u8, at: usize) -> String {
    format!("`{name}` cannot decode byte 0x{byte:02x} at byte offset {at}")
}

/// How a Python codec name decodes.
enum Codec {
    Utf8,
    Latin1,
    Ascii,
    Whatwg(&'static encoding_rs::Encoding, Quirks),
    Unknown,
}

/// Where Python's single-byte codecs differ from the WHATWG tables `encoding_rs` implements
/// (checked byte by byte against CPython 3.12).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quirks {
    None,
    /// Python's `cp125x` and `cp874` leave bytes undefined that WHATWG maps to C1 controls.
    WindowsUndefined,
    /// WHATWG reads `iso-8859-9` and `iso-8859-11` as their Windows supersets; Python's ISO
    /// codecs map 0x80 to 0x9f to the C1 controls.
    IsoC1,
    /// WHATWG's KOI8-U is KOI8-RU: 0xae and 0xbe are box drawing in Python's `koi8_u`.
    Koi8U,
}

/// Maps a Python codec name to a decoder, normalising it as Python's `encodings` package does.
/// Latin-1 and ASCII are handled here because WHATWG treats both as windows-1252.
fn python_codec(declared: &str) -> Codec {
    let name = normalise_codec_name(declared);
    let starts = |prefix: &str| name == prefix || name.starts_with(&format!("{prefix}_"));
    if starts("utf_8") || matches!(name.as_str(), "utf8" | "u8" | "utf" | "cp65001") {
        return Codec::Utf8;
    }
    if starts("latin_1") || starts("iso_8859_1") || starts("iso_latin_1") || is_latin1_alias(&name)
    {
        return Codec::Latin1;
    }
    if is_ascii_alias(&name) {
        return Codec::Ascii;
    }
    let label = whatwg_label(&name);
    let encoding = encoding_rs::Encoding::for_label(label.as_bytes())
        .or_else(|| encoding_rs::Encoding::for_label(label.replace('_', "-").as_bytes()));
    match encoding {
        Some(encoding) => Codec::Whatwg(encoding, quirks(&name, encoding)),
        None => Codec::Unknown,
    }
}

/// Lower case, each run of characters other than letters, digits and `.` as one `_`.
fn normalise_codec_name(name: &str) -> String {
    let mut normal = String::with_capacity(name.len());
    for part in name
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
        .filter(|part| !part.is_empty())
    {
        if !normal.is_empty() {
            normal.push('_');
        }
        normal.push_str(&part.to_ascii_lowercase());
    }
    normal
}

fn is_latin1_alias(name: &str) -> bool {
    matches!(
        name,
        "latin1"
            | "latin"
            | "l1"
            | "8859"
            | "iso8859"
            | "iso8859_1"
            | "cp819"
            | "ibm819"
            | "csisolatin1"
            | "iso_ir_100"
    )
}

fn is_ascii_alias(name: &str) -> bool {
    matches!(
        name,
        "ascii"
            | "646"
            | "us"
            | "us_ascii"
            | "cp367"
            | "ibm367"
            | "csascii"
            | "iso646_us"
            | "iso_ir_6"
            | "ansi_x3.4_1968"
            | "ansi_x3_4_1968"
            | "ansi_x3.4_1986"
            | "iso_646.irv_1991"
    )
}

/// The WHATWG label for a Python codec name where the two spell it differently.
fn whatwg_label(name: &str) -> &str {
    match name {
        "cp874" => "windows-874",
        "mac_roman" | "macroman" => "macintosh",
        "mac_cyrillic" | "maccyrillic" => "x-mac-cyrillic",
        _ => name,
    }
}

fn quirks(name: &str, encoding: &'static encoding_rs::Encoding) -> Quirks {
    if encoding == encoding_rs::KOI8_U {
        Quirks::Koi8U
    } else if !encoding.name().starts_with("windows-") || !encoding.is_single_byte() {
        Quirks::None
    } else if name.starts_with("cp") || name.starts_with("windows") {
        Quirks::WindowsUndefined
    } else {
        Quirks::IsoC1
    }
}

fn decode_whatwg(
    bytes: &[u8],
    name: &str,
    encoding: &'static encoding_rs::Encoding,
    quirks: Quirks,
) -> Result<String, String> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if quirks == Quirks::None {
        return if had_errors {
            Err(format!("invalid `{name}` data"))
        } else {
            Ok(text.into_owned())
        };
    }
    // A single-byte encoding decodes each byte to one character, an undefined one to U+FFFD.
    let c1 = '\u{80}'..='\u{9f}';
    bytes
        .iter()
        .zip(text.chars())
        .enumerate()
        .map(|(at, (&byte, c))| match (quirks, c) {
            (Quirks::IsoC1, _) if (0x80..=0x9f).contains(&byte) => Ok(char::from(byte)),
            (Quirks::WindowsUndefined, c) if c1.contains(&c) => Err(undecodable(name, byte, at)),
            (Quirks::Koi8U, '\u{45e}') => Ok('\u{255d}'),
            (Quirks::Koi8U, '\u{40e}') => Ok('\u{256c}'),
            (_, '\u{fffd}') => Err(undecodable(name, byte, at)),
            (_, c) => Ok(c),
        })
        .collect()
}

/// The encoding named by a PEP 263 declaration, if any, read from the raw bytes as CPython
/// does: the first line may be in the declared encoding already. As in CPython, the second
/// line is only consulted when the first is blank or a comment, and a lone CR ends a line.
fn coding_declaration(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut lines = first_lines(bytes);
    let first = lines.next()?;
    if let Some(name) = cookie(first) {
        return Some(name);
    }
    let first_is_comment_or_blank = first
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\x0c'))
        .is_none_or(|&b| b == b'#');
    if first_is_comment_or_blank {
        lines.next().and_then(cookie)
    } else {
        None
    }
}

/// The first two lines of `bytes`, ended by LF, CRLF or a lone CR.
fn first_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let text = rest?;
        match memchr::memchr2(b'\n', b'\r', text) {
            Some(end) => {
                let after = if text[end..].starts_with(b"\r\n") {
                    end + 2
                } else {
                    end + 1
                };
                rest = Some(&text[after..]);
                Some(&text[..end])
            }
            None => rest.take(),
        }
    })
    .take(2)
}

/// Matches `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)` on one line, as `get_coding_spec` in
/// CPython's tokenizer does: on bytes, ASCII letters and digits only, and an empty name after
/// one `coding:` lets a later one count.
fn cookie(line: &[u8]) -> Option<String> {
    let indent = line
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\x0c'))?;
    let comment = line[indent..].strip_prefix(b"#")?;
    let is_name_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    memchr::memmem::find_iter(comment, b"coding").find_map(|at| {
        let rest = comment.get(at + "coding".len()..)?;
        let rest = rest
            .strip_prefix(b":")
            .or_else(|| rest.strip_prefix(b"="))?;
        let start = rest.iter().position(|b| !matches!(b, b' ' | b'\t'))?;
        let name: Vec<u8> = rest[start..]
            .iter()
            .copied()
            .take_while(is_name_byte)
            .collect();
        // Only ASCII bytes were taken, so this is always text.
        String::from_utf8(name).ok().filter(|name| !name.is_empty())
    })
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
    fn single_byte_codecs_agree_with_python() {
        // Python's `iso8859_9` keeps the C1 controls WHATWG's windows-1254 would replace.
        assert_eq!(
            decode(b"# coding: latin5\nx = '\x80'\n").unwrap(),
            "# coding: latin5\nx = '\u{80}'\n"
        );
        assert_eq!(
            decode(b"# coding: iso-8859-9\n\xd0")
                .unwrap()
                .chars()
                .last(),
            Some('\u{11e}')
        );
        assert!(
            decode(b"# coding: koi8_u\n'\xae\xbe'")
                .unwrap()
                .ends_with("'\u{255d}\u{256c}'")
        );
        assert!(decode(b"# coding: windows-1253\n'\xaa'").is_err());
        assert_eq!(
            decode(b"# coding: cp866\n\xa0").unwrap().chars().last(),
            Some('\u{430}')
        );
        assert_eq!(
            decode(b"# coding: mac-roman\n\x80").unwrap().chars().last(),
            Some('\u{c4}')
        );
    }

    #[test]
    fn cookies_are_read_from_bytes_on_any_line_ending() {
        assert!(decode(b"# \xe9 coding: latin-1\nx = '\xe9'\n").is_ok());
        assert!(decode(b"#!python\r# coding: latin-1\rx = '\xe9'\r").is_ok());
        assert!(decode(b"#!python\r\n# coding: latin-1\r\nx = '\xe9'\r\n").is_ok());
        // An empty name lets a later declaration on the line count.
        assert!(decode(b"# coding:  # coding=latin-1\nx = '\xe9'\n").is_ok());
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
