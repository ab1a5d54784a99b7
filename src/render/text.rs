//! Text on the picture: subtitle cues and text clips written as one ASS script (timeline
//! times, project styles) that libass draws onto composed frames.
//!
//! Sizes in the project are pixels of a 1080-pixel-high frame, so the script declares a
//! 1080-high play area (its width follows the output's shape) and libass scales it to the
//! real frame. A text clip is placed with its transform at its start (`\pos`, scale,
//! rotation, opacity); keyframed motion of text is not animated yet.

use std::fmt::Write as _;

use crate::timeline::{
    Alignment, ClipContent, Color, Project, SubtitleCue, TextStyle, Time, TrackKind,
};

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

/// True if any visible track has a text clip.
pub fn has_text_clips(project: &Project) -> bool {
    project
        .tracks
        .iter()
        .filter(|t| t.kind.is_visual() && !t.hidden)
        .flat_map(|t| &t.clips)
        .any(|c| matches!(c.content, ClipContent::Text { .. }))
}

/// The project's visible subtitle cues (if `subtitles`) and text clips as an ASS script for
/// a `size` frame; `None` when there is no text to draw.
pub fn ass_script(project: &Project, size: (u32, u32), subtitles: bool) -> Option<String> {
    let wanted = has_text_clips(project) || (subtitles && has_subtitles(project));
    if !wanted {
        return None;
    }
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
        .filter(|t| subtitles && t.kind == TrackKind::Subtitle && !t.hidden)
        .flat_map(|t| &t.cues)
        .collect();
    let mut styles: Vec<TextStyle> = Vec::new();
    let mut style_index = |style: TextStyle| match styles.iter().position(|s| *s == style) {
        Some(i) => i,
        None => {
            styles.push(style);
            styles.len() - 1
        }
    };
    let mut events = String::new();
    // Text clips first, in track order: later lines are drawn on top.
    for (layer, track) in project.tracks.iter().enumerate() {
        if !track.kind.is_visual() || track.hidden {
            continue;
        }
        for clip in &track.clips {
            let ClipContent::Text { text, style } = &clip.content else {
                continue;
            };
            let index = style_index(style.clone());
            let t = clip.transform_at(clip.start);
            let x = f64::from(play_x) * (0.5 + t.position.x);
            let y = f64::from(play_y) * (0.5 + t.position.y);
            let alpha = 255 - (t.opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
            let _ = writeln!(
                events,
                "Dialogue: {layer},{},{},S{index},,0,0,0,,{{\\an5\\pos({x:.1},{y:.1})\\fscx{:.1}\\fscy{:.1}\\frz{:.2}\\alpha&H{alpha:02X}&}}{}",
                clock(clip.start),
                clock(clip.end()),
                t.scale.x * 100.0,
                t.scale.y * 100.0,
                -t.rotation_degrees,
                escape_text(text)
            );
        }
    }
    for cue in cues {
        let index = style_index(project.cue_style(cue));
        let _ = writeln!(
            events,
            "Dialogue: 100,{},{},S{index},,0,0,0,,{}",
            clock(cue.start),
            clock(cue.end),
            escape_text(&cue.text)
        );
    }
    for (i, st) in styles.iter().enumerate() {
        let _ = writeln!(
            s,
            "Style: S{i},{},{:.1},{},{},{},{},{},{},0,0,100,100,0,0,1,{:.1},{:.1},{},{},{},{},1",
            libass_family(&st.font_family),
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
    Some(s)
}

/// Line breaks as `\N`; braces would start override blocks, so they become parentheses.
fn escape_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\n', "\\N")
        .replace('{', "(")
        .replace('}', ")")
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

/// The font family libass is asked for. "Sans", the default style's family, is a fontconfig
/// alias: Linux resolves it (to DejaVu Sans on Debian), but Windows has no font of that name
/// and libass then depends on DirectWrite's fallback, which Wine lacks. There we name the
/// font fontconfig would pick; the Windows package ships it in its `fonts` folder
/// (scripts/build-windows.sh, src/media/burn.rs).
fn libass_family(family: &str) -> &str {
    if cfg!(windows) && (family.eq_ignore_ascii_case("sans") || family == "sans-serif") {
        "DejaVu Sans"
    } else {
        family
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Canvas, Clip, ClipId, CueId, Track, TrackId};

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
        let ass = ass_script(&p, (1080, 1920), true).unwrap();
        assert!(ass.contains("PlayResX: 607\nPlayResY: 1080"));
        assert!(ass.contains("Dialogue: 100,0:00:01.50,0:01:02.25,S0,,0,0,0,,Hello\\Nthere"));
        assert!(ass_script(&p, (1080, 1920), false).is_none());
        assert!(ass.contains("Style: S0,Sans,54.0,&H00FFFFFF,"));
    }

    #[test]
    fn a_text_clip_is_placed_at_its_position_for_its_duration() {
        let mut p = Project::new("p", Canvas::default());
        let mut t = Track::new(TrackId(1), TrackKind::Overlay, "titles");
        t.clips.push(Clip::text(
            ClipId(1),
            "Big {news}",
            TextStyle::default(),
            Time::from_secs(1),
            Time::from_secs(2),
        ));
        p.tracks.push(t);
        let ass = ass_script(&p, (1920, 1080), false).unwrap();
        assert!(
            ass.contains("Dialogue: 0,0:00:01.00,0:00:03.00,S0,,0,0,0,,{\\an5\\pos(960.0,540.0)"),
            "{ass}"
        );
        assert!(ass.contains("Big (news)"));
    }
}
