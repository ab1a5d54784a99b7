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

fn stream_report(stream: &ff::format::stream::Stream<'_>) -> StreamReport {
    let params = stream.parameters();
    let kind = match params.medium() {
        ff::media::Type::Video => StreamKind::Video,
        ff::media::Type::Audio => StreamKind::Audio,
        ff::media::Type::Subtitle => StreamKind::Subtitle,
        ff::media::Type::Data => StreamKind::Data,
        ff::media::Type::Attachment => StreamKind::Attachment,
        ff::media::Type::Unknown => StreamKind::Unknown,
    };
    let time_base = rational(stream.time_base());
    let duration_us = Some(stream.duration())
        .filter(|d| *d > 0)
        .and_then(|d| to_us(d, time_base));
    let language = stream.metadata().get("language").map(str::to_owned);
    let raw = raw_params(&params);
    let video = (kind == StreamKind::Video).then(|| video_facts(stream, &raw));
    let audio = (kind == StreamKind::Audio).then(|| audio_facts(&raw));
    StreamReport {
        index: stream.index(),
        kind,
        codec: params.id().name().to_owned(),
        time_base,
        duration_us,
        packets: 0,
        language,
        video,
        audio,
    }
}

/// The plain fields of `AVCodecParameters` that `ffmpeg-next` has no safe getter for.
struct RawParams {
    format: i32,
    width: i32,
    height: i32,
    sample_rate: i32,
    channels: i32,
    bits_per_raw_sample: i32,
    color_range: ff::ffi::AVColorRange,
}

#[allow(unsafe_code)]
fn raw_params(params: &ff::codec::Parameters) -> RawParams {
    // SAFETY: `params` owns a valid, initialised AVCodecParameters for its whole lifetime;
    // we only copy plain integer fields out of it.
    unsafe {
        let p = &*params.as_ptr();
        RawParams {
            format: p.format,
            width: p.width,
            height: p.height,
            sample_rate: p.sample_rate,
            channels: p.ch_layout.nb_channels,
            bits_per_raw_sample: p.bits_per_raw_sample,
            color_range: p.color_range,
        }
    }
}

/// Bits of the first component of a pixel format (8 for `yuv420p`, 10 for `yuv420p10le`).
#[allow(unsafe_code)]
fn pixel_depth(pixel: ff::format::Pixel) -> u32 {
    let Some(desc) = pixel.descriptor() else {
        return 0;
    };
    // SAFETY: descriptors are static tables inside libavutil that live for the process.
    let depth = unsafe { (*desc.as_ptr()).comp[0].depth };
    u32::try_from(depth).unwrap_or(0)
}

