//! "Save changes to X?" before unsaved work would be replaced or dropped: a new project,
//! opening another one (menu, Ctrl+O, a recent or dropped project file), and closing the
//! app (the window's close button, File → Quit, Ctrl+Q). Save / Don't save / Cancel, as
//! every editor asks; nothing is replaced while the question is open.

use std::path::PathBuf;

use super::workers::DialogPurpose;
use super::{file_label, ClipwrightApp};
use crate::session::Editor;

/// A step that would replace or drop the open project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replacing {
    /// File → New project.
    NewProject,
    /// File → Open project… (the dialog is shown once the question is settled).
    OpenProject,
    /// A project file chosen from the recent list, dropped, or picked in the dialog.
    OpenPath(PathBuf),
    /// Closing the app.
    Quit,
}

/// The question and what waits on it.
#[derive(Debug, Default)]
pub struct UnsavedPrompt {
    /// The step waiting for an answer while the question shows.
    pub asking: Option<Replacing>,
    /// The step to take once the "Save as" dialog the answer opened has saved the project.
    after_save: Option<Replacing>,
    /// Closing was allowed: the next close request goes through.
    pub quit_allowed: bool,
}

impl ClipwrightApp {
    /// Takes `step` now when there is nothing unsaved, else asks first.
    pub fn replace_project(&mut self, ctx: &egui::Context, step: Replacing) {
        if self.editor.dirty {
            self.unsaved.asking = Some(step);
        } else {
            self.carry_out(ctx, step);
        }
    }

    /// Whether "Save changes?" is showing.
    pub fn asking_to_save(&self) -> bool {
        self.unsaved.asking.is_some()
    }

    fn carry_out(&mut self, ctx: &egui::Context, step: Replacing) {
        match step {
            Replacing::NewProject => {
                self.editor = Editor::new();
            }
            Replacing::OpenProject => self.ask(ctx, DialogPurpose::OpenProject),
            Replacing::OpenPath(path) => self.open_project(ctx, &path),
            Replacing::Quit => {
                self.unsaved.quit_allowed = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Turns the window's close button into the question while work is unsaved.
    pub(in crate::ui) fn hold_close_if_unsaved(&mut self, ctx: &egui::Context) {
        let close = ctx.input(|i| i.viewport().close_requested());
        if close && self.editor.dirty && !self.unsaved.quit_allowed {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.unsaved.asking = Some(Replacing::Quit);
        }
    }

    /// After the "Save as" dialog of a "Save" answer: takes the waiting step once the
    /// project is saved; a cancelled dialog or a failed save cancels the step too.
    pub(in crate::ui) fn saved_for_waiting_step(&mut self, ctx: &egui::Context) {
        if let Some(step) = self.unsaved.after_save.take() {
            if !self.editor.dirty {
                self.carry_out(ctx, step);
            }
        }
    }

    /// Forgets the step waiting for a "Save as" dialog the person cancelled.
    pub(in crate::ui) fn save_dialog_cancelled(&mut self) {
        self.unsaved.after_save = None;
    }

    pub(in crate::ui) fn unsaved_prompt(&mut self, ctx: &egui::Context) {
        let Some(step) = self.unsaved.asking.clone() else {
            return;
        };
        let name = match &self.editor.path {
            Some(path) => file_label(path),
            None if self.editor.project.name.is_empty() => "Untitled".to_owned(),
            None => self.editor.project.name.clone(),
        };
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("unsaved_changes")).show(ctx, |ui| {
            ui.heading(format!("Save changes to “{name}”?"));
            ui.label("Your changes will be lost if you don't save them.");
            ui.add_space(6.0);
            // Keys as on every desktop: Escape cancels, Ctrl+D (⌘D) is "Don't save".
            let (escape, dont_save) = ui.input_mut(|i| {
                (
                    i.key_pressed(egui::Key::Escape),
                    i.consume_key(egui::Modifiers::COMMAND, egui::Key::D),
                )
            });
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    answer = Some(Answer::Save);
                }
                let dont = ui.button("Don't save").on_hover_text("Ctrl+D");
                if dont.clicked() || dont_save {
                    answer = Some(Answer::DontSave);
                }
                if ui.button("Cancel").clicked() || escape {
                    answer = Some(Answer::Cancel);
                }
            });
        });
        let Some(answer) = answer else {
            return;
        };
        self.unsaved.asking = None;
        match answer {
            Answer::Cancel => {}
            Answer::DontSave => self.carry_out(ctx, step),
            Answer::Save => match self.editor.path.clone() {
                // The step is taken once the save has landed; a failed save keeps the
                // work and drops the step.
                Some(path) => {
                    self.unsaved.after_save = Some(step);
                    self.save_to(ctx, &path);
                }
                None => {
                    self.unsaved.after_save = Some(step);
                    self.ask(ctx, DialogPurpose::SaveProject);
                }
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Answer {
    Save,
    DontSave,
    Cancel,
}
