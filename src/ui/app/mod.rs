//! The app's state and its frame loop: drain worker messages, handle shortcuts, draw.

pub(super) mod dialogs;
pub(super) mod file_browser;
pub(super) mod layout;
pub(super) mod live;
pub(super) mod menus;
pub(super) mod project_io;
pub(super) mod recovery;
pub(super) mod status_bar;
pub(super) mod toasts;
pub(super) mod unsaved;
pub(super) mod workers;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::Arc;

use crate::media::{MediaError, ProbeReport};
use crate::timeline::MarkerId;

use self::dialogs::FileDialogs;
use self::layout::Layout;
use self::toasts::Toast;
use self::workers::{DialogPurpose, Message};
use crate::session::autosave::{self, Autosave};
use crate::session::Editor;
use crate::ui::export_dialog::ExportDialog;
use crate::ui::inspector::Inspector;
use crate::ui::media_bin;
use crate::ui::preview::panel::PreviewPanel;
use crate::ui::recorder::RecorderPanel;
use crate::ui::subtitles::panel::SubtitlePanel;
use crate::ui::timeline::view::TimelineView;

/// Key under which recent projects are kept in the app's settings.
const RECENT_KEY: &str = "recent_projects";
/// How many recent projects the File menu lists.
const RECENT_MAX: usize = 8;

/// One file the person opened, and what is known of it so far.
#[derive(Debug, Clone)]
pub struct MediaItem {
    /// The file.
    pub path: PathBuf,
    /// `None` while probing; then the report or the one-line error.
    pub probe: Option<Result<ProbeReport, Arc<MediaError>>>,
}

/// The views the right-hand panel switches between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RightTab {
    /// The selected clip's speed, transform and animation.
    Inspector,
    /// The subtitle cues.
    Subtitles,
    /// The sticker gallery.
    Stickers,
}

/// The Clipwright app.
pub struct ClipwrightApp {
    pub(super) dialogs: Arc<dyn FileDialogs>,
    pub(super) inbox: Receiver<Message>,
    pub(super) outbox: SyncSender<Message>,
    /// Files imported this session, newest last (the media bin).
    pub items: Vec<MediaItem>,
    /// Index into `items` of the file shown.
    pub selected: Option<usize>,
    /// The project being edited.
    pub editor: Editor,
    /// Files to put on the timeline as soon as their probe arrives.
    pub(super) pending_timeline: Vec<(PathBuf, self::workers::Landing)>,
    pub(super) timeline: TimelineView,
    pub(super) inspector: Inspector,
    pub(super) preview: PreviewPanel,
    /// The export dialog.
    pub export: ExportDialog,
    /// The recorder panel.
    pub recorder: RecorderPanel,
    pub(super) show_shortcuts: bool,
    /// What the right-hand panel shows.
    pub right_tab: RightTab,
    pub(super) subtitles: SubtitlePanel,
    pub(super) show_history: bool,
    pub(super) dialog_open: bool,
    /// The latest messages for the person.
    pub toasts: Vec<Toast>,
    /// The window title last sent, so it is only sent when it changes.
    pub(super) shown_title: String,
    pub(super) autosave: Autosave,
    /// Unsaved work from an earlier run, offered back until the person decides.
    pub recovery: Option<crate::timeline::file::Recovery>,
    /// A relink to a file that looks like another one, until the person decides.
    pub(super) relink_question: Option<crate::ui::media_bin::relink::RelinkQuestion>,
    /// Recently opened or saved projects, newest first.
    pub recent: Vec<PathBuf>,
    /// Which panels show, their sizes and the theme; kept between runs.
    pub layout: Layout,
    /// "Save changes?" before unsaved work is replaced or dropped.
    pub unsaved: unsaved::UnsavedPrompt,
    /// The in-app file browser, for desktops where no native dialog opens.
    pub file_browser: self::file_browser::FileBrowser,
    /// The project file being read or written on a worker, if one is.
    pub(super) file_job: Option<self::project_io::FileJob>,
    /// The recording growing on the timeline while it is made.
    pub(super) live: Option<self::live::LiveRecording>,
}

