//! The egui app. It reads state, draws it, and hands every slow job (file dialogs,
//! probing, later decoding and export) to worker threads whose results come back over a
//! bounded channel and wake the UI with `request_repaint` — the UI thread never waits.

mod app;
mod export_dialog;
mod export_estimate;
mod export_range;
pub(crate) mod inspector;
mod media_bin;
mod memory_storage;
mod preview;
mod recorder;
mod subtitles;
mod timeline;

pub use app::dialogs::{Dialog, FileDialogs, NoDialogs, RfdDialogs};
pub use app::layout::Layout;
pub use app::toasts::Toast;
pub use app::{ClipwrightApp, MediaItem, RightTab};
pub use export_dialog::{video_rates, ExportDialog, Outcome};
pub use export_estimate::SizeEstimate;
pub use export_range::ExportRange;
pub use memory_storage::MemoryStorage;
pub use recorder::{RecorderPanel, RecorderSettings, Sound, SourceKind};

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UiError {
    /// There is no graphical display to open a window on.
    #[error(
        "no graphical display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the app \
         cannot open its window; the command-line tools still work: see `clipwright --help`"
    )]
    NoDisplay,
    /// The windowing system refused to open a window.
    #[error("could not open the app window: {0}")]
    Window(String),
}

/// Title of the main window.
pub const WINDOW_TITLE: &str = crate::session::APP_NAME;

/// Opens the app window and runs until it is closed.
/// Opens the app window with `files` (projects or media) opened in it, and returns when
/// the window closes.
pub fn run(files: Vec<std::path::PathBuf>) -> Result<(), UiError> {
    if !display_available() {
        return Err(UiError::NoDisplay);
    }
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(WINDOW_TITLE)
        .with_app_id("clipwright")
        .with_inner_size([1100.0, 720.0])
        .with_min_inner_size([640.0, 400.0])
        .with_drag_and_drop(true);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        WINDOW_TITLE,
        options,
        Box::new(|cc| {
            let mut app = ClipwrightApp::new(cc, Box::new(RfdDialogs));
            app.open_paths(&cc.egui_ctx, files);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| UiError::Window(e.to_string()))
}

/// Whether a display server is reachable in principle. Only Linux and the BSDs can lack
/// one while still running a desktop binary; Windows and macOS always have one.
fn display_available() -> bool {
    if cfg!(any(windows, target_os = "macos")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}
