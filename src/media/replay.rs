//! What a replay buffer needs from FFmpeg's packets: their track, time and whether they
//! start a picture that decodes alone, a copy moved to start at zero, and writing a run of
//! them as a new recording file.
//!
//! The buffer itself (how long it keeps, what it drops) is `capture`'s: this file only
//! reads and copies packets.

use std::path::Path;

use ffmpeg_next::{Rational, Rescale};

use super::record_enc::{EncodedPacket, TrackSetup};
use super::record_error::RecordError;
use super::record_mux::RecordingFile;

const MICROS: Rational = Rational(1, 1_000_000);

impl EncodedPacket {
    /// The track the packet belongs to (0 is the picture).
    pub fn track(&self) -> usize {
        self.track
    }

    /// True for a keyframe: decoding can start here.
    pub fn is_key(&self) -> bool {
        self.packet.is_key()
    }

    /// When the packet is shown or heard, in µs from the start of the recording.
    pub fn time_us(&self) -> Option<i64> {
        self.packet
            .pts()
            .map(|pts| pts.rescale(self.time_base, MICROS))
    }

    /// How long the packet lasts, µs (0 where the encoder did not say).
    pub fn duration_us(&self) -> i64 {
        self.packet.duration().rescale(self.time_base, MICROS)
    }

    /// A copy whose times are `by_us` earlier, so a run of packets cut from a longer
    /// recording starts at zero.
    pub(crate) fn shifted_copy(&self, by_us: i64) -> EncodedPacket {
        let mut packet = self.packet.clone();
        let by = by_us.rescale(MICROS, self.time_base);
        packet.set_pts(self.packet.pts().map(|t| t - by));
        packet.set_dts(self.packet.dts().map(|t| t - by));
        EncodedPacket {
            packet,
            time_base: self.time_base,
            track: self.track,
        }
    }
}

impl TrackSetup {
    /// Another description of the same track, for one more file.
    pub fn duplicate(&self) -> TrackSetup {
        TrackSetup {
            parameters: self.parameters.clone(),
            time_base: self.time_base,
            frame_rate: self.frame_rate,
        }
    }
}

/// Writes `packets` (in the order they were made) into a new recording file at `path`,
/// every time moved `from_us` earlier, and finishes it. The caller picks packets that
/// start on a keyframe. Returns how many packets were written.
pub fn write_packets<'a>(
    path: &Path,
    muxer: &str,
    tracks: Vec<TrackSetup>,
    packets: impl IntoIterator<Item = &'a EncodedPacket>,
    from_us: i64,
) -> Result<u64, RecordError> {
    let mut file = RecordingFile::create(path, muxer, tracks)?;
    for p in packets {
        file.write(p.shifted_copy(from_us))?;
    }
    file.finish()?;
    Ok(file.packets())
}
