//! Subtitle files: SRT, WebVTT and ASS/SSA read into one [`SubtitleDoc`] and
//! written back out, in the same format (losslessly) or converted.
//!
//! ```no_run
//! use clipwright::subtitles::{self, Format};
//!
//! # fn main() -> Result<(), subtitles::SubtitleError> {
//! let (doc, warnings) = subtitles::read_file("talk.ass".as_ref())?;
//! for w in &warnings {
//!     eprintln!("talk.ass: {w}"); // "line 12: cue has no number before its timing line"
//! }
//! let srt = doc.write(Format::Srt); // bold/italic/colour become <b>/<i>/<font>
//! subtitles::write_file("talk.vtt".as_ref(), &doc)?; // format from the extension
//! # let _ = srt; Ok(()) }
//! ```
//!
//! Reading is tolerant: the encoding is detected (UTF-8 with or without BOM,
//! UTF-16 LE/BE, else a legacy code page guessed by `chardetng`, usually
//! Windows-1252), line endings may be anything, and the usual faults of real files
//! (missing blank lines or cue numbers, `.` for `,`, cues out of order) are worked
//! around with a [`Warning`] that names the line. What cannot be read at all is a
//! [`SubtitleError`]; no input makes a parser panic.
//!
//! Cue times are integer milliseconds. Cue text stays in its own format's markup;
//! [`text`] converts between markups and to plain text, and [`karaoke_text`] turns
//! word timings into `\k` karaoke tags. [`transcribe`] turns speech into a
//! [`SubtitleDoc`] with word timings (local Whisper models), and [`timeline_map`]
//! moves documents into the timeline's subtitle tracks and back. Decoding media is
//! not done here: transcription takes samples `media` decoded.

#![warn(missing_docs)]
mod ass_read;
mod ass_write;
mod convert;
mod decode;
mod error;
mod karaoke;
mod model;
mod srt;
mod style;
pub mod text;
mod timecode;
pub mod timeline_map;
pub mod transcribe;
mod vtt;

use std::fmt;
use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use decode::LineEnding;
pub use error::{SubtitleError, Warning, WarningKind};
pub use karaoke::{karaoke_cue, karaoke_text, KaraokeTag, WordTiming};
pub use model::{
    Cue, CueKind, InfoLine, RawBlock, RawKind, RawSection, ScriptInfo, SectionId, SubtitleDoc,
};
pub use style::{AssColor, AssStyle};
pub use vtt::cue_settings;

/// A subtitle file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// SubRip, `.srt`.
    Srt,
    /// WebVTT, `.vtt`.
    Vtt,
    /// Advanced SubStation Alpha (v4.00+), `.ass`.
    Ass,
    /// SubStation Alpha (v4.00), `.ssa`.
    Ssa,
}

impl Format {
    /// The format a file name's extension names (case-insensitively), if any.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "srt" => Some(Self::Srt),
            "vtt" | "webvtt" => Some(Self::Vtt),
            "ass" => Some(Self::Ass),
            "ssa" => Some(Self::Ssa),
            _ => None,
        }
    }

    /// Guesses the format from the start of a file's content.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        let mut warnings = error::Warnings::default();
        let text = decode::decode(
            bytes.get(..bytes.len().min(8192)).unwrap_or(bytes),
            &mut warnings,
        )
        .ok()?
        .text;
        let head = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        if head.starts_with("WEBVTT") {
            return Some(Self::Vtt);
        }
        // Whole header lines only, and more than one, so a cue that happens to say
        // "[Events]" does not make an SRT file ASS.
        let lines: Vec<String> = head
            .lines()
            .map(|l| l.trim().to_ascii_lowercase())
            .collect();
        let has = |header: &str| lines.iter().any(|l| l == header);
        let starts_as_ass = lines.first().is_some_and(|l| l == "[script info]");
        if starts_as_ass || (has("[events]") && (has("[v4+ styles]") || has("[v4 styles]"))) {
            return Some(if has("[v4 styles]") {
                Self::Ssa
            } else {
                Self::Ass
            });
        }
        srt::parse_timing(head.lines().take(3).find(|l| l.contains("-->"))?).map(|_| Self::Srt)
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Srt => "srt",
            Self::Vtt => "vtt",
            Self::Ass => "ass",
            Self::Ssa => "ssa",
        }
    }

    /// ASS and SSA share a document layout and markup.
    pub fn is_ass_family(self) -> bool {
        matches!(self, Self::Ass | Self::Ssa)
    }

    /// The `ScriptType` an ASS-family script of this format declares.
    pub fn script_type(self) -> &'static str {
        if self == Self::Ssa {
            "v4.00"
        } else {
            "v4.00+"
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Srt => "SRT",
            Self::Vtt => "WebVTT",
            Self::Ass => "ASS",
            Self::Ssa => "SSA",
        })
    }
}

