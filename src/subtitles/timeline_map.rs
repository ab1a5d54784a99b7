//! Between subtitle files and the timeline: a [`SubtitleDoc`] becomes the cues and
//! styles of a timeline subtitle track and back, ASS karaoke tags become word timings
//! and word timings become karaoke tags, and cues follow a clip's speed mapping when
//! asked. File times are integer milliseconds, timeline times [`Time`] in flicks;
//! styles are sized for a 1080-pixel-high frame on the timeline and for the script's
//! `PlayResY` in ASS.
//!
//! Colours: an ASS style's primary colour is the text colour; its secondary colour
//! (used only by karaoke, for words not yet reached) carries the highlight colour.

use std::collections::BTreeMap;

use crate::timeline::{
    Alignment, Clip, Color, CueId, Rounding, SpeedCurve, SubtitleCue, TextStyle, Time,
    WordTiming as TimelineWord, FLICKS_PER_SECOND,
};

use super::karaoke::{karaoke_text, KaraokeTag};
use super::model::{Cue, SubtitleDoc};
use super::style::{AssColor, AssStyle};
use super::{text, Format};

/// The frame height timeline styles are measured in.
const TIMELINE_HEIGHT: f64 = 1080.0;
/// The `PlayResY` renderers assume when a script does not say.
const ASS_DEFAULT_HEIGHT: f64 = 288.0;

/// Milliseconds to timeline time.
pub fn ms_to_time(ms: i64) -> Time {
    Time::from_millis(ms)
}

/// Timeline time to milliseconds, rounded to the nearest.
pub fn time_to_ms(t: Time) -> i64 {
    t.mul_ratio(1000, FLICKS_PER_SECOND, Rounding::Nearest).0
}

/// A subtitle file as a timeline track's content.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackCues {
    /// Cues sorted by start, with word timings where the file had karaoke tags.
    pub cues: Vec<SubtitleCue>,
    /// The file's styles by name, sized for the timeline.
    pub styles: BTreeMap<String, TextStyle>,
}

/// The dialogue of `doc` as timeline cues numbered from `first_id`, with plain text,
/// the ASS style name (when the file has styles) and words from `\k` tags.
pub fn doc_to_track(doc: &SubtitleDoc, first_id: CueId) -> TrackCues {
    let scale = TIMELINE_HEIGHT / play_res_y(doc);
    let styles: BTreeMap<String, TextStyle> = doc
        .styles
        .iter()
        .map(|s| (s.name.clone(), ass_to_text_style(s, scale)))
        .collect();
    let mut cues: Vec<SubtitleCue> = doc
        .dialogue()
        .enumerate()
        .map(|(i, cue)| {
            let id = CueId(first_id.0 + i as u64);
            let mut out = SubtitleCue::new(
                id,
                ms_to_time(cue.start_ms),
                ms_to_time(cue.end_ms.max(cue.start_ms)),
                doc.plain_text(cue),
            );
            if doc.format.is_ass_family() {
                // Kept only when it says more than the plain text does.
                if text::plain_to_ass(&out.text) != cue.text {
                    out.markup = Some(cue.text.clone());
                }
                if doc.style(cue.style_name()).is_some() {
                    out.style = Some(cue.style_name().trim_start_matches('*').to_owned());
                }
                out.words = karaoke_words(&cue.text, cue.start_ms)
                    .into_iter()
                    .map(|(text, start, end)| TimelineWord {
                        start: ms_to_time(start),
                        end: ms_to_time(end),
                        text,
                    })
                    .collect();
            }
            out
        })
        .collect();
    cues.sort_by_key(|c| (c.start, c.id));
    TrackCues { cues, styles }
}

/// Timeline cues as a subtitle document in `format`. ASS gets the styles (sized for
/// a 1920×1080 script) and, when `karaoke` is given, cues with word timings become
/// `\k` karaoke text; a cue read from an ASS file keeps its override tags while its text
/// is unedited (see [`cue_markup`]); SRT and WebVTT get plain text.
pub fn track_to_doc(
    cues: &[SubtitleCue],
    styles: &BTreeMap<String, TextStyle>,
    format: Format,
    karaoke: Option<KaraokeTag>,
) -> SubtitleDoc {
    let mut doc = SubtitleDoc::new_1080p(format);
    if format.is_ass_family() {
        if !styles.contains_key("Default") {
            doc.styles
                .push(text_to_ass_style("Default", &TextStyle::default(), 1.0));
        }
        doc.styles.extend(
            styles
                .iter()
                .map(|(name, s)| text_to_ass_style(name, s, 1.0)),
        );
    }
    for cue in cues {
        let (start, end) = (time_to_ms(cue.start), time_to_ms(cue.end));
        let words: Vec<super::WordTiming> = cue
            .words
            .iter()
            .map(|w| super::WordTiming::new(w.text.clone(), time_to_ms(w.start), time_to_ms(w.end)))
            .collect();
        let markup = cue_markup(cue).filter(|_| format.is_ass_family());
        let text = match (format, karaoke) {
            _ if markup.is_some() => markup.unwrap_or_default().to_owned(),
            (Format::Ass | Format::Ssa, Some(tag)) if !words.is_empty() => {
                karaoke_text(&words, start, tag)
            }
            (Format::Ass | Format::Ssa, _) => text::plain_to_ass(&cue.text),
            (Format::Vtt, _) => cue
                .text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
            (Format::Srt, _) => cue.text.clone(),
        };
        let mut out = Cue::new(start, end.max(start), text);
        if format.is_ass_family() {
            out.style = cue.style.clone().unwrap_or_else(|| "Default".to_owned());
        }
        doc.events.push(out);
    }
    doc
}

