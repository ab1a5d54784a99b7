//! What an export writes: the container (from the file's extension), the video codec, and
//! the encoder settings.

use std::path::Path;

/// The file format written, chosen from the output's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    /// `.mp4` / `.m4v`.
    Mp4,
    /// `.mov`.
    Mov,
    /// `.mkv`.
    Mkv,
    /// `.webm`.
    WebM,
    /// `.gif` (no sound).
    Gif,
}

impl Container {
    /// The container for a file name's extension, if Clipwright writes it.
    pub fn from_path(path: &Path) -> Option<Container> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "mp4" | "m4v" => Container::Mp4,
            "mov" => Container::Mov,
            "mkv" => Container::Mkv,
            "webm" => Container::WebM,
            "gif" => Container::Gif,
            _ => return None,
        })
    }

    pub(super) fn muxer(self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::Mov => "mov",
            Container::Mkv => "matroska",
            Container::WebM => "webm",
            Container::Gif => "gif",
        }
    }

    /// The video codec written when none is asked for.
    pub fn default_codec(self) -> VideoCodec {
        match self {
            Container::WebM => VideoCodec::Vp9,
            Container::Gif => VideoCodec::Gif,
            _ => VideoCodec::H264,
        }
    }
}

/// A video codec family; the encoder within it is chosen at open time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoCodec {
    /// H.264 / AVC.
    H264,
    /// H.265 / HEVC.
    Hevc,
    /// VP9.
    Vp9,
    /// Animated GIF.
    Gif,
}

/// How to encode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeSettings {
    /// Frame width (even sizes suit every encoder).
    pub width: u32,
    /// Frame height.
    pub height: u32,
    /// Frames per second as `(numerator, denominator)`.
    pub frame_rate: (u32, u32),
    /// The file format.
    pub container: Container,
    /// The codec family.
    pub codec: VideoCodec,
    /// Use exactly this encoder (e.g. `libx264`, `h264_nvenc`) instead of choosing.
    pub encoder: Option<String>,
    /// Constant rate factor (quality; lower is better). `None`: the codec's default.
    pub crf: Option<u8>,
    /// x264/x265 speed preset, e.g. `veryfast`.
    pub preset: String,
    /// Try hardware encoders before the software one.
    pub hardware: bool,
    /// Write a sound track (ignored for GIF).
    pub audio: bool,
    /// Sound bit rate in bits per second.
    pub audio_bit_rate: u32,
    /// Add a subtitle stream (`mov_text`, WebVTT or ASS) for [`OutputFile::push_cue`].
    pub soft_subtitles: bool,
    /// The ASS script header (info, styles, the events' `Format:` line) the subtitle
    /// stream starts with; FFmpeg's default when `None`.
    pub subtitle_header: Option<String>,
    /// How many pictures will be pushed, if known: a GIF short enough gets one palette
    /// for all of them (see [`PaletteMode::for_clip`]).
    pub expected_frames: Option<u64>,
}

impl EncodeSettings {
    /// The defaults for `container`: H.264 veryfast CRF 23 + AAC 160 kb/s in MP4, and so on.
    pub fn for_container(container: Container, width: u32, height: u32, fps: (u32, u32)) -> Self {
        EncodeSettings {
            width,
            height,
            frame_rate: fps,
            container,
            codec: container.default_codec(),
            encoder: None,
            crf: None,
            preset: "veryfast".to_owned(),
            hardware: true,
            audio: container != Container::Gif,
            audio_bit_rate: 160_000,
            soft_subtitles: false,
            subtitle_header: None,
            expected_frames: None,
        }
    }
}
