//! Integer time: [`Time`] counts flicks (1/705,600,000 s) and [`Rational`] holds frame
//! rates and FFmpeg timebases exactly.
//!
//! A flick divides evenly into every common frame duration (23.976, 24, 25, 29.97, 30,
//! 50, 59.94, 60, 120 fps) and every common audio sample period (8 kHz to 192 kHz), so
//! frame and sample boundaries land on whole ticks. Frame numbers are derived from a
//! `Time`, never stored. `f64` seconds appear only in [`Time::from_secs_f64`] and
//! [`Time::as_secs_f64`], for display and for libraries that want them; the model never
//! stores them. Arithmetic saturates instead of overflowing, so a hostile project file
//! cannot make evaluation panic.

use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Flicks in one second.
pub const FLICKS_PER_SECOND: i64 = 705_600_000;

/// A point or a span on a timeline, in flicks (1/705,600,000 s).
///
/// Arithmetic with `+`, `-` and unary `-` saturates at the ends of the `i64` range.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Time(pub i64);

impl JsonSchema for Time {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Time".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "integer",
            "description": "Time in flicks: 705600000 per second."
        })
    }
}

/// How a conversion that cannot be exact picks its integer result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Towards negative infinity.
    Floor,
    /// To the nearest value; halves go towards positive infinity.
    Nearest,
    /// Towards positive infinity.
    Ceil,
}

/// Divides with the requested rounding; `den` must be positive.
pub(crate) fn div_round(num: i128, den: i128, rounding: Rounding) -> i128 {
    if den <= 0 {
        return 0;
    }
    let floor = num.div_euclid(den);
    let rem = num.rem_euclid(den);
    match rounding {
        Rounding::Floor => floor,
        Rounding::Ceil => floor + i128::from(rem != 0),
        Rounding::Nearest => floor + i128::from(rem * 2 >= den),
    }
}

/// Clamps an `i128` into the `i64` range.
pub(crate) fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

impl Time {
    /// Time zero: the start of the timeline or of a clip.
    pub const ZERO: Time = Time(0);
    /// The largest representable time, used as "forever".
    pub const MAX: Time = Time(i64::MAX);
    /// One flick, the smallest step.
    pub const TICK: Time = Time(1);

    /// A time of whole seconds.
    pub const fn from_secs(secs: i64) -> Time {
        Time(secs.saturating_mul(FLICKS_PER_SECOND))
    }

    /// A time of whole milliseconds (exact: a millisecond is 705,600 flicks).
    pub const fn from_millis(millis: i64) -> Time {
        Time(millis.saturating_mul(FLICKS_PER_SECOND / 1000))
    }

    /// The raw flick count.
    pub const fn flicks(self) -> i64 {
        self.0
    }

    /// Converts from `f64` seconds, rounding to the nearest flick; NaN becomes zero and
    /// out-of-range values saturate. For edges only (user input, libraries using seconds).
    pub fn from_secs_f64(secs: f64) -> Time {
        if secs.is_nan() {
            return Time::ZERO;
        }
        // `as` saturates for floats, which is the behaviour we want here.
        Time((secs * FLICKS_PER_SECOND as f64).round() as i64)
    }

    /// The time in `f64` seconds, for display and for libraries that want seconds.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / FLICKS_PER_SECOND as f64
    }

    /// Converts a timestamp counted in `timebase` units (FFmpeg's `pts * time_base`) to
    /// flicks. Exact whenever the timebase divides a flick count evenly (1/90000, 1/1000,
    /// 1/48000, 1/44100, 1001/30000 …); otherwise rounded as asked.
    pub fn from_timebase(value: i64, timebase: Rational, rounding: Rounding) -> Time {
        let num = i128::from(value) * i128::from(timebase.num()) * i128::from(FLICKS_PER_SECOND);
        Time(saturate(div_round(
            num,
            i128::from(timebase.den()),
            rounding,
        )))
    }

    /// Converts to a count of `timebase` units (an FFmpeg pts), rounded as asked.
    pub fn to_timebase(self, timebase: Rational, rounding: Rounding) -> i64 {
        let num = i128::from(self.0) * i128::from(timebase.den());
        let den = i128::from(timebase.num()) * i128::from(FLICKS_PER_SECOND);
        saturate(div_round(num, den, rounding))
    }

    /// The number of the frame showing at this time: frame `n` covers
    /// `[from_frame(n), from_frame(n + 1))`.
    pub fn frame_floor(self, rate: Rational) -> i64 {
        self.frames(rate, Rounding::Floor)
    }

    /// The frame number nearest to this time.
    pub fn frame_round(self, rate: Rational) -> i64 {
        self.frames(rate, Rounding::Nearest)
    }

    /// This time counted in frames of `rate`, rounded as asked.
    pub fn frames(self, rate: Rational, rounding: Rounding) -> i64 {
        let num = i128::from(self.0) * i128::from(rate.num());
        let den = i128::from(rate.den()) * i128::from(FLICKS_PER_SECOND);
        saturate(div_round(num, den, rounding))
    }

    /// The start time of frame `frame` at `rate`. Exact for the common rates; otherwise
    /// rounded up, so `Time::from_frame(n, r).frame_floor(r) == n` always holds.
    pub fn from_frame(frame: i64, rate: Rational) -> Time {
        let num = i128::from(frame) * i128::from(rate.den()) * i128::from(FLICKS_PER_SECOND);
        Time(saturate(div_round(
            num,
            i128::from(rate.num()),
            Rounding::Ceil,
        )))
    }

    /// The start of the frame showing at this time.
    pub fn snap_to_frame(self, rate: Rational) -> Time {
        Time::from_frame(self.frame_floor(rate), rate)
    }

    /// The duration of one frame at `rate`, rounded up to a whole flick.
    pub fn frame_duration(rate: Rational) -> Time {
        Time::from_frame(1, rate)
    }

    /// The later of two times.
    pub fn max(self, other: Time) -> Time {
        Time(self.0.max(other.0))
    }

    /// The earlier of two times.
    pub fn min(self, other: Time) -> Time {
        Time(self.0.min(other.0))
    }

    /// Limits the time to `[low, high]` (`low` wins if the range is empty).
    pub fn clamp_to(self, low: Time, high: Time) -> Time {
        self.min(high).max(low)
    }

    /// Multiplies by `num / den` with the given rounding, saturating; `den == 0` gives zero.
    pub fn mul_ratio(self, num: i64, den: i64, rounding: Rounding) -> Time {
        let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
        Time(saturate(div_round(
            i128::from(self.0) * i128::from(num),
            i128::from(den),
            rounding,
        )))
    }
}