/// A cue's ASS markup while it still spells the cue's text (see
/// [`SubtitleCue::markup`]).
pub fn cue_markup(cue: &SubtitleCue) -> Option<&str> {
    cue.markup
        .as_deref()
        .filter(|m| text::ass_to_plain(m) == cue.text)
}

/// Words from ASS karaoke tags (`\k`, `\K`, `\kf`, `\ko`, in centiseconds) as (text,
/// start ms, end ms); empty when the text has none. Syllables without text (pauses)
/// only move the clock.
pub fn karaoke_words(ass_text: &str, line_start_ms: i64) -> Vec<(String, i64, i64)> {
    let mut words = Vec::new();
    let mut at = line_start_ms;
    let mut pending: Option<i64> = None; // duration of the syllable being read
    let mut syllable = String::new();
    let flush = |words: &mut Vec<(String, i64, i64)>,
                 at: &mut i64,
                 dur: Option<i64>,
                 syllable: &mut String| {
        if let Some(d) = dur {
            let t = text::ass_to_plain(syllable).trim().to_owned();
            if !t.is_empty() {
                words.push((t, *at, *at + d));
            }
            *at += d;
        }
        syllable.clear();
    };
    let mut rest = ass_text;
    while !rest.is_empty() {
        if let (Some(stripped), Some(close)) = (rest.strip_prefix('{'), rest.find('}')) {
            let block = stripped.get(..close.saturating_sub(1)).unwrap_or_default();
            for tag in block.split('\\').skip(1) {
                let digits = tag
                    .strip_prefix("kf")
                    .or_else(|| tag.strip_prefix("ko"))
                    .or_else(|| tag.strip_prefix('K'))
                    .or_else(|| tag.strip_prefix('k'));
                if let Some(cs) = digits.and_then(|d| d.trim().parse::<i64>().ok()) {
                    flush(&mut words, &mut at, pending.take(), &mut syllable);
                    pending = Some(cs.max(0) * 10);
                }
            }
            rest = rest.get(close + 1..).unwrap_or_default();
            continue;
        }
        let next = rest.find('{').filter(|&i| i > 0).unwrap_or(rest.len());
        syllable.push_str(rest.get(..next).unwrap_or_default());
        rest = rest.get(next..).unwrap_or_default();
    }
    flush(&mut words, &mut at, pending, &mut syllable);
    words
}

/// Cues timed against a clip's source media (as transcribing its file gives) placed
/// on the timeline through the clip: its position, trim and speed (constant, ramp or
/// reverse). Cues outside the clip's source range are dropped, cues straddling an
/// edge are cut to it; a freeze frame shows no speech, so it gets none.
pub fn source_cues_on_timeline(cues: &[SubtitleCue], clip: &Clip) -> Vec<SubtitleCue> {
    if matches!(clip.speed.curve, SpeedCurve::Freeze { .. }) {
        return Vec::new();
    }
    let last = (clip.source_out - Time::TICK).max(clip.source_in);
    let map = |t: Time| clip.timeline_time_of(t.clamp_to(clip.source_in, last));
    let mut out = Vec::new();
    for cue in cues {
        if cue.end <= clip.source_in || cue.start >= clip.source_out {
            continue;
        }
        let (Some(a), Some(b)) = (map(cue.start), map(cue.end)) else {
            continue;
        };
        let mut placed = cue.clone();
        placed.start = a.min(b);
        placed.end = a.max(b).max(placed.start + Time::TICK);
        placed.words = cue
            .words
            .iter()
            .filter(|w| w.end > clip.source_in && w.start < clip.source_out)
            .filter_map(|w| {
                let (a, b) = (map(w.start)?, map(w.end)?);
                Some(TimelineWord {
                    start: a.min(b),
                    end: a.max(b),
                    text: w.text.clone(),
                })
            })
            .collect();
        placed.words.sort_by_key(|w| w.start);
        out.push(placed);
    }
    out.sort_by_key(|c| (c.start, c.id));
    out
}

