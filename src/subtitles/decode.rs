//! Turns the bytes of a subtitle file into text: byte-order marks, UTF-16 with or
//! without a BOM, UTF-8, and a guessed legacy code page (`chardetng`, which falls
//! back to Windows-1252) for everything else; then the line-ending style and the
//! line split every parser uses. It knows nothing of any subtitle format.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
use serde::{Deserialize, Serialize};

use super::error::{SubtitleError, Warnings};
use super::WarningKind;

/// How lines end in a file; kept so a file is written back the way it came.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LineEnding {
    /// `\n` (Unix, macOS).
    #[default]
    Lf,
    /// `\r\n` (Windows, and what most subtitle tools write).
    CrLf,
}

impl LineEnding {
    /// The characters that end a line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lf => "\n",
            Self::CrLf => "\r\n",
        }
    }
}

/// Text decoded from a file, with what was learnt about how it was stored.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub text: String,
    /// The encoding's WHATWG name, e.g. `UTF-8` or `windows-1252`.
    pub encoding: &'static str,
    /// Whether the file started with a UTF-8 byte-order mark.
    pub utf8_bom: bool,
    pub line_ending: LineEnding,
}

/// Decodes `bytes`, warning when the encoding had to be guessed, and refusing data
/// that is clearly not text.
pub(crate) fn decode(bytes: &[u8], warnings: &mut Warnings) -> Result<Decoded, SubtitleError> {
    let (encoding, body, utf8_bom) = match Encoding::for_bom(bytes) {
        Some((enc, len)) => (enc, bytes.get(len..).unwrap_or_default(), enc == UTF_8),
        None => (sniff_encoding(bytes, warnings), bytes, false),
    };
    let (text, _had_errors) = encoding.decode_without_bom_handling(body);
    let text = text.into_owned();
    if let Some(offset) = binary_offset(&text) {
        return Err(SubtitleError::Binary { offset });
    }
    let line_ending = detect_line_ending(&text);
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        utf8_bom,
        line_ending,
    })
}

/// Picks an encoding for text without a byte-order mark.
fn sniff_encoding(bytes: &[u8], warnings: &mut Warnings) -> &'static Encoding {
    if let Some(utf16) = bomless_utf16(bytes) {
        warnings.file(
            WarningKind::GuessedEncoding,
            format!("no byte-order mark; read as {}", utf16.name()),
        );
        return utf16;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let guess = detector.guess(None, false);
    warnings.file(
        WarningKind::GuessedEncoding,
        format!("the text is not UTF-8; read as {} (guessed)", guess.name()),
    );
    guess
}

/// UTF-16 without a BOM shows as a zero byte in every other position for Latin
/// text. Requires a clear majority so binary data is not mistaken for it.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let pairs = sample.len() / 2;
    if pairs < 4 {
        return None;
    }
    let (mut even_zero, mut odd_zero) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        if let [a, b] = pair {
            even_zero += usize::from(*a == 0);
            odd_zero += usize::from(*b == 0);
        }
    }
    let clear = |zeros: usize, other: usize| zeros * 10 >= pairs * 7 && other * 20 <= pairs;
    if clear(odd_zero, even_zero) {
        Some(UTF_16LE)
    } else if clear(even_zero, odd_zero) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The byte offset of the first sign the text is binary: a NUL, or the point where
/// control characters reach more than one in fifty characters.
fn binary_offset(text: &str) -> Option<usize> {
    let mut controls = 0usize;
    for (count, (offset, c)) in text.char_indices().enumerate() {
        if c == '\0' {
            return Some(offset);
        }
        // Tab, line feed, form feed, carriage return and DOS's end-of-file mark
        // turn up in real subtitle files; other C0 controls do not.
        if c.is_control() && (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\x0c' | '\r' | '\x1a')
        {
            controls += 1;
            if controls > 2 && controls * 50 > count + 1 {
                return Some(offset);
            }
        }
    }
    None
}

fn detect_line_ending(text: &str) -> LineEnding {
    let newlines = text.matches('\n').count();
    let crlf = text.matches("\r\n").count();
    if crlf > 0 && crlf * 2 >= newlines {
        LineEnding::CrLf
    } else {
        LineEnding::Lf
    }
}

/// Splits text into lines on `\r\n`, `\n` or a lone `\r`; a final line ending does
/// not make an extra empty line. Line `i` of the result is line `i + 1` of the file.
pub(crate) fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find(['\n', '\r']) {
            Some(pos) => {
                lines.push(rest.get(..pos).unwrap_or_default());
                let skip = if rest.get(pos..pos + 2) == Some("\r\n") {
                    2
                } else {
                    1
                };
                rest = rest.get(pos + skip..).unwrap_or_default();
            }
            None => {
                lines.push(rest);
                rest = "";
            }
        }
    }
    lines
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_on_every_kind_of_line_ending() {
        assert_eq!(split_lines("a\r\nb\nc\rd\n"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_lines("a\n\nb"), vec!["a", "", "b"]);
        assert!(split_lines("").is_empty());
    }

    #[test]
    fn utf16_le_with_bom_decodes() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "héllo\r\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let mut w = Warnings::default();
        let d = decode(&bytes, &mut w).unwrap();
        assert_eq!(d.text, "héllo\r\n");
        assert_eq!(d.encoding, "UTF-16LE");
        assert_eq!(d.line_ending, LineEnding::CrLf);
        assert!(w.finish().is_empty());
    }

    #[test]
    fn utf16_be_without_bom_is_recognised_with_a_warning() {
        let bytes: Vec<u8> = "1\n00:00:01,000 --> 00:00:02,000\nhi\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let mut w = Warnings::default();
        let d = decode(&bytes, &mut w).unwrap();
        assert!(d.text.starts_with("1\n00:00:01"));
        assert_eq!(w.finish().len(), 1);
    }

    #[test]
    fn legacy_code_pages_are_guessed_from_the_text() {
        let cases = [
            (encoding_rs::SHIFT_JIS, "1\r\n00:00:01,000 --> 00:00:02,000\r\n今日はいい天気ですね。配信を見てくれてありがとう！\r\n"),
            (encoding_rs::WINDOWS_1251, "1\n00:00:01,000 --> 00:00:02,000\nПривет, друзья! Сегодня мы играем вместе.\n"),
            (encoding_rs::WINDOWS_1252, "1\n00:00:01,000 --> 00:00:02,000\nÇa va très bien, merci à tous d'être là.\n"),
        ];
        for (encoding, text) in cases {
            let (bytes, _, _) = encoding.encode(text);
            let mut w = Warnings::default();
            let d = decode(&bytes, &mut w).unwrap();
            assert_eq!(d.encoding, encoding.name());
            assert_eq!(d.text, text);
            assert_eq!(w.finish()[0].kind, WarningKind::GuessedEncoding);
        }
    }

    #[test]
    fn nul_bytes_in_utf8_mean_binary() {
        let mut w = Warnings::default();
        let err = decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", &mut w).unwrap_err();
        assert!(matches!(err, SubtitleError::Binary { .. }));
    }
}
