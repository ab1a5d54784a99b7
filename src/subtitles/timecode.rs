//! Timestamps as the three formats write them (`00:01:02,345`, `01:02.345`,
//! `0:01:02.34`), read tolerantly into integer milliseconds and written strictly.
//! Times are never floating-point seconds; this file owns no other concern.

/// A timestamp as read, with what was unusual about its spelling so the caller can
/// warn about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clock {
    /// Milliseconds from the start of the media.
    pub ms: i64,
    /// The decimal separator used (`.` or `,`), if there was a fraction.
    pub separator: Option<char>,
    /// Whether an hours field was present.
    pub has_hours: bool,
}

/// Reads `[h:]m:s[.frac]` or `[h:]m:s[,frac]`. Fields may have any number of digits
/// (up to nine); the fraction is read as a decimal fraction of a second, to the
/// millisecond. Returns `None` for anything else.
pub(crate) fn parse_clock(text: &str) -> Option<Clock> {
    let text = text.trim();
    let (whole, frac, separator) = match text.rfind(['.', ',']) {
        Some(pos) => {
            let sep = text.get(pos..=pos)?.chars().next()?;
            (text.get(..pos)?, Some(text.get(pos + 1..)?), Some(sep))
        }
        None => (text, None, None),
    };
    let mut fields = [0i64; 3];
    let mut count = 0usize;
    for part in whole.split(':') {
        let slot = fields.get_mut(count)?;
        *slot = digits(part)?;
        count += 1;
    }
    let (h, m, s) = match count {
        2 => (0, fields[0], fields[1]),
        3 => (fields[0], fields[1], fields[2]),
        _ => return None,
    };
    let frac_ms = match frac {
        Some(f) => fraction_ms(f)?,
        None => 0,
    };
    Some(Clock {
        ms: ((h * 60 + m) * 60 + s) * 1000 + frac_ms,
        separator,
        has_hours: count == 3,
    })
}

/// A run of one to nine ASCII digits.
fn digits(part: &str) -> Option<i64> {
    if part.is_empty() || part.len() > 9 || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// `"5"` is 500 ms, `"05"` 50 ms, `"0512"` 51 ms (rounded to nearest).
fn fraction_ms(frac: &str) -> Option<i64> {
    if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut ms = 0i64;
    let mut scale = 100i64;
    let mut bytes = frac.bytes();
    for b in bytes.by_ref().take(3) {
        ms += i64::from(b - b'0') * scale;
        scale /= 10;
    }
    if bytes.next().is_some_and(|b| b >= b'5') {
        ms += 1;
    }
    Some(ms)
}

/// Splits non-negative milliseconds into hours, minutes, seconds and milliseconds.
fn split(ms: i64) -> (i64, i64, i64, i64) {
    let ms = ms.max(0);
    (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// `HH:MM:SS,mmm`, as SRT wants it. Negative times are written as zero.
pub(crate) fn format_srt(ms: i64) -> String {
    let (h, m, s, f) = split(ms);
    format!("{h:02}:{m:02}:{s:02},{f:03}")
}

/// `HH:MM:SS.mmm`, as WebVTT wants it. Negative times are written as zero.
pub(crate) fn format_vtt(ms: i64) -> String {
    let (h, m, s, f) = split(ms);
    format!("{h:02}:{m:02}:{s:02}.{f:03}")
}

/// `H:MM:SS.cc`, as ASS and SSA want it: centiseconds, rounded to nearest.
pub(crate) fn format_ass(ms: i64) -> String {
    let cs = (ms.max(0).saturating_add(5)) / 10;
    let (h, m, s) = (cs / 360_000, cs / 6000 % 60, cs / 100 % 60);
    format!("{h}:{m:02}:{s:02}.{:02}", cs % 100)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn srt_vtt_and_ass_spellings_all_read_to_milliseconds() {
        assert_eq!(parse_clock("00:01:02,345").map(|c| c.ms), Some(62_345));
        assert_eq!(parse_clock("01:02.345").map(|c| c.ms), Some(62_345));
        assert_eq!(parse_clock("0:01:02.34").map(|c| c.ms), Some(62_340));
        assert_eq!(parse_clock("1:2:3.5").map(|c| c.ms), Some(3_723_500));
        assert_eq!(parse_clock("00:00:01.0005").map(|c| c.ms), Some(1_001));
        assert_eq!(parse_clock("00:00:01").map(|c| c.ms), Some(1_000));
    }

    #[test]
    fn garbage_timestamps_are_refused() {
        for bad in [
            "",
            "1",
            "a:b:c",
            "1:2:3:4",
            "00:00:01,",
            "-1:00:00",
            "00:00:01,x",
            "1::2",
        ] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
        assert_eq!(parse_clock("9999999999:00:00"), None);
    }

    #[test]
    fn times_are_written_in_each_format() {
        assert_eq!(format_srt(3_723_004), "01:02:03,004");
        assert_eq!(format_vtt(62_345), "00:01:02.345");
        assert_eq!(format_ass(62_345), "0:01:02.35");
        assert_eq!(format_ass(36_000_000), "10:00:00.00");
        assert_eq!(format_srt(-5), "00:00:00,000");
    }
}
