//! The status bar along the bottom of the window: playhead timecode, project size and
//! whether the work is saved.

use super::ClipwrightApp;

impl ClipwrightApp {
    /// Draws the status bar as a bottom panel.
    pub(in crate::ui) fn status_bar(&mut self, ui: &mut egui::Ui) {
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                let rate = self.editor.project.canvas.frame_rate;
                ui.monospace(self.editor.playhead.to_timecode(rate));
                ui.separator();
                ui.weak(format!(
                    "{} clips · {} undo steps",
                    self.editor.project.clips().count(),
                    self.editor.history.undo_len()
                ));
                ui.separator();
                self.file_job_status(ui);
                let status = match (&self.autosave.last_result, self.autosave.in_flight) {
                    (_, true) => "Autosaving…".to_owned(),
                    (_, false) if !self.editor.dirty => "All changes saved".to_owned(),
                    (Some(Ok(text)), false) => text.clone(),
                    (Some(Err(e)), false) => e.to_string(),
                    (None, false) => "Unsaved changes".to_owned(),
                };
                ui.weak(status);
            });
        });
    }
}
