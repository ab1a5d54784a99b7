//! The replay buffer: instead of a file, a recording keeps its last seconds as encoded
//! packets (picture and sound) in memory, and saves them as a new file when asked.
//!
//! The ring ([`ReplayRing`]) holds whole GOPs: it drops the oldest one as soon as the
//! next keyframe is at least the asked-for length behind the newest picture, so it holds
//! between that length and that length plus one GOP (one second: the recorder makes a
//! keyframe every second). A hard cap in bytes ([`replay_cap_bytes`]) drops older GOPs
//! even sooner should the picture be far busier than planned; a replay saved then is
//! shorter and says so. Saving takes a list of shared packets (no copy of the data) and
//! hands it to a saver thread over a queue of one, so capture never waits for the disk;
//! the file is written under a hidden temporary name and renamed when complete, so a
//! process killed while saving leaves no half file under a real name.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::Duration;

use super::stats::{queue, Stats};
use super::CaptureError;
use crate::media::{EncodedPacket, TrackSetup};

/// Bytes a second the hard cap allows for: 8 MB/s (64 Mbit/s), about ten times what a
/// 1080p30 screen recording at the default quality takes.
pub const REPLAY_CAP_BYTES_PER_SECOND: u64 = 8_000_000;
/// The smallest hard cap, whatever the length.
pub const REPLAY_CAP_MIN_BYTES: u64 = 32_000_000;

/// The most memory a replay buffer of `seconds` holds in packets: one GOP (a second) more
/// than asked for, at [`REPLAY_CAP_BYTES_PER_SECOND`], at least [`REPLAY_CAP_MIN_BYTES`].
pub fn replay_cap_bytes(seconds: u64) -> u64 {
    (seconds.saturating_add(1))
        .saturating_mul(REPLAY_CAP_BYTES_PER_SECOND)
        .max(REPLAY_CAP_MIN_BYTES)
}

/// What the ring needs to know of a packet.
pub trait Buffered {
    /// Part of the picture (not sound).
    fn is_video(&self) -> bool;
    /// A picture that decodes alone.
    fn is_key(&self) -> bool;
    /// When it is shown or heard, µs.
    fn time_us(&self) -> Option<i64>;
    /// How long it lasts, µs.
    fn duration_us(&self) -> i64;
    /// Its size in bytes.
    fn bytes(&self) -> usize;
}

impl Buffered for EncodedPacket {
    fn is_video(&self) -> bool {
        self.track() == 0
    }
    fn is_key(&self) -> bool {
        EncodedPacket::is_key(self)
    }
    fn time_us(&self) -> Option<i64> {
        EncodedPacket::time_us(self)
    }
    fn duration_us(&self) -> i64 {
        EncodedPacket::duration_us(self)
    }
    fn bytes(&self) -> usize {
        self.size()
    }
}

/// The last seconds of a recording, as whole GOPs of shared packets.
#[derive(Debug)]
pub struct ReplayRing<P> {
    packets: VecDeque<Arc<P>>,
    /// Sequence number of `packets[0]`.
    head: u64,
    /// Sequence number and time of each video keyframe held, oldest first.
    keys: VecDeque<(u64, i64)>,
    bytes: u64,
    keep_us: i64,
    cap_bytes: u64,
    /// Where the newest picture ends, µs.
    newest_us: i64,
    /// GOPs dropped early because of the byte cap.
    trimmed: u64,
}

/// Packets to save: from a keyframe on, with the time to move to zero.
#[derive(Debug)]
pub struct ReplaySnapshot<P> {
    /// The packets, in the order they were made.
    pub packets: Vec<Arc<P>>,
    /// Time of the first picture, µs (it becomes zero in the file).
    pub from_us: i64,
    /// Length of the picture, µs.
    pub duration_us: i64,
}

