//! The timecode ruler along the top of the timeline, and zooming it (the wheel with Ctrl
//! or the zoom buttons).

use egui::{pos2, vec2, Align2, Color32, FontId, Rect, Sense, Stroke};

use crate::timeline::Time;

use super::*;
use crate::session::Editor;

impl TimelineView {
    /// The wheel over the timeline: with Ctrl it zooms about the pointer; over the track
    /// headers it scrolls the tracks up and down (when they do not all fit, `overflow`
    /// points hide); elsewhere it scrolls through time. The ruler and toolbar never move.
    pub(super) fn handle_zoom(
        &mut self,
        ui: &egui::Ui,
        area: &egui::Response,
        left: f32,
        overflow: f32,
        lanes_right: f32,
    ) {
        if !area.hovered() {
            return;
        }
        let (scroll, zoom_delta, modifiers, pointer) = ui.input(|i| {
            (
                i.smooth_scroll_delta,
                i.zoom_delta(),
                i.modifiers,
                i.pointer.hover_pos(),
            )
        });
        let anchor_x = pointer.map_or(left, |p| p.x);
        let anchor_t = self.time_at(anchor_x, left);
        let factor = if modifiers.command && scroll.y != 0.0 {
            (scroll.y / 200.0).exp()
        } else {
            zoom_delta
        };
        if pointer.is_some_and(|p| p.x >= lanes_right) {
            // Over the tracks' scrollbar, which scrolls them itself.
            return;
        }
        let over_headers = pointer.is_some_and(|p| p.x < left);
        if factor == 1.0 && over_headers && scroll.y != 0.0 {
            if overflow > 0.0 {
                self.track_scroll = (self.track_scroll - scroll.y).clamp(0.0, overflow);
            }
            return;
        }
        if factor != 1.0 {
            self.pixels_per_second = (self.pixels_per_second * factor).clamp(2.0, 2000.0);
            // Keep the time under the pointer where it was.
            let secs = f64::from((anchor_x - left) / self.pixels_per_second);
            self.scroll = (anchor_t - Time::from_secs_f64(secs)).max(Time::ZERO);
        } else if scroll.x != 0.0 || (!modifiers.command && scroll.y != 0.0) {
            let dx = if scroll.x != 0.0 { scroll.x } else { scroll.y };
            let secs = f64::from(-dx / self.pixels_per_second);
            self.scroll = (self.scroll + Time::from_secs_f64(secs)).max(Time::ZERO);
        }
    }
}

impl TimelineView {
    pub(super) fn draw_ruler(
        &self,
        ui: &egui::Ui,
        painter: &egui::Painter,
        rect: Rect,
        left: f32,
        editor: &Editor,
        visuals: &egui::Visuals,
    ) {
        let ruler = Rect::from_min_max(rect.min, pos2(rect.right(), rect.top() + RULER_HEIGHT));
        painter.rect_filled(ruler, 0.0, visuals.faint_bg_color);
        // A label every ~100 px, on a round step.
        let steps = [
            0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0,
        ];
        let min_secs = 100.0 / self.pixels_per_second;
        let step = steps
            .iter()
            .copied()
            .find(|s| *s >= min_secs)
            .unwrap_or(1800.0);
        let step_t = Time::from_secs_f64(f64::from(step));
        let first = (self.scroll.flicks() / step_t.flicks().max(1)) * step_t.flicks();
        let mut t = Time(first);
        let text_color = visuals.text_color();
        while self.x_of(t, left) < rect.right() {
            let x = self.x_of(t, left);
            if x >= left {
                painter.line_segment(
                    [pos2(x, ruler.bottom() - 8.0), pos2(x, ruler.bottom())],
                    Stroke::new(1.0, text_color),
                );
                painter.text(
                    pos2(x + 3.0, ruler.top() + 2.0),
                    Align2::LEFT_TOP,
                    t.to_timecode(editor.project.canvas.frame_rate),
                    FontId::monospace(10.0),
                    text_color,
                );
            }
            t += step_t;
        }
        for marker in &editor.project.markers {
            self.draw_range(painter, marker, left, ruler.top(), rect, MARKER_COLOR);
            let x = self.x_of(marker.time, left);
            if x < left || x > rect.right() {
                continue;
            }
            let selected = self.selected_marker == Some(marker.id);
            let color = if selected {
                Color32::WHITE
            } else {
                MARKER_COLOR
            };
            painter.add(egui::Shape::convex_polygon(
                vec![
                    pos2(x - 5.0, ruler.top()),
                    pos2(x + 5.0, ruler.top()),
                    pos2(x + 5.0, ruler.top() + 7.0),
                    pos2(x, ruler.top() + 12.0),
                    pos2(x - 5.0, ruler.top() + 7.0),
                ],
                color,
                Stroke::NONE,
            ));
            painter.line_segment(
                [pos2(x, ruler.top() + 12.0), pos2(x, rect.bottom())],
                Stroke::new(1.0, color.gamma_multiply(0.5)),
            );
            painter.text(
                pos2(x + 7.0, ruler.bottom() - 2.0),
                Align2::LEFT_BOTTOM,
                &marker.name,
                FontId::proportional(10.0),
                color,
            );
            // Found by its name in tests and by screen readers; input goes to the canvas.
            let grab =
                Rect::from_center_size(pos2(x, ruler.top() + 6.0), vec2(2.0 * MARKER_GRAB, 12.0));
            let name = marker.name.clone();
            ui.interact(
                grab,
                egui::Id::unique(("timeline-marker", marker.id.0)),
                Sense::hover(),
            )
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
        }
    }
}
