//! Subtitle files in the subtitle panel: import an SRT, WebVTT or ASS file as a new
//! subtitle track, and export a track in any of those formats, through the app's file
//! dialogs.
//!
//! Dialogs, reading and writing run on worker threads that report over a small bounded
//! channel; only the UI thread turns what they read into edits, so an import is one undo
//! step. A file that cannot be read becomes a readable error for a toast, never a panic.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use super::WorkerOutcome;
use crate::subtitles::timeline_map::{doc_to_track, track_to_doc};
use crate::subtitles::{self, Format, KaraokeTag, SubtitleDoc, SubtitleError, Warning};
use crate::timeline::{Edit, EditError, Track, TrackId, TrackKind};

use crate::session::Editor;
use crate::ui::app::dialogs::{Dialog, FileDialogs};
use crate::ui::app::workers::spawn_worker;

/// How many finished jobs may wait for the UI before a worker blocks.
const CAPACITY: usize = 4;

/// What a subtitle-file worker reports.
#[derive(Debug)]
enum Report {
    /// A dialog was cancelled.
    Cancelled,
    /// A file was picked and read.
    Read(
        PathBuf,
        Box<Result<(SubtitleDoc, Vec<Warning>), SubtitleError>>,
    ),
    /// A place to export to was chosen.
    ExportTo(TrackId, PathBuf),
    /// A file was written with this many cues.
    Written(PathBuf, Result<usize, SubtitleError>),
}

/// The import / export controls' state.
#[derive(Debug)]
pub struct SubtitleFiles {
    tx: SyncSender<Report>,
    rx: Receiver<Report>,
    busy: bool,
    /// The format offered for export.
    pub format: Format,
    /// What the last import or export did, shown under the buttons.
    pub note: Option<String>,
}

impl Default for SubtitleFiles {
    fn default() -> Self {
        let (tx, rx) = sync_channel(CAPACITY);
        SubtitleFiles {
            tx,
            rx,
            busy: false,
            format: Format::Srt,
            note: None,
        }
    }
}

impl SubtitleFiles {
    /// The Import / Export buttons and the export format.
    pub fn buttons(
        &mut self,
        ui: &mut egui::Ui,
        editor: &Editor,
        dialogs: &Arc<dyn FileDialogs>,
        track: Option<TrackId>,
    ) {
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(!self.busy, egui::Button::new("Import subtitles…"))
                .on_hover_text("Read an SRT, WebVTT or ASS file into a new subtitle track")
                .clicked()
            {
                self.start_import(ui.ctx(), dialogs);
            }
            let has_cues = track
                .and_then(|t| editor.project.track(t))
                .is_some_and(|t| !t.cues.is_empty());
            egui::ComboBox::from_id_salt("subtitle_format")
                .selected_text(self.format.to_string())
                .show_ui(ui, |ui| {
                    for f in [Format::Srt, Format::Vtt, Format::Ass] {
                        ui.selectable_value(&mut self.format, f, f.to_string());
                    }
                })
                .response
                .on_hover_text("The format to export in")
                .accessible_name("Export format");
            if ui
                .add_enabled(
                    !self.busy && has_cues,
                    egui::Button::new("Export subtitles…"),
                )
                .clicked()
            {
                if let Some(track) = track.and_then(|t| editor.project.track(t)) {
                    self.start_export(ui.ctx(), dialogs, track);
                }
            }
            if self.busy {
                ui.spinner();
            }
        });
        if let Some(note) = &self.note {
            ui.label(egui::RichText::new(note).small().weak());
        }
    }

    fn start_import(&mut self, ctx: &egui::Context, dialogs: &Arc<dyn FileDialogs>) {
        self.busy = true;
        let dialogs = Arc::clone(dialogs);
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        spawn_worker("subtitle-import", move || {
            let report = match dialogs.ask(Dialog::Subtitles) {
                Some(path) => {
                    let read = subtitles::read_file(&path);
                    Report::Read(path, Box::new(read))
                }
                None => Report::Cancelled,
            };
            let _ = tx.send(report);
            ctx.request_repaint();
        });
    }

    fn start_export(&mut self, ctx: &egui::Context, dialogs: &Arc<dyn FileDialogs>, track: &Track) {
        self.busy = true;
        let dialogs = Arc::clone(dialogs);
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let id = track.id;
        let name = format!("{}.{}", file_safe(&track.name), self.format.extension());
        spawn_worker("subtitle-export", move || {
            let report = match dialogs.ask(Dialog::SaveSubtitles(&name)) {
                Some(path) => Report::ExportTo(id, path),
                None => Report::Cancelled,
            };
            let _ = tx.send(report);
            ctx.request_repaint();
        });
    }

    /// Applies what the workers finished; call every frame.
    pub fn poll(&mut self, ctx: &egui::Context, editor: &mut Editor) -> WorkerOutcome {
        let mut outcome = WorkerOutcome::default();
        while let Ok(report) = self.rx.try_recv() {
            match report {
                Report::Cancelled => self.busy = false,
                Report::Read(path, read) => {
                    self.busy = false;
                    let result = (*read)
                        .map_err(ImportError::from)
                        .and_then(|(doc, warnings)| import(editor, &path, &doc, &warnings));
                    match result {
                        Ok((track, note)) => {
                            outcome.track = Some(track);
                            self.note = Some(note);
                        }
                        Err(e) => outcome.error = Some(e.to_string()),
                    }
                }
                Report::ExportTo(track, path) => {
                    let Some(track) = editor.project.track(track) else {
                        self.busy = false;
                        continue;
                    };
                    let format = Format::from_path(&path).unwrap_or(self.format);
                    let doc = track_to_doc(
                        &track.cues,
                        &editor.project.subtitle_styles,
                        format,
                        Some(KaraokeTag::K),
                    );
                    let tx = self.tx.clone();
                    let ctx = ctx.clone();
                    spawn_worker("subtitle-write", move || {
                        let count = doc.events.len();
                        let written = subtitles::write_file(&path, &doc).map(|()| count);
                        let _ = tx.send(Report::Written(path, written));
                        ctx.request_repaint();
                    });
                }
                Report::Written(path, written) => {
                    self.busy = false;
                    match written {
                        Ok(n) => self.note = Some(format!("Wrote {n} cues to {}", path.display())),
                        Err(e) => outcome.error = Some(e.to_string()),
                    }
                }
            }
        }
        outcome
    }
}

