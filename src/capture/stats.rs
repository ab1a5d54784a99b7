//! Live numbers of a recording, shared between its worker threads and whoever shows them
//! (the recorder panel, the CLI): plain atomics, read without locking.
//!
//! Dropped and repeated frames are also counted by cause ([`Causes`]): the source was slow
//! (a frame came too late for its moment, or none came), the encoder was slow (the
//! pipeline behind the grabber was full, so a frame had to wait or be let go), or the
//! window was hidden (minimised: its last picture is repeated).

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
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
    /// [`NOT_MEASURED`] until the first sound is placed.
    pub(crate) audio_offset_us: AtomicI64,
    pub(crate) audio_peak: [AtomicU64; 2],
    pub(crate) dropped_by: CauseCounters,
    pub(crate) repeated_by: CauseCounters,
    /// The source says its window is hidden now.
    pub(crate) window_hidden: AtomicBool,
    /// Frames let go because the pipeline was full and not yet made up for by a repeat.
    pub(crate) encoder_gap: AtomicU64,
}

/// `audio_offset_us` before any sound was placed.
const NOT_MEASURED: i64 = i64::MIN;

/// Why a frame was dropped or repeated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    SourceSlow,
    EncoderSlow,
    WindowHidden,
}

/// One counter a [`Cause`].
#[derive(Debug, Default)]
pub(crate) struct CauseCounters([AtomicU64; 3]);

impl CauseCounters {
    pub(crate) fn add(&self, cause: Cause) {
        self.0[cause as usize].fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> Causes {
        let get = |i: usize| self.0[i].load(Ordering::Relaxed);
        Causes {
            source_slow: get(Cause::SourceSlow as usize),
            encoder_slow: get(Cause::EncoderSlow as usize),
            window_hidden: get(Cause::WindowHidden as usize),
        }
    }
}

/// Frames counted by why they were dropped or repeated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Causes {
    /// The source delivered late or not at all.
    pub source_slow: u64,
    /// Scaling or encoding could not keep up.
    pub encoder_slow: u64,
    /// The window was minimised or unmapped.
    pub window_hidden: u64,
}

impl Causes {
    /// "3 source slow, 1 window hidden", or "" when all are zero.
    pub fn describe(&self) -> String {
        [
            (self.source_slow, "source slow"),
            (self.encoder_slow, "encoder slow"),
            (self.window_hidden, "window hidden"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect::<Vec<_>>()
        .join(", ")
    }
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
    /// the sound sits later in the file than it happened), microseconds; `None` until
    /// sound has been placed (no sound track, or none captured yet).
    pub audio_offset_us: Option<i64>,
    /// Latest peak level of the system and microphone tracks, 0 to 32767.
    pub audio_peak: [u64; 2],
    /// Output frames a second over the whole recording so far, times 100.
    pub fps_x100: u64,
    /// `dropped`, by cause.
    pub dropped_by: Causes,
    /// `duplicated`, by cause.
    pub repeated_by: Causes,
    /// The window is hidden (minimised) now: its last picture is being repeated.
    pub window_hidden: bool,
}

impl StatsSnapshot {
    /// One line for people: "2 dropped (2 encoder slow) · 40 repeated (40 window hidden)
    /// · window hidden · A/V +12 ms".
    pub fn describe_frames(&self) -> String {
        let with = |n: u64, what: &str, causes: &Causes| match causes.describe() {
            d if d.is_empty() => format!("{n} {what}"),
            d => format!("{n} {what} ({d})"),
        };
        let mut line = format!(
            "{} · {}",
            with(self.dropped, "dropped", &self.dropped_by),
            with(self.duplicated, "repeated", &self.repeated_by)
        );
        if self.window_hidden {
            line.push_str(" · window hidden");
        }
        if let Some(us) = self.audio_offset_us {
            line.push_str(&format!(" · A/V {:+} ms", us / 1000));
        }
        line
    }
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
            audio_offset_us: AtomicI64::new(NOT_MEASURED),
            audio_peak: [AtomicU64::new(0), AtomicU64::new(0)],
            dropped_by: CauseCounters::default(),
            repeated_by: CauseCounters::default(),
            window_hidden: AtomicBool::new(false),
            encoder_gap: AtomicU64::new(0),
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
            audio_offset_us: Some(self.audio_offset_us.load(Ordering::Relaxed))
                .filter(|&us| us != NOT_MEASURED),
            audio_peak: [get(&self.audio_peak[0]), get(&self.audio_peak[1])],
            fps_x100: written * 100_000 / elapsed_ms,
            dropped_by: self.dropped_by.snapshot(),
            repeated_by: self.repeated_by.snapshot(),
            window_hidden: self.window_hidden.load(Ordering::Relaxed),
        }
    }
}

/// Counts one dropped frame and why.
pub(crate) fn drop_frame(stats: &Stats, cause: Cause) {
    add(&stats.dropped, 1);
    stats.dropped_by.add(cause);
}

/// Counts a frame let go because the pipeline was full: the gap it leaves is filled by a
/// repeat, which is then the encoder's fault too.
pub(crate) fn drop_for_full_pipeline(stats: &Stats) {
    drop_frame(stats, Cause::EncoderSlow);
    add(&stats.encoder_gap, 1);
}

/// Counts one repeated picture; its cause is read from what happened before: a hidden
/// window, frames let go because the pipeline was full, else a slow source.
pub(crate) fn repeat_frame(stats: &Stats) {
    add(&stats.duplicated, 1);
    let gap = stats
        .encoder_gap
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |g| g.checked_sub(1))
        .is_ok();
    let cause = if stats.window_hidden.load(Ordering::Relaxed) {
        Cause::WindowHidden
    } else if gap {
        Cause::EncoderSlow
    } else {
        Cause::SourceSlow
    };
    stats.repeated_by.add(cause);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_after_frames_let_go_for_a_full_pipeline_are_the_encoders_fault() {
        let s = Stats::new();
        drop_for_full_pipeline(&s);
        repeat_frame(&s);
        repeat_frame(&s);
        let snap = s.snapshot();
        assert_eq!(snap.dropped_by.encoder_slow, 1);
        assert_eq!(snap.repeated_by.encoder_slow, 1);
        assert_eq!(snap.repeated_by.source_slow, 1);
        assert_eq!(snap.duplicated, 2);
    }

    #[test]
    fn repeats_while_the_window_is_hidden_say_so() {
        let s = Stats::new();
        s.window_hidden.store(true, Ordering::Relaxed);
        repeat_frame(&s);
        let snap = s.snapshot();
        assert_eq!(snap.repeated_by.window_hidden, 1);
        assert!(snap.window_hidden);
        let line = snap.describe_frames();
        assert!(line.contains("1 repeated (1 window hidden)"), "{line}");
        assert!(line.ends_with("· window hidden"), "{line}");
    }

    #[test]
    fn the_av_offset_shows_only_once_sound_was_placed() {
        let s = Stats::new();
        assert_eq!(s.snapshot().audio_offset_us, None);
        assert!(!s.snapshot().describe_frames().contains("A/V"));
        s.audio_offset_us.store(-12_000, Ordering::Relaxed);
        assert_eq!(s.snapshot().audio_offset_us, Some(-12_000));
        assert!(s.snapshot().describe_frames().contains("A/V -12 ms"));
    }
}
