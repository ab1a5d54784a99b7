//! [`Edit`]: every change to a project as a value, and [`apply`], the one place edits
//! are carried out.
//!
//! `apply` returns the edit that undoes what it did. Small *primitive* edits (insert,
//! remove or replace a clip, shift clips, set a keyframe channel…) are carried out here;
//! the editing operations users think in (move, trim, roll, split, ripple delete, close a
//! gap, apply a preset…) live in `edit_ops` and lower to a batch of primitives, so their
//! inverse is simply the batch of the primitives' inverses. A failed edit leaves the
//! project exactly as it was.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::clip::{Clip, ClipId, LinkId};
use super::edit_ops;
use super::keyframes::Keyframes;
use super::project::{Canvas, Marker, MarkerId, Project};
use super::reframe::{OutputFormat, OutputId, Reframe};
use super::source::{MediaSource, SourceId};
use super::speed::Speed;
use super::style::TextStyle;
use super::subtitles::{CueId, SubtitleCue};
use super::time::Time;
use super::track::{Track, TrackId, TrackKind};
use super::transform::Property;
use super::validate::{check_clip, check_cue_times};

/// Why an edit could not be applied. The project is unchanged when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// No clip has this id.
    #[error("there is no clip {}", .0.0)]
    NoSuchClip(ClipId),
    /// No track has this id.
    #[error("there is no track {}", .0.0)]
    NoSuchTrack(TrackId),
    /// No source in the media pool has this id.
    #[error("there is no media source {}", .0.0)]
    NoSuchSource(SourceId),
    /// No cue has this id on the track.
    #[error("there is no subtitle cue {}", .0.0)]
    NoSuchCue(CueId),
    /// No marker has this id.
    #[error("there is no marker {}", .0.0)]
    NoSuchMarker(MarkerId),
    /// No keyframe at this time.
    #[error("there is no {property:?} keyframe at {time}")]
    NoSuchKeyframe {
        /// The property.
        property: Property,
        /// The time looked at.
        time: Time,
    },
    /// No preset by this name.
    #[error("there is no preset called \"{0}\"")]
    NoSuchPreset(String),
    /// The track is locked.
    #[error("track {} is locked", .0.0)]
    TrackLocked(TrackId),
    /// Clips would overlap.
    #[error("clips would overlap on track {} at {at}", track.0)]
    Overlap {
        /// The track.
        track: TrackId,
        /// Where.
        at: Time,
    },
    /// Something would start before time zero.
    #[error("nothing can start before the beginning of the timeline")]
    BeforeZero,
    /// A time is outside what it must fall within (e.g. a split point outside the clip).
    #[error("the {what} {at} is outside the range it must fall within")]
    OutsideRange {
        /// What the time is.
        what: &'static str,
        /// The time.
        at: Time,
    },
    /// An id is already in use.
    #[error("{0} already exists")]
    DuplicateId(String),
    /// The track cannot hold this.
    #[error("a {kind:?} track (track {}) cannot hold this", track.0)]
    WrongTrackKind {
        /// The track.
        track: TrackId,
        /// Its kind.
        kind: TrackKind,
    },
    /// The source is still used by clips.
    #[error("media source {} is still used by clips", .0.0)]
    SourceInUse(SourceId),
    /// Two clips must touch for a roll edit.
    #[error("clip {} has no clip right after it to roll into", .0.0)]
    NotAdjacent(ClipId),
    /// Anything else that makes the edit or the project invalid.
    #[error("{0}")]
    Invalid(String),
}

/// Which edge of a clip a trim moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Edge {
    /// The start (in-point).
    In,
    /// The end (out-point).
    Out,
}

