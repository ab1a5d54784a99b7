//! [`VideoDecoder`]: the frame shown at any instant of a video file, frame-accurately.
//!
//! Asking for a time seeks to the keyframe at or before it and decodes forward until the
//! frame whose span holds that time; asking for later times in order just keeps decoding,
//! so playback and export never seek. Timestamps are in [`TICKS_PER_SECOND`] ticks (the
//! timeline's flicks), which hold common frame durations exactly, so a time on a frame
//! boundary always picks that frame and never its predecessor.
//!
//! With the file's [`SourceIndex`] (built once per source on a worker, see
//! [`super::sources`]) a seek goes exactly to the keyframe at or before the time, and a time
//! ahead in the GOP being decoded is reached by decoding forward without any seek — which
//! is what playback and small scrubs ask for. Without an index yet, a jump of more than a
//! few seconds seeks and anything nearer decodes forward.
//!
//! Going backwards (reverse playback) seeks once and keeps up to 30 frames
//! decoded on the way, so a reversed clip costs a seek every few dozen frames, not one a
//! frame.
//!
//! A still image (PNG, JPEG, WebP…) opens through the same type: FFmpeg's image demuxers
//! give one frame, which is shown at every time.
//!
//! Times count from the file's start ([`timeline_origin`]), not from timestamp zero: an
//! MPEG-TS whose streams start at 1.4 s, or an MP4 shifted by an edit list, shows its first
//! picture at 0 like the ffmpeg CLI and players do, and [`super::AudioReader`] places the
//! sound on the same timeline, so the two stay together.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use ffmpeg_next as ff;

use super::frame::Picture;
use super::index::{best_video, SourceIndex};
use super::probe::{check_readable, open_error, rotation_of};
use super::MediaError;

mod receive;
mod ticks;
mod toward;
mod video_frame;

pub(super) use receive::receive_frame;
use ticks::ticks_to_us_ceil;
pub(crate) use ticks::{from_ticks, ticks_to_us, timeline_origin, to_ticks};
pub use video_frame::VideoFrame;

/// Ticks per second of media timestamps: the timeline's flicks (705,600,000 a second).
pub const TICKS_PER_SECOND: i64 = 705_600_000;

/// Frames kept for reverse playback (about 90 MB at 1080p).
const BEHIND_FRAMES: usize = 30;

/// How far ahead (in ticks) decoding forward is still cheaper than seeking.
const FORWARD_LIMIT: i64 = 3 * TICKS_PER_SECOND;

/// Reads the frames of the first video stream of a file.
pub struct VideoDecoder {
    path: PathBuf,
    input: ff::format::context::Input,
    stream: usize,
    time_base: ff::Rational,
    decoder: ff::decoder::Video,
    rotation: i32,
    still: bool,
    /// The last frame decoded at or before the last request.
    current: Option<VideoFrame>,
    /// A frame decoded past the last request, kept for the next one.
    ahead: Option<VideoFrame>,
    /// No more frames after `ahead`.
    at_end: bool,
    /// Frames decoded just before `current`, oldest first, for reverse playback.
    behind: Vec<VideoFrame>,
    /// When `current` stops showing, if known while out of sync.
    current_end: Option<i64>,
    /// The demuxer and decoder sit right after `ahead` (false after a step back).
    in_sync: bool,
    /// A seek happened during this request.
    seeked: bool,
    /// Where the keyframes are, once the source's index is built.
    index: Option<Arc<SourceIndex>>,
    /// Seeks done so far (for tests and benchmarks).
    seeks: u64,
    /// Frames decoded so far (for tests and benchmarks).
    decoded: u64,
    /// Raw timestamp (in ticks) of the file's time zero; see [`timeline_origin`].
    origin: i64,
    /// Raw timestamp (in ticks) of the video stream's first frame, if stated.
    video_start: Option<i64>,
    /// The stream's nominal frame interval in ticks, if it states a frame rate.
    interval: Option<i64>,
    /// How far the pictures sit after the frame grid (see [`grid_lead`]); added to every
    /// requested time so each picture lands in its own grid slot.
    snap: i64,
    /// Frames not needed on the way to a seek target (see [`super::seek_skip`]).
    skip: super::seek_skip::SeekSkip,
    /// Set by whoever wants this decoder to give up an exact request (see `toward`).
    interrupt: Option<Arc<AtomicBool>>,
    /// Frames shown before this time may have been dropped in flight by an interrupted
    /// request: a forward request to an earlier time seeks rather than decode on.
    dropped_before: Option<i64>,
    /// Decode no further than the target's keyframe (`frame_toward`).
    keyframe_only: bool,
    /// The last request ended on the frame shown at its time.
    exact: bool,
}

