//! Keeping a sound track on the recording's clock without jumps. A sound card's clock
//! runs a little fast or slow against the computer's (tens of parts per million, more for
//! cheap USB devices), so over ten minutes its samples drift tens of milliseconds from
//! the picture. Padding silence or skipping samples once the drift passes a tolerance
//! fixes that with an audible click and lets the offset grow to the tolerance first.
//!
//! Instead, [`Steer`] keeps a smoothed placement error and asks for one sample frame more
//! or less in a chunk at a time, at most one in a thousand (inaudible), and [`stretch`]
//! resamples the chunk to that length. That corrects about a millisecond a second, far
//! faster than any clock drifts, so the offset stays within a few milliseconds.
//! Pure integer arithmetic; no threads, no FFmpeg.

/// Errors smaller than this (µs) are left alone: the device's timestamps jitter by a few
/// milliseconds and chasing them would only wobble the pitch.
const DEADBAND_US: i64 = 2_000;

/// Weight of a new error in the running average: 1/`SMOOTHING` (about 0.6 s of 20 ms
/// chunks).
const SMOOTHING: i64 = 32;

/// Fixed-point scale of the running average (in sample frames).
const SCALE: i64 = 256;

/// The largest change of a chunk's length: one sample frame per this many.
const MAX_RATIO: i64 = 1_000;

/// Steers placement error back to zero, a sample frame at a time.
#[derive(Clone, Debug, Default)]
pub(crate) struct Steer {
    /// Smoothed error in sample frames × [`SCALE`]; positive: the sound sits late.
    average: i64,
    /// No error seen yet.
    fresh: bool,
}

impl Steer {
    pub(crate) fn new() -> Steer {
        Steer {
            average: 0,
            fresh: true,
        }
    }

    /// Forgets the error (after a hard correction put the sound in place).
    pub(crate) fn reset(&mut self) {
        *self = Steer::new();
    }

    /// Takes the error of the next chunk (`placed - captured`, in sample frames at `rate`)
    /// and returns how many frames to add to it (negative: remove) so that the error
    /// shrinks: sound placed late is shortened, sound placed early is lengthened.
    pub(crate) fn adjust(&mut self, error: i64, frames: i64, rate: i64) -> i64 {
        if self.fresh {
            self.average = error * SCALE;
            self.fresh = false;
        } else {
            self.average += (error * SCALE - self.average) / SMOOTHING;
        }
        let deadband = DEADBAND_US * rate / 1_000_000 * SCALE;
        if self.average.abs() <= deadband {
            return 0;
        }
        let step = (frames / MAX_RATIO).max(1);
        // Never more than the error itself.
        let step = step.min(self.average.abs() / SCALE).max(1);
        -self.average.signum() * step
    }
}

/// `samples` (interleaved, `channels` a frame) resampled linearly to `frames` sample
/// frames; the first and last frames are kept as they are.
pub(crate) fn stretch(samples: &[i16], channels: usize, frames: usize) -> Vec<i16> {
    let channels = channels.max(1);
    let n = samples.len() / channels;
    if n == frames || n < 2 || frames < 2 {
        let mut out = samples[..n * channels].to_vec();
        out.resize(frames * channels, samples.last().copied().unwrap_or(0));
        return out;
    }
    let (span, steps) = ((n - 1) as i64, (frames - 1) as i64);
    let mut out = Vec::with_capacity(frames * channels);
    for j in 0..frames as i64 {
        let at = j * span;
        let (i, frac) = ((at / steps) as usize, at % steps);
        for c in 0..channels {
            let a = i64::from(samples[i * channels + c]);
            let b = samples
                .get((i + 1) * channels + c)
                .map_or(a, |&s| i64::from(s));
            out.push((a + (b - a) * frac / steps) as i16);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: i64 = 48_000;
    const CHUNK: i64 = 960;

    #[test]
    fn small_errors_inside_the_deadband_change_nothing() {
        let mut s = Steer::new();
        for _ in 0..100 {
            assert_eq!(s.adjust(48, CHUNK, RATE), 0); // 1 ms late
        }
    }

    #[test]
    fn late_sound_is_shortened_and_early_sound_lengthened_by_one_frame_a_chunk() {
        let mut late = Steer::new();
        assert_eq!(late.adjust(480, CHUNK, RATE), -1); // 10 ms late
        let mut early = Steer::new();
        assert_eq!(early.adjust(-480, CHUNK, RATE), 1);
        // Larger chunks may change by more, still one in a thousand.
        let mut big = Steer::new();
        assert_eq!(big.adjust(4800, 4800, RATE), -4);
    }

    #[test]
    fn a_device_clock_100_ppm_fast_stays_within_3_ms_for_ten_minutes_without_jumps() {
        // The device delivers 960 frames per chunk, but by the recording's clock each
        // chunk spans 960 × (1 − 100e-6) frames: the placed sound runs ever later.
        let mut s = Steer::new();
        let mut placed = 0_i64; // frames written
        let mut worst = 0_i64;
        let chunks = 10 * 60 * RATE / CHUNK;
        for k in 0..chunks {
            // Where this chunk was captured, on the recording's clock (in frames).
            let captured = k * CHUNK * 9_999 / 10_000;
            let error = placed - captured;
            worst = worst.max(error.abs());
            placed += CHUNK + s.adjust(error, CHUNK, RATE);
        }
        assert!(
            worst * 1_000_000 / RATE < 3_000,
            "worst offset {} µs",
            worst * 1_000_000 / RATE
        );
    }

    #[test]
    fn stretching_keeps_the_ends_and_gives_the_length_asked() {
        let ramp: Vec<i16> = (0..960).flat_map(|i| [i as i16, -(i as i16)]).collect();
        let longer = stretch(&ramp, 2, 961);
        assert_eq!(longer.len(), 961 * 2);
        assert_eq!(&longer[..2], &[0, 0]);
        assert_eq!(&longer[longer.len() - 2..], &[959, -959]);
        let shorter = stretch(&ramp, 2, 959);
        assert_eq!(shorter.len(), 959 * 2);
        assert_eq!(&shorter[shorter.len() - 2..], &[959, -959]);
        // A ramp stays a ramp: every step is at most one original step.
        assert!(shorter
            .chunks(2)
            .zip(shorter.chunks(2).skip(1))
            .all(|(a, b)| (b[0] - a[0]) <= 2));
        assert_eq!(stretch(&ramp, 2, 960), ramp);
    }
}