/// A change to a project. Serialisable, so undo history can be saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Several edits applied in order as one; all or nothing.
    Batch {
        /// The edits.
        edits: Vec<Edit>,
    },
    /// Renames the project.
    RenameProject {
        /// New name.
        name: String,
    },
    /// Replaces the canvas settings.
    SetCanvas {
        /// New canvas.
        canvas: Canvas,
    },
    /// Replaces the list of extra output formats.
    SetOutputs {
        /// New outputs.
        outputs: Vec<OutputFormat>,
    },
    /// Adds a media source to the pool.
    AddSource {
        /// The source.
        source: MediaSource,
    },
    /// Removes an unused media source.
    RemoveSource {
        /// Its id.
        id: SourceId,
    },
    /// Replaces a source's path, facts and missing flag (relinking).
    UpdateSource {
        /// The source with its new values.
        source: MediaSource,
    },
    /// Inserts a track (with any clips or cues it holds) at `index` (0 is the bottom).
    AddTrack {
        /// Position, clamped to the number of tracks.
        index: usize,
        /// The track.
        track: Track,
    },
    /// Removes a track and everything on it.
    RemoveTrack {
        /// Its id.
        id: TrackId,
    },
    /// Moves a track to `index` in the stack.
    MoveTrack {
        /// Its id.
        id: TrackId,
        /// New position, clamped.
        index: usize,
    },
    /// Sets a track's switches; `None` leaves one unchanged. Allowed on locked tracks.
    SetTrackFlags {
        /// The track.
        id: TrackId,
        /// Mute.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        muted: Option<bool>,
        /// Lock.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        locked: Option<bool>,
        /// Hide.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hidden: Option<bool>,
    },
    /// Renames a track.
    RenameTrack {
        /// The track.
        id: TrackId,
        /// New name.
        name: String,
    },
    /// Puts a clip on a track; it must not overlap others.
    InsertClip {
        /// The track.
        track: TrackId,
        /// The clip, with an unused id.
        clip: Clip,
    },
    /// Removes a clip.
    RemoveClip {
        /// Its id.
        clip: ClipId,
    },
    /// Replaces a clip (found by id) on its track; it must not overlap others.
    UpdateClip {
        /// The new clip value.
        clip: Clip,
    },
    /// Moves every clip on `track` starting at or after `from` by `by`; clips must keep
    /// their order and not overlap.
    ShiftClips {
        /// The track.
        track: TrackId,
        /// First start time moved.
        from: Time,
        /// How far.
        by: Time,
    },
    /// Sets clips' link groups.
    SetLinks {
        /// Clip and its new link group.
        links: Vec<(ClipId, Option<LinkId>)>,
    },
    /// Moves a clip (and its linked clips by the same amount) to `start` on `track`.
    MoveClip {
        /// The clip.
        clip: ClipId,
        /// Its new track (linked clips stay on theirs).
        track: TrackId,
        /// Its new start.
        start: Time,
    },
    /// Moves a clip's edge to timeline time `to`, within the media available. Linked clips
    /// sharing that edge are trimmed too. With `ripple`, the in-point moves but the clip
    /// keeps its start, and later clips on the track shift to follow the clip's end.
    TrimClip {
        /// The clip.
        clip: ClipId,
        /// Which edge.
        edge: Edge,
        /// Where the edge goes.
        to: Time,
        /// Ripple later clips.
        #[serde(default)]
        ripple: bool,
    },
    /// Moves the cut between a clip and the clip right after it to `to`.
    RollEdit {
        /// The clip before the cut.
        clip: ClipId,
        /// New cut time.
        to: Time,
    },
    /// Splits a clip (and linked clips) at timeline time `at`.
    SplitClip {
        /// The clip.
        clip: ClipId,
        /// Where.
        at: Time,
    },
    /// Removes a clip (and linked clips) and closes the hole it leaves.
    RippleDelete {
        /// The clip.
        clip: ClipId,
    },
    /// Closes the gap on `track` that contains `at` by moving later clips left.
    CloseGap {
        /// The track.
        track: TrackId,
        /// A time inside the gap.
        at: Time,
    },
    /// Changes a clip's speed; keyframes stretch with it. With `ripple`, later clips shift.
    SetSpeed {
        /// The clip.
        clip: ClipId,
        /// New speed.
        speed: Speed,
        /// Ripple later clips.
        #[serde(default)]
        ripple: bool,
    },
    /// Links clips so they move, trim, split and delete together.
    LinkClips {
        /// At least two clips.
        clips: Vec<ClipId>,
    },
    /// Unlinks clips.
    UnlinkClips {
        /// The clips.
        clips: Vec<ClipId>,
    },
    /// Adds or replaces a keyframe (time is an offset from the clip start).
    SetKeyframe {
        /// The clip.
        clip: ClipId,
        /// The property.
        property: Property,
        /// Offset from the clip start.
        time: Time,
        /// Value.
        value: f64,
        /// Curve to the next keyframe.
        #[serde(default)]
        interpolation: super::easing::Interpolation,
    },
    /// Removes a keyframe.
    RemoveKeyframe {
        /// The clip.
        clip: ClipId,
        /// The property.
        property: Property,
        /// Offset of the keyframe.
        time: Time,
    },
    /// Moves a keyframe in time (replacing one at the destination).
    MoveKeyframe {
        /// The clip.
        clip: ClipId,
        /// The property.
        property: Property,
        /// Current offset.
        from: Time,
        /// New offset.
        to: Time,
    },
    /// Replaces all keyframes of one property.
    SetChannel {
        /// The clip.
        clip: ClipId,
        /// The property.
        property: Property,
        /// The keyframes (empty removes the animation).
        keyframes: Keyframes<f64>,
    },
    /// Turns a preset animation into keyframes on the clip.
    ApplyPreset {
        /// The clip.
        clip: ClipId,
        /// Preset name (see `presets::ANIMATION_PRESETS`).
        preset: String,
        /// How long the animation lasts (whole-clip presets use the clip's duration).
        duration: Time,
    },
    /// Sets or clears a clip's reframing for one output.
    SetReframe {
        /// The clip.
        clip: ClipId,
        /// The output.
        output: OutputId,
        /// The reframing, `None` to fit.
        reframe: Option<Reframe>,
    },
    /// Adds a marker.
    AddMarker {
        /// The marker, with an unused id.
        marker: Marker,
    },
    /// Removes a marker.
    RemoveMarker {
        /// Its id.
        id: MarkerId,
    },
    /// Moves a marker.
    MoveMarker {
        /// Its id.
        id: MarkerId,
        /// New time.
        time: Time,
    },
    /// Adds a cue to a subtitle track.
    AddCue {
        /// The track.
        track: TrackId,
        /// The cue, with an unused id.
        cue: SubtitleCue,
    },
    /// Removes a cue.
    RemoveCue {
        /// The track.
        track: TrackId,
        /// The cue.
        cue: CueId,
    },
    /// Replaces a cue (found by id).
    UpdateCue {
        /// The track.
        track: TrackId,
        /// The new cue value.
        cue: SubtitleCue,
    },
    /// Splits a cue at `at`; see `subtitles::split_cue`.
    SplitCue {
        /// The track.
        track: TrackId,
        /// The cue.
        cue: CueId,
        /// Where.
        at: Time,
        /// Byte index to split the text at; by default the space nearest the same fraction.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text_at: Option<usize>,
    },
    /// Merges `second` into `first`.
    MergeCues {
        /// The track.
        track: TrackId,
        /// The cue that stays.
        first: CueId,
        /// The cue merged in.
        second: CueId,
    },
    /// Moves cues starting in `[from, to)` by `by`.
    ShiftCues {
        /// The track.
        track: TrackId,
        /// Range start.
        from: Time,
        /// Range end.
        to: Time,
        /// How far.
        by: Time,
    },
    /// Scales all cue times about `anchor` by `num / den`.
    RetimeCues {
        /// The track.
        track: TrackId,
        /// Fixed point.
        anchor: Time,
        /// Numerator.
        num: u32,
        /// Denominator.
        den: u32,
    },
    /// Replaces a track's whole cue list.
    SetCues {
        /// The track.
        track: TrackId,
        /// The cues.
        cues: Vec<SubtitleCue>,
    },
    /// Adds, replaces (`Some`) or removes (`None`) a named subtitle style.
    SetSubtitleStyle {
        /// Style name.
        name: String,
        /// The style.
        style: Option<TextStyle>,
    },
}

