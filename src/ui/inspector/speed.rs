//! The inspector's speed section: constant speed (number + slider), reverse, keep pitch,
//! freeze frame, and the speed-ramp curve editor with the built-in ramp presets.
//!
//! The curve shows the clip's speed over its length on a logarithmic axis from 0.1× to
//! 10×. Ramp points are dragged (a whole drag is one undo step), added with a double click
//! and removed with a right click; the ends stay at the clip's start and end.

use crate::timeline::speed::RAMP_END;
use crate::timeline::{
    Clip, ClipId, Edit, EditError, RampPoint, Speed, SpeedCurve, SpeedFactor, Time, RAMP_PRESETS,
};

use super::gesture;
use crate::session::Editor;

/// Height of the curve editor.
const CURVE_HEIGHT: f32 = 110.0;
/// The curve's vertical axis: log10 of the speed, 0.1× at the bottom, 10× at the top.
const LOG_LOW: f64 = -1.0;
const LOG_HIGH: f64 = 1.0;
/// How close (points) the pointer must be to grab a ramp point.
const GRAB_RADIUS: f32 = 9.0;
/// Closest two ramp points may come, in parts per billion of the clip (1 %).
const MIN_GAP: u32 = RAMP_END / 100;
/// Speed lines drawn across the curve.
const GUIDES: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

/// How a clip's speed is set, as the mode buttons show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Constant,
    Ramp,
    Freeze,
}

/// The speed section's own state: the ramp point being dragged.
#[derive(Debug, Default)]
pub struct SpeedSection {
    dragging: Option<usize>,
}

