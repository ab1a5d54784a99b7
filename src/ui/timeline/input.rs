//! Pointer and keyboard input of the timeline widget: selecting, moving (one clip or the
//! whole selection), trimming, moving and trimming subtitle cues (see `cues`), scrubbing,
//! and adding, moving and removing markers (a right-click opens a marker's menu, a
//! double-click renames it: see `markers`).
//!
//! Every drag opens a history gesture when it starts and closes it when it stops, so a
//! drag is one undo step however many edits it emitted on the way.

use egui::Rect;

use crate::timeline::snap::{snap, snap_targets, SnapKind, SnapTarget};
use crate::timeline::{ClipId, Edge, Edit, Marker, MarkerId, Time, TrackId};

use super::view::{
    TimelineResponse, TimelineView, EDGE_GRAB, MARKER_GRAB, RULER_HEIGHT, SNAP_PIXELS,
};
use crate::session::Editor;

/// What a drag in progress is doing.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::ui) enum Drag {
    /// Moving the clip under the pointer and every other selected clip with it.
    Move {
        /// The clip grabbed; its snapping and track change lead the others.
        anchor: ClipId,
        /// The pointer's offset from the anchor's start.
        grab: Time,
        /// Each moved clip (one per link group) with its track and start when the drag
        /// began; the anchor comes first.
        origin: Vec<(ClipId, TrackId, Time)>,
    },
    /// Moving one edge of a clip.
    Trim { clip: ClipId, edge: Edge },
    /// Moving the playhead along the ruler.
    Scrub,
    /// Moving a marker along the ruler.
    Marker(MarkerId),
    /// Moving or trimming a subtitle cue.
    Cue(super::cues::CueDrag),
}

/// What lay under the pointer when its button went down.
#[derive(Debug, Clone, Copy)]
struct Under {
    marker: Option<MarkerId>,
    clip: Option<(ClipId, Option<Edge>)>,
    cue: Option<(TrackId, crate::timeline::CueId, Option<Edge>)>,
}