impl<P: Buffered> ReplayRing<P> {
    /// A ring keeping the last `keep` of picture and sound, never more than `cap_bytes`
    /// (beyond one GOP).
    pub fn new(keep: Duration, cap_bytes: u64) -> ReplayRing<P> {
        ReplayRing {
            packets: VecDeque::new(),
            head: 0,
            keys: VecDeque::new(),
            bytes: 0,
            keep_us: i64::try_from(keep.as_micros()).unwrap_or(i64::MAX),
            cap_bytes,
            newest_us: 0,
            trimmed: 0,
        }
    }

    /// Bytes of packet data held.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Length of the picture held, µs.
    pub fn held_us(&self) -> i64 {
        self.keys.front().map_or(0, |&(_, t)| self.newest_us - t)
    }

    /// GOPs dropped early to stay under the byte cap.
    pub fn trimmed(&self) -> u64 {
        self.trimmed
    }

    /// Adds the newest packet and drops what is no longer needed.
    pub fn push(&mut self, p: P) {
        let seq = self.head + self.packets.len() as u64;
        if p.is_video() {
            if let Some(t) = p.time_us() {
                if p.is_key() {
                    self.keys.push_back((seq, t));
                }
                self.newest_us = self.newest_us.max(t + p.duration_us().max(0));
            }
        }
        self.bytes += p.bytes() as u64;
        self.packets.push_back(Arc::new(p));
        self.evict();
    }

    fn evict(&mut self) {
        while let Some(&(next_seq, next_t)) = self.keys.get(1) {
            let old_enough = next_t <= self.newest_us - self.keep_us;
            let too_big = self.bytes > self.cap_bytes;
            if !old_enough && !too_big {
                break;
            }
            if too_big && !old_enough {
                self.trimmed += 1;
            }
            while self.head < next_seq {
                if let Some(p) = self.packets.pop_front() {
                    self.bytes -= p.bytes() as u64;
                }
                self.head += 1;
            }
            self.keys.pop_front();
        }
    }

    /// The packets of the last `keep` (from the keyframe nearest to that point, so within
    /// half a GOP of it), or `None` before the first picture.
    pub fn snapshot(&self) -> Option<ReplaySnapshot<P>> {
        let wanted = self.newest_us - self.keep_us;
        // Halfway between two keyframes, the later one: never more than half a GOP over.
        let &(seq, from_us) = self
            .keys
            .iter()
            .min_by_key(|&&(_, t)| ((t - wanted).abs(), -t))?;
        let start = usize::try_from(seq - self.head).ok()?;
        let packets = self
            .packets
            .iter()
            .skip(start)
            // Sound reaches the ring sooner than pictures (they wait in the scaler and
            // the encoder): sound beyond the newest picture would outlast it.
            .filter(|p| {
                p.is_video()
                    || p.time_us()
                        .is_some_and(|t| t >= from_us && t < self.newest_us)
            })
            .cloned()
            .collect();
        Some(ReplaySnapshot {
            packets,
            from_us,
            duration_us: self.newest_us - from_us,
        })
    }
}

/// A replay written to disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedReplay {
    /// The new file.
    pub path: PathBuf,
    /// Length of its picture, µs.
    pub duration_us: i64,
}

/// Where replays go and what their tracks are.
pub(crate) struct ReplayTarget {
    pub(crate) dir: PathBuf,
    pub(crate) tracks: Vec<TrackSetup>,
}

