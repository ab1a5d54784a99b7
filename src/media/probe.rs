//! `probe`: what a media file holds — container, duration, and each stream's codec, size,
//! pixel format, frame rates (real and average, plus the measured spread so variable frame
//! rate shows), rotation, sample rate, channels and bit depth.
//!
//! Probing also demuxes the whole file once (no decoding), which is cheap next to decoding
//! and is what finds a file that was cut off while being written: the container opens, but
//! its packets stop early or point past the end of the file.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use ffmpeg_next as ff;
use serde::Serialize;

use super::MediaError;

mod scan;
mod streams;

pub(super) use scan::next_packet;
use scan::{apply_intervals, check_complete, cut_off_margin, scan_packets, timeline_duration};
pub(super) use streams::rotation_of;
use streams::stream_report;

/// Everything Clipwright knows about one media file after probing it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeReport {
    /// The file that was probed.
    pub path: PathBuf,
    /// FFmpeg's short name of the container, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    pub container: String,
    /// A readable name of the container, e.g. `QuickTime / MOV`.
    pub container_long: String,
    /// Duration in microseconds, when the container states one.
    pub duration_us: Option<i64>,
    /// Overall bit rate in bits per second, when known.
    pub bit_rate: Option<i64>,
    /// Size of the file in bytes.
    pub size_bytes: u64,
    /// True when the container states no duration (a recording cut off before it was
    /// finished) and `duration_us` was measured from the packets instead.
    pub duration_measured: bool,
    /// The length the file states, when its packets end well before it (a file cut off
    /// after its header was written): `duration_us` is then where the packets end.
    pub cut_off_from_us: Option<i64>,
    /// The streams in container order.
    pub streams: Vec<StreamReport>,
}

/// What kind of data a stream carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamKind {
    Video,
    Audio,
    Subtitle,
    Data,
    Attachment,
    Unknown,
}

/// One stream of a probed file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamReport {
    /// Index of the stream in the container.
    pub index: usize,
    /// Video, audio, subtitle…
    pub kind: StreamKind,
    /// FFmpeg's codec name, e.g. `h264`, `vp9`, `aac`.
    pub codec: String,
    /// Time base of the stream's timestamps as `[numerator, denominator]`.
    pub time_base: [i32; 2],
    /// Duration of the stream in microseconds, when known.
    pub duration_us: Option<i64>,
    /// Number of packets read for this stream while probing.
    pub packets: u64,
    /// Language tag, when the container has one.
    pub language: Option<String>,
    /// Facts about a video stream.
    pub video: Option<VideoFacts>,
    /// Facts about an audio stream.
    pub audio: Option<AudioFacts>,
}

/// Facts about a video stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VideoFacts {
    /// Coded width in pixels (before rotation).
    pub width: u32,
    /// Coded height in pixels (before rotation).
    pub height: u32,
    /// Pixel format, e.g. `yuv420p`.
    pub pixel_format: String,
    /// Bits per component, e.g. 8 or 10.
    pub bit_depth: u32,
    /// `full` (PC/JPEG) or `limited` (TV/MPEG) range, or `unknown`.
    pub color_range: String,
    /// The container's "real" base frame rate (`r_frame_rate`) as `[num, den]`.
    pub frame_rate: [i32; 2],
    /// Average frame rate over the stream as `[num, den]`.
    pub avg_frame_rate: [i32; 2],
    /// Shortest gap between two frames, in microseconds (measured from timestamps).
    pub min_frame_interval_us: Option<i64>,
    /// Longest gap between two frames, in microseconds (measured from timestamps).
    pub max_frame_interval_us: Option<i64>,
    /// Whether frames arrive at a variable rate (gaps differ by more than half a frame).
    pub variable_frame_rate: bool,
    /// Clockwise rotation, in degrees (0, 90, 180, 270), to show the picture upright.
    pub rotation: i32,
    /// Width as displayed, after rotation.
    pub display_width: u32,
    /// Height as displayed, after rotation.
    pub display_height: u32,
}

/// Facts about an audio stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AudioFacts {
    /// Samples per second.
    pub sample_rate: u32,
    /// Number of channels.
    pub channels: u32,
    /// Sample format as decoded, e.g. `fltp`, `s16`.
    pub sample_format: String,
    /// Bits per sample: the source's own depth where the container says, else the decoded
    /// sample format's size.
    pub bit_depth: u32,
}

impl ProbeReport {
    /// The first video stream, if any.
    pub fn video(&self) -> Option<(&StreamReport, &VideoFacts)> {
        self.streams
            .iter()
            .find_map(|s| s.video.as_ref().map(|v| (s, v)))
    }

    /// The first audio stream, if any.
    pub fn audio(&self) -> Option<(&StreamReport, &AudioFacts)> {
        self.streams
            .iter()
            .find_map(|s| s.audio.as_ref().map(|a| (s, a)))
    }

