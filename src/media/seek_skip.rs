//! Less work on the way to a seek target. A seek lands on the keyframe before the target
//! and every frame from there to the target is decoded, though only the target is shown.
//! Frames that no other frame is predicted from (the non-reference B-frames of a typical
//! H.264 recording) are not needed for that, so while a decoder catches up to a target
//! they are dropped unread (FFmpeg's `skip_frame = nonref`). Reference frames, and every
//! frame that may itself be shown, are decoded as always: the target is exactly the frame
//! it would be otherwise.

use std::sync::atomic::{AtomicBool, Ordering};

use ffmpeg_next as ff;

use super::SourceIndex;

static SKIPPING: AtomicBool = AtomicBool::new(true);

/// Turns the skipping on or off (on by default). For benchmarks that compare the two.
pub fn set_seek_skipping(on: bool) {
    SKIPPING.store(on, Ordering::Relaxed);
}

/// Which frames a decoder may drop, and what it told FFmpeg last.
#[derive(Debug, Default)]
pub(crate) struct SeekSkip {
    /// Frames shown only before this time (ticks) are not needed, if nothing refers to
    /// them; `None` outside a catch-up.
    target: Option<i64>,
    /// Whether the decoder is set to drop non-reference frames.
    dropping: bool,
}

impl SeekSkip {
    /// Starts catching up to `target` (`None`: every frame is wanted, as when frames are
    /// kept for stepping backwards).
    pub(crate) fn aim(&mut self, target: Option<i64>) {
        self.target = target.filter(|_| SKIPPING.load(Ordering::Relaxed));
    }

    /// Sets `decoder` up for the packet whose frame starts at `start` and lasts
    /// `duration` ticks (0 when unknown), before it is sent.
    pub(crate) fn before_packet(
        &mut self,
        decoder: &mut ff::decoder::Video,
        (start, duration): (Option<i64>, i64),
        index: Option<&SourceIndex>,
    ) {
        let drop = match (self.target, start) {
            (Some(target), Some(start)) => hidden_before(start, duration, index, target),
            _ => false,
        };
        if drop != self.dropping {
            decoder.skip_frame(if drop {
                ff::Discard::NonReference
            } else {
                ff::Discard::Default
            });
            self.dropping = drop;
        }
    }
}

/// Whether the frame starting at `start` is replaced by a later one by `target`: the next
/// frame (from the index, else from the packet's duration) starts at or before it.
fn hidden_before(start: i64, duration: i64, index: Option<&SourceIndex>, target: i64) -> bool {
    match index.and_then(|ix| ix.frame_after(start)) {
        Some(next) => next <= target,
        None => duration > 0 && start.saturating_add(duration) <= target,
    }
}

#[cfg(test)]
mod tests {
    use super::hidden_before;

    #[test]
    fn only_frames_replaced_before_the_target_may_be_dropped() {
        // Without an index, by the packet's duration (100 ticks a frame).
        assert!(hidden_before(0, 100, None, 100));
        assert!(hidden_before(0, 100, None, 150));
        assert!(
            !hidden_before(100, 100, None, 150),
            "the frame shown at 150"
        );
        assert!(
            !hidden_before(200, 100, None, 150),
            "a frame after the target"
        );
        assert!(!hidden_before(0, 0, None, 1_000), "no duration: kept");
    }
}
