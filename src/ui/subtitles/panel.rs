//! The subtitle panel: a subtitle track's cues as a list that follows the playhead (the
//! cue under it highlighted and scrolled to), with the selected cue's text and times
//! editable, add / split / merge / delete, import and export of subtitle files
//! (`subtitle_files`), the track's style (`subtitle_style`) and "Transcribe…"
//! (`transcribe_panel`).
//!
//! Typing into a cue is one undo step per focus (a gesture), not one per key.

use std::sync::Arc;

use crate::timeline::{CueId, Edit, SubtitleCue, Time, Track, TrackId, TrackKind};

use super::files::SubtitleFiles;
use super::style::{track_style, StyleEditor};
use super::transcribe::Transcriber;
use crate::session::Editor;
use crate::ui::app::dialogs::FileDialogs;

/// Length of a cue added at the playhead.
const NEW_CUE: Time = Time::from_secs(2);

/// The subtitle panel's state.
#[derive(Debug, Default)]
pub struct SubtitlePanel {
    /// The track shown.
    pub track: Option<TrackId>,
    /// The cue being edited.
    pub cue: Option<CueId>,
    /// Text being typed into the selected cue.
    draft: String,
    typing: bool,
    /// The cue under the playhead the list last scrolled to.
    scrolled_to: Option<CueId>,
    /// Import and export.
    pub files: SubtitleFiles,
    style: StyleEditor,
    /// Speech to text.
    pub transcriber: Transcriber,
}

impl SubtitlePanel {
    /// Applies what the panel's workers (file dialogs, reading, writing, transcribing)
    /// finished; call every frame, whether the panel shows or not. Returns an error to
    /// show, if any.
    pub fn poll(&mut self, ctx: &egui::Context, editor: &mut Editor) -> Option<String> {
        let files = self.files.poll(ctx, editor);
        let transcribed = self.transcriber.poll(editor);
        if let Some(track) = files.track.or(transcribed.track) {
            self.track = Some(track);
            self.select(editor, track, None);
        }
        files.error.or(transcribed.error)
    }

