//! "Transcribe…" in the subtitle panel: speech to text of the whole timeline's sound or
//! of the selected clip's, locally with a Whisper model, into a new subtitle track.
//!
//! The model is a name from the known list (found installed, or downloaded once, with
//! progress), or a whisper.cpp file or CTranslate2 folder the person picks. A worker finds
//! the model, then gets the sound: for the timeline, the project's own mix (what the
//! export plays, through every speed change and trim), so the cues are in timeline time as
//! they come; for a clip, its source's sound, the part the clip uses, with the cues placed
//! through the clip's position, trim and speed afterwards. Each stage reports how far it
//! is (seconds of sound mixed, then seconds transcribed); Cancel stops it between blocks
//! and chunks. The cues land as one new track — one undo step.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::WorkerOutcome;
use crate::subtitles::timeline_map::{ms_to_time, source_cues_on_timeline};
use crate::subtitles::transcribe::{SpeechModel, Transcript, KNOWN_MODELS, LANGUAGES};
use crate::timeline::{
    Clip, ClipId, Edit, SubtitleCue, Time, Track, TrackId, TrackKind, WordTiming,
};

use crate::session::Editor;
use crate::ui::app::dialogs::{Dialog, FileDialogs};
use crate::ui::app::workers::spawn_worker;
use crate::ui::inspector::keys::sound_clip;

mod job;

use job::{run, JobError, Request, Sound, StageFn};

/// Progress lines that may wait; more are dropped (the next one says the same, newer).
const CAPACITY: usize = 8;

/// What the transcription worker reports.
#[derive(Debug)]
enum Report {
    /// The model dialog closed.
    ModelPicked(Option<PathBuf>),
    /// A stage and how far it is, when known.
    Stage(String, Option<f32>),
    /// Finished: what was transcribed, the transcript and where in the source it starts.
    Done(Target, Result<(Transcript, i64), TranscribeFailure>),
}

/// What a transcription listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The whole timeline's mixed sound.
    Timeline,
    /// One clip's sound.
    Clip(ClipId),
}

/// Why a transcription produced nothing.
#[derive(Debug)]
enum TranscribeFailure {
    Cancelled,
    Failed(JobError),
}

/// A transcription under way.
#[derive(Debug)]
struct Job {
    cancel: Arc<AtomicBool>,
    stage: String,
    fraction: Option<f32>,
    /// When the stage last moved on, for the time shown while it does not.
    moved: Instant,
}

/// The Transcribe section's state.
#[derive(Debug)]
pub struct Transcriber {
    tx: SyncSender<Report>,
    rx: Receiver<Report>,
    /// Whether the section is shown.
    pub open: bool,
    /// A model name from the known list, or the path of a model file or folder.
    pub model: String,
    /// `auto` or a Whisper language code.
    pub language: String,
    /// Transcribe the whole timeline (else the selected clip).
    pub whole_timeline: bool,
    job: Option<Job>,
    picking: bool,
    /// What the last run did.
    pub note: Option<String>,
    /// A speech model to use instead of loading `model` (a fake, in tests).
    pub(in crate::ui) speech: Option<Arc<dyn SpeechModel>>,
}

impl Default for Transcriber {
    fn default() -> Self {
        let (tx, rx) = sync_channel(CAPACITY);
        let model = std::env::var("CLIPWRIGHT_WHISPER_MODEL")
            .ok()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| "base".to_owned());
        Transcriber {
            tx,
            rx,
            open: false,
            model,
            language: "auto".to_owned(),
            whole_timeline: true,
            job: None,
            picking: false,
            note: None,
            speech: None,
        }
    }
}

