//! Recording: what can be captured ([`CaptureBackend`], listing windows and displays),
//! the backends (X11 on Linux, scap on Windows and macOS, and a [`TestPattern`] for
//! headless tests), and the [`Recorder`] that paces, scales, encodes and writes frames and
//! sound into a crash-safe file.
//!
//! This module never calls FFmpeg directly: grabbing devices, encoders and the file are
//! `media` types. It knows nothing of the GUI; [`into_project`] hands a finished
//! recording to the timeline model.
//!
//! Time inside a recording is an integer count of microseconds since its first frame,
//! minus the time spent paused.

mod audio;
mod clock;
#[cfg(target_os = "linux")]
mod composite;
#[cfg(any(windows, target_os = "macos"))]
mod cpal_sound;
mod drift;
mod error;
#[cfg(target_os = "linux")]
mod hotkey;
mod hotkey_key;
#[cfg(any(windows, target_os = "macos"))]
mod hotkey_native;
mod hotkeys;
pub mod into_project;
pub mod live_markers;
mod naming;
mod options;
mod output;
mod pacer;
#[cfg(target_os = "linux")]
mod pactl;
mod pattern;
#[cfg(windows)]
mod process_loopback;
#[cfg(target_os = "macos")]
mod process_tap;
#[cfg(any(target_os = "linux", target_os = "macos"))]
mod process_tree;
mod recorder;
pub mod replay;
#[cfg(any(windows, target_os = "macos"))]
mod scap_backend;
mod sound;
#[cfg(any(windows, target_os = "macos", test))]
mod sound_chunk;
mod stats;
#[cfg(target_os = "linux")]
mod window_sound;
#[cfg(target_os = "linux")]
mod window_watch;
mod workers;
#[cfg(target_os = "linux")]
mod x11;
#[cfg(target_os = "linux")]
mod x11_pixels;
#[cfg(target_os = "linux")]
mod x11_source;

use std::time::Instant;

pub use error::CaptureError;
#[cfg(target_os = "linux")]
pub use hotkey::GlobalHotkey;
pub use hotkey_key::Hotkey;
#[cfg(any(windows, target_os = "macos"))]
pub use hotkey_native::GlobalHotkey;
pub use hotkeys::{FakeHotkeys, HotkeyGrab, Hotkeys, OnPress, SystemHotkeys};
pub use naming::{fresh_named_path, fresh_recording_path, local_now};
pub use options::{
    check_fps, parse_fit, parse_region, AudioSelection, OutputSize, RecordOptions, SIZE_PRESETS,
};
pub use output::check as check_output;
pub use pacer::{Pacer, PacerStep};
pub use pattern::{draw as draw_pattern, read_counter, TestPattern, COUNTER_BLOCK};
pub use recorder::{EndReason, Recorder, RecordingSummary};
pub use replay::{replay_cap_bytes, SavedReplay};
#[cfg(any(windows, target_os = "macos"))]
pub use scap_backend::ScapBackend;
pub use sound::{restore_left_routing, system_sound_available};
pub use stats::{Causes, Stats, StatsSnapshot};
#[cfg(target_os = "linux")]
pub use x11::{WindowCapture, X11Backend};

pub use crate::media::{BgraFrame, EncoderChoice, Fit};

/// Something that can be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The backend's id: an X11 window id, a display number…
    pub id: u64,
    /// A window or a whole display.
    pub kind: TargetKind,
    /// Window title (or a display's name).
    pub title: String,
    /// The program the window belongs to (X11: the class part of `WM_CLASS`).
    pub app: String,
    /// Position on the screen, in pixels.
    pub x: i32,
    /// Position on the screen, in pixels.
    pub y: i32,
    /// Size in pixels.
    pub width: u32,
    /// Size in pixels.
    pub height: u32,
    /// The owning process, when the window says.
    pub pid: Option<u32>,
}

/// What a [`Target`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// One top-level window.
    Window,
    /// A whole screen.
    Display,
}

/// What the user asked to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetSpec {
    /// The one window whose title contains this text (an exact title wins over others).
    WindowTitle(String),
    /// A window by its id.
    WindowId(u64),
    /// A whole display (its number; 0 is the first).
    Display(u32),
    /// A rectangle of the screen: x, y, width, height.
    Region(i32, i32, u32, u32),
}

/// How a source should grab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSettings {
    /// Frames per second wanted (the source may deliver more or fewer).
    pub fps: u32,
    /// Draw the mouse pointer.
    pub cursor: bool,
    /// When the window closes, wait for one with the same app and title instead of ending.
    pub reacquire: bool,
}

/// One captured picture and when it was taken.
#[derive(Clone, Debug)]
pub struct Frame {
    /// The picture.
    pub image: BgraFrame,
    /// When it was grabbed (monotonic clock).
    pub captured_at: Instant,
}