    /// Draws the panel; returns an error to show, if any.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        dialogs: &Arc<dyn FileDialogs>,
    ) -> Option<String> {
        let mut error = None;
        let mut report = |r: Result<(), crate::timeline::EditError>| {
            if let Err(e) = r {
                error = Some(e.to_string());
            }
        };
        report(self.track_bar(ui, editor));
        self.files.buttons(ui, editor, dialogs, self.track);
        self.transcribe_toggle(ui, editor, dialogs);
        ui.separator();
        let Some(track_id) = self.track else {
            ui.weak("Add a subtitle track to type, import or transcribe subtitles.");
            return error;
        };
        report(self.cue_buttons(ui, editor, track_id));
        ui.separator();
        let cues: Vec<SubtitleCue> = editor
            .project
            .track(track_id)
            .map(|t| t.cues.clone())
            .unwrap_or_default();
        self.cue_list(ui, editor, track_id, &cues);
        ui.separator();
        egui::CollapsingHeader::new("Style")
            .id_salt("subtitle_style_header")
            .show(ui, |ui| {
                report(self.style.show(ui, editor, track_id));
            });
        ui.separator();
        if let Some(cue) = self
            .cue
            .and_then(|id| cues.iter().find(|c| c.id == id))
            .cloned()
        {
            report(self.cue_editor(ui, editor, track_id, &cue));
        }
        error
    }

    /// The track picker and "New track".
    fn track_bar(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
    ) -> Result<(), crate::timeline::EditError> {
        let tracks: Vec<(TrackId, String)> = editor
            .project
            .tracks
            .iter()
            .filter(|t| t.kind == TrackKind::Subtitle)
            .map(|t| (t.id, t.name.clone()))
            .collect();
        if self
            .track
            .is_none_or(|id| !tracks.iter().any(|t| t.0 == id))
        {
            self.track = tracks.first().map(|t| t.0);
        }
        ui.horizontal(|ui| {
            let name = tracks
                .iter()
                .find(|t| Some(t.0) == self.track)
                .map_or("No subtitle track", |t| t.1.as_str());
            egui::ComboBox::from_label("Track")
                .selected_text(name)
                .show_ui(ui, |ui| {
                    for (id, name) in &tracks {
                        ui.selectable_value(&mut self.track, Some(*id), name);
                    }
                });
            if ui.button("New track").clicked() {
                let id = editor.project.next_track_id();
                let n = tracks.len() + 1;
                let track = Track::new(id, TrackKind::Subtitle, format!("Subtitles {n}"));
                let index = editor.project.tracks.len();
                editor.apply(Edit::AddTrack { index, track })?;
                self.track = Some(id);
            }
            Ok(())
        })
        .inner
    }

    /// "Transcribe…", which opens the speech-to-text controls below it.
    fn transcribe_toggle(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        dialogs: &Arc<dyn FileDialogs>,
    ) {
        let label = if self.transcriber.open {
            "Transcribe ▾"
        } else {
            "Transcribe…"
        };
        if ui
            .selectable_label(
                self.transcriber.open || self.transcriber.is_running(),
                label,
            )
            .on_hover_text("Turn the selected clip's speech into a new subtitle track")
            .clicked()
        {
            self.transcriber.open = !self.transcriber.open;
        }
        if self.transcriber.open || self.transcriber.is_running() {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                self.transcriber.show(ui, editor, dialogs);
            });
        }
    }

    /// Add, split, merge and delete cues of `track_id`.
    fn cue_buttons(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        track_id: TrackId,
    ) -> Result<(), crate::timeline::EditError> {
        let mut result = Ok(());
        let playhead = editor.playhead;
        ui.horizontal(|ui| {
            if ui.button("Add at playhead").clicked() {
                let id = editor.project.next_cue_id();
                let mut cue = SubtitleCue::new(id, playhead, playhead + NEW_CUE, "New subtitle");
                cue.style = editor.project.track(track_id).and_then(track_style);
                keep_error(
                    &mut result,
                    editor.apply(Edit::AddCue {
                        track: track_id,
                        cue,
                    }),
                );
                self.select(editor, track_id, Some(id));
            }
            let current = self.cue;
            let next = current.and_then(|c| next_cue(editor, track_id, c));
            // One click a frame at most: the edit of the button clicked, if any.
            let split = ui
                .add_enabled(current.is_some(), egui::Button::new("Split at playhead"))
                .clicked();
            let merge = ui
                .add_enabled(next.is_some(), egui::Button::new("Merge with next"))
                .clicked();
            let delete = ui
                .add_enabled(current.is_some(), egui::Button::new("Delete"))
                .clicked();
            let track = track_id;
            let edit = match (current, next) {
                (Some(cue), _) if split => Some(Edit::SplitCue {
                    track,
                    cue,
                    at: playhead,
                    text_at: None,
                }),
                (Some(first), Some(second)) if merge => Some(Edit::MergeCues {
                    track,
                    first,
                    second,
                }),
                (Some(cue), _) if delete => {
                    self.cue = None;
                    Some(Edit::RemoveCue { track, cue })
                }
                _ => None,
            };
            if let Some(edit) = edit {
                keep_error(&mut result, editor.apply(edit));
            }
        });
        result
    }

    /// The track's cues, the one at the playhead highlighted and kept in view; a click
    /// selects a cue and moves the playhead to it.
    fn cue_list(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        track_id: TrackId,
        cues: &[SubtitleCue],
    ) {
        let rate = editor.project.canvas.frame_rate;
        let playhead = editor.playhead;
        egui::ScrollArea::vertical()
            .id_salt("cue_list")
            .max_height(220.0)
            .show(ui, |ui| {
                if cues.is_empty() {
                    ui.weak("No subtitles yet.");
                }
                let live_cue = cues.iter().find(|c| c.contains(playhead)).map(|c| c.id);
                for cue in cues {
                    let live = live_cue == Some(cue.id);
                    let text = format!(
                        "{}  {}",
                        cue.start.to_timecode(rate),
                        cue.text.replace('\n', " / ")
                    );
                    let label = if live {
                        let bg = ui.visuals().selection.bg_fill.gamma_multiply(0.4);
                        egui::RichText::new(text).strong().background_color(bg)
                    } else {
                        egui::RichText::new(text)
                    };
                    let r = ui.selectable_label(self.cue == Some(cue.id), label);
                    if live && self.scrolled_to != live_cue {
                        r.scroll_to_me(Some(egui::Align::Center));
                    }
                    if r.clicked() {
                        editor.playhead = cue.start;
                        self.select(editor, track_id, Some(cue.id));
                    }
                }
                self.scrolled_to = live_cue;
            });
    }

    /// The selected cue's text and times.
    fn cue_editor(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        track_id: TrackId,
        cue: &SubtitleCue,
    ) -> Result<(), crate::timeline::EditError> {
        let mut result = Ok(());
        let text_label = ui.strong("Text");
        let edit = ui
            .add(
                egui::TextEdit::multiline(&mut self.draft)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(text_label.id);
        if edit.gained_focus() {
            editor.history.begin_gesture("Edit subtitle text");
            self.typing = true;
        }
        if edit.changed() {
            let mut updated = cue.clone();
            updated.text = self.draft.clone();
            keep_error(
                &mut result,
                editor.apply(Edit::UpdateCue {
                    track: track_id,
                    cue: updated,
                }),
            );
        }
        if edit.lost_focus() && self.typing {
            editor.history.end_gesture();
            self.typing = false;
        }
        ui.horizontal(|ui| {
            let mut start_ms = cue.start.as_secs_f64() * 1000.0;
            let mut end_ms = cue.end.as_secs_f64() * 1000.0;
            let s = ui.label("Start ms");
            let a = ui
                .add(
                    egui::DragValue::new(&mut start_ms)
                        .speed(10.0)
                        .range(0.0..=end_ms - 1.0),
                )
                .labelled_by(s.id);
            let e = ui.label("End ms");
            let b = ui
                .add(
                    egui::DragValue::new(&mut end_ms)
                        .speed(10.0)
                        .range(start_ms + 1.0..=f64::MAX),
                )
                .labelled_by(e.id);
            for r in [&a, &b] {
                if r.drag_started() {
                    editor.history.begin_gesture("Retime subtitle");
                }
            }
            if a.changed() || b.changed() {
                let mut updated = cue.clone();
                updated.start = Time::from_secs_f64(start_ms / 1000.0);
                updated.end = Time::from_secs_f64(end_ms / 1000.0);
                keep_error(
                    &mut result,
                    editor.apply(Edit::UpdateCue {
                        track: track_id,
                        cue: updated,
                    }),
                );
            }
            if (a.drag_stopped() || b.drag_stopped()) && editor.history.in_gesture() {
                editor.history.end_gesture();
            }
        });
        result
    }

    /// Selects `cue` and loads its text for editing.
    pub fn select(&mut self, editor: &Editor, track: TrackId, cue: Option<CueId>) {
        self.cue = cue;
        self.draft = cue
            .and_then(|id| editor.project.track(track)?.cue(id).map(|c| c.text.clone()))
            .unwrap_or_default();
    }
}

