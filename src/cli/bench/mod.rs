//! `clipwright bench …`: measured runs of Clipwright's jobs beside the `ffmpeg` CLI doing
//! the same work, in the same run, printed side by side.
//!
//! - `export`: the reference export job (see [`export`]).
//! - `record`: a busy 1080p30 window with its sound, against `ffmpeg -f x11grab` (Linux).
//! - `scrub`, `play`: the preview path's seek latency and its memory over a long play
//!   (see [`preview`]).

#[cfg(target_os = "linux")]
mod child;
#[cfg(target_os = "linux")]
mod desktop;
pub(super) mod export;
pub(super) mod preview;
#[cfg(target_os = "linux")]
pub(super) mod record;
