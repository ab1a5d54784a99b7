//! Word timings to karaoke-style ASS text (`{\k50}The {\k30}quick`), for captions
//! that highlight each word as it is spoken. Durations are in centiseconds, as
//! `\k` wants them, computed from rounded absolute times so rounding never drifts
//! over a long line. Where the words come from (speech-to-text) is not its concern.

use serde::{Deserialize, Serialize};

use super::model::Cue;

/// One spoken word and when it was said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordTiming {
    /// The word as it should be shown (surrounding spaces are trimmed).
    pub text: String,
    /// Start, in milliseconds from the start of the media.
    pub start_ms: i64,
    /// End, in milliseconds from the start of the media.
    pub end_ms: i64,
}

impl WordTiming {
    /// A word from `start_ms` to `end_ms`.
    pub fn new(text: impl Into<String>, start_ms: i64, end_ms: i64) -> Self {
        Self {
            text: text.into(),
            start_ms,
            end_ms,
        }
    }
}

/// Which karaoke effect to use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KaraokeTag {
    /// `\k`: each word switches colour at once when it starts.
    #[default]
    K,
    /// `\kf`: the colour sweeps across each word while it is spoken.
    Kf,
    /// `\ko`: like `\k`, with the outline hidden until the word starts.
    Ko,
}

impl KaraokeTag {
    fn as_str(self) -> &'static str {
        match self {
            Self::K => "k",
            Self::Kf => "kf",
            Self::Ko => "ko",
        }
    }
}

/// Milliseconds to the nearest centisecond.
fn cs(ms: i64) -> i64 {
    ms.saturating_add(5).div_euclid(10)
}

/// ASS dialogue text for `words`, timed from `line_start_ms` (the cue's start).
/// Silence before a word becomes an empty `{\kN}` syllable so each word lights up
/// when it is said; words that overlap the previous one start where it ended.
/// Words are taken in the order given.
pub fn karaoke_text(words: &[WordTiming], line_start_ms: i64, tag: KaraokeTag) -> String {
    let tag = tag.as_str();
    let mut out = String::new();
    let mut pos = cs(line_start_ms);
    let shown: Vec<&WordTiming> = words.iter().filter(|w| !w.text.trim().is_empty()).collect();
    for (n, word) in shown.iter().enumerate() {
        let start = cs(word.start_ms).max(pos);
        let end = cs(word.end_ms).max(start);
        if start > pos {
            out.push_str(&format!("{{\\{tag}{}}}", start - pos));
        }
        out.push_str(&format!("{{\\{tag}{}}}", end - start));
        out.push_str(&escape_word(word.text.trim()));
        if n + 1 < shown.len() {
            out.push(' ');
        }
        pos = end;
    }
    out
}

/// A dialogue cue spanning `words` with karaoke text, or `None` if there are no
/// words. Its style is left empty (the `Default` style).
pub fn karaoke_cue(words: &[WordTiming], tag: KaraokeTag) -> Option<Cue> {
    let start = words.iter().map(|w| w.start_ms).min()?;
    let end = words.iter().map(|w| w.end_ms).max()?.max(start);
    Some(Cue::new(start, end, karaoke_text(words, start, tag)))
}

/// A word cannot open an override block or a line break in ASS.
fn escape_word(word: &str) -> String {
    word.replace('{', "\u{ff5b}")
        .replace('}', "\u{ff5d}")
        .replace('\\', "\u{29f5}")
        .replace(['\n', '\r'], " ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn words_become_k_tags_in_centiseconds_with_gaps_kept() {
        let words = [
            WordTiming::new("The", 1000, 1250),
            WordTiming::new(" quick", 1250, 1600),
            WordTiming::new("fox", 2000, 2504),
        ];
        assert_eq!(
            karaoke_text(&words, 1000, KaraokeTag::K),
            "{\\k25}The {\\k35}quick {\\k40}{\\k50}fox"
        );
        let cue = karaoke_cue(&words, KaraokeTag::Kf).unwrap();
        assert_eq!((cue.start_ms, cue.end_ms), (1000, 2504));
        assert!(cue.text.starts_with("{\\kf25}The"));
    }

    #[test]
    fn rounding_does_not_drift_over_many_words() {
        let words: Vec<WordTiming> = (0..100)
            .map(|i| WordTiming::new("la", i * 333, i * 333 + 333))
            .collect();
        let text = karaoke_text(&words, 0, KaraokeTag::K);
        let total: i64 = text
            .split("{\\k")
            .filter_map(|part| part.split('}').next()?.parse::<i64>().ok())
            .sum();
        assert_eq!(total, cs(100 * 333));
    }

    #[test]
    fn overlapping_words_and_braces_are_handled() {
        let words = [
            WordTiming::new("a{b}", 0, 500),
            WordTiming::new("c", 400, 300),
        ];
        assert_eq!(
            karaoke_text(&words, 0, KaraokeTag::Ko),
            "{\\ko50}a\u{ff5b}b\u{ff5d} {\\ko0}c"
        );
    }
}