impl TimelineView {
    /// The marker whose flag on the ruler is under `pos`, if any.
    fn hit_marker(
        &self,
        editor: &Editor,
        rect: Rect,
        left: f32,
        pos: egui::Pos2,
    ) -> Option<MarkerId> {
        if pos.y > rect.top() + RULER_HEIGHT || pos.x < left {
            return None;
        }
        editor
            .project
            .markers
            .iter()
            .map(|m| (m.id, (self.x_of(m.time, left) - pos.x).abs()))
            .filter(|(_, d)| *d <= MARKER_GRAB)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id)
    }

    /// Keys the timeline owns: M adds a marker at the playhead, Shift+Z fits the project,
    /// Delete removes the selected marker.
    pub(in crate::ui) fn handle_keys(
        &mut self,
        ui: &egui::Ui,
        editor: &mut Editor,
        width: f32,
        response: &mut TimelineResponse,
    ) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        let (add_marker, fit, delete) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::M) && i.modifiers.is_none(),
                i.key_pressed(egui::Key::Z) && i.modifiers.shift_only(),
                i.key_pressed(egui::Key::Delete) || i.key_pressed(egui::Key::Backspace),
            )
        });
        if add_marker {
            self.add_marker(editor, response);
        }
        if fit {
            self.zoom_to_fit(editor, width);
        }
        if delete {
            if let Some(id) = self.selected_marker.take() {
                report(response, editor.apply(Edit::RemoveMarker { id }));
            }
        }
    }

    /// Adds a marker at the playhead, unless one is already there.
    pub(in crate::ui) fn add_marker(
        &mut self,
        editor: &mut Editor,
        response: &mut TimelineResponse,
    ) {
        let time = editor.playhead;
        if editor.project.markers.iter().any(|m| m.time == time) {
            return;
        }
        let id = editor.project.next_marker_id();
        let name = format!("Marker {}", editor.project.markers.len() + 1);
        let marker = Marker::point(id, time, name);
        report(response, editor.apply(Edit::AddMarker { marker }));
        // The new marker is what Delete removes now, not the clips selected before.
        editor.selection.clear();
        self.selected_marker = Some(id);
    }

    #[allow(clippy::too_many_arguments)]
    pub(in crate::ui) fn handle_pointer(
        &mut self,
        ui: &egui::Ui,
        area: &egui::Response,
        rect: Rect,
        left: f32,
        rows: &[(usize, Rect)],
        editor: &mut Editor,
    ) {
        let Some(pos) = ui.input(|i| i.pointer.interact_pos()) else {
            return;
        };
        let on_edge = matches!(hit_clip(self, editor, rows, left, pos), Some((_, Some(_))))
            || matches!(
                hit_cue_at(self, editor, rows, left, pos),
                Some((_, _, Some(_)))
            );
        if on_edge {
            ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeHorizontal);
        }
        // A drag starts once the pointer has moved a little; what it grabs is what was
        // under the pointer when the button went down.
        let pressed_at = if area.drag_started() {
            ui.input(|i| i.pointer.press_origin()).unwrap_or(pos)
        } else {
            pos
        };
        let hit = hit_clip(self, editor, rows, left, pressed_at);
        let cue = hit_cue_at(self, editor, rows, left, pressed_at);
        let marker = self.hit_marker(editor, rect, left, pressed_at);

        if area.secondary_clicked() {
            // Opens the marker's menu (see `marker_menu`); elsewhere nothing.
            self.menu_marker = marker;
            if marker.is_some() {
                self.selected_marker = marker;
                editor.selection.clear();
            }
            return;
        }
        if area.double_clicked() {
            if let Some(id) = marker {
                self.start_rename(editor, id, false);
                return;
            }
        }

        if area.clicked() || area.drag_started() {
            let under = Under {
                marker,
                clip: hit,
                cue,
            };
            let modifiers = ui.input(|i| i.modifiers);
            self.press(
                editor,
                under,
                pressed_at,
                rect,
                left,
                modifiers,
                area.drag_started(),
            );
        }

        if area.dragged() {
            self.drag_to(editor, rows, pos, left);
        }

        if area.drag_stopped() {
            if matches!(
                self.drag,
                Some(Drag::Move { .. } | Drag::Trim { .. } | Drag::Marker(_) | Drag::Cue(_))
            ) {
                editor.history.end_gesture();
            }
            self.drag = None;
            self.snapped = None;
        }
    }

    /// A click or the start of a drag at `pos`: jumps to or grabs a marker, scrubs on the
    /// ruler, selects or grabs a clip or cue, or moves the playhead over empty track.
    #[allow(clippy::too_many_arguments)]
    fn press(
        &mut self,
        editor: &mut Editor,
        under: Under,
        pos: egui::Pos2,
        rect: Rect,
        left: f32,
        modifiers: egui::Modifiers,
        drag_started: bool,
    ) {
        let Under {
            marker,
            clip: hit,
            cue,
        } = under;
        let on_ruler = pos.y < rect.top() + RULER_HEIGHT && pos.x >= left;
        self.selected_marker = None;
        match (marker, hit) {
            (Some(id), _) => {
                // A click jumps to the marker; a drag moves it.
                if let Some(m) = editor.project.markers.iter().find(|m| m.id == id) {
                    editor.playhead = m.time;
                }
                editor.selection.clear();
                self.selected_marker = Some(id);
                if drag_started {
                    self.drag = Some(Drag::Marker(id));
                    editor.history.begin_gesture("Move marker");
                }
            }
            _ if on_ruler => {
                editor.playhead = self.time_at(pos.x, left);
                if drag_started {
                    self.drag = Some(Drag::Scrub);
                }
            }
            (None, Some((clip, edge))) => {
                if modifiers.shift || modifiers.command {
                    if !editor.selection.remove(&clip) {
                        editor.selection.insert(clip);
                    }
                } else if !editor.selection.contains(&clip) {
                    editor.selection = [clip].into();
                }
                if drag_started {
                    self.start_clip_drag(editor, clip, edge, self.time_at(pos.x, left));
                }
            }
            (None, None) if cue.is_some() => {
                editor.selection.clear();
                if let (Some((track, id, edge)), true) = (cue, drag_started) {
                    self.start_cue_drag(editor, track, id, edge, self.time_at(pos.x, left));
                }
            }
            (None, None) if pos.x >= left => {
                if !(modifiers.shift || modifiers.command) {
                    editor.selection.clear();
                }
                editor.playhead = self.time_at(pos.x, left);
            }
            (None, None) => {}
        }
    }

    /// The pointer dragged to `pos`: scrubs, or moves the marker, clips, trim or cue
    /// being dragged, snapping to what is near.
    fn drag_to(&mut self, editor: &mut Editor, rows: &[(usize, Rect)], pos: egui::Pos2, left: f32) {
        let tolerance = Time::from_secs_f64(f64::from(SNAP_PIXELS / self.pixels_per_second));
        let pointer_t = self.time_at(pos.x, left);
        self.snapped = None;
        match self.drag.clone() {
            Some(Drag::Scrub) => editor.playhead = pointer_t,
            Some(Drag::Marker(id)) => {
                let targets: Vec<SnapTarget> = snap_targets(&editor.project, editor.playhead, &[])
                    .into_iter()
                    .filter(|t| t.kind != SnapKind::Marker && t.kind != SnapKind::Playhead)
                    .collect();
                let time = match snap(pointer_t, &targets, tolerance) {
                    Some(t) => {
                        self.snapped = Some(t.time);
                        t.time
                    }
                    None => pointer_t,
                };
                let _ = editor.apply(Edit::MoveMarker { id, time });
                editor.playhead = time;
            }
            Some(Drag::Move {
                anchor,
                grab,
                origin,
            }) => self.drag_clips(
                editor,
                rows,
                pos.y,
                anchor,
                pointer_t - grab,
                &origin,
                tolerance,
            ),
            Some(Drag::Trim { clip, edge }) => {
                let exclude = editor.project.linked_clips(clip);
                let targets = snap_targets(&editor.project, editor.playhead, &exclude);
                let to = match snap(pointer_t, &targets, tolerance) {
                    Some(target) if target.kind != SnapKind::Zero || edge == Edge::In => {
                        self.snapped = Some(target.time);
                        target.time
                    }
                    _ => pointer_t,
                };
                let _ = editor.apply(Edit::TrimClip {
                    clip,
                    edge,
                    to,
                    ripple: false,
                });
            }
            Some(Drag::Cue(drag)) => {
                let over = subtitle_track_at(editor, rows, pos.y);
                self.drag_cue_to(editor, &drag, (pointer_t, over), tolerance);
            }
            None => {}
        }
    }

    /// Starts moving or trimming `clip`; a move takes every selected clip along.
    fn start_clip_drag(&mut self, editor: &mut Editor, clip: ClipId, edge: Option<Edge>, at: Time) {
        let Some(c) = editor.project.clip(clip) else {
            return;
        };
        if let Some(edge) = edge {
            self.drag = Some(Drag::Trim { clip, edge });
            editor.history.begin_gesture("Trim clip");
            return;
        }
        let grab = at - c.start;
        // One entry per link group: moving a clip moves its linked partners too.
        let mut covered: Vec<ClipId> = Vec::new();
        let mut origin = Vec::new();
        let others = editor.selection.iter().copied().filter(|id| *id != clip);
        for id in std::iter::once(clip).chain(others) {
            if covered.contains(&id) {
                continue;
            }
            covered.extend(editor.project.linked_clips(id));
            covered.push(id);
            let Some(location) = editor.project.locate_clip(id) else {
                continue;
            };
            let (Some(track), Some(moved)) = (
                editor.project.tracks.get(location.track),
                editor.project.clip(id),
            ) else {
                continue;
            };
            origin.push((id, track.id, moved.start));
        }
        editor.history.begin_gesture(if origin.len() > 1 {
            format!("Move {} clips", origin.len())
        } else {
            "Move clip".to_owned()
        });
        self.drag = Some(Drag::Move {
            anchor: clip,
            grab,
            origin,
        });
    }

    /// Where a span of `length` being moved to start at `proposed` starts once snapped: by
    /// its start or its end, whichever lies nearer a target within `tolerance`, unless that
    /// would start it before `earliest`. A snap leaves its guide in `snapped`.
    pub(in crate::ui) fn snap_span(
        &mut self,
        (proposed, length): (Time, Time),
        targets: &[SnapTarget],
        tolerance: Time,
        earliest: Time,
    ) -> Time {
        let by_start =
            snap(proposed, targets, tolerance).map(|t| (t.time - proposed, t.time, t.time));
        let by_end = snap(proposed + length, targets, tolerance)
            .map(|t| (t.time - (proposed + length), t.time - length, t.time));
        let nearest = match (by_start, by_end) {
            (Some(a), Some(b)) if b.0 .0.unsigned_abs() < a.0 .0.unsigned_abs() => Some(b),
            (Some(a), _) => Some(a),
            (None, b) => b,
        };
        match nearest {
            Some((_, start, guide)) if start >= earliest => {
                self.snapped = Some(guide);
                start
            }
            _ => proposed,
        }
    }

    /// Moves the dragged clips so the anchor starts near `proposed` (snapped), all by the
    /// same amount, as one batch: all of them move or none does.
    #[allow(clippy::too_many_arguments)]
    fn drag_clips(
        &mut self,
        editor: &mut Editor,
        rows: &[(usize, Rect)],
        y: f32,
        anchor: ClipId,
        proposed: Time,
        origin: &[(ClipId, TrackId, Time)],
        tolerance: Time,
    ) {
        let Some(&(_, _, anchor_start)) = origin.first() else {
            return;
        };
        let Some(duration) = editor.project.clip(anchor).map(|c| c.duration()) else {
            return;
        };
        // No clip may go before zero, so the whole group stops when its first one does.
        let earliest = origin.iter().map(|o| o.2).min().unwrap_or(Time::ZERO);
        let proposed = proposed.max(anchor_start - earliest);
        let moving: Vec<ClipId> = origin
            .iter()
            .flat_map(|(id, _, _)| {
                let mut ids = editor.project.linked_clips(*id);
                ids.push(*id);
                ids
            })
            .collect();
        let targets = snap_targets(&editor.project, editor.playhead, &moving);
        let start = self.snap_span(
            (proposed, duration),
            &targets,
            tolerance,
            anchor_start - earliest,
        );
        let delta = start - anchor_start;
        let anchor_track = target_track(editor, rows, y, anchor);
        let mut edits: Vec<(Time, Edit)> = origin
            .iter()
            .map(|&(clip, track, from)| {
                let track = if clip == anchor {
                    anchor_track.unwrap_or(track)
                } else {
                    track
                };
                let current = editor.project.clip(clip).map_or(from, |c| c.start);
                (
                    current,
                    Edit::MoveClip {
                        clip,
                        track,
                        start: from + delta,
                    },
                )
            })
            .collect();
        // Move the clip leading the way first, so no clip lands on one not yet moved.
        let forward = edits
            .first()
            .and_then(|(current, e)| match e {
                Edit::MoveClip { start, .. } => Some(*start >= *current),
                _ => None,
            })
            .unwrap_or(true);
        edits.sort_by_key(|(current, _)| *current);
        if forward {
            edits.reverse();
        }
        let edits: Vec<Edit> = edits.into_iter().map(|(_, e)| e).collect();
        // A refused position (an overlap) just keeps the clips where they were.
        let edit = match <[Edit; 1]>::try_from(edits) {
            Ok([one]) => one,
            Err(edits) => Edit::Batch { edits },
        };
        let _ = editor.apply(edit);
    }
}

