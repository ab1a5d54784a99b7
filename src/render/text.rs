//! Text on the picture: subtitle cues and text clips written as one ASS script (timeline
//! times, project styles) that libass draws onto composed frames.
//!
//! Sizes in the project are pixels of a 1080-pixel-high frame, so the script declares a
//! 1080-high play area (its width follows the output's shape) and libass scales it to the
//! real frame. A text clip moves as its keyframes say, as a video clip does: position,
//! scale, rotation, opacity, crop and anchor are sampled once a frame of the project's rate
//! wherever they change and written as one event per frame (`text_place.rs`); stretches
//! that do not change stay one event.
//!
//! Each output places its bottom subtitles above its own safe area (a 9:16 output for
//! TikTok higher than the 16:9 one for YouTube), see [`crate::timeline::SafeArea`].
//!
//! A cue with word timings shows the word being said in its style's highlight colour
//! (`captions.rs`). A text clip's letters or words can enter one by one (`entrance.rs`),
//! and so can a cue's when its style has an entrance.
//!
//! Event times are floored to the centisecond ASS counts in, and libass is asked for
//! floored milliseconds, so the event holding a frame's values always covers that frame's
//! time (for frame rates up to 100 per second).
//!
//! Cues shown at the same time are stacked by libass, which remembers where it put an
//! event and keeps it there on later frames — so the stack would depend on which frames
//! were drawn before (the preview jumps, the export goes from the start). Overlapping
//! cues are therefore cut at every moment the set of cues on screen changes, and written
//! in a fixed order: every stack is laid out afresh from that order, the same whichever
//! frame comes first. The track listed higher on the timeline shows higher on the
//! picture.

use std::fmt::Write as _;

