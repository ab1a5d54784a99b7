//! Snapping: where a dragged clip, cue or edge should stick — clip edges, subtitle cue
//! edges, the playhead, markers and zero.
//!
//! The UI asks while dragging and puts the snapped time into the [`super::edit::Edit`] it
//! emits; the edits themselves never snap, so replaying them is exact.

use super::clip::ClipId;
use super::project::Project;
use super::subtitles::CueId;
use super::time::Time;

/// Where a snap target comes from, so the UI can draw the right guide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnapKind {
    /// The start of the timeline.
    Zero,
    /// The playhead.
    Playhead,
    /// A marker.
    Marker,
    /// The start or end of a clip.
    ClipEdge,
    /// The start or end of a subtitle cue.
    CueEdge,
}

/// A time things stick to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SnapTarget {
    /// Where.
    pub time: Time,
    /// What it is.
    pub kind: SnapKind,
}

/// Every snap target in `project`, sorted by time, leaving out the edges of the clips
/// in `exclude` (the ones being dragged).
pub fn snap_targets(project: &Project, playhead: Time, exclude: &[ClipId]) -> Vec<SnapTarget> {
    let mut out = vec![
        SnapTarget {
            time: Time::ZERO,
            kind: SnapKind::Zero,
        },
        SnapTarget {
            time: playhead,
            kind: SnapKind::Playhead,
        },
    ];
    out.extend(project.markers.iter().map(|m| SnapTarget {
        time: m.time,
        kind: SnapKind::Marker,
    }));
    for (_, clip) in project.clips().filter(|(_, c)| !exclude.contains(&c.id)) {
        out.push(SnapTarget {
            time: clip.start,
            kind: SnapKind::ClipEdge,
        });
        out.push(SnapTarget {
            time: clip.end(),
            kind: SnapKind::ClipEdge,
        });
    }
    out.sort_by_key(|t| t.time);
    out
}

/// The snap targets for dragging subtitle cue `cue`: everything [`snap_targets`] offers
/// plus the edges of every other cue, sorted by time.
pub fn cue_snap_targets(project: &Project, playhead: Time, cue: CueId) -> Vec<SnapTarget> {
    let mut out = snap_targets(project, playhead, &[]);
    for other in project
        .tracks
        .iter()
        .flat_map(|t| &t.cues)
        .filter(|c| c.id != cue)
    {
        for time in [other.start, other.end] {
            out.push(SnapTarget {
                time,
                kind: SnapKind::CueEdge,
            });
        }
    }
    out.sort_by_key(|t| t.time);
    out
}

/// The target nearest to `time` within `tolerance`, if any.
pub fn snap(time: Time, targets: &[SnapTarget], tolerance: Time) -> Option<SnapTarget> {
    targets
        .iter()
        .filter(|t| (t.time - time).0.unsigned_abs() <= tolerance.0.unsigned_abs())
        .min_by_key(|t| (t.time - time).0.unsigned_abs())
        .copied()
}

/// The start a dragged clip should take: its proposed start snapped by whichever of its
/// two edges is closer to a target (within `tolerance`); the proposal itself if neither.
pub fn snap_clip_start(
    project: &Project,
    clip: ClipId,
    proposed_start: Time,
    playhead: Time,
    tolerance: Time,
) -> Time {
    let Some(c) = project.clip(clip) else {
        return proposed_start;
    };
    let exclude = project.linked_clips(clip);
    let targets = snap_targets(project, playhead, &exclude);
    let duration = c.duration();
    let by_start =
        snap(proposed_start, &targets, tolerance).map(|t| (t.time - proposed_start, t.time));
    let by_end = snap(proposed_start + duration, &targets, tolerance)
        .map(|t| (t.time - (proposed_start + duration), t.time - duration));
    match (by_start, by_end) {
        (Some(a), Some(b)) => {
            if a.0 .0.unsigned_abs() <= b.0 .0.unsigned_abs() {
                a.1
            } else {
                b.1
            }
        }
        (Some(a), None) => a.1,
        (None, Some(b)) => b.1,
        (None, None) => proposed_start,
    }
    .max(Time::ZERO)
}