/// Reads subtitle bytes as `format` (ASS and SSA each accept the other; the
/// document's format says which it was). Empty input gives an empty document.
pub fn parse(bytes: &[u8], format: Format) -> Result<(SubtitleDoc, Vec<Warning>), SubtitleError> {
    let mut warnings = error::Warnings::default();
    let decoded = decode::decode(bytes, &mut warnings)?;
    let mut doc = parse_text(&decoded.text, format, &mut warnings)?;
    doc.line_ending = decoded.line_ending;
    doc.utf8_bom = decoded.utf8_bom;
    decoded.encoding.clone_into(&mut doc.source_encoding);
    Ok((doc, warnings.finish()))
}

/// Reads subtitle text that is already decoded.
pub fn parse_str(text: &str, format: Format) -> Result<(SubtitleDoc, Vec<Warning>), SubtitleError> {
    let mut warnings = error::Warnings::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut doc = parse_text(text, format, &mut warnings)?;
    doc.line_ending = if text.contains("\r\n") {
        LineEnding::CrLf
    } else {
        LineEnding::Lf
    };
    Ok((doc, warnings.finish()))
}

fn parse_text(
    text: &str,
    format: Format,
    warnings: &mut error::Warnings,
) -> Result<SubtitleDoc, SubtitleError> {
    match format {
        Format::Srt => srt::parse(text, warnings),
        Format::Vtt => vtt::parse(text, warnings),
        Format::Ass | Format::Ssa => ass_read::parse(text, format, warnings),
    }
}

/// Reads a subtitle file, its format taken from the extension (or, failing that,
/// from its content). Content with a header that names another format (a
/// `WEBVTT` file saved as `.srt`) is read as what it is, with a warning.
pub fn read_file(path: &Path) -> Result<(SubtitleDoc, Vec<Warning>), SubtitleError> {
    let bytes = read_capped(path)?;
    let sniffed = Format::sniff(&bytes);
    let (format, named) = match (Format::from_path(path), sniffed) {
        // A `.srt` that is really WebVTT or ASS is common enough to read as what it
        // is, with a warning, rather than as a pile of unreadable lines. SRT has no
        // header, so content that merely looks like SRT does not overrule a name.
        (Some(named), Some(actual))
            if actual != named
                && actual != Format::Srt
                && !(actual.is_ass_family() && named.is_ass_family()) =>
        {
            (actual, Some(named))
        }
        (Some(named), _) => (named, None),
        (None, Some(actual)) => (actual, None),
        (None, None) => {
            return Err(SubtitleError::UnknownFormat {
                path: path.to_owned(),
            })
        }
    };
    let (doc, mut warnings) = parse(&bytes, format).map_err(|source| SubtitleError::InFile {
        path: path.to_owned(),
        source: Box::new(source),
    })?;
    if let Some(named) = named {
        let message =
            format!("the file name says {named} but the content is {format}; read as {format}");
        warnings.insert(0, Warning::file(WarningKind::FormatMismatch, message));
    }
    Ok((doc, warnings))
}

/// The most a subtitle file may hold: far beyond any real one (a feature film's
/// subtitles are well under 1 MB), small enough that reading never exhausts memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a regular file of at most [`MAX_FILE_BYTES`]. A pipe or device is refused before
/// it is opened (a FIFO would block, `/dev/zero` never ends).
fn read_capped(path: &Path) -> Result<Vec<u8>, SubtitleError> {
    use std::io::Read;
    let read_err = |source| SubtitleError::Read {
        path: path.to_owned(),
        source,
    };
    crate::files::check_regular_file(path).map_err(read_err)?;
    let file = std::fs::File::open(path).map_err(read_err)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(SubtitleError::TooLarge {
            path: path.to_owned(),
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// Writes `doc` to `path` as UTF-8 in the format the extension names (the
/// document's own format if it names none). The write is atomic: a temporary file
/// in the same folder is written, flushed to disk and renamed over `path`.
pub fn write_file(path: &Path, doc: &SubtitleDoc) -> Result<(), SubtitleError> {
    let format = Format::from_path(path).unwrap_or(doc.format);
    let text = doc.write(format);
    let write_err = |source| SubtitleError::Write {
        path: path.to_owned(),
        source,
    };
    // A link is followed to its target, which is replaced by rename; the new file keeps
    // the old one's mode (or gets 0666 less the umask), not the temporary file's 0600.
    let target = crate::files::output_target(path).map_err(write_err)?;
    let mut tmp = target.temp_file().map_err(write_err)?;
    tmp.write_all(text.as_bytes()).map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    tmp.persist(&target.destination)
        .map_err(|e| write_err(e.error))?;
    Ok(())
}

/// Converts the subtitle file `input` into `output`, each format taken from its
/// extension; returns the warnings from reading `input`.
pub fn convert(input: &Path, output: &Path) -> Result<Vec<Warning>, SubtitleError> {
    if Format::from_path(output).is_none() {
        return Err(SubtitleError::UnknownFormat {
            path: output.to_owned(),
        });
    }
    let (doc, warnings) = read_file(input)?;
    write_file(output, &doc)?;
    Ok(warnings)
}
