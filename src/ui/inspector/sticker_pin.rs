//! The inspector's "Sticker" section: which sticker, and "Pin to face" — where on the face
//! in the clip under it the sticker sits. Pinning looks for the face on a worker thread
//! (`render::sticker_pin`, the full-range face model ten times a second over the part the
//! sticker covers) and writes the result into the sticker as one undo step; moving a pinned
//! sticker to another place on the face needs no new search.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, TryRecvError};
use std::sync::Arc;

use crate::render::sticker_pin::{pin_sticker_edit, set_pin};
use crate::render::RenderError;
use crate::session::Editor;
use crate::timeline::{
    Clip, ClipContent, ClipId, Edit, EditError, FaceAnchor, FaceTrack, StickerPin,
};

/// Accessible name of the "Pin to face" choice.
pub const PIN_LABEL: &str = "Pin to face";

/// What a face search answers: the edit and the track it found, or nothing to pin to.
type Answer = Result<Option<(Edit, FaceTrack)>, RenderError>;

/// A face search running on a worker.
struct PinJob {
    clip: ClipId,
    rx: Receiver<Answer>,
    cancel: Arc<AtomicBool>,
}

/// The section's state: the search in progress, if any, and what the last one found.
#[derive(Default)]
pub(super) struct PinSection {
    job: Option<PinJob>,
    /// The last search's result for the person: (clip, sentence).
    found: Option<(ClipId, String)>,
}

impl std::fmt::Debug for PinSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinSection")
            .field("searching", &self.job.as_ref().map(|j| j.clip))
            .finish()
    }
}

impl Drop for PinSection {
    fn drop(&mut self) {
        if let Some(job) = &self.job {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }
}

/// How much of a track found a face, as a sentence.
fn found_sentence(track: &FaceTrack) -> String {
    let (found, all) = (track.faces_found(), track.samples.len());
    if found == 0 {
        "No face found under the sticker: it stays where it is.".to_owned()
    } else {
        format!("Face found in {found} of {all} looks; where it is lost, the sticker holds still.")
    }
}

impl PinSection {
    /// Draws the section for the sticker clip `clip`; returns an error to show, if any.
    pub(super) fn show(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        clip: &Clip,
    ) -> Option<String> {
        let ClipContent::Sticker { name, pin } = &clip.content else {
            return None;
        };
        let mut error = self.poll(editor);
        ui.strong("Sticker");
        ui.label(name.replace('-', " "));
        let current = pin.as_ref().map(|p| p.anchor);
        let mut chosen = current;
        let searching = self.job.as_ref().is_some_and(|j| j.clip == clip.id);
        ui.add_enabled_ui(!searching, |ui| {
            egui::ComboBox::from_label(PIN_LABEL)
                .selected_text(current.map_or("Not pinned", FaceAnchor::label))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut chosen, None, "Not pinned");
                    for anchor in FaceAnchor::ALL {
                        ui.selectable_value(&mut chosen, Some(anchor), anchor.label());
                    }
                });
        });
        if searching {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Finding the face…");
            });
        } else if let Some((id, sentence)) = &self.found {
            if *id == clip.id {
                ui.weak(sentence.as_str());
            }
        }
        if chosen != current {
            let result = match (chosen, pin) {
                (None, _) => apply(editor, set_pin(&editor.project, clip.id, None)),
                // Another place on the same face: the track found before still holds.
                (Some(anchor), Some(old)) => {
                    let pin = StickerPin {
                        anchor,
                        track: old.track.clone(),
                    };
                    apply(editor, set_pin(&editor.project, clip.id, Some(pin)))
                }
                (Some(anchor), None) => {
                    error = error.or(self.start(ui.ctx(), editor, clip.id, anchor));
                    Ok(())
                }
            };
            error = error.or(result.err().map(|e| e.to_string()));
        }
        if pin.is_some() && !searching && ui.button("Find the face again").clicked() {
            let anchor = current.unwrap_or_default();
            error = error.or(self.start(ui.ctx(), editor, clip.id, anchor));
        }
        error
    }

    /// Applies the search's answer once the worker has one.
    fn poll(&mut self, editor: &mut Editor) -> Option<String> {
        let job = self.job.as_ref()?;
        let answer = match job.rx.try_recv() {
            Ok(answer) => answer,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => {
                self.job = None;
                return Some("the face search stopped".to_owned());
            }
        };
        let clip = job.clip;
        self.job = None;
        match answer {
            Ok(Some((edit, track))) => {
                self.found = Some((clip, found_sentence(&track)));
                if track.faces_found() == 0 {
                    return None;
                }
                editor.apply(edit).err().map(|e| e.to_string())
            }
            Ok(None) => Some("Put the sticker over a video clip to pin it to a face.".to_owned()),
            Err(e) => Some(e.to_string()),
        }
    }

    /// Starts looking for the face under `clip` on a worker thread; an error for the
    /// person when no thread could be started.
    fn start(
        &mut self,
        ctx: &egui::Context,
        editor: &Editor,
        clip: ClipId,
        anchor: FaceAnchor,
    ) -> Option<String> {
        if let Some(old) = self.job.take() {
            old.cancel.store(true, Ordering::Relaxed);
        }
        let (tx, rx) = sync_channel(1);
        let cancel = Arc::new(AtomicBool::new(false));
        let project = editor.project.clone();
        let base: PathBuf = editor
            .path
            .as_deref()
            .and_then(Path::parent)
            .map_or_else(|| PathBuf::from("."), Path::to_owned);
        let (stop, ctx) = (cancel.clone(), ctx.clone());
        let spawned = crate::threads::spawn_background("sticker-pin", move || {
            let vision = crate::vision::TractVision;
            let answer = pin_sticker_edit(&project, clip, anchor, &base, &vision, &stop);
            // A cancelled search is dropped with the section; nobody is waiting then.
            let _ = tx.try_send(answer);
            ctx.request_repaint();
        });
        match spawned {
            Ok(_) => {
                self.job = Some(PinJob { clip, rx, cancel });
                None
            }
            Err(e) => Some(format!("cannot start the face search: {e}")),
        }
    }
}

fn apply(editor: &mut Editor, edit: Option<Edit>) -> Result<(), EditError> {
    match edit {
        Some(edit) => editor.apply(edit),
        None => Ok(()),
    }
}