impl Edit {
    /// A short description for the Undo / Redo menu items.
    pub fn label(&self) -> &'static str {
        match self {
            Edit::Batch { .. } => "Edit",
            Edit::RenameProject { .. } => "Rename project",
            Edit::SetCanvas { .. } | Edit::SetOutputs { .. } => "Change format",
            Edit::AddSource { .. } => "Import media",
            Edit::RemoveSource { .. } => "Remove media",
            Edit::UpdateSource { .. } => "Relink media",
            Edit::AddTrack { .. } => "Add track",
            Edit::RemoveTrack { .. } => "Delete track",
            Edit::MoveTrack { .. } => "Reorder tracks",
            Edit::SetTrackFlags { .. } | Edit::RenameTrack { .. } => "Change track",
            Edit::InsertClip { .. } => "Add clip",
            Edit::RemoveClip { .. } => "Delete clip",
            Edit::UpdateClip { .. } => "Change clip",
            Edit::ShiftClips { .. } | Edit::MoveClip { .. } => "Move clip",
            Edit::SetLinks { .. } | Edit::LinkClips { .. } => "Link clips",
            Edit::UnlinkClips { .. } => "Unlink clips",
            Edit::TrimClip { .. } => "Trim clip",
            Edit::RollEdit { .. } => "Roll edit",
            Edit::SplitClip { .. } => "Split clip",
            Edit::RippleDelete { .. } => "Ripple delete",
            Edit::CloseGap { .. } => "Close gap",
            Edit::SetSpeed { .. } => "Change speed",
            Edit::SetKeyframe { .. }
            | Edit::RemoveKeyframe { .. }
            | Edit::MoveKeyframe { .. }
            | Edit::SetChannel { .. } => "Change keyframes",
            Edit::ApplyPreset { .. } => "Apply animation",
            Edit::SetReframe { .. } => "Reframe",
            Edit::AddMarker { .. } | Edit::RemoveMarker { .. } | Edit::MoveMarker { .. } => {
                "Change marker"
            }
            Edit::AddCue { .. }
            | Edit::RemoveCue { .. }
            | Edit::UpdateCue { .. }
            | Edit::SplitCue { .. }
            | Edit::MergeCues { .. }
            | Edit::ShiftCues { .. }
            | Edit::RetimeCues { .. }
            | Edit::SetCues { .. } => "Edit subtitles",
            Edit::SetSubtitleStyle { .. } => "Change subtitle style",
        }
    }
}

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
        Edit::SetCanvas { canvas } => {
            if canvas.width == 0
                || canvas.height == 0
                || canvas.width > 16384
                || canvas.height > 16384
            {
                return Err(EditError::Invalid(
                    "canvas size must be 1 to 16384 pixels".into(),
                ));
            }
            let old = std::mem::replace(&mut project.canvas, canvas);
            Ok(Edit::SetCanvas { canvas: old })
        }
        Edit::SetOutputs { outputs } => {
            let old = std::mem::replace(&mut project.outputs, outputs);
            if let Err(e) = super::validate::validate_outputs(project) {
                project.outputs = old;
                return Err(e);
            }
            Ok(Edit::SetOutputs { outputs: old })
        }
        Edit::AddSource { source } => {
            if project.source(source.id).is_some() {
                return Err(EditError::DuplicateId(format!("source {}", source.id.0)));
            }
            let id = source.id;
            project.sources.push(source);
            Ok(Edit::RemoveSource { id })
        }
        Edit::RemoveSource { id } => {
            if project.clips().any(|(_, c)| c.source() == Some(id)) {
                return Err(EditError::SourceInUse(id));
            }
            let index = project
                .sources
                .iter()
                .position(|s| s.id == id)
                .ok_or(EditError::NoSuchSource(id))?;
            let source = project.sources.remove(index);
            Ok(Edit::AddSource { source })
        }
        Edit::UpdateSource { source } => {
            let slot = project
                .sources
                .iter_mut()
                .find(|s| s.id == source.id)
                .ok_or(EditError::NoSuchSource(source.id))?;
            let old = std::mem::replace(slot, source);
            Ok(Edit::UpdateSource { source: old })
        }
        Edit::AddTrack { index, track } => add_track(project, index, track),
        Edit::RemoveTrack { id } => {
            let index = project.track_index(id).ok_or(EditError::NoSuchTrack(id))?;
            if project.tracks[index].locked {
                return Err(EditError::TrackLocked(id));
            }
            let track = project.tracks.remove(index);
            Ok(Edit::AddTrack { index, track })
        }
        Edit::MoveTrack { id, index } => {
            let old = project.track_index(id).ok_or(EditError::NoSuchTrack(id))?;
            let track = project.tracks.remove(old);
            let index = index.min(project.tracks.len());
            project.tracks.insert(index, track);
            Ok(Edit::MoveTrack { id, index: old })
        }
        Edit::SetTrackFlags {
            id,
            muted,
            locked,
            hidden,
        } => {
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
        Edit::RenameTrack { id, name } => {
            let t = track_mut(project, id)?;
            let old = std::mem::replace(&mut t.name, name);
            Ok(Edit::RenameTrack { id, name: old })
        }
        Edit::InsertClip { track, clip } => insert_clip(project, track, clip),
        Edit::RemoveClip { clip } => {
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
        Edit::UpdateClip { clip } => update_clip(project, clip),
        Edit::ShiftClips { track, from, by } => shift_clips(project, track, from, by),
        Edit::SetLinks { links } => {
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
        Edit::SetChannel {
            clip,
            property,
            keyframes,
        } => {
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
        Edit::SetReframe {
            clip,
            output,
            reframe,
        } => {
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
        Edit::AddMarker { marker } => {
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
        Edit::RemoveMarker { id } => {
            let i = project
                .markers
                .iter()
                .position(|m| m.id == id)
                .ok_or(EditError::NoSuchMarker(id))?;
            let marker = project.markers.remove(i);
            Ok(Edit::AddMarker { marker })
        }
        Edit::MoveMarker { id, time } => {
            if time < Time::ZERO {
                return Err(EditError::BeforeZero);
            }
            let m = project
                .markers
                .iter_mut()
                .find(|m| m.id == id)
                .ok_or(EditError::NoSuchMarker(id))?;
            let old = std::mem::replace(&mut m.time, time);
            project.markers.sort_by_key(|m| (m.time, m.id));
            Ok(Edit::MoveMarker { id, time: old })
        }
        Edit::SetSubtitleStyle { name, style } => {
            let old = match style {
                Some(s) => project.subtitle_styles.insert(name.clone(), s),
                None => project.subtitle_styles.remove(&name),
            };
            Ok(Edit::SetSubtitleStyle { name, style: old })
        }
        Edit::SetCues { track, cues } => {
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
        other => edit_ops::apply_operation(project, other),
    }
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
    project
        .tracks
        .iter_mut()
        .find(|t| t.id == id)
        .ok_or(EditError::NoSuchTrack(id))
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