impl SpeedSection {
    /// Draws the speed controls for `clip` and applies what the person changes.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        clip: &Clip,
    ) -> Result<(), EditError> {
        let mut outcome = Ok(());
        let id = clip.id;
        let speed = &clip.speed;
        let mode = match speed.curve {
            SpeedCurve::Constant { .. } => Mode::Constant,
            SpeedCurve::Ramp { .. } => Mode::Ramp,
            SpeedCurve::Freeze { .. } => Mode::Freeze,
        };
        ui.horizontal(|ui| {
            let mut chosen = mode;
            ui.selectable_value(&mut chosen, Mode::Constant, "Constant");
            ui.selectable_value(&mut chosen, Mode::Ramp, "Ramp");
            ui.selectable_value(&mut chosen, Mode::Freeze, "Freeze frame");
            if chosen != mode {
                let curve = switch_mode(clip, chosen);
                keep(&mut outcome, set_curve(editor, clip, curve));
            }
        });

        match &speed.curve {
            SpeedCurve::Constant { speed: factor } => {
                let speed_label = ui.strong("Speed");
                let current = factor.as_f64();
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
                        keep(
                            &mut outcome,
                            set_curve(editor, clip, SpeedCurve::Constant { speed: factor }),
                        );
                    }
                }
            }
            SpeedCurve::Freeze { duration } => {
                ui.horizontal(|ui| {
                    let label = ui.label("Hold for");
                    let mut secs = duration.as_secs_f64();
                    let r = ui
                        .add(
                            egui::DragValue::new(&mut secs)
                                .speed(0.05)
                                .range(0.04..=3600.0)
                                .suffix(" s")
                                .max_decimals(2),
                        )
                        .labelled_by(label.id);
                    gesture(editor, &r, "Change freeze length");
                    let held = Time::from_secs_f64(secs);
                    if r.changed() && held != *duration && held > Time::ZERO {
                        keep(
                            &mut outcome,
                            set_curve(editor, clip, SpeedCurve::Freeze { duration: held }),
                        );
                    }
                });
            }
            SpeedCurve::Ramp { .. } => {}
        }

        ui.horizontal(|ui| {
            let mut reverse = speed.reverse;
            if ui.checkbox(&mut reverse, "Reverse").changed() {
                let mut s = speed.clone();
                s.reverse = reverse;
                keep(&mut outcome, set_speed(editor, id, s));
            }
            let mut pitch = speed.keep_pitch;
            if ui.checkbox(&mut pitch, "Keep pitch").changed() {
                let mut s = speed.clone();
                s.keep_pitch = pitch;
                keep(&mut outcome, set_speed(editor, id, s));
            }
        });

        keep(&mut outcome, self.curve(ui, editor, clip));
        ui.label(egui::RichText::new("Speed ramps").small().weak());
        ui.horizontal_wrapped(|ui| {
            for preset in RAMP_PRESETS {
                if ui
                    .button(preset.name)
                    .on_hover_text("Replace the clip's speed with this ramp")
                    .clicked()
                {
                    let curve = preset.speed().curve;
                    keep(&mut outcome, set_curve(editor, clip, curve));
                }
            }
        });
        outcome
    }

    /// The curve editor: draws the speed over the clip and lets ramp points be dragged.
    fn curve(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        clip: &Clip,
    ) -> Result<(), EditError> {
        let width = ui.available_width().max(120.0);
        let (response, painter) = ui.allocate_painter(
            egui::vec2(width, CURVE_HEIGHT),
            egui::Sense::click_and_drag(),
        );
        let response = response.accessible_name("Speed curve").on_hover_text(
            "Drag a point to change the ramp; double-click to add one, right-click to remove it",
        );
        let rect = response.rect;
        let axis = Axis { rect };
        let visuals = ui.visuals();
        painter.rect_filled(rect, 4.0, visuals.extreme_bg_color);
        let weak = visuals.weak_text_color();
        let (label_font, label_color) = axis_label_style(ui.style());
        for s in GUIDES {
            let y = axis.y(s);
            let stroke = if s == 1.0 {
                egui::Stroke::new(1.0, weak)
            } else {
                egui::Stroke::new(0.5, weak.gamma_multiply(0.5))
            };
            painter.hline(rect.x_range(), y, stroke);
            painter.text(
                egui::pos2(rect.left() + 3.0, y),
                egui::Align2::LEFT_BOTTOM,
                format!("{s}×"),
                label_font.clone(),
                label_color,
            );
        }

        let accent = visuals.selection.stroke.color;
        let line: Vec<egui::Pos2> = match &clip.speed.curve {
            SpeedCurve::Constant { speed } => {
                let y = axis.y(speed.as_f64());
                vec![egui::pos2(rect.left(), y), egui::pos2(rect.right(), y)]
            }
            SpeedCurve::Freeze { .. } => {
                vec![
                    egui::pos2(rect.left(), rect.bottom() - 1.0),
                    egui::pos2(rect.right(), rect.bottom() - 1.0),
                ]
            }
            SpeedCurve::Ramp { points } => sampled(points, &axis),
        };
        painter.add(egui::Shape::line(line, egui::Stroke::new(2.0, accent)));
        if matches!(clip.speed.curve, SpeedCurve::Freeze { .. }) {
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "Freeze frame: the first frame is held",
                egui::FontId::proportional(11.0),
                weak,
            );
        }

        let duration = clip.duration();
        if editor.playhead >= clip.start && editor.playhead <= clip.end() && duration > Time::ZERO {
            let f = (editor.playhead - clip.start).as_secs_f64() / duration.as_secs_f64();
            let x = rect.left() + rect.width() * f as f32;
            painter.vline(
                x,
                rect.y_range(),
                egui::Stroke::new(1.0, egui::Color32::RED),
            );
        }

        let points = match &clip.speed.curve {
            SpeedCurve::Ramp { points } => points.clone(),
            _ => Vec::new(),
        };
        for (i, p) in points.iter().enumerate() {
            let at = axis.pos(p.position, p.speed.as_f64());
            let grabbed = self.dragging == Some(i);
            painter.circle(
                at,
                if grabbed { 5.5 } else { 4.0 },
                accent,
                egui::Stroke::new(1.0, visuals.strong_text_color()),
            );
            if grabbed {
                painter.text(
                    at + egui::vec2(6.0, -6.0),
                    egui::Align2::LEFT_BOTTOM,
                    format!("{:.2}×", p.speed.as_f64()),
                    egui::FontId::proportional(11.0),
                    visuals.strong_text_color(),
                );
            }
        }

        self.interact(editor, clip, &response, &axis, &points)
    }

    fn interact(
        &mut self,
        editor: &mut Editor,
        clip: &Clip,
        response: &egui::Response,
        axis: &Axis,
        points: &[RampPoint],
    ) -> Result<(), EditError> {
        let nearest = |pos: egui::Pos2| {
            points
                .iter()
                .enumerate()
                .map(|(i, p)| (i, axis.pos(p.position, p.speed.as_f64()).distance(pos)))
                .filter(|(_, d)| *d <= GRAB_RADIUS)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i)
        };
        if response.drag_started() {
            self.dragging = response.interact_pointer_pos().and_then(nearest);
            if self.dragging.is_some() {
                editor.history.begin_gesture("Shape speed ramp");
            }
        }
        if response.drag_stopped() {
            if self.dragging.take().is_some() && editor.history.in_gesture() {
                editor.history.end_gesture();
            }
            return Ok(());
        }
        if let (Some(i), true, Some(pos)) = (
            self.dragging,
            response.dragged(),
            response.interact_pointer_pos(),
        ) {
            let (position, speed) = axis.value(pos);
            let Some(moved) = move_point(points, i, position, speed) else {
                return Ok(());
            };
            if moved != points {
                return set_curve(editor, clip, SpeedCurve::Ramp { points: moved });
            }
            return Ok(());
        }
        if response.double_clicked() {
            if let Some(pos) = response.interact_pointer_pos() {
                let (position, speed) = axis.value(pos);
                let base = match &clip.speed.curve {
                    SpeedCurve::Ramp { points } => points.clone(),
                    SpeedCurve::Constant { speed } => flat(*speed),
                    SpeedCurve::Freeze { .. } => return Ok(()),
                };
                if let Some(added) = add_point(&base, position, speed) {
                    return set_curve(editor, clip, SpeedCurve::Ramp { points: added });
                }
            }
        }
        if response.secondary_clicked() {
            if let Some(i) = response.interact_pointer_pos().and_then(nearest) {
                if i > 0 && i + 1 < points.len() {
                    let mut fewer = points.to_vec();
                    fewer.remove(i);
                    return set_curve(editor, clip, SpeedCurve::Ramp { points: fewer });
                }
            }
        }
        Ok(())
    }
}