impl ClipwrightApp {
    /// Creates the app; `dialogs` answers "Open media…" and the project dialogs.
    pub fn new(cc: &eframe::CreationContext<'_>, dialogs: Box<dyn FileDialogs>) -> Self {
        let mut app = Self::with_data_dir(cc, dialogs, autosave::default_data_dir());
        let videos = directories::UserDirs::new().and_then(|d| d.video_dir().map(Path::to_owned));
        if let Some(videos) = &videos {
            app.recorder.recordings_dir = videos.join("Clipwright");
        }
        app.export.videos_dir = videos;
        // Preview proxies of imported videos live with the app's other caches.
        crate::media::set_proxy_dir(
            directories::ProjectDirs::from("", "", "clipwright")
                .map(|d| d.cache_dir().join("proxies")),
        );
        app
    }

    /// Creates the app keeping its autosaves of unsaved projects in `data_dir`.
    pub fn with_data_dir(
        cc: &eframe::CreationContext<'_>,
        dialogs: Box<dyn FileDialogs>,
        data_dir: PathBuf,
    ) -> Self {
        let layout = Layout::load(cc.storage);
        cc.egui_ctx.set_theme(layout.theme());
        install_fonts(&cc.egui_ctx);
        let (outbox, inbox) = workers::channel();
        let recent: Vec<PathBuf> = cc
            .storage
            .and_then(|s| eframe::get_value(s, RECENT_KEY))
            .unwrap_or_default();
        let (browser, mut file_browser) = self::file_browser::browser(&cc.egui_ctx);
        for folder in recent.iter().rev().filter_map(|p| p.parent()) {
            file_browser.remember(folder);
        }
        let dialogs = self::file_browser::FallbackDialogs::new(dialogs, browser);
        let mut recorder = RecorderPanel::new(data_dir.join("recordings"));
        recorder.settings = crate::ui::RecorderSettings::load(cc.storage);
        let autosave = Autosave::new(data_dir.clone());
        let recovery = autosave.find_recovery(recent.first().map(PathBuf::as_path));
        Self {
            dialogs: Arc::new(dialogs),
            inbox,
            outbox,
            items: Vec::new(),
            selected: None,
            editor: Editor::new(),
            pending_timeline: Vec::new(),
            timeline: TimelineView::default(),
            inspector: Inspector::default(),
            preview: PreviewPanel::new(&cc.egui_ctx),
            export: ExportDialog::default(),
            recorder,
            show_shortcuts: false,
            right_tab: RightTab::Inspector,
            subtitles: SubtitlePanel::default(),
            show_history: false,
            dialog_open: false,
            toasts: Vec::new(),
            shown_title: crate::ui::WINDOW_TITLE.to_owned(),
            autosave,
            recovery,
            relink_question: None,
            recent,
            layout,
            unsaved: unsaved::UnsavedPrompt::default(),
            file_browser,
            file_job: None,
            live: None,
        }
    }

