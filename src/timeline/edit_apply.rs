//! Carrying out edits: [`apply`] for the primitive edits, and the transaction that
//! makes a batch (or a lowered operation from `edit_ops`) all-or-nothing.
//!
//! Every primitive checks before it changes anything, so a failed edit leaves the project
//! as it was; a transaction rolls back the primitives it already applied.

use super::clip::{Clip, ClipId, LinkId};
use super::edit::{Edit, EditError};
use super::edit_ops;
use super::effects::Effects;
use super::keyframes::Keyframes;
use super::project::{Canvas, Marker, MarkerId, Project};
use super::reframe::{OutputFormat, OutputId, Reframe};
use super::source::{MediaSource, SourceId};
use super::subtitles::SubtitleCue;
use super::time::Time;
use super::track::{Track, TrackId, TrackKind};
use super::transform::Property;
use super::validate::{check_clip, check_cue_times};

/// Applies `edit` to `project`, returning the edit that undoes it. On error the project
/// is unchanged.
pub fn apply(project: &mut Project, edit: Edit) -> Result<Edit, EditError> {
    match edit {
        Edit::Batch { edits } => transaction(project, |tx| {
            for e in edits {
                tx.run(e)?;
            }
            Ok(())
        }),
        Edit::RenameProject { name } => {
            let old = std::mem::replace(&mut project.name, name);
            Ok(Edit::RenameProject { name: old })
        }
        Edit::SetCanvas { canvas } => set_canvas(project, canvas),
        Edit::SetOutputs { outputs } => set_outputs(project, outputs),
        Edit::SetMainOutput { main } => {
            let old = std::mem::replace(&mut project.main_output, main);
            Ok(Edit::SetMainOutput { main: old })
        }
        Edit::AddSource { source } => add_source(project, source),
        Edit::RemoveSource { id } => remove_source(project, id),
        Edit::UpdateSource { source } => update_source(project, source),
        Edit::AddTrack { index, track } => add_track(project, index, track),
        Edit::RemoveTrack { id } => remove_track(project, id),
        Edit::MoveTrack { id, index } => move_track(project, id, index),
        Edit::SetTrackFlags {
            id,
            muted,
            locked,
            hidden,
        } => set_track_flags(project, id, muted, locked, hidden),
        Edit::RenameTrack { id, name } => {
            let t = track_mut(project, id)?;
            let old = std::mem::replace(&mut t.name, name);
            Ok(Edit::RenameTrack { id, name: old })
        }
        Edit::InsertClip { track, clip } => insert_clip(project, track, clip),
        Edit::RemoveClip { clip } => remove_clip(project, clip),
        Edit::UpdateClip { clip } => update_clip(project, clip),
        Edit::ShiftClips { track, from, by } => shift_clips(project, track, from, by),
        Edit::SetLinks { links } => set_links(project, links),
        Edit::SetChannel {
            clip,
            property,
            keyframes,
        } => set_channel(project, clip, property, keyframes),
        Edit::SetReframe {
            clip,
            output,
            reframe,
        } => set_reframe(project, clip, output, reframe),
        Edit::SetEffects { clip, effects } => set_effects(project, clip, effects),
        Edit::AddMarker { marker } => add_marker(project, marker),
        Edit::RemoveMarker { id } => remove_marker(project, id),
        Edit::MoveMarker { id, time } => move_marker(project, id, time),
        Edit::RenameMarker { id, name } => {
            let m = marker_mut(project, id)?;
            let old = std::mem::replace(&mut m.name, name);
            Ok(Edit::RenameMarker { id, name: old })
        }
        Edit::SetSubtitleStyle { name, style } => {
            let old = match style {
                Some(s) => project.subtitle_styles.insert(name.clone(), s),
                None => project.subtitle_styles.remove(&name),
            };
            Ok(Edit::SetSubtitleStyle { name, style: old })
        }
        Edit::SetCues { track, cues } => set_cues(project, track, cues),
        other => edit_ops::apply_operation(project, other),
    }
}

fn set_canvas(project: &mut Project, canvas: Canvas) -> Result<Edit, EditError> {
    if canvas.width == 0 || canvas.height == 0 || canvas.width > 16384 || canvas.height > 16384 {
        return Err(EditError::Invalid(
            "canvas size must be 1 to 16384 pixels".into(),
        ));
    }
    let old = std::mem::replace(&mut project.canvas, canvas);
    Ok(Edit::SetCanvas { canvas: old })
}

fn set_outputs(project: &mut Project, outputs: Vec<OutputFormat>) -> Result<Edit, EditError> {
    let old = std::mem::replace(&mut project.outputs, outputs);
    if let Err(e) = super::validate::validate_outputs(project) {
        project.outputs = old;
        return Err(e);
    }
    Ok(Edit::SetOutputs { outputs: old })
}

