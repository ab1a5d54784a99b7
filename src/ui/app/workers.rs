//! Worker threads and their inbox: file dialogs, probes and autosaves run off the UI
//! thread and report back over one bounded channel that the UI drains each frame. Only
//! the UI thread applies what they report.

use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use crate::media::{self, MediaError, ProbeReport};

use super::dialogs::Dialog;
use super::{ClipwrightApp, MediaItem};
use crate::session::autosave::{self, AutosaveError};

/// How many worker results may wait for the UI before a worker blocks.
const INBOX_CAPACITY: usize = 32;

/// Which question a file dialog answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::ui) enum DialogPurpose {
    ImportMedia,
    OpenProject,
    SaveProject,
    ExportTo,
    /// A new file for a project source whose file is gone.
    Relink(crate::timeline::SourceId),
}

/// Where a file goes once probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::ui) enum Landing {
    /// At the end of the first tracks (opened or dropped media).
    Append,
    /// Where the recorder panel says recordings go (a finished recording).
    Recording,
}

/// What a worker thread reports back to the UI.
#[derive(Debug)]
pub(in crate::ui) enum Message {
    /// A file dialog closed; `None` when cancelled.
    Picked(DialogPurpose, Option<PathBuf>),
    /// A file was probed.
    Probed(PathBuf, Result<ProbeReport, Arc<MediaError>>),
    /// An autosave finished.
    Autosaved(Result<String, AutosaveError>),
    /// A recording still going on was looked at (see `live.rs`), taking this long.
    LiveProbed(
        PathBuf,
        Result<super::live::Looked, Arc<MediaError>>,
        std::time::Duration,
    ),
    /// The file picked to relink a source was probed.
    Relinked(
        crate::timeline::SourceId,
        PathBuf,
        Result<ProbeReport, Arc<MediaError>>,
    ),
    /// A project file was read or written.
    File(super::project_io::FileDone),
}

/// The workers' channel: workers send on the first end, the UI drains the second. A full
/// channel blocks the worker (never the UI) until the UI catches up.
pub(in crate::ui) fn channel() -> (SyncSender<Message>, Receiver<Message>) {
    sync_channel(INBOX_CAPACITY)
}

impl ClipwrightApp {
    /// Writes an autosave of the project now, on a worker thread.
    pub fn autosave_now(&mut self, ctx: &egui::Context) {
        self.autosave.started();
        let target = self.autosave.target(self.editor.path.as_deref());
        let project = self.editor.project.clone();
        let history = self.editor.history.clone();
        let outbox = self.outbox.clone();
        let ctx = ctx.clone();
        spawn_worker("autosave", move || {
            let result = autosave::write(&target, &project, &history);
            let _ = outbox.send(Message::Autosaved(result));
            ctx.request_repaint();
        });
    }

    /// Opens a file dialog on a worker thread (native dialogs block until answered).
    pub(in crate::ui) fn ask(&mut self, ctx: &egui::Context, purpose: DialogPurpose) {
        if self.dialog_open {
            return;
        }
        self.dialog_open = true;
        let dialogs = Arc::clone(&self.dialogs);
        let outbox = self.outbox.clone();
        let ctx = ctx.clone();
        let suggested = format!(
            "{}.{}",
            self.editor.project.name,
            crate::timeline::file::EXTENSION
        );
        let export_name = format!("{}.{}", self.editor.project.name, self.export.extension());
        spawn_worker("dialog", move || {
            let picked = match purpose {
                DialogPurpose::ImportMedia | DialogPurpose::Relink(_) => dialogs.ask(Dialog::Media),
                DialogPurpose::OpenProject => dialogs.ask(Dialog::OpenProject),
                DialogPurpose::SaveProject => dialogs.ask(Dialog::SaveProject(&suggested)),
                DialogPurpose::ExportTo => dialogs.ask(Dialog::Export(&export_name)),
            };
            let _ = outbox.send(Message::Picked(purpose, picked));
            ctx.request_repaint();
        });
    }

    /// Adds `path` to the media bin (or selects it if already there) and probes it on a
    /// worker; once probed it also goes onto the timeline.
    pub fn open(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.open_to(ctx, path, Some(Landing::Append));
    }

    /// Like [`ClipwrightApp::open`] for a finished recording, which lands where the recorder
    /// panel says.
    pub fn open_recording(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.open_to(ctx, path, Some(Landing::Recording));
    }

    /// Adds `path` to the media bin and probes it, without putting it on the timeline
    /// (a file the opened project already uses).
    pub(in crate::ui) fn probe_into_bin(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.open_to(ctx, path, None);
    }

    fn open_to(&mut self, ctx: &egui::Context, path: PathBuf, landing: Option<Landing>) {
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
        if let Some(landing) = landing {
            self.pending_timeline.push((path.clone(), landing));
        }
        let outbox = self.outbox.clone();
        let ctx = ctx.clone();
        spawn_worker("probe", move || {
            let result = media::probe(&path).map_err(Arc::new);
            if result.is_ok() {
                // The seek index and the preview proxy, built on the media workers.
                media::prepare(&path, true);
            }
            let _ = outbox.send(Message::Probed(path, result));
            ctx.request_repaint();
        });
    }

    pub(in crate::ui) fn drain_inbox(&mut self, ctx: &egui::Context) {
        while let Ok(message) = self.inbox.try_recv() {
            match message {
                Message::Picked(purpose, path) => {
                    self.dialog_open = false;
                    let Some(path) = path else {
                        if purpose == DialogPurpose::SaveProject {
                            self.save_dialog_cancelled();
                        }
                        continue;
                    };
                    match purpose {
                        DialogPurpose::ImportMedia => self.open(ctx, path),
                        DialogPurpose::OpenProject => self.open_project(ctx, &path),
                        // A step waiting on the save is taken once it has landed.
                        DialogPurpose::SaveProject => self.save_to(ctx, &path),
                        DialogPurpose::ExportTo => self.export.set_output(&path),
                        DialogPurpose::Relink(source) => self.probe_for_relink(ctx, source, path),
                    }
                }
                Message::LiveProbed(path, result, took) => {
                    self.live_probed(ctx, path, result, took);
                }
                Message::Relinked(source, path, result) => {
                    self.finish_relink(ctx, source, path, result);
                }
                Message::File(done) => self.file_done(ctx, done),
                Message::Autosaved(result) => {
                    if let Err(e) = &result {
                        self.toast(ctx, e.to_string(), true);
                    }
                    self.autosave.finished(result);
                }
                Message::Probed(path, result) => {
                    let ok = result.is_ok();
                    if let Err(e) = &result {
                        self.toast(ctx, e.to_string(), true);
                    }
                    if let Some(item) = self.items.iter_mut().find(|m| m.path == path) {
                        item.probe = Some(result);
                    }
                    if let Some(i) = self.pending_timeline.iter().position(|p| p.0 == path) {
                        let (_, landing) = self.pending_timeline.remove(i);
                        match (ok, landing) {
                            (false, _) => {}
                            (true, Landing::Append) => self.add_to_timeline(ctx, &path),
                            (true, Landing::Recording) => self.place_recording(ctx, &path),
                        }
                    }
                }
            }
        }
    }
}

/// Runs `job` on a named thread. If the OS cannot start a thread the job is dropped: the
/// UI stays responsive and the person can try again.
pub(in crate::ui) fn spawn_worker(name: &str, job: impl FnOnce() + Send + 'static) {
    // Below the UI thread's priority: a worker never makes a click wait (crate::threads).
    if let Err(e) = crate::threads::spawn_background(name, job) {
        tracing::error!("could not start the {name} worker: {e}");
    }
}