/// Why a subtitle file added no track.
#[derive(Debug, thiserror::Error)]
enum ImportError {
    /// The file could not be read as subtitles.
    #[error(transparent)]
    Read(#[from] SubtitleError),
    /// The file was read but held no cue.
    #[error("{}: no subtitles found in this file{first_warning}", path.display())]
    Empty {
        path: PathBuf,
        /// The first problem worked around while reading, as `; first: …`, or empty.
        first_warning: String,
    },
    /// The new track was refused.
    #[error("{}: {source}", path.display())]
    Refused {
        path: PathBuf,
        #[source]
        source: EditError,
    },
}

/// Adds the file's cues (and its styles the project lacks) as a new subtitle track named
/// after the file, in one undo step. Returns the track and a line saying what happened.
fn import(
    editor: &mut Editor,
    path: &Path,
    doc: &SubtitleDoc,
    warnings: &[Warning],
) -> Result<(TrackId, String), ImportError> {
    let content = doc_to_track(doc, editor.project.next_cue_id());
    if content.cues.is_empty() {
        return Err(ImportError::Empty {
            path: path.to_owned(),
            first_warning: first_warning(warnings),
        });
    }
    let id = editor.project.next_track_id();
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Subtitles".to_owned());
    let mut track = Track::new(id, TrackKind::Subtitle, name);
    let count = content.cues.len();
    track.cues = content.cues;
    let mut edits = vec![Edit::AddTrack {
        index: editor.project.tracks.len(),
        track,
    }];
    // Styles the project already has keep the person's changes.
    edits.extend(
        content
            .styles
            .into_iter()
            .filter(|(name, _)| !editor.project.subtitle_styles.contains_key(name))
            .map(|(name, style)| Edit::SetSubtitleStyle {
                name,
                style: Some(style),
            }),
    );
    editor
        .apply(Edit::Batch { edits })
        .map_err(|source| ImportError::Refused {
            path: path.to_owned(),
            source,
        })?;
    let mut note = format!("Imported {count} cues from {}", path.display());
    if !warnings.is_empty() {
        note.push_str(&format!(
            " ({} problems worked around{})",
            warnings.len(),
            first_warning(warnings)
        ));
    }
    Ok((id, note))
}

fn first_warning(warnings: &[Warning]) -> String {
    warnings
        .first()
        .map(|w| format!("; first: {w}"))
        .unwrap_or_default()
}

/// A track name usable as a file name.
fn file_safe(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.trim().is_empty() {
        "subtitles".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_srt_becomes_a_new_track_in_one_undo_step() {
        let mut editor = Editor::new();
        let (doc, warnings) = subtitles::parse_str(
            "1\n00:00:01,000 --> 00:00:02,500\nHello\n\n2\n00:00:03,000 --> 00:00:04,000\nWorld\n",
            Format::Srt,
        )
        .unwrap();
        let (id, note) = import(&mut editor, Path::new("/x/talk.srt"), &doc, &warnings).unwrap();
        let track = editor.project.track(id).unwrap();
        assert_eq!(track.name, "talk");
        assert_eq!(track.cues.len(), 2);
        assert_eq!(track.cues[1].text, "World");
        assert!(note.contains("2 cues"), "{note}");
        assert!(editor.undo().unwrap());
        assert!(editor.project.track(id).is_none());
    }

    #[test]
    fn a_file_without_cues_is_an_error_that_names_it() {
        let mut editor = Editor::new();
        let doc = SubtitleDoc::new(Format::Srt);
        let err = import(&mut editor, Path::new("/x/empty.srt"), &doc, &[]).unwrap_err();
        assert!(err.to_string().contains("empty.srt"), "{err}");
        assert_eq!(editor.history.undo_len(), 0);
    }

    #[test]
    fn track_names_become_safe_file_names() {
        assert_eq!(file_safe("Subtitles 1"), "Subtitles 1");
        assert_eq!(file_safe("en/fr: draft"), "en_fr_ draft");
        assert_eq!(file_safe("  "), "subtitles");
    }
}
