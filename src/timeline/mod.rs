//! The project model: everything a Clipwright project is, and every way it can change.
//!
//! This module is pure data and pure functions — no egui, no FFmpeg, no threads, and no
//! I/O except reading and writing project files in [`mod@file`]. The GUI reads a [`Project`]
//! and emits [`Edit`] values; [`History`] applies them through [`apply`] and keeps their
//! inverses for undo; the compositor and export ask the `Project` what is on screen at a
//! [`Time`].
//!
//! A tour in five lines:
//!
//! - time is an integer count of flicks ([`Time`]), frame rates are exact ([`Rational`]);
//! - a [`Project`] has a [`Canvas`], a media pool of [`MediaSource`]s and [`Track`]s of
//!   [`Clip`]s (and subtitle [`SubtitleCue`]s), plus markers and output formats;
//! - a clip maps timeline time to source time through its [`Speed`] (constant, ramp,
//!   freeze, reverse) and animates through [`Keyframes`] per [`Property`];
//! - [`Project::active_clips_at`] gives what to draw, bottom to top, and each
//!   [`ActiveClip`] gives its source time, [`Transform`] and volume;
//! - [`file::load`] / [`file::save`] read and write the JSON project file.
pub mod clip;
pub mod easing;
pub mod edit;
mod edit_apply;
pub(crate) mod edit_ops;
pub mod file;
pub mod history;
pub mod import;
pub mod keyframes;
pub mod presets;
pub mod project;
pub mod reframe;
pub mod snap;
pub mod source;
pub mod speed;
pub mod style;
pub mod subtitles;
pub mod time;
pub mod timecode;
pub mod track;
pub mod transform;
pub mod validate;

#[cfg(test)]
mod tests;

pub use clip::{Clip, ClipContent, ClipId, LinkId};
pub use easing::Interpolation;
pub use edit::{apply, Edge, Edit, EditError};
pub use file::{ProjectFile, ProjectFileError, FORMAT_VERSION};
pub use history::History;
pub use keyframes::{Keyframe, Keyframes, Lerp};
pub use presets::{animation_preset, animation_presets, AnimationPreset, PresetKind};
pub use project::{ActiveClip, Canvas, Marker, MarkerId, Project};
pub use reframe::{
    CanvasPreset, CropRect, CropWindow, OutputFormat, OutputId, Reframe, ReframeAt, ReframeMode,
};
pub use source::{AudioInfo, MediaSource, SourceId, SourceInfo, VideoInfo};
pub use speed::{ramp_preset, RampPoint, RampPreset, Speed, SpeedCurve, SpeedFactor, RAMP_PRESETS};
pub use style::{Alignment, Color, StyleOverride, TextStyle};
pub use subtitles::{CueId, SubtitleCue, WordTiming};
pub use time::{Rational, Rounding, Time, FLICKS_PER_SECOND};
pub use timecode::TimecodeError;
pub use track::{Track, TrackId, TrackKind};
pub use transform::{Animation, CropEdges, Property, Transform, Vec2};
