//! [`Clip`]: a piece of a source placed on a track, with its speed, animation and
//! reframing, and the functions that evaluate it at a timeline time.
//!
//! A clip stores its source range (`source_in..source_out`) and its timeline `start`;
//! its timeline duration is derived from the range and the speed, never stored. All
//! evaluation functions take a timeline time, so callers never convert by hand.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::effects::Effects;
use super::entrance::TextEntrance;
use super::reframe::{OutputId, Reframe, ReframeAt};
use super::source::SourceId;
use super::speed::{Speed, SpeedCurve};
use super::sticker::StickerPin;
use super::style::{Color, TextStyle};
use super::time::Time;
use super::transform::{Animation, Property, Transform};

/// Stable identity of a clip within a project.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct ClipId(pub u64);

/// Clips sharing a link id move, split and delete together (the video and audio of one
/// recording).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct LinkId(pub u64);

/// What a clip shows or plays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClipContent {
    /// Part of a media-pool source: video, audio, or a still image / sticker.
    Media {
        /// The source.
        source: SourceId,
    },
    /// A text overlay.
    Text {
        /// The text; `\n` breaks lines.
        text: String,
        /// How it looks.
        style: TextStyle,
        /// How its letters or words come on screen.
        #[serde(default, skip_serializing_if = "TextEntrance::is_unset")]
        entrance: TextEntrance,
    },
    /// A solid colour, e.g. a background or a title card.
    Color {
        /// The colour.
        color: Color,
    },
    /// A sticker from the built-in set, placed by the transform or pinned to a face.
    Sticker {
        /// Its name in the set (`crate::stickers`).
        name: String,
        /// The face it follows, if pinned.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pin: Option<StickerPin>,
    },
}

/// A clip on a track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Clip {
    /// Stable identity.
    pub id: ClipId,
    /// Name shown on the timeline; the source's name if empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// What the clip shows or plays.
    pub content: ClipContent,
    /// Where the clip starts on the timeline.
    pub start: Time,
    /// First instant of the source used. For text and colour clips, zero.
    pub source_in: Time,
    /// End of the source range used (exclusive). For text and colour clips, the length.
    pub source_out: Time,
    /// Speed, ramp, freeze and reverse.
    #[serde(default)]
    pub speed: Speed,
    /// Keyframed transform and volume.
    #[serde(default, skip_serializing_if = "Animation::is_empty")]
    pub animation: Animation,
    /// Reframing per output format; an output without an entry fits the picture.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reframes: BTreeMap<OutputId, Reframe>,
    /// Chroma key, colour and blur applied to the source picture before it is placed.
    #[serde(default, skip_serializing_if = "Effects::is_empty")]
    pub effects: Effects,
    /// Link group, if linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkId>,
}

impl Clip {
    /// A clip of `source` from `source_in` to `source_out`, at `start`, at normal speed.
    pub fn media(
        id: ClipId,
        source: SourceId,
        start: Time,
        source_in: Time,
        source_out: Time,
    ) -> Clip {
        Clip::with_content(
            id,
            ClipContent::Media { source },
            start,
            source_in,
            source_out,
        )
    }

    /// A text overlay lasting `duration` from `start`.
    pub fn text(
        id: ClipId,
        text: impl Into<String>,
        style: TextStyle,
        start: Time,
        duration: Time,
    ) -> Clip {
        let content = ClipContent::Text {
            text: text.into(),
            style,
            entrance: TextEntrance::default(),
        };
        Clip::with_content(id, content, start, Time::ZERO, duration)
    }

    /// A free-standing sticker called `name` lasting `duration` from `start`.
    pub fn sticker(id: ClipId, name: impl Into<String>, start: Time, duration: Time) -> Clip {
        let name = name.into();
        let content = ClipContent::Sticker {
            name: name.clone(),
            pin: None,
        };
        let mut clip = Clip::with_content(id, content, start, Time::ZERO, duration);
        clip.name = name;
        clip
    }

    /// A clip with any content.
    pub fn with_content(
        id: ClipId,
        content: ClipContent,
        start: Time,
        source_in: Time,
        source_out: Time,
    ) -> Clip {
        Clip {
            id,
            name: String::new(),
            content,
            start,
            source_in,
            source_out,
            speed: Speed::default(),
            animation: Animation::default(),
            reframes: BTreeMap::new(),
            effects: Effects::default(),
            link: None,
        }
    }

    /// The media source, for media clips.
    pub fn source(&self) -> Option<SourceId> {
        match self.content {
            ClipContent::Media { source } => Some(source),
            _ => None,
        }
    }

    /// Length of the source range used.
    pub fn source_len(&self) -> Time {
        (self.source_out - self.source_in).max(Time::ZERO)
    }

    /// Duration on the timeline, derived from the source range and the speed.
    pub fn duration(&self) -> Time {
        self.speed.duration_for(self.source_len())
    }

