//! The app's state and its frame loop: drain worker messages, then draw.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use crate::media::{self, ProbeReport};

use super::dialogs::FileDialogs;
use super::media_panel;

/// How many worker results may wait for the UI before a worker blocks.
const INBOX_CAPACITY: usize = 32;

/// What a worker thread reports back to the UI.
#[derive(Debug)]
enum Message {
    /// The open dialog closed; `None` when cancelled.
    Picked(Option<PathBuf>),
    /// A file was probed.
    Probed(PathBuf, Result<ProbeReport, String>),
}

/// One file the person opened, and what is known of it so far.
#[derive(Debug, Clone)]
pub struct MediaItem {
    /// The file.
    pub path: PathBuf,
    /// `None` while probing; then the report or the one-line error.
    pub probe: Option<Result<ProbeReport, String>>,
}

/// The Clipwright app.
pub struct ClipwrightApp {
    dialogs: Arc<dyn FileDialogs>,
    inbox: Receiver<Message>,
    outbox: SyncSender<Message>,
    /// Files opened this session, newest last.
    pub items: Vec<MediaItem>,
    /// Index into `items` of the file shown.
    pub selected: Option<usize>,
    dialog_open: bool,
}

impl ClipwrightApp {
    /// Creates the app; `dialogs` answers "Open media…".
    pub fn new(cc: &eframe::CreationContext<'_>, dialogs: Box<dyn FileDialogs>) -> Self {
        cc.egui_ctx.set_theme(egui::Theme::Dark);
        let (outbox, inbox) = sync_channel(INBOX_CAPACITY);
        Self {
            dialogs: Arc::from(dialogs),
            inbox,
            outbox,
            items: Vec::new(),
            selected: None,
            dialog_open: false,
        }
    }

    /// Opens the file dialog on a worker thread.
    fn ask_for_media(&mut self, ctx: &egui::Context) {
        if self.dialog_open {
            return;
        }
        self.dialog_open = true;
        let dialogs = Arc::clone(&self.dialogs);
        let outbox = self.outbox.clone();
        let ctx = ctx.clone();
        spawn_worker("open-dialog", move || {
            let picked = dialogs.pick_media();
            let _ = outbox.send(Message::Picked(picked));
            ctx.request_repaint();
        });
    }

    /// Adds `path` to the list (or selects it if already there) and probes it on a worker.
    pub fn open(&mut self, ctx: &egui::Context, path: PathBuf) {
        if let Some(i) = self.items.iter().position(|m| m.path == path) {
            self.selected = Some(i);
            if self.items[i].probe.is_some() {
                return;
            }
        } else {
            self.items.push(MediaItem {
                path: path.clone(),
                probe: None,
            });
            self.selected = Some(self.items.len() - 1);
        }
        let outbox = self.outbox.clone();
        let ctx = ctx.clone();
        spawn_worker("probe", move || {
            let result = media::probe(&path).map_err(|e| e.to_string());
            let _ = outbox.send(Message::Probed(path, result));
            ctx.request_repaint();
        });
    }

    fn drain_inbox(&mut self, ctx: &egui::Context) {
        while let Ok(message) = self.inbox.try_recv() {
            match message {
                Message::Picked(path) => {
                    self.dialog_open = false;
                    if let Some(path) = path {
                        self.open(ctx, path);
                    }
                }
                Message::Probed(path, result) => {
                    if let Some(item) = self.items.iter_mut().find(|m| m.path == path) {
                        item.probe = Some(result);
                    }
                }
            }
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
        for path in dropped {
            self.open(ctx, path);
        }
    }

    /// The file currently shown, if any.
    pub fn selected_item(&self) -> Option<&MediaItem> {
        self.selected.and_then(|i| self.items.get(i))
    }
}

/// Runs `job` on a named thread. If the OS cannot start a thread the job is dropped: the
/// UI stays responsive and the person can try again.
fn spawn_worker(name: &str, job: impl FnOnce() + Send + 'static) {
    if let Err(e) = std::thread::Builder::new()
        .name(format!("clipwright-{name}"))
        .spawn(job)
    {
        tracing::error!("could not start the {name} worker: {e}");
    }
}

impl eframe::App for ClipwrightApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.drain_inbox(&ctx);
        self.take_dropped_files(&ctx);

        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Clipwright");
                ui.separator();
                let open = ui.add_enabled(!self.dialog_open, egui::Button::new("Open media…"));
                if open.clicked() {
                    self.ask_for_media(&ctx);
                }
            });
        });

        egui::Panel::left("media_bin")
            .resizable(true)
            .default_size(240.0)
            .show(ui, |ui| {
                ui.heading("Media");
                ui.separator();
                if let Some(i) = media_panel::media_list(ui, &self.items, self.selected) {
                    self.selected = Some(i);
                }
            });

        egui::CentralPanel::default().show(ui, |ui| {
            let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
            match self.selected_item() {
                _ if hovering => media_panel::drop_hint(ui, true),
                None => media_panel::drop_hint(ui, false),
                Some(item) => media_panel::details(ui, item),
            }
        });
    }
}

/// A short name for a path: its file name, or the whole path when it has none.
pub fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
