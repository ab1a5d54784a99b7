//! Word-highlight captions: a cue with word timings as the ASS events that show the word
//! being said in the style's highlight colour (or only that word), a page of at most the
//! style's line count at a time.
//!
//! Word times are timeline times, moved with their clip when its speed or trim changes
//! (see `subtitles::timeline_map`), so the highlight stays on the word through speed
//! changes without anything here knowing of speed. Lines are broken by an estimate of
//! the font's width (half its size a character, a little more for bold), as libass itself
//! would wrap them only when they overflow.

use std::fmt::Write as _;

use super::entrance::entrance_text;
use super::text::{clock, clock_time};
use crate::timeline::{Color, SubtitleCue, TextStyle, Time, Transform, WordDisplay, WordTiming};

/// Writes to `out` the ASS events of the piece `piece.0..piece.1` of `cue`, drawn in
/// style `S{index}` (`style`): one per step of its words, its letters or words entering
/// as the style's entrance says, each event's `\t` times counted from its own start.
pub(super) fn cue_events(
    out: &mut String,
    piece: (Time, Time),
    cue: &SubtitleCue,
    (style, index): (&TextStyle, usize),
    play_x: u32,
) {
    let entrance = &style.entrance;
    for (from, to, text, origin) in word_steps(cue, style, play_x) {
        let (from, to) = (from.max(piece.0), to.min(piece.1));
        // Rounded like every other cue's, so pieces shown together start together.
        let (a, b) = (clock(from), clock(to));
        if clock_time(from) >= clock_time(to) {
            continue;
        }
        let text = if entrance.is_animated() && from < origin + entrance.duration {
            // libass counts `\t` from the event's written start, not the exact one.
            let offset = clock_time(from) - origin;
            entrance_text(&text, entrance, offset, &Transform::default())
        } else {
            text
        };
        let _ = writeln!(out, "Dialogue: 100,{a},{b},S{index},,0,0,0,,{text}");
    }
}

/// One step of a caption: shown from `.0` until `.1` with ASS text `.2`; its letters or
/// words enter (if the style says so) from `.3`: the cue's start, or its page's, or in
/// one-word captions the word's own.
pub(super) type Step = (Time, Time, String, Time);

/// The cue's steps, in time order; a cue without word timings is one step of its text.
pub(super) fn word_steps(cue: &SubtitleCue, style: &TextStyle, play_x: u32) -> Vec<Step> {
    let words: Vec<&WordTiming> = cue
        .words
        .iter()
        .filter(|w| w.end > w.start && !w.text.trim().is_empty())
        .collect();
    if words.is_empty() {
        return vec![(cue.start, cue.end, escape(&cue.text), cue.start)];
    }
    let mut steps: Vec<Step> = Vec::new();
    let mut push = |from: Time, to: Time, text: String, origin: Time| {
        let (from, to) = (from.max(cue.start), to.min(cue.end));
        if to <= from {
            return;
        }
        match steps.last_mut() {
            Some(last) if last.2 == text && last.1 == from && last.3 == origin => last.1 = to,
            _ => steps.push((from, to, text, origin.max(cue.start))),
        }
    };
    if style.word_display == WordDisplay::OneWord {
        for w in &words {
            let text = highlighted(&escape(w.text.trim()), style);
            push(w.start, w.end, text, w.start);
        }
        return steps;
    }
    let spliced = (style.max_lines == 0)
        .then(|| word_positions(&cue.text, &words))
        .flatten();
    let pages = match spliced {
        Some(_) => vec![vec![(0..words.len()).collect::<Vec<_>>()]],
        None => pages(&words, style, play_x),
    };
    for (p, page) in pages.iter().enumerate() {
        let first = page.first().and_then(|l| l.first()).copied().unwrap_or(0);
        let next = pages.get(p + 1).and_then(|pg| pg.first()?.first().copied());
        let from = if p == 0 {
            cue.start
        } else {
            words[first].start
        };
        let to = next.map_or(cue.end, |n| words[n].start);
        let in_page: Vec<usize> = page.iter().flatten().copied().collect();
        let mut cuts: Vec<Time> = vec![from, to];
        for &i in &in_page {
            cuts.extend([words[i].start, words[i].end]);
        }
        cuts.retain(|t| (from..=to).contains(t));
        cuts.sort();
        cuts.dedup();
        for pair in cuts.windows(2) {
            let spoken = in_page
                .iter()
                .copied()
                .find(|&i| words[i].start <= pair[0] && pair[0] < words[i].end);
            let text = match &spliced {
                Some(positions) => spliced_text(&cue.text, positions, spoken, style),
                None => page_text(page, &words, spoken, style),
            };
            push(pair[0], pair[1], text, from);
        }
    }
    steps
}

/// Where each word is in `text` (byte ranges, in order), if every one is found.
fn word_positions(text: &str, words: &[&WordTiming]) -> Option<Vec<(usize, usize)>> {
    let mut at = 0;
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        let word = w.text.trim();
        let found = at + text.get(at..)?.find(word)?;
        out.push((found, found + word.len()));
        at = found + word.len();
    }
    Some(out)
}

/// The cue's own text with the spoken word coloured.
fn spliced_text(
    text: &str,
    positions: &[(usize, usize)],
    spoken: Option<usize>,
    style: &TextStyle,
) -> String {
    let Some((a, b)) = spoken.and_then(|i| positions.get(i).copied()) else {
        return escape(text);
    };
    let (before, word, after) = (
        text.get(..a).unwrap_or_default(),
        text.get(a..b).unwrap_or_default(),
        text.get(b..).unwrap_or_default(),
    );
    format!(
        "{}{}{}",
        escape(before),
        highlighted(&escape(word), style),
        escape(after)
    )
}

