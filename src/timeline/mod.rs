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
//!
//! ```
//! use clipwright::timeline::{
//!     AudioInfo, ClipId, Edit, History, Project, Rational, SourceInfo, Speed, SpeedFactor,
//!     Time, VideoInfo,
//! };
//!
//! // A 60-second recording lands on the timeline as linked video and audio clips.
//! let info = SourceInfo {
//!     duration: Time::from_secs(60),
//!     video: Some(VideoInfo {
//!         width: 1920,
//!         height: 1080,
//!         frame_rate: Rational::FPS_30,
//!         rotation_degrees: 0,
//!         codec: "h264".into(),
//!     }),
//!     audio: Some(AudioInfo { sample_rate: 48_000, channels: 2, codec: "aac".into() }),
//!     is_still_image: false,
//! };
//! let mut project = Project::from_recording("Stream", "stream.mp4", info);
//! let mut history = History::default();
//!
//! // Cut at 10 s and play the second part twice as fast: two undoable steps.
//! let clip = project.tracks[0].clips[0].id;
//! history.apply(&mut project, Edit::SplitClip { clip, at: Time::from_secs(10) })?;
//! let second = ClipId(3); // the next free id: the recording used 1 and 2
//! assert!(project.tracks[0].clip_at(Time::from_secs(10)).is_some_and(|c| c.id == second));
//! let fast = Speed::constant(SpeedFactor::from_f64(2.0).unwrap_or(SpeedFactor::NORMAL));
//! history.apply(&mut project, Edit::SetSpeed { clip: second, speed: fast, ripple: true })?;
//!
//! // What the compositor draws at 12 s: the second part, 2 s in, so 4 s into its source.
//! let on_screen = project.active_clips_at(Time::from_secs(12));
//! assert_eq!(on_screen[0].source_time(), Time::from_secs(14));
//! assert_eq!(project.duration(), Time::from_secs(35));
//!
//! history.undo(&mut project)?;
//! history.undo(&mut project)?;
//! assert_eq!(project.tracks[0].clips.len(), 1);
//! # Ok::<(), clipwright::timeline::EditError>(())
//! ```
pub mod clip;
pub mod easing;
pub mod edit;
mod edit_apply;
pub(crate) mod edit_ops;
mod edit_trim;
pub mod effects;
pub mod entrance;
pub mod file;
pub mod follow;
pub mod history;
pub mod import;
pub mod keyframes;
pub mod outputs;
pub mod portrait;
pub mod presets;
pub mod project;
pub mod reframe;
pub mod snap;
pub mod source;
pub mod speed;
pub mod sticker;
pub mod style;
pub mod subtitles;
pub mod time;
pub mod timecode;
pub mod track;
pub mod transform;
pub mod validate;

#[cfg(test)]
pub(crate) mod tests;

pub use clip::{Clip, ClipContent, ClipId, LinkId};
pub use easing::Interpolation;
pub use edit::{apply, Edge, Edit, EditError};
pub use effects::{Blur, ChromaKey, ColorAdjust, Effects};
pub use entrance::{EntranceKind, TextEntrance};
pub use file::{ProjectFile, ProjectFileError, FORMAT_VERSION};
pub use follow::{follow_face, FaceSample, FollowSettings};
pub use history::History;
pub use keyframes::{Keyframe, Keyframes, Lerp};
pub use outputs::{MainOutput, SafeArea};
pub use portrait::{Portrait, PortraitBackground};
pub use presets::{animation_preset, animation_presets, AnimationPreset, PresetKind};
pub use project::{ActiveClip, Canvas, Marker, MarkerId, Project};
pub use reframe::{
    CanvasPreset, CropRect, CropWindow, OutputFormat, OutputId, Reframe, ReframeAt, ReframeMode,
};
pub use source::{AudioInfo, MediaSource, SourceId, SourceInfo, VideoInfo};
pub use speed::{ramp_preset, RampPoint, RampPreset, Speed, SpeedCurve, SpeedFactor, RAMP_PRESETS};
pub use sticker::{FaceAnchor, FaceBox, FaceSpot, FaceTrack, StickerPin};
pub use style::{caption_presets, Alignment, Color, StyleOverride, TextStyle, WordDisplay};
pub use subtitles::{CueId, SubtitleCue, WordTiming};
pub use time::{Rational, Rounding, Time, FLICKS_PER_SECOND};
pub use timecode::TimecodeError;
pub use track::{Track, TrackId, TrackKind};
pub use transform::{Animation, CropEdges, Property, Transform, Vec2};
