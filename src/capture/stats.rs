//! Live numbers of a recording, shared between its worker threads and whoever shows them
//! (the recorder panel, the CLI): plain atomics, read without locking.

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

/// Counters updated by the recorder's threads.
#[derive(Debug)]
pub struct Stats {
    started: Instant,
    pub(crate) captured: AtomicU64,
    pub(crate) written: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) duplicated: AtomicU64,
    pub(crate) grab_queue: AtomicUsize,
    pub(crate) encode_queue: AtomicUsize,
    pub(crate) mux_queue: AtomicUsize,
    pub(crate) bytes: AtomicU64,
    pub(crate) recorded_us: AtomicI64,
    pub(crate) audio_offset_us: AtomicI64,
    pub(crate) audio_peak: [AtomicU64; 2],
}

/// A copy of the counters at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StatsSnapshot {
    /// Frames the source delivered.
    pub captured: u64,
    /// Frames encoded into the file (duplicates included).
    pub written: u64,
    /// Captured frames not shown (late, or the pipeline was full).
    pub dropped: u64,
    /// Output frames that repeat the previous picture (the source was slow or idle).
    pub duplicated: u64,
    /// Frames waiting between grabbing and scaling.
    pub grab_queue: usize,
    /// Frames waiting between scaling and encoding.
    pub encode_queue: usize,
    /// Packets waiting to be written.
    pub mux_queue: usize,
    /// Size of the file so far.
    pub bytes: u64,
    /// Recorded time so far (pauses excluded), microseconds.
    pub recorded_us: i64,
    /// Latest gap between where sound was captured and where it was placed (positive:
    /// the sound sits later in the file than it happened), microseconds.
    pub audio_offset_us: i64,
    /// Latest peak level of the system and microphone tracks, 0 to 32767.
    pub audio_peak: [u64; 2],
    /// Output frames a second over the whole recording so far, times 100.
    pub fps_x100: u64,
}

impl Stats {
    pub(crate) fn new() -> Stats {
        Stats {
            started: Instant::now(),
            captured: AtomicU64::new(0),
            written: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            duplicated: AtomicU64::new(0),
            grab_queue: AtomicUsize::new(0),
            encode_queue: AtomicUsize::new(0),
            mux_queue: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            recorded_us: AtomicI64::new(0),
            audio_offset_us: AtomicI64::new(0),
            audio_peak: [AtomicU64::new(0), AtomicU64::new(0)],
        }
    }

    /// Reads all counters.
    pub fn snapshot(&self) -> StatsSnapshot {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let written = get(&self.written);
        let elapsed_ms = self.started.elapsed().as_millis().max(1) as u64;
        StatsSnapshot {
            captured: get(&self.captured),
            written,
            dropped: get(&self.dropped),
            duplicated: get(&self.duplicated),
            grab_queue: self.grab_queue.load(Ordering::Relaxed),
            encode_queue: self.encode_queue.load(Ordering::Relaxed),
            mux_queue: self.mux_queue.load(Ordering::Relaxed),
            bytes: get(&self.bytes),
            recorded_us: self.recorded_us.load(Ordering::Relaxed),
            audio_offset_us: self.audio_offset_us.load(Ordering::Relaxed),
            audio_peak: [get(&self.audio_peak[0]), get(&self.audio_peak[1])],
            fps_x100: written * 100_000 / elapsed_ms,
        }
    }
}

pub(crate) fn add(a: &AtomicU64, n: u64) {
    a.fetch_add(n, Ordering::Relaxed);
}

/// Counts an item into (`+1`) or out of (`-1`) a queue.
pub(crate) fn queue(a: &AtomicUsize, into: bool) {
    if into {
        a.fetch_add(1, Ordering::Relaxed);
    } else {
        // Saturating: a racing reader never sees a wrapped-around depth.
        let _ = a.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| {
            Some(v.saturating_sub(1))
        });
    }
}
