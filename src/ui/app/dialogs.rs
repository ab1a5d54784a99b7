//! File dialogs behind a small trait, so tests and headless runs need no desktop portal.
//!
//! The real implementation uses `rfd`; it is only ever called from a worker thread,
//! because native dialogs block until the person chooses. Where no native dialog can
//! open, the app's in-app browser stands in (see `file_browser`).

use std::path::PathBuf;

pub use super::file_browser::BrowseFor;

/// The file dialogs the app asks for.
pub trait FileDialogs: Send + Sync {
    /// Shows `dialog` and waits for the person's choice; `None` when they cancel.
    fn ask(&self, dialog: Dialog<'_>) -> Option<PathBuf>;
    /// Whether these dialogs can open at all here; when not, the app shows its own.
    fn can_open(&self) -> bool {
        true
    }
}

/// A file dialog the app asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog<'a> {
    /// A media file to open.
    Media,
    /// A project file to open.
    OpenProject,
    /// Where to save the project, suggesting this file name.
    SaveProject(&'a str),
    /// Where to write an export, suggesting this file name.
    Export(&'a str),
    /// A subtitle file (SRT, WebVTT, ASS/SSA) to import.
    Subtitles,
    /// Where to write subtitles, suggesting this file name (its extension names the
    /// format).
    SaveSubtitles(&'a str),
    /// A speech model: a whisper.cpp ggml file, or with `folder` a CTranslate2
    /// (faster-whisper) model folder.
    Model {
        /// A folder rather than a file.
        folder: bool,
    },
    /// A picture (PNG, JPEG, WebP) to put behind a person.
    Picture,
}

/// How a dialog shows, natively or in the in-app browser.
#[derive(Debug, Clone, Copy)]
pub struct Look<'a> {
    /// What it chooses: a file to open, one to write, or a folder.
    pub kind: BrowseFor,
    /// Its title.
    pub title: &'static str,
    /// The files it offers: their kind's name and extensions (none: any file).
    pub files: Option<(&'static str, &'static [&'static str])>,
    /// Whether a native dialog offers "All files" besides.
    pub all_files: bool,
    /// The file name it suggests.
    pub file_name: Option<&'a str>,
}

impl<'a> Dialog<'a> {
    /// How this dialog shows, natively or in the in-app browser.
    pub fn look(self) -> Look<'a> {
        use BrowseFor::{Folder, Open, Save};
        const PROJECT: (&str, &[&str]) =
            ("Clipwright project", &[crate::timeline::file::EXTENSION]);
        const SUBTITLES: (&str, &[&str]) = ("Subtitles", SUBTITLE_EXTENSIONS);
        let (kind, title, files, file_name) = match self {
            Dialog::Media => (
                Open,
                "Open media",
                Some(("Video, audio and images", MEDIA_EXTENSIONS)),
                None,
            ),
            Dialog::OpenProject => (Open, "Open project", Some(PROJECT), None),
            Dialog::SaveProject(name) => (Save, "Save project", Some(PROJECT), Some(name)),
            Dialog::Export(name) => (Save, "Export to", None, Some(name)),
            Dialog::Subtitles => (Open, "Import subtitles", Some(SUBTITLES), None),
            Dialog::SaveSubtitles(name) => (Save, "Export subtitles", Some(SUBTITLES), Some(name)),
            Dialog::Model { folder: true } => (
                Folder,
                "Choose a CTranslate2 (faster-whisper) model folder",
                None,
                None,
            ),
            Dialog::Model { folder: false } => (
                Open,
                "Choose a whisper.cpp model file",
                Some(("whisper.cpp model", &["bin"][..])),
                None,
            ),
            Dialog::Picture => (
                Open,
                "Choose a background picture",
                Some(("Pictures", PICTURE_EXTENSIONS)),
                None,
            ),
        };
        Look {
            kind,
            title,
            files,
            // A file of another name may still be one the app reads; a project may not.
            all_files: kind == Open && self != Dialog::OpenProject,
            file_name,
        }
    }
}

/// Native dialogs through `rfd` (the desktop portal on Linux, system dialogs elsewhere).
#[derive(Debug, Clone, Copy, Default)]
pub struct RfdDialogs;

/// File-name extensions offered in the open dialog.
pub const MEDIA_EXTENSIONS: &[&str] = &[
    "mp4", "mov", "mkv", "webm", "avi", "ts", "m4v", "mts", "flv", "gif", "mp3", "wav", "m4a",
    "aac", "flac", "ogg", "opus", "png", "jpg", "jpeg", "webp",
];

impl FileDialogs for RfdDialogs {
    fn ask(&self, dialog: Dialog<'_>) -> Option<PathBuf> {
        let look = dialog.look();
        let mut native = rfd::FileDialog::new().set_title(look.title);
        if let Some((name, extensions)) = look.files {
            native = native.add_filter(name, extensions);
        }
        if look.all_files {
            native = native.add_filter("All files", &["*"]);
        }
        if let Some(file_name) = look.file_name {
            native = native.set_file_name(file_name);
        }
        match look.kind {
            BrowseFor::Open => native.pick_file(),
            BrowseFor::Save => native.save_file(),
            BrowseFor::Folder => native.pick_folder(),
        }
    }

    fn can_open(&self) -> bool {
        super::file_browser::native_dialogs_can_open()
    }
}

/// File-name extensions offered for a picture (what the `image` crate reads here).
pub const PICTURE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "webp"];

/// File-name extensions offered in the subtitle dialogs.
pub const SUBTITLE_EXTENSIONS: &[&str] = &["srt", "vtt", "ass", "ssa"];

/// Dialogs that answer at once with a fixed choice: for tests and headless runs.
#[derive(Debug, Clone, Default)]
pub struct NoDialogs {
    /// The answer to [`Dialog::Media`].
    pub media: Option<PathBuf>,
    /// The answer to [`Dialog::OpenProject`].
    pub open_project: Option<PathBuf>,
    /// The answer to [`Dialog::SaveProject`].
    pub save_project: Option<PathBuf>,
    /// The answer to [`Dialog::Export`].
    pub save_export: Option<PathBuf>,
    /// The answer to [`Dialog::Subtitles`].
    pub subtitles: Option<PathBuf>,
    /// The answer to [`Dialog::SaveSubtitles`].
    pub save_subtitles: Option<PathBuf>,
    /// The answer to [`Dialog::Model`], file or folder alike.
    pub model: Option<PathBuf>,
    /// The answer to [`Dialog::Picture`].
    pub picture: Option<PathBuf>,
    /// Play a desktop where no dialog can open, so the app's own browser shows instead.
    pub unavailable: bool,
}

impl FileDialogs for NoDialogs {
    fn ask(&self, dialog: Dialog<'_>) -> Option<PathBuf> {
        match dialog {
            Dialog::Media => self.media.clone(),
            Dialog::OpenProject => self.open_project.clone(),
            Dialog::SaveProject(_) => self.save_project.clone(),
            Dialog::Export(_) => self.save_export.clone(),
            Dialog::Subtitles => self.subtitles.clone(),
            Dialog::SaveSubtitles(_) => self.save_subtitles.clone(),
            Dialog::Model { .. } => self.model.clone(),
            Dialog::Picture => self.picture.clone(),
        }
    }

    fn can_open(&self) -> bool {
        !self.unavailable
    }
}
