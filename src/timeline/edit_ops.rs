//! The editing operations users think in — move, trim, roll, split, ripple delete, close
//! gap, speed, links, keyframes, presets, subtitle cue edits — each lowered to primitive
//! edits inside one transaction, so its inverse comes for free.
//!
//! Rules shared by the operations: linked clips move, split, change speed and
//! ripple-delete together, and are trimmed together when they share the edge trimmed;
//! keyframes stay with the picture they animate (a trimmed in-point shifts them, a speed
//! change stretches them); a plain trim never pushes into a neighbour but stops at it.
//! Trimming itself lives in `edit_trim`.

use super::clip::{Clip, ClipId};
use super::edit::{Edit, EditError};
use super::edit_apply::{transaction, Tx};
use super::edit_trim::{replace_member, roll, trim_group};
use super::presets;
use super::project::Project;
use super::speed::{Speed, SpeedCurve};
use super::subtitles;
use super::time::{Rounding, Time};
use super::track::TrackId;
use super::transform::Property;

/// Applies an edit that is not a primitive (called by [`super::edit_apply::apply`]).
pub(crate) fn apply_operation(project: &mut Project, edit: Edit) -> Result<Edit, EditError> {
    match edit {
        Edit::MoveClip { clip, track, start } => {
            let (old_track, old) = clip_of(project, clip)?;
            transaction(project, |tx| move_clip(tx, clip, track, start))?;
            // Moving back is the whole inverse: linked clips follow by the same amount.
            Ok(Edit::MoveClip {
                clip,
                track: old_track,
                start: old.start,
            })
        }
        Edit::TrimClip {
            clip,
            edge,
            to,
            ripple,
        } => transaction(project, |tx| trim_group(tx, clip, edge, to, ripple)),
        Edit::RollEdit { clip, to } => transaction(project, |tx| roll(tx, clip, to)),
        Edit::SplitClip { clip, at } => transaction(project, |tx| split_group(tx, clip, at)),
        Edit::RippleDelete { clip } => transaction(project, |tx| ripple_delete(tx, clip)),
        Edit::CloseGap { track, at } => transaction(project, |tx| close_gap(tx, track, at)),
        Edit::SetSpeed {
            clip,
            speed,
            ripple,
        } => transaction(project, |tx| set_speed(tx, clip, speed, ripple)),
        Edit::LinkClips { clips } => {
            if clips.len() < 2 {
                return Err(EditError::Invalid(
                    "linking needs at least two clips".into(),
                ));
            }
            let link = project.next_link_id();
            transaction(project, |tx| {
                tx.run(Edit::SetLinks {
                    links: clips.into_iter().map(|c| (c, Some(link))).collect(),
                })
            })
        }
        Edit::UnlinkClips { clips } => transaction(project, |tx| {
            tx.run(Edit::SetLinks {
                links: clips.into_iter().map(|c| (c, None)).collect(),
            })
        }),
        edit @ (Edit::SetKeyframe { .. }
        | Edit::RemoveKeyframe { .. }
        | Edit::MoveKeyframe { .. }) => apply_keyframe_edit(project, edit),
        Edit::ApplyPreset {
            clip,
            preset,
            duration,
        } => apply_preset(project, clip, &preset, duration),
        edit @ (Edit::AddCue { .. }
        | Edit::RemoveCue { .. }
        | Edit::UpdateCue { .. }
        | Edit::SplitCue { .. }
        | Edit::MergeCues { .. }
        | Edit::ShiftCues { .. }
        | Edit::RetimeCues { .. }) => apply_cue_edit(project, edit),
        other => Err(EditError::Invalid(format!(
            "{} cannot be applied here",
            other.label()
        ))),
    }
}

/// Adds, removes or moves one keyframe of a clip's property.
fn apply_keyframe_edit(project: &mut Project, edit: Edit) -> Result<Edit, EditError> {
    match edit {
        Edit::SetKeyframe {
            clip,
            property,
            time,
            value,
            interpolation,
        } => {
            if !value.is_finite() {
                return Err(EditError::Invalid(
                    "keyframe values must be finite numbers".into(),
                ));
            }
            edit_channel(project, clip, property, |k| {
                k.insert(time, value, interpolation);
                Ok(())
            })
        }
        Edit::RemoveKeyframe {
            clip,
            property,
            time,
        } => edit_channel(project, clip, property, |k| {
            k.remove(time)
                .map(|_| ())
                .ok_or(EditError::NoSuchKeyframe { property, time })
        }),
        Edit::MoveKeyframe {
            clip,
            property,
            from,
            to,
        } => edit_channel(project, clip, property, |k| {
            if k.move_key(from, to) {
                Ok(())
            } else {
                Err(EditError::NoSuchKeyframe {
                    property,
                    time: from,
                })
            }
        }),
        other => Err(EditError::Invalid(format!(
            "{} cannot be applied here",
            other.label()
        ))),
    }
}

