//! What can go wrong reading or writing a subtitle file: hard errors that stop a
//! read ([`SubtitleError`]) and soft problems the tolerant parsers work around and
//! report ([`Warning`], always naming the line when there is one). Nothing here
//! parses or formats subtitles itself.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Format;

/// A subtitle file that cannot be read or written at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SubtitleError {
    /// The file could not be opened or read.
    #[error("cannot read subtitle file {path}: {source}")]
    Read {
        /// The file that failed.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file could not be written (or atomically moved into place).
    #[error("cannot write subtitle file {path}: {source}")]
    Write {
        /// The file that failed.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is larger than any subtitle file (see [`super::MAX_FILE_BYTES`]).
    #[error("{}: too large for a subtitle file (over {} MB)", path.display(), limit / (1024 * 1024))]
    TooLarge {
        /// The file in question.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The bytes are not text in any encoding we know (an image, a video, a zip...).
    #[error("this is not a subtitle file: binary data at byte {offset}")]
    Binary {
        /// Offset of the first byte that gave it away.
        offset: usize,
    },
    /// The text is non-empty but not a single cue (or ASS section) could be found.
    #[error("no subtitle found when reading this as {format}")]
    NoCues {
        /// The format we tried to read it as.
        format: Format,
    },
    /// The file name has no extension we know and its content did not say either.
    #[error("cannot tell the subtitle format of {path}: use .srt, .vtt, .ass or .ssa")]
    UnknownFormat {
        /// The file in question.
        path: PathBuf,
    },
    /// A parse error, with the file it came from.
    #[error("{path}: {source}")]
    InFile {
        /// The file being read.
        path: PathBuf,
        /// The underlying error.
        source: Box<SubtitleError>,
    },
}

/// What kind of problem a [`Warning`] reports, for code that wants to react to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum WarningKind {
    /// The text was not UTF-8; its encoding was guessed.
    GuessedEncoding,
    /// Two cues were not separated by a blank line.
    MissingBlankLine,
    /// A cue had no number (SRT) before its timing line.
    MissingIndex,
    /// A timestamp used a non-standard form (wrong decimal separator, no hours...).
    LooseTimestamp,
    /// A line could not be understood and was skipped (or kept verbatim, for ASS).
    UnreadableLine,
    /// A cue ends before it starts.
    EndBeforeStart,
    /// Cues were out of order and have been sorted by start time.
    OutOfOrder,
    /// A required header (`WEBVTT`, `[Script Info]`, a `Format:` line) was missing.
    MissingHeader,
    /// A field of an ASS style or event could not be read; a default was used.
    BadField,
    /// The content is in another format than the file name says; it was read as
    /// what it is.
    FormatMismatch,
}

/// A problem the parser worked around. `line` is 1-based and names the line in the
/// file that caused it, when the problem belongs to one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// 1-based line number in the source text, if the warning is about one line.
    pub line: Option<usize>,
    /// What kind of problem this is.
    pub kind: WarningKind,
    /// A sentence a user can act on.
    pub message: String,
}

impl Warning {
    /// A warning about line `line` (1-based).
    pub fn at(line: usize, kind: WarningKind, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            kind,
            message: message.into(),
        }
    }

    /// A warning about the file as a whole.
    pub fn file(kind: WarningKind, message: impl Into<String>) -> Self {
        Self {
            line: None,
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Collects warnings while parsing, folding repeats of a per-file nuisance (such as
/// a timestamp style used on every line) into one warning that names the first line.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    list: Vec<Warning>,
    /// Each once-per-file warning: its key, index into `list`, the last line it was
    /// seen on and how many more lines it was seen on.
    once: Vec<(&'static str, usize, usize, usize)>,
}

impl Warnings {
    /// Records a warning about one line.
    pub(crate) fn at(&mut self, line: usize, kind: WarningKind, message: impl Into<String>) {
        self.list.push(Warning::at(line, kind, message));
    }

    /// Records a warning about the whole file.
    pub(crate) fn file(&mut self, kind: WarningKind, message: impl Into<String>) {
        self.list.push(Warning::file(kind, message));
    }

    /// Records a warning only the first time `key` is seen; later repeats are counted
    /// (once a line) and mentioned in the first warning's message.
    pub(crate) fn once(
        &mut self,
        key: &'static str,
        line: usize,
        kind: WarningKind,
        message: &str,
    ) {
        if let Some(entry) = self.once.iter_mut().find(|e| e.0 == key) {
            if entry.2 != line {
                entry.2 = line;
                entry.3 += 1;
            }
            return;
        }
        self.once.push((key, self.list.len(), line, 0));
        self.list.push(Warning::at(line, kind, message));
    }

    /// The warnings, in the order they were found.
    pub(crate) fn finish(mut self) -> Vec<Warning> {
        for (_, index, _, repeats) in &self.once {
            if *repeats > 0 {
                if let Some(w) = self.list.get_mut(*index) {
                    let plural = if *repeats == 1 { "" } else { "s" };
                    w.message = format!("{} (and {repeats} more line{plural})", w.message);
                }
            }
        }
        self.list
    }
}
