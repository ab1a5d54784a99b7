//! File dialogs behind a small trait, so tests and headless runs need no desktop portal.
//!
//! The real implementation uses `rfd`; it is only ever called from a worker thread,
//! because native dialogs block until the person chooses. Where no native dialog can
//! open, the app's in-app browser stands in (see `file_browser`).

use std::path::PathBuf;

/// The file dialogs the app asks for.
pub trait FileDialogs: Send + Sync {
    /// Asks the person for a media file to open; `None` when they cancel.
    fn pick_media(&self) -> Option<PathBuf>;
    /// Asks for a project file to open.
    fn open_project(&self) -> Option<PathBuf>;
    /// Asks where to save the project, suggesting `file_name`.
    fn save_project(&self, file_name: &str) -> Option<PathBuf>;
    /// Asks where to write an export, suggesting `file_name`.
    fn save_export(&self, file_name: &str) -> Option<PathBuf>;
    /// Asks for a subtitle file (SRT, WebVTT, ASS/SSA) to import.
    fn pick_subtitles(&self) -> Option<PathBuf>;
    /// Asks where to write subtitles, suggesting `file_name` (its extension names the
    /// format).
    fn save_subtitles(&self, file_name: &str) -> Option<PathBuf>;
    /// Asks for a speech model: a whisper.cpp ggml file, or with `folder` a CTranslate2
    /// (faster-whisper) model folder.
    fn pick_model(&self, folder: bool) -> Option<PathBuf>;
    /// Asks for a picture (PNG, JPEG, WebP) to put behind a person.
    fn pick_picture(&self) -> Option<PathBuf>;
    /// Whether these dialogs can open at all here; when not, the app shows its own.
    fn can_open(&self) -> bool {
        true
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
    fn pick_media(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Open media")
            .add_filter("Video, audio and images", MEDIA_EXTENSIONS)
            .add_filter("All files", &["*"])
            .pick_file()
    }

    fn open_project(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Open project")
            .add_filter("Clipwright project", &[crate::timeline::file::EXTENSION])
            .pick_file()
    }

    fn save_project(&self, file_name: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Save project")
            .add_filter("Clipwright project", &[crate::timeline::file::EXTENSION])
            .set_file_name(file_name)
            .save_file()
    }

    fn save_export(&self, file_name: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Export to")
            .set_file_name(file_name)
            .save_file()
    }

    fn pick_subtitles(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Import subtitles")
            .add_filter("Subtitles", SUBTITLE_EXTENSIONS)
            .add_filter("All files", &["*"])
            .pick_file()
    }

    fn save_subtitles(&self, file_name: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Export subtitles")
            .add_filter("Subtitles", SUBTITLE_EXTENSIONS)
            .set_file_name(file_name)
            .save_file()
    }

    fn pick_picture(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Choose a background picture")
            .add_filter("Pictures", PICTURE_EXTENSIONS)
            .add_filter("All files", &["*"])
            .pick_file()
    }

    fn can_open(&self) -> bool {
        super::file_browser::native_dialogs_can_open()
    }

    fn pick_model(&self, folder: bool) -> Option<PathBuf> {
        let dialog = rfd::FileDialog::new();
        if folder {
            dialog
                .set_title("Choose a CTranslate2 (faster-whisper) model folder")
                .pick_folder()
        } else {
            dialog
                .set_title("Choose a whisper.cpp model file")
                .add_filter("whisper.cpp model", &["bin"])
                .add_filter("All files", &["*"])
                .pick_file()
        }
    }
}

/// File-name extensions offered for a picture (what the `image` crate reads here).
pub const PICTURE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "webp"];

/// File-name extensions offered in the subtitle dialogs.
pub const SUBTITLE_EXTENSIONS: &[&str] = &["srt", "vtt", "ass", "ssa"];

/// Dialogs that answer at once with a fixed choice: for tests and headless runs.
#[derive(Debug, Clone, Default)]
pub struct NoDialogs {
    /// What `pick_media` returns.
    pub media: Option<PathBuf>,
    /// What `open_project` returns.
    pub open_project: Option<PathBuf>,
    /// What `save_project` returns.
    pub save_project: Option<PathBuf>,
    /// What `save_export` returns.
    pub save_export: Option<PathBuf>,
    /// What `pick_subtitles` returns.
    pub subtitles: Option<PathBuf>,
    /// What `save_subtitles` returns.
    pub save_subtitles: Option<PathBuf>,
    /// What `pick_model` returns, file or folder alike.
    pub model: Option<PathBuf>,
    /// What `pick_picture` returns.
    pub picture: Option<PathBuf>,
    /// Play a desktop where no dialog can open, so the app's own browser shows instead.
    pub unavailable: bool,
}

impl FileDialogs for NoDialogs {
    fn pick_media(&self) -> Option<PathBuf> {
        self.media.clone()
    }

    fn open_project(&self) -> Option<PathBuf> {
        self.open_project.clone()
    }

    fn save_project(&self, _file_name: &str) -> Option<PathBuf> {
        self.save_project.clone()
    }

    fn save_export(&self, _file_name: &str) -> Option<PathBuf> {
        self.save_export.clone()
    }

    fn pick_subtitles(&self) -> Option<PathBuf> {
        self.subtitles.clone()
    }

    fn save_subtitles(&self, _file_name: &str) -> Option<PathBuf> {
        self.save_subtitles.clone()
    }

    fn pick_model(&self, _folder: bool) -> Option<PathBuf> {
        self.model.clone()
    }

    fn pick_picture(&self) -> Option<PathBuf> {
        self.picture.clone()
    }

    fn can_open(&self) -> bool {
        !self.unavailable
    }
}
