//! One track row of the timeline: its header (name, switches) and what lies on it —
//! clips, cues, range markers — as drawn.

use egui::{pos2, vec2, Color32, CornerRadius, Rect, Sense, Stroke};

use crate::timeline::{Edit, TrackKind};

use super::*;
use crate::session::Editor;

impl TimelineView {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn draw_track(
        &self,
        ui: &mut egui::Ui,
        painter: &egui::Painter,
        row: Rect,
        left: f32,
        editor: &mut Editor,
        index: usize,
        response: &mut TimelineResponse,
    ) {
        let visuals = ui.visuals().clone();
        let Some(track) = editor.project.tracks.get(index) else {
            return;
        };
        let (id, kind) = (track.id, track.kind);
        let (muted, locked, hidden) = (track.muted, track.locked, track.hidden);

        painter.line_segment(
            [
                pos2(row.left(), row.bottom()),
                pos2(row.right(), row.bottom()),
            ],
            Stroke::new(1.0, visuals.widgets.noninteractive.bg_stroke.color),
        );

        let (flags, remove) = header(ui, painter, row, track);
        if let Some((muted, locked, hidden)) = flags {
            let edit = Edit::SetTrackFlags {
                id,
                muted,
                locked,
                hidden,
            };
            if let Err(e) = editor.apply(edit) {
                response.error = Some(e.to_string());
            }
        }

        if remove {
            response.remove_track = Some(id);
        }

        let Some(track) = editor.project.tracks.get(index) else {
            return;
        };
        let lane = Rect::from_min_max(pos2(left, row.top()), row.max);
        let clip_painter = painter.with_clip_rect(lane);
        let base = super::super::clips::track_color(kind);
        let dim = |c: Color32| {
            if hidden || muted {
                c.gamma_multiply(0.45)
            } else {
                c
            }
        };
        for clip in &track.clips {
            let r = self.clip_rect(clip, lane, left);
            if r.right() < lane.left() || r.left() > lane.right() {
                continue;
            }
            clip_painter.rect_filled(r, CornerRadius::same(4), dim(base));
            let label = clip_label(editor, clip.id);
            let visible = r.intersect(lane).intersect(painter.clip_rect());
            if visible.is_positive() {
                // Found by its name in tests and by screen readers; input goes to the canvas.
                let name = format!("Clip {}: {label}", clip.id.0);
                ui.interact(
                    visible,
                    egui::Id::unique(("timeline-clip", clip.id.0)),
                    Sense::hover(),
                )
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
            }
        }
        if locked {
            painter.rect_filled(lane, 0.0, Color32::from_black_alpha(60));
        }
    }
}

/// New values of a track's (muted, locked, hidden) switches, `None` for unchanged.
type Flags = (Option<bool>, Option<bool>, Option<bool>);

/// Draws the header of `track` in `row` with its switches; returns the switch clicked
/// and whether "Remove track" was chosen.
fn header(
    ui: &mut egui::Ui,
    painter: &egui::Painter,
    row: Rect,
    track: &Track,
) -> (Option<Flags>, bool) {
    let visuals = ui.visuals().clone();
    let (id, kind, name) = (track.id, track.kind, track.name.clone());
    let (muted, locked, hidden) = (track.muted, track.locked, track.hidden);
    let mut flags = None;
    let mut remove = false;
    // Header with the track's switches.
    let header = Rect::from_min_size(row.min, vec2(HEADER_WIDTH, row.height()));
    painter.rect_filled(header.shrink(1.0), 2.0, visuals.faint_bg_color);
    let shown = header.intersect(painter.clip_rect());
    if shown.is_positive() {
        // Found by its name (`Audio 1 track`) in tests and by screen readers.
        ui.interact(
            shown,
            egui::Id::unique(("timeline-header", id.0)),
            Sense::hover(),
        )
        .widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Group, true, format!("{name} track"))
        });
    }
    // One line: the switches at the right, the name in the room left (cut short with
    // "…" when long, whole in its tooltip), so the header fits even a subtitle row.
    let layout = egui::Layout::right_to_left(egui::Align::Center);
    ui.scope_builder(
        egui::UiBuilder::new()
            .max_rect(header.shrink(4.0))
            .layout(layout),
        |ui| {
            // Rows scrolled partly under the ruler show (and take clicks) only below it.
            ui.shrink_clip_rect(painter.clip_rect());
            let toggle = |ui: &mut egui::Ui, on: bool, text: &str, tip: &str| {
                ui.add(egui::Button::new(egui::RichText::new(text).small()).selected(on))
                    .on_hover_text(tip)
                    .clicked()
            };
            // Right to left: the last switch first.
            if kind != TrackKind::Audio && toggle(ui, hidden, "H", "Hide") {
                flags = Some((None, None, Some(!hidden)));
            }
            if toggle(ui, locked, "L", "Lock") {
                flags = Some((None, Some(!locked), None));
            }
            if kind != TrackKind::Subtitle && toggle(ui, muted, "M", "Mute") {
                flags = Some((Some(!muted), None, None));
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.add(
                    egui::Label::new(egui::RichText::new(&name).small().strong())
                        .truncate()
                        .sense(Sense::click()),
                )
                .on_hover_text(format!("{name}: right-click for track actions"))
                .context_menu(|ui| {
                    if ui.button("Remove track").clicked() {
                        remove = true;
                        ui.close();
                    }
                });
            });
        },
    );
    (flags, remove)
}