/// Puts a refused edit's reason in the response, for a toast.
fn report(response: &mut TimelineResponse, result: Result<(), crate::timeline::EditError>) {
    if let Err(e) = result {
        response.error = Some(e.to_string());
    }
}

/// The clip under `pos` and, when the pointer is on one of its edges, which edge.
pub(in crate::ui) fn hit_clip(
    view: &TimelineView,
    editor: &Editor,
    rows: &[(usize, Rect)],
    left: f32,
    pos: egui::Pos2,
) -> Option<(ClipId, Option<Edge>)> {
    if pos.x < left {
        return None;
    }
    let &(index, _) = rows.iter().find(|(_, r)| r.contains(pos))?;
    let track = editor.project.tracks.get(index)?;
    track.clips.iter().find_map(|clip| {
        let x0 = view.x_of(clip.start, left);
        let x1 = view.x_of(clip.end(), left);
        if pos.x < x0 - 1.0 || pos.x > x1 + 1.0 {
            return None;
        }
        let edge = if pos.x - x0 <= EDGE_GRAB && x1 - x0 > 3.0 * EDGE_GRAB {
            Some(Edge::In)
        } else if x1 - pos.x <= EDGE_GRAB && x1 - x0 > 3.0 * EDGE_GRAB {
            Some(Edge::Out)
        } else {
            None
        };
        Some((clip.id, edge))
    })
}

