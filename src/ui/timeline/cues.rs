//! Subtitle cues on the timeline: drawn on their track's lane, moved by their body and
//! trimmed by either edge like clips, snapping to clip and cue edges, markers and the
//! playhead.
//!
//! A drag emits `Edit::UpdateCue` values from the cue as it was when the drag began, inside
//! one history gesture, so the whole drag is one undo step. Moved over another subtitle
//! track, the cue goes there (removed from one track and added to the other in the same
//! gesture); a trim keeps it on its track.

use egui::{pos2, vec2, Align2, Color32, CornerRadius, FontId, Rect, Sense, Stroke, StrokeKind};

use crate::session::Editor;
use crate::timeline::snap::{cue_snap_targets, snap};
use crate::timeline::{CueId, Edge, Edit, SubtitleCue, Time, Track, TrackId, TrackKind};

use super::view::{Lane, TimelineView, EDGE_GRAB};

/// A cue being moved or trimmed.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::ui) struct CueDrag {
    /// The cue as it was when the drag began.
    pub origin: SubtitleCue,
    /// `None` moves the whole cue; an edge trims it.
    pub edge: Option<Edge>,
    /// The pointer's time when the drag began.
    pub grab: Time,
}

impl TimelineView {
    /// The box of a cue on a lane.
    fn cue_rect(&self, cue: &SubtitleCue, lane: Rect, left: f32) -> Rect {
        Rect::from_min_max(
            pos2(self.x_of(cue.start, left), lane.top() + 3.0),
            pos2(self.x_of(cue.end, left), lane.bottom() - 3.0),
        )
    }

    /// Draws `track`'s cues on `lane`, each found by its name (`Cue 3`) in tests and by
    /// screen readers; input goes to the timeline's canvas.
    pub(in crate::ui) fn draw_cues(&self, ui: &egui::Ui, lane: Lane<'_>, track: &Track) {
        let base = super::clips::track_color(TrackKind::Subtitle);
        let color = if track.hidden {
            base.gamma_multiply(0.45)
        } else {
            base
        };
        let lane_painter = lane.painter.with_clip_rect(lane.rect);
        for cue in &track.cues {
            let r = self.cue_rect(cue, lane.rect, lane.left);
            if !lane.reaches(r) {
                continue;
            }
            lane_painter.rect_filled(r, CornerRadius::same(3), color);
            let dragged = self.drag_cue().is_some_and(|d| d.origin.id == cue.id);
            let stroke = if dragged {
                Stroke::new(2.0, Color32::WHITE)
            } else {
                Stroke::new(1.0, base.gamma_multiply(1.6))
            };
            lane_painter.rect_stroke(r, CornerRadius::same(3), stroke, StrokeKind::Inside);
            let text = cue.text.replace('\n', " ");
            lane_painter.with_clip_rect(r).text(
                r.left_center() + vec2(4.0, 0.0),
                Align2::LEFT_CENTER,
                &text,
                FontId::proportional(11.0),
                Color32::BLACK,
            );
            let visible = r.intersect(lane_painter.clip_rect());
            if visible.is_positive() {
                let name = format!("Cue {}", cue.id.0);
                ui.interact(
                    visible,
                    egui::Id::unique(("timeline-cue", track.id.0, cue.id.0)),
                    Sense::hover(),
                )
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
            }
        }
    }

    /// The cue drag in progress, if any.
    fn drag_cue(&self) -> Option<&CueDrag> {
        match &self.drag {
            Some(super::input::Drag::Cue(d)) => Some(d),
            _ => None,
        }
    }

    /// Starts moving or trimming a cue: opens the history gesture the drag's edits go to.
    pub(in crate::ui) fn start_cue_drag(
        &mut self,
        editor: &mut Editor,
        track: TrackId,
        cue: CueId,
        edge: Option<Edge>,
        at: Time,
    ) {
        let Some(origin) = editor
            .project
            .track(track)
            .and_then(|t| t.cue(cue))
            .cloned()
        else {
            return;
        };
        editor.history.begin_gesture(if edge.is_some() {
            "Trim subtitle"
        } else {
            "Move subtitle"
        });
        editor.selection.clear();
        self.drag = Some(super::input::Drag::Cue(CueDrag {
            origin,
            edge,
            grab: at,
        }));
    }

