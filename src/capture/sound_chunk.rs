//! What the platform sound inputs (cpal on Windows and macOS, WASAPI process loopback,
//! the macOS process tap) share: converting their samples to 16-bit stereo, and the
//! hand-over of stamped chunks from their capture thread to the recording's sound thread.
//!
//! It names nothing of the crate but the chunk types, so `scripts/check-macos-sound.sh`
//! can include it as it is.

use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use crate::media::{AudioChunk, TimedChunk};

/// A chunk a capture thread hands over, with when its first sample was captured.
pub(crate) type Stamped = (AudioChunk, Instant);

/// The capture thread is gone: it will hand over nothing more.
#[derive(Debug)]
pub(crate) struct Gone;

/// Converts interleaved samples of any channel count to 16-bit stereo: the first two
/// channels are kept (surround layouts start with front left and right), mono is doubled.
pub(crate) fn to_stereo<T: Copy>(
    data: &[T],
    channels: usize,
    sample: impl Fn(T) -> i16,
) -> Vec<i16> {
    let channels = channels.max(1);
    let mut out = Vec::with_capacity(data.len() / channels * 2);
    for frame in data.chunks_exact(channels) {
        let left = sample(frame[0]);
        let right = frame.get(1).map_or(left, |&s| sample(s));
        out.push(left);
        out.push(right);
    }
    out
}

/// A float sample (full scale ±1.0) as 16 bits, clipped.
pub(crate) fn from_f32(s: f32) -> i16 {
    (s.clamp(-1.0, 1.0) * 32767.0) as i16
}

/// Hands `samples` (16-bit stereo at `rate`), captured `age` before now, to the sound
/// thread. A full queue (the sound thread stalled) drops the chunk: the sound thread pads
/// the gap. Returns `Err(Gone)` once the sound thread has hung up.
pub(crate) fn hand_over(
    tx: &SyncSender<Stamped>,
    rate: u32,
    samples: Vec<i16>,
    age: Duration,
) -> Result<(), Gone> {
    let captured = Instant::now().checked_sub(age).unwrap_or_else(Instant::now);
    let chunk = AudioChunk {
        rate,
        channels: 2,
        samples,
    };
    match tx.try_send((chunk, captured)) {
        Ok(()) | Err(TrySendError::Full(_)) => Ok(()),
        Err(TrySendError::Disconnected(_)) => Err(Gone),
    }
}

/// How long `frames` samples last at `rate`: the age of a buffer's first sample when the
/// buffer is read as it ends.
pub(crate) fn length(frames: usize, rate: u32) -> Duration {
    Duration::from_micros(frames as u64 * 1_000_000 / u64::from(rate.max(1)))
}

/// Waits up to `wait` for the capture thread's next chunk, as the sound thread wants it:
/// `Ok(None)` when none came in time, `Err(Gone)` when the capture thread has stopped.
pub(crate) fn receive(rx: &Receiver<Stamped>, wait: Duration) -> Result<Option<TimedChunk>, Gone> {
    match rx.recv_timeout(wait) {
        Ok((chunk, captured)) => Ok(Some(TimedChunk {
            chunk,
            age_us: i64::try_from(captured.elapsed().as_micros()).unwrap_or(i64::MAX),
        })),
        Err(RecvTimeoutError::Timeout) => Ok(None),
        Err(RecvTimeoutError::Disconnected) => Err(Gone),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_is_doubled_and_surround_keeps_front_left_and_right() {
        assert_eq!(to_stereo(&[1_i16, 2, 3], 1, |s| s), vec![1, 1, 2, 2, 3, 3]);
        let surround: Vec<i16> = (0..12).collect(); // two frames of 5.1
        assert_eq!(to_stereo(&surround, 6, |s| s), vec![0, 1, 6, 7]);
        // A partial frame at the end is left out rather than misread.
        assert_eq!(to_stereo(&[1_i16, 2, 3], 2, |s| s), vec![1, 2]);
    }

    #[test]
    fn float_samples_scale_to_16_bits_and_clip() {
        assert_eq!(from_f32(0.0), 0);
        assert_eq!(from_f32(1.0), 32767);
        assert_eq!(from_f32(-1.0), -32767);
        assert_eq!(from_f32(3.5), 32767);
        assert_eq!(from_f32(-0.5), -16383);
        assert_eq!(
            to_stereo(&[0.5_f32, -0.25], 2, from_f32),
            vec![16383, -8191]
        );
    }

    #[test]
    fn a_handed_over_chunk_arrives_with_its_age_and_a_hung_up_side_is_gone() {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        assert!(matches!(receive(&rx, Duration::ZERO), Ok(None)));
        hand_over(&tx, 48_000, vec![1, 2], length(4_800, 48_000)).unwrap();
        // The queue holds one: a second chunk is dropped, not waited for.
        hand_over(&tx, 48_000, vec![3, 4], Duration::ZERO).unwrap();
        let got = receive(&rx, Duration::ZERO).unwrap().unwrap();
        assert_eq!(got.chunk.samples, vec![1, 2]);
        assert!(got.age_us >= 100_000, "{}", got.age_us);
        assert!(matches!(receive(&rx, Duration::ZERO), Ok(None)));
        drop(rx);
        assert!(hand_over(&tx, 48_000, vec![5, 6], Duration::ZERO).is_err());
        let (tx, rx) = std::sync::mpsc::sync_channel::<Stamped>(1);
        drop(tx);
        assert!(receive(&rx, Duration::ZERO).is_err());
    }
}