/// Edits the cues of one subtitle track.
fn apply_cue_edit(project: &mut Project, edit: Edit) -> Result<Edit, EditError> {
    match edit {
        Edit::AddCue { track, cue } => edit_cues(project, track, |cues, _| {
            cues.push(cue);
            Ok(())
        }),
        Edit::RemoveCue { track, cue } => edit_cues(project, track, |cues, _| {
            let i = cues
                .iter()
                .position(|c| c.id == cue)
                .ok_or(EditError::NoSuchCue(cue))?;
            cues.remove(i);
            Ok(())
        }),
        Edit::UpdateCue { track, cue } => edit_cues(project, track, |cues, _| {
            let slot = cues
                .iter_mut()
                .find(|c| c.id == cue.id)
                .ok_or(EditError::NoSuchCue(cue.id))?;
            *slot = cue;
            Ok(())
        }),
        Edit::SplitCue {
            track,
            cue,
            at,
            text_at,
        } => edit_cues(project, track, |cues, new_id| {
            subtitles::split_cue(cues, cue, at, new_id, text_at)
        }),
        Edit::MergeCues {
            track,
            first,
            second,
        } => edit_cues(project, track, |cues, _| {
            subtitles::merge_cues(cues, first, second)
        }),
        Edit::ShiftCues {
            track,
            from,
            to,
            by,
        } => edit_cues(project, track, |cues, _| {
            subtitles::shift_cues(cues, from, to, by)
        }),
        Edit::RetimeCues {
            track,
            anchor,
            num,
            den,
        } => edit_cues(project, track, |cues, _| {
            subtitles::retime_cues(cues, anchor, num, den)
        }),
        other => Err(EditError::Invalid(format!(
            "{} cannot be applied here",
            other.label()
        ))),
    }
}

pub(crate) fn clip_of(project: &Project, id: ClipId) -> Result<(TrackId, Clip), EditError> {
    let loc = project.locate_clip(id).ok_or(EditError::NoSuchClip(id))?;
    let track = &project.tracks[loc.track];
    Ok((track.id, track.clips[loc.index].clone()))
}

fn move_clip(tx: &mut Tx<'_>, id: ClipId, track: TrackId, start: Time) -> Result<(), EditError> {
    let (_, primary) = clip_of(tx.project, id)?;
    let delta = start - primary.start;
    let mut moves = Vec::new();
    for member in tx.project.linked_clips(id) {
        let (own_track, clip) = clip_of(tx.project, member)?;
        let target = if member == id { track } else { own_track };
        if clip.start + delta < Time::ZERO {
            return Err(EditError::BeforeZero);
        }
        moves.push((target, clip));
    }
    for (_, clip) in &moves {
        tx.run(Edit::RemoveClip { clip: clip.id })?;
    }
    for (target, mut clip) in moves {
        clip.start += delta;
        tx.run(Edit::InsertClip {
            track: target,
            clip,
        })?;
    }
    Ok(())
}

/// The two halves of `clip` split at timeline time `at`; the right half gets `new_id` and
/// starts where the left half ends (within a tick of `at`), ending no later than before.
pub(crate) fn split_value(
    clip: &Clip,
    at: Time,
    new_id: ClipId,
) -> Result<(Clip, Clip), EditError> {
    let offset = at - clip.start;
    let outside = EditError::OutsideRange {
        what: "split point",
        at,
    };
    if offset <= Time::ZERO || at >= clip.end() {
        return Err(outside);
    }
    let len = clip.source_len();
    let (left_speed, right_speed) = clip.speed.split_at(len, offset);
    let mut left = clip.clone();
    let mut right = clip.clone();
    right.id = new_id;
    left.speed = left_speed;
    right.speed = right_speed;
    if !matches!(clip.speed.curve, SpeedCurve::Freeze { .. }) {
        let consumed = clip.speed.source_offset(len, offset);
        let left_len = consumed.min(left.speed.max_source_len_for(offset));
        if left_len <= Time::ZERO || left_len >= len {
            return Err(outside);
        }
        let right_room = clip.end() - (clip.start + left.speed.duration_for(left_len));
        let right_len = (len - left_len).min(right.speed.max_source_len_for(right_room));
        if right_len <= Time::ZERO {
            return Err(outside);
        }
        if clip.speed.reverse {
            left.source_in = clip.source_out - left_len;
            right.source_out = left.source_in;
            right.source_in = right.source_out - right_len;
        } else {
            left.source_out = clip.source_in + left_len;
            right.source_in = left.source_out;
            right.source_out = right.source_in + right_len;
        }
    }
    right.start = left.end();
    let cut = right.start - clip.start;
    let (la, ra) = clip.animation.split_at(cut);
    left.animation = la;
    right.animation = ra;
    for (output, r) in &clip.reframes {
        let (lc, rc) = r.crop.split_at(cut);
        if let Some(l) = left.reframes.get_mut(output) {
            l.crop = lc;
        }
        if let Some(rr) = right.reframes.get_mut(output) {
            rr.crop = rc;
        }
    }
    Ok((left, right))
}