    pub(super) fn remember_recent(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_owned());
        self.recent.truncate(RECENT_MAX);
    }

    /// Starts an autosave on a worker when changes have waited long enough.
    fn autosave_if_due(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        if !self.autosave.due(self.editor.dirty, now) {
            if self.editor.dirty {
                ctx.request_repaint_after(autosave::AUTOSAVE_AFTER);
            }
            return;
        }
        self.autosave_now(ctx);
    }

    /// Time of the frame the preview shows, once one has been drawn.
    pub fn preview_shown(&self) -> Option<crate::timeline::Time> {
        self.preview.shown
    }

    /// Whether the preview shows the playhead's frame at the size the panel asked for (not
    /// an earlier, smaller one from before the layout settled).
    pub fn preview_settled(&self) -> bool {
        self.preview.shown == Some(self.editor.playhead)
            && self.preview.shown_size.is_some()
            && self.preview.shown_size == self.preview.wanted_size
    }

    /// Whether an autosave is being written.
    pub fn autosave_in_flight(&self) -> bool {
        self.autosave.in_flight
    }

    /// What the bin's probe found out about `path`, once it has succeeded.
    fn probed_info(&self, path: &Path) -> Option<crate::timeline::SourceInfo> {
        match self.items.iter().find(|m| m.path == path)?.probe.as_ref()? {
            Ok(report) => Some(report.source_info()),
            Err(_) => None,
        }
    }

    /// Puts a probed file from the bin on the timeline.
    pub fn add_to_timeline(&mut self, ctx: &egui::Context, path: &Path) {
        let Some(info) = self.probed_info(path) else {
            return;
        };
        match self.editor.add_media(path, info) {
            Ok(_) => self
                .timeline
                .zoom_to_fit(&self.editor, ctx.content_rect().width()),
            Err(e) => self.toast(ctx, e.to_string(), true),
        }
    }

    /// Puts a probed, finished recording on the timeline where the recorder panel says: after
    /// everything already there, or at the playhead.
    pub fn place_recording(&mut self, ctx: &egui::Context, path: &Path) {
        let Some(info) = self.probed_info(path) else {
            return;
        };
        let at = self
            .recorder
            .settings
            .landing
            .start(&self.editor.project, self.editor.playhead);
        match self.editor.add_recording(path, info, at) {
            Ok(_) => self
                .timeline
                .zoom_to_fit(&self.editor, ctx.content_rect().width()),
            Err(e) => self.toast(ctx, e.to_string(), true),
        }
    }

    /// The folder relative media paths are resolved against: the project file's.
    pub(super) fn project_dir(&self) -> PathBuf {
        self.editor
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_owned)
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// Opens the recorder panel and lists what can be recorded.
    pub fn open_recorder(&mut self, ctx: &egui::Context) {
        self.recorder.open = true;
        self.recorder.enable_hotkey(ctx);
        if self.recorder.is_idle() {
            self.recorder.refresh(ctx);
        }
    }

    /// Opens the export dialog, suggesting a file next to the project or in the Videos
    /// folder.
    pub fn open_export_dialog(&mut self) {
        self.export.source_rates = crate::ui::export_dialog::video_rates(
            self.items
                .iter()
                .filter_map(|m| m.probe.as_ref().and_then(|p| p.as_ref().ok())),
        );
        if self.export.output.is_empty() {
            let folder = crate::ui::export_dialog::default_export_folder(
                self.editor.path.as_deref(),
                self.export.videos_dir.as_deref(),
            );
            let name = if self.editor.project.name.is_empty() {
                "export".to_owned()
            } else {
                self.editor.project.name.clone()
            };
            self.export.set_output(&folder.join(name));
        }
        self.export.open = true;
    }

    /// Exports the range of marker `only` (or every marker range) as files of their own,
    /// each in every output of the project, beside the file the export dialog names: one
    /// click, and the dialog shows how far it is.
    pub fn export_marker_ranges(&mut self, ctx: &egui::Context, only: Option<MarkerId>) {
        if self.export.is_running() {
            self.toast(
                ctx,
                "An export is running; try again when it is done".into(),
                true,
            );
            return;
        }
        self.open_export_dialog();
        let base_dir = self.project_dir();
        let queued = self
            .export
            .export_markers(ctx, &self.editor.project, &base_dir, only);
        if queued == 0 {
            self.toast(ctx, "No marker range to export".into(), true);
        }
    }

    pub(super) fn save(&mut self, ctx: &egui::Context) {
        match self.editor.path.clone() {
            Some(path) => self.save_to(ctx, &path),
            None => self.ask(ctx, DialogPurpose::SaveProject),
        }
    }

    fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        self.open_paths(ctx, dropped);
    }

    /// Opens files the way a drop does: a project file replaces the project, anything else
    /// is probed into the media bin and onto the timeline. The app's file arguments
    /// (`clipwright FILE…`, or "Open with" from a file manager) come through here too.
    pub fn open_paths(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        for path in paths {
            let is_project = path
                .extension()
                .is_some_and(|e| e == crate::timeline::file::EXTENSION);
            if is_project {
                self.replace_project(ctx, unsaved::Replacing::OpenPath(path));
            } else {
                self.open(ctx, path);
            }
        }
    }

    /// The file currently shown in the media panel, if any.
    pub fn selected_item(&self) -> Option<&MediaItem> {
        self.selected.and_then(|i| self.items.get(i))
    }

    pub(super) fn report(
        &mut self,
        ctx: &egui::Context,
        result: Result<(), crate::timeline::EditError>,
    ) {
        if let Err(e) = result {
            self.toast(ctx, e.to_string(), true);
        }
    }
}