fn add_source(project: &mut Project, source: MediaSource) -> Result<Edit, EditError> {
    if project.source(source.id).is_some() {
        return Err(EditError::DuplicateId(format!("source {}", source.id.0)));
    }
    let id = source.id;
    project.sources.push(source);
    Ok(Edit::RemoveSource { id })
}

fn remove_source(project: &mut Project, id: SourceId) -> Result<Edit, EditError> {
    if project.clips().any(|(_, c)| c.source() == Some(id)) {
        return Err(EditError::SourceInUse(id));
    }
    let missing = EditError::NoSuchSource(id);
    let source = take(&mut project.sources, |s| s.id == id, missing)?;
    Ok(Edit::AddSource { source })
}

fn update_source(project: &mut Project, source: MediaSource) -> Result<Edit, EditError> {
    let missing = EditError::NoSuchSource(source.id);
    let slot = find_mut(&mut project.sources, |s| s.id == source.id, missing)?;
    let old = std::mem::replace(slot, source);
    Ok(Edit::UpdateSource { source: old })
}

fn remove_track(project: &mut Project, id: TrackId) -> Result<Edit, EditError> {
    let index = project.track_index(id).ok_or(EditError::NoSuchTrack(id))?;
    if project.tracks[index].locked {
        return Err(EditError::TrackLocked(id));
    }
    let track = project.tracks.remove(index);
    Ok(Edit::AddTrack { index, track })
}

fn move_track(project: &mut Project, id: TrackId, index: usize) -> Result<Edit, EditError> {
    let old = project.track_index(id).ok_or(EditError::NoSuchTrack(id))?;
    let track = project.tracks.remove(old);
    let index = index.min(project.tracks.len());
    project.tracks.insert(index, track);
    Ok(Edit::MoveTrack { id, index: old })
}

fn set_track_flags(
    project: &mut Project,
    id: TrackId,
    muted: Option<bool>,
    locked: Option<bool>,
    hidden: Option<bool>,
) -> Result<Edit, EditError> {
    let t = track_mut(project, id)?;
    let inverse = Edit::SetTrackFlags {
        id,
        muted: muted.map(|_| t.muted),
        locked: locked.map(|_| t.locked),
        hidden: hidden.map(|_| t.hidden),
    };
    t.muted = muted.unwrap_or(t.muted);
    t.locked = locked.unwrap_or(t.locked);
    t.hidden = hidden.unwrap_or(t.hidden);
    Ok(inverse)
}

fn remove_clip(project: &mut Project, clip: ClipId) -> Result<Edit, EditError> {
    let loc = project
        .locate_clip(clip)
        .ok_or(EditError::NoSuchClip(clip))?;
    let t = &mut project.tracks[loc.track];
    if t.locked {
        return Err(EditError::TrackLocked(t.id));
    }
    let removed = t.clips.remove(loc.index);
    Ok(Edit::InsertClip {
        track: t.id,
        clip: removed,
    })
}

fn set_links(
    project: &mut Project,
    links: Vec<(ClipId, Option<LinkId>)>,
) -> Result<Edit, EditError> {
    let mut old = Vec::with_capacity(links.len());
    for (id, _) in &links {
        let c = project.clip(*id).ok_or(EditError::NoSuchClip(*id))?;
        old.push((*id, c.link));
    }
    for (id, link) in links {
        if let Some(c) = clip_mut(project, id) {
            c.link = link;
        }
    }
    old.reverse();
    Ok(Edit::SetLinks { links: old })
}

fn set_channel(
    project: &mut Project,
    clip: ClipId,
    property: Property,
    keyframes: Keyframes<f64>,
) -> Result<Edit, EditError> {
    if !keyframes.iter().all(|k| k.value.is_finite()) {
        return Err(EditError::Invalid(
            "keyframe values must be finite numbers".into(),
        ));
    }
    let c = unlocked_clip_mut(project, clip)?;
    let old = c.animation.set_channel(property, keyframes);
    Ok(Edit::SetChannel {
        clip,
        property,
        keyframes: old,
    })
}

fn set_reframe(
    project: &mut Project,
    clip: ClipId,
    output: OutputId,
    reframe: Option<Reframe>,
) -> Result<Edit, EditError> {
    let c = unlocked_clip_mut(project, clip)?;
    let old = match reframe {
        Some(r) => c.reframes.insert(output, r),
        None => c.reframes.remove(&output),
    };
    Ok(Edit::SetReframe {
        clip,
        output,
        reframe: old,
    })
}

