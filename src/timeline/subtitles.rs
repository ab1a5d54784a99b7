//! Subtitle cues and the operations on a track's cue list: split, merge, shift, retime.
//!
//! Cues live on subtitle tracks at absolute timeline times, sorted by start; they may
//! overlap (two speakers at once). Optional word timings drive word-highlight captions.
//! Reading and writing SRT, WebVTT and ASS belongs to the `subtitles` module, which
//! converts to and from these types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::edit::EditError;
use super::style::StyleOverride;
use super::time::{Rounding, Time};

/// Stable identity of a cue within a project.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct CueId(pub u64);

/// When one word of a cue is spoken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WordTiming {
    /// Start on the timeline.
    pub start: Time,
    /// End on the timeline.
    pub end: Time,
    /// The word as shown.
    pub text: String,
}

/// One subtitle: text shown from `start` to `end`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SubtitleCue {
    /// Stable identity.
    pub id: CueId,
    /// First instant shown, on the timeline.
    pub start: Time,
    /// First instant no longer shown.
    pub end: Time,
    /// The text; `\n` breaks lines.
    pub text: String,
    /// Name of a project subtitle style; the default style if absent or unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// Changes to the style for this cue only.
    #[serde(default, skip_serializing_if = "StyleOverride::is_empty")]
    pub style_override: StyleOverride,
    /// Word timings for word-highlight captions, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<WordTiming>,
    /// The cue as ASS text with its override tags (colours, positions, karaoke), as read
    /// from a styled subtitle file. Writers use it only while its plain text still reads
    /// as [`SubtitleCue::text`], so editing the text falls back to plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markup: Option<String>,
}

impl SubtitleCue {
    /// A plain cue.
    pub fn new(id: CueId, start: Time, end: Time, text: impl Into<String>) -> SubtitleCue {
        SubtitleCue {
            id,
            start,
            end,
            text: text.into(),
            style: None,
            style_override: StyleOverride::default(),
            words: Vec::new(),
            markup: None,
        }
    }

    /// True if the cue is shown at `t`.
    pub fn contains(&self, t: Time) -> bool {
        self.start <= t && t < self.end
    }

    /// The index of the word being spoken at `t`, for highlighting.
    pub fn word_at(&self, t: Time) -> Option<usize> {
        self.words.iter().position(|w| w.start <= t && t < w.end)
    }
}

/// Sorts cues by start, then id, so the order is always the same.
pub(crate) fn sort_cues(cues: &mut [SubtitleCue]) {
    cues.sort_by_key(|c| (c.start, c.id));
}

fn find(cues: &[SubtitleCue], id: CueId) -> Result<usize, EditError> {
    cues.iter()
        .position(|c| c.id == id)
        .ok_or(EditError::NoSuchCue(id))
}

/// Splits cue `id` at `at` into two cues, the second with id `new_id`. The text splits at
/// byte `text_at` if given (it must fall on a character boundary), otherwise at the space
/// nearest the same fraction of the text as `at` is of the cue. Words go to the side they
/// start on.
pub fn split_cue(
    cues: &mut Vec<SubtitleCue>,
    id: CueId,
    at: Time,
    new_id: CueId,
    text_at: Option<usize>,
) -> Result<(), EditError> {
    let index = find(cues, id)?;
    let cue = &cues[index];
    if !(cue.start < at && at < cue.end) {
        return Err(EditError::OutsideRange {
            what: "split point",
            at,
        });
    }
    let split = match text_at {
        Some(i) if cue.text.is_char_boundary(i) => i,
        Some(_) => {
            return Err(EditError::Invalid(
                "text split is not on a character boundary".into(),
            ))
        }
        None => proportional_split(
            &cue.text,
            (at - cue.start).0 as f64 / (cue.end - cue.start).0 as f64,
        ),
    };
    let mut right = cue.clone();
    right.id = new_id;
    right.start = at;
    right.text = cue.text[split..].trim_start().to_owned();
    right.words.retain(|w| w.start >= at);
    let left = &mut cues[index];
    left.end = at;
    left.text = left.text[..split].trim_end().to_owned();
    left.words.retain(|w| w.start < at);
    cues.push(right);
    sort_cues(cues);
    Ok(())
}

/// The byte index of the whitespace nearest to `fraction` of the text (or the end).
fn proportional_split(text: &str, fraction: f64) -> usize {
    let target = (text.len() as f64 * fraction.clamp(0.0, 1.0)) as usize;
    text.char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .min_by_key(|&i| i.abs_diff(target))
        .unwrap_or(text.len())
}

/// Merges cue `second` into cue `first`: the result spans both, texts joined with a
/// space, words concatenated; `second` is removed.
pub fn merge_cues(
    cues: &mut Vec<SubtitleCue>,
    first: CueId,
    second: CueId,
) -> Result<(), EditError> {
    if first == second {
        return Err(EditError::Invalid("cannot merge a cue with itself".into()));
    }
    let j = find(cues, second)?;
    let i = find(cues, first)?;
    let other = cues[j].clone();
    let a = &mut cues[i];
    a.start = a.start.min(other.start);
    a.end = a.end.max(other.end);
    if !other.text.is_empty() {
        if !a.text.is_empty() {
            a.text.push(' ');
        }
        a.text.push_str(&other.text);
    }
    a.words.extend(other.words);
    a.words.sort_by_key(|w| w.start);
    cues.remove(j);
    sort_cues(cues);
    Ok(())
}