    /// Where the clip ends on the timeline (exclusive).
    pub fn end(&self) -> Time {
        self.start + self.duration()
    }

    /// True if the clip is on screen at timeline time `t`.
    pub fn contains(&self, t: Time) -> bool {
        self.start <= t && t < self.end()
    }

    /// The source time shown at timeline time `t` (clamped to the clip), through the
    /// speed mapping; reversed clips count down from the last tick of the range.
    pub fn source_time_at(&self, t: Time) -> Time {
        let len = self.source_len();
        if matches!(self.speed.curve, SpeedCurve::Freeze { .. }) {
            return self.source_in;
        }
        let last = (len - Time::TICK).max(Time::ZERO);
        let offset = self
            .speed
            .source_offset(len, t - self.start)
            .clamp_to(Time::ZERO, last);
        if self.speed.reverse {
            self.source_in + (last - offset)
        } else {
            self.source_in + offset
        }
    }

    /// The first timeline time at which the clip shows `source_time`, if that time is in
    /// the clip's source range.
    pub fn timeline_time_of(&self, source_time: Time) -> Option<Time> {
        if source_time < self.source_in || source_time >= self.source_out {
            return None;
        }
        let len = self.source_len();
        let offset = if self.speed.reverse {
            (len - Time::TICK) - (source_time - self.source_in)
        } else {
            source_time - self.source_in
        };
        Some(self.start + self.speed.timeline_offset(len, offset))
    }

    /// The value of an animated property at timeline time `t`.
    pub fn value_at(&self, property: Property, t: Time) -> f64 {
        self.animation.value_at(property, t - self.start)
    }

    /// Position, scale, rotation, opacity, crop and anchor at timeline time `t`.
    pub fn transform_at(&self, t: Time) -> Transform {
        self.animation.transform_at(t - self.start)
    }

    /// Audio gain at timeline time `t` (linear, 1 unchanged).
    pub fn volume_at(&self, t: Time) -> f64 {
        self.value_at(Property::Volume, t)
    }

    /// The reframing for `output` at timeline time `t`, for a picture of `source_size`
    /// in a frame of `output_size`. Outputs without settings fit the picture.
    pub fn reframe_at(
        &self,
        output: OutputId,
        t: Time,
        source_size: (u32, u32),
        output_size: (u32, u32),
    ) -> ReframeAt {
        let fallback = Reframe::default();
        self.reframes
            .get(&output)
            .unwrap_or(&fallback)
            .at(t - self.start, source_size, output_size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::easing::Interpolation;
    use crate::timeline::keyframes::Keyframes;
    use crate::timeline::speed::SpeedFactor;

    fn s(secs: i64) -> Time {
        Time::from_secs(secs)
    }

    fn clip() -> Clip {
        Clip::media(ClipId(1), SourceId(1), s(10), s(2), s(6))
    }

    #[test]
    fn a_clip_lasts_as_long_as_its_source_range_at_normal_speed() {
        let c = clip();
        assert_eq!(c.duration(), s(4));
        assert_eq!(c.end(), s(14));
        assert!(c.contains(s(10)) && !c.contains(s(14)));
    }

    #[test]
    fn source_time_follows_the_timeline_through_the_speed() {
        let mut c = clip();
        assert_eq!(c.source_time_at(s(11)), s(3));
        c.speed = Speed::constant(SpeedFactor::from_milli(2000).unwrap_or(SpeedFactor::NORMAL));
        assert_eq!(c.duration(), s(2));
        assert_eq!(c.source_time_at(s(11)), s(4));
        assert_eq!(c.timeline_time_of(s(4)), Some(s(11)));
        assert_eq!(c.timeline_time_of(s(7)), None);
    }

    #[test]
    fn a_reversed_clip_starts_at_the_end_of_its_range() {
        let mut c = clip();
        c.speed.reverse = true;
        assert_eq!(c.source_time_at(s(10)), s(6) - Time::TICK);
        assert_eq!(c.source_time_at(s(13)), s(3) - Time::TICK);
        assert_eq!(c.timeline_time_of(s(3) - Time::TICK), Some(s(13)));
    }

    #[test]
    fn a_freeze_frame_shows_its_in_point_for_its_whole_duration() {
        let mut c = clip();
        c.speed = Speed::freeze(s(3));
        assert_eq!(c.duration(), s(3));
        assert_eq!(c.source_time_at(s(12)), s(2));
    }

    #[test]
    fn animation_is_evaluated_relative_to_the_clip_start() {
        let mut c = clip();
        c.animation.set_channel(
            Property::Opacity,
            Keyframes::from_keys([
                (Time::ZERO, 0.0, Interpolation::Linear),
                (s(2), 1.0, Interpolation::Linear),
            ]),
        );
        assert_eq!(c.transform_at(s(11)).opacity, 0.5);
        assert_eq!(c.volume_at(s(11)), 1.0);
    }
}
