//! One pass over a probed file's packets (no decoding): real durations, frame intervals,
//! and whether the file was cut off while being written.

use std::path::Path;

use ffmpeg_next as ff;

use super::super::MediaError;
use super::{format_us, rational, to_us, StreamKind, StreamReport, VideoFacts};

/// What one demux pass saw of a stream.
#[derive(Debug, Default, Clone)]
pub(super) struct StreamScan {
    pub(super) packets: u64,
    /// Presentation timestamps of video packets, in stream ticks.
    pts: Vec<i64>,
    /// Latest end (pts + duration) of any packet, in stream ticks.
    end: Option<i64>,
}

/// Caps the timestamps kept per stream, so probing a long recording stays light.
pub(super) const MAX_PTS_KEPT: usize = 20_000;

/// The file's next packet, `None` at its end; a demuxer's "try again" is tried again.
pub(in crate::media) fn next_packet(
    input: &mut ff::format::context::Input,
) -> Result<Option<ff::Packet>, ff::Error> {
    loop {
        // A fresh packet each time: `av_read_frame` does not release the buffer of the
        // packet it is given, so reusing one would keep every packet of the file in memory.
        let mut packet = ff::Packet::empty();
        match packet.read(input) {
            Ok(()) => return Ok(Some(packet)),
            Err(ff::Error::Eof) => return Ok(None),
            Err(ff::Error::Other {
                errno: ff::util::error::EAGAIN,
            }) => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Reads every packet of the file once, without decoding.
pub(super) fn scan_packets(
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
        let packet = match next_packet(input) {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            Err(e) => {
                let reached = furthest_us(input, &scan);
                return Err(MediaError::Damaged {
                    path: path.to_owned(),
                    detail: format!("its data stops at {} ({e})", format_us(reached)),
                });
            }
        };
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
pub(super) fn timeline_duration(
    input: &ff::format::context::Input,
    scan: &[StreamScan],
    declared_us: Option<i64>,
) -> Option<i64> {
    let start_us = super::super::decode::ticks_to_us(super::super::decode::timeline_origin(input));
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
pub(super) fn cut_off_margin(declared_us: i64) -> i64 {
    (declared_us / 50).max(250_000)
}

/// The furthest time any stream reached, in microseconds.
pub(super) fn furthest_us(input: &ff::format::context::Input, scan: &[StreamScan]) -> i64 {
    input
        .streams()
        .zip(scan)
        .filter_map(|(s, sc)| sc.end.and_then(|e| to_us(e, rational(s.time_base()))))
        .max()
        .unwrap_or(0)
}

/// Fills in the measured frame intervals and whether the rate varies.
pub(super) fn apply_intervals(video: &mut VideoFacts, scan: &StreamScan, tb: [i32; 2]) {
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
pub(super) fn check_complete(
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
