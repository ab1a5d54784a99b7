//! Media timestamps as timeline ticks (flicks) and back, and where a file's own time zero is.

use ffmpeg_next as ff;

use super::TICKS_PER_SECOND;

/// The raw timestamp, in ticks, that is time zero of the file's own timeline: the
/// container's start time (the earliest stream's first timestamp), which the ffmpeg CLI
/// subtracts from every stream. Snapped to that stream's own first timestamp, since the
/// container states it in whole microseconds and a frame boundary must stay exact.
pub(crate) fn timeline_origin(input: &ff::format::context::Input) -> i64 {
    // SAFETY: `input` owns a valid, opened AVFormatContext; `start_time` is a plain field
    // that avformat_find_stream_info has set (or left as AV_NOPTS_VALUE).
    #[allow(unsafe_code)]
    let start_us = unsafe { (*input.as_ptr()).start_time };
    if start_us == ff::ffi::AV_NOPTS_VALUE {
        return 0;
    }
    let start = to_ticks(start_us, ff::Rational::new(1, 1_000_000));
    let one_us = TICKS_PER_SECOND / 1_000_000 + 1;
    input
        .streams()
        .filter(|s| s.start_time() != ff::ffi::AV_NOPTS_VALUE)
        .map(|s| to_ticks(s.start_time(), s.time_base()))
        .find(|t| (t - start).abs() <= one_us)
        .unwrap_or(start)
}

/// Ticks to microseconds, rounded down (a tick is not a whole number of nanoseconds).
pub(crate) fn ticks_to_us(ticks: i64) -> i64 {
    let us = i128::from(ticks) * 1_000_000 / i128::from(TICKS_PER_SECOND);
    i64::try_from(us).unwrap_or(if us > 0 { i64::MAX } else { i64::MIN })
}

/// Ticks to microseconds, rounded up.
pub(super) fn ticks_to_us_ceil(ticks: i64) -> i64 {
    let t = i128::from(ticks) * 1_000_000;
    let d = i128::from(TICKS_PER_SECOND);
    let us = t.div_euclid(d) + i128::from(t.rem_euclid(d) != 0);
    i64::try_from(us).unwrap_or(if us > 0 { i64::MAX } else { i64::MIN })
}

/// Converts a timestamp in `time_base` to ticks, rounding to the nearest tick.
pub(crate) fn to_ticks(ts: i64, time_base: ff::Rational) -> i64 {
    let num = i128::from(ts) * i128::from(time_base.numerator()) * i128::from(TICKS_PER_SECOND);
    let den = i128::from(time_base.denominator().max(1));
    divide_rounded(num, den)
}

/// Converts ticks to a timestamp in `time_base`, rounding to the nearest unit.
pub(crate) fn from_ticks(ticks: i64, time_base: ff::Rational) -> i64 {
    let num = i128::from(ticks) * i128::from(time_base.denominator());
    let den = i128::from(time_base.numerator().max(1)) * i128::from(TICKS_PER_SECOND);
    divide_rounded(num, den)
}

/// `num / den` (`den` > 0) rounded to the nearest whole number, halves away from zero,
/// saturated to `i64`.
fn divide_rounded(num: i128, den: i128) -> i64 {
    let half = den / 2;
    let q = if num >= 0 {
        (num + half) / den
    } else {
        (num - half) / den
    };
    i64::try_from(q).unwrap_or(if q > 0 { i64::MAX } else { i64::MIN })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_boundaries_of_common_rates_convert_exactly() {
        let mp4 = ff::Rational::new(1, 15360);
        // Frame 1 of 30 fps is 512 units of 1/15360 s and exactly 23,520,000 ticks.
        assert_eq!(to_ticks(512, mp4), TICKS_PER_SECOND / 30);
        assert_eq!(from_ticks(TICKS_PER_SECOND / 30, mp4), 512);
        let ntsc = ff::Rational::new(1001, 30000);
        assert_eq!(to_ticks(1, ntsc), TICKS_PER_SECOND * 1001 / 30000);
    }
}