impl Transcriber {
    /// True while a transcription runs.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Draws the section.
    pub fn show(&mut self, ui: &mut egui::Ui, editor: &Editor, dialogs: &Arc<dyn FileDialogs>) {
        if let Some(job) = &self.job {
            // The model hears up to 30 s at once and says nothing until it is done, so a
            // short recording shows no progress for a while: the bar says how long the step
            // has taken, once a second (not every frame: the model needs the processor).
            let bar = egui::ProgressBar::new(job.fraction.unwrap_or(0.0))
                .text(stage_line(&job.stage, job.moved.elapsed()))
                .animate(job.fraction.is_none());
            ui.add(bar);
            ui.ctx().request_repaint_after(Duration::from_secs(1));
            if ui.button("Cancel transcription").clicked() {
                job.cancel.store(true, Ordering::Relaxed);
            }
            return;
        }
        let clip = selected_sound(editor);
        egui::Grid::new("transcribe").num_columns(2).show(ui, |ui| {
            ui.label("Model");
            let is_path = !KNOWN_MODELS
                .iter()
                .any(|m| m.name.eq_ignore_ascii_case(&self.model));
            let shown = if is_path {
                crate::ui::app::file_label(std::path::Path::new(&self.model))
            } else {
                self.model.clone()
            };
            egui::ComboBox::from_id_salt("transcribe_model")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for m in KNOWN_MODELS {
                        let text =
                            format!("{} ({} MB, downloaded once)", m.name, m.size / 1_000_000);
                        if ui
                            .selectable_label(self.model.eq_ignore_ascii_case(m.name), text)
                            .clicked()
                        {
                            self.model = m.name.to_owned();
                        }
                    }
                })
                .response
                .on_hover_text(&self.model)
                .accessible_name("Speech model");
            ui.end_row();
            ui.label("");
            ui.horizontal(|ui| {
                for (text, folder) in [("Model file…", false), ("Model folder…", true)] {
                    if ui
                        .add_enabled(!self.picking, egui::Button::new(text))
                        .clicked()
                    {
                        self.pick_model(ui.ctx(), dialogs, folder);
                    }
                }
            });
            ui.end_row();
            ui.label("Language");
            let name = |code: &str| {
                LANGUAGES
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map_or_else(|| "Detect".to_owned(), |(_, n)| (*n).to_owned())
            };
            egui::ComboBox::from_id_salt("transcribe_language")
                .selected_text(name(&self.language))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.language, "auto".to_owned(), "Detect");
                    for (code, n) in LANGUAGES {
                        ui.selectable_value(&mut self.language, (*code).to_owned(), *n);
                    }
                })
                .response
                .accessible_name("Spoken language");
            ui.end_row();
        });
        ui.horizontal(|ui| {
            ui.label("Listen to");
            ui.radio_value(&mut self.whole_timeline, true, "Whole timeline");
            ui.radio_value(&mut self.whole_timeline, false, "Selected clip");
        });
        let has_sound = editor
            .project
            .tracks
            .iter()
            .any(|t| t.kind == TrackKind::Audio && !t.muted && !t.clips.is_empty());
        let (ready, why) = if self.whole_timeline {
            (has_sound, "The timeline has no sound to transcribe")
        } else {
            (
                clip.is_some(),
                "Select a clip with sound on the timeline first",
            )
        };
        let start = ui
            .add_enabled(ready, egui::Button::new("Start transcribing"))
            .on_disabled_hover_text(why);
        if start.clicked() {
            if self.whole_timeline {
                self.start(ui.ctx(), editor, None);
            } else if let Some(clip) = clip {
                self.start(ui.ctx(), editor, Some(&clip));
            }
        }
        if let Some(note) = &self.note {
            ui.label(egui::RichText::new(note).small().weak());
        }
    }

    fn pick_model(&mut self, ctx: &egui::Context, dialogs: &Arc<dyn FileDialogs>, folder: bool) {
        self.picking = true;
        let dialogs = Arc::clone(dialogs);
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        spawn_worker("model-dialog", move || {
            let _ = tx.send(Report::ModelPicked(dialogs.ask(Dialog::Model { folder })));
            ctx.request_repaint();
        });
    }

    /// Starts transcribing `clip`'s sound, or the whole timeline's (`None`), on a worker.
    fn start(&mut self, ctx: &egui::Context, editor: &Editor, clip: Option<&Clip>) {
        let base_dir = editor
            .path
            .as_deref()
            .and_then(std::path::Path::parent)
            .map(std::path::Path::to_owned)
            .unwrap_or_default();
        let (sound, target) = match clip {
            None => (
                Sound::Timeline {
                    project: Box::new(editor.project.clone()),
                    base_dir,
                },
                Target::Timeline,
            ),
            Some(clip) => {
                let Some(source) = clip.source().and_then(|s| editor.project.source(s)) else {
                    self.note = Some("This clip has no media to transcribe.".to_owned());
                    return;
                };
                let path = if source.path.is_relative() {
                    base_dir.join(&source.path)
                } else {
                    source.path.clone()
                };
                let sound = Sound::Clip {
                    path,
                    from_ms: time_ms(clip.source_in),
                    to_ms: time_ms(clip.source_out),
                };
                (sound, Target::Clip(clip.id))
            }
        };
        let cancel = Arc::new(AtomicBool::new(false));
        self.job = Some(Job {
            cancel: Arc::clone(&cancel),
            stage: "Starting…".to_owned(),
            fraction: None,
            moved: Instant::now(),
        });
        self.note = None;
        let request = Request {
            model: self.model.clone(),
            speech: self.speech.clone(),
            language: self.language.clone(),
            sound,
        };
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let stage: StageFn = {
            let tx = tx.clone();
            let ctx = ctx.clone();
            Arc::new(move |text: String, fraction: Option<f32>| {
                // A full channel means the UI has not drawn the last stage yet: drop this
                // one, the next says the same, newer.
                if let Err(TrySendError::Disconnected(_)) =
                    tx.try_send(Report::Stage(text, fraction))
                {
                    return;
                }
                ctx.request_repaint();
            })
        };
        spawn_worker("transcribe", move || {
            let result = run(&request, &cancel, &stage);
            let result = match result {
                Err(_) if cancel.load(Ordering::Relaxed) => Err(TranscribeFailure::Cancelled),
                Err(e) => Err(TranscribeFailure::Failed(e)),
                Ok(t) => Ok(t),
            };
            let _ = tx.send(Report::Done(target, result));
            ctx.request_repaint();
        });
    }

    /// Applies what the worker reported; call every frame.
    pub fn poll(&mut self, editor: &mut Editor) -> WorkerOutcome {
        let mut outcome = WorkerOutcome::default();
        while let Ok(report) = self.rx.try_recv() {
            match report {
                Report::ModelPicked(path) => {
                    self.picking = false;
                    if let Some(path) = path {
                        self.model = path.display().to_string();
                    }
                }
                Report::Stage(text, fraction) => {
                    if let Some(job) = &mut self.job {
                        if job.stage != text || job.fraction != fraction {
                            job.moved = Instant::now();
                        }
                        job.stage = text;
                        job.fraction = fraction;
                    }
                }
                Report::Done(target, result) => {
                    self.job = None;
                    match result {
                        Ok((transcript, offset_ms)) => {
                            match add_track(editor, target, &transcript, offset_ms) {
                                Ok((track, count)) => {
                                    outcome.track = Some(track);
                                    self.note = Some(format!("Transcribed {count} cues"));
                                }
                                Err(e) => outcome.error = Some(e.to_string()),
                            }
                        }
                        Err(TranscribeFailure::Cancelled) => {
                            self.note = Some("Transcription cancelled".to_owned());
                        }
                        Err(TranscribeFailure::Failed(e)) => outcome.error = Some(e.to_string()),
                    }
                }
            }
        }
        outcome
    }
}