    /// Duration as `H:MM:SS.mmm`, or `unknown`.
    pub fn duration_text(&self) -> String {
        match self.duration_us {
            Some(us) if self.cut_off_from_us.is_some() => format!(
                "{} (cut off: the file says {})",
                format_us(us),
                format_us(self.cut_off_from_us.unwrap_or(us))
            ),
            Some(us) if self.duration_measured => {
                format!(
                    "{} (measured: the file does not state its length)",
                    format_us(us)
                )
            }
            Some(us) => format_us(us),
            None => "unknown".to_owned(),
        }
    }
}

/// Formats microseconds as `H:MM:SS.mmm` for people.
pub fn format_us(us: i64) -> String {
    let ms = us.max(0) / 1000;
    format!(
        "{}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// Reads `path` and reports what it holds.
///
/// Fails with a [`MediaError`] naming the file when it is missing, unreadable, empty, not
/// media, truncated or damaged. Never panics on any input.
pub fn probe(path: &Path) -> Result<ProbeReport, MediaError> {
    super::init();
    let size_bytes = check_readable(path)?;

    let mut input = super::local::open_input(path).map_err(|e| open_error(path, e))?;
    let container = input.format().name().to_owned();
    let container_long = input.format().description().to_owned();
    let duration_us = Some(input.duration()).filter(|d| *d > 0);
    let bit_rate = Some(input.bit_rate()).filter(|b| *b > 0);

    let mut streams: Vec<StreamReport> = input.streams().map(|s| stream_report(&s)).collect();
    if !streams
        .iter()
        .any(|s| matches!(s.kind, StreamKind::Video | StreamKind::Audio))
    {
        return Err(MediaError::NoStreams {
            path: path.to_owned(),
        });
    }

    let scan = scan_packets(path, &mut input, streams.len())?;
    for (report, stats) in streams.iter_mut().zip(&scan) {
        report.packets = stats.packets;
        if let Some(video) = report.video.as_mut() {
            apply_intervals(video, stats, report.time_base);
        }
    }
    check_complete(path, &streams, &scan)?;
    let stated = duration_us.is_some() || streams.iter().any(|s| s.duration_us.is_some());
    let duration_us = timeline_duration(&input, &scan, duration_us);
    let duration_measured = !stated && duration_us.is_some();
    let declared_us = Some(input.duration()).filter(|d| *d > 0);
    let cut_off_from_us = declared_us
        .filter(|&d| duration_us.is_some_and(|m| d.saturating_sub(m) > cut_off_margin(d)));

    Ok(ProbeReport {
        path: path.to_owned(),
        container,
        container_long,
        duration_us,
        bit_rate,
        size_bytes,
        duration_measured,
        cut_off_from_us,
        streams,
    })
}

/// Checks the path names a non-empty readable file and returns its size.
pub(super) fn check_readable(path: &Path) -> Result<u64, MediaError> {
    let owned = || path.to_owned();
    let meta = fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => MediaError::NotFound { path: owned() },
        _ => MediaError::Unreadable {
            path: owned(),
            source: e,
        },
    })?;
    // Anything but a regular file is refused before it is opened: opening a FIFO blocks
    // until someone writes to it, and a device such as /dev/zero never ends.
    if !meta.is_file() {
        let source = crate::files::check_regular_file(path)
            .err()
            .unwrap_or_else(|| std::io::Error::other("not a regular file"));
        return Err(MediaError::Unreadable {
            path: owned(),
            source,
        });
    }
    // Open it ourselves first: FFmpeg's own message for a permission problem is vaguer.
    let mut head = [0u8; 1];
    fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| MediaError::Unreadable {
            path: owned(),
            source: e,
        })?;
    if meta.len() == 0 {
        return Err(MediaError::Empty { path: owned() });
    }
    Ok(meta.len())
}

/// Turns FFmpeg's refusal to open a file into the most helpful error we can give.
pub(super) fn open_error(path: &Path, e: ff::Error) -> MediaError {
    if looks_like_mp4(path) {
        return MediaError::Damaged {
            path: path.to_owned(),
            detail: "it starts like an MP4/MOV file but its index (the 'moov' box) is \
                     missing or broken — it was probably cut off before it was finished"
                .to_owned(),
        };
    }
    let reason = match e {
        ff::Error::InvalidData => "no known audio or video format in it".to_owned(),
        other => other.to_string(),
    };
    MediaError::NotMedia {
        path: path.to_owned(),
        reason,
    }
}

/// True when the file begins with an ISO-BMFF `ftyp` box, as MP4 and MOV files do.
fn looks_like_mp4(path: &Path) -> bool {
    let mut head = [0u8; 8];
    fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .map(|()| &head[4..8] == b"ftyp")
        .unwrap_or(false)
}

fn rational(r: ff::Rational) -> [i32; 2] {
    [r.numerator(), r.denominator()]
}

/// Converts a stream timestamp to microseconds.
fn to_us(ts: i64, tb: [i32; 2]) -> Option<i64> {
    if tb[1] == 0 {
        return None;
    }
    let v = i128::from(ts) * i128::from(tb[0]) * 1_000_000 / i128::from(tb[1]);
    i64::try_from(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microseconds_print_as_clock_time() {
        assert_eq!(format_us(3_723_456_000), "1:02:03.456");
        assert_eq!(format_us(-5), "0:00:00.000");
    }
}
