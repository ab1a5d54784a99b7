//! [`Edit`]: every change to a project as a value — the editor's whole vocabulary —
//! and [`apply`] (in `edit_apply`), the one place edits are carried out.
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
pub use super::edit_apply::apply;
use super::effects::Effects;
use super::keyframes::Keyframes;
use super::project::{Canvas, Marker, MarkerId};
use super::reframe::{OutputFormat, OutputId, Reframe};
use super::source::{MediaSource, SourceId};
use super::speed::Speed;
use super::style::TextStyle;
use super::subtitles::{CueId, SubtitleCue};
use super::time::Time;
use super::track::{Track, TrackId, TrackKind};
use super::transform::Property;

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
    #[error("{kind:?} track {} cannot hold this", track.0)]
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
///
/// Serialised externally tagged (`{"move_clip": {...}}`): an internally tagged enum would
/// make serde buffer the contents, which loses the integer map keys of clip reframes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
    /// Replaces the main output's name and subtitle area.
    SetMainOutput {
        /// New settings.
        main: super::outputs::MainOutput,
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
    /// Changes a clip's speed (and its linked clips'); keyframes stretch with it. With
    /// `ripple`, later clips shift.
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
    /// Replaces a clip's picture effects (chroma key, colour, blur).
    SetEffects {
        /// The clip.
        clip: ClipId,
        /// The new effects; the default removes them all.
        effects: Effects,
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
    /// Renames a marker.
    RenameMarker {
        /// Its id.
        id: MarkerId,
        /// New name.
        name: String,
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
            Edit::SetCanvas { .. } | Edit::SetOutputs { .. } | Edit::SetMainOutput { .. } => {
                "Change format"
            }
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
            Edit::SetEffects { .. } => "Change effects",
            Edit::AddMarker { .. } | Edit::RemoveMarker { .. } | Edit::MoveMarker { .. } => {
                "Change marker"
            }
            Edit::RenameMarker { .. } => "Rename marker",
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
