//! The inspector's "Portrait" section: the background behind the person in the selected
//! clip — blurred, removed, or replaced by a colour or a picture — with its strength (a
//! keyframe at the playhead if wanted) and the softness of the person's edge.
//!
//! Every change is an [`Edit::SetEffects`]; a slider drag is one gesture, so one undo step.
//! The effect shows only where a face is found (the mask model takes anything for a
//! person), which the section says. A picture is chosen through the app's file dialogs
//! (the native one, or the in-app browser where none opens), asked for on a worker, or
//! typed.

use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use crate::session::Editor;
use crate::timeline::{
    ClipId, Color, Edit, Interpolation, Portrait, PortraitBackground, TrackKind,
};
use crate::ui::app::dialogs::{Dialog, FileDialogs};
use crate::ui::app::workers::spawn_worker;

/// The four kinds of background, as the mode picker lists them.
const MODES: [&str; 4] = ["Blur", "Remove", "Colour", "Picture"];

fn mode_of(b: &PortraitBackground) -> usize {
    match b {
        PortraitBackground::Blur => 0,
        PortraitBackground::Remove => 1,
        PortraitBackground::Color { .. } => 2,
        PortraitBackground::Image { .. } => 3,
    }
}

/// The section's own state: the picture dialog under way, and where its answer comes.
#[derive(Debug)]
pub struct PortraitSection {
    /// The clip a picture is being chosen for.
    picking: Option<ClipId>,
    tx: SyncSender<(ClipId, Option<PathBuf>)>,
    rx: Receiver<(ClipId, Option<PathBuf>)>,
}

impl Default for PortraitSection {
    fn default() -> Self {
        let (tx, rx) = sync_channel(1);
        PortraitSection {
            picking: None,
            tx,
            rx,
        }
    }
}

impl PortraitSection {
    /// Draws the Portrait section for clip `id`; returns an error to show, if any.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        id: ClipId,
        dialogs: &Arc<dyn FileDialogs>,
    ) -> Option<String> {
        let picked = self.picked(editor);
        let clip = editor.project.clip(id)?.clone();
        let loc = editor.project.locate_clip(id)?;
        if editor.project.tracks.get(loc.track)?.kind == TrackKind::Audio || clip.source().is_none()
        {
            return picked;
        }
        ui.separator();
        ui.strong("Portrait");
        let before = clip.effects.clone();
        let mut effects = before.clone();
        let mut on = effects.portrait.is_some();
        if ui
            .checkbox(&mut on, "Portrait background")
            .on_hover_text("Blur, remove or replace what is behind the person")
            .changed()
        {
            effects.portrait = on.then(Portrait::blur);
        }
        let mut stopped = false;
        let offset = editor.playhead - clip.start;
        let mut choose = false;
        if let Some(p) = effects.portrait.as_mut() {
            ui.indent("portrait", |ui| {
                let choosing = self.picking.is_some();
                choose = mode_picker(ui, &mut p.background, choosing);
                choose |= background_details(ui, &mut p.background, choosing);
                stopped |= strength(ui, p, offset, editor);
                stopped |= slider(ui, &mut p.feather, "Edge softness", editor);
                ui.weak("Shows where a face is in view.");
            });
        }
        if choose {
            self.choose(ui.ctx(), id, dialogs);
        }
        let mut error = picked;
        // A picture background without a file yet is not an edit until a file is named.
        let complete = effects.validate().is_ok();
        if effects != before && complete {
            if let Err(e) = editor.apply(Edit::SetEffects { clip: id, effects }) {
                error = Some(e.to_string());
            }
        }
        if stopped && editor.history.in_gesture() {
            editor.history.end_gesture();
        }
        error
    }

    /// Asks for a picture for clip `id` on a worker (the dialog blocks until answered).
    fn choose(&mut self, ctx: &egui::Context, id: ClipId, dialogs: &Arc<dyn FileDialogs>) {
        self.picking = Some(id);
        let (dialogs, tx, ctx) = (Arc::clone(dialogs), self.tx.clone(), ctx.clone());
        spawn_worker("picture-dialog", move || {
            let _ = tx.send((id, dialogs.ask(Dialog::Picture)));
            ctx.request_repaint();
        });
    }

    /// Puts a chosen picture behind the person of the clip it was chosen for (one undo
    /// step); an error to show, if any.
    fn picked(&mut self, editor: &mut Editor) -> Option<String> {
        let (id, path) = self.rx.try_recv().ok()?;
        self.picking = None;
        let path = path?;
        let mut effects = editor.project.clip(id)?.effects.clone();
        let portrait = effects.portrait.as_mut()?;
        portrait.background = PortraitBackground::Image { path };
        editor
            .apply(Edit::SetEffects { clip: id, effects })
            .err()
            .map(|e| e.to_string())
    }
}

