//! [`Project`]: the canvas, output formats, media pool, tracks, markers and subtitle
//! styles — and the read-only queries the compositor, mixer and UI ask of them.
//!
//! Tracks are ordered bottom to top: index 0 is drawn first. Nothing here mutates the
//! project; changes go through [`crate::timeline::edit::apply`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::clip::{Clip, ClipId, LinkId};
use super::outputs::MainOutput;
use super::reframe::{OutputFormat, OutputId};
use super::source::{MediaSource, SourceId};
use super::style::{Color, TextStyle};
use super::subtitles::{CueId, SubtitleCue};
use super::time::{Rational, Time};
use super::track::{Track, TrackId, TrackKind};
use super::transform::Transform;

/// The main frame every clip is composed into.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Canvas {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Frames per second of preview and export.
    pub frame_rate: Rational,
    /// Colour behind all tracks.
    pub background: Color,
}

impl Default for Canvas {
    fn default() -> Self {
        Canvas {
            width: 1920,
            height: 1080,
            frame_rate: Rational::FPS_30,
            background: Color::BLACK,
        }
    }
}

/// Stable identity of a marker.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct MarkerId(pub u64);

/// A named point on the timeline; clips snap to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Marker {
    /// Stable identity.
    pub id: MarkerId,
    /// Where it is.
    pub time: Time,
    /// Label shown on the ruler.
    #[serde(default)]
    pub name: String,
    /// How long a range it marks from `time` (a live marker with pre-roll: "the last
    /// 20 s were good"); zero for a point.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub length: Time,
}

fn is_zero(t: &Time) -> bool {
    *t == Time::ZERO
}

impl Marker {
    /// A point marker.
    pub fn point(id: MarkerId, time: Time, name: impl Into<String>) -> Marker {
        Marker {
            id,
            time,
            name: name.into(),
            length: Time::ZERO,
        }
    }

    /// Where its range ends (`time` for a point).
    pub fn end(&self) -> Time {
        self.time + self.length
    }
}

/// A whole editing project.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Project {
    /// Project name shown in the title bar.
    #[serde(default)]
    pub name: String,
    /// The main frame.
    pub canvas: Canvas,
    /// Extra output formats (the canvas is always [`OutputId::MAIN`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<OutputFormat>,
    /// The main output's name and subtitle area (its size is the canvas's).
    #[serde(default, skip_serializing_if = "MainOutput::is_default")]
    pub main_output: MainOutput,
    /// The media pool.
    #[serde(default)]
    pub sources: Vec<MediaSource>,
    /// Tracks from bottom to top.
    #[serde(default)]
    pub tracks: Vec<Track>,
    /// Markers sorted by time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markers: Vec<Marker>,
    /// Subtitle styles by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub subtitle_styles: BTreeMap<String, TextStyle>,
}

/// A clip on screen at some time, with where it sits; returned by
/// [`Project::active_clips_at`].
#[derive(Clone, Copy, Debug)]
pub struct ActiveClip<'a> {
    /// Index of the track, 0 at the bottom.
    pub track_index: usize,
    /// The track.
    pub track: &'a Track,
    /// The clip.
    pub clip: &'a Clip,
    /// The timeline time asked about.
    pub time: Time,
}

impl ActiveClip<'_> {
    /// The source time to decode.
    pub fn source_time(&self) -> Time {
        self.clip.source_time_at(self.time)
    }

    /// The clip's transform.
    pub fn transform(&self) -> Transform {
        self.clip.transform_at(self.time)
    }

    /// The clip's audio gain, zero if the track is muted.
    pub fn volume(&self) -> f64 {
        if self.track.muted {
            0.0
        } else {
            self.clip.volume_at(self.time)
        }
    }
}

/// Where a clip is: track index and index within the track.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClipLocation {
    /// Index into [`Project::tracks`].
    pub track: usize,
    /// Index into that track's clips.
    pub index: usize,
}

impl Project {
    /// An empty project on `canvas`.
    pub fn new(name: impl Into<String>, canvas: Canvas) -> Project {
        Project {
            name: name.into(),
            canvas,
            ..Project::default()
        }
    }

