//! Output formats and reframing: how one recording becomes a 16:9 and a 9:16 video.
//!
//! A project has a main canvas and may list more [`OutputFormat`]s. Each clip may carry a
//! [`Reframe`] per output: fit (letterbox), fill (crop to the output's shape) or blur-fill
//! (fit over a blurred, filled copy), with a keyframable [`CropWindow`] so the crop can
//! follow the action. The window is stored as a centre and a zoom, so it always has the
//! output's shape; [`Reframe::at`] turns it into a pixel rectangle of the source.
//! [`fill_all_clips`] is the one-click answer to a canvas switch that letterboxes clips.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::clip::ClipId;
use super::edit::Edit;
use super::keyframes::{Keyframes, Lerp};
use super::project::Project;
use super::time::Time;

/// Shapes closer than this (relative difference of width / height) count as the same.
pub const SAME_SHAPE: f64 = 0.01;

/// True when a `source` picture and an `output` frame have the same shape, near enough
/// that neither bars nor a crop would show.
pub fn same_shape(source: (u32, u32), output: (u32, u32)) -> bool {
    let aspect = |(w, h): (u32, u32)| f64::from(w.max(1)) / f64::from(h.max(1));
    (aspect(source) / aspect(output) - 1.0).abs() < SAME_SHAPE
}

/// The clips on picture tracks whose picture has another shape than the canvas and that
/// are still fitted into it, with bars.
pub fn letterboxed_clips(project: &Project) -> Vec<ClipId> {
    let canvas = (project.canvas.width, project.canvas.height);
    project
        .clips()
        .filter(|(track, _)| track.kind.is_visual())
        .filter(|(_, clip)| {
            clip.reframes
                .get(&OutputId::MAIN)
                .is_none_or(|r| r.mode == ReframeMode::Fit)
        })
        .filter(|(_, clip)| {
            clip.source()
                .and_then(|s| project.source(s))
                .and_then(|s| s.info.video.as_ref())
                .is_some_and(|v| !same_shape(v.display_size(), canvas))
        })
        .map(|(_, clip)| clip.id)
        .collect()
}

/// One edit that makes every letterboxed clip fill the canvas with a centred crop window
/// (each adjustable afterwards), as a batch so it is one undo step; `None` when no clip
/// shows bars. A clip's crop keyframes, if it had any, are kept.
pub fn fill_all_clips(project: &Project) -> Option<Edit> {
    let edits: Vec<Edit> = letterboxed_clips(project)
        .into_iter()
        .map(|clip| {
            let crop = project
                .clip(clip)
                .and_then(|c| c.reframes.get(&OutputId::MAIN))
                .map(|r| r.crop.clone())
                .unwrap_or_default();
            Edit::SetReframe {
                clip,
                output: OutputId::MAIN,
                reframe: Some(Reframe {
                    mode: ReframeMode::Fill,
                    crop,
                }),
            }
        })
        .collect();
    (!edits.is_empty()).then_some(Edit::Batch { edits })
}

/// Identity of an output format. [`OutputId::MAIN`] is the project canvas.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct OutputId(pub u32);

impl OutputId {
    /// The project's main canvas.
    pub const MAIN: OutputId = OutputId(0);
}

/// One output format of the project, such as "TikTok 9:16".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OutputFormat {
    /// Stable identity, never [`OutputId::MAIN`] for an extra output.
    pub id: OutputId,
    /// Name shown to users.
    pub name: String,
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// Where its bottom subtitles sit.
    #[serde(default)]
    pub safe_area: super::outputs::SafeArea,
}

/// Common frame shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CanvasPreset {
    /// 16:9, 1920×1080 (YouTube).
    Landscape16x9,
    /// 9:16, 1080×1920 (TikTok, Shorts, Reels).
    Portrait9x16,
    /// 1:1, 1080×1080.
    Square1x1,
    /// 4:5, 1080×1350 (Instagram feed).
    Portrait4x5,
}

impl CanvasPreset {
    /// Every preset.
    pub const ALL: [CanvasPreset; 4] = [
        CanvasPreset::Landscape16x9,
        CanvasPreset::Portrait9x16,
        CanvasPreset::Square1x1,
        CanvasPreset::Portrait4x5,
    ];