/// Cues that sat over `before` on the timeline, moved to where the same moments of
/// the source are in `after` (the clip after a speed, trim or move edit), so captions
/// stay on the words they belong to. Cues outside `before` are returned unchanged.
pub fn follow_clip_change(cues: &[SubtitleCue], before: &Clip, after: &Clip) -> Vec<SubtitleCue> {
    let (over, mut rest): (Vec<SubtitleCue>, Vec<SubtitleCue>) = cues
        .iter()
        .cloned()
        .partition(|c| c.start >= before.start && c.start < before.end());
    let to_source = |t: Time| {
        if t >= before.end() {
            before.source_out
        } else {
            before.source_time_at(t)
        }
    };
    let in_source: Vec<SubtitleCue> = over
        .into_iter()
        .map(|mut c| {
            c.start = to_source(c.start);
            c.end = to_source(c.end);
            for w in &mut c.words {
                w.start = to_source(w.start);
                w.end = to_source(w.end);
            }
            c
        })
        .collect();
    rest.extend(source_cues_on_timeline(&in_source, after));
    rest.sort_by_key(|c| (c.start, c.id));
    rest
}

fn play_res_y(doc: &SubtitleDoc) -> f64 {
    doc.script_info
        .play_res()
        .map(|(_, y)| f64::from(y))
        .filter(|y| *y > 0.0)
        .unwrap_or(ASS_DEFAULT_HEIGHT)
}

fn color_from_ass(c: AssColor) -> Color {
    let (r, g, b, alpha) = c.rgba();
    Color::rgb(r, g, b).with_alpha(255 - alpha)
}

fn color_to_ass(c: Color) -> AssColor {
    AssColor::from_rgba(c.r, c.g, c.b, 255 - c.a)
}

const ALIGNMENTS: [Alignment; 9] = [
    Alignment::BottomLeft,
    Alignment::BottomCenter,
    Alignment::BottomRight,
    Alignment::MiddleLeft,
    Alignment::MiddleCenter,
    Alignment::MiddleRight,
    Alignment::TopLeft,
    Alignment::TopCenter,
    Alignment::TopRight,
];

/// An ASS style as a timeline style; sizes multiplied by `scale` (timeline height
/// over the script's).
pub fn ass_to_text_style(s: &AssStyle, scale: f64) -> TextStyle {
    TextStyle {
        font_family: s.fontname.clone(),
        font_size: s.fontsize * scale,
        bold: s.is_bold(),
        italic: s.italic,
        color: color_from_ass(s.primary_colour),
        outline_color: color_from_ass(s.outline_colour),
        outline_width: s.outline * scale,
        shadow_color: color_from_ass(s.back_colour),
        shadow_offset: s.shadow * scale,
        highlight_color: color_from_ass(s.secondary_colour),
        alignment: ALIGNMENTS
            .get(usize::from(s.alignment.clamp(1, 9)) - 1)
            .copied()
            .unwrap_or_default(),
        margin_left: f64::from(s.margin_l) * scale,
        margin_right: f64::from(s.margin_r) * scale,
        margin_vertical: f64::from(s.margin_v) * scale,
        ..TextStyle::default()
    }
}

/// A timeline style as an ASS style called `name`; sizes multiplied by `scale`
/// (script height over the timeline's).
pub fn text_to_ass_style(name: &str, s: &TextStyle, scale: f64) -> AssStyle {
    let px = |v: f64| (v * scale).round() as i32;
    AssStyle {
        name: name.to_owned(),
        fontname: s.font_family.clone(),
        fontsize: (s.font_size * scale * 100.0).round() / 100.0,
        primary_colour: color_to_ass(s.color),
        secondary_colour: color_to_ass(s.highlight_color),
        outline_colour: color_to_ass(s.outline_color),
        back_colour: color_to_ass(s.shadow_color),
        bold: if s.bold { -1 } else { 0 },
        italic: s.italic,
        outline: (s.outline_width * scale * 100.0).round() / 100.0,
        shadow: (s.shadow_offset * scale * 100.0).round() / 100.0,
        alignment: ALIGNMENTS
            .iter()
            .position(|a| *a == s.alignment)
            .map_or(2, |i| i as u8 + 1),
        margin_l: px(s.margin_left),
        margin_r: px(s.margin_right),
        margin_v: px(s.margin_vertical),
        ..AssStyle::default()
    }
}

#[cfg(test)]
#[path = "timeline_map_tests.rs"]
mod tests;
