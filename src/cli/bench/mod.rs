//! `clipwright bench …`: measured runs of Clipwright's jobs beside the `ffmpeg` CLI doing
//! the same work, in the same run, printed side by side.
//!
//! - `export`: the reference export job (see [`export`]).
//! - `record`: a busy 1080p30 window with its sound, against `ffmpeg -f x11grab` (Linux).

#[cfg(target_os = "linux")]
mod child;
#[cfg(target_os = "linux")]
mod desktop;
pub(super) mod export;
#[cfg(target_os = "linux")]
pub(super) mod record;
