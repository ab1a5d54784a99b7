//! SubRip (`.srt`): numbered cues, `00:00:01,000 --> 00:00:02,500`, text lines, a
//! blank line. Read tolerantly (missing numbers and blank lines, `.` or `,`
//! decimals, cues out of order, stray lines), each workaround reported with its
//! line; written strictly. The timing-line reader is shared with WebVTT.

use super::decode::split_lines;
use super::error::{SubtitleError, WarningKind, Warnings};
use super::model::{Cue, CueKind, SubtitleDoc};
use super::timecode::{self, parse_clock, Clock};
use super::Format;

/// A parsed `start --> end [settings]` line.
#[derive(Debug)]
pub(crate) struct Timing<'a> {
    pub start: Clock,
    pub end: Clock,
    pub settings: &'a str,
}

/// Reads a timing line, or `None` if the line is not one.
pub(crate) fn parse_timing(line: &str) -> Option<Timing<'_>> {
    let (left, right) = line.split_once("-->")?;
    let right = right.trim_start();
    let (end_text, settings) = match right.find(char::is_whitespace) {
        Some(p) => (right.get(..p)?, right.get(p..)?.trim()),
        None => (right, ""),
    };
    Some(Timing {
        start: parse_clock(left)?,
        end: parse_clock(end_text)?,
        settings,
    })
}

/// Warns (once a file) about timestamps spelt in a way the format does not allow.
pub(crate) fn check_clock_spelling(
    timing: &Timing<'_>,
    format: Format,
    line: usize,
    w: &mut Warnings,
) {
    let (wanted, other) = if format == Format::Srt {
        (',', '.')
    } else {
        ('.', ',')
    };
    for clock in [timing.start, timing.end] {
        if clock.separator == Some(other) {
            let msg = format!("timestamp uses '{other}' instead of '{wanted}' before the milliseconds; read anyway");
            w.once("separator", line, WarningKind::LooseTimestamp, &msg);
        }
        if format == Format::Srt && !clock.has_hours {
            w.once(
                "hours",
                line,
                WarningKind::LooseTimestamp,
                "timestamp has no hours; read anyway",
            );
        }
    }
    if timing.end.ms < timing.start.ms {
        w.at(
            line,
            WarningKind::EndBeforeStart,
            "cue ends before it starts",
        );
    }
}

fn is_index(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Sorts cues by start time (stably) if they are out of order, warning at the first
/// cue that starts before the one above it.
pub(crate) fn sort_by_start(cues: &mut [Cue], w: &mut Warnings) {
    let first_out = cues
        .windows(2)
        .find(|p| matches!(p, [a, b] if b.start_ms < a.start_ms));
    if let Some([_, b]) = first_out {
        w.at(
            b.line,
            WarningKind::OutOfOrder,
            "cue starts before the one above it; cues were sorted by start time",
        );
        cues.sort_by_key(|c| c.start_ms);
    }
}

/// The text lines of the cue timed at `lines[timing_line]`, up to a blank line or to the
/// next cue's start (`next_cue_at(j)` is true at line `j`: warned about, as the blank line
/// is missing), and the index of the first line after them.
pub(crate) fn cue_text<'a>(
    lines: &[&'a str],
    timing_line: usize,
    next_cue_at: impl Fn(usize) -> bool,
    w: &mut Warnings,
) -> (Vec<&'a str>, usize) {
    let mut text = Vec::new();
    let mut j = timing_line + 1;
    while let Some(l) = lines.get(j) {
        if l.trim().is_empty() {
            break;
        }
        if next_cue_at(j) {
            w.at(
                j + 1,
                WarningKind::MissingBlankLine,
                "no blank line before this cue",
            );
            break;
        }
        text.push(*l);
        j += 1;
    }
    (text, j)
}

/// Writes `cue`'s `start --> end` line with its times spelt by `clock`, and its settings.
pub(crate) fn push_timing_line(out: &mut String, cue: &Cue, clock: fn(i64) -> String, nl: &str) {
    out.push_str(&clock(cue.start_ms));
    out.push_str(" --> ");
    out.push_str(&clock(cue.end_ms));
    if !cue.settings.trim().is_empty() {
        out.push(' ');
        out.push_str(cue.settings.trim());
    }
    out.push_str(nl);
}

/// Reads SRT text.
pub(crate) fn parse(text: &str, w: &mut Warnings) -> Result<SubtitleDoc, SubtitleError> {
    let lines = split_lines(text);
    let timing_at = |i: usize| lines.get(i).and_then(|l| parse_timing(l));
    let mut doc = SubtitleDoc::new(Format::Srt);
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        let timing_line = if is_index(line) && timing_at(i + 1).is_some() {
            i + 1
        } else if timing_at(i).is_some() {
            w.at(
                i + 1,
                WarningKind::MissingIndex,
                "cue has no number before its timing line",
            );
            i
        } else {
            w.at(
                i + 1,
                WarningKind::UnreadableLine,
                format!("not a cue number or timing line; skipped: {:?}", clip(line)),
            );
            i += 1;
            continue;
        };
        let Some(timing) = timing_at(timing_line) else {
            break;
        };
        check_clock_spelling(&timing, Format::Srt, timing_line + 1, w);
        let next_cue_at = |j: usize| {
            timing_at(j).is_some()
                || (lines.get(j).is_some_and(|l| is_index(l)) && timing_at(j + 1).is_some())
        };
        let (text_lines, j) = cue_text(&lines, timing_line, next_cue_at, w);
        let mut cue = Cue::new(timing.start.ms, timing.end.ms, text_lines.join("\n"));
        cue.settings = timing.settings.to_owned();
        cue.line = i + 1;
        doc.events.push(cue);
        i = j;
    }
    if doc.events.is_empty() && !text.trim().is_empty() {
        return Err(SubtitleError::NoCues {
            format: Format::Srt,
        });
    }
    sort_by_start(&mut doc.events, w);
    Ok(doc)
}

