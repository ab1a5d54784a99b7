//! Printing and parsing times as text: frame timecode `HH:MM:SS:FF` and clock time
//! `HH:MM:SS.mmm`.
//!
//! Frame timecode is non-drop-frame: frames are counted at the nominal rate (30 for
//! 29.97), as editors label NTSC material by default. Clock time is wall-clock seconds.
//! Parsing never panics; a malformed string gives a [`TimecodeError`] saying why.

use super::time::{saturate, Rational, Time, FLICKS_PER_SECOND};

/// Why a timecode or clock string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimecodeError {
    /// The text does not have the expected shape.
    #[error("\"{text}\" is not a {expected} time")]
    Malformed {
        /// The text given.
        text: String,
        /// The shape expected, e.g. `HH:MM:SS:FF`.
        expected: &'static str,
    },
    /// A field is out of its range, such as minute 61 or frame 30 at 30 fps.
    #[error("\"{text}\": {field} {value} is out of range (must be below {limit})")]
    OutOfRange {
        /// The text given.
        text: String,
        /// Which field.
        field: &'static str,
        /// Its value.
        value: u64,
        /// The exclusive upper bound.
        limit: u64,
    },
}

const CLOCK: &str = "HH:MM:SS.mmm";
const TIMECODE: &str = "HH:MM:SS:FF";