/// A page's lines of words, the spoken one coloured.
fn page_text(
    page: &[Vec<usize>],
    words: &[&WordTiming],
    spoken: Option<usize>,
    style: &TextStyle,
) -> String {
    page.iter()
        .map(|line| {
            line.iter()
                .map(|&i| {
                    let word = escape(words[i].text.trim());
                    if spoken == Some(i) {
                        highlighted(&word, style)
                    } else {
                        word
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\\N")
}

/// The words in lines that fit the style's width, in pages of its line count.
fn pages(words: &[&WordTiming], style: &TextStyle, play_x: u32) -> Vec<Vec<Vec<usize>>> {
    let width = f64::from(play_x) - style.margin_left - style.margin_right;
    let per_char = style.font_size.max(1.0) * if style.bold { 0.58 } else { 0.52 };
    let max_chars = (width / per_char).floor().max(1.0) as usize;
    let mut lines: Vec<Vec<usize>> = Vec::new();
    let mut length = 0;
    for (i, w) in words.iter().enumerate() {
        let n = w.text.trim().chars().count();
        match lines.last_mut() {
            Some(line) if length + 1 + n <= max_chars => {
                line.push(i);
                length += 1 + n;
            }
            _ => {
                lines.push(vec![i]);
                length = n;
            }
        }
    }
    let per_page = if style.max_lines == 0 {
        lines.len().max(1)
    } else {
        usize::from(style.max_lines)
    };
    lines.chunks(per_page).map(<[_]>::to_vec).collect()
}

/// `word` in the style's highlight colour, then back to its text colour.
fn highlighted(word: &str, style: &TextStyle) -> String {
    format!(
        "{{\\1c{}}}{word}{{\\1c{}}}",
        bgr(style.highlight_color),
        bgr(style.color)
    )
}

/// `&HBBGGRR&`, ASS's colour order.
fn bgr(c: Color) -> String {
    format!("&H{:02X}{:02X}{:02X}&", c.b, c.g, c.r)
}

/// Line breaks as `\N`; braces would start override blocks, so they become parentheses.
pub(super) fn escape(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\n', "\\N")
        .replace('{', "(")
        .replace('}', ")")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{caption_presets, CueId};

    fn ms(n: i64) -> Time {
        Time::from_millis(n)
    }

    fn cue(text: &str, words: &[(&str, i64, i64)]) -> SubtitleCue {
        let mut cue = SubtitleCue::new(CueId(1), ms(0), ms(3000), text);
        cue.words = words
            .iter()
            .map(|&(t, a, b)| WordTiming {
                start: ms(a),
                end: ms(b),
                text: t.into(),
            })
            .collect();
        cue
    }

    const YELLOW: &str = "{\\1c&H00DDFF&}";

    #[test]
    fn the_spoken_word_is_coloured_in_the_cue_text_and_nothing_between_words() {
        let c = cue(
            "Hello, big\nworld",
            &[("Hello", 0, 500), ("big", 700, 1000), ("world", 1000, 2000)],
        );
        let steps = word_steps(&c, &TextStyle::default(), 1920);
        let texts: Vec<&str> = steps.iter().map(|s| s.2.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                format!("{YELLOW}Hello{{\\1c&HFFFFFF&}}, big\\Nworld").as_str(),
                "Hello, big\\Nworld",
                format!("Hello, {YELLOW}big{{\\1c&HFFFFFF&}}\\Nworld").as_str(),
                format!("Hello, big\\N{YELLOW}world{{\\1c&HFFFFFF&}}").as_str(),
                "Hello, big\\Nworld",
            ]
        );
        assert_eq!(steps[0].0, ms(0));
        assert_eq!(
            steps[4],
            (ms(2000), ms(3000), "Hello, big\\Nworld".into(), ms(0))
        );
    }

    #[test]
    fn one_word_at_a_time_shows_only_the_spoken_word() {
        let (_, style) = caption_presets()
            .into_iter()
            .find(|(n, _)| *n == "One word at a time")
            .unwrap();
        let c = cue("a b", &[("a", 0, 500), ("b", 600, 900)]);
        let steps = word_steps(&c, &style, 1920);
        assert_eq!(steps.len(), 2);
        assert_eq!((steps[1].0, steps[1].1), (ms(600), ms(900)));
        assert!(steps[1].2.contains("}b{"), "{:?}", steps[1]);
    }

    #[test]
    fn two_lines_at_most_pages_a_long_cue_from_each_pages_first_word() {
        let style = TextStyle {
            max_lines: 2,
            font_size: 250.0,
            ..TextStyle::default()
        };
        // About 13 characters a line at this size: two words a line, four a page.
        let words: Vec<(String, i64, i64)> = (0..6)
            .map(|i| (format!("word{i}"), i * 400, i * 400 + 300))
            .collect();
        let refs: Vec<(&str, i64, i64)> =
            words.iter().map(|(t, a, b)| (t.as_str(), *a, *b)).collect();
        let c = cue("ignored when paging", &refs);
        let steps = word_steps(&c, &style, 1920);
        let second_page = steps.iter().position(|s| s.2.contains("word4")).unwrap();
        assert_eq!(steps[second_page].0, ms(1600), "the page turns on word4");
        assert!(!steps[second_page].2.contains("word3"));
        assert_eq!(steps[0].2.matches("\\N").count(), 1, "two lines");
    }
}