fn set_effects(project: &mut Project, clip: ClipId, effects: Effects) -> Result<Edit, EditError> {
    effects
        .validate()
        .map_err(|why| EditError::Invalid(format!("clip {}: {why}", clip.0)))?;
    let c = unlocked_clip_mut(project, clip)?;
    if c.source().is_none() && !effects.is_empty() {
        return Err(EditError::Invalid(format!(
            "clip {}: effects apply to video and picture clips only",
            clip.0
        )));
    }
    let old = std::mem::replace(&mut c.effects, effects);
    Ok(Edit::SetEffects { clip, effects: old })
}

fn add_marker(project: &mut Project, marker: Marker) -> Result<Edit, EditError> {
    if project.markers.iter().any(|m| m.id == marker.id) {
        return Err(EditError::DuplicateId(format!("marker {}", marker.id.0)));
    }
    if marker.time < Time::ZERO {
        return Err(EditError::BeforeZero);
    }
    let id = marker.id;
    project.markers.push(marker);
    project.markers.sort_by_key(|m| (m.time, m.id));
    Ok(Edit::RemoveMarker { id })
}

fn remove_marker(project: &mut Project, id: MarkerId) -> Result<Edit, EditError> {
    let missing = EditError::NoSuchMarker(id);
    let marker = take(&mut project.markers, |m| m.id == id, missing)?;
    Ok(Edit::AddMarker { marker })
}

fn move_marker(project: &mut Project, id: MarkerId, time: Time) -> Result<Edit, EditError> {
    if time < Time::ZERO {
        return Err(EditError::BeforeZero);
    }
    let m = marker_mut(project, id)?;
    let old = std::mem::replace(&mut m.time, time);
    project.markers.sort_by_key(|m| (m.time, m.id));
    Ok(Edit::MoveMarker { id, time: old })
}

fn marker_mut(project: &mut Project, id: MarkerId) -> Result<&mut Marker, EditError> {
    find_mut(
        &mut project.markers,
        |m| m.id == id,
        EditError::NoSuchMarker(id),
    )
}

fn set_cues(
    project: &mut Project,
    track: TrackId,
    cues: Vec<SubtitleCue>,
) -> Result<Edit, EditError> {
    let t = subtitle_track_mut(project, track)?;
    let mut cues = cues;
    for c in &cues {
        check_cue_times(c.start, c.end)?;
    }
    super::subtitles::sort_cues(&mut cues);
    let old = std::mem::replace(&mut t.cues, cues);
    if let Err(e) = unique_cue_ids(project) {
        if let Ok(t) = subtitle_track_mut(project, track) {
            t.cues = old;
        }
        return Err(e);
    }
    Ok(Edit::SetCues { track, cues: old })
}

/// Runs `f` as one all-or-nothing step: on error, everything `f` applied is undone.
pub(crate) fn transaction(
    project: &mut Project,
    f: impl FnOnce(&mut Tx<'_>) -> Result<(), EditError>,
) -> Result<Edit, EditError> {
    let mut tx = Tx {
        project,
        undo: Vec::new(),
    };
    match f(&mut tx) {
        Ok(()) => {
            let mut undo = tx.undo;
            undo.reverse();
            Ok(if undo.len() == 1 {
                undo.remove(0)
            } else {
                Edit::Batch { edits: undo }
            })
        }
        Err(e) => {
            for inverse in tx.undo.into_iter().rev() {
                // Inverses of edits that just succeeded cannot fail.
                let _ = apply(tx.project, inverse);
            }
            Err(e)
        }
    }
}

/// An edit in progress: applies edits and remembers their inverses.
pub(crate) struct Tx<'p> {
    pub(crate) project: &'p mut Project,
    undo: Vec<Edit>,
}

impl Tx<'_> {
    /// Applies one edit as part of the transaction.
    pub(crate) fn run(&mut self, edit: Edit) -> Result<(), EditError> {
        let inverse = apply(self.project, edit)?;
        self.undo.push(inverse);
        Ok(())
    }
}

fn track_mut(project: &mut Project, id: TrackId) -> Result<&mut Track, EditError> {
    find_mut(
        &mut project.tracks,
        |t| t.id == id,
        EditError::NoSuchTrack(id),
    )
}

/// The first of `items` that `is` picks, or the error `missing`.
fn find_mut<T>(
    items: &mut [T],
    is: impl Fn(&T) -> bool,
    missing: EditError,
) -> Result<&mut T, EditError> {
    items.iter_mut().find(|item| is(item)).ok_or(missing)
}

/// Takes out the first of `items` that `is` picks, or fails with `missing`.
fn take<T>(
    items: &mut Vec<T>,
    is: impl Fn(&T) -> bool,
    missing: EditError,
) -> Result<T, EditError> {
    let index = items.iter().position(is).ok_or(missing)?;
    Ok(items.remove(index))
}