/// Fills the ring from the encoders until every sender is gone; each time `save` is set,
/// hands what the ring holds to the saver (or reports that a save is still running).
pub(crate) fn buffer(
    mut ring: ReplayRing<EncodedPacket>,
    rx: &Receiver<EncodedPacket>,
    save: &AtomicBool,
    jobs: &SyncSender<ReplaySnapshot<EncodedPacket>>,
    results: &SyncSender<Result<SavedReplay, CaptureError>>,
    stats: &Stats,
) {
    let mut warned_trim = 0;
    loop {
        let ended = match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(p) => {
                queue(&stats.mux_queue, false);
                ring.push(p);
                stats.bytes.store(ring.bytes(), Ordering::Relaxed);
                false
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => true,
        };
        if ring.trimmed() > warned_trim {
            warned_trim = ring.trimmed();
            tracing::warn!(
                "the replay buffer reached its cap of {} bytes; it holds {} ms",
                ring.cap_bytes,
                ring.held_us() / 1000
            );
        }
        if save.swap(false, Ordering::Relaxed) {
            let outcome = match ring.snapshot() {
                None => Err(CaptureError::Invalid(
                    "nothing recorded yet to save as a replay".to_owned(),
                )),
                Some(snap) => match jobs.try_send(snap) {
                    Ok(()) => Ok(()),
                    Err(TrySendError::Full(_)) => Err(CaptureError::Invalid(
                        "a replay is still being saved; try again in a moment".to_owned(),
                    )),
                    Err(TrySendError::Disconnected(_)) => Err(CaptureError::Thread("replay saver")),
                },
            };
            if let Err(e) = outcome {
                let _ = results.try_send(Err(e));
            }
        }
        if ended {
            return;
        }
    }
}

/// Writes each snapshot it is handed as a new file in the target's folder.
pub(crate) fn saver(
    target: &ReplayTarget,
    jobs: &Receiver<ReplaySnapshot<EncodedPacket>>,
    results: &SyncSender<Result<SavedReplay, CaptureError>>,
) {
    for snap in jobs {
        let outcome = save_one(target, &snap);
        match &outcome {
            Ok(s) => tracing::info!(
                "saved a replay of {} ms as {}",
                s.duration_us / 1000,
                s.path.display()
            ),
            Err(e) => tracing::warn!("saving a replay failed: {e}"),
        }
        if results.try_send(outcome).is_err() {
            tracing::warn!("nobody is collecting saved replays; the result was dropped");
        }
    }
}

fn save_one(
    target: &ReplayTarget,
    snap: &ReplaySnapshot<EncodedPacket>,
) -> Result<SavedReplay, CaptureError> {
    let path = super::naming::fresh_named_path(&target.dir, "Replay", super::local_now(), "mp4");
    let fail = |why: String| CaptureError::Invalid(format!("{}: {why}", path.display()));
    let out = crate::files::output_target(&path).map_err(|e| fail(e.to_string()))?;
    let temp = out
        .temp_file()
        .map_err(|e| fail(format!("cannot create a file beside it: {e}")))?
        .into_temp_path();
    let tracks = target.tracks.iter().map(TrackSetup::duplicate).collect();
    crate::media::write_packets(
        &temp,
        "mp4",
        tracks,
        snap.packets.iter().map(|p| p.as_ref()),
        snap.from_us,
    )?;
    sync(&temp).map_err(|e| fail(format!("cannot flush the file to disk: {e}")))?;
    // Never over a file that appeared meanwhile: the temporary file stays and is reported.
    temp.persist_noclobber(&path).map_err(|e| {
        fail(format!(
            "cannot move the saved replay into place: {}",
            e.error
        ))
    })?;
    Ok(SavedReplay {
        path,
        duration_us: snap.duration_us,
    })
}