/// Maps between ramp coordinates (position in ppb, speed) and the curve's rectangle.
struct Axis {
    rect: egui::Rect,
}

impl Axis {
    fn y(&self, speed: f64) -> f32 {
        let f = ((speed.max(0.01).log10() - LOG_LOW) / (LOG_HIGH - LOG_LOW)).clamp(0.0, 1.0);
        self.rect.bottom() - self.rect.height() * f as f32
    }

    fn pos(&self, position: u32, speed: f64) -> egui::Pos2 {
        let f = f64::from(position) / f64::from(RAMP_END);
        egui::pos2(
            self.rect.left() + self.rect.width() * f as f32,
            self.y(speed),
        )
    }

    /// The ramp position and speed under a screen point, speed rounded to hundredths.
    fn value(&self, pos: egui::Pos2) -> (u32, f64) {
        let fx = f64::from((pos.x - self.rect.left()) / self.rect.width().max(1.0)).clamp(0.0, 1.0);
        let fy =
            f64::from((self.rect.bottom() - pos.y) / self.rect.height().max(1.0)).clamp(0.0, 1.0);
        let speed = 10f64.powf(LOG_LOW + fy * (LOG_HIGH - LOG_LOW));
        let position = (fx * f64::from(RAMP_END)).round() as u32;
        (position, (speed * 100.0).round() / 100.0)
    }
}