fn subtitle_track_mut(project: &mut Project, id: TrackId) -> Result<&mut Track, EditError> {
    let t = track_mut(project, id)?;
    if t.kind != TrackKind::Subtitle {
        return Err(EditError::WrongTrackKind {
            track: id,
            kind: t.kind,
        });
    }
    if t.locked {
        return Err(EditError::TrackLocked(id));
    }
    Ok(t)
}

fn unique_cue_ids(project: &Project) -> Result<(), EditError> {
    let mut seen = std::collections::HashSet::new();
    for c in project.tracks.iter().flat_map(|t| &t.cues) {
        if !seen.insert(c.id) {
            return Err(EditError::DuplicateId(format!("cue {}", c.id.0)));
        }
    }
    Ok(())
}

fn clip_mut(project: &mut Project, id: ClipId) -> Option<&mut Clip> {
    let loc = project.locate_clip(id)?;
    project.tracks.get_mut(loc.track)?.clips.get_mut(loc.index)
}

fn unlocked_clip_mut(project: &mut Project, id: ClipId) -> Result<&mut Clip, EditError> {
    let loc = project.locate_clip(id).ok_or(EditError::NoSuchClip(id))?;
    let track = &mut project.tracks[loc.track];
    if track.locked {
        return Err(EditError::TrackLocked(track.id));
    }
    Ok(&mut track.clips[loc.index])
}

fn add_track(project: &mut Project, index: usize, track: Track) -> Result<Edit, EditError> {
    if project.track(track.id).is_some() {
        return Err(EditError::DuplicateId(format!("track {}", track.id.0)));
    }
    let id = track.id;
    let index = index.min(project.tracks.len());
    project.tracks.insert(index, track);
    // Validating the whole project checks the new track's clips and cues, including ids
    // unique across tracks; small cost for a rare edit.
    if let Err(e) = super::validate::validate(project) {
        project.tracks.remove(index);
        return Err(e);
    }
    Ok(Edit::RemoveTrack { id })
}

fn insert_clip(project: &mut Project, track: TrackId, clip: Clip) -> Result<Edit, EditError> {
    if project.locate_clip(clip.id).is_some() {
        return Err(EditError::DuplicateId(format!("clip {}", clip.id.0)));
    }
    let index = project
        .track_index(track)
        .ok_or(EditError::NoSuchTrack(track))?;
    let t = &project.tracks[index];
    if t.locked {
        return Err(EditError::TrackLocked(track));
    }
    check_clip(project, t, &clip)?;
    let slot = t
        .free_slot(clip.start, clip.end())
        .ok_or(EditError::Overlap {
            track,
            at: clip.start,
        })?;
    let id = clip.id;
    project.tracks[index].clips.insert(slot, clip);
    Ok(Edit::RemoveClip { clip: id })
}

fn update_clip(project: &mut Project, clip: Clip) -> Result<Edit, EditError> {
    let loc = project
        .locate_clip(clip.id)
        .ok_or(EditError::NoSuchClip(clip.id))?;
    let t = &project.tracks[loc.track];
    if t.locked {
        return Err(EditError::TrackLocked(t.id));
    }
    check_clip(project, t, &clip)?;
    let track_id = t.id;
    let old = project.tracks[loc.track].clips.remove(loc.index);
    let t = &mut project.tracks[loc.track];
    match t.free_slot(clip.start, clip.end()) {
        Some(slot) => {
            t.clips.insert(slot, clip);
            Ok(Edit::UpdateClip { clip: old })
        }
        None => {
            let at = clip.start;
            t.clips.insert(loc.index, old);
            Err(EditError::Overlap {
                track: track_id,
                at,
            })
        }
    }
}

fn shift_clips(
    project: &mut Project,
    track: TrackId,
    from: Time,
    by: Time,
) -> Result<Edit, EditError> {
    let t = track_mut(project, track)?;
    if t.locked {
        return Err(EditError::TrackLocked(track));
    }
    let first = t.clips.partition_point(|c| c.start < from);
    let Some(first_moved) = t.clips.get(first) else {
        return Ok(Edit::Batch { edits: Vec::new() });
    };
    let new_start = first_moved.start + by;
    if new_start < Time::ZERO {
        return Err(EditError::BeforeZero);
    }
    if let Some(prev) = first.checked_sub(1).and_then(|i| t.clips.get(i)) {
        if prev.end() > new_start {
            return Err(EditError::Overlap {
                track,
                at: new_start,
            });
        }
    }
    if t.clips
        .last()
        .is_some_and(|c| c.start + by > super::validate::MAX_START)
    {
        return Err(EditError::Invalid(
            "clips would move past the end of the timeline".into(),
        ));
    }
    for c in &mut t.clips[first..] {
        c.start += by;
    }
    // Undo moves exactly the clips moved here: every clip left behind ends (so starts)
    // before `new_start`.
    Ok(Edit::ShiftClips {
        track,
        from: new_start,
        by: -by,
    })
}