/// Adds DejaVu Sans behind egui's own fonts, for the symbols the app draws (keyframe
/// diamonds, arrows, media glyphs) that the default font lacks, and behind it the folder,
/// file and disk symbols the in-app file browser (`egui_file`) draws.
fn install_fonts(ctx: &egui::Context) {
    let families = || {
        [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
            .into_iter()
            .map(|family| egui::epaint::text::InsertFontFamily {
                family,
                priority: egui::epaint::text::FontPriority::Lowest,
            })
            .collect()
    };
    ctx.add_font(egui::epaint::text::FontInsert::new(
        "DejaVuSans",
        egui::FontData::from_static(include_bytes!("../../../assets/fonts/DejaVuSans.ttf")),
        families(),
    ));
    ctx.add_font(egui::epaint::text::FontInsert::new(
        "SymbolaFileIcons",
        egui::FontData::from_static(include_bytes!("../../../assets/fonts/SymbolaFileIcons.ttf")),
        families(),
    ));
}

impl eframe::App for ClipwrightApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.drain_inbox(&ctx);
        if let Some(e) = self.subtitles.poll(&ctx, &mut self.editor) {
            self.toast(&ctx, e, true);
        }
        self.hold_close_if_unsaved(&ctx);
        self.take_dropped_files(&ctx);
        self.shortcuts(&ctx);
        let title = self.editor.title();
        if title != self.shown_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.shown_title = title;
        }

        egui::Panel::top("top_bar").show(ui, |ui| {
            self.menu_bar(ui, &ctx);
        });

        self.status_bar(ui);

        self.side_panels(ui, &ctx);

        egui::CentralPanel::default().show(ui, |ui| {
            let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
            if hovering || self.editor.project.clips().next().is_none() {
                media_bin::drop_hint(ui, hovering);
            } else {
                let path = self.editor.path.clone();
                self.preview.show(ui, &mut self.editor, path.as_deref());
            }
        });

        let base_dir = self.project_dir();
        self.export.project_output = self.editor.output().id;
        let request = self.export.show(&ctx, &self.editor.project, &base_dir);
        if request.choose_path.is_some() {
            self.ask(&ctx, DialogPurpose::ExportTo);
        }
        self.side_windows(&ctx);
        self.file_browser.show(&ctx);
        self.recorder.show(&ctx);
        if let Some(summary) = self.recorder.finished.take() {
            self.toast(
                &ctx,
                format!("Recorded {} ({})", summary.path.display(), summary.encoder),
                false,
            );
            if self.live_recording() != Some(summary.path.as_path()) {
                // Probed on a worker and placed at the playhead, picture and sound linked.
                self.open_recording(&ctx, summary.path);
            }
        }
        // A recording going on is on the timeline already, growing.
        self.follow_recording(&ctx);
        for replay in self.recorder.take_saved_replays() {
            // A saved replay is a file of its own: in the bin, ready to put on the timeline.
            self.probe_into_bin(&ctx, replay);
        }
        self.recovery_prompt(&ctx);
        self.relink_prompt(&ctx);
        self.unsaved_prompt(&ctx);
        self.autosave_if_due(&ctx);
        self.show_toasts(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, RECENT_KEY, &self.recent);
        self.layout.save(storage);
        self.recorder.settings.save(storage);
    }
}

/// A short name for a path: its file name, or the whole path when it has none.
pub fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::install_fonts;

    /// Every symbol written in the UI's code (outside comments) is drawn by the fonts the
    /// app installs, so no label shows an empty box in place of a glyph.
    #[test]
    fn the_installed_fonts_draw_every_symbol_the_ui_uses() {
        let ctx = egui::Context::default();
        install_fonts(&ctx);
        // Fonts are loaded at the start of the first pass.
        let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
        output.textures_delta.clear();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
        let mut missing = Vec::new();
        let mut checked = 0;
        // Every room of the app, not only the files at its root.
        let mut folders = vec![dir];
        let mut files = Vec::new();
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("src/ui") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        for path in files {
            let text = std::fs::read_to_string(&path).expect("source");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for c in code.chars().filter(|c| !c.is_ascii()) {
                    checked += 1;
                    let font = egui::FontId::proportional(14.0);
                    if !ctx.fonts_mut(|f| f.has_glyph(&font, c)) {
                        missing.push(format!(
                            "{c} (U+{:04X}) in {}:{}",
                            c as u32,
                            path.display(),
                            n + 1
                        ));
                    }
                }
            }
        }
        assert!(
            checked > 20,
            "only {checked} symbols found: is src/ui still there?"
        );
        assert!(missing.is_empty(), "no glyph for:\n{}", missing.join("\n"));
    }
}
