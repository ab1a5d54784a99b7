//! The crash-safe recording file: a fragmented MP4 whose fragments reach the disk as they
//! are made, so a recording killed at any moment keeps all but its last second.
//!
//! `frag_keyframe` starts a fragment at each keyframe (the encoder makes one a second),
//! `empty_moov` writes the track headers up front, and `flush_packets` pushes each write
//! out of FFmpeg's buffer: without it a killed recording kept only its 28-byte `ftyp`.

use std::path::{Path, PathBuf};

use ffmpeg_next::{format, Dictionary};

use super::record_enc::{EncodedPacket, TrackSetup};
use super::record_error::{is_disk_full, RecordError};

/// An MP4 file being recorded into.
pub struct RecordingFile {
    out: format::context::Output,
    path: PathBuf,
    stream_time_bases: Vec<ffmpeg_next::Rational>,
    packets: u64,
    finished: bool,
}

impl std::fmt::Debug for RecordingFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecordingFile({})", self.path.display())
    }
}

impl RecordingFile {
    /// Writes into `path` (which the caller has created, or chosen to replace) as `muxer`
    /// (`mp4` or `mov`), with one track per setup, in order, and writes the file header.
    pub fn create(
        path: &Path,
        muxer: &str,
        tracks: Vec<TrackSetup>,
    ) -> Result<RecordingFile, RecordError> {
        super::init();
        let write_err = |step, source: ffmpeg_next::Error| {
            if is_disk_full(&source) {
                RecordError::DiskFull {
                    path: path.to_owned(),
                }
            } else {
                RecordError::Write {
                    path: path.to_owned(),
                    step,
                    source,
                }
            }
        };
        let mut out = super::local::open_output(path, muxer)
            .map_err(|e| write_err("creating the file", e))?;
        for track in &tracks {
            let mut stream = out
                .add_stream(None::<ffmpeg_next::Codec>)
                .map_err(|e| write_err("adding a track", e))?;
            stream.set_parameters(track.parameters.clone());
            stream.set_time_base(track.time_base);
            if let Some(rate) = track.frame_rate {
                stream.set_rate(rate);
                stream.set_avg_frame_rate(rate);
            }
        }
        let mut opts = Dictionary::new();
        opts.set("movflags", "frag_keyframe+empty_moov+default_base_moof");
        opts.set("flush_packets", "1");
        out.write_header_with(opts)
            .map_err(|e| write_err("writing the file header", e))?;
        let stream_time_bases = out.streams().map(|s| s.time_base()).collect();
        Ok(RecordingFile {
            out,
            path: path.to_owned(),
            stream_time_bases,
            packets: 0,
            finished: false,
        })
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Packets written so far.
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// Writes one packet (interleaved with the other tracks by time).
    pub fn write(&mut self, mut p: EncodedPacket) -> Result<(), RecordError> {
        let Some(&tb) = self.stream_time_bases.get(p.track) else {
            return Err(RecordError::Write {
                path: self.path.clone(),
                step: "writing a packet",
                source: ffmpeg_next::Error::StreamNotFound,
            });
        };
        p.packet.rescale_ts(p.time_base, tb);
        p.packet.set_stream(p.track);
        p.packet.set_position(-1);
        p.packet
            .write_interleaved(&mut self.out)
            .map_err(|e| self.error("writing a packet", e))?;
        self.packets += 1;
        Ok(())
    }

    /// Writes the file's trailer. The file is complete and playable after this (and,
    /// thanks to the fragments, mostly playable before it too).
    pub fn finish(&mut self) -> Result<(), RecordError> {
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        match self.out.write_trailer() {
            Ok(()) => Ok(()),
            // FFmpeg 5.1's fragmented-MP4 trailer returns a positive byte count on success,
            // which ffmpeg-next reports as an "error" with a negative errno.
            Err(ffmpeg_next::Error::Other { errno }) if errno < 0 => Ok(()),
            Err(e) => Err(self.error("finishing the file", e)),
        }
    }

    fn error(&self, step: &'static str, source: ffmpeg_next::Error) -> RecordError {
        if is_disk_full(&source) {
            RecordError::DiskFull {
                path: self.path.clone(),
            }
        } else {
            RecordError::Write {
                path: self.path.clone(),
                step,
                source,
            }
        }
    }
}
