//! The export dialog: preset, format, quality and destination; then a progress bar with
//! frames per second and time left, a cancel button, and the result or the error.
//!
//! The export runs on a worker thread ([`ExportJob::run`]); progress comes back over a
//! bounded channel (a full channel just skips an update) and the dialog repaints while it
//! runs. A cancelled or failed export leaves no file behind — the job guarantees it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::Duration;

use super::export_estimate::estimate_text;
use super::export_range::{range_row, Batch, ExportRange, Queued};
use crate::export::{
    ExportError, ExportJob, ExportSettings, ExportStage, ExportSummary, Preset, Progress,
};
use crate::timeline::Project;

/// File formats offered, with their extension.
const FORMATS: &[(&str, &str)] = &[
    ("MP4 (H.264 + AAC)", "mp4"),
    ("WebM (VP9 + Opus)", "webm"),
    ("MOV (H.264 + AAC)", "mov"),
    ("MKV (H.264 + AAC, styled subtitles)", "mkv"),
    ("Animated GIF", "gif"),
];

/// An export that is running.
struct Running {
    cancel: Arc<AtomicBool>,
    progress: Receiver<Progress>,
    done: Receiver<Result<Vec<ExportSummary>, ExportError>>,
    last: Option<Progress>,
}

/// How the last export ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The file was written.
    Finished(ExportSummary),
    /// Why it was not.
    Failed(String),
}

/// The export dialog's state.
pub struct ExportDialog {
    /// The window is shown.
    pub open: bool,
    /// `None` keeps the project's canvas.
    pub preset: Option<Preset>,
    /// Index into [`FORMATS`].
    pub format: usize,
    /// Constant rate factor: lower is better and bigger.
    pub crf: u8,
    /// Try hardware encoders first.
    pub hardware: bool,
    /// Write subtitles as a track players can switch on and off, not burned in.
    pub soft_subtitles: bool,
    /// Where to write.
    pub output: String,
    /// The project's output exported (the one the preview shows).
    pub project_output: crate::timeline::OutputId,
    /// Export every output of the project, a file each beside [`Self::output`].
    pub all_outputs: bool,
    /// The files the last export wrote.
    pub exported: Vec<PathBuf>,
    running: Option<Running>,
    /// How the last export ended.
    pub outcome: Option<Outcome>,
    /// The system's Videos folder, where exports of an unsaved project are suggested.
    pub videos_dir: Option<PathBuf>,
    /// The picture's bit rate (bits per second) of each file the media bin has probed, by
    /// path: the size estimate starts from the content of the clips' own files.
    pub source_rates: HashMap<PathBuf, f64>,
    /// Why the output named cannot be written (one of the export's own inputs, a folder…),
    /// for the output name and project sources it was checked against.
    refusal: Option<(String, Vec<PathBuf>, Option<String>)>,
    /// The part of the timeline written.
    pub range: ExportRange,
    /// Marker ranges being exported one after another.
    pub(super) batch: Option<Batch>,
}

impl Default for ExportDialog {
    fn default() -> Self {
        ExportDialog {
            open: false,
            preset: None,
            format: 0,
            crf: 23,
            hardware: true,
            soft_subtitles: false,
            output: String::new(),
            project_output: crate::timeline::OutputId::MAIN,
            all_outputs: false,
            exported: Vec::new(),
            running: None,
            outcome: None,
            videos_dir: None,
            source_rates: HashMap::new(),
            refusal: None,
            range: ExportRange::Whole,
            batch: None,
        }
    }
}

/// What the dialog wants from the app.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DialogRequest {
    /// Ask where to save (a save dialog), suggesting this file name.
    pub choose_path: Option<String>,
}