    /// Moves or trims the dragged cue for a pointer at `pointer` (snapped within
    /// `tolerance`), from the cue as it was when the drag began; a move over the subtitle
    /// track `over` takes the cue onto it.
    pub(in crate::ui) fn drag_cue_to(
        &mut self,
        editor: &mut Editor,
        drag: &CueDrag,
        (pointer, over): (Time, Option<TrackId>),
        tolerance: Time,
    ) {
        let origin = &drag.origin;
        let targets = cue_snap_targets(&editor.project, editor.playhead, origin.id);
        let shortest = Time::frame_duration(editor.project.canvas.frame_rate);
        let mut cue = origin.clone();
        match drag.edge {
            None => {
                let length = origin.end - origin.start;
                let proposed = (origin.start + (pointer - drag.grab)).max(Time::ZERO);
                let start = self.snap_span((proposed, length), &targets, tolerance, Time::ZERO);
                let by = start - origin.start;
                cue.start = start;
                cue.end = origin.end + by;
                for word in &mut cue.words {
                    word.start += by;
                    word.end += by;
                }
            }
            Some(edge) => {
                let to = match snap(pointer, &targets, tolerance) {
                    Some(t) => {
                        self.snapped = Some(t.time);
                        t.time
                    }
                    None => pointer,
                };
                match edge {
                    Edge::In => cue.start = to.clamp_to(Time::ZERO, origin.end - shortest),
                    Edge::Out => cue.end = to.max(origin.start + shortest),
                }
            }
        }
        let Some(now_on) = editor
            .project
            .tracks
            .iter()
            .find(|t| t.cue(origin.id).is_some())
            .map(|t| t.id)
        else {
            return;
        };
        let to = match (drag.edge, over) {
            (None, Some(over)) => over,
            _ => now_on,
        };
        let edit = if to == now_on {
            let unchanged = editor
                .project
                .track(now_on)
                .and_then(|t| t.cue(origin.id))
                .is_some_and(|c| *c == cue);
            if unchanged {
                return;
            }
            Edit::UpdateCue { track: now_on, cue }
        } else {
            Edit::Batch {
                edits: vec![
                    Edit::RemoveCue {
                        track: now_on,
                        cue: origin.id,
                    },
                    Edit::AddCue { track: to, cue },
                ],
            }
        };
        // A refused edit (a locked track) leaves the cue where it is.
        let _ = editor.apply(edit);
    }
}

/// The cue under `pos` on the subtitle track `index` drawn in `row`, and which edge when
/// the pointer is on one; the cue drawn last (on top) wins where cues overlap.
pub(in crate::ui) fn hit_cue(
    view: &TimelineView,
    editor: &Editor,
    index: usize,
    left: f32,
    pos: egui::Pos2,
) -> Option<(TrackId, CueId, Option<Edge>)> {
    let track = editor.project.tracks.get(index)?;
    if track.kind != TrackKind::Subtitle {
        return None;
    }
    track.cues.iter().rev().find_map(|cue| {
        let x0 = view.x_of(cue.start, left);
        let x1 = view.x_of(cue.end, left);
        if pos.x < x0 - 1.0 || pos.x > x1 + 1.0 {
            return None;
        }
        let roomy = x1 - x0 > 3.0 * EDGE_GRAB;
        let edge = if roomy && pos.x - x0 <= EDGE_GRAB {
            Some(Edge::In)
        } else if roomy && x1 - pos.x <= EDGE_GRAB {
            Some(Edge::Out)
        } else {
            None
        };
        Some((track.id, cue.id, edge))
    })
}
