//! The error type of capture and recording: what failed, with which window, device or file.

use crate::media::RecordError;

/// What went wrong while listing, capturing or recording.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureError {
    /// The display server could not be reached.
    #[error("cannot connect to the X display {display}: {detail}")]
    NoDisplay { display: String, detail: String },
    /// Talking to the display server failed.
    #[error("X11 request failed ({what}): {detail}")]
    X11 { what: &'static str, detail: String },
    /// No window matches.
    #[error("no window matches {wanted}; windows open now:\n{available}")]
    NoSuchWindow { wanted: String, available: String },
    /// Several windows match a title.
    #[error("several windows match \"{wanted}\"; pick one with --window-id:\n{matches}")]
    AmbiguousWindow { wanted: String, matches: String },
    /// An option is out of range or malformed.
    #[error("{0}")]
    Invalid(String),
    /// This backend cannot do what was asked.
    #[error("{0}")]
    Unsupported(String),
    /// A sound device could not be opened or stopped delivering.
    #[error("sound device \"{device}\": {detail}")]
    SoundDevice { device: String, detail: String },
    /// Grabbing, encoding or writing failed.
    #[error(transparent)]
    Media(#[from] RecordError),
    /// A worker thread could not be started or ended abnormally.
    #[error("the recorder's {0} thread failed")]
    Thread(&'static str),
}