impl ExportDialog {
    /// Whether an export is running.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The extension of the chosen format.
    pub fn extension(&self) -> &'static str {
        FORMATS.get(self.format).map_or("mp4", |f| f.1)
    }

    /// Sets the destination, fixing its extension to the chosen format.
    pub fn set_output(&mut self, path: &Path) {
        self.output = path.with_extension(self.extension()).display().to_string();
    }

    pub(super) fn settings(&self, project: &Project) -> ExportSettings {
        self.settings_for(project, self.project_output)
    }

    /// Starts exporting `project` on a worker thread.
    /// Why the output named now cannot be written, if it cannot: it is one of the
    /// project's own files (writing it would destroy what is read), or a folder, pipe or
    /// device. Checked again only when the name or the project's files change, so the
    /// dialog does not ask the file system every frame.
    pub fn refusal(&mut self, project: &Project, base_dir: &Path) -> Option<String> {
        let output = self.output.trim();
        if output.is_empty() {
            return None;
        }
        let inputs = crate::export::project_inputs(project, base_dir);
        if let Some((name, checked, why)) = &self.refusal {
            if name == output && *checked == inputs {
                return why.clone();
            }
        }
        let why = crate::export::check_output(project, base_dir, Path::new(output))
            .err()
            .map(|e| e.to_string());
        self.refusal = Some((output.to_owned(), inputs, why.clone()));
        why
    }

    pub fn start(&mut self, ctx: &egui::Context, project: &Project, base_dir: PathBuf) {
        if self.running.is_some() || self.output.trim().is_empty() {
            return;
        }
        self.batch = None;
        let jobs = self.jobs(project, &base_dir);
        self.start_jobs(ctx, jobs);
    }

    /// Starts writing one file (of a batch of marker ranges) on a worker thread.
    pub(super) fn start_job(
        &mut self,
        ctx: &egui::Context,
        project: Arc<Project>,
        base_dir: PathBuf,
        file: Queued,
    ) {
        let job = ExportJob {
            project,
            base_dir,
            output: file.path,
            settings: file.settings,
        };
        self.start_jobs(ctx, vec![job]);
    }

    /// Starts `jobs` on a worker thread: several outputs are drawn from the same decoded
    /// frames.
    fn start_jobs(&mut self, ctx: &egui::Context, jobs: Vec<ExportJob>) {
        let cancel = Arc::new(AtomicBool::new(false));
        let (progress_tx, progress) = sync_channel(8);
        let (done_tx, done) = sync_channel(1);
        let worker_cancel = Arc::clone(&cancel);
        let wake = ctx.clone();
        // Below the UI's priority, with its pipeline threads: editing stays responsive.
        let spawned = crate::threads::spawn_background("export", move || {
            // Several outputs are drawn from the same decoded frames.
            let result = crate::export::export_together(&jobs, Some(progress_tx), &worker_cancel);
            let _ = done_tx.send(result);
            wake.request_repaint();
        });
        match spawned {
            Ok(_) => {
                self.outcome = None;
                self.running = Some(Running {
                    cancel,
                    progress,
                    done,
                    last: None,
                });
            }
            Err(e) => self.outcome = Some(Outcome::Failed(format!("could not start: {e}"))),
        }
    }

    /// Asks a running export to stop.
    pub fn cancel(&self) {
        if let Some(r) = &self.running {
            r.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Takes progress and the result from the worker.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let Some(running) = &mut self.running else {
            return;
        };
        while let Ok(p) = running.progress.try_recv() {
            running.last = Some(p);
        }
        if let Ok(result) = running.done.try_recv() {
            self.running = None;
            let next = match (&result, self.batch.as_mut()) {
                (Ok(summaries), Some(batch)) => {
                    batch
                        .written
                        .extend(summaries.iter().map(|s| s.path.clone()));
                    batch.waiting.pop_front().map(|next| {
                        let from = (Arc::clone(&batch.project), batch.base_dir.clone());
                        (from, next)
                    })
                }
                (Err(_), Some(batch)) => {
                    batch.waiting.clear();
                    None
                }
                _ => None,
            };
            self.outcome = Some(match result {
                Ok(summaries) => {
                    self.exported = summaries.iter().map(|s| s.path.clone()).collect();
                    match summaries.into_iter().last() {
                        Some(last) => Outcome::Finished(last),
                        None => Outcome::Failed("nothing to export".to_owned()),
                    }
                }
                Err(e) => Outcome::Failed(e.to_string()),
            });
            if let Some(((project, base_dir), file)) = next {
                self.start_job(ctx, project, base_dir, file);
            }
        } else {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    /// Draws the dialog window.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        base_dir: &Path,
    ) -> DialogRequest {
        let mut request = DialogRequest::default();
        self.poll(ctx);
        let mut open = self.open;
        egui::Window::new("Export")
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            .show(ctx, |ui| {
                ui.add_enabled_ui(!self.is_running(), |ui| {
                    self.form(ui, project, base_dir, &mut request)
                });
                ui.separator();
                self.status(ui, ctx, project, base_dir);
            });
        self.open = open || self.is_running();
        request
    }

    fn form(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        base_dir: &Path,
        request: &mut DialogRequest,
    ) {
        egui::Grid::new("export_form")
            .num_columns(2)
            .show(ui, |ui| {
                self.output_row(ui, project);
                ui.label("Preset");
                let current = match self.preset {
                    None => "The output's own size".to_owned(),
                    Some(p) => preset_label(p),
                };
                egui::ComboBox::from_id_salt("export_preset")
                    .selected_text(current)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.preset, None, "The output's own size");
                        for (_, p) in Preset::NAMED {
                            ui.selectable_value(&mut self.preset, Some(p), preset_label(p));
                        }
                    });
                ui.end_row();

                ui.label("Format");
                let before = self.format;
                egui::ComboBox::from_id_salt("export_format")
                    .selected_text(FORMATS.get(self.format).map_or("", |f| f.0))
                    .show_ui(ui, |ui| {
                        for (i, (label, _)) in FORMATS.iter().enumerate() {
                            ui.selectable_value(&mut self.format, i, *label);
                        }
                    });
                if before != self.format && !self.output.is_empty() {
                    let path = PathBuf::from(&self.output);
                    self.set_output(&path);
                }
                ui.end_row();

                let quality = ui.label("Quality (CRF)");
                ui.add(egui::Slider::new(&mut self.crf, 16..=35).text("lower is better"))
                    .labelled_by(quality.id);
                ui.end_row();

                if crate::render::has_subtitles(project) && self.extension() != "gif" {
                    ui.label("Subtitles");
                    ui.vertical(|ui| {
                        ui.checkbox(
                            &mut self.soft_subtitles,
                            "As a track players can switch on and off",
                        );
                        let container = crate::media::Container::from_path(Path::new(&format!(
                            "x.{}",
                            self.extension()
                        )));
                        if let Some(note) = container
                            .filter(|_| self.soft_subtitles)
                            .and_then(crate::export::soft_subtitle_note)
                        {
                            ui.add(
                                egui::Label::new(
                                    egui::RichText::new(note)
                                        .small()
                                        .color(ui.visuals().warn_fg_color),
                                )
                                .wrap(),
                            );
                        }
                    });
                    ui.end_row();
                }

                range_row(ui, &mut self.range, project);
                ui.end_row();

                ui.label("Encoder");
                ui.checkbox(
                    &mut self.hardware,
                    "Use the graphics card when it can (faster)",
                );
                ui.end_row();

                let file = ui.label("File");
                ui.horizontal(|ui| {
                    ui.add(egui::TextEdit::singleline(&mut self.output).desired_width(260.0))
                        .labelled_by(file.id);
                    if ui.button("Choose…").clicked() {
                        request.choose_path =
                            Some(format!("{}.{}", project.name, self.extension()));
                    }
                });
                ui.end_row();

                ui.label("Estimated size");
                ui.label(estimate_text(self.estimate(project, base_dir)))
                    .on_hover_text(
                        "From the bit rate of the clips' own files, scaled to this size \
                         and quality. Where a file is not read yet, a rough guess from the \
                         size, frame rate and quality: pictures with little motion, such as \
                         most screen recordings, come out many times smaller.",
                    );
                ui.end_row();
            });
    }

    fn status(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        project: &Project,
        base_dir: &Path,
    ) {
        if let Some(running) = &self.running {
            let (fraction, text) = match running.last {
                Some(p) => (
                    p.frames_done as f32 / p.frames_total.max(1) as f32,
                    progress_text(&p),
                ),
                None => (0.0, "Starting…".to_owned()),
            };
            ui.add(egui::ProgressBar::new(fraction).text(text));
            if let Some(note) = self.batch_note() {
                ui.label(note);
            }
            if ui.button("Cancel").clicked() {
                self.cancel();
            }
            return;
        }
        match &self.outcome {
            Some(Outcome::Finished(s)) => {
                if let Some(note) = self.batch_note() {
                    ui.label(note);
                } else if self.exported.len() > 1 {
                    ui.label(format!("Exported {} outputs:", self.exported.len()));
                    for path in &self.exported {
                        ui.weak(path.display().to_string());
                    }
                }
                ui.label(format!(
                    "Exported {} frames with {} in {:.1} s.",
                    s.frames,
                    s.encoder,
                    s.elapsed.as_secs_f64()
                ));
                let path = s.path.clone();
                if ui.button("Show in folder").clicked() {
                    show_in_folder(&path);
                }
            }
            Some(Outcome::Failed(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            None => {}
        }
        let refusal = self.refusal(project, base_dir);
        if let Some(why) = &refusal {
            ui.colored_label(ui.visuals().error_fg_color, why);
        }
        let ready = refusal.is_none()
            && !self.output.trim().is_empty()
            && project.duration() > crate::timeline::Time::ZERO;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(ready, egui::Button::new("Start export"))
                .clicked()
            {
                self.start(ctx, project, base_dir.to_owned());
            }
            let ranges = project.marker_ranges().len();
            if ranges > 0
                && ui
                    .add_enabled(ready, egui::Button::new("Export all markers"))
                    .on_hover_text(format!(
                        "Each of the {ranges} marker ranges as a file of its own, in each of \
                         the project's outputs"
                    ))
                    .clicked()
            {
                self.export_markers(ctx, project, base_dir, None);
            }
        });
    }
}