/// Moves every cue starting in `[from, to)` by `by`. Refuses to move a cue before zero.
pub fn shift_cues(
    cues: &mut [SubtitleCue],
    from: Time,
    to: Time,
    by: Time,
) -> Result<(), EditError> {
    let moved = |c: &SubtitleCue| c.start >= from && c.start < to;
    if cues.iter().any(|c| moved(c) && (c.start + by) < Time::ZERO) {
        return Err(EditError::BeforeZero);
    }
    for c in cues.iter_mut().filter(|c| moved(c)) {
        c.start += by;
        c.end += by;
        for w in &mut c.words {
            w.start += by;
            w.end += by;
        }
    }
    sort_cues(cues);
    Ok(())
}

/// Stretches every cue's times about `anchor` by `num / den` (e.g. 25/24 to fix a frame
/// rate mix-up), rounding to the nearest tick and keeping every cue at least a tick long.
pub fn retime_cues(
    cues: &mut [SubtitleCue],
    anchor: Time,
    num: u32,
    den: u32,
) -> Result<(), EditError> {
    if num == 0 || den == 0 {
        return Err(EditError::Invalid(
            "retime factor needs non-zero parts".into(),
        ));
    }
    let map = |t: Time| {
        anchor + (t - anchor).mul_ratio(i64::from(num), i64::from(den), Rounding::Nearest)
    };
    if cues.iter().any(|c| map(c.start) < Time::ZERO) {
        return Err(EditError::BeforeZero);
    }
    for c in cues.iter_mut() {
        c.start = map(c.start);
        c.end = map(c.end).max(c.start + Time::TICK);
        for w in &mut c.words {
            w.start = map(w.start);
            w.end = map(w.end).max(w.start);
        }
    }
    sort_cues(cues);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: i64) -> Time {
        Time::from_secs(secs)
    }

    fn two_cues() -> Vec<SubtitleCue> {
        vec![
            SubtitleCue::new(CueId(1), s(1), s(3), "hello there world"),
            SubtitleCue::new(CueId(2), s(4), s(6), "second"),
        ]
    }

    #[test]
    fn splitting_a_cue_divides_its_time_and_text() {
        let mut cues = two_cues();
        split_cue(&mut cues, CueId(1), s(2), CueId(3), None).ok();
        assert_eq!(cues.len(), 3);
        assert_eq!((cues[0].start, cues[0].end), (s(1), s(2)));
        assert_eq!(
            (cues[1].start, cues[1].end, cues[1].id),
            (s(2), s(3), CueId(3))
        );
        assert_eq!(
            format!("{}|{}", cues[0].text, cues[1].text),
            "hello|there world"
        );
    }

    #[test]
    fn splitting_outside_a_cue_is_refused() {
        let mut cues = two_cues();
        assert!(split_cue(&mut cues, CueId(1), s(3), CueId(3), None).is_err());
        assert!(split_cue(&mut cues, CueId(9), s(2), CueId(3), None).is_err());
        assert!(split_cue(&mut cues, CueId(1), s(2), CueId(3), Some(999)).is_err());
    }

    #[test]
    fn merging_cues_spans_both_and_joins_their_text() {
        let mut cues = two_cues();
        merge_cues(&mut cues, CueId(1), CueId(2)).ok();
        assert_eq!(cues.len(), 1);
        assert_eq!((cues[0].start, cues[0].end), (s(1), s(6)));
        assert_eq!(cues[0].text, "hello there world second");
    }

    #[test]
    fn shifting_a_range_moves_only_cues_starting_inside_it() {
        let mut cues = two_cues();
        shift_cues(&mut cues, s(3), s(10), s(2)).ok();
        assert_eq!(cues[0].start, s(1));
        assert_eq!(cues[1].start, s(6));
        assert_eq!(
            shift_cues(&mut cues, s(0), s(10), s(-2)),
            Err(EditError::BeforeZero)
        );
    }

    #[test]
    fn retiming_by_a_factor_scales_times_about_the_anchor() {
        let mut cues = two_cues();
        retime_cues(&mut cues, Time::ZERO, 25, 24).ok();
        assert_eq!(cues[1].start, s(4).mul_ratio(25, 24, Rounding::Nearest));
        assert_eq!(cues[1].end, s(6).mul_ratio(25, 24, Rounding::Nearest));
    }

    #[test]
    fn the_highlighted_word_is_the_one_being_spoken() {
        let mut cue = SubtitleCue::new(CueId(1), s(0), s(2), "a b");
        cue.words = vec![
            WordTiming {
                start: s(0),
                end: s(1),
                text: "a".into(),
            },
            WordTiming {
                start: s(1),
                end: s(2),
                text: "b".into(),
            },
        ];
        assert_eq!(cue.word_at(Time::from_millis(1500)), Some(1));
        assert_eq!(cue.word_at(s(3)), None);
    }
}
