//! The editing session, with no window in it: the open project with its undo history,
//! file name and saved state (`editor`), and the crash-safe autosave beside it
//! (`autosave`). The app drives it; nothing here names egui, so the command line and
//! tests can use it too.

pub mod autosave;
pub mod editor;
pub mod live;

pub use editor::Editor;

/// The product's name, as the window title and the title's fallback show it.
pub const APP_NAME: &str = "Clipwright";