/// The picture's bit rate of each probed file, by path: the file's size over its length,
/// less about 128 kbit/s when it has sound.
pub fn video_rates<'a>(
    reports: impl IntoIterator<Item = &'a crate::media::ProbeReport>,
) -> HashMap<PathBuf, f64> {
    reports
        .into_iter()
        .filter_map(|r| {
            let seconds = r.duration_us? as f64 / 1e6;
            if seconds <= 0.0 {
                return None;
            }
            let total = r.size_bytes as f64 * 8.0 / seconds;
            let sound = r
                .streams
                .iter()
                .any(|s| s.kind == crate::media::StreamKind::Audio);
            let picture = if sound {
                (total - 128_000.0).max(total * 0.2)
            } else {
                total
            };
            Some((r.path.clone(), picture))
        })
        .collect()
}

/// The folder a new export is suggested in: the project's own folder once it is saved,
/// else the system's Videos folder, else the home folder — never beside a source, which
/// for a recording of an unsaved project is hidden in the app's data folder.
pub fn default_export_folder(project_path: Option<&Path>, videos: Option<&Path>) -> PathBuf {
    if let Some(folder) = project_path.and_then(Path::parent) {
        if !folder.as_os_str().is_empty() {
            return folder.to_owned();
        }
    }
    if let Some(videos) = videos.filter(|v| v.is_dir()) {
        return videos.to_owned();
    }
    directories::UserDirs::new()
        .map(|d| d.home_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from("."))
}