fn split_group(tx: &mut Tx<'_>, id: ClipId, at: Time) -> Result<(), EditError> {
    let members = tx.project.linked_clips(id);
    let mut new_link = None;
    for member in members {
        let (track, clip) = clip_of(tx.project, member)?;
        if member != id && !clip.contains(at) {
            continue;
        }
        let new_id = tx.project.next_clip_id();
        let (left, mut right) = split_value(&clip, at, new_id)?;
        if clip.link.is_some() {
            // The right halves form a new link group of their own.
            let link = *new_link.get_or_insert_with(|| tx.project.next_link_id());
            right.link = Some(link);
        }
        tx.run(Edit::UpdateClip { clip: left })?;
        tx.run(Edit::InsertClip { track, clip: right })?;
    }
    Ok(())
}

fn ripple_delete(tx: &mut Tx<'_>, id: ClipId) -> Result<(), EditError> {
    for member in tx.project.linked_clips(id) {
        let (track, clip) = clip_of(tx.project, member)?;
        tx.run(Edit::RemoveClip { clip: member })?;
        tx.run(Edit::ShiftClips {
            track,
            from: clip.end(),
            by: -clip.duration(),
        })?;
    }
    Ok(())
}

fn close_gap(tx: &mut Tx<'_>, track: TrackId, at: Time) -> Result<(), EditError> {
    let t = tx
        .project
        .track(track)
        .ok_or(EditError::NoSuchTrack(track))?;
    let no_gap = EditError::OutsideRange {
        what: "gap position",
        at,
    };
    if t.clip_at(at).is_some() {
        return Err(no_gap);
    }
    let gap_start = t
        .clips
        .iter()
        .map(Clip::end)
        .filter(|&e| e <= at)
        .max()
        .unwrap_or(Time::ZERO);
    let next = t
        .clips
        .iter()
        .map(|c| c.start)
        .filter(|&s| s > at)
        .min()
        .ok_or(no_gap)?;
    tx.run(Edit::ShiftClips {
        track,
        from: next,
        by: gap_start - next,
    })
}

fn set_speed(tx: &mut Tx<'_>, id: ClipId, speed: Speed, ripple: bool) -> Result<(), EditError> {
    speed
        .validate()
        .map_err(|e| EditError::Invalid(e.to_string()))?;
    // A recording's picture and sound change speed together.
    let mut rippled = Vec::new();
    for member in tx.project.linked_clips(id) {
        let (track, clip) = clip_of(tx.project, member)?;
        let mut new = clip.clone();
        new.speed = Speed {
            keep_pitch: if member == id {
                speed.keep_pitch
            } else {
                clip.speed.keep_pitch
            },
            ..speed.clone()
        };
        let (old_d, new_d) = (clip.duration().0, new.duration().0);
        if old_d > 0 {
            let stretch = |t: Time| t.mul_ratio(new_d, old_d, Rounding::Nearest);
            for p in Property::ALL {
                if let Some(k) = clip.animation.channel(p) {
                    new.animation.set_channel(p, k.map_times(stretch));
                }
            }
            for r in new.reframes.values_mut() {
                r.crop = r.crop.map_times(stretch);
            }
        }
        replace_member(tx, track, &clip, new, ripple, &mut rippled)?;
    }
    Ok(())
}

fn edit_channel(
    project: &mut Project,
    id: ClipId,
    property: Property,
    change: impl FnOnce(&mut super::keyframes::Keyframes<f64>) -> Result<(), EditError>,
) -> Result<Edit, EditError> {
    let (_, clip) = clip_of(project, id)?;
    let mut keys = clip
        .animation
        .channel(property)
        .cloned()
        .unwrap_or_default();
    change(&mut keys)?;
    super::edit::apply(
        project,
        Edit::SetChannel {
            clip: id,
            property,
            keyframes: keys,
        },
    )
}

fn apply_preset(
    project: &mut Project,
    id: ClipId,
    name: &str,
    duration: Time,
) -> Result<Edit, EditError> {
    let preset =
        presets::animation_preset(name).ok_or_else(|| EditError::NoSuchPreset(name.to_owned()))?;
    let (_, clip) = clip_of(project, id)?;
    let channels = preset.keyframes_for(&clip.animation, clip.duration(), duration);
    transaction(project, |tx| {
        for (property, keyframes) in channels {
            tx.run(Edit::SetChannel {
                clip: id,
                property,
                keyframes,
            })?;
        }
        Ok(())
    })
}

fn edit_cues(
    project: &mut Project,
    track: TrackId,
    change: impl FnOnce(&mut Vec<subtitles::SubtitleCue>, subtitles::CueId) -> Result<(), EditError>,
) -> Result<Edit, EditError> {
    let new_id = project.next_cue_id();
    let mut cues = project
        .track(track)
        .ok_or(EditError::NoSuchTrack(track))?
        .cues
        .clone();
    change(&mut cues, new_id)?;
    super::edit::apply(project, Edit::SetCues { track, cues })
}