/// The ramp as a polyline: speed is linear between points, which bends on a log axis.
fn sampled(points: &[RampPoint], axis: &Axis) -> Vec<egui::Pos2> {
    let mut out = Vec::new();
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        for step in 0..16 {
            let f = f64::from(step) / 16.0;
            let pos = f64::from(a.position) + f64::from(b.position.saturating_sub(a.position)) * f;
            let speed = a.speed.as_f64() + (b.speed.as_f64() - a.speed.as_f64()) * f;
            out.push(axis.pos(pos.round() as u32, speed));
        }
    }
    if let Some(last) = points.last() {
        out.push(axis.pos(last.position, last.speed.as_f64()));
    }
    out
}

/// A flat two-point ramp at `speed`.
fn flat(speed: SpeedFactor) -> Vec<RampPoint> {
    vec![
        RampPoint { position: 0, speed },
        RampPoint {
            position: RAMP_END,
            speed,
        },
    ]
}

/// The ramp with point `i` moved to `position` (ends keep theirs; inner points stay
/// between their neighbours) and `speed` (0.1× to 10×).
fn move_point(points: &[RampPoint], i: usize, position: u32, speed: f64) -> Option<Vec<RampPoint>> {
    let speed = SpeedFactor::from_f64(speed.clamp(0.1, 10.0))?;
    let mut out = points.to_vec();
    let last = out.len().checked_sub(1)?;
    let position = if i == 0 {
        0
    } else if i == last {
        RAMP_END
    } else {
        let lo = out.get(i - 1)?.position.saturating_add(MIN_GAP);
        let hi = out.get(i + 1)?.position.saturating_sub(MIN_GAP);
        if lo > hi {
            out.get(i)?.position
        } else {
            position.clamp(lo, hi)
        }
    };
    *out.get_mut(i)? = RampPoint { position, speed };
    Some(out)
}

/// The ramp with a point added at `position`, unless it falls too close to another.
fn add_point(points: &[RampPoint], position: u32, speed: f64) -> Option<Vec<RampPoint>> {
    let speed = SpeedFactor::from_f64(speed.clamp(0.1, 10.0))?;
    if points
        .iter()
        .any(|p| p.position.abs_diff(position) < MIN_GAP)
    {
        return None;
    }
    let mut out = points.to_vec();
    let at = out.partition_point(|p| p.position < position);
    out.insert(at, RampPoint { position, speed });
    Some(out)
}

/// The curve to use when the person switches to `mode`, keeping the clip's length where
/// that makes sense.
fn switch_mode(clip: &Clip, mode: Mode) -> SpeedCurve {
    let mean = mean_speed(clip);
    match mode {
        Mode::Constant => SpeedCurve::Constant { speed: mean },
        Mode::Ramp => SpeedCurve::Ramp { points: flat(mean) },
        Mode::Freeze => SpeedCurve::Freeze {
            duration: clip.duration().max(Time::from_secs(1)),
        },
    }
}

/// The clip's average speed (source length over timeline length), 1× for freeze frames.
fn mean_speed(clip: &Clip) -> SpeedFactor {
    match &clip.speed.curve {
        SpeedCurve::Constant { speed } => *speed,
        SpeedCurve::Freeze { .. } => SpeedFactor::NORMAL,
        SpeedCurve::Ramp { .. } => {
            let d = clip.duration().as_secs_f64();
            let s = if d > 0.0 {
                clip.source_len().as_secs_f64() / d
            } else {
                1.0
            };
            SpeedFactor::from_f64((s * 100.0).round() / 100.0).unwrap_or(SpeedFactor::NORMAL)
        }
    }
}

/// Sets the clip's curve, keeping its reverse and keep-pitch switches.
fn set_curve(editor: &mut Editor, clip: &Clip, curve: SpeedCurve) -> Result<(), EditError> {
    let speed = Speed {
        curve,
        reverse: clip.speed.reverse,
        keep_pitch: clip.speed.keep_pitch,
    };
    set_speed(editor, clip.id, speed)
}

