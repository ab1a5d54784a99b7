//! Following a fragmented MP4 while it is recorded, without reading it all again.
//!
//! A probe demuxes the whole file, so probing a recording once a second costs more the
//! longer it runs. A [`GrowingProbe`] probes it once, then reads only the fragments
//! appended since: each whole `moof` + `mdat` pair after the last one taken in adds its
//! samples to the streams' packet counts and moves the tracks' ends (from the `tfdt`
//! start and the `trun` sample durations). A fragment whose `mdat` is not whole yet is
//! left for the next look, as [`super::whole_fragments_end_us`] leaves it out. The length
//! is where the tracks' whole fragments end, counted from where the earliest starts.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::growing::{
    be32, be64, box_at, child, children, fragment_start_us, read_body, track_timescales, SMALL_BOX,
};
use super::{probe, MediaError, ProbeReport};

/// A track of the file: where its samples are counted and how its time is kept.
#[derive(Debug, Clone)]
struct Track {
    id: u32,
    /// The report's stream of this track (tracks and streams come in the same order).
    stream: usize,
    timescale: u32,
    /// The `trex` default sample duration, for runs that state none.
    default_duration: u32,
    /// Where its first fragment starts, on its time scale, once one is taken in.
    start: Option<u64>,
    /// Where its samples taken in so far end, on its time scale.
    end: u64,
}

/// A probe of a growing fragmented MP4 that takes in only what was appended since the
/// last look. See the module's documentation.
#[derive(Debug, Clone)]
pub struct GrowingProbe {
    path: PathBuf,
    report: ProbeReport,
    tracks: Vec<Track>,
    /// Where the first box not taken in yet starts.
    offset: u64,
    /// The start of a fragment found with its `moof` whole and its `mdat` not yet.
    open_fragment_us: Option<i64>,
}

impl GrowingProbe {
    /// Probes the whole file at `path` once and notes where its whole fragments end.
    pub fn start(path: &Path) -> Result<GrowingProbe, MediaError> {
        let report = probe(path)?;
        let mut growing = GrowingProbe {
            path: path.to_owned(),
            report,
            tracks: Vec::new(),
            offset: 0,
            open_fragment_us: None,
        };
        // The fragments are counted afresh: the probe may have caught one half written.
        let counted: Vec<u64> = growing.report.streams.iter().map(|s| s.packets).collect();
        for stream in &mut growing.report.streams {
            stream.packets = 0;
        }
        growing.read_appended()?;
        match growing.earliest_us() {
            Some(start) => {
                growing.report.duration_us = growing.furthest_us().map(|end| end - start);
            }
            // Not fragmented (or no fragment yet): the probe's figures stand.
            None => {
                for (stream, packets) in growing.report.streams.iter_mut().zip(counted) {
                    stream.packets = packets;
                }
            }
        }
        Ok(growing)
    }

    /// Takes in the fragments appended since the last look; true when any was.
    pub fn refresh(&mut self) -> Result<bool, MediaError> {
        let before = self.offset;
        self.read_appended()?;
        if self.offset == before {
            return Ok(false);
        }
        if let (Some(start), Some(end)) = (self.earliest_us(), self.furthest_us()) {
            self.report.duration_us = Some(end - start);
        }
        Ok(true)
    }

    /// The file's report as of the last look (its length where its whole fragments end).
    pub fn report(&self) -> &ProbeReport {
        &self.report
    }

    /// As [`super::whole_fragments_end_us`] at the last look: the start of the fragment
    /// still being written, if the file ended inside one.
    pub fn whole_fragments_end_us(&self) -> Option<i64> {
        self.open_fragment_us
    }

    /// The furthest end of any track taken in, in microseconds.
    fn furthest_us(&self) -> Option<i64> {
        self.tracks
            .iter()
            .filter(|t| t.start.is_some())
            .map(|t| ticks_to_us(t.end, t.timescale))
            .max()
    }

    /// The earliest start of any track, in microseconds, once a fragment is taken in.
    fn earliest_us(&self) -> Option<i64> {
        self.tracks
            .iter()
            .filter_map(|t| Some(ticks_to_us(t.start?, t.timescale)))
            .min()
    }