/// Shortens a line for a warning message.
pub(crate) fn clip(line: &str) -> String {
    let mut s: String = line.chars().take(40).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    s
}

/// Text lines safe to put in a block-based file: no empty lines (they would end
/// the cue early) and no line breaks inside a line.
pub(crate) fn payload_lines(text: &str) -> impl Iterator<Item = &str> {
    split_lines(text)
        .into_iter()
        .filter(|l| !l.trim().is_empty())
}

/// Writes SRT; cues are numbered from 1 and only dialogue is written.
pub(crate) fn write(doc: &SubtitleDoc) -> String {
    let nl = doc.line_ending.as_str();
    let mut out = String::new();
    let shown = doc.events.iter().filter(|c| c.kind == CueKind::Dialogue);
    for (n, cue) in shown.enumerate() {
        out.push_str(&format!("{}{nl}", n + 1));
        push_timing_line(&mut out, cue, timecode::format_srt, nl);
        for line in payload_lines(&cue.text) {
            out.push_str(line);
            out.push_str(nl);
        }
        out.push_str(nl);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod tests {
    use super::*;

    /// `text` read by `parse` (SRT's or WebVTT's), which must not warn about anything.
    pub(crate) fn parse_cleanly(
        parse: fn(&str, &mut Warnings) -> Result<SubtitleDoc, SubtitleError>,
        text: &str,
    ) -> SubtitleDoc {
        let mut w = Warnings::default();
        let doc = parse(text, &mut w).unwrap();
        assert!(w.finish().is_empty());
        doc
    }

    #[test]
    fn a_timing_line_with_coordinates_keeps_them_as_settings() {
        let t = parse_timing("00:00:01,000 --> 00:00:02,000  X1:10 X2:20 Y1:5 Y2:9").unwrap();
        assert_eq!((t.start.ms, t.end.ms), (1000, 2000));
        assert_eq!(t.settings, "X1:10 X2:20 Y1:5 Y2:9");
    }

    #[test]
    fn two_cues_read_and_write_back_identically() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:03,000 --> 00:00:04,500\n<i>two</i>\nlines\n\n";
        let doc = parse_cleanly(parse, text);
        assert_eq!(doc.events.len(), 2);
        assert_eq!(doc.events[1].text, "<i>two</i>\nlines");
        assert_eq!(write(&doc), text);
    }
}
