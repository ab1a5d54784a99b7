//! The recording's clock: monotonic microseconds since the first frame, standing still
//! while paused, so a pause leaves no gap in the file and sound and picture stay aligned.

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// Shared by every thread of one recording.
#[derive(Debug)]
pub(crate) struct Clock {
    zero: OnceLock<Instant>,
    state: Mutex<PauseState>,
}

#[derive(Debug, Default)]
struct PauseState {
    since: Option<Instant>,
    total: Duration,
}

fn signed_us(from: Instant, to: Instant) -> i64 {
    if to >= from {
        i64::try_from((to - from).as_micros()).unwrap_or(i64::MAX)
    } else {
        -i64::try_from((from - to).as_micros()).unwrap_or(i64::MAX)
    }
}

impl Clock {
    /// A clock that has not started: every time is `None` until [`Clock::start`].
    pub(crate) fn new() -> Clock {
        Clock {
            zero: OnceLock::new(),
            state: Mutex::new(PauseState::default()),
        }
    }

    /// Sets time zero (once; later calls are ignored).
    pub(crate) fn start(&self, zero: Instant) {
        let _ = self.zero.set(zero);
    }

    /// Recording time of the instant `at`, or `None` before the start or if it falls in
    /// the current pause.
    pub(crate) fn media_time(&self, at: Instant) -> Option<i64> {
        let zero = *self.zero.get()?;
        let s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if s.since.is_some_and(|since| at >= since) {
            return None;
        }
        let paused = i64::try_from(s.total.as_micros()).unwrap_or(i64::MAX);
        Some(signed_us(zero, at) - paused)
    }

    /// Recording time now, or `None` while paused.
    pub(crate) fn now(&self) -> Option<i64> {
        self.media_time(Instant::now())
    }

    pub(crate) fn pause(&self) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if s.since.is_none() {
            s.since = Some(Instant::now());
        }
    }

    pub(crate) fn resume(&self) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(since) = s.since.take() {
            s.total += since.elapsed();
        }
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .since
            .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_stands_still_while_paused_and_resumes_without_a_gap() {
        let zero = Instant::now();
        let clock = Clock::new();
        clock.start(zero);
        std::thread::sleep(Duration::from_millis(20));
        clock.pause();
        let at_pause = clock.media_time(Instant::now() - Duration::from_millis(1));
        assert!(clock.now().is_none());
        std::thread::sleep(Duration::from_millis(50));
        clock.resume();
        let after = clock.now().unwrap();
        let before = at_pause.unwrap();
        assert!(after - before < 15_000, "{before} → {after}");
    }

    #[test]
    fn instants_before_the_first_frame_have_negative_time() {
        let zero = Instant::now();
        let clock = Clock::new();
        assert!(clock.media_time(zero).is_none(), "not started");
        clock.start(zero + Duration::from_millis(10));
        assert!(clock.media_time(zero).unwrap() <= -9_000);
    }
}
