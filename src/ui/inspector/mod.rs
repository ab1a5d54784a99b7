//! The inspector: the selected clip's speed (see `speed`), how it fits a canvas of
//! another shape (see `framing`), transform and sound with their keyframes (see `keys`),
//! and the animation presets (a gallery of moving thumbnails, see `gallery`).
//!
//! A slider drag is one gesture, so one undo step.

pub(super) mod effects;
pub(crate) mod entrance;
mod entrance_cards;
pub(super) mod framing;
mod gallery;
pub(super) mod keys;
mod portrait;
pub(super) mod speed;
mod sticker_pin;
pub mod stickers;

use crate::timeline::{
    animation_presets, Clip, ClipContent, ClipId, Edit, EditError, Property, Time,
};

use self::keys::{fade_edit, keyframe_grid, sound_clip, Fade};
use self::speed::SpeedSection;
use std::sync::Arc;

use crate::session::Editor;
use crate::ui::app::dialogs::FileDialogs;

/// The transform properties the inspector offers, with their labels and slider ranges.
const TRANSFORM_ROWS: &[(Property, &str, f64, f64)] = &[
    (Property::PositionX, "Position X", -2.0, 2.0),
    (Property::PositionY, "Position Y", -2.0, 2.0),
    (Property::Scale, "Scale", 0.05, 5.0),
    (Property::Rotation, "Rotation °", -360.0, 360.0),
    (Property::Opacity, "Opacity", 0.0, 1.0),
    (Property::CropLeft, "Crop left", 0.0, 0.95),
    (Property::CropRight, "Crop right", 0.0, 0.95),
    (Property::CropTop, "Crop top", 0.0, 0.95),
    (Property::CropBottom, "Crop bottom", 0.0, 0.95),
    (Property::AnchorX, "Anchor X", 0.0, 1.0),
    (Property::AnchorY, "Anchor Y", 0.0, 1.0),
];

/// The sound row: volume, linear gain up to +12 dB.
const VOLUME_ROW: (Property, &str, f64, f64) = (Property::Volume, "Volume", 0.0, 4.0);

/// The inspector's own state: which preset is picked in the gallery, the speed editor's
/// drag, and the length of the sound fades.
#[derive(Debug)]
pub struct Inspector {
    preset: String,
    speed: SpeedSection,
    fade_secs: f64,
    pin: sticker_pin::PinSection,
    portrait: portrait::PortraitSection,
    /// The sticker gallery (its own tab beside the inspector).
    pub stickers: stickers::StickerGallery,
}

impl Default for Inspector {
    fn default() -> Self {
        Inspector {
            preset: String::new(),
            speed: SpeedSection::default(),
            fade_secs: 0.5,
            pin: sticker_pin::PinSection::default(),
            portrait: portrait::PortraitSection::default(),
            stickers: stickers::StickerGallery::default(),
        }
    }
}

