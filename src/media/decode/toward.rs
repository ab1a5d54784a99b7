//! A picture at once while the playhead is dragged, the exact one when it rests.
//!
//! Reaching a frame in the middle of a GOP means decoding every reference frame from the
//! keyframe before it; on an original (no preview proxy yet) that is tens of 1080p frames.
//! [`VideoDecoder::frame_toward`] stops at the keyframe at or before the target (found
//! with the source's index), which costs one seek and one frame, and says whether that
//! already is the exact frame ([`VideoDecoder::is_exact`]). A following
//! [`VideoDecoder::frame_at`] for the same time decodes on from there without another
//! seek, so refining costs what the exact frame cost anyway.
//!
//! A target a few frames ahead of the current frame (a slow drag) is decoded exactly at
//! once: that costs no more than a stand-in would.
//!
//! An exact request can be given up half-way: whoever holds the flag set with
//! [`VideoDecoder::set_interrupt`] raises it (a newer playhead position arrived), and the
//! decoder stops before its next frame with [`MediaError::Superseded`]. The keyframe
//! decode is never given up, so a drag always gets pictures.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{VideoDecoder, VideoFrame};
use crate::media::MediaError;

/// Frames ahead of the current one that [`VideoDecoder::frame_toward`] decodes to the
/// exact frame rather than show the current one.
const CLOSE_ENOUGH: usize = 3;

impl VideoDecoder {
    /// A frame at or before `time` ticks that costs at most a seek and one decoded frame:
    /// the frame already decoded when it lies between the target's keyframe and the
    /// target, else the keyframe at or before `time`. Exact when no index tells the
    /// keyframes and no seek is needed (a nearby time reached by decoding on).
    pub fn frame_toward(&mut self, time: i64) -> Result<&VideoFrame, MediaError> {
        self.refresh_index();
        let t = time.saturating_add(self.snap);
        let key = self
            .index
            .as_ref()
            .and_then(|ix| ix.keyframe_at_or_before(t));
        let near = self
            .current
            .as_ref()
            .is_some_and(|c| c.time <= t && key.is_some_and(|k| k <= c.time));
        let on_course = self.in_sync && self.dropped_before.is_none_or(|d| t >= d);
        if near && on_course && self.frames_to(t) <= CLOSE_ENOUGH {
            // A few frames on (a slow drag): the exact frame costs no more than a stand-in.
            // Never given up, so a drag always gets pictures.
            let interrupt = self.interrupt.take();
            let result = self.frame_at(time).map(|_| ());
            self.interrupt = interrupt;
            result?;
        } else if !near {
            self.keyframe_only = true;
            let result = self.frame_at(time).map(|_| ());
            self.keyframe_only = false;
            result?;
        }
        self.exact = self.holds(t);
        self.current.as_ref().ok_or_else(|| self.no_frame())
    }

    /// Whether the last request ended on the frame shown at its time; false after a
    /// [`VideoDecoder::frame_toward`] that stopped short of it.
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// Makes exact requests give up with [`MediaError::Superseded`] once `flag` is set
    /// (checked before each frame decoded); `None` never gives up.
    pub fn set_interrupt(&mut self, flag: Option<Arc<AtomicBool>>) {
        self.interrupt = flag;
    }

    /// Whether the current frame is the one shown at `t` (snapped ticks): it starts at or
    /// before `t` and the next frame (decoded, or known from the index) starts after it.
    fn holds(&self, t: i64) -> bool {
        let Some(c) = &self.current else {
            return false;
        };
        if self.still {
            return true;
        }
        if c.time > t {
            // Before the first frame, the first frame is what is shown.
            return self.index.as_ref().and_then(|ix| ix.frames().first()) == Some(&c.time);
        }
        let next = match &self.ahead {
            Some(a) if self.in_sync => Some(a.time),
            _ => self.index.as_ref().and_then(|ix| ix.frame_after(c.time)),
        };
        match next {
            Some(next) => next > t,
            None => self.at_end && self.in_sync,
        }
    }

    /// How many frames start after the current one and at or before `t` (snapped ticks),
    /// by the index; `usize::MAX` without one.
    fn frames_to(&self, t: i64) -> usize {
        match (&self.index, &self.current) {
            (Some(ix), Some(c)) => {
                let frames = ix.frames();
                let after = frames.partition_point(|&f| f <= c.time);
                frames.partition_point(|&f| f <= t).saturating_sub(after)
            }
            _ => usize::MAX,
        }
    }

    /// Decodes from where the decoder stands to the keyframe at or before `time` (or, with
    /// no index, to the first frame after a seek), keeping every frame: what is sent to
    /// the decoder now is still whole when the exact request follows.
    pub(super) fn decode_to_keyframe(&mut self, time: i64) -> Result<(), MediaError> {
        let key = self
            .index
            .as_ref()
            .and_then(|ix| ix.keyframe_at_or_before(time));
        match key {
            Some(k) => self.decode_until(k.min(time), false),
            None if self.seeked && self.current.is_none() => {
                if self.ahead.is_none() {
                    self.ahead = self.decode_next()?;
                    self.at_end = self.ahead.is_none();
                }
                self.current = self.ahead.take();
                self.behind.clear();
                Ok(())
            }
            None => self.decode_to(time, false),
        }
    }

    pub(super) fn interrupted(&self) -> bool {
        self.interrupt
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Acquire))
    }

    /// Gives up the request for `time`: frames before it may have been dropped in flight
    /// (see [`super::super::seek_skip`]), so only a seek or a later time decodes on.
    pub(super) fn superseded(&mut self, time: i64) -> MediaError {
        self.dropped_before = Some(time);
        MediaError::Superseded {
            path: self.path.clone(),
        }
    }
}