fn parse_digits(part: &str) -> Option<u64> {
    if part.is_empty() || part.len() > 12 || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

fn check(text: &str, field: &'static str, value: u64, limit: u64) -> Result<(), TimecodeError> {
    if value >= limit {
        return Err(TimecodeError::OutOfRange {
            text: text.to_owned(),
            field,
            value,
            limit,
        });
    }
    Ok(())
}

/// Splits a leading minus sign off.
fn split_sign(text: &str) -> (bool, &str) {
    match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

impl Time {
    /// Prints as `HH:MM:SS.mmm`, truncating towards zero to the millisecond; negative
    /// times get a leading `-`. Hours grow past two digits when needed.
    pub fn to_clock(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let flicks = i128::from(self.0).abs();
        let millis = flicks / i128::from(FLICKS_PER_SECOND / 1000);
        let (h, m, s, ms) = (
            millis / 3_600_000,
            millis / 60_000 % 60,
            millis / 1000 % 60,
            millis % 1000,
        );
        format!("{sign}{h:02}:{m:02}:{s:02}.{ms:03}")
    }

    /// Parses `HH:MM:SS.mmm`, `MM:SS.mmm` or `SS.mmm` (the fraction is optional, takes
    /// 1–9 digits and may follow a `,` as in SRT). Fractions finer than a flick round to
    /// the nearest flick.
    pub fn parse_clock(text: &str) -> Result<Time, TimecodeError> {
        let malformed = || TimecodeError::Malformed {
            text: text.to_owned(),
            expected: CLOCK,
        };
        let (negative, body) = split_sign(text.trim());
        let (whole, fraction) = match body.find(['.', ',']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let parts: Vec<&str> = whole.split(':').collect();
        if parts.is_empty() || parts.len() > 3 {
            return Err(malformed());
        }
        let mut fields = [0u64; 3];
        let offset = 3 - parts.len();
        for (i, part) in parts.iter().enumerate() {
            fields[offset + i] = parse_digits(part).ok_or_else(malformed)?;
        }
        let [h, m, s] = fields;
        if parts.len() >= 2 {
            check(text, "seconds", s, 60)?;
        }
        if parts.len() == 3 {
            check(text, "minutes", m, 60)?;
        }
        let mut flicks = (i128::from(h) * 3600 + i128::from(m) * 60 + i128::from(s))
            * i128::from(FLICKS_PER_SECOND);
        if let Some(fraction) = fraction {
            if fraction.is_empty() || fraction.len() > 9 {
                return Err(malformed());
            }
            let digits = parse_digits(fraction).ok_or_else(malformed)?;
            let scale = 10i128.pow(fraction.len() as u32);
            let part = i128::from(digits) * i128::from(FLICKS_PER_SECOND);
            flicks += (part * 2 + scale) / (scale * 2);
        }
        Ok(Time(saturate(if negative { -flicks } else { flicks })))
    }

    /// Prints as non-drop-frame timecode `HH:MM:SS:FF` for the frame showing at this time,
    /// counting frames at the nominal rate of `rate`.
    pub fn to_timecode(self, rate: Rational) -> String {
        let frame = self.frame_floor(rate);
        let sign = if frame < 0 { "-" } else { "" };
        let frame = i128::from(frame).abs();
        let fps = i128::from(rate.nominal_fps());
        let (ff, total_secs) = (frame % fps, frame / fps);
        let (h, m, s) = (total_secs / 3600, total_secs / 60 % 60, total_secs % 60);
        format!("{sign}{h:02}:{m:02}:{s:02}:{ff:02}")
    }

    /// Parses non-drop-frame timecode `HH:MM:SS:FF` at `rate` into the start time of
    /// that frame. The frame field must be below the nominal rate.
    pub fn parse_timecode(text: &str, rate: Rational) -> Result<Time, TimecodeError> {
        let malformed = || TimecodeError::Malformed {
            text: text.to_owned(),
            expected: TIMECODE,
        };
        let (negative, body) = split_sign(text.trim());
        let parts: Vec<&str> = body.split(':').collect();
        let [h, m, s, f] = parts.as_slice() else {
            return Err(malformed());
        };
        let [h, m, s, f] = [h, m, s, f].map(|p| parse_digits(p));
        let (Some(h), Some(m), Some(s), Some(f)) = (h, m, s, f) else {
            return Err(malformed());
        };
        check(text, "minutes", m, 60)?;
        check(text, "seconds", s, 60)?;
        let fps = u64::from(rate.nominal_fps());
        check(text, "frame", f, fps)?;
        let frame = (i128::from(h) * 3600 + i128::from(m) * 60 + i128::from(s)) * i128::from(fps)
            + i128::from(f);
        let frame = saturate(if negative { -frame } else { frame });
        Ok(Time::from_frame(frame, rate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_time_prints_and_parses_back() {
        let t = Time::from_millis(3_723_456);
        assert_eq!(t.to_clock(), "01:02:03.456");
        assert_eq!(Time::parse_clock("01:02:03.456"), Ok(t));
        assert_eq!(
            Time::parse_clock("02:03,456"),
            Ok(t - Time::from_secs(3600))
        );
        assert_eq!(Time::parse_clock("1.5"), Ok(Time::from_millis(1500)));
        assert_eq!(Time::parse_clock("-00:00:01.000"), Ok(Time::from_secs(-1)));
    }

    #[test]
    fn clock_time_truncates_to_the_millisecond_when_printing() {
        assert_eq!(
            (Time::from_millis(1) - Time::TICK).to_clock(),
            "00:00:00.000"
        );
        assert_eq!(Time::from_secs(-90).to_clock(), "-00:01:30.000");
    }

    #[test]
    fn malformed_clock_strings_are_errors_not_panics() {
        for text in [
            "",
            ":",
            "1:2:3:4",
            "aa:bb",
            "00:61:00",
            "1.",
            "1.1234567890",
            "é",
        ] {
            assert!(Time::parse_clock(text).is_err(), "{text:?} should fail");
        }
    }

    #[test]
    fn timecode_at_29_97_counts_frames_at_thirty() {
        let rate = Rational::FPS_29_97;
        let t = Time::from_frame(30 * 60 + 29, rate);
        assert_eq!(t.to_timecode(rate), "00:01:00:29");
        assert_eq!(Time::parse_timecode("00:01:00:29", rate), Ok(t));
    }

    #[test]
    fn timecode_refuses_a_frame_number_past_the_rate() {
        let err = Time::parse_timecode("00:00:01:25", Rational::FPS_25);
        assert!(matches!(
            err,
            Err(TimecodeError::OutOfRange { field: "frame", .. })
        ));
        assert!(Time::parse_timecode("00:00:01", Rational::FPS_25).is_err());
    }
}