    /// Width and height in pixels.
    pub fn size(self) -> (u32, u32) {
        match self {
            CanvasPreset::Landscape16x9 => (1920, 1080),
            CanvasPreset::Portrait9x16 => (1080, 1920),
            CanvasPreset::Square1x1 => (1080, 1080),
            CanvasPreset::Portrait4x5 => (1080, 1350),
        }
    }

    /// Name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            CanvasPreset::Landscape16x9 => "16:9 landscape",
            CanvasPreset::Portrait9x16 => "9:16 vertical",
            CanvasPreset::Square1x1 => "1:1 square",
            CanvasPreset::Portrait4x5 => "4:5 portrait",
        }
    }
}

/// How a clip's picture is fitted into an output frame of another shape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReframeMode {
    /// Show the whole picture, with bars where shapes differ.
    #[default]
    Fit,
    /// Fill the frame with the crop window; the rest of the picture is cut off.
    Fill,
    /// Show the whole picture fitted, over a blurred copy of the crop window filling the frame.
    BlurFill,
}

/// The part of the source shown when filling: centre in fractions of the source, and a
/// zoom where 1 is the largest window of the output's shape that fits in the source.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CropWindow {
    /// Centre across the source, 0 (left) to 1 (right).
    pub center_x: f64,
    /// Centre down the source, 0 (top) to 1 (bottom).
    pub center_y: f64,
    /// 1 or more: how much tighter than the largest window.
    pub zoom: f64,
}

impl Default for CropWindow {
    fn default() -> Self {
        CropWindow {
            center_x: 0.5,
            center_y: 0.5,
            zoom: 1.0,
        }
    }
}

impl Lerp for CropWindow {
    fn lerp(&self, other: &Self, t: f64) -> Self {
        CropWindow {
            center_x: self.center_x.lerp(&other.center_x, t),
            center_y: self.center_y.lerp(&other.center_y, t),
            zoom: self.zoom.lerp(&other.zoom, t),
        }
    }
}

/// A rectangle in source pixels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CropRect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl CropWindow {
    /// The window as a rectangle of a `source` (width, height) picture, for an output of
    /// shape `output`, kept inside the picture.
    pub fn rect(&self, source: (u32, u32), output: (u32, u32)) -> CropRect {
        let (sw, sh) = (f64::from(source.0.max(1)), f64::from(source.1.max(1)));
        let aspect = f64::from(output.0.max(1)) / f64::from(output.1.max(1));
        let (mut w, mut h) = if sw / sh > aspect {
            (sh * aspect, sh)
        } else {
            (sw, sw / aspect)
        };
        let zoom = if self.zoom.is_finite() {
            self.zoom.clamp(1.0, 100.0)
        } else {
            1.0
        };
        w /= zoom;
        h /= zoom;
        let finite = |v: f64| if v.is_finite() { v } else { 0.5 };
        let cx = (finite(self.center_x) * sw).clamp(w / 2.0, sw - w / 2.0);
        let cy = (finite(self.center_y) * sh).clamp(h / 2.0, sh - h / 2.0);
        CropRect {
            x: cx - w / 2.0,
            y: cy - h / 2.0,
            width: w,
            height: h,
        }
    }
}

/// A clip's reframing for one output format.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Reframe {
    /// Fit, fill or blur-fill.
    pub mode: ReframeMode,
    /// The crop window over time (offsets from the clip start); centred if empty.
    #[serde(default)]
    pub crop: Keyframes<CropWindow>,
}

/// A clip's reframing evaluated at one instant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReframeAt {
    /// The mode.
    pub mode: ReframeMode,
    /// For `Fit`, the whole picture; for `Fill`, the part shown; for `BlurFill`, the part
    /// shown blurred behind the fitted picture.
    pub crop: CropRect,
}