/// A stage's line on the progress bar: with the time it has taken once that passes two
/// seconds, so a step the model gives no progress for still shows it is working.
fn stage_line(stage: &str, still_for: Duration) -> String {
    let secs = still_for.as_secs();
    if secs < 2 {
        stage.to_owned()
    } else {
        format!("{stage} · {}:{:02}", secs / 60, secs % 60)
    }
}

/// The clip whose sound "Transcribe" uses: the selected clip's own or its linked sound.
fn selected_sound(editor: &Editor) -> Option<Clip> {
    let id = editor.selection.iter().next()?;
    let clip = editor.project.clip(*id)?;
    sound_clip(editor, clip)
}

fn time_ms(t: Time) -> i64 {
    crate::subtitles::timeline_map::time_to_ms(t)
}

/// The transcript as a new subtitle track (over the clip it came from), one undo step.
fn add_track(
    editor: &mut Editor,
    target: Target,
    transcript: &Transcript,
    offset_ms: i64,
) -> Result<(TrackId, usize), JobError> {
    let clip = match target {
        Target::Timeline => None,
        Target::Clip(id) => match editor.project.clip(id).cloned() {
            Some(c) => Some(c),
            None => return Err(JobError::ClipRemoved),
        },
    };
    let first = editor.project.next_cue_id().0;
    let in_source: Vec<SubtitleCue> = transcript
        .cues()
        .into_iter()
        .enumerate()
        .map(|(i, (cue, words))| {
            let mut c = SubtitleCue::new(
                crate::timeline::CueId(first + i as u64),
                ms_to_time(cue.start_ms + offset_ms),
                ms_to_time(cue.end_ms + offset_ms),
                cue.text,
            );
            c.words = words
                .into_iter()
                .map(|w| WordTiming {
                    start: ms_to_time(w.start_ms + offset_ms),
                    end: ms_to_time(w.end_ms + offset_ms),
                    text: w.text,
                })
                .collect();
            c
        })
        .collect();
    let cues = match &clip {
        Some(clip) => source_cues_on_timeline(&in_source, clip),
        None => in_source,
    };
    if cues.is_empty() {
        return Err(match clip {
            Some(_) => JobError::NoSpeechInClip,
            None => JobError::NoSpeechOnTimeline,
        });
    }
    let languages = transcript.languages();
    let id = editor.project.next_track_id();
    let name = match languages.as_slice() {
        [one] => format!("Transcript ({one})"),
        _ => "Transcript".to_owned(),
    };
    let mut track = Track::new(id, TrackKind::Subtitle, name);
    if let [one] = languages.as_slice() {
        track.language = Some((*one).to_owned());
    }
    let count = cues.len();
    track.cues = cues;
    editor.apply(Edit::AddTrack {
        index: editor.project.tracks.len(),
        track,
    })?;
    Ok((id, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_that_stands_still_says_for_how_long() {
        let stage = "Transcribing: 0 of 8 s";
        assert_eq!(stage_line(stage, Duration::from_millis(1900)), stage);
        assert_eq!(
            stage_line(stage, Duration::from_secs(65)),
            "Transcribing: 0 of 8 s · 1:05"
        );
        assert_eq!(
            stage_line("Loading the speech model…", Duration::from_secs(2)),
            "Loading the speech model… · 0:02"
        );
    }
}
