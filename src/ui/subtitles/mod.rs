//! The subtitles tab: the track and cue list (`panel`), importing and exporting subtitle
//! files (`files`), the track's style editor (`style`), and speech-to-text (`transcribe`).

pub(super) mod files;
pub(super) mod panel;
pub(super) mod style;
pub(super) mod transcribe;