fn video_facts(stream: &ff::format::stream::Stream<'_>, raw: &RawParams) -> VideoFacts {
    let pixel = ff::format::Pixel::from(pixel_format_from_raw(raw.format));
    let pixel_format = pixel
        .descriptor()
        .map(|d| d.name().to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    let width = u32::try_from(raw.width).unwrap_or(0);
    let height = u32::try_from(raw.height).unwrap_or(0);
    let rotation = rotation_of(stream);
    let (display_width, display_height) = if rotation % 180 == 90 {
        (height, width)
    } else {
        (width, height)
    };
    let color_range = match raw.color_range {
        ff::ffi::AVColorRange::AVCOL_RANGE_JPEG => "full",
        ff::ffi::AVColorRange::AVCOL_RANGE_MPEG => "limited",
        _ if pixel_format.starts_with("yuvj") => "full",
        _ => "unknown",
    }
    .to_owned();
    VideoFacts {
        width,
        height,
        bit_depth: pixel_depth(pixel),
        pixel_format,
        color_range,
        frame_rate: rational(stream.rate()),
        avg_frame_rate: rational(stream.avg_frame_rate()),
        min_frame_interval_us: None,
        max_frame_interval_us: None,
        variable_frame_rate: false,
        rotation,
        display_width,
        display_height,
    }
}

fn audio_facts(raw: &RawParams) -> AudioFacts {
    let sample = ff::format::Sample::from(sample_format_from_raw(raw.format));
    let sample_format = if raw.format < 0 {
        "unknown".to_owned()
    } else {
        sample.name().to_owned()
    };
    let decoded_bits = u32::try_from(sample.bytes() * 8).unwrap_or(0);
    let bit_depth = u32::try_from(raw.bits_per_raw_sample)
        .ok()
        .filter(|b| *b > 0)
        .unwrap_or(decoded_bits);
    AudioFacts {
        sample_rate: u32::try_from(raw.sample_rate).unwrap_or(0),
        channels: u32::try_from(raw.channels).unwrap_or(0),
        sample_format,
        bit_depth,
    }
}

#[allow(unsafe_code)]
fn pixel_format_from_raw(format: i32) -> ff::ffi::AVPixelFormat {
    if format < 0 || format >= ff::ffi::AVPixelFormat::AV_PIX_FMT_NB as i32 {
        return ff::ffi::AVPixelFormat::AV_PIX_FMT_NONE;
    }
    // SAFETY: `format` is in 0..AV_PIX_FMT_NB, the range of valid discriminants of this
    // C enum as compiled against the installed libavutil.
    unsafe { std::mem::transmute::<i32, ff::ffi::AVPixelFormat>(format) }
}

#[allow(unsafe_code)]
fn sample_format_from_raw(format: i32) -> ff::ffi::AVSampleFormat {
    if format < 0 || format >= ff::ffi::AVSampleFormat::AV_SAMPLE_FMT_NB as i32 {
        return ff::ffi::AVSampleFormat::AV_SAMPLE_FMT_NONE;
    }
    // SAFETY: `format` is in 0..AV_SAMPLE_FMT_NB, the valid discriminants of this C enum.
    unsafe { std::mem::transmute::<i32, ff::ffi::AVSampleFormat>(format) }
}

/// Clockwise degrees (0, 90, 180, 270) to show the picture upright, from the display
/// matrix side data or, for older files, a `rotate` tag.
pub(super) fn rotation_of(stream: &ff::format::stream::Stream<'_>) -> i32 {
    for side in stream.side_data() {
        if side.kind() == ff::codec::packet::side_data::Type::DisplayMatrix {
            if let Some(degrees) = display_matrix_rotation(side.data()) {
                return degrees;
            }
        }
    }
    stream
        .metadata()
        .get("rotate")
        .and_then(|r| r.trim().parse::<i32>().ok())
        .map(normalise_quarter_turns)
        .unwrap_or(0)
}

/// Reads the rotation of a 3×3 display matrix (nine little-endian `i32`, 16.16 fixed point)
/// the way FFmpeg's `av_display_rotation_get` does, as clockwise degrees.
fn display_matrix_rotation(data: &[u8]) -> Option<i32> {
    if data.len() < 36 {
        return None;
    }
    let m: Vec<f64> = data[..36]
        .chunks_exact(4)
        .map(|c| f64::from(i32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect();
    let scale0 = m[0].hypot(m[3]);
    let scale1 = m[1].hypot(m[4]);
    if scale0 == 0.0 || scale1 == 0.0 {
        return None;
    }
    // `av_display_rotation_get` returns the negation of this angle as counter-clockwise
    // degrees, so this angle itself is the clockwise turn that shows the picture upright.
    let cw = (m[1] / scale1).atan2(m[0] / scale0).to_degrees();
    #[allow(clippy::cast_possible_truncation)]
    Some(normalise_quarter_turns(cw.round() as i32))
}

fn normalise_quarter_turns(degrees: i32) -> i32 {
    let d = degrees.rem_euclid(360);
    ((d + 45) / 90 * 90) % 360
}

/// What one demux pass saw of a stream.
#[derive(Debug, Default, Clone)]
struct StreamScan {
    packets: u64,
    /// Presentation timestamps of video packets, in stream ticks.
    pts: Vec<i64>,
    /// Latest end (pts + duration) of any packet, in stream ticks.
    end: Option<i64>,
}

/// Caps the timestamps kept per stream, so probing a long recording stays light.
const MAX_PTS_KEPT: usize = 20_000;

/// Reads every packet of the file once, without decoding.
fn scan_packets(
    path: &Path,
    input: &mut ff::format::context::Input,
    stream_count: usize,
) -> Result<Vec<StreamScan>, MediaError> {
    let video: Vec<bool> = input
        .streams()
        .map(|s| s.parameters().medium() == ff::media::Type::Video)
        .collect();
    let mut scan = vec![StreamScan::default(); stream_count];
    loop {
        // A fresh packet each time: `av_read_frame` does not release the buffer of the
        // packet it is given, so reusing one kept every packet of the file in memory.
        let mut packet = ff::Packet::empty();
        match packet.read(input) {
            Ok(()) => {}
            Err(ff::Error::Eof) => break,
            Err(ff::Error::Other {
                errno: ff::util::error::EAGAIN,
            }) => continue,
            Err(e) => {
                let reached = furthest_us(input, &scan);
                return Err(MediaError::Damaged {
                    path: path.to_owned(),
                    detail: format!("its data stops at {} ({e})", format_us(reached)),
                });
            }
        }
        let Some(s) = scan.get_mut(packet.stream()) else {
            continue;
        };
        s.packets += 1;
        if let Some(pts) = packet.pts().or(packet.dts()) {
            let end = pts.saturating_add(packet.duration().max(0));
            s.end = Some(s.end.map_or(end, |e| e.max(end)));
            if video.get(packet.stream()).copied().unwrap_or(false) && s.pts.len() < MAX_PTS_KEPT {
                s.pts.push(pts);
            }
        }
    }
    Ok(scan)
}

/// The file's length counted from its start time, as the ffmpeg CLI and
/// [`super::VideoDecoder`] count: an MP4 or Matroska file shifted by `-itsoffset` states
/// its length from timestamp zero, which would add its start to a clip as a frozen tail.
fn timeline_duration(
    input: &ff::format::context::Input,
    scan: &[StreamScan],
    declared_us: Option<i64>,
) -> Option<i64> {
    let start_us = super::decode::ticks_to_us(super::decode::timeline_origin(input));
    let end_us = furthest_us(input, scan);
    if end_us <= start_us {
        return declared_us;
    }
    let measured = end_us - start_us;
    match declared_us {
        // The packets end well before the stated length: the file was cut off after its
        // header was written. End where the pictures and sound end, not on a frozen frame.
        Some(d) if d.saturating_sub(measured) > cut_off_margin(d) => Some(measured),
        // No stated length (a recording cut off before its end was written): the packets
        // say how long it is.
        None => Some(measured),
        Some(d) if start_us == 0 => Some(d),
        Some(d) => Some(d.min(measured)),
    }
}

/// How far short of a stated length `declared_us` the packets may end before the file
/// counts as cut off: a quarter second, or 2 % of a long file.
fn cut_off_margin(declared_us: i64) -> i64 {
    (declared_us / 50).max(250_000)
}

/// The furthest time any stream reached, in microseconds.
fn furthest_us(input: &ff::format::context::Input, scan: &[StreamScan]) -> i64 {
    input
        .streams()
        .zip(scan)
        .filter_map(|(s, sc)| sc.end.and_then(|e| to_us(e, rational(s.time_base()))))
        .max()
        .unwrap_or(0)
}

/// Fills in the measured frame intervals and whether the rate varies.
fn apply_intervals(video: &mut VideoFacts, scan: &StreamScan, tb: [i32; 2]) {
    let mut pts = scan.pts.clone();
    pts.sort_unstable();
    pts.dedup();
    let gaps: Vec<i64> = pts.windows(2).map(|w| w[1] - w[0]).collect();
    let (Some(&min), Some(&max)) = (gaps.iter().min(), gaps.iter().max()) else {
        return;
    };
    video.min_frame_interval_us = to_us(min, tb);
    video.max_frame_interval_us = to_us(max, tb);
    // Timestamp rounding makes a constant rate jitter by a tick; half a frame is real.
    video.variable_frame_rate = max * 2 > min * 3;
}

/// Fails when a stream's packets end well before the duration the container promises —
/// the mark of a file that was cut off after its index was written.
fn check_complete(
    path: &Path,
    streams: &[StreamReport],
    scan: &[StreamScan],
) -> Result<(), MediaError> {
    for (report, s) in streams.iter().zip(scan) {
        let Some(declared) = report.duration_us else {
            continue;
        };
        if !matches!(report.kind, StreamKind::Video | StreamKind::Audio) {
            continue;
        }
        let reached = s.end.and_then(|e| to_us(e, report.time_base)).unwrap_or(0);
        let missing = declared - reached;
        if missing > 1_000_000.max(declared / 20) {
            return Err(MediaError::Damaged {
                path: path.to_owned(),
                detail: format!(
                    "stream {} ({}) stops at {} of {}",
                    report.index,
                    report.codec,
                    format_us(reached),
                    format_us(declared)
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(values: [i32; 9]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    #[test]
    fn identity_display_matrix_means_no_rotation() {
        let one = 1 << 16;
        let m = matrix([one, 0, 0, 0, one, 0, 0, 0, 1 << 30]);
        assert_eq!(display_matrix_rotation(&m), Some(0));
    }

    #[test]
    fn phone_portrait_matrix_means_ninety_degrees_clockwise() {
        // What FFmpeg writes for `rotate=90`: [0, 1, 0; -1, 0, 0; ...] in 16.16.
        let one = 1 << 16;
        let m = matrix([0, one, 0, -one, 0, 0, 0, 0, 1 << 30]);
        assert_eq!(display_matrix_rotation(&m), Some(90));
    }

    #[test]
    fn short_display_matrix_is_ignored() {
        assert_eq!(display_matrix_rotation(&[0u8; 12]), None);
    }

    #[test]
    fn rotations_snap_to_quarter_turns() {
        assert_eq!(normalise_quarter_turns(-90), 270);
        assert_eq!(normalise_quarter_turns(89), 90);
        assert_eq!(normalise_quarter_turns(360), 0);
    }

    #[test]
    fn microseconds_print_as_clock_time() {
        assert_eq!(format_us(3_723_456_000), "1:02:03.456");
        assert_eq!(format_us(-5), "0:00:00.000");
    }
}
