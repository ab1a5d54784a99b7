//! Opening and saving the project file on a worker thread, so a large project or a slow
//! disk never stops the window from drawing: while one runs the status bar says so with a
//! spinner, and a second open or save waits its turn. The save itself is atomic
//! (`timeline::file::save`: temporary file, fsync, rename), so a failed one leaves the
//! file on disk as it was and the work in the editor, still marked unsaved.

use std::path::{Path, PathBuf};

use super::workers::Message;
use super::ClipwrightApp;
use crate::session::Editor;
use crate::timeline::file::ProjectFileError;

/// A project file being read or written on a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileJob {
    /// Reading this project file.
    Opening(PathBuf),
    /// Writing the project to this file.
    Saving(PathBuf),
}

impl FileJob {
    /// What the status bar says while the job runs.
    pub fn describe(&self) -> String {
        match self {
            FileJob::Opening(path) => format!("Opening {}…", super::file_label(path)),
            FileJob::Saving(path) => format!("Saving {}…", super::file_label(path)),
        }
    }
}

/// What a project file worker reports.
#[derive(Debug)]
pub(in crate::ui) enum FileDone {
    /// The project file at the path was read (boxed: an editor is large).
    Opened(PathBuf, Result<Box<Editor>, ProjectFileError>),
    /// The project as it was at `revision` was written to `path`.
    Saved {
        path: PathBuf,
        revision: u64,
        result: Result<(), ProjectFileError>,
    },
}

impl ClipwrightApp {
    /// The project file being opened or saved, if one is.
    pub fn file_job(&self) -> Option<&FileJob> {
        self.file_job.as_ref()
    }

    /// Says that another open or save must wait; `true` when one is running.
    fn file_job_running(&mut self, ctx: &egui::Context) -> bool {
        let Some(job) = &self.file_job else {
            return false;
        };
        let text = format!("{} Try again when it is done.", job.describe());
        self.toast(ctx, text, false);
        true
    }

    /// Reads the project file at `path` on a worker; the project replaces the open one
    /// when it arrives.
    pub(super) fn open_project(&mut self, ctx: &egui::Context, path: &Path) {
        if self.file_job_running(ctx) {
            return;
        }
        let path = path.to_owned();
        self.run_file_job(ctx, FileJob::Opening(path.clone()), move || {
            let result = Editor::open(&path).map(Box::new);
            FileDone::Opened(path, result)
        });
    }

    /// Writes the project as it is now to `path` on a worker. Edits made meanwhile stay
    /// unsaved; a step waiting on the save ([`super::unsaved`]) is taken once it lands.
    pub(super) fn save_to(&mut self, ctx: &egui::Context, path: &Path) {
        if self.file_job_running(ctx) {
            self.save_dialog_cancelled();
            return;
        }
        let project = self.editor.project.clone();
        let history = self.editor.history.clone();
        let revision = self.editor.revision;
        let path = path.to_owned();
        self.run_file_job(ctx, FileJob::Saving(path.clone()), move || {
            let result = crate::timeline::file::save(&path, &project, &history);
            FileDone::Saved {
                path,
                revision,
                result,
            }
        });
    }

    /// Runs `work` on a worker below the UI's priority and hands its report to the UI.
    fn run_file_job(
        &mut self,
        ctx: &egui::Context,
        job: FileJob,
        work: impl FnOnce() -> FileDone + Send + 'static,
    ) {
        let outbox = self.outbox.clone();
        let waker = ctx.clone();
        let started = crate::threads::spawn_background("project-file", move || {
            let _ = outbox.send(Message::File(work()));
            waker.request_repaint();
        });
        match started {
            Ok(_) => self.file_job = Some(job),
            Err(e) => {
                let text = format!("Cannot start a worker for “{}”: {e}", job.describe());
                self.toast(ctx, text, true);
                self.save_dialog_cancelled();
            }
        }
    }

    /// Applies what a project file worker reported.
    pub(super) fn file_done(&mut self, ctx: &egui::Context, done: FileDone) {
        self.file_job = None;
        match done {
            FileDone::Opened(path, Ok(editor)) => {
                self.editor = *editor;
                self.fill_bin_from_project(ctx);
                self.remember_recent(&path);
                self.timeline
                    .zoom_to_fit(&self.editor, ctx.content_rect().width());
                self.toast(ctx, format!("Opened {}", path.display()), false);
            }
            FileDone::Opened(_, Err(e)) => self.toast(ctx, e.to_string(), true),
            FileDone::Saved {
                path,
                revision,
                result: Ok(()),
            } => {
                let previous = self.editor.path.clone();
                self.editor.saved_as(&path, revision);
                // The work is in a saved file now; its autosaves are stale.
                self.autosave.discard(previous.as_deref());
                self.autosave.discard(Some(&path));
                self.remember_recent(&path);
                self.toast(ctx, format!("Saved {}", path.display()), false);
                self.saved_for_waiting_step(ctx);
            }
            FileDone::Saved { result: Err(e), .. } => {
                self.toast(ctx, e.to_string(), true);
                // The step that waited on the save does not happen without it.
                self.save_dialog_cancelled();
            }
        }
    }

    /// The status bar's spinner and words while a project file is read or written.
    pub(super) fn file_job_status(&self, ui: &mut egui::Ui) {
        if let Some(job) = &self.file_job {
            ui.spinner();
            ui.label(job.describe());
            ui.separator();
        }
    }
}
