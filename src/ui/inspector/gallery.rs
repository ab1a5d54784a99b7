//! The animation preset gallery: every built-in preset as a small thumbnail that plays
//! its motion, grouped as entrances, exits, emphases and camera moves.
//!
//! A thumbnail is the preset applied to a one-second clip and drawn as a card inside a
//! frame, so what plays is the model's own keyframes. The cards move while the pointer is
//! over the gallery and rest on a still (a third of the way through) otherwise, so an idle
//! inspector does not repaint.

use std::time::Duration;

use crate::timeline::{Animation, AnimationPreset, PresetKind, Time, Transform};

/// The size of one card: thumbnail and name below it.
const CELL: egui::Vec2 = egui::vec2(92.0, 84.0);
/// The thumbnail's height inside a card (16:9).
const THUMB_HEIGHT: f32 = 50.0;
/// One play of a thumbnail, then a rest at the end, in seconds.
const LOOP_SECS: f64 = 1.6;
/// How long a thumbnail's motion takes inside [`LOOP_SECS`].
const MOTION_SECS: f64 = 1.2;

/// The gallery's groups, in the order shown.
const GROUPS: [(PresetKind, &str); 4] = [
    (PresetKind::In, "In"),
    (PresetKind::Out, "Out"),
    (PresetKind::Emphasis, "Emphasis"),
    (PresetKind::WholeClip, "Camera moves (whole clip)"),
];

/// Draws every preset as a card, and for a text clip (`text`) its entrances too;
/// clicking one picks its name into `picked`.
pub(super) fn show(
    ui: &mut egui::Ui,
    presets: &[AnimationPreset],
    text: bool,
    picked: &mut String,
) {
    let pointer_inside = ui.rect_contains_pointer(ui.max_rect());
    let now = ui.input(|i| i.time);
    let phase = if pointer_inside {
        ui.ctx().request_repaint_after(Duration::from_millis(33));
        ((now % LOOP_SECS) / MOTION_SECS).min(1.0)
    } else {
        1.0 / 3.0
    };
    if text {
        super::entrance_cards::show(ui, phase, picked);
    }
    for (kind, title) in GROUPS {
        ui.label(egui::RichText::new(title).small().weak());
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing = egui::vec2(4.0, 4.0);
            for preset in presets.iter().filter(|p| p.kind == kind) {
                if card(ui, preset, phase, *picked == preset.name).clicked() {
                    picked.clone_from(&preset.name);
                }
            }
        });
    }
}

/// The preset's keyframes on a one-second clip.
fn sample_animation(preset: &AnimationPreset) -> Animation {
    let second = Time::from_secs(1);
    let mut animation = Animation::default();
    for (property, keys) in preset.keyframes_for(&Animation::default(), second, second) {
        animation.set_channel(property, keys);
    }
    animation
}

fn card(ui: &mut egui::Ui, preset: &AnimationPreset, phase: f64, selected: bool) -> egui::Response {
    card_frame(ui, &preset.name, selected, |painter, frame| {
        let transform = sample_animation(preset).transform_at(Time::from_secs_f64(phase));
        painter.add(egui::Shape::convex_polygon(
            card_corners(frame, &transform),
            egui::Color32::from_rgb(86, 156, 214).gamma_multiply(transform.opacity as f32),
            egui::Stroke::NONE,
        ));
    })
}

/// A card named `name`: a dark thumbnail frame `draw` paints in (clipped to it), the name
/// below.
pub(super) fn card_frame(
    ui: &mut egui::Ui,
    name: &str,
    selected: bool,
    draw: impl FnOnce(&egui::Painter, egui::Rect),
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(CELL, egui::Sense::click());
    response.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, name));
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let visuals = ui.style().interact_selectable(&response, selected);
    let painter = ui.painter();
    painter.rect_filled(rect, 4.0, visuals.weak_bg_fill);
    let frame = egui::Rect::from_min_size(
        rect.min + egui::vec2(4.0, 4.0),
        egui::vec2(CELL.x - 8.0, THUMB_HEIGHT - 4.0),
    );
    painter.rect_filled(frame, 2.0, egui::Color32::from_gray(24));
    draw(&painter.with_clip_rect(frame), frame);
    let galley = painter.layout(
        name.to_owned(),
        egui::FontId::proportional(10.0),
        visuals.text_color(),
        CELL.x - 6.0,
    );
    painter.galley(
        egui::pos2(rect.min.x + 3.0, rect.min.y + THUMB_HEIGHT + 2.0),
        galley,
        visuals.text_color(),
    );
    response
}

/// Where a card showing the whole frame ends up under `transform`, as the compositor
/// places a clip: cropped, scaled and turned about its anchor, the anchor moved from the
/// frame's centre by the position (in frame sizes).
fn card_corners(frame: egui::Rect, t: &Transform) -> Vec<egui::Pos2> {
    let (w, h) = (f64::from(frame.width()), f64::from(frame.height()));
    let centre = frame.center();
    let anchor = egui::pos2(
        centre.x + (t.position.x * w) as f32,
        centre.y + (t.position.y * h) as f32,
    );
    let (sin, cos) = t.rotation_degrees.to_radians().sin_cos();
    let left = t.crop.left;
    let right = 1.0 - t.crop.right;
    let top = t.crop.top;
    let bottom = 1.0 - t.crop.bottom;
    [(left, top), (right, top), (right, bottom), (left, bottom)]
        .into_iter()
        .map(|(u, v)| {
            let x = (u - t.anchor.x) * w * t.scale.x;
            let y = (v - t.anchor.y) * h * t.scale.y;
            egui::pos2(
                anchor.x + (x * cos - y * sin) as f32,
                anchor.y + (x * sin + y * cos) as f32,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::animation_preset;

    fn corners_of(name: &str, phase: f64) -> Vec<egui::Pos2> {
        let Some(preset) = animation_preset(name) else {
            panic!("no preset {name}")
        };
        let frame = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(160.0, 90.0));
        let t = sample_animation(&preset).transform_at(Time::from_secs_f64(phase));
        card_corners(frame, &t)
    }

    #[test]
    fn a_card_at_rest_fills_its_frame() {
        let corners = corners_of("Slide left in", 1.0);
        assert_eq!(
            corners,
            vec![
                egui::pos2(0.0, 0.0),
                egui::pos2(160.0, 0.0),
                egui::pos2(160.0, 90.0),
                egui::pos2(0.0, 90.0)
            ]
        );
    }

    #[test]
    fn a_slide_left_card_starts_to_the_right_and_moves_left() {
        let start = corners_of("Slide left in", 0.0)[0].x;
        let middle = corners_of("Slide left in", 0.5)[0].x;
        assert!(start >= 160.0 - 0.01, "starts off the right edge: {start}");
        assert!(middle < start && middle > 0.0, "{middle}");
    }
}