    /// Visible clips on video and overlay tracks at `t`, bottom to top: what to draw.
    pub fn active_clips_at(&self, t: Time) -> Vec<ActiveClip<'_>> {
        self.clips_at(t, |track| track.kind.is_visual() && !track.hidden)
    }

    /// Clips on unmuted audio tracks at `t`: what to mix.
    pub fn audible_clips_at(&self, t: Time) -> Vec<ActiveClip<'_>> {
        self.clips_at(t, |track| track.kind == TrackKind::Audio && !track.muted)
    }

    fn clips_at(&self, t: Time, wanted: impl Fn(&Track) -> bool) -> Vec<ActiveClip<'_>> {
        self.tracks
            .iter()
            .enumerate()
            .filter(|(_, track)| wanted(track))
            .filter_map(|(track_index, track)| {
                track.clip_at(t).map(|clip| ActiveClip {
                    track_index,
                    track,
                    clip,
                    time: t,
                })
            })
            .collect()
    }

    /// Cues shown at `t` on visible subtitle tracks, bottom track first.
    pub fn subtitles_at(&self, t: Time) -> Vec<(&Track, &SubtitleCue)> {
        self.tracks
            .iter()
            .filter(|tr| tr.kind == TrackKind::Subtitle && !tr.hidden)
            .flat_map(|tr| tr.cues_at(t).map(move |c| (tr, c)))
            .collect()
    }

    /// The style a cue is drawn with: its named style (or the default) plus its override.
    pub fn cue_style(&self, cue: &SubtitleCue) -> TextStyle {
        let base = cue
            .style
            .as_ref()
            .and_then(|name| self.subtitle_styles.get(name))
            .cloned()
            .unwrap_or_default();
        base.with_override(&cue.style_override)
    }

    /// The end of the last clip or cue: the project's length.
    pub fn duration(&self) -> Time {
        self.tracks.iter().map(Track::end).max().unwrap_or_default()
    }

    /// Where the last clip (picture, sound or text) ends: the length of an export.
    /// Subtitle cues never lengthen it; those past the end are cut there.
    pub fn clips_duration(&self) -> Time {
        self.tracks
            .iter()
            .filter_map(|t| t.clips.last().map(Clip::end))
            .max()
            .unwrap_or_default()
    }

    /// The track with id `id`.
    pub fn track(&self, id: TrackId) -> Option<&Track> {
        self.tracks.iter().find(|t| t.id == id)
    }

    /// The index of the track with id `id`.
    pub fn track_index(&self, id: TrackId) -> Option<usize> {
        self.tracks.iter().position(|t| t.id == id)
    }

    /// Where the clip with id `id` is.
    pub fn locate_clip(&self, id: ClipId) -> Option<ClipLocation> {
        self.tracks
            .iter()
            .enumerate()
            .find_map(|(track, t)| t.clip_index(id).map(|index| ClipLocation { track, index }))
    }

    /// The clip with id `id`.
    pub fn clip(&self, id: ClipId) -> Option<&Clip> {
        let loc = self.locate_clip(id)?;
        self.tracks.get(loc.track)?.clips.get(loc.index)
    }

    /// Every clip with its track, bottom track first.
    pub fn clips(&self) -> impl Iterator<Item = (&Track, &Clip)> {
        self.tracks
            .iter()
            .flat_map(|t| t.clips.iter().map(move |c| (t, c)))
    }

    /// The ids of the clips linked to `id`, including `id` itself (just `id` if unlinked).
    pub fn linked_clips(&self, id: ClipId) -> Vec<ClipId> {
        match self.clip(id).and_then(|c| c.link) {
            Some(link) => self
                .clips()
                .filter(|(_, c)| c.link == Some(link))
                .map(|(_, c)| c.id)
                .collect(),
            None => vec![id],
        }
    }

    /// The media source with id `id`.
    pub fn source(&self, id: SourceId) -> Option<&MediaSource> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The output format `id`; [`OutputId::MAIN`] is the canvas.
    pub fn output(&self, id: OutputId) -> Option<OutputFormat> {
        if id == OutputId::MAIN {
            let name = match self.main_output.name.trim() {
                "" => "Main".to_owned(),
                name => name.to_owned(),
            };
            return Some(OutputFormat {
                id,
                name,
                width: self.canvas.width,
                height: self.canvas.height,
                safe_area: self.main_output.safe_area,
            });
        }
        self.outputs.iter().find(|o| o.id == id).cloned()
    }

    /// An unused clip id (one more than the largest in use).
    pub fn next_clip_id(&self) -> ClipId {
        ClipId(unused_id(self.clips().map(|(_, c)| c.id.0)))
    }

    /// An unused track id.
    pub fn next_track_id(&self) -> TrackId {
        TrackId(unused_id(self.tracks.iter().map(|t| t.id.0)))
    }

    /// An unused source id.
    pub fn next_source_id(&self) -> SourceId {
        SourceId(unused_id(self.sources.iter().map(|s| s.id.0)))
    }

    /// An unused link id.
    pub fn next_link_id(&self) -> LinkId {
        LinkId(unused_id(
            self.clips().filter_map(|(_, c)| c.link).map(|l| l.0),
        ))
    }

    /// An unused cue id.
    pub fn next_cue_id(&self) -> CueId {
        let cues = self.tracks.iter().flat_map(|t| &t.cues);
        CueId(unused_id(cues.map(|c| c.id.0)))
    }

    /// The project's marker ranges (markers with a length), in time order, each with a name
    /// fit to tell its file apart: its own, with its number added when two share a name.
    pub fn marker_ranges(&self) -> Vec<(String, (Time, Time))> {
        let ranges: Vec<&Marker> = self
            .markers
            .iter()
            .filter(|m| m.length > Time::ZERO)
            .collect();
        ranges
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let shared = ranges.iter().filter(|o| o.name == m.name).count() > 1;
                let name = match (m.name.trim().is_empty(), shared) {
                    (true, _) => format!("marker-{}", i + 1),
                    (false, true) => format!("{}-{}", m.name, i + 1),
                    (false, false) => m.name.clone(),
                };
                (name, (m.time, m.end()))
            })
            .collect()
    }

    /// An unused marker id.
    pub fn next_marker_id(&self) -> MarkerId {
        MarkerId(unused_id(self.markers.iter().map(|m| m.id.0)))
    }

    /// An unused output id (never [`OutputId::MAIN`]), also unused by any clip's crop
    /// windows: a removed output's crops stay in its clips (for undo), so its id is not
    /// handed to a new output.
    pub fn next_output_id(&self) -> OutputId {
        let in_clips = self
            .clips()
            .flat_map(|(_, c)| c.reframes.keys().map(|o| o.0));
        OutputId(
            self.outputs
                .iter()
                .map(|o| o.id.0)
                .chain(in_clips)
                .max()
                .unwrap_or(0)
                .saturating_add(1),
        )
    }

    /// Every output: the canvas ([`OutputId::MAIN`]) first, then the extra ones.
    pub fn all_outputs(&self) -> Vec<OutputFormat> {
        self.output(OutputId::MAIN)
            .into_iter()
            .chain(self.outputs.iter().cloned())
            .collect()
    }
}

/// One more than the largest of `ids`, or 1 when there are none: an id nothing uses.
fn unused_id(ids: impl Iterator<Item = u64>) -> u64 {
    ids.max().map_or(1, |m| m.saturating_add(1))
}