/// The cue after `cue` on `track`, if any.
fn next_cue(editor: &Editor, track: TrackId, cue: CueId) -> Option<CueId> {
    let cues = &editor.project.track(track)?.cues;
    let i = cues.iter().position(|c| c.id == cue)?;
    cues.get(i + 1).map(|c| c.id)
}

impl crate::ui::app::ClipwrightApp {
    /// The speech model "Transcribe" uses: a known model's name, or a file or folder.
    pub fn subtitles_model(&self) -> &str {
        &self.subtitles.transcriber.model
    }

    /// Transcribes with `speech` instead of loading the model named in the section: a
    /// [`crate::subtitles::transcribe::FakeSpeech`] lets a test see a transcript land
    /// without a model.
    pub fn set_speech_model(
        &mut self,
        speech: std::sync::Arc<dyn crate::subtitles::transcribe::SpeechModel>,
    ) {
        self.subtitles.transcriber.speech = Some(speech);
    }

    /// What the last transcription did ("Transcribed 3 cues", "Transcription cancelled").
    pub fn subtitles_note(&self) -> Option<&str> {
        self.subtitles.transcriber.note.as_deref()
    }

    /// Whether "Transcribe" listens to the whole timeline (else to the selected clip).
    pub fn subtitles_whole_timeline(&self) -> bool {
        self.subtitles.transcriber.whole_timeline
    }
}

/// Keeps the last error of the edits a panel section made.
fn keep_error(
    result: &mut Result<(), crate::timeline::EditError>,
    r: Result<(), crate::timeline::EditError>,
) {
    if let Err(e) = r {
        *result = Err(e);
    }
}