/// How far a video's first frame starts after the file's time zero, when that is less
/// than half a frame: the lead a sound track leaves when it starts a few milliseconds
/// earlier (Opus's encoder delay in WebM/MKV). Pictures that sit that little after the
/// frame grid belong to the grid slot before them; without this every picture would be
/// shown one frame late, the first one twice. Zero for pictures on the grid.
fn grid_lead(video_start: Option<i64>, origin: i64, interval: Option<i64>) -> i64 {
    match (video_start, interval) {
        (Some(start), Some(interval)) => {
            let lead = start.saturating_sub(origin);
            if lead > 0 && lead.saturating_mul(2) < interval {
                lead
            } else {
                0
            }
        }
        _ => 0,
    }
}

impl std::fmt::Debug for VideoDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VideoDecoder({})", self.path.display())
    }
}

impl VideoDecoder {
    /// Opens the first video stream of `path`.
    pub fn open(path: &Path) -> Result<VideoDecoder, MediaError> {
        super::init();
        check_readable(path)?;
        let input = super::local::open_input(path).map_err(|e| open_error(path, e))?;
        let ff_err = |step| {
            move |source| MediaError::Ffmpeg {
                path: path.to_owned(),
                step,
                source,
            }
        };
        let stream = best_video(&input, path)?;
        let index = stream.index();
        let time_base = stream.time_base();
        let rotation = rotation_of(&stream);
        let still = input.format().name().contains("_pipe")
            || matches!(input.format().name(), "image2" | "png_pipe" | "jpeg_pipe");
        let mut ctx = ff::codec::context::Context::from_parameters(stream.parameters())
            .map_err(ff_err("reading the video stream parameters"))?;
        // Frame and slice threads on every core, as the ffmpeg CLI decodes.
        // `CLIPWRIGHT_DECODE_THREADING=slice` tries slice threads only (no frame delay).
        let kind = match std::env::var("CLIPWRIGHT_DECODE_THREADING").as_deref() {
            Ok("slice") => ff::codec::threading::Type::Slice,
            _ => ff::codec::threading::Type::Frame,
        };
        ctx.set_threading(ff::codec::threading::Config {
            kind,
            count: 0,
            safe: false,
        });
        let decoder = ctx
            .decoder()
            .video()
            .map_err(ff_err("opening the video decoder"))?;
        let origin = timeline_origin(&input);
        let video_start = Some(stream.start_time())
            .filter(|&t| t != ff::ffi::AV_NOPTS_VALUE)
            .map(|t| to_ticks(t, time_base));
        let rate = Some(stream.avg_frame_rate())
            .filter(|r| r.numerator() > 0 && r.denominator() > 0)
            .or_else(|| Some(stream.rate()).filter(|r| r.numerator() > 0 && r.denominator() > 0));
        let interval = rate.map(|r| {
            TICKS_PER_SECOND.saturating_mul(i64::from(r.denominator())) / i64::from(r.numerator())
        });
        let snap = if still {
            0
        } else {
            grid_lead(video_start, origin, interval)
        };
        Ok(VideoDecoder {
            path: path.to_owned(),
            input,
            stream: index,
            time_base,
            decoder,
            rotation,
            still,
            current: None,
            ahead: None,
            at_end: false,
            behind: Vec::new(),
            current_end: None,
            in_sync: true,
            seeked: false,
            index: super::sources::index_of(path),
            seeks: 0,
            decoded: 0,
            origin,
            video_start,
            interval,
            snap,
            skip: super::seek_skip::SeekSkip::default(),
            interrupt: None,
            dropped_before: None,
            keyframe_only: false,
            exact: true,
        })
    }

    /// The same decoder, timing frames by their timestamps as stored: for a preview proxy,
    /// whose timestamps are already on its original's timeline (see [`super::proxy`]).
    pub fn with_stored_timestamps(mut self) -> VideoDecoder {
        self.origin = 0;
        if !self.still {
            self.snap = grid_lead(self.video_start, 0, self.interval);
        }
        self
    }

    /// The same decoder, steering its seeks by `index` (which must time frames as this
    /// decoder does): for a preview proxy, whose index is kept with it, not by its path.
    pub fn with_index(mut self, index: Option<Arc<SourceIndex>>) -> VideoDecoder {
        if index.is_some() {
            self.index = index;
        }
        self
    }

    /// The same decoder, showing its pictures turned by `rotation` degrees clockwise: for a
    /// preview proxy, which holds the pictures as coded but not the original's rotation.
    pub fn with_rotation(mut self, rotation: i32) -> VideoDecoder {
        self.rotation = rotation;
        self
    }

    /// True once the decoder steers its seeks by the source's [`SourceIndex`].
    pub fn has_index(&mut self) -> bool {
        self.refresh_index();
        self.index.is_some()
    }

