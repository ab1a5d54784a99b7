//! [`SourceIndex`]: where the frames and keyframes of a video file lie, from one pass over
//! its packets without decoding any of them.
//!
//! A decoder that knows the keyframes can seek straight to the one at or before a time
//! (no guessing, no second try when the demuxer lands late) and can tell when a time ahead
//! of it lies in the GOP it is already decoding, where decoding forward beats any seek.
//!
//! The scan reads each packet into a fresh buffer and keeps only its timestamp, so even an
//! hour-long recording costs a few megabytes of timestamps and no packet data.

use std::path::Path;

use ffmpeg_next as ff;

use super::decode::{ticks_to_us, timeline_origin, to_ticks};
use super::probe::{check_readable, format_us, next_packet, open_error};
use super::MediaError;

/// The frame and keyframe times of a file's first video stream, in ticks
/// ([`super::TICKS_PER_SECOND`]) of the file's own timeline (as [`super::VideoDecoder`]
/// times them), both in presentation order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceIndex {
    /// When each frame starts, sorted, no duplicates.
    frames: Vec<i64>,
    /// When each keyframe starts, sorted, no duplicates.
    keyframes: Vec<i64>,
}

impl SourceIndex {
    /// An index from frame and keyframe times in any order (duplicates are dropped).
    pub fn from_times(mut frames: Vec<i64>, mut keyframes: Vec<i64>) -> SourceIndex {
        frames.sort_unstable();
        frames.dedup();
        keyframes.sort_unstable();
        keyframes.dedup();
        SourceIndex { frames, keyframes }
    }

    /// Reads every packet of `path`'s first video stream once (no decoding) and notes
    /// when each frame and each keyframe is shown.
    ///
    /// Fails with a [`MediaError`] naming the file when it is missing, not media, has no
    /// video, or its data is damaged part-way.
    pub fn scan(path: &Path) -> Result<SourceIndex, MediaError> {
        SourceIndex::scan_from(path, true)
    }

    /// Like [`SourceIndex::scan`], timing frames by their timestamps as stored: the index
    /// of a preview proxy, read with [`super::VideoDecoder::with_stored_timestamps`].
    pub fn scan_stored(path: &Path) -> Result<SourceIndex, MediaError> {
        SourceIndex::scan_from(path, false)
    }

    fn scan_from(path: &Path, from_start: bool) -> Result<SourceIndex, MediaError> {
        super::init();
        check_readable(path)?;
        let mut input = super::local::open_input(path).map_err(|e| open_error(path, e))?;
        let video = VideoStream::of(&input, path)?;
        let origin = if from_start {
            timeline_origin(&input)
        } else {
            0
        };
        let Some(pass) = read_packets(path, &mut input, &video, origin)? else {
            // No timestamps (raw streams): an index cannot be trusted; seek as before.
            return Ok(SourceIndex::default());
        };
        // A stream whose packets stop well before the length its header declares was cut
        // off after the header was written (the probe refuses such files the same way).
        if let Some(declared) = video.declared {
            let missing = declared - pass.reached;
            if missing > super::TICKS_PER_SECOND.max(declared / 20) {
                return Err(MediaError::Damaged {
                    path: path.to_owned(),
                    detail: format!(
                        "its video stops at {} of {}",
                        format_us(ticks_to_us(pass.reached)),
                        format_us(ticks_to_us(declared))
                    ),
                });
            }
        }
        Ok(SourceIndex::from_times(pass.frames, pass.keyframes))
    }

    /// This index of `path`, a file still being recorded that has grown since: the
    /// packets from this index's last keyframe on are read again and the rest kept, so a
    /// long recording is not read whole at each look. Reads the whole file when it cannot
    /// seek back to that keyframe.
    pub fn extended(&self, path: &Path) -> Result<SourceIndex, MediaError> {
        let Some(&last_key) = self.keyframes.last() else {
            return SourceIndex::scan(path);
        };
        super::init();
        check_readable(path)?;
        let mut input = super::local::open_input(path).map_err(|e| open_error(path, e))?;
        let video = VideoStream::of(&input, path)?;
        let origin = timeline_origin(&input);
        let target = ticks_to_us(last_key + origin);
        if input.seek(target, ..target + 1).is_err() {
            return SourceIndex::scan(path);
        }
        let Some(pass) = read_packets(path, &mut input, &video, origin)? else {
            return Ok(SourceIndex::default());
        };
        // Landed after the last keyframe known: frames would be missing.
        if pass.keyframes.first().is_none_or(|&k| k > last_key) {
            return SourceIndex::scan(path);
        }
        let keep = |times: &[i64]| times.iter().copied().filter(|&t| t < last_key).collect();
        let mut frames: Vec<i64> = keep(&self.frames);
        let mut keyframes: Vec<i64> = keep(&self.keyframes);
        frames.extend(pass.frames);
        keyframes.extend(pass.keyframes);
        Ok(SourceIndex::from_times(frames, keyframes))
    }

    /// True when the index holds frames and keyframes to steer seeks by.
    pub fn is_usable(&self) -> bool {
        !self.frames.is_empty() && !self.keyframes.is_empty()
    }

    /// When each frame starts, in ticks, in presentation order.
    pub fn frames(&self) -> &[i64] {
        &self.frames
    }

    /// When each keyframe starts, in ticks, in presentation order.
    pub fn keyframes(&self) -> &[i64] {
        &self.keyframes
    }