fn sync(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(path)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A packet of a recording at 10 fps with a keyframe every second and sound packets
    /// of 100 ms.
    struct Fake {
        video: bool,
        key: bool,
        t: i64,
        size: usize,
    }

    impl Buffered for Fake {
        fn is_video(&self) -> bool {
            self.video
        }
        fn is_key(&self) -> bool {
            self.key
        }
        fn time_us(&self) -> Option<i64> {
            Some(self.t)
        }
        fn duration_us(&self) -> i64 {
            100_000
        }
        fn bytes(&self) -> usize {
            self.size
        }
    }

    /// `count` packets of `size` bytes after one another from `from_us`, none a keyframe:
    /// pictures when `video`, sound otherwise.
    fn push_run(ring: &mut ReplayRing<Fake>, video: bool, from_us: i64, count: i64, size: usize) {
        for i in 0..count {
            ring.push(Fake {
                video,
                key: false,
                t: from_us + i * 100_000,
                size,
            });
        }
    }

    /// A ring keeping `keep_secs` (and at most `cap` bytes) after `seconds` of pictures of
    /// 1000 bytes, 10 a second with a keyframe each second, and 10 bytes of sound 30 ms
    /// after each picture.
    fn filled(keep_secs: u64, cap: u64, seconds: i64) -> ReplayRing<Fake> {
        let mut ring = ReplayRing::new(Duration::from_secs(keep_secs), cap);
        for i in 0..seconds * 10 {
            let t = i * 100_000;
            ring.push(Fake {
                video: false,
                key: false,
                t: t + 30_000,
                size: 10,
            });
            ring.push(Fake {
                video: true,
                key: i % 10 == 0,
                t,
                size: 1000,
            });
        }
        ring
    }

    /// The snapshot of a 5 s ring filled for 12 s and then given `extra` pictures of a
    /// byte, none a keyframe.
    fn five_seconds_after(extra: i64) -> ReplaySnapshot<Fake> {
        let mut ring = filled(5, u64::MAX, 12);
        push_run(&mut ring, true, 12_000_000, extra, 1);
        ring.snapshot().unwrap()
    }

    #[test]
    fn the_ring_holds_the_asked_length_plus_at_most_one_gop() {
        let ring = filled(5, u64::MAX, 60);
        let held = ring.held_us();
        assert!((5_000_000..=6_000_000).contains(&held), "{held}");
        assert!(ring.bytes() <= 61 * 1010, "{}", ring.bytes());
        assert_eq!(ring.trimmed(), 0);
    }

    #[test]
    fn a_snapshot_starts_on_the_keyframe_nearest_the_asked_length() {
        // Pictures end at 12.0 s: 5 s back is 7.0 s, a keyframe.
        let snap = five_seconds_after(4);
        assert_eq!(snap.from_us, 7_000_000);
        assert_eq!(snap.duration_us, 5_400_000);
        assert!(snap.packets[0].is_video() && snap.packets[0].is_key());
        assert!(snap.packets.iter().all(|p| p.t >= 7_000_000));
    }

    #[test]
    fn halfway_between_two_keyframes_the_shorter_replay_is_taken() {
        // Pictures end at 12.5 s: 5 s back is 7.5 s, between keyframes at 7 and 8 s.
        let snap = five_seconds_after(5);
        assert_eq!(snap.from_us, 8_000_000);
        assert_eq!(snap.duration_us, 4_500_000);
    }

    #[test]
    fn sound_beyond_the_newest_picture_is_left_out_of_a_snapshot() {
        let mut ring = filled(2, u64::MAX, 5);
        push_run(&mut ring, false, 5_000_000, 5, 10);
        let snap = ring.snapshot().unwrap();
        let last_sound = snap.packets.iter().filter(|p| !p.video).map(|p| p.t).max();
        assert_eq!(last_sound, Some(4_930_000));
    }

    #[test]
    fn the_byte_cap_drops_older_gops_and_keeps_the_newest() {
        let ring = filled(30, 50_000, 20);
        assert!(ring.bytes() <= 50_000 + 10 * 1010, "{}", ring.bytes());
        assert!(ring.trimmed() > 0);
        let snap = ring.snapshot().unwrap();
        assert!(snap.packets[0].is_key());
        assert!(snap.duration_us < 30_000_000);
    }

    #[test]
    fn the_cap_grows_with_the_length_and_has_a_floor() {
        assert_eq!(replay_cap_bytes(1), REPLAY_CAP_MIN_BYTES);
        assert_eq!(replay_cap_bytes(29), 240_000_000);
    }

    #[test]
    fn nothing_recorded_gives_no_snapshot() {
        let ring: ReplayRing<Fake> = ReplayRing::new(Duration::from_secs(5), u64::MAX);
        assert!(ring.snapshot().is_none());
    }
}