fn preset_label(p: Preset) -> String {
    let (w, h) = p.size();
    let name = match p {
        Preset::TikTok => "TikTok",
        Preset::Reels => "Instagram Reels",
        Preset::Shorts => "YouTube Shorts",
        Preset::YouTube1080 => "YouTube 1080p",
        Preset::YouTube4k => "YouTube 4K",
        Preset::Square => "Square",
        Preset::Custom { .. } => "Custom",
    };
    format!("{name} ({w}×{h})")
}

/// Opens the system file manager at the folder holding `path`.
fn show_in_folder(path: &Path) {
    let folder = path.parent().unwrap_or(Path::new("."));
    let program = if cfg!(windows) {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(program).arg(folder).spawn() {
        tracing::warn!("could not open {}: {e}", folder.display());
    }
}

/// The progress bar's text. A GIF with one palette for the whole clip counts each frame
/// twice (drawn, then encoded), so while it draws the text gives a share of the whole
/// rather than "n / 2N frames", and its encoding phase says so.
fn progress_text(p: &Progress) -> String {
    let left = p.eta.as_secs();
    match p.stage {
        ExportStage::EncodingGif { done, total } => {
            format!("Encoding GIF: {done} / {total} pictures · {left} s left")
        }
        ExportStage::Frames if p.frames_total > 0 && p.frames_done <= p.frames_total => {
            let percent = p.frames_done * 100 / p.frames_total;
            format!(
                "{percent} % · {} frames · {:.0} fps · {left} s left",
                p.frames_done, p.fps
            )
        }
        ExportStage::Frames => format!("{} frames · {:.0} fps", p.frames_done, p.fps),
    }
}

mod outputs;

#[cfg(test)]
mod tests;
