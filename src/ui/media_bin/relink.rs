//! The check before a missing file is relinked: a file that cannot stand in (no picture
//! for a video, a still image for a video) is refused with the reason, and one that looks
//! like another file (much shorter than its clips need, no sound for its sound clips, a
//! length far from the missing file's) is only used once the person confirms it.
//!
//! The judgement is the model's (`Project::relink_problems`); this file only words it
//! and holds the question until it is answered.

use std::path::{Path, PathBuf};

use crate::media::ProbeReport;
use crate::timeline::import::RelinkProblem;
use crate::timeline::SourceId;

use crate::ui::app::{file_label, ClipwrightApp};

/// Title of the question asked before relinking to a doubtful file.
pub const RELINK_QUESTION_TITLE: &str = "Relink to a different file?";

/// A relink waiting for the person's yes or no.
#[derive(Debug, Clone)]
pub struct RelinkQuestion {
    source: SourceId,
    path: PathBuf,
    report: ProbeReport,
    problems: Vec<RelinkProblem>,
}

impl ClipwrightApp {
    /// True when the probed file at `path` can stand in for `source` as it is. Otherwise
    /// it has either refused (a toast says why) or put the question to the person.
    pub(in crate::ui) fn relink_fits(
        &mut self,
        ctx: &egui::Context,
        source: SourceId,
        path: &Path,
        report: &ProbeReport,
    ) -> bool {
        let info = report.source_info();
        let problems = match self.editor.project.relink_problems(source, &info) {
            Ok(problems) => problems,
            Err(e) => {
                self.toast(ctx, e.to_string(), true);
                return false;
            }
        };
        if let Some(blocker) = problems.iter().find(|p| p.blocks()) {
            let message = format!("Cannot relink to {}: {blocker}", path.display());
            self.toast(ctx, message, true);
            return false;
        }
        if problems.is_empty() {
            return true;
        }
        self.relink_question = Some(RelinkQuestion {
            source,
            path: path.to_owned(),
            report: report.clone(),
            problems,
        });
        false
    }

    /// The question about a doubtful relink, while one is waiting: relink anyway, or not.
    pub(in crate::ui) fn relink_prompt(&mut self, ctx: &egui::Context) {
        let Some(question) = &self.relink_question else {
            return;
        };
        let missing = self
            .editor
            .project
            .source(question.source)
            .map(|s| s.display_name())
            .unwrap_or_default();
        let mut choice = None;
        let modal = egui::Modal::new(egui::Id::unique("relink-question")).show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.heading(RELINK_QUESTION_TITLE);
            ui.label(format!(
                "{} may not be the missing {missing}:",
                file_label(&question.path)
            ));
            for problem in &question.problems {
                ui.label(format!("• {problem}"));
            }
            ui.label("Every clip of the missing file will use it.");
            ui.horizontal(|ui| {
                if ui.button("Relink anyway").clicked() {
                    choice = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    choice = Some(false);
                }
            });
        });
        if modal.should_close() && choice.is_none() {
            choice = Some(false);
        }
        match choice {
            Some(true) => {
                if let Some(q) = self.relink_question.take() {
                    self.apply_relink(ctx, q.source, q.path, q.report);
                }
            }
            Some(false) => self.relink_question = None,
            None => {}
        }
    }
}
