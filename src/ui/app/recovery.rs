//! The crash-recovery prompt: restore the autosave an earlier run left, or discard it.

use super::{file_label, ClipwrightApp};
use crate::session::autosave;
use crate::session::Editor;

impl ClipwrightApp {
    /// Restores the offered autosave, or throws it away.
    pub fn resolve_recovery(&mut self, ctx: &egui::Context, restore: bool) {
        let Some(recovery) = self.recovery.take() else {
            return;
        };
        if !restore {
            if let Err(e) = recovery.discard() {
                self.toast(ctx, e.to_string(), true);
            }
            return;
        }
        match recovery.load() {
            Ok(file) => {
                let untitled = autosave::untitled_path(self.autosave.data_dir());
                let mut editor = Editor::new();
                editor.project = file.project;
                editor.history = file.history;
                editor.path =
                    (recovery.project_path != untitled).then(|| recovery.project_path.clone());
                editor.dirty = true;
                self.editor = editor;
                self.timeline
                    .zoom_to_fit(&self.editor, ctx.content_rect().width());
                self.toast(ctx, "Restored unsaved work".to_owned(), false);
            }
            Err(e) => self.toast(ctx, e.to_string(), true),
        }
    }

    pub(in crate::ui) fn recovery_prompt(&mut self, ctx: &egui::Context) {
        let Some(recovery) = &self.recovery else {
            return;
        };
        let when = recovery
            .autosaved_at
            .and_then(|t| t.elapsed().ok())
            .map(|d| format!("{} min ago", d.as_secs() / 60))
            .unwrap_or_else(|| "earlier".to_owned());
        let name = file_label(&recovery.project_path);
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
            ui.heading("Recover unsaved work?");
            ui.label(format!(
                "Clipwright was closed before “{name}” was saved. An autosave from {when} holds the latest changes."
            ));
            ui.horizontal(|ui| {
                if ui.button("Restore").clicked() {
                    choice = Some(true);
                }
                if ui.button("Discard").clicked() {
                    choice = Some(false);
                }
            });
        });
        if let Some(restore) = choice {
            self.resolve_recovery(ctx, restore);
        }
    }
}