/// The subtitle cue under `pos`, with its track and the edge the pointer is on, if any.
fn hit_cue_at(
    view: &TimelineView,
    editor: &Editor,
    rows: &[(usize, Rect)],
    left: f32,
    pos: egui::Pos2,
) -> Option<(TrackId, crate::timeline::CueId, Option<Edge>)> {
    if pos.x < left {
        return None;
    }
    let &(index, _) = rows.iter().find(|(_, r)| r.contains(pos))?;
    super::cues::hit_cue(view, editor, index, left, pos)
}

/// The unlocked subtitle track drawn in the row under `y`, if any: where a dragged cue
/// goes.
fn subtitle_track_at(editor: &Editor, rows: &[(usize, Rect)], y: f32) -> Option<TrackId> {
    let &(index, _) = rows.iter().find(|(_, r)| r.top() <= y && y < r.bottom())?;
    let track = editor.project.tracks.get(index)?;
    (track.kind == crate::timeline::TrackKind::Subtitle && !track.locked).then_some(track.id)
}

/// The track a dragged clip should land on: the row under the pointer if it holds the
/// same kind of clips, else the clip's own track.
fn target_track(editor: &Editor, rows: &[(usize, Rect)], y: f32, clip: ClipId) -> Option<TrackId> {
    let location = editor.project.locate_clip(clip)?;
    let own = editor.project.tracks.get(location.track)?;
    let hovered = rows
        .iter()
        .find(|(_, r)| r.top() <= y && y < r.bottom())
        .and_then(|(i, _)| editor.project.tracks.get(*i));
    match hovered {
        Some(t) if t.kind == own.kind && !t.locked => Some(t.id),
        _ => Some(own.id),
    }
}
