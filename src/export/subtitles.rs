//! Subtitles for export: imported from a file onto a subtitle track, and written as an
//! ASS script (timeline times, project styles) for libass to burn in.
//!
//! Sizes in the project are pixels of a 1080-pixel-high frame, so the script declares a
//! 1080-high play area (its width follows the output's shape) and libass scales it to the
//! real frame.

use std::fmt::Write as _;
use std::path::Path;

use crate::subtitles::{self, SubtitleError};
use crate::timeline::{
    Alignment, Color, CueId, Project, SubtitleCue, TextStyle, Time, Track, TrackKind,
};

/// Reads a subtitle file (SRT, WebVTT, ASS) onto a new subtitle track of `project`, its
/// times taken as timeline times.
pub fn add_subtitle_file(project: &mut Project, path: &Path) -> Result<(), SubtitleError> {
    let (doc, _warnings) = subtitles::read_file(path)?;
    let mut track = Track::new(project.next_track_id(), TrackKind::Subtitle, "Subtitles");
    let mut next = project.next_cue_id().0;
    for cue in doc.dialogue() {
        let text = doc.plain_text(cue);
        if text.trim().is_empty() || cue.end_ms <= cue.start_ms {
            continue;
        }
        track.cues.push(SubtitleCue::new(
            CueId(next),
            Time::from_millis(cue.start_ms),
            Time::from_millis(cue.end_ms),
            text,
        ));
        next += 1;
    }
    track.cues.sort_by_key(|c| c.start);
    project.tracks.push(track);
    Ok(())
}

/// True if any visible subtitle track has a cue.
pub fn has_subtitles(project: &Project) -> bool {
    project
        .tracks
        .iter()
        .any(|t| t.kind == TrackKind::Subtitle && !t.hidden && !t.cues.is_empty())
}

/// The visible cues starting before `end`, as `(start, end, plain text)` sorted by start,
/// each cut off at `end`: what a soft subtitle stream carries.
pub fn cues(project: &Project, end: Time) -> Vec<(Time, Time, String)> {
    let mut all: Vec<(Time, Time, String)> = project
        .tracks
        .iter()
        .filter(|t| t.kind == TrackKind::Subtitle && !t.hidden)
        .flat_map(|t| &t.cues)
        .filter(|c| c.start < end && c.start < c.end)
        .map(|c| (c.start, c.end.min(end), c.text.clone()))
        .collect();
    all.sort_by_key(|c| c.0);
    all
}

/// The project's visible subtitle cues as an ASS script for a `size` frame.
pub fn ass_script(project: &Project, size: (u32, u32)) -> String {
    let play_y = 1080u32;
    let play_x = (u64::from(play_y) * u64::from(size.0) / u64::from(size.1.max(1))) as u32;
    let mut s = String::new();
    let _ = write!(
        s,
        "[Script Info]\nScriptType: v4.00+\nPlayResX: {play_x}\nPlayResY: {play_y}\n\
         WrapStyle: 0\nScaledBorderAndShadow: yes\n\n[V4+ Styles]\n\
         Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
         BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, \
         BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
    );
    let cues: Vec<&SubtitleCue> = project
        .tracks
        .iter()
        .filter(|t| t.kind == TrackKind::Subtitle && !t.hidden)
        .flat_map(|t| &t.cues)
        .collect();
    let mut styles: Vec<TextStyle> = Vec::new();
    let mut events = String::new();
    for cue in cues {
        let style = project.cue_style(cue);
        let index = match styles.iter().position(|s| *s == style) {
            Some(i) => i,
            None => {
                styles.push(style);
                styles.len() - 1
            }
        };
        let text = cue.text.replace("\r\n", "\n").replace('\n', "\\N");
        let _ = writeln!(
            events,
            "Dialogue: 0,{},{},S{index},,0,0,0,,{text}",
            clock(cue.start),
            clock(cue.end)
        );
    }
    for (i, st) in styles.iter().enumerate() {
        let _ = writeln!(
            s,
            "Style: S{i},{},{:.1},{},{},{},{},{},{},0,0,100,100,0,0,1,{:.1},{:.1},{},{},{},{},1",
            st.font_family,
            st.font_size,
            ass_color(st.color),
            ass_color(st.highlight_color),
            ass_color(st.outline_color),
            ass_color(st.shadow_color),
            if st.bold { -1 } else { 0 },
            if st.italic { -1 } else { 0 },
            st.outline_width,
            st.shadow_offset,
            numpad(st.alignment),
            st.margin_left.round() as i64,
            st.margin_right.round() as i64,
            st.margin_vertical.round() as i64,
        );
    }
    s.push_str("\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n");
    s.push_str(&events);
    s
}

/// `H:MM:SS.cc`, rounded to the nearest centisecond.
fn clock(t: Time) -> String {
    let cs = (t.flicks().max(0) + crate::timeline::FLICKS_PER_SECOND / 200)
        / (crate::timeline::FLICKS_PER_SECOND / 100);
    format!(
        "{}:{:02}:{:02}.{:02}",
        cs / 360_000,
        cs / 6000 % 60,
        cs / 100 % 60,
        cs % 100
    )
}

/// `&HAABBGGRR`, where ASS alpha counts transparency.
fn ass_color(c: Color) -> String {
    format!("&H{:02X}{:02X}{:02X}{:02X}", 255 - c.a, c.b, c.g, c.r)
}

fn numpad(a: Alignment) -> u8 {
    match a {
        Alignment::BottomLeft => 1,
        Alignment::BottomCenter => 2,
        Alignment::BottomRight => 3,
        Alignment::MiddleLeft => 4,
        Alignment::MiddleCenter => 5,
        Alignment::MiddleRight => 6,
        Alignment::TopLeft => 7,
        Alignment::TopCenter => 8,
        Alignment::TopRight => 9,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Canvas, TrackId};

    #[test]
    fn cues_become_dialogue_lines_with_centisecond_times_and_line_breaks() {
        let mut p = Project::new("p", Canvas::default());
        let mut t = Track::new(TrackId(1), TrackKind::Subtitle, "en");
        t.cues.push(SubtitleCue::new(
            CueId(1),
            Time::from_millis(1500),
            Time::from_millis(62_250),
            "Hello\nthere",
        ));
        p.tracks.push(t);
        let ass = ass_script(&p, (1080, 1920));
        assert!(ass.contains("PlayResX: 607\nPlayResY: 1080"));
        assert!(ass.contains("Dialogue: 0,0:00:01.50,0:01:02.25,S0,,0,0,0,,Hello\\Nthere"));
        assert!(ass.contains("Style: S0,Sans,54.0,&H00FFFFFF,"));
    }
}