impl Inspector {
    /// Draws the inspector for the first selected clip; returns an error to show, if any.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        dialogs: &Arc<dyn FileDialogs>,
    ) -> Option<String> {
        let Some(&id) = editor.selection.iter().next() else {
            ui.weak(
                "Select a clip on the timeline to change its speed, position, size and animation.",
            );
            return None;
        };
        let clip = editor.project.clip(id).cloned()?;
        let visual = editor
            .project
            .locate_clip(id)
            .and_then(|l| editor.project.tracks.get(l.track))
            .is_some_and(|t| t.kind.is_visual());
        let mut error = None;
        let rate = editor.project.canvas.frame_rate;
        egui::Grid::new("clip_facts").num_columns(2).show(ui, |ui| {
            ui.label("Starts");
            ui.monospace(clip.start.to_timecode(rate));
            ui.end_row();
            ui.label("Length");
            ui.monospace(clip.duration().to_timecode(rate));
            ui.end_row();
        });
        ui.separator();

        let sticker = matches!(clip.content, ClipContent::Sticker { .. });
        let text = matches!(clip.content, ClipContent::Text { .. });
        if sticker {
            error = self.pin.show(ui, editor, &clip).or(error);
            ui.separator();
        }
        let mut report = |r: Result<(), EditError>| {
            if let Err(e) = r {
                error = Some(e.to_string());
            }
        };
        report(self.speed.show(ui, editor, &clip));
        ui.separator();

        if visual {
            if !sticker {
                report(self::framing::show(ui, editor, &clip));
            }
            ui.strong("Transform at the playhead");
            report(keyframe_grid(
                ui,
                editor,
                &clip,
                "transform",
                TRANSFORM_ROWS,
            ));
            ui.separator();
            report(self::entrance::show(ui, editor, &clip));
        }

        self.sound_section(ui, editor, &clip, &mut report);
        ui.separator();
        self.presets_section(ui, editor, &clip, text, &mut report);
        if sticker {
            return error;
        }
        let error = self::effects::show(ui, editor, id).or(error);
        self.portrait.show(ui, editor, id, dialogs).or(error)
    }

    /// The clip's sound (its own, or its linked audio's): volume keyframes and fades.
    fn sound_section(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        clip: &Clip,
        report: &mut dyn FnMut(Result<(), EditError>),
    ) {
        ui.strong("Sound");
        let sound = sound_clip(editor, clip);
        match sound {
            Some(target) => {
                report(keyframe_grid(ui, editor, &target, "sound", &[VOLUME_ROW]));
                ui.horizontal(|ui| {
                    let label = ui.label("Fade length");
                    ui.add(
                        egui::DragValue::new(&mut self.fade_secs)
                            .speed(0.05)
                            .range(0.05..=60.0)
                            .suffix(" s")
                            .max_decimals(2),
                    )
                    .labelled_by(label.id);
                });
                let length = Time::from_secs_f64(self.fade_secs);
                ui.horizontal(|ui| {
                    if ui
                        .button("Fade sound in")
                        .on_hover_text("Volume rises from silence over the fade length")
                        .clicked()
                    {
                        report(editor.apply(fade_edit(&target, length, Fade::In)));
                    }
                    if ui
                        .button("Fade sound out")
                        .on_hover_text("Volume falls to silence over the fade length")
                        .clicked()
                    {
                        report(editor.apply(fade_edit(&target, length, Fade::Out)));
                    }
                });
            }
            None => {
                ui.weak("This clip has no sound.");
            }
        }
    }

    /// The animation presets: the one picked, its Apply button and the gallery.
    fn presets_section(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        clip: &Clip,
        text: bool,
        report: &mut dyn FnMut(Result<(), EditError>),
    ) {
        ui.strong("Animation presets");
        let presets = animation_presets();
        ui.horizontal(|ui| {
            ui.label(if self.preset.is_empty() {
                "Pick a preset below"
            } else {
                self.preset.as_str()
            });
            let length = Time::from_millis(600).min(clip.duration());
            let entrance = self::entrance_cards::picked_kind(&self.preset);
            let usable = !self.preset.is_empty() && (text || entrance.is_none());
            if ui
                .add_enabled(usable, egui::Button::new("Apply"))
                .on_hover_text("Writes the preset as keyframes you can then edit")
                .clicked()
            {
                report(match entrance {
                    Some(kind) => self::entrance_cards::apply(editor, clip, kind),
                    None => apply_preset(editor, clip.id, &self.preset, length),
                });
            }
        });
        egui::CollapsingHeader::new(format!("Preset gallery ({})", presets.len()))
            .id_salt("preset_gallery")
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("preset_gallery_scroll")
                    .max_height(300.0)
                    .show(ui, |ui| gallery::show(ui, &presets, text, &mut self.preset));
            });
    }
}

fn apply_preset(
    editor: &mut Editor,
    clip: ClipId,
    preset: &str,
    duration: Time,
) -> Result<(), crate::timeline::EditError> {
    editor.apply(Edit::ApplyPreset {
        clip,
        preset: preset.to_owned(),
        duration,
    })
}

/// Opens a history gesture when a drag starts and closes it when it ends, so a whole
/// slider drag is one undo step.
pub(super) fn gesture(editor: &mut Editor, response: &egui::Response, label: &str) {
    if response.drag_started() {
        editor.history.begin_gesture(label);
    }
    if response.drag_stopped() && editor.history.in_gesture() {
        editor.history.end_gesture();
    }
}