/// The background kind picker; a new kind starts from its default. Picking "Picture"
/// asks for the file (true: open the dialog): the background changes once one is chosen.
fn mode_picker(ui: &mut egui::Ui, background: &mut PortraitBackground, choosing: bool) -> bool {
    let mut mode = mode_of(background);
    egui::ComboBox::from_label("Background")
        .selected_text(MODES[mode])
        .show_ui(ui, |ui| {
            for (i, name) in MODES.iter().enumerate() {
                ui.selectable_value(&mut mode, i, *name);
            }
        });
    if mode == mode_of(background) {
        return false;
    }
    *background = match mode {
        0 => PortraitBackground::Blur,
        1 => PortraitBackground::Remove,
        2 => PortraitBackground::Color {
            color: Color::rgb(0, 177, 64),
        },
        _ => return !choosing,
    };
    false
}

/// The colour or picture of the background; true when "Choose…" was clicked.
fn background_details(
    ui: &mut egui::Ui,
    background: &mut PortraitBackground,
    choosing: bool,
) -> bool {
    let mut choose = false;
    match background {
        PortraitBackground::Color { color } => {
            ui.horizontal(|ui| {
                let label = ui.label("Colour");
                let mut rgb = [color.r, color.g, color.b];
                if ui
                    .color_edit_button_srgb(&mut rgb)
                    .labelled_by(label.id)
                    .changed()
                {
                    *color = Color::rgb(rgb[0], rgb[1], rgb[2]);
                }
            });
        }
        PortraitBackground::Image { path } => {
            ui.horizontal(|ui| {
                let label = ui.label("Picture file");
                let mut text = path.display().to_string();
                if ui
                    .text_edit_singleline(&mut text)
                    .labelled_by(label.id)
                    .changed()
                {
                    *path = text.into();
                }
            });
            choose = ui
                .add_enabled(!choosing, egui::Button::new("Choose picture…"))
                .on_hover_text("Pick a PNG, JPEG or WebP file")
                .clicked();
        }
        PortraitBackground::Blur | PortraitBackground::Remove => {}
    }
    choose
}

/// The strength slider, editing the keyframe at the playhead when the strength is
/// keyframed, and the ◆ toggle that adds or removes that keyframe.
fn strength(
    ui: &mut egui::Ui,
    p: &mut Portrait,
    offset: crate::timeline::Time,
    editor: &mut Editor,
) -> bool {
    let keyed = p.strength_keys.get(offset).is_some();
    let mut value = p.strength_at(offset);
    let mut stopped = false;
    ui.horizontal(|ui| {
        let name = ui.label("Strength");
        let r = ui
            .add(egui::Slider::new(&mut value, 0.0..=1.0).max_decimals(2))
            .labelled_by(name.id);
        if r.drag_started() {
            editor.history.begin_gesture("Change effects");
        }
        stopped = r.drag_stopped();
        if r.changed() {
            if p.strength_keys.is_empty() {
                p.strength = value;
            } else {
                p.strength_keys.insert(offset, value, Interpolation::Linear);
            }
        }
        let diamond = if keyed { "◆" } else { "◇" };
        if ui
            .button(diamond)
            .on_hover_text("Strength keyframe at the playhead")
            .clicked()
        {
            if keyed {
                p.strength_keys.remove(offset);
            } else {
                p.strength_keys.insert(offset, value, Interpolation::Linear);
            }
        }
    });
    stopped
}

fn slider(ui: &mut egui::Ui, value: &mut f64, label: &str, editor: &mut Editor) -> bool {
    ui.horizontal(|ui| {
        let name = ui.label(label);
        let r = ui
            .add(egui::Slider::new(value, 0.0..=1.0).max_decimals(2))
            .labelled_by(name.id);
        if r.drag_started() {
            editor.history.begin_gesture("Change effects");
        }
        r.drag_stopped()
    })
    .inner
}