/// What a source produced when asked for its next frame.
#[derive(Debug)]
pub enum Grabbed {
    /// A new picture.
    Frame(Frame),
    /// Nothing new for now (a minimised window, a source waiting for its window): the
    /// recorder repeats the last picture.
    Idle,
    /// The window is open but not on screen (minimised or unmapped): the recorder repeats
    /// the last picture and its stats say "window hidden".
    Hidden,
    /// The source is gone (its window closed) and the recording should end.
    Ended(String),
}

/// A running capture: call [`FrameSource::next`] in a loop on a worker thread.
pub trait FrameSource: Send {
    /// Waits for the next picture (at most about a frame's time, so the caller can stop).
    fn next(&mut self) -> Result<Grabbed, CaptureError>;

    /// How this source captures, when the person should know (e.g. "recording the
    /// window's screen area: anything covering it is recorded too"); `None` when it
    /// records just what was asked.
    fn notice(&self) -> Option<String> {
        None
    }
}

/// A way of capturing: lists targets and starts sources on them.
pub trait CaptureBackend {
    /// Windows and displays that can be recorded now.
    fn targets(&self) -> Result<Vec<Target>, CaptureError>;
    /// A small picture of `target` for a picker, at most `max_side` pixels wide or high.
    fn thumbnail(&self, target: &Target, max_side: u32) -> Result<BgraFrame, CaptureError>;
    /// Starts capturing what `spec` names.
    fn start(
        &self,
        spec: &TargetSpec,
        settings: &SourceSettings,
    ) -> Result<Box<dyn FrameSource>, CaptureError>;
}

/// Finds the one window `spec` names among `targets`.
pub fn resolve_window<'a>(
    targets: &'a [Target],
    spec: &TargetSpec,
) -> Result<&'a Target, CaptureError> {
    let windows = || targets.iter().filter(|t| t.kind == TargetKind::Window);
    let listing = || {
        windows()
            .map(|t| format!("  {:#x}  {}  \"{}\"", t.id, t.app, t.title))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match spec {
        TargetSpec::WindowId(id) => {
            windows()
                .find(|t| t.id == *id)
                .ok_or_else(|| CaptureError::NoSuchWindow {
                    wanted: format!("id {id:#x}"),
                    available: listing(),
                })
        }
        TargetSpec::WindowTitle(text) => {
            let needle = text.to_lowercase();
            let found: Vec<&Target> = windows()
                .filter(|t| t.title.to_lowercase().contains(&needle))
                .collect();
            let exact: Vec<&Target> = found.iter().copied().filter(|t| t.title == *text).collect();
            match (found.as_slice(), exact.as_slice()) {
                ([one], _) | (_, [one]) => Ok(one),
                ([], _) => Err(CaptureError::NoSuchWindow {
                    wanted: format!("a title containing \"{text}\""),
                    available: listing(),
                }),
                (many, _) => Err(CaptureError::AmbiguousWindow {
                    wanted: text.clone(),
                    matches: many
                        .iter()
                        .map(|t| format!("  {:#x}  {}  \"{}\"", t.id, t.app, t.title))
                        .collect::<Vec<_>>()
                        .join("\n"),
                }),
            }
        }
        TargetSpec::Display(_) | TargetSpec::Region(..) => Err(CaptureError::Invalid(
            "a display or region is not a window".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(id: u64, title: &str) -> Target {
        Target {
            id,
            kind: TargetKind::Window,
            title: title.into(),
            app: "App".into(),
            x: 0,
            y: 0,
            width: 100,
            height: 100,
            pid: None,
        }
    }

    #[test]
    fn a_title_fragment_picks_the_one_window_containing_it() {
        let ts = [window(1, "Live Stream - Browser"), window(2, "Terminal")];
        let t = resolve_window(&ts, &TargetSpec::WindowTitle("live stream".into()));
        assert_eq!(t.map(|t| t.id).ok(), Some(1));
    }

    #[test]
    fn an_exact_title_wins_over_longer_ones() {
        let ts = [window(1, "Live"), window(2, "Live Stream")];
        let t = resolve_window(&ts, &TargetSpec::WindowTitle("Live".into()));
        assert_eq!(t.map(|t| t.id).ok(), Some(1));
    }

    #[test]
    fn a_title_matching_several_windows_is_refused_with_the_matches_listed() {
        let ts = [window(1, "Live A"), window(2, "Live B")];
        let e = resolve_window(&ts, &TargetSpec::WindowTitle("Live".into()));
        let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("Live A") && msg.contains("Live B"), "{msg}");
    }

    #[test]
    fn a_title_matching_nothing_lists_the_windows_there_are() {
        let ts = [window(1, "Terminal")];
        let e = resolve_window(&ts, &TargetSpec::WindowTitle("Game".into()));
        let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("Terminal"), "{msg}");
    }
}