use super::captions::escape as escape_text;
use super::entrance::entrance_text;
use super::text_place::{placement_tags, TEXT_PROPERTIES};
use crate::timeline::{
    Alignment, Clip, ClipContent, Color, OutputId, Project, Rational, Rounding, SubtitleCue,
    TextStyle, Time, TrackKind,
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
/// a `size` frame of the main output; `None` when there is no text to draw.
pub fn ass_script(project: &Project, size: (u32, u32), subtitles: bool) -> Option<String> {
    ass_script_for(project, OutputId::MAIN, size, subtitles)
}

/// The script size text is laid out in for a picture of `size` (width, height): 1080 high
/// (styles are measured in a 1080-pixel-high frame) and as wide as the picture is in
/// proportion, so letters keep their shape at any aspect.
pub fn play_res(size: (u32, u32)) -> (u32, u32) {
    let play_y = 1080u32;
    let play_x = (u64::from(play_y) * u64::from(size.0) / u64::from(size.1.max(1))) as u32;
    (play_x, play_y)
}

/// [`ass_script`] for the project's output `output`: its bottom subtitles sit above the
/// output's safe area ([`SafeArea`]) when it has one.
pub fn ass_script_for(
    project: &Project,
    output: OutputId,
    size: (u32, u32),
    subtitles: bool,
) -> Option<String> {
    let area = project
        .output(output)
        .map(|o| o.safe_area)
        .unwrap_or_default();
    let wanted = has_text_clips(project) || (subtitles && has_subtitles(project));
    if !wanted {
        return None;
    }
    let (play_x, play_y) = play_res(size);
    let mut s = String::new();
    let _ = write!(
        s,
        "[Script Info]\nScriptType: v4.00+\nPlayResX: {play_x}\nPlayResY: {play_y}\n\
         WrapStyle: 0\nScaledBorderAndShadow: yes\n\n[V4+ Styles]\n\
         Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
         BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, \
         BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
    );
    let cues = if subtitles {
        stacked_cues(project)
    } else {
        Vec::new()
    };
    let mut styles: Vec<TextStyle> = Vec::new();
    let mut style_index = |style: TextStyle| match styles.iter().position(|s| *s == style) {
        Some(i) => i,
        None => {
            styles.push(style);
            styles.len() - 1
        }
    };
    let rate = project.canvas.frame_rate;
    let mut events = String::new();
    // Text clips first, in track order: later lines are drawn on top.
    for (layer, track) in project.tracks.iter().enumerate() {
        if !track.kind.is_visual() || track.hidden {
            continue;
        }
        for clip in &track.clips {
            let ClipContent::Text {
                text: raw,
                style,
                entrance,
            } = &clip.content
            else {
                continue;
            };
            let index = style_index(style.clone());
            let text = escape_text(raw);
            let entrance_end = entrance
                .is_animated()
                .then(|| clip.start + entrance.duration);
            for (start, end, tags) in text_clip_steps(clip, (play_x, play_y), rate, entrance_end) {
                let text = match entrance_end {
                    Some(over) if start < over => entrance_text(
                        &text,
                        entrance,
                        start - clip.start,
                        &clip.transform_at(start),
                    ),
                    _ => text.clone(),
                };
                let _ = writeln!(
                    events,
                    "Dialogue: {layer},{},{},S{index},,0,0,0,,{{{tags}}}{text}",
                    clock_floor(start),
                    clock_floor(end),
                );
            }
        }
    }
    for (start, end, cue) in cues {
        let style = area.keep_clear(project.cue_style(cue));
        let index = style_index(style.clone());
        // The piece is cut at every word boundary, so this is usually one step.
        super::captions::cue_events(&mut events, (start, end), cue, (&style, index), play_x);
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

/// The visible subtitle cues as `(start, end, cue)` pieces in the order libass should
/// stack them: a cue that overlaps others is cut at every start and end falling inside
/// it, so cues on screen together always begin and end together; pieces at the same time
/// come bottom of the stack first.
fn stacked_cues(project: &Project) -> Vec<(Time, Time, &SubtitleCue)> {
    let cues: Vec<(usize, &SubtitleCue)> = project
        .tracks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == TrackKind::Subtitle && !t.hidden)
        .flat_map(|(i, t)| t.cues.iter().map(move |c| (i, c)))
        .filter(|(_, c)| c.start < c.end)
        .collect();
    // Word boundaries too: a word-highlight caption changes there (see `captions.rs`).
    let mut cuts: Vec<Time> = cues
        .iter()
        .flat_map(|(_, c)| {
            [c.start, c.end]
                .into_iter()
                .chain(c.words.iter().flat_map(|w| [w.start, w.end]))
        })
        .collect();
    cuts.sort();
    cuts.dedup();
    let mut pieces: Vec<(Time, Time, usize, &SubtitleCue)> = Vec::new();
    for &(track, cue) in &cues {
        let mut from = cue.start;
        for &cut in cuts.iter().filter(|&&t| cue.start < t && t < cue.end) {
            pieces.push((from, cut, track, cue));
            from = cut;
        }
        pieces.push((from, cue.end, track, cue));
    }
    // libass stacks in the order events are written: the first nearest its margin. At the
    // bottom (or middle) that is the track listed lowest, at the top the one listed
    // highest, so the picture keeps the timeline's top-down order.
    pieces.sort_by_key(|&(start, _, track, cue)| {
        let from_top = matches!(
            project.cue_style(cue).alignment,
            Alignment::TopLeft | Alignment::TopCenter | Alignment::TopRight
        );
        let place = if from_top {
            track as i64
        } else {
            -(track as i64)
        };
        (start, place, cue.start, cue.id)
    });
    pieces
        .into_iter()
        .map(|(start, end, _, cue)| (start, end, cue))
        .collect()
}

/// A text clip as `(start, end, tags)` steps covering its time on screen: one step a
/// frame (of `rate`) where its keyframes move it, one step for each still stretch; a
/// step ends at `entrance_end`, where the letters' own tags stop.
fn text_clip_steps(
    clip: &Clip,
    play: (u32, u32),
    rate: Rational,
    entrance_end: Option<Time>,
) -> Vec<(Time, Time, String)> {
    let (start, end) = (clip.start, clip.end());
    // The stretch of the clip (offsets into it) over which some drawn property changes.
    let moving = TEXT_PROPERTIES
        .iter()
        .filter_map(|&p| clip.animation.channel(p))
        .filter(|k| k.len() > 1)
        .filter_map(|k| Some((k.times().next()?, k.times().last()?)))
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    let mut cuts = vec![start];
    if let Some((first, last)) = moving {
        let (from, to) = ((start + first).max(start), (start + last).min(end));
        let mut n = from.frames(rate, Rounding::Ceil);
        cuts.push(from);
        loop {
            let at = Time::from_frame(n, rate);
            if at >= to {
                break;
            }
            cuts.push(at);
            n += 1;
        }
        cuts.push(to);
    }
    cuts.extend(entrance_end.filter(|&t| start < t && t < end));
    cuts.push(end);
    cuts.sort();
    cuts.dedup();
    let mut steps: Vec<(Time, Time, String)> = Vec::new();
    for pair in cuts.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        if to <= from {
            continue;
        }
        let Some(tags) = placement_tags(&clip.transform_at(from), play) else {
            continue;
        };
        match steps.last_mut() {
            Some(last) if last.2 == tags && last.1 == from && Some(from) != entrance_end => {
                last.1 = to
            }
            _ => steps.push((from, to, tags)),
        }
    }
    // Whole centiseconds: a step shorter than one after flooring would never show.
    steps.retain(|s| centiseconds_floor(s.0) < centiseconds_floor(s.1));
    steps
}

/// `t` rounded to the nearest centisecond, as a count of them.
fn centiseconds_round(t: Time) -> i64 {
    // Saturating: a cue at the end of time (`Time::MAX`) must not overflow.
    t.flicks()
        .max(0)
        .saturating_add(crate::timeline::FLICKS_PER_SECOND / 200)
        / (crate::timeline::FLICKS_PER_SECOND / 100)
}

/// The time [`clock`] writes for `t`.
pub(super) fn clock_time(t: Time) -> Time {
    Time::from_millis(centiseconds_round(t).saturating_mul(10))
}

/// `H:MM:SS.cc`, rounded to the nearest centisecond.
pub(super) fn clock(t: Time) -> String {
    hmsc(centiseconds_round(t))
}

fn centiseconds_floor(t: Time) -> i64 {
    t.flicks().max(0) / (crate::timeline::FLICKS_PER_SECOND / 100)
}

/// `H:MM:SS.cc`, rounded down to the centisecond: a frame at `t` falls inside an event
/// starting at `t`, as libass is given floored milliseconds.
fn clock_floor(t: Time) -> String {
    hmsc(centiseconds_floor(t))
}

/// `cs` centiseconds as `H:MM:SS.cc`.
fn hmsc(cs: i64) -> String {
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

    /// A subtitle track `name` holding one cue.
    fn cue_track(id: u64, name: &str, (start, end): (Time, Time), text: &str) -> Track {
        let mut t = Track::new(TrackId(id), TrackKind::Subtitle, name);
        t.cues.push(SubtitleCue::new(CueId(id), start, end, text));
        t
    }

    /// A project of `tracks`, on the default canvas.
    fn project_of(tracks: impl IntoIterator<Item = Track>) -> Project {
        let mut p = Project::new("p", Canvas::default());
        p.tracks.extend(tracks);
        p
    }

    /// A project of one overlay track holding `clip`.
    fn one_text_clip(clip: Clip) -> Project {
        let mut t = Track::new(TrackId(1), TrackKind::Overlay, "titles");
        t.clips.push(clip);
        project_of([t])
    }

    #[test]
    fn cues_become_dialogue_lines_with_centisecond_times_and_line_breaks() {
        let span = (Time::from_millis(1500), Time::from_millis(62_250));
        let p = project_of([cue_track(1, "en", span, "Hello\nthere")]);
        let ass = ass_script(&p, (1080, 1920), true).unwrap();
        assert!(ass.contains("PlayResX: 607\nPlayResY: 1080"));
        assert!(ass.contains("Dialogue: 100,0:00:01.50,0:01:02.25,S0,,0,0,0,,Hello\\Nthere"));
        assert!(ass_script(&p, (1080, 1920), false).is_none());
        assert!(ass.contains("Style: S0,Sans,54.0,&H00FFFFFF,"));
    }

    #[test]
    fn each_output_keeps_its_bottom_subtitles_above_its_own_safe_area() {
        use crate::timeline::{OutputFormat, SafeArea};
        let mut p = project_of([cue_track(1, "en", (Time::ZERO, Time::from_secs(1)), "Hi")]);
        p.outputs.push(OutputFormat {
            id: OutputId(1),
            name: "TikTok".into(),
            width: 1080,
            height: 1920,
            safe_area: SafeArea::TikTok,
        });
        let margin = |ass: String| {
            let style = ass.lines().find(|l| l.starts_with("Style: S0")).unwrap();
            style.rsplit(',').nth(1).unwrap().to_owned()
        };
        let main = ass_script_for(&p, OutputId::MAIN, (1920, 1080), true).unwrap();
        assert_eq!(margin(main), "80", "the style's own margin");
        let tall = ass_script_for(&p, OutputId(1), (1080, 1920), true).unwrap();
        assert_eq!(margin(tall), "216", "a fifth of the 1080-high play area");
    }

    /// Two subtitle tracks: "top" (listed first) with a cue 0–4 s, "bottom" with one
    /// 1–3 s.
    fn overlapping_tracks() -> Project {
        project_of(
            [(1, "top", 0, 4), (2, "bottom", 1, 3)].map(|(id, name, start, end)| {
                let span = (Time::from_secs(start), Time::from_secs(end));
                cue_track(id, name, span, name)
            }),
        )
    }

    #[test]
    fn cues_on_screen_together_always_begin_and_end_together() {
        let p = overlapping_tracks();
        let pieces: Vec<(i64, i64, &str)> = stacked_cues(&p)
            .into_iter()
            .map(|(s, e, c)| (s.flicks(), e.flicks(), c.text.as_str()))
            .collect();
        let s = |n: i64| Time::from_secs(n).flicks();
        assert_eq!(
            pieces,
            [
                (s(0), s(1), "top"),
                (s(1), s(3), "bottom"),
                (s(1), s(3), "top"),
                (s(3), s(4), "top"),
            ]
        );
        // So libass lays every stack out afresh, whichever frame it draws first.
        for &(a0, a1, _) in &pieces {
            for &(b0, b1, _) in &pieces {
                let overlap = a0 < b1 && b0 < a1;
                assert!(!overlap || (a0, a1) == (b0, b1));
            }
        }
    }

    #[test]
    fn the_track_listed_higher_is_stacked_above_for_subtitles_at_the_top_too() {
        let mut p = overlapping_tracks();
        let top_style = TextStyle {
            alignment: Alignment::TopCenter,
            ..TextStyle::default()
        };
        p.subtitle_styles.insert("top".into(), top_style);
        for t in &mut p.tracks {
            t.cues[0].style = Some("top".into());
        }
        let order: Vec<&str> = stacked_cues(&p)
            .into_iter()
            .filter(|(s, _, _)| *s == Time::from_secs(1))
            .map(|(_, _, c)| c.text.as_str())
            .collect();
        // From the top edge down: the first written is nearest the top.
        assert_eq!(order, ["top", "bottom"]);
    }

    #[test]
    fn a_text_clip_is_placed_at_its_position_for_its_duration() {
        let p = one_text_clip(Clip::text(
            ClipId(1),
            "Big {news}",
            TextStyle::default(),
            Time::from_secs(1),
            Time::from_secs(2),
        ));
        let ass = ass_script(&p, (1920, 1080), false).unwrap();
        assert!(
            ass.contains("Dialogue: 0,0:00:01.00,0:00:03.00,S0,,0,0,0,,{\\an5\\pos(960.0,540.0)"),
            "{ass}"
        );
        assert!(ass.contains("Big (news)"));
    }

    #[test]
    fn a_sliding_text_clip_moves_frame_by_frame_then_rests_in_one_event() {
        let mut clip = Clip::text(
            ClipId(1),
            "Hi",
            TextStyle::default(),
            Time::ZERO,
            Time::from_secs(2),
        );
        let Some(preset) = crate::timeline::animation_preset("Slide right in") else {
            panic!("no Slide right in")
        };
        for (property, keys) in
            preset.keyframes_for(&clip.animation, clip.duration(), Time::from_secs(1))
        {
            clip.animation.set_channel(property, keys);
        }
        let p = one_text_clip(clip);
        let ass = ass_script(&p, (1920, 1080), false).unwrap();
        let lines: Vec<&str> = ass.lines().filter(|l| l.starts_with("Dialogue:")).collect();
        // 30 frames of motion, then the rest of the clip still.
        assert_eq!(lines.len(), 31, "{ass}");
        assert!(
            lines[0].starts_with(
                "Dialogue: 0,0:00:00.00,0:00:00.03,S0,,0,0,0,,{\\an5\\pos(-960.0,540.0)"
            ),
            "{}",
            lines[0]
        );
        assert!(
            lines[30].starts_with(
                "Dialogue: 0,0:00:01.00,0:00:02.00,S0,,0,0,0,,{\\an5\\pos(960.0,540.0)"
            ),
            "{}",
            lines[30]
        );
        let xs: Vec<f64> = lines
            .iter()
            .filter_map(|l| l.split("\\pos(").nth(1)?.split(',').next()?.parse().ok())
            .collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "moves right: {xs:?}");
    }
}