    /// Walks the top-level boxes from where the last walk stopped, taking in each whole
    /// fragment, and stops before the first box (or fragment) that is not whole.
    fn read_appended(&mut self) -> Result<(), MediaError> {
        let path = self.path.clone();
        let unreadable = |source| MediaError::Unreadable {
            path: path.clone(),
            source,
        };
        let mut file = File::open(&self.path).map_err(unreadable)?;
        let len = file.metadata().map_err(unreadable)?.len();
        self.open_fragment_us = None;
        let mut at = self.offset;
        // A `moof` read, waiting for its `mdat`: (where it starts, its body).
        let mut pending: Option<(u64, Vec<u8>)> = None;
        while let Some((kind, header, size)) = box_at(&mut file, at, len).map_err(unreadable)? {
            if size < header || at.saturating_add(size) > len {
                break;
            }
            match &kind {
                b"moov" if size <= SMALL_BOX => {
                    let body =
                        read_body(&mut file, at + header, size - header).map_err(unreadable)?;
                    self.tracks = tracks_of(&body);
                }
                b"moof" if size <= SMALL_BOX => {
                    let body =
                        read_body(&mut file, at + header, size - header).map_err(unreadable)?;
                    pending = Some((at, body));
                }
                b"mdat" => {
                    if let Some((_, moof)) = pending.take() {
                        self.take_in(&moof);
                    }
                }
                _ => {}
            }
            at += size;
            if pending.is_none() {
                self.offset = at;
            }
        }
        if let Some((start, moof)) = pending {
            let scales: Vec<(u32, u32)> = self.tracks.iter().map(|t| (t.id, t.timescale)).collect();
            self.open_fragment_us = fragment_start_us(&moof, &scales);
            self.offset = start;
        }
        self.report.size_bytes = len;
        Ok(())
    }

    /// Adds a whole fragment's samples to the streams and moves the tracks' ends.
    fn take_in(&mut self, moof: &[u8]) {
        for (_, traf) in children(moof).filter(|(k, _)| k == b"traf") {
            let Some(tfhd) = child(traf, b"tfhd") else {
                continue;
            };
            let Some(track) =
                be32(tfhd, 4).and_then(|id| self.tracks.iter_mut().find(|t| t.id == id))
            else {
                continue;
            };
            let default = tfhd_default_duration(tfhd).unwrap_or(track.default_duration);
            let mut time = child(traf, b"tfdt")
                .and_then(decode_time)
                .unwrap_or(track.end);
            track.start.get_or_insert(time);
            let mut samples = 0u64;
            for (_, trun) in children(traf).filter(|(k, _)| k == b"trun") {
                let (count, duration) = run_length(trun, default);
                samples += count;
                time += duration;
            }
            track.end = track.end.max(time);
            if let Some(stream) = self.report.streams.get_mut(track.stream) {
                stream.packets += samples;
            }
        }
    }
}

fn ticks_to_us(ticks: u64, timescale: u32) -> i64 {
    let us = i128::from(ticks) * 1_000_000 / i128::from(timescale.max(1));
    i64::try_from(us).unwrap_or(i64::MAX)
}

/// The tracks of a `moov` body, in order, with their `trex` defaults.
fn tracks_of(moov: &[u8]) -> Vec<Track> {
    let defaults: Vec<(u32, u32)> = child(moov, b"mvex")
        .map(|mvex| {
            children(mvex)
                .filter(|(k, _)| k == b"trex")
                .filter_map(|(_, trex)| Some((be32(trex, 4)?, be32(trex, 12)?)))
                .collect()
        })
        .unwrap_or_default();
    track_timescales(moov)
        .into_iter()
        .enumerate()
        .map(|(stream, (id, timescale))| Track {
            id,
            stream,
            timescale,
            default_duration: defaults
                .iter()
                .find(|(t, _)| *t == id)
                .map_or(0, |(_, d)| *d),
            start: None,
            end: 0,
        })
        .collect()
}

/// The `tfdt` base decode time.
fn decode_time(tfdt: &[u8]) -> Option<u64> {
    if tfdt.first()? == &1 {
        be64(tfdt, 4)
    } else {
        be32(tfdt, 4).map(u64::from)
    }
}

/// The default sample duration a `tfhd` states, if it does.
fn tfhd_default_duration(tfhd: &[u8]) -> Option<u32> {
    let flags = be32(tfhd, 0)? & 0x00ff_ffff;
    if flags & 0x08 == 0 {
        return None;
    }
    let mut at = 8;
    if flags & 0x01 != 0 {
        at += 8;
    }
    if flags & 0x02 != 0 {
        at += 4;
    }
    be32(tfhd, at)
}

/// The number of samples in a `trun` and their summed duration (`default` for each when
/// the run states none).
fn run_length(trun: &[u8], default: u32) -> (u64, u64) {
    let (Some(flags), Some(count)) = (be32(trun, 0), be32(trun, 4)) else {
        return (0, 0);
    };
    let flags = flags & 0x00ff_ffff;
    let mut at = 8usize;
    if flags & 0x001 != 0 {
        at += 4;
    }
    if flags & 0x004 != 0 {
        at += 4;
    }
    let fields = [0x100, 0x200, 0x400, 0x800]
        .iter()
        .filter(|f| flags & **f != 0)
        .count();
    let duration = if flags & 0x100 == 0 {
        u64::from(count) * u64::from(default)
    } else {
        (0..count as usize)
            .filter_map(|i| be32(trun, at + i * fields * 4))
            .map(u64::from)
            .sum()
    };
    (u64::from(count), duration)
}
