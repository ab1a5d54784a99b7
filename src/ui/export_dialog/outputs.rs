//! The export dialog's choice of output: the one the preview shows, or every output of the
//! project in one go (one file each, named after the output beside the file chosen, as
//! `clipwright export --all-outputs` names them).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::export::{ExportJob, ExportSettings};
use crate::timeline::{OutputId, Project};

use super::ExportDialog;

impl ExportDialog {
    /// The settings for output `output`: its size and reframing, then the dialog's preset,
    /// quality and encoder choices.
    pub(super) fn settings_for(&self, project: &Project, output: OutputId) -> ExportSettings {
        let mut settings = ExportSettings::for_output(project, output)
            .unwrap_or_else(|| ExportSettings::for_project(project));
        if let Some(preset) = self.preset {
            settings.size = preset.size();
            if let Some(rate) = preset.frame_rate() {
                settings.frame_rate = rate;
            }
        }
        settings.crf = Some(self.crf);
        settings.hardware = self.hardware;
        settings.soft_subtitles = self.soft_subtitles && self.extension() != "gif";
        settings.range = self.range.span(project);
        settings
    }

    /// The jobs a start runs: the shown output to the file named, or each output to a file
    /// of its own beside it.
    pub(super) fn jobs(&self, project: &Project, base_dir: &Path) -> Vec<ExportJob> {
        let dest = PathBuf::from(self.output.trim());
        let targets = if self.all_outputs && !project.outputs.is_empty() {
            crate::export::outputs::output_paths(project, &dest)
        } else {
            vec![(self.project_output, dest)]
        };
        let project = Arc::new(project.clone());
        targets
            .into_iter()
            .map(|(id, output)| ExportJob {
                project: Arc::clone(&project),
                base_dir: base_dir.to_owned(),
                output,
                settings: self.settings_for(&project, id),
            })
            .collect()
    }

    /// The "Output" row: which output, or all of them. Shown when the project has more
    /// than one.
    pub(super) fn output_row(&mut self, ui: &mut egui::Ui, project: &Project) {
        if project.outputs.is_empty() {
            self.all_outputs = false;
            return;
        }
        ui.label("Output");
        ui.vertical(|ui| {
            let shown = project
                .output(self.project_output)
                .or_else(|| project.output(OutputId::MAIN));
            if let Some(o) = shown {
                let text = format!("{} ({}×{})", o.name, o.width, o.height);
                ui.radio_value(&mut self.all_outputs, false, text);
            }
            let all = format!("All {} outputs, a file each", project.outputs.len() + 1);
            ui.radio_value(&mut self.all_outputs, true, all);
            if self.all_outputs {
                let files = self.jobs(project, Path::new(""));
                let names: Vec<String> = files
                    .iter()
                    .filter_map(|j| j.output.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .collect();
                ui.weak(names.join(", "));
            }
        });
        ui.end_row();
    }
}