/// Changes a clip's speed; later clips on its track follow its new end.
fn set_speed(editor: &mut Editor, clip: ClipId, speed: Speed) -> Result<(), EditError> {
    editor.apply(Edit::SetSpeed {
        clip,
        speed,
        ripple: true,
    })
}

/// Keeps the first error.
fn keep(outcome: &mut Result<(), EditError>, result: Result<(), EditError>) {
    if outcome.is_ok() {
        *outcome = result;
    }
}

/// The font and colour of the speed axis labels: the size of body text (less a little)
/// and the normal text colour, so they read as well as the rest of the inspector.
fn axis_label_style(style: &egui::Style) -> (egui::FontId, egui::Color32) {
    let body = egui::TextStyle::Body.resolve(style).size;
    (
        egui::FontId::proportional((body - 1.0).max(11.0)),
        style.visuals.text_color(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(points: &[(u32, u32)]) -> Vec<RampPoint> {
        points
            .iter()
            .filter_map(|&(p, milli)| {
                Some(RampPoint {
                    position: p,
                    speed: SpeedFactor::from_milli(milli)?,
                })
            })
            .collect()
    }

    /// WCAG's contrast ratio of two colours (1 to 21).
    fn contrast(a: egui::Color32, b: egui::Color32) -> f32 {
        let lum = |c: egui::Color32| {
            let lin = |v: u8| {
                let v = f32::from(v) / 255.0;
                if v <= 0.039_28 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn the_speed_axis_labels_are_body_sized_and_contrast_with_the_graph_in_both_themes() {
        for visuals in [egui::Visuals::dark(), egui::Visuals::light()] {
            let style = egui::Style {
                visuals,
                ..egui::Style::default()
            };
            let (font, color) = axis_label_style(&style);
            assert!(font.size >= 11.0, "{} pt is too small to read", font.size);
            let ratio = contrast(color, style.visuals.extreme_bg_color);
            assert!(ratio >= 4.5, "contrast {ratio:.1}:1 is below WCAG AA");
        }
    }

    #[test]
    fn dragging_an_end_point_changes_only_its_speed() {
        let points = ramp(&[(0, 1000), (RAMP_END, 1000)]);
        let moved = move_point(&points, 0, RAMP_END / 2, 3.0).unwrap();
        assert_eq!(moved[0].position, 0);
        assert_eq!(moved[0].speed, SpeedFactor::from_milli(3000).unwrap());
    }

    #[test]
    fn an_inner_point_stays_between_its_neighbours() {
        let points = ramp(&[(0, 1000), (RAMP_END / 2, 1000), (RAMP_END, 1000)]);
        let moved = move_point(&points, 1, RAMP_END, 50.0).unwrap();
        assert_eq!(moved[1].position, RAMP_END - MIN_GAP);
        assert_eq!(moved[1].speed.as_f64(), 10.0, "dragging is capped at 10×");
        assert!(Speed::ramp(moved).validate().is_ok());
    }

    #[test]
    fn a_point_added_lands_in_order_and_not_on_top_of_another() {
        let points = ramp(&[(0, 1000), (RAMP_END, 1000)]);
        let added = add_point(&points, RAMP_END / 4, 0.5).unwrap();
        assert_eq!(added.len(), 3);
        assert_eq!(added[1].position, RAMP_END / 4);
        assert!(Speed::ramp(added.clone()).validate().is_ok());
        assert!(add_point(&added, RAMP_END / 4 + 1, 2.0).is_none());
    }

    #[test]
    fn the_axis_maps_speeds_back_to_themselves() {
        let axis = Axis {
            rect: egui::Rect::from_min_size(egui::pos2(10.0, 20.0), egui::vec2(300.0, 110.0)),
        };
        for s in [0.1, 0.5, 1.0, 2.0, 8.0] {
            let (p, back) = axis.value(axis.pos(RAMP_END / 2, s));
            assert!((back - s).abs() < 0.02, "{s} came back as {back}");
            assert!(p.abs_diff(RAMP_END / 2) < RAMP_END / 200);
        }
    }
}