impl Add for Time {
    type Output = Time;
    fn add(self, rhs: Time) -> Time {
        Time(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Time {
    type Output = Time;
    fn sub(self, rhs: Time) -> Time {
        Time(self.0.saturating_sub(rhs.0))
    }
}

impl Neg for Time {
    type Output = Time;
    fn neg(self) -> Time {
        Time(self.0.saturating_neg())
    }
}

impl AddAssign for Time {
    fn add_assign(&mut self, rhs: Time) {
        *self = *self + rhs;
    }
}

impl SubAssign for Time {
    fn sub_assign(&mut self, rhs: Time) {
        *self = *self - rhs;
    }
}

/// Prints the time as `HH:MM:SS.mmm`, truncating to the millisecond.
impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_clock())
    }
}

/// A positive rational number: a frame rate (30000/1001) or a timebase (1/90000).
///
/// Both parts are non-zero; a file holding a zero is refused when it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RationalRepr", into = "RationalRepr")]
pub struct Rational {
    num: u32,
    den: u32,
}

/// Serialised shape of [`Rational`]: `{ "num": 30000, "den": 1001 }`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Rational")]
struct RationalRepr {
    /// Numerator, at least 1.
    #[schemars(range(min = 1))]
    num: u32,
    /// Denominator, at least 1.
    #[schemars(range(min = 1))]
    den: u32,
}

impl TryFrom<RationalRepr> for Rational {
    type Error = String;
    fn try_from(repr: RationalRepr) -> Result<Self, Self::Error> {
        Rational::new(repr.num, repr.den)
            .ok_or_else(|| format!("rational {}/{} needs non-zero parts", repr.num, repr.den))
    }
}

impl From<Rational> for RationalRepr {
    fn from(r: Rational) -> Self {
        RationalRepr {
            num: r.num,
            den: r.den,
        }
    }
}

impl Rational {
    /// 24 frames per second.
    pub const FPS_24: Rational = Rational { num: 24, den: 1 };
    /// 25 frames per second.
    pub const FPS_25: Rational = Rational { num: 25, den: 1 };
    /// 30 frames per second.
    pub const FPS_30: Rational = Rational { num: 30, den: 1 };
    /// 60 frames per second.
    pub const FPS_60: Rational = Rational { num: 60, den: 1 };
    /// NTSC film, 23.976 frames per second.
    pub const FPS_23_976: Rational = Rational {
        num: 24000,
        den: 1001,
    };
    /// NTSC video, 29.97 frames per second.
    pub const FPS_29_97: Rational = Rational {
        num: 30000,
        den: 1001,
    };
    /// 59.94 frames per second.
    pub const FPS_59_94: Rational = Rational {
        num: 60000,
        den: 1001,
    };

    /// A rational `num / den`, or `None` if either part is zero.
    pub const fn new(num: u32, den: u32) -> Option<Rational> {
        if num == 0 || den == 0 {
            None
        } else {
            Some(Rational { num, den })
        }
    }

    /// The numerator (never zero).
    pub const fn num(self) -> u32 {
        self.num
    }

    /// The denominator (never zero).
    pub const fn den(self) -> u32 {
        self.den
    }

    /// The value as `f64`, for display.
    pub fn as_f64(self) -> f64 {
        f64::from(self.num) / f64::from(self.den)
    }

