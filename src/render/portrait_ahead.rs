//! The portrait effect's analyses made ahead: while the compositor draws one frame, a
//! thread of its own decodes the next frames of the clip's source and runs the models on
//! them, so with a core to spare the inference overlaps the decoding, blurring,
//! compositing and encoding instead of adding to them. It costs a second decode of the
//! source, so it pays only where a core would otherwise be idle: on two cores both the
//! blurred export (`clipwright bench portrait`, side by side) and playback measured slower
//! with it, so it is off unless asked for ([`super::Compositor::set_portrait_look_ahead`],
//! `export --portrait-look-ahead`).
//!
//! The analyses land in [`crate::vision`]'s cache, made in frame order as the compositor
//! would make them (each smoothed with the frame before it), so a frame analysed ahead is
//! the same as one analysed in place. A frame asked for ahead is waited for, not analysed
//! twice. Only forward play, a frame or a few apart, is looked ahead; a scrub analyses in
//! place.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::media::{Scaler, VideoDecoder};
use crate::timeline::Time;
use crate::vision::{FrameKey, Vision};

use super::portrait::analyse;

/// How many frames past the one drawn are analysed ahead: two, so the next run of the
/// mask model (every other frame) is always under way.
const AHEAD: i64 = 2;

/// The largest step between frames that counts as playing forward (a 10 fps source).
const MAX_STEP: Time = Time::from_millis(100);

/// One frame to analyse ahead.
#[derive(Debug)]
struct Job {
    vision: Arc<dyn Vision>,
    /// The file the compositor decodes, and how: a preview proxy (turned by `rotation`,
    /// its stored timestamps used) or the original.
    decode: PathBuf,
    proxy: Option<i32>,
    /// The cache key the compositor will ask for (see `portrait::analysis_key`).
    key: FrameKey,
    mask_every: Time,
}

/// The frames asked for and not yet analysed, and how many were analysed.
#[derive(Debug, Default)]
struct Pending {
    keys: Mutex<HashSet<FrameKey>>,
    done: Condvar,
    analysed: AtomicU64,
}

impl Pending {
    fn keys(&self) -> MutexGuard<'_, HashSet<FrameKey>> {
        // The set stays whole if a holder panicked.
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A compositor's look-ahead: its thread (started on first use) and where it has got to.
#[derive(Debug, Default)]
pub(crate) struct Ahead {
    worker: Option<(SyncSender<Job>, JoinHandle<()>)>,
    pending: Arc<Pending>,
    /// The last frame the compositor analysed.
    last: Option<FrameKey>,
    /// The furthest frame asked for ahead, of the same source as `last`.
    asked: Option<i64>,
    /// Look ahead at all (off: every frame is analysed in place, see
    /// [`super::Compositor::set_portrait_look_ahead`]).
    pub(super) on: bool,
}

impl Ahead {
    /// How many frames the thread has analysed.
    pub(super) fn done(&self) -> u64 {
        self.pending.analysed.load(Ordering::Relaxed)
    }

    /// Waits while `key` is being analysed ahead (the thread stores it in the cache).
    pub(super) fn wait_for(&self, key: FrameKey) {
        let mut keys = self.pending.keys();
        while keys.contains(&key) {
            if self.worker.as_ref().is_none_or(|(_, w)| w.is_finished()) {
                return;
            }
            keys = match self
                .pending
                .done
                .wait_timeout(keys, Duration::from_millis(50))
            {
                Ok((k, _)) => k,
                Err(e) => e.into_inner().0,
            };
        }
    }

    /// The compositor has analysed `key` of a clip decoded from `decode` (a proxy turned
    /// by `proxy` degrees, or the original): when it plays forward, asks for the next
    /// frames at the same step.
    pub(super) fn after(
        &mut self,
        key: FrameKey,
        (decode, proxy): (&Path, Option<i32>),
        vision: &Arc<dyn Vision>,
        mask_every: Time,
    ) {
        let previous = self.last.replace(key);
        let step = match previous {
            Some(p) if p.source == key.source && key.time > p.time => key.time - p.time,
            _ => 0,
        };
        if step == 0 || step > MAX_STEP.flicks() || !self.on {
            self.asked = None;
            return;
        }
        for i in 1..=AHEAD {
            let time = key.time + i * step;
            if self.asked.is_some_and(|a| a >= time) {
                continue;
            }
            let job = Job {
                vision: Arc::clone(vision),
                decode: decode.to_owned(),
                proxy,
                key: FrameKey { time, ..key },
                mask_every,
            };
            if !self.send(job) {
                return;
            }
            self.asked = Some(time);
        }
    }

    /// Hands `job` to the thread (started now if need be); false if it cannot take it.
    fn send(&mut self, job: Job) -> bool {
        if self.worker.is_none() {
            let (tx, rx) = sync_channel(AHEAD as usize + 1);
            let pending = Arc::clone(&self.pending);
            let spawned = std::thread::Builder::new()
                .name("portrait-ahead".to_owned())
                .spawn(move || work(&rx, &pending));
            match spawned {
                Ok(handle) => self.worker = Some((tx, handle)),
                Err(_) => return false,
            }
        }
        let Some((tx, _)) = &self.worker else {
            return false;
        };
        let key = job.key;
        // Marked before it is sent, so the thread cannot finish it first.
        self.pending.keys().insert(key);
        match tx.try_send(job) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.pending.keys().remove(&key);
                self.pending.done.notify_all();
                false
            }
        }
    }
}

/// The thread: analyses each frame asked for, in order, with a decoder and scalers of its
/// own. A frame it cannot analyse is left to the compositor, which reports the error.
fn work(jobs: &Receiver<Job>, pending: &Pending) {
    let mut decoder: Option<VideoDecoder> = None;
    let (mut mask, mut face) = (Scaler::new(), Scaler::new());
    while let Ok(job) = jobs.recv() {
        if decoder.as_ref().is_none_or(|d| d.path() != job.decode) {
            // Opened as the compositor opens it, so frames have the same times.
            decoder = VideoDecoder::open(&job.decode)
                .ok()
                .map(|d| match job.proxy {
                    Some(rotation) => d.with_rotation(rotation).with_stored_timestamps(),
                    None => d,
                });
        }
        if let Some(d) = decoder.as_mut() {
            if let Ok(frame) = d.frame_at(job.key.time) {
                // The key is the frame's own time, as the compositor's is.
                let key = FrameKey {
                    time: frame.time,
                    ..job.key
                };
                let scalers = (&mut mask, &mut face);
                match analyse(job.vision.as_ref(), key, job.mask_every, frame, scalers) {
                    Ok(_) => {
                        pending.analysed.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => decoder = None,
                }
            }
        }
        pending.keys().remove(&job.key);
        pending.done.notify_all();
    }
}