impl Reframe {
    /// The reframing at `offset` into the clip for a `source` picture size and an
    /// `output` frame size.
    pub fn at(&self, offset: Time, source: (u32, u32), output: (u32, u32)) -> ReframeAt {
        let crop = match self.mode {
            ReframeMode::Fit => CropRect {
                x: 0.0,
                y: 0.0,
                width: f64::from(source.0),
                height: f64::from(source.1),
            },
            ReframeMode::Fill | ReframeMode::BlurFill => self
                .crop
                .value_at_or(offset, CropWindow::default())
                .rect(source, output),
        };
        ReframeAt {
            mode: self.mode,
            crop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::easing::Interpolation;

    #[test]
    fn filling_a_vertical_frame_from_a_landscape_source_crops_a_centred_strip() {
        let r = Reframe {
            mode: ReframeMode::Fill,
            crop: Keyframes::new(),
        };
        let at = r.at(Time::ZERO, (1920, 1080), CanvasPreset::Portrait9x16.size());
        assert_eq!(at.crop.height, 1080.0);
        assert!((at.crop.width - 607.5).abs() < 1e-9);
        assert!((at.crop.x - (1920.0 - 607.5) / 2.0).abs() < 1e-9);
    }

    #[test]
    fn the_crop_window_follows_its_keyframes_and_stays_inside_the_source() {
        let crop = Keyframes::from_keys([
            (
                Time::ZERO,
                CropWindow {
                    center_x: 0.0,
                    ..CropWindow::default()
                },
                Interpolation::Linear,
            ),
            (
                Time::from_secs(2),
                CropWindow {
                    center_x: 1.0,
                    ..CropWindow::default()
                },
                Interpolation::Linear,
            ),
        ]);
        let r = Reframe {
            mode: ReframeMode::Fill,
            crop,
        };
        let out = CanvasPreset::Portrait9x16.size();
        let start = r.at(Time::ZERO, (1920, 1080), out).crop;
        let end = r.at(Time::from_secs(2), (1920, 1080), out).crop;
        assert_eq!(start.x, 0.0);
        assert!((end.x + end.width - 1920.0).abs() < 1e-9);
        let mid = r.at(Time::from_secs(1), (1920, 1080), out).crop;
        assert!((mid.x + mid.width / 2.0 - 960.0).abs() < 1e-9);
    }

    #[test]
    fn filling_all_clips_crops_every_letterboxed_picture_in_one_undoable_edit() {
        use crate::timeline::tests::fixtures::recording_info_of;
        use crate::timeline::{
            apply, Canvas, Clip, MediaSource, SourceId, SourceInfo, Track, TrackId, TrackKind,
        };
        // Ten seconds of silent H.264 picture.
        let video = |width, height| SourceInfo {
            audio: None,
            ..recording_info_of(width, height, 10)
        };
        let mut p = Project::new("p", Canvas::default());
        let (width, height) = CanvasPreset::Portrait9x16.size();
        p.canvas.width = width;
        p.canvas.height = height;
        p.sources
            .push(MediaSource::new(SourceId(1), "wide.mp4", video(1920, 1080)));
        p.sources
            .push(MediaSource::new(SourceId(2), "tall.mp4", video(720, 1280)));
        let mut t = Track::new(TrackId(1), TrackKind::Video, "V1");
        let clip = |id, source, start| {
            Clip::media(
                ClipId(id),
                SourceId(source),
                Time::from_secs(start),
                Time::ZERO,
                Time::from_secs(1),
            )
        };
        t.clips = vec![clip(1, 1, 0), clip(2, 2, 1), clip(3, 1, 2)];
        p.tracks.push(t);

        assert_eq!(letterboxed_clips(&p), [ClipId(1), ClipId(3)]);
        let before = p.clone();
        let edit = fill_all_clips(&p).expect("two clips show bars");
        let undo = apply(&mut p, edit).unwrap();
        assert!(letterboxed_clips(&p).is_empty());
        let at = p.clip(ClipId(3)).unwrap().reframes[&OutputId::MAIN].at(
            Time::ZERO,
            (1920, 1080),
            (width, height),
        );
        assert_eq!(at.mode, ReframeMode::Fill);
        assert!(
            (at.crop.x + at.crop.width / 2.0 - 960.0).abs() < 1e-9,
            "centred"
        );
        assert!(
            p.clip(ClipId(2)).unwrap().reframes.is_empty(),
            "same shape: untouched"
        );
        assert!(fill_all_clips(&p).is_none());
        apply(&mut p, undo).unwrap();
        assert_eq!(p, before);
    }

    #[test]
    fn fit_shows_the_whole_picture() {
        let at = Reframe::default().at(Time::ZERO, (1280, 720), (1080, 1080));
        assert_eq!(
            at.crop,
            CropRect {
                x: 0.0,
                y: 0.0,
                width: 1280.0,
                height: 720.0
            }
        );
    }
}