    /// The last keyframe starting at or before `time` (the first keyframe for earlier
    /// times); `None` without keyframes.
    pub fn keyframe_at_or_before(&self, time: i64) -> Option<i64> {
        let i = self.keyframes.partition_point(|&k| k <= time);
        self.keyframes
            .get(i.saturating_sub(1))
            .copied()
            .or(self.keyframes.first().copied())
    }

    /// The last keyframe starting strictly before `time`, if any.
    pub fn keyframe_before(&self, time: i64) -> Option<i64> {
        let i = self.keyframes.partition_point(|&k| k < time);
        i.checked_sub(1)
            .and_then(|i| self.keyframes.get(i).copied())
    }

    /// The first frame starting after `time`, if any.
    pub fn frame_after(&self, time: i64) -> Option<i64> {
        let i = self.frames.partition_point(|&f| f <= time);
        self.frames.get(i).copied()
    }

    /// True when reaching `target` from a decoder that has just shown the frame at
    /// `current` means decoding forward anyway: no keyframe lies after the next frame and
    /// at or before `target`, so a seek could skip nothing.
    pub fn decode_forward(&self, current: i64, target: i64) -> bool {
        if target < current {
            return false;
        }
        let Some(next) = self.frame_after(current) else {
            return true;
        };
        self.keyframe_at_or_before(target).is_none_or(|k| k <= next)
    }
}

/// The video stream FFmpeg finds best in `input` (read from `path`).
pub(super) fn best_video<'a>(
    input: &'a ff::format::context::Input,
    path: &Path,
) -> Result<ff::format::stream::Stream<'a>, MediaError> {
    input
        .streams()
        .best(ff::media::Type::Video)
        .ok_or_else(|| MediaError::NoVideo {
            path: path.to_owned(),
        })
}

/// A file's first video stream: its index, time base and declared length (ticks).
struct VideoStream {
    index: usize,
    time_base: ff::Rational,
    declared: Option<i64>,
}

impl VideoStream {
    fn of(input: &ff::format::context::Input, path: &Path) -> Result<VideoStream, MediaError> {
        let s = best_video(input, path)?;
        Ok(VideoStream {
            index: s.index(),
            time_base: s.time_base(),
            declared: (s.duration() > 0).then(|| to_ticks(s.duration(), s.time_base())),
        })
    }
}

/// The frames and keyframes one pass over packets found (ticks from `origin`), and how
/// far the video reached.
struct Pass {
    frames: Vec<i64>,
    keyframes: Vec<i64>,
    reached: i64,
}

/// Reads the packets of `input` from where it stands to its end, noting the video
/// stream's; `None` when they carry no timestamps.
fn read_packets(
    path: &Path,
    input: &mut ff::format::context::Input,
    video: &VideoStream,
    origin: i64,
) -> Result<Option<Pass>, MediaError> {
    let mut pass = Pass {
        frames: Vec::new(),
        keyframes: Vec::new(),
        reached: 0,
    };
    loop {
        let packet = match next_packet(input) {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            Err(e) => {
                return Err(MediaError::Damaged {
                    path: path.to_owned(),
                    detail: format!(
                        "its video data stops at {} ({e})",
                        format_us(ticks_to_us(pass.reached))
                    ),
                })
            }
        };
        if packet.stream() != video.index {
            continue;
        }
        let Some(pts) = packet.pts() else {
            return Ok(None);
        };
        let t = to_ticks(pts, video.time_base) - origin;
        let end = pts.saturating_add(packet.duration().max(0));
        pass.reached = pass.reached.max(to_ticks(end, video.time_base));
        pass.frames.push(t);
        if packet.is_key() {
            pass.keyframes.push(t);
        }
    }
    Ok(Some(pass))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gop_of_three() -> SourceIndex {
        // Frames at 0..=8, keyframes at 0, 3 and 6.
        SourceIndex::from_times((0..9).rev().collect(), vec![6, 0, 3, 3])
    }

    #[test]
    fn the_keyframe_at_or_before_a_time_is_the_last_one_not_after_it() {
        let ix = gop_of_three();
        assert_eq!(ix.keyframes(), &[0, 3, 6]);
        assert_eq!(ix.keyframe_at_or_before(2), Some(0));
        assert_eq!(ix.keyframe_at_or_before(3), Some(3));
        assert_eq!(ix.keyframe_at_or_before(100), Some(6));
        assert_eq!(ix.keyframe_at_or_before(-5), Some(0));
        assert_eq!(ix.keyframe_before(3), Some(0));
        assert_eq!(ix.keyframe_before(0), None);
    }

    #[test]
    fn a_target_in_the_same_gop_is_reached_by_decoding_forward() {
        let ix = gop_of_three();
        assert!(ix.decode_forward(3, 5));
        // The next frame is the keyframe itself: playback runs straight through it.
        assert!(ix.decode_forward(2, 3));
        assert!(ix.decode_forward(2, 5));
        // A keyframe past the next frame: seeking to it skips decoding.
        assert!(!ix.decode_forward(1, 4));
        assert!(!ix.decode_forward(0, 7));
        assert!(!ix.decode_forward(5, 4));
    }

    #[test]
    fn an_empty_index_is_not_usable() {
        assert!(!SourceIndex::default().is_usable());
        assert!(gop_of_three().is_usable());
    }
}
