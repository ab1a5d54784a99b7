//! The inspector: the selected clip's speed, transform and animation presets.
//!
//! Values shown are evaluated at the playhead; changing one sets a keyframe there when the
//! property is already animated, otherwise a single keyframe that holds for the whole clip.
//! A slider drag is one gesture, so one undo step.

use crate::timeline::{
    animation_presets, ClipId, Edit, Interpolation, PresetKind, Property, Speed, SpeedFactor, Time,
};

use super::editor::Editor;

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
    (Property::Volume, "Volume", 0.0, 4.0),
];

/// The inspector's own state: which preset is picked in the gallery.
#[derive(Debug, Default)]
pub struct Inspector {
    preset: String,
}

impl Inspector {
    /// Draws the inspector for the first selected clip; returns an error to show, if any.
    pub fn show(&mut self, ui: &mut egui::Ui, editor: &mut Editor) -> Option<String> {
        let Some(&id) = editor.selection.iter().next() else {
            ui.weak(
                "Select a clip on the timeline to change its speed, position, size and animation.",
            );
            return None;
        };
        let clip = editor.project.clip(id).cloned()?;
        let mut error = None;
        let mut report = |r: Result<(), crate::timeline::EditError>| {
            if let Err(e) = r {
                error = Some(e.to_string());
            }
        };
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

        let speed_label = ui.strong("Speed");
        let current = speed_multiplier(&clip.speed);
        let mut value = current;
        let slider = ui
            .add(
                egui::Slider::new(&mut value, 0.1..=100.0)
                    .logarithmic(true)
                    .suffix("×")
                    .max_decimals(2),
            )
            .labelled_by(speed_label.id);
        gesture(editor, &slider, "Change speed");
        if slider.changed() && (value - current).abs() > 1e-9 {
            if let Some(factor) = SpeedFactor::from_f64(value) {
                let mut speed = Speed::constant(factor);
                speed.reverse = clip.speed.reverse;
                speed.keep_pitch = clip.speed.keep_pitch;
                report(editor.apply(Edit::SetSpeed {
                    clip: id,
                    speed,
                    ripple: true,
                }));
            }
        }
        ui.horizontal(|ui| {
            let mut reverse = clip.speed.reverse;
            if ui.checkbox(&mut reverse, "Reverse").changed() {
                let mut speed = clip.speed.clone();
                speed.reverse = reverse;
                report(editor.apply(Edit::SetSpeed {
                    clip: id,
                    speed,
                    ripple: false,
                }));
            }
            let mut keep = clip.speed.keep_pitch;
            if ui.checkbox(&mut keep, "Keep pitch").changed() {
                let mut speed = clip.speed.clone();
                speed.keep_pitch = keep;
                report(editor.apply(Edit::SetSpeed {
                    clip: id,
                    speed,
                    ripple: false,
                }));
            }
        });
        ui.separator();

        ui.strong("Transform at the playhead");
        let offset = (editor.playhead - clip.start).clamp_to(Time::ZERO, clip.duration());
        egui::Grid::new("transform").num_columns(3).show(ui, |ui| {
            for &(property, label, lo, hi) in TRANSFORM_ROWS {
                let animated = clip
                    .animation
                    .channel(property)
                    .is_some_and(|k| k.len() > 1);
                let name = ui.label(label);
                let before = clip.value_at(property, editor.playhead);
                let mut v = before;
                let r = ui
                    .add(egui::Slider::new(&mut v, lo..=hi).max_decimals(3))
                    .labelled_by(name.id);
                gesture(editor, &r, &format!("Change {}", label.to_lowercase()));
                if r.changed() && (v - before).abs() > 1e-12 {
                    let time = if animated { offset } else { Time::ZERO };
                    report(editor.apply(Edit::SetKeyframe {
                        clip: id,
                        property,
                        time,
                        value: v,
                        interpolation: Interpolation::Linear,
                    }));
                }
                let diamond = if animated { "◆" } else { "◇" };
                if ui
                    .button(diamond)
                    .on_hover_text("Add a keyframe here (animate this property)")
                    .clicked()
                {
                    report(editor.apply(Edit::SetKeyframe {
                        clip: id,
                        property,
                        time: offset,
                        value: before,
                        interpolation: Interpolation::EaseInOut,
                    }));
                }
                ui.end_row();
            }
        });
        ui.separator();

        ui.strong("Animation presets");
        let presets = animation_presets();
        ui.horizontal(|ui| {
            egui::ComboBox::from_label("Preset")
                .selected_text(if self.preset.is_empty() {
                    "Choose…"
                } else {
                    self.preset.as_str()
                })
                .height(320.0)
                .show_ui(ui, |ui| {
                    for kind in [PresetKind::In, PresetKind::Out, PresetKind::Emphasis] {
                        ui.label(egui::RichText::new(kind_label(kind)).small().weak());
                        for p in presets.iter().filter(|p| p.kind == kind) {
                            ui.selectable_value(&mut self.preset, p.name.clone(), &p.name);
                        }
                    }
                });
            let length = Time::from_millis(600).min(clip.duration());
            if ui
                .add_enabled(!self.preset.is_empty(), egui::Button::new("Apply"))
                .clicked()
            {
                report(apply_preset(editor, id, &self.preset, length));
            }
        });
        error
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

fn kind_label(kind: PresetKind) -> &'static str {
    match kind {
        PresetKind::In => "In",
        PresetKind::Out => "Out",
        PresetKind::Emphasis => "Emphasis",
        _ => "Other",
    }
}

/// The constant multiplier of a speed, or 1 for ramps and freezes (edited elsewhere).
fn speed_multiplier(speed: &Speed) -> f64 {
    match &speed.curve {
        crate::timeline::SpeedCurve::Constant { speed } => speed.as_f64(),
        _ => 1.0,
    }
}

/// Opens a history gesture when a drag starts and closes it when it ends, so a whole
/// slider drag is one undo step.
fn gesture(editor: &mut Editor, response: &egui::Response, label: &str) {
    if response.drag_started() {
        editor.history.begin_gesture(label);
    }
    if response.drag_stopped() && editor.history.in_gesture() {
        editor.history.end_gesture();
    }
}
