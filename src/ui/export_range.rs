//! What part of the timeline the export dialog writes — all of it, a marker's range (a live
//! marker with pre-roll), or a span typed in — and the queue of files that exporting
//! marker ranges writes one after another: each range in each of the project's outputs
//! (16:9 and 9:16, say), named by both, as `clipwright export --markers` names them.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::export_dialog::ExportDialog;
use crate::export::ExportSettings;
use crate::timeline::{MarkerId, Project, Time};

/// The part of the timeline an export writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExportRange {
    /// All of it.
    #[default]
    Whole,
    /// The range of this marker.
    Marker(MarkerId),
    /// From the first time to the second.
    Span(Time, Time),
}

impl ExportRange {
    /// The span written, `None` for the whole timeline (a marker gone since: nothing).
    pub fn span(self, project: &Project) -> Option<(Time, Time)> {
        match self {
            ExportRange::Whole => None,
            ExportRange::Span(a, b) => Some((a, b)),
            ExportRange::Marker(id) => Some(
                project
                    .markers
                    .iter()
                    .find(|m| m.id == id)
                    .map_or((Time::ZERO, Time::ZERO), |m| (m.time, m.end())),
            ),
        }
    }

    fn label(self, project: &Project) -> String {
        let rate = project.canvas.frame_rate;
        match self {
            ExportRange::Whole => "Whole timeline".to_owned(),
            ExportRange::Span(..) => "From … to …".to_owned(),
            ExportRange::Marker(id) => match project.markers.iter().find(|m| m.id == id) {
                Some(m) => format!(
                    "{} ({}–{})",
                    m.name,
                    m.time.to_timecode(rate),
                    m.end().to_timecode(rate)
                ),
                None => "A marker no longer there".to_owned(),
            },
        }
    }
}

/// One file waiting its turn.
pub(super) struct Queued {
    pub(super) path: PathBuf,
    pub(super) settings: ExportSettings,
}

/// Files exported one after another from one state of the project.
pub(super) struct Batch {
    pub(super) project: Arc<Project>,
    pub(super) base_dir: PathBuf,
    pub(super) waiting: VecDeque<Queued>,
    /// Written so far.
    pub(super) written: Vec<PathBuf>,
}

/// The "Range" row of the dialog's form.
pub(super) fn range_row(ui: &mut egui::Ui, range: &mut ExportRange, project: &Project) {
    let label = ui.label("Range");
    ui.vertical(|ui| {
        egui::ComboBox::from_id_salt("export_range")
            .selected_text(range.label(project))
            .show_ui(ui, |ui| {
                ui.selectable_value(range, ExportRange::Whole, "Whole timeline");
                for m in project.markers.iter().filter(|m| m.length > Time::ZERO) {
                    let choice = ExportRange::Marker(m.id);
                    ui.selectable_value(range, choice, choice.label(project));
                }
                let span = ExportRange::Span(Time::ZERO, project.clips_duration());
                if ui
                    .selectable_label(matches!(range, ExportRange::Span(..)), span.label(project))
                    .clicked()
                    && !matches!(range, ExportRange::Span(..))
                {
                    *range = span;
                }
            })
            .response
            .labelled_by(label.id);
        if let ExportRange::Span(from, to) = range {
            ui.horizontal(|ui| {
                let end = project.clips_duration().as_secs_f64();
                let (mut a, mut b) = (from.as_secs_f64(), to.as_secs_f64());
                ui.label("from");
                ui.add(egui::DragValue::new(&mut a).range(0.0..=end).suffix(" s"));
                ui.label("to");
                ui.add(egui::DragValue::new(&mut b).range(0.0..=end).suffix(" s"));
                *from = Time::from_secs_f64(a);
                *to = Time::from_secs_f64(b.max(a));
            });
        }
    });
}

impl ExportDialog {
    /// Exports marker ranges of `project` one after another — the one of `only`, or all of
    /// them — each in every output of the project, beside the file named in the dialog as
    /// `NAME-MARKER(-OUTPUT).EXT`. Returns how many files were queued.
    pub fn export_markers(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        base_dir: &Path,
        only: Option<MarkerId>,
    ) -> usize {
        if self.is_running() || self.output.trim().is_empty() {
            return 0;
        }
        let wanted = only.map(|id| ExportRange::Marker(id).span(project));
        let outputs = !project.outputs.is_empty();
        let dest = PathBuf::from(self.output.trim());
        let mut waiting: VecDeque<Queued> = crate::export::batch(project, &dest, true, outputs)
            .into_iter()
            .filter(|item| wanted.is_none_or(|w| item.range.as_ref().map(|r| r.1) == w))
            .map(|item| {
                let mut settings = match &item.output {
                    Some((id, _)) => ExportSettings::for_output(project, *id)
                        .unwrap_or_else(|| self.settings(project)),
                    None => self.settings(project),
                };
                let tuned = self.settings(project);
                (settings.crf, settings.hardware) = (tuned.crf, tuned.hardware);
                settings.soft_subtitles = tuned.soft_subtitles;
                settings.range = item.range.map(|(_, span)| span);
                Queued {
                    path: item.path,
                    settings,
                }
            })
            .collect();
        let count = waiting.len();
        let Some(first) = waiting.pop_front() else {
            return 0;
        };
        let project = Arc::new(project.clone());
        self.batch = Some(Batch {
            project: Arc::clone(&project),
            base_dir: base_dir.to_owned(),
            waiting,
            written: Vec::new(),
        });
        self.start_job(ctx, project, base_dir.to_owned(), first);
        count
    }

    /// How far a run of marker exports is, for the status line.
    pub(super) fn batch_note(&self) -> Option<String> {
        let b = self.batch.as_ref()?;
        let running = usize::from(self.is_running());
        let total = b.written.len() + running + b.waiting.len();
        Some(format!(
            "{} of {total} marker files written",
            b.written.len()
        ))
    }

    /// Files the last run of marker exports wrote (so far, while it runs).
    pub fn batch_written(&self) -> &[PathBuf] {
        self.batch.as_ref().map_or(&[], |b| b.written.as_slice())
    }
}
