//! Trimming: moving a clip's in- or out-point within the media it has, plain, rippling
//! or rolling the cut between two clips. Part of the operations in `edit_ops`.
//!
//! A trim asks for a timeline position; the clip gets the longest source range that fits
//! before it, so its derived duration never overshoots by a rounding tick, and an
//! in-point trim keeps the clip's end exactly where it was.

use super::clip::{Clip, ClipContent, ClipId};
use super::edit::{Edge, Edit, EditError};
use super::edit_apply::Tx;
use super::edit_ops::clip_of;
use super::project::Project;
use super::speed::SpeedCurve;
use super::time::Time;
use super::track::TrackId;
use super::validate::MAX_SOURCE_LENGTH;

/// The latest source time a clip may reach: the media's end, or the length limit for
/// text and colour clips.
fn usable_end(project: &Project, clip: &Clip) -> Time {
    match clip.source().and_then(|s| project.source(s)) {
        Some(source) => source
            .info
            .usable_end()
            .min(clip.source_in + MAX_SOURCE_LENGTH),
        None => MAX_SOURCE_LENGTH,
    }
}

/// The clip with edge `edge` moved to `to` (before any ripple), or an error if nothing
/// of the clip would remain.
pub(crate) fn trimmed(
    project: &Project,
    clip: &Clip,
    edge: Edge,
    to: Time,
) -> Result<Clip, EditError> {
    let mut out = clip.clone();
    let (start, end) = (clip.start, clip.end());
    let too_short = || EditError::OutsideRange {
        what: "trim point",
        at: to,
    };
    let wanted = match edge {
        Edge::Out => to - start,
        Edge::In => end - to.max(Time::ZERO),
    };
    if wanted <= Time::ZERO {
        return Err(too_short());
    }
    if let SpeedCurve::Freeze { .. } = clip.speed.curve {
        out.speed.curve = SpeedCurve::Freeze {
            duration: wanted.min(MAX_SOURCE_LENGTH),
        };
    } else {
        let want = clip.speed.max_source_len_for(wanted);
        let is_media = matches!(clip.content, ClipContent::Media { .. });
        // Extending towards the source's start is bounded by zero, towards its end by the
        // media's length; which side moves depends on the edge and on reverse playback.
        let grows_source_end = (edge == Edge::Out) != clip.speed.reverse;
        let len = if !is_media {
            want.min(MAX_SOURCE_LENGTH)
        } else if grows_source_end {
            want.min(usable_end(project, clip) - clip.source_in)
        } else {
            want.min(clip.source_out)
        };
        if len <= Time::ZERO {
            return Err(too_short());
        }
        if !is_media {
            out.source_in = Time::ZERO;
            out.source_out = len;
        } else if grows_source_end {
            out.source_out = clip.source_in + len;
        } else {
            out.source_in = clip.source_out - len;
        }
    }
    if edge == Edge::In {
        out.start = end - out.duration();
        let shift = start - out.start;
        out.animation.shift(shift);
        for r in out.reframes.values_mut() {
            r.crop = r.crop.shifted(shift);
        }
    }
    Ok(out)
}

pub(crate) fn trim_group(
    tx: &mut Tx<'_>,
    id: ClipId,
    edge: Edge,
    to: Time,
    ripple: bool,
) -> Result<(), EditError> {
    let (_, primary) = clip_of(tx.project, id)?;
    let shared = |c: &Clip| match edge {
        Edge::In => c.start == primary.start,
        Edge::Out => c.end() == primary.end(),
    };
    let mut touched_tracks = Vec::new();
    for member in tx.project.linked_clips(id) {
        let (track, clip) = clip_of(tx.project, member)?;
        if member != id && !shared(&clip) {
            continue;
        }
        let to = if ripple {
            to
        } else {
            clamp_to_neighbours(tx.project, track, &clip, edge, to)
        };
        let mut new = trimmed(tx.project, &clip, edge, to)?;
        if ripple && edge == Edge::In {
            new.start = clip.start;
        }
        replace_member(tx, track, &clip, new, ripple, &mut touched_tracks)?;
    }
    Ok(())
}

/// Keeps a plain trim from growing a clip into its neighbours.
fn clamp_to_neighbours(
    project: &Project,
    track: TrackId,
    clip: &Clip,
    edge: Edge,
    to: Time,
) -> Time {
    let Some(t) = project.track(track) else {
        return to;
    };
    match edge {
        Edge::Out => t
            .clips
            .iter()
            .filter(|c| c.start >= clip.end())
            .map(|c| c.start)
            .min()
            .map_or(to, |n| to.min(n)),
        Edge::In => t
            .clips
            .iter()
            .filter(|c| c.end() <= clip.start)
            .map(Clip::end)
            .max()
            .map_or(to, |p| to.max(p)),
    }
}

/// Puts `new` in place of `old`, one of a linked group's clips on `track`. With `ripple`,
/// the first member changed on each track moves the rest of that track along by the change
/// in its end ([`replace_rippling`]) and `rippled` notes the track; other members, and
/// every member without `ripple`, are plain updates.
pub(crate) fn replace_member(
    tx: &mut Tx<'_>,
    track: TrackId,
    old: &Clip,
    new: Clip,
    ripple: bool,
    rippled: &mut Vec<TrackId>,
) -> Result<(), EditError> {
    if ripple && !rippled.contains(&track) {
        rippled.push(track);
        replace_rippling(tx, track, old, new)
    } else {
        tx.run(Edit::UpdateClip { clip: new })
    }
}

/// Replaces `old` by `new` on `track` and moves the clips after it by the change in its
/// end, in the order that never makes clips overlap.
fn replace_rippling(
    tx: &mut Tx<'_>,
    track: TrackId,
    old: &Clip,
    new: Clip,
) -> Result<(), EditError> {
    let by = new.end() - old.end();
    let shift = Edit::ShiftClips {
        track,
        from: old.end().max(old.start + Time::TICK),
        by,
    };
    if by > Time::ZERO {
        tx.run(shift)?;
        tx.run(Edit::UpdateClip { clip: new })
    } else {
        tx.run(Edit::UpdateClip { clip: new })?;
        tx.run(shift)
    }
}

pub(crate) fn roll(tx: &mut Tx<'_>, id: ClipId, to: Time) -> Result<(), EditError> {
    let (track, left) = clip_of(tx.project, id)?;
    let right = tx
        .project
        .track(track)
        .and_then(|t| t.clips.iter().find(|c| c.start == left.end()).cloned())
        .ok_or(EditError::NotAdjacent(id))?;
    if to <= left.start || to >= right.end() {
        return Err(EditError::OutsideRange {
            what: "roll point",
            at: to,
        });
    }
    if to > left.end() {
        let new_right = trimmed(tx.project, &right, Edge::In, to)?;
        let new_left = trimmed(tx.project, &left, Edge::Out, new_right.start)?;
        tx.run(Edit::UpdateClip { clip: new_right })?;
        tx.run(Edit::UpdateClip { clip: new_left })
    } else {
        let new_left = trimmed(tx.project, &left, Edge::Out, to)?;
        let new_right = trimmed(tx.project, &right, Edge::In, new_left.end())?;
        tx.run(Edit::UpdateClip { clip: new_left })?;
        tx.run(Edit::UpdateClip { clip: new_right })
    }
}
