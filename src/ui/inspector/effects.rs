//! The inspector's "Effects" section — chroma key, colour and blur of the selected clip —
//! and the chroma key's eyedropper on the preview.
//!
//! Every change is an [`Edit::SetEffects`]; a slider drag is one gesture, so one undo step.
//! The eyedropper is a "Pick from preview" toggle: the next click on the preview asks a
//! worker thread for the clip's own source pixel under the pointer (before its effects, so
//! an already keyed green can be picked again) and sets it as the key colour. The UI never
//! waits for that decode: the answer comes back over a one-slot channel and wakes the UI.
//! The pick state lives in egui's memory, so neither the inspector nor the preview panel
//! needs a field for it.

use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

use crate::render::{Compositor, RenderError};
use crate::timeline::{Blur, ChromaKey, ClipId, ColorAdjust, Edit, EditError, Time};

use crate::session::Editor;

/// What a pick worker answers: the colour, `None` when the clip is not under the pointer,
/// or why the frame could not be read.
type PickAnswer = Result<Option<[u8; 4]>, RenderError>;

/// Why a pick set no key colour.
#[derive(Debug, thiserror::Error)]
enum PickError {
    /// The pick worker went away without answering.
    #[error("the colour could not be picked")]
    Lost,
    /// The clip's frame could not be drawn.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The new key colour was refused.
    #[error(transparent)]
    Refused(#[from] EditError),
}

/// The eyedropper's state, kept in egui's temporary memory.
#[derive(Clone, Default)]
struct Picker {
    /// The clip whose key colour the next preview click sets.
    armed: Option<ClipId>,
    /// A pick in progress: the clip and the worker's answer slot.
    pending: Option<(ClipId, Arc<Mutex<Receiver<PickAnswer>>>)>,
    /// Why the last pick gave nothing, shown under the toggle.
    note: Option<String>,
}

fn picker_id() -> egui::Id {
    egui::Id::unique("clipwright_effects_eyedropper")
}

fn picker(ctx: &egui::Context) -> Picker {
    ctx.data(|d| d.get_temp::<Picker>(picker_id()))
        .unwrap_or_default()
}

fn set_picker(ctx: &egui::Context, p: Picker) {
    ctx.data_mut(|d| d.insert_temp(picker_id(), p));
}

/// Draws the Effects section for clip `id`; returns an error to show, if any.
pub fn show(ui: &mut egui::Ui, editor: &mut Editor, id: ClipId) -> Option<String> {
    let clip = editor.project.clip(id)?.clone();
    // Sound clips have no picture to change.
    let loc = editor.project.locate_clip(id)?;
    if editor.project.tracks.get(loc.track)?.kind == crate::timeline::TrackKind::Audio {
        return None;
    }
    ui.separator();
    ui.strong("Effects");
    if clip.source().is_none() {
        ui.weak("Effects apply to video and picture clips.");
        return None;
    }
    let mut error = apply_pick(ui.ctx(), editor).err().map(|e| e.to_string());
    let before = clip.effects.clone();
    let mut effects = before.clone();
    let mut stopped = false;

    let mut keyed = effects.chroma_key.is_some();
    if ui.checkbox(&mut keyed, "Chroma key").changed() {
        effects.chroma_key = keyed.then(ChromaKey::green);
    }
    if let Some(key) = effects.chroma_key.as_mut() {
        ui.indent("chroma_key", |ui| {
            ui.horizontal(|ui| {
                let label = ui.label("Key colour");
                let mut rgb = [key.color.r, key.color.g, key.color.b];
                let r = ui.color_edit_button_srgb(&mut rgb).labelled_by(label.id);
                if r.changed() {
                    (key.color.r, key.color.g, key.color.b) = (rgb[0], rgb[1], rgb[2]);
                }
                let mut p = picker(ui.ctx());
                let mut armed = p.armed == Some(id);
                if ui
                    .toggle_value(&mut armed, "Pick from preview")
                    .on_hover_text("Then click the preview on the colour to key out")
                    .changed()
                {
                    p.armed = armed.then_some(id);
                    p.note = None;
                    set_picker(ui.ctx(), p);
                }
            });
            if let Some(note) = picker(ui.ctx()).note {
                ui.weak(note);
            }
            stopped |= slider(ui, &mut key.similarity, 0.01..=1.0, "Similarity", editor);
            stopped |= slider(ui, &mut key.blend, 0.0..=1.0, "Blend", editor);
        });
    }

    let mut colour = effects.color.is_some();
    if ui.checkbox(&mut colour, "Colour").changed() {
        effects.color = colour.then(ColorAdjust::default);
    }
    if let Some(c) = effects.color.as_mut() {
        ui.indent("colour", |ui| {
            stopped |= slider(ui, &mut c.brightness, -1.0..=1.0, "Brightness", editor);
            stopped |= slider(ui, &mut c.contrast, 0.0..=3.0, "Contrast", editor);
            stopped |= slider(ui, &mut c.saturation, 0.0..=3.0, "Saturation", editor);
        });
    }

    let mut blurred = effects.blur.is_some();
    if ui.checkbox(&mut blurred, "Blur").changed() {
        effects.blur = blurred.then_some(Blur { sigma: 4.0 });
    }
    if let Some(b) = effects.blur.as_mut() {
        ui.indent("blur", |ui| {
            stopped |= slider(ui, &mut b.sigma, 0.0..=50.0, "Blur amount (σ px)", editor);
        });
    }

    if effects != before {
        if let Err(e) = editor.apply(Edit::SetEffects { clip: id, effects }) {
            error = Some(e.to_string());
        }
    }
    // Closed after the drag's last change is in, so the whole drag is one step.
    if stopped && editor.history.in_gesture() {
        editor.history.end_gesture();
    }
    error
}

/// A labelled slider that opens a history gesture when its drag starts; true when the
/// drag ends (the caller closes the gesture once the last value is applied).
fn slider(
    ui: &mut egui::Ui,
    value: &mut f64,
    range: std::ops::RangeInclusive<f64>,
    label: &str,
    editor: &mut Editor,
) -> bool {
    ui.horizontal(|ui| {
        let name = ui.label(label);
        let r = ui
            .add(egui::Slider::new(value, range).max_decimals(3))
            .labelled_by(name.id);
        if r.drag_started() {
            editor.history.begin_gesture("Change effects");
        }
        r.drag_stopped()
    })
    .inner
}

/// Sets the key colour from a finished pick, if one arrived.
fn apply_pick(ctx: &egui::Context, editor: &mut Editor) -> Result<(), PickError> {
    let mut p = picker(ctx);
    let Some((clip, rx)) = p.pending.clone() else {
        return Ok(());
    };
    let answer = match rx.lock() {
        Ok(rx) => match rx.try_recv() {
            Ok(a) => a.map_err(PickError::from),
            Err(std::sync::mpsc::TryRecvError::Empty) => return Ok(()),
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(PickError::Lost),
        },
        Err(_) => Err(PickError::Lost),
    };
    p.pending = None;
    let result = match answer {
        Ok(Some(rgba)) => {
            p.note = None;
            let mut effects = editor
                .project
                .clip(clip)
                .map(|c| c.effects.clone())
                .unwrap_or_default();
            let key = effects.chroma_key.get_or_insert_with(ChromaKey::green);
            key.color = crate::timeline::Color::rgb(rgba[0], rgba[1], rgba[2]);
            editor
                .apply(Edit::SetEffects { clip, effects })
                .map_err(PickError::from)
        }
        Ok(None) => {
            p.armed = Some(clip);
            p.note = Some("That point is not on the clip; click on its picture.".to_owned());
            Ok(())
        }
        Err(e) => Err(e),
    };
    set_picker(ctx, p);
    result
}

/// The preview's hook: while the eyedropper is armed, shows a crosshair over the preview
/// (`response`, drawn in `rect`) and turns a click into a pick on a worker thread.
pub fn preview_pick(
    ui: &egui::Ui,
    response: &egui::Response,
    editor: &mut Editor,
) -> Option<String> {
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, ui.is_enabled(), "Preview"));
    let error = apply_pick(ui.ctx(), editor).err().map(|e| e.to_string());
    let mut p = picker(ui.ctx());
    let Some(clip) = p.armed else {
        return error;
    };
    if response.hovered() {
        ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
    }
    if !response.clicked() {
        return error;
    }
    let Some(pos) = response.interact_pointer_pos() else {
        return error;
    };
    let rect = response.rect;
    let canvas = (editor.project.canvas.width, editor.project.canvas.height);
    let point = (
        f64::from((pos.x - rect.left()) / rect.width().max(1.0)) * f64::from(canvas.0),
        f64::from((pos.y - rect.top()) / rect.height().max(1.0)) * f64::from(canvas.1),
    );
    let project = editor.project.clone();
    let time: Time = editor.playhead;
    // Relative source paths are relative to the project file's folder.
    let dir = editor
        .path
        .as_deref()
        .and_then(Path::parent)
        .map_or_else(|| ".".into(), Path::to_owned);
    let ctx = ui.ctx().clone();
    let (tx, rx) = sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("clipwright-eyedropper".into())
        .spawn(move || {
            let answer = Compositor::new(dir).source_pixel_at(&project, clip, time, canvas, point);
            // The slot holds one answer and this is the only one sent.
            let _ = tx.try_send(answer);
            ctx.request_repaint();
        });
    if let Err(e) = spawned {
        return Some(format!("cannot start the colour picker: {e}"));
    }
    p.armed = None;
    p.pending = Some((clip, Arc::new(Mutex::new(rx))));
    set_picker(ui.ctx(), p);
    error
}
