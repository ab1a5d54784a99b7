//! The media pool: every file a project uses, with the facts a probe found about it.
//!
//! [`SourceInfo`] is plain data: the media module fills it from its FFmpeg probe, the
//! timeline only reads it (durations bound trims; frame size drives reframing). A source
//! whose file has gone is kept with `missing = true` so its clips survive until the user
//! relinks it to a new path.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::time::{Rational, Time};

/// Stable identity of a media source within a project.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct SourceId(pub u64);

/// Facts about a video stream, as probed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VideoInfo {
    /// Coded width in pixels, before rotation.
    pub width: u32,
    /// Coded height in pixels, before rotation.
    pub height: u32,
    /// Average frame rate.
    pub frame_rate: Rational,
    /// Display rotation from the container (0, 90, 180 or 270), clockwise.
    #[serde(default)]
    pub rotation_degrees: i32,
    /// Codec name as FFmpeg reports it, for the inspector.
    #[serde(default)]
    pub codec: String,
}

impl VideoInfo {
    /// Width and height as displayed, after applying the rotation.
    pub fn display_size(&self) -> (u32, u32) {
        if self.rotation_degrees.rem_euclid(180) == 90 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

/// Facts about an audio stream, as probed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AudioInfo {
    /// Samples per second.
    pub sample_rate: u32,
    /// Number of channels.
    pub channels: u16,
    /// Codec name as FFmpeg reports it, for the inspector.
    #[serde(default)]
    pub codec: String,
}

/// What a probe learned about a media file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceInfo {
    /// Length of the media; for a still image, the default length of a new clip.
    pub duration: Time,
    /// The first video stream, if any.
    #[serde(default)]
    pub video: Option<VideoInfo>,
    /// The first audio stream, if any.
    #[serde(default)]
    pub audio: Option<AudioInfo>,
    /// A still image: any source range is valid, every time shows the same picture.
    #[serde(default)]
    pub is_still_image: bool,
}

impl SourceInfo {
    /// The latest source time a clip may end at (`Time::MAX` for stills).
    pub fn usable_end(&self) -> Time {
        if self.is_still_image {
            Time::MAX
        } else {
            self.duration
        }
    }
}

/// One file in the media pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MediaSource {
    /// Stable identity used by clips.
    pub id: SourceId,
    /// Where the file is (absolute, or relative to the project file's folder).
    pub path: PathBuf,
    /// Probed facts.
    pub info: SourceInfo,
    /// The file could not be found the last time the project was opened.
    #[serde(default)]
    pub missing: bool,
}

impl MediaSource {
    /// A present source at `path` with the given facts.
    pub fn new(id: SourceId, path: impl Into<PathBuf>, info: SourceInfo) -> MediaSource {
        MediaSource {
            id,
            path: path.into(),
            info,
            missing: false,
        }
    }

    /// Where the file is, with a relative path taken from `project_dir` (the folder of
    /// the project file).
    pub fn resolved_path(&self, project_dir: &std::path::Path) -> PathBuf {
        if self.path.is_absolute() {
            self.path.clone()
        } else {
            project_dir.join(&self.path)
        }
    }

    /// The file name for display, or the whole path if it has none.
    pub fn display_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }
}