    /// How many times this decoder has seeked.
    pub fn seeks(&self) -> u64 {
        self.seeks
    }

    /// How many frames this decoder has decoded.
    pub fn frames_decoded(&self) -> u64 {
        self.decoded
    }

    /// Picks up the source's index if it was built since the last look.
    fn refresh_index(&mut self) {
        if self.index.is_none() && !self.still {
            self.index = super::sources::index_of(&self.path);
        }
    }

    /// The stream's time base (timestamps of its packets and frames).
    pub(crate) fn time_base(&self) -> ff::Rational {
        self.time_base
    }

    /// The container's duration in ticks, if it tells.
    pub(crate) fn duration_ticks(&self) -> Option<i64> {
        let d = self.input.duration();
        (d > 0).then(|| to_ticks(d, ff::Rational::new(1, 1_000_000)))
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Clockwise rotation (0, 90, 180, 270) that shows the picture upright.
    pub fn rotation(&self) -> i32 {
        self.rotation
    }

    /// Coded width and height (before rotation).
    pub fn coded_size(&self) -> (u32, u32) {
        (self.decoder.width(), self.decoder.height())
    }

    /// Width and height as shown, after rotation.
    pub fn display_size(&self) -> (u32, u32) {
        let (w, h) = self.coded_size();
        if self.rotation % 180 == 90 {
            (h, w)
        } else {
            (w, h)
        }
    }

    /// The frame returned by the last [`VideoDecoder::frame_at`], if any.
    pub fn current(&self) -> Option<&VideoFrame> {
        self.current.as_ref()
    }

    /// True for a single still picture.
    pub fn is_still(&self) -> bool {
        self.still
    }

    /// The frame shown at `time` ticks: the last frame starting at or before it (or the
    /// first frame, for times before it; the last frame, for times after the end). Pictures
    /// that sit a fraction of a frame after the grid count as on it (see [`grid_lead`]).
    pub fn frame_at(&mut self, time: i64) -> Result<&VideoFrame, MediaError> {
        self.exact = true;
        let time = time.saturating_add(self.snap);
        if self.still && self.current.is_some() {
            return self.current.as_ref().ok_or_else(|| self.no_frame());
        }
        let mut collect = false;
        self.seeked = false;
        self.refresh_index();
        let index = self.index.clone();
        match &self.current {
            Some(c) if time < c.time => {
                if self.step_back(time) {
                    return self.current.as_ref().ok_or_else(|| self.no_frame());
                }
                // Going backwards (reverse playback): keep the frames decoded on the way
                // to this one, so the next requests are served without another seek.
                self.seek(time);
                collect = true;
            }
            Some(c) if !self.in_sync => {
                if time >= c.time && self.current_end.is_some_and(|end| time < end) {
                    return self.current.as_ref().ok_or_else(|| self.no_frame());
                }
                self.seek(time);
            }
            Some(c) => {
                let forward = match &index {
                    Some(ix) => ix.decode_forward(c.time, time),
                    None => time <= c.time + FORWARD_LIMIT,
                } && self.dropped_before.is_none_or(|d| time >= d);
                if !forward {
                    self.seek(time);
                }
            }
            None if self.ahead.is_none() && !self.still => {
                let far = match &index {
                    Some(ix) => ix
                        .keyframe_at_or_before(time)
                        .zip(ix.frames().first())
                        .is_some_and(|(k, first)| k > *first),
                    None => time > FORWARD_LIMIT,
                };
                if far {
                    self.seek(time);
                }
            }
            None => {}
        }
        if self.keyframe_only {
            self.decode_to_keyframe(time)?;
        } else {
            self.decode_to(time, collect)?;
        }
        // A demuxer that lands after the target (an inexact container index) gets one
        // earlier try: the keyframe before the one it landed on, or a second earlier.
        let landed = self.current.as_ref().map(|c| c.time).filter(|&c| c > time);
        if let (Some(landed), true, true) = (landed, self.seeked, time > 0) {
            let earlier = index
                .as_ref()
                .and_then(|ix| ix.keyframe_before(landed.min(time + 1)))
                .unwrap_or((time - TICKS_PER_SECOND).max(0));
            self.seek(earlier);
            self.decode_to(time, collect)?;
        }
        self.current.as_ref().ok_or_else(|| self.no_frame())
    }

    /// Decodes forward until `current` is the frame shown at `time` (or the last frame),
    /// skipping what the target does not need unless the frames on the way are kept.
    fn decode_to(&mut self, time: i64, collect: bool) -> Result<(), MediaError> {
        self.skip.aim((!collect).then_some(time));
        let result = self.decode_until(time, collect);
        self.skip.aim(None);
        result
    }

    fn decode_until(&mut self, time: i64, collect: bool) -> Result<(), MediaError> {
        loop {
            if let Some(next) = &self.ahead {
                if next.time > time && self.current.is_some() {
                    break;
                }
                let previous = std::mem::replace(&mut self.current, self.ahead.take());
                match (collect, previous) {
                    (true, Some(p)) => {
                        if self.behind.len() >= BEHIND_FRAMES {
                            self.behind.remove(0);
                        }
                        self.behind.push(p);
                    }
                    // Kept frames must end right before `current`; moving on breaks that.
                    _ => self.behind.clear(),
                }
                // The index knows when the next frame starts: when that is after `time`,
                // `current` is the frame shown and decoding one more to find out is waste.
                let shown = self.current.as_ref().is_some_and(|c| {
                    c.time <= time
                        && self
                            .index
                            .as_ref()
                            .and_then(|ix| ix.frame_after(c.time))
                            .is_some_and(|next| next > time)
                });
                if shown {
                    break;
                }
                continue;
            }
            if self.at_end {
                break;
            }
            if !self.keyframe_only && self.interrupted() {
                return Err(self.superseded(time));
            }
            self.ahead = self.decode_next()?;
            if self.ahead.is_none() {
                self.at_end = true;
            }
        }
        Ok(())
    }

    /// Serves a backward request from the frames kept before the current one.
    fn step_back(&mut self, time: i64) -> bool {
        let Some(i) = self.behind.iter().rposition(|f| f.time <= time) else {
            return false;
        };
        let end = self
            .behind
            .get(i + 1)
            .map(|f| f.time)
            .or(self.current.as_ref().map(|c| c.time));
        self.behind.truncate(i + 1);
        self.current = self.behind.pop();
        self.current_end = end;
        self.ahead = None;
        self.at_end = false;
        self.in_sync = false;
        self.current.is_some()
    }

    fn no_frame(&self) -> MediaError {
        MediaError::Damaged {
            path: self.path.clone(),
            detail: "no video frame could be decoded".to_owned(),
        }
    }

    fn seek(&mut self, time: i64) {
        // Microseconds for avformat_seek_file on all streams; at most `time`, so the
        // demuxer lands on the keyframe at or before it. With an index, the target is that
        // keyframe's own time, rounded up to a whole microsecond so that rounding never
        // lands on the keyframe before it.
        let us = match self
            .index
            .as_ref()
            .and_then(|ix| ix.keyframe_at_or_before(time))
        {
            Some(k) => ticks_to_us_ceil(k.saturating_add(self.origin)),
            None => ticks_to_us(time.saturating_add(self.origin)),
        };
        self.seeks += 1;
        let result = self.input.seek(us, ..us + 1);
        if result.is_err() {
            // Some files (raw streams, images) cannot seek: start over from the top.
            let _ = self.input.seek(0, ..1);
        }
        self.decoder.flush();
        self.current = None;
        self.ahead = None;
        self.at_end = false;
        self.behind.clear();
        self.current_end = None;
        self.in_sync = true;
        self.seeked = true;
        self.dropped_before = None;
    }

    /// Decodes the next frame in presentation order, or `None` at the end of the stream.
    fn decode_next(&mut self) -> Result<Option<VideoFrame>, MediaError> {
        let mut frame = ff::frame::Video::empty();
        let (time_base, origin) = (self.time_base, self.origin);
        let (skip, index) = (&mut self.skip, self.index.as_deref());
        let received = receive_frame(
            &mut self.decoder,
            &mut self.input,
            self.stream,
            &mut frame,
            |decoder, packet| {
                let start = packet
                    .pts()
                    .map(|pts| to_ticks(pts, time_base).saturating_sub(origin));
                let length = to_ticks(packet.duration(), time_base);
                skip.before_packet(decoder, (start, length), index);
            },
        )
        .map_err(|e| self.damaged(e))?;
        if !received {
            return Ok(None);
        }
        self.decoded += 1;
        let pts = frame.timestamp().or(frame.pts()).unwrap_or(0);
        let time = to_ticks(pts, self.time_base).saturating_sub(self.origin);
        Ok(Some(VideoFrame {
            picture: Picture { frame },
            time,
            rotation: self.rotation,
        }))
    }

    /// The next frame in presentation order, or `None` at the end: for reading a whole
    /// file once from the top (analysis). Use it on a fresh decoder and do not mix it
    /// with [`VideoDecoder::frame_at`], which keeps its own place.
    pub fn next_frame(&mut self) -> Result<Option<VideoFrame>, MediaError> {
        self.decode_next()
    }

    fn damaged(&self, e: ff::Error) -> MediaError {
        MediaError::Damaged {
            path: self.path.clone(),
            detail: format!("decoding video failed: {e}"),
        }
    }
}