    /// Whole frames per second used to label timecode (29.97 counts to 30).
    pub fn nominal_fps(self) -> u32 {
        self.num.div_ceil(self.den)
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const RATES: [Rational; 7] = [
        Rational::FPS_23_976,
        Rational::FPS_24,
        Rational::FPS_25,
        Rational::FPS_29_97,
        Rational::FPS_30,
        Rational::FPS_59_94,
        Rational::FPS_60,
    ];

    #[test]
    fn common_frame_rates_and_sample_rates_land_on_whole_flicks() {
        for rate in RATES
            .into_iter()
            .chain(Rational::new(120, 1))
            .chain(Rational::new(50, 1))
        {
            let one = Time::frame_duration(rate);
            let exact = i128::from(one.0) * i128::from(rate.num());
            assert_eq!(
                exact,
                i128::from(FLICKS_PER_SECOND) * i128::from(rate.den()),
                "{rate}"
            );
        }
        for hz in [8000, 16_000, 22_050, 44_100, 48_000, 96_000, 192_000] {
            assert_eq!(FLICKS_PER_SECOND % hz, 0, "{hz} Hz");
        }
    }

    #[test]
    fn ffmpeg_timestamps_convert_exactly_on_a_90khz_timebase() {
        let tb = Rational::new(1, 90_000).unwrap_or(Rational::FPS_30);
        let t = Time::from_timebase(3003, tb, Rounding::Nearest);
        assert_eq!(t, Time::from_frame(1, Rational::FPS_29_97));
        assert_eq!(t.to_timebase(tb, Rounding::Floor), 3003);
    }

    #[test]
    fn timebases_that_do_not_divide_a_flick_round_as_asked() {
        // 1/15360 s (a common MP4 timescale) is 45937.5 flicks.
        let tb = Rational::new(1, 15_360).unwrap_or(Rational::FPS_30);
        assert_eq!(Time::from_timebase(1, tb, Rounding::Floor), Time(45_937));
        assert_eq!(Time::from_timebase(1, tb, Rounding::Nearest), Time(45_938));
        assert_eq!(Time::from_timebase(-1, tb, Rounding::Floor), Time(-45_938));
        assert_eq!(Time::from_timebase(2, tb, Rounding::Ceil), Time(91_875));
    }

    #[test]
    fn arithmetic_saturates_instead_of_overflowing() {
        assert_eq!(Time::MAX + Time::TICK, Time::MAX);
        assert_eq!(Time(i64::MIN) - Time::TICK, Time(i64::MIN));
        assert_eq!(-Time(i64::MIN), Time::MAX);
        assert_eq!(Time::from_secs(i64::MAX), Time::MAX);
        assert_eq!(Time::from_secs_f64(f64::NAN), Time::ZERO);
        assert_eq!(Time::from_secs_f64(1e300), Time::MAX);
    }

    #[test]
    fn seconds_as_floats_are_only_an_edge_conversion() {
        assert_eq!(Time::from_secs_f64(1.5), Time::from_millis(1500));
        assert_eq!(Time::from_millis(250).as_secs_f64(), 0.25);
    }

    #[test]
    fn a_rational_with_a_zero_part_is_refused_when_read() {
        assert!(serde_json::from_str::<Rational>(r#"{"num":0,"den":1}"#).is_err());
        let r = serde_json::from_str::<Rational>(r#"{"num":30000,"den":1001}"#);
        assert_eq!(r.ok(), Some(Rational::FPS_29_97));
        assert_eq!(Rational::FPS_29_97.nominal_fps(), 30);
    }

    proptest! {
        #[test]
        fn frame_numbers_round_trip_through_time(frame in -10_000_000i64..10_000_000, r in 0usize..7) {
            let rate = RATES[r];
            let t = Time::from_frame(frame, rate);
            prop_assert_eq!(t.frame_floor(rate), frame);
            prop_assert_eq!(t.frame_round(rate), frame);
            prop_assert_eq!(t.snap_to_frame(rate), t);
            prop_assert_eq!((t - Time::TICK).frame_floor(rate), frame - 1);
        }

        #[test]
        fn timecode_and_clock_text_round_trip(frame in 0i64..10_000_000, r in 0usize..7, millis in -400_000_000i64..400_000_000) {
            let rate = RATES[r];
            let t = Time::from_frame(frame, rate);
            prop_assert_eq!(Time::parse_timecode(&t.to_timecode(rate), rate), Ok(t));
            let c = Time::from_millis(millis);
            prop_assert_eq!(Time::parse_clock(&c.to_clock()), Ok(c));
        }

        #[test]
        fn timestamps_round_trip_through_any_timebase(pts in -1_000_000_000i64..1_000_000_000, num in 1u32..1002, extra in 0u32..200_000) {
            // Timebases of at most a second per unit, as FFmpeg streams use (1/90000,
            // 1001/30000 …); coarser ones would overflow i64 flicks for such pts.
            let tb = Rational::new(num, num + extra).unwrap_or(Rational::FPS_30);
            let t = Time::from_timebase(pts, tb, Rounding::Nearest);
            prop_assert_eq!(t.to_timebase(tb, Rounding::Nearest), pts);
        }
    }
}
