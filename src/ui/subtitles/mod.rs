//! The subtitles tab: the track and cue list (`panel`), importing and exporting subtitle
//! files (`files`), the track's style editor (`style`), and speech-to-text (`transcribe`).

pub(super) mod files;
pub(super) mod panel;
pub(super) mod style;
pub(super) mod transcribe;

use crate::timeline::TrackId;

/// What the tab's workers (importing, transcribing) finished with, for the panel to show.
#[derive(Debug, Default)]
pub struct WorkerOutcome {
    /// A problem to show as an error toast.
    pub error: Option<String>,
    /// A track just imported or transcribed, to show.
    pub track: Option<TrackId>,
}
