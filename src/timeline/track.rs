//! [`Track`]: one lane of the timeline — video, overlay, audio or subtitles — with its
//! mute / lock / hide switches.
//!
//! Clips on a track are kept sorted by start and never overlap, so the clip at a time is
//! a binary search away. Subtitle tracks hold cues instead of clips.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::clip::{Clip, ClipId};
use super::subtitles::{CueId, SubtitleCue};
use super::time::Time;

/// Stable identity of a track within a project.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct TrackId(pub u64);

/// What a track holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrackKind {
    /// Video clips (their picture; their sound is on a linked audio clip).
    Video,
    /// Images, text and stickers drawn over the video.
    Overlay,
    /// Sound.
    Audio,
    /// Subtitle cues, e.g. one track per language.
    Subtitle,
}

impl TrackKind {
    /// True for tracks whose clips are drawn.
    pub fn is_visual(self) -> bool {
        matches!(self, TrackKind::Video | TrackKind::Overlay)
    }
}

/// One lane of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Track {
    /// Stable identity.
    pub id: TrackId,
    /// What the track holds.
    pub kind: TrackKind,
    /// Name shown in the track header.
    #[serde(default)]
    pub name: String,
    /// Silenced (audio) — the track is skipped when mixing.
    #[serde(default)]
    pub muted: bool,
    /// Refuses edits until unlocked.
    #[serde(default)]
    pub locked: bool,
    /// Not drawn (video, overlay, subtitles) — skipped when compositing.
    #[serde(default)]
    pub hidden: bool,
    /// Clips sorted by start, not overlapping (empty on subtitle tracks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clips: Vec<Clip>,
    /// Cues sorted by start (subtitle tracks only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<SubtitleCue>,
    /// Language of a subtitle track, as a BCP 47 tag such as `en` or `pt-BR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl Track {
    /// An empty, unlocked, visible track.
    pub fn new(id: TrackId, kind: TrackKind, name: impl Into<String>) -> Track {
        Track {
            id,
            kind,
            name: name.into(),
            muted: false,
            locked: false,
            hidden: false,
            clips: Vec::new(),
            cues: Vec::new(),
            language: None,
        }
    }

    /// The clip on screen at `t`, if any.
    pub fn clip_at(&self, t: Time) -> Option<&Clip> {
        let after = self.clips.partition_point(|c| c.start <= t);
        let clip = self.clips.get(after.checked_sub(1)?)?;
        clip.contains(t).then_some(clip)
    }

    /// The clip with id `id`.
    pub fn clip(&self, id: ClipId) -> Option<&Clip> {
        self.clips.iter().find(|c| c.id == id)
    }

    /// The index of the clip with id `id`.
    pub fn clip_index(&self, id: ClipId) -> Option<usize> {
        self.clips.iter().position(|c| c.id == id)
    }

    /// The cue with id `id`.
    pub fn cue(&self, id: CueId) -> Option<&SubtitleCue> {
        self.cues.iter().find(|c| c.id == id)
    }

    /// Cues shown at `t`, in start order.
    pub fn cues_at(&self, t: Time) -> impl Iterator<Item = &SubtitleCue> {
        let end = self.cues.partition_point(|c| c.start <= t);
        self.cues[..end].iter().filter(move |c| c.contains(t))
    }

    /// Where the last clip or cue ends.
    pub fn end(&self) -> Time {
        let clips = self.clips.last().map(Clip::end).unwrap_or_default();
        let cues = self.cues.iter().map(|c| c.end).max().unwrap_or_default();
        clips.max(cues)
    }

    /// The index at which a clip spanning `[start, end)` fits without overlapping, or
    /// `None` if it would overlap a clip.
    pub fn free_slot(&self, start: Time, end: Time) -> Option<usize> {
        let index = self.clips.partition_point(|c| c.start < start);
        let before_ok = index == 0 || self.clips.get(index - 1).is_some_and(|c| c.end() <= start);
        let after_ok = self.clips.get(index).is_none_or(|c| end <= c.start);
        (before_ok && after_ok).then_some(index)
    }
}
