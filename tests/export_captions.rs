//! Text that moves and captions that follow the voice, exported and decoded again with
//! the `ffmpeg` CLI: where the text is, found by its colour.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use clipwright::render::Compositor;
use clipwright::timeline::{
    animation_preset, Canvas, Clip, ClipContent, ClipId, Color, EntranceKind, Project, Rational,
    TextEntrance, TextStyle, Time, Track, TrackId, TrackKind,
};
use common::make::export;

const SIZE: (u32, u32) = (320, 180);

/// A project of `seconds` of black at [`SIZE`], 30 frames a second.
fn black_project(seconds: i64) -> Project {
    let canvas = Canvas {
        width: SIZE.0,
        height: SIZE.1,
        frame_rate: Rational::FPS_30,
        background: Color::BLACK,
    };
    let mut project = Project::new("captions", canvas);
    let mut video = Track::new(TrackId(1), TrackKind::Video, "video");
    video.clips.push(Clip::with_content(
        ClipId(1),
        ClipContent::Color {
            color: Color::BLACK,
        },
        Time::ZERO,
        Time::ZERO,
        Time::from_secs(seconds),
    ));
    project.tracks.push(video);
    project
}

/// How many pixels of `rgba` (`width` across) look like `want`, and their mean x.
fn pixels_like(rgba: &[u8], width: u32, want: [u8; 3]) -> (usize, f64) {
    let mut count = 0;
    let mut sum_x = 0.0;
    for (i, px) in rgba.chunks_exact(4).enumerate() {
        let near = px[..3].iter().zip(want).all(|(&a, b)| a.abs_diff(b) < 70);
        if near {
            count += 1;
            sum_x += (i as u32 % width) as f64;
        }
    }
    let mean = if count == 0 {
        f64::NAN
    } else {
        sum_x / count as f64
    };
    (count, mean)
}

const RED: [u8; 3] = [255, 0, 0];

/// Bold white letters `font_size` high, without outline or shadow: their pixels are the
/// text's colour alone, so they can be counted by colour.
fn flat_style(font_size: f64) -> TextStyle {
    TextStyle {
        font_size,
        bold: true,
        outline_width: 0.0,
        shadow_offset: 0.0,
        ..TextStyle::default()
    }
}

/// A title `text` in `style` over `seconds` of black, all along, changed by `set` first.
fn title_over_black(
    seconds: i64,
    text: &str,
    style: TextStyle,
    set: impl FnOnce(&mut Clip),
) -> Project {
    let mut project = black_project(seconds);
    let mut titles = Track::new(TrackId(2), TrackKind::Overlay, "titles");
    let length = Time::from_secs(seconds);
    let mut clip = Clip::text(ClipId(2), text, style, Time::ZERO, length);
    set(&mut clip);
    titles.clips.push(clip);
    project.tracks.push(titles);
    project
}

#[test]
fn a_text_clip_sliding_in_is_further_right_at_each_sampled_time_in_export_and_preview() {
    let style = TextStyle {
        color: Color::rgb(RED[0], RED[1], RED[2]),
        ..flat_style(300.0)
    };
    let project = title_over_black(3, "HHH", style, |clip| {
        let preset = animation_preset("Slide right in").unwrap();
        for (property, keys) in
            preset.keyframes_for(&clip.animation, clip.duration(), Time::from_secs(2))
        {
            clip.animation.set_channel(property, keys);
        }
    });

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("slide.mp4");
    export(project.clone(), &out);
    let mut preview = Compositor::new(".");
    let mut seen = Vec::new();
    for frame in [0u32, 30, 45, 75] {
        let (w, _, rgba) = common::ffmpeg_rgba(&out, frame);
        let exported = pixels_like(&rgba, w, RED);
        let t = Time::from_frame(i64::from(frame), Rational::FPS_30);
        let picture = preview.frame_at(&project, t, SIZE).unwrap();
        let previewed = pixels_like(&picture.data, picture.width, RED);
        seen.push((frame, exported, previewed));
    }
    let summary = format!("(frame, (red pixels, mean x) exported, previewed): {seen:?}");
    eprintln!("{summary}");
    // At the start the text waits off the left edge.
    assert!(seen[0].1 .0 < 10 && seen[0].2 .0 < 10, "{summary}");
    // Then it moves right, and rests at the centre once the slide is over.
    for i in 1..seen.len() {
        let (_, exported, previewed) = seen[i];
        assert!(exported.0 > 200, "{summary}");
        assert!((exported.1 - previewed.1).abs() < 4.0, "{summary}");
        if i > 1 {
            assert!(exported.1 > seen[i - 1].1 .1 + 10.0, "{summary}");
        }
    }
    assert!((seen[3].1 .1 - 160.0).abs() < 6.0, "{summary}");
}

/// Where pixels of `want` are in the lower half of frame `frame` of `file` (the cue's
/// area): how many, and their mean x.
fn in_cue_area(file: &Path, frame: u32, want: [u8; 3]) -> (usize, f64) {
    let (w, h, rgba) = common::ffmpeg_rgba(file, frame);
    let lower = &rgba[(w * h / 2 * 4) as usize..];
    pixels_like(lower, w, want)
}

#[test]
fn the_spoken_word_is_highlighted_as_it_is_said_even_at_double_speed() {
    use clipwright::subtitles::timeline_map::source_cues_on_timeline;
    use clipwright::timeline::{CueId, SpeedCurve, SpeedFactor, SubtitleCue, WordTiming};
    // Three words, a second each in the source; the clip plays its source at 2×.
    let mut project = black_project(3);
    let clip = &mut project.tracks[0].clips[0];
    clip.speed.curve = SpeedCurve::Constant {
        speed: SpeedFactor::from_milli(2000).unwrap(),
    };
    let clip = clip.clone();
    assert_eq!(clip.duration(), Time::from_millis(1500));
    let mut spoken = SubtitleCue::new(CueId(1), Time::ZERO, Time::from_secs(3), "AAA BBB CCC");
    spoken.words = ["AAA", "BBB", "CCC"]
        .iter()
        .zip(0i64..)
        .map(|(w, i)| WordTiming {
            start: Time::from_secs(i),
            end: Time::from_secs(i + 1),
            text: (*w).to_owned(),
        })
        .collect();
    let mut track = Track::new(TrackId(3), TrackKind::Subtitle, "en");
    track.cues = source_cues_on_timeline(&[spoken], &clip);
    project.tracks.push(track);
    project.subtitle_styles.insert(
        "Default".into(),
        TextStyle {
            font_size: 150.0,
            bold: true,
            ..TextStyle::default()
        },
    );
    for cue in &mut project.tracks[1].cues {
        cue.style = Some("Default".into());
    }

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("words.mp4");
    export(project.clone(), &out);
    let yellow = [255, 221, 0];
    let white = [255, 255, 255];
    // 0.25 s, 0.75 s and 1.25 s on the timeline: the middle of each word at 2×.
    let seen: Vec<((usize, f64), (usize, f64))> = [7u32, 22, 37]
        .iter()
        .map(|&f| (in_cue_area(&out, f, yellow), in_cue_area(&out, f, white)))
        .collect();
    let summary = format!("(yellow, white) (pixels, mean x) at 0.25, 0.75, 1.25 s: {seen:?}");
    eprintln!("{summary}");
    for ((yellow, white), expected_x) in seen.iter().zip([100.0, 160.0, 220.0]) {
        assert!(yellow.0 > 50 && white.0 > 100, "{summary}");
        assert!((yellow.1 - expected_x).abs() < 25.0, "{summary}");
    }
    // The preview draws the same word, through the same compositor.
    let mut preview = Compositor::new(".");
    let picture = preview
        .frame_at(&project, Time::from_millis(750), SIZE)
        .unwrap();
    let half = (picture.width * picture.height / 2 * 4) as usize;
    let previewed = pixels_like(&picture.data[half..], picture.width, yellow);
    assert!(
        (previewed.1 - seen[1].0 .1).abs() < 4.0,
        "{previewed:?} {summary}"
    );
}

/// A white title "AB CD" over black, 2 s, whose letters or words enter over `entrance`.
fn entering_title(kind: EntranceKind, entrance: Time) -> Project {
    title_over_black(2, "AB CD", flat_style(250.0), |clip| {
        if let ClipContent::Text { entrance: e, .. } = &mut clip.content {
            *e = entering(kind, entrance);
        }
    })
}

/// Letters or words that enter as `kind` says over `duration`.
fn entering(kind: EntranceKind, duration: Time) -> TextEntrance {
    TextEntrance { kind, duration }
}

/// White pixels of frame `frame` in the export `file` and in the preview of `project`,
/// as `(left half, right half)` counts each.
fn white_halves(file: &Path, project: &Project, frame: u32) -> ((usize, usize), (usize, usize)) {
    let halves = |rgba: &[u8], width: u32| {
        let all = pixels_like(rgba, width, WHITE).0;
        let right = white_from(rgba, width, width / 2);
        (all - right, right)
    };
    let (w, _, rgba) = common::ffmpeg_rgba(file, frame);
    let t = Time::from_frame(i64::from(frame), Rational::FPS_30);
    let picture = Compositor::new(".").frame_at(project, t, SIZE).unwrap();
    (halves(&rgba, w), halves(&picture.data, picture.width))
}

const WHITE: [u8; 3] = [255, 255, 255];

/// White pixels as [`white_halves`] counts them: `(left, right)` exported, previewed.
type Halves = ((usize, usize), (usize, usize));

/// Exports `typed` and `plain` (the same text without its entrance) and counts their
/// white halves: `typed` at each of `frames`, `plain` at the last of them.
fn typed_and_plain(typed: &Project, plain: &Project, frames: [u32; 4]) -> (Vec<Halves>, Halves) {
    let dir = tempfile::tempdir().unwrap();
    let (typed_out, plain_out) = (dir.path().join("typed.mp4"), dir.path().join("plain.mp4"));
    export(typed.clone(), &typed_out);
    export(plain.clone(), &plain_out);
    let seen = frames
        .iter()
        .map(|&f| white_halves(&typed_out, typed, f))
        .collect();
    (seen, white_halves(&plain_out, plain, frames[3]))
}

/// The checks of a typewriter entrance sampled at four frames, the last after all is
/// typed: more letters at each of the first three in export and preview, the first at
/// once, the last drawn as the `plain` text; export and preview alike throughout.
fn assert_types_then_matches_plain(seen: &[Halves], plain_seen: Halves, summary: &str) {
    let total = |h: (usize, usize)| h.0 + h.1;
    for pair in seen[..3].windows(2) {
        assert!(total(pair[0].0) + 100 < total(pair[1].0), "{summary}");
        assert!(total(pair[0].1) + 100 < total(pair[1].1), "{summary}");
    }
    assert!(
        total(seen[0].0) > 100,
        "the first letter shows at once: {summary}"
    );
    // Once typed, the text is drawn as the plain one: the same pixels in the preview,
    // the same within the encoder's noise in the export.
    assert_eq!(seen[3].1, plain_seen.1, "{summary}");
    assert!(
        total(seen[3].0).abs_diff(total(plain_seen.0)) < 40,
        "{summary}"
    );
    assert_export_is_the_preview(seen, summary);
}

/// The same number of white pixels, within 200, exported as previewed at each sample.
fn assert_export_is_the_preview(seen: &[Halves], summary: &str) {
    for (exported, previewed) in seen {
        let diff = (exported.0 + exported.1).abs_diff(previewed.0 + previewed.1);
        assert!(diff < 200, "{summary}");
    }
}

#[test]
fn a_typewriter_title_shows_more_letters_at_each_sampled_time_then_all_of_them() {
    let typed = entering_title(EntranceKind::Typewriter, Time::from_secs(1));
    let plain = entering_title(EntranceKind::None, Time::from_secs(1));
    // Four letters, one every quarter second: 0.1 s shows one, 0.4 s two, 0.8 s four.
    let (seen, plain_seen) = typed_and_plain(&typed, &plain, [3, 12, 24, 45]);
    let summary =
        format!("typed ((left, right) exported, previewed): {seen:?}, plain {plain_seen:?}");
    eprintln!("{summary}");
    assert_types_then_matches_plain(&seen, plain_seen, &summary);
}

#[test]
fn a_popping_title_shows_its_left_word_before_its_right_word() {
    let dir = tempfile::tempdir().unwrap();
    let popped = entering_title(EntranceKind::Pop, Time::from_secs(1));
    let out = dir.path().join("pop.mp4");
    export(popped.clone(), &out);
    // The first word pops over 0–0.5 s, the second over 0.5–1 s.
    let seen: Vec<_> = [1u32, 14, 45]
        .iter()
        .map(|&f| white_halves(&out, &popped, f))
        .collect();
    let summary = format!("pop ((left, right) exported, previewed) at 0.03, 0.47, 1.5 s: {seen:?}");
    eprintln!("{summary}");
    let (start, first, done) = (seen[0].0, seen[1].0, seen[2].0);
    assert!(start.0 + start.1 < 100, "nothing yet: {summary}");
    assert!(
        first.0 > 300 && first.1 < first.0 / 4,
        "left word only: {summary}"
    );
    assert!(done.1 > 300, "then the right word: {summary}");
    assert_export_is_the_preview(&seen, &summary);
}

/// A subtitle track of one cue, `text` from `start` to `end` with `words` (text, start,
/// end in milliseconds), in a white 150-pixel bold style without an outline whose
/// spoken word is `highlight` and whose letters or words enter as `entrance` says.
fn caption_project(
    (text, start, end): (&str, i64, i64),
    words: &[(&str, i64, i64)],
    highlight: Color,
    entrance: TextEntrance,
) -> Project {
    use clipwright::timeline::{CueId, SubtitleCue, WordTiming};
    let mut project = black_project(3);
    let mut cue = SubtitleCue::new(
        CueId(1),
        Time::from_millis(start),
        Time::from_millis(end),
        text,
    );
    cue.words = words
        .iter()
        .map(|&(w, a, b)| WordTiming {
            start: Time::from_millis(a),
            end: Time::from_millis(b),
            text: w.to_owned(),
        })
        .collect();
    cue.style = Some("Captions".into());
    let mut track = Track::new(TrackId(3), TrackKind::Subtitle, "en");
    track.cues.push(cue);
    project.tracks.push(track);
    let style = TextStyle {
        highlight_color: highlight,
        entrance,
        ..flat_style(150.0)
    };
    project.subtitle_styles.insert("Captions".into(), style);
    project
}

#[test]
fn a_typewriter_caption_types_from_its_cue_start_across_its_word_events() {
    let typed = entering(EntranceKind::Typewriter, Time::from_secs(1));
    // The cue starts at 0.5 s; its words cut it into events at 0.8 s, so the second
    // event must count the letters' turns from the cue's start, 0.3 s before its own.
    // The spoken word stays white: only the letters shown are counted.
    let cue = ("AB CD", 500, 2500);
    let words = [("AB", 500, 800), ("CD", 800, 2000)];
    let project = caption_project(cue, &words, Color::WHITE, typed);
    let plain = caption_project(cue, &words, Color::WHITE, TextEntrance::default());
    // A letter every quarter second from 0.5 s: 0.6 s shows one, 0.9 s two, 1.3 s all
    // four; at 2 s the caption is drawn as the plain one.
    let (seen, plain_seen) = typed_and_plain(&project, &plain, [18, 27, 39, 60]);
    let summary =
        format!("typed caption ((left, right) exported, previewed) at 0.6, 0.9, 1.3, 2 s: {seen:?}, plain {plain_seen:?}");
    eprintln!("{summary}");
    assert_types_then_matches_plain(&seen, plain_seen, &summary);
    let total = |h: (usize, usize)| h.0 + h.1;
    assert!(
        total(seen[2].0).abs_diff(total(plain_seen.0)) < 150,
        "{summary}"
    );
}

#[test]
fn a_popping_word_highlight_caption_still_colours_the_spoken_word() {
    let pop = entering(EntranceKind::Pop, Time::from_millis(900));
    let cue = ("AAA BBB CCC", 0, 3000);
    let words = [("AAA", 0, 1000), ("BBB", 1000, 2000), ("CCC", 2000, 3000)];
    let project = caption_project(cue, &words, Color::YELLOW, pop);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pop-words.mp4");
    export(project.clone(), &out);
    let yellow = [255, 221, 0];
    let mut preview = Compositor::new(".");
    // 0.5 s: AAA is in and spoken, BBB popping, CCC not yet there; then each word spoken.
    let seen: Vec<_> = [15u32, 45, 75]
        .iter()
        .map(|&f| {
            let t = Time::from_frame(i64::from(f), Rational::FPS_30);
            let picture = preview.frame_at(&project, t, SIZE).unwrap();
            let half = (picture.width * picture.height / 2 * 4) as usize;
            let previewed = pixels_like(&picture.data[half..], picture.width, yellow);
            let (w, _, rgba) = common::ffmpeg_rgba(&out, f);
            let last_word = (
                white_from(&rgba, w, 200),
                white_from(&picture.data, picture.width, 200),
            );
            (in_cue_area(&out, f, yellow), previewed, last_word)
        })
        .collect();
    let summary = format!(
        "(yellow exported, yellow previewed, white right of x 200 (exported, previewed)) \
         at 0.5, 1.5, 2.5 s: {seen:?}"
    );
    eprintln!("{summary}");
    for ((exported, previewed, _), x) in seen.iter().zip([100.0, 160.0, 220.0]) {
        assert!(exported.0 > 50 && previewed.0 > 50, "{summary}");
        assert!((exported.1 - x).abs() < 25.0, "{summary}");
        assert!((exported.1 - previewed.1).abs() < 4.0, "{summary}");
    }
    // The last word has not popped at 0.5 s, and has at 1.5 s (white on the right).
    let (before, after) = (seen[0].2, seen[1].2);
    assert!(before.0 < 20 && before.1 < 20, "{summary}");
    assert!(after.0 > 100 && after.1 > 100, "{summary}");
}

/// White pixels of `rgba` (`width` across) right of `x`.
fn white_from(rgba: &[u8], width: u32, x: u32) -> usize {
    let right: Vec<u8> = rgba
        .chunks_exact(4)
        .enumerate()
        .filter(|(i, _)| *i as u32 % width >= x)
        .flat_map(|(_, px)| px.to_vec())
        .collect();
    pixels_like(&right, width - x, WHITE).0
}

/// A white "HHHHHH" title over black for 1 s, placed by `set` on its transform.
fn placed_title(set: impl Fn(&mut Clip)) -> Project {
    title_over_black(1, "HHHHHH", flat_style(300.0), set)
}

/// `clip` with `property` at `value` all along.
fn set_still(clip: &mut Clip, property: clipwright::timeline::Property, value: f64) {
    use clipwright::timeline::{Interpolation, Keyframes};
    let keys = Keyframes::from_keys([(Time::ZERO, value, Interpolation::Linear)]);
    clip.animation.set_channel(property, keys);
}

/// White pixels of frame 15 of `project` exported and previewed: (count, mean x, count in
/// the lower half, count left of x 78) each.
fn white_spread(project: &Project, dir: &Path, name: &str) -> [(usize, f64, usize, usize); 2] {
    let out = dir.join(name);
    export(project.clone(), &out);
    let (w, h, rgba) = common::ffmpeg_rgba(&out, 15);
    let t = Time::from_frame(15, Rational::FPS_30);
    let picture = Compositor::new(".").frame_at(project, t, SIZE).unwrap();
    [(w, h, rgba), (picture.width, picture.height, picture.data)].map(|(w, h, rgba)| {
        let (count, mean_x) = pixels_like(&rgba, w, WHITE);
        let lower = pixels_like(&rgba[(w * h / 2 * 4) as usize..], w, WHITE).0;
        let left = count - white_from(&rgba, w, 78);
        (count, mean_x, lower, left)
    })
}

#[test]
fn a_cropped_title_shows_nothing_where_it_is_cropped_away() {
    use clipwright::timeline::Property;
    let dir = tempfile::tempdir().unwrap();
    let plain = white_spread(&placed_title(|_| {}), dir.path(), "plain.mp4");
    // Cropping the left half keeps the right half centred on the anchor, as for video:
    // what is left starts a quarter of the frame left of the middle (x 80 of 320).
    let cropped = placed_title(|clip| {
        set_still(clip, Property::CropLeft, 0.5);
    });
    let seen = white_spread(&cropped, dir.path(), "cropped.mp4");
    let summary =
        format!("(white, mean x, lower half, left of 78) plain {plain:?} cropped {seen:?}");
    eprintln!("{summary}");
    assert!(
        plain[0].3 > 100,
        "the whole title reaches left of x 78: {summary}"
    );
    for (count, _, _, left) in seen {
        assert_eq!(left, 0, "nothing left of the crop: {summary}");
        assert!(count > 300, "the rest shows: {summary}");
    }
}

#[test]
fn a_title_halved_about_its_top_left_anchor_stays_in_the_top_left_quarter() {
    use clipwright::timeline::Property;
    let dir = tempfile::tempdir().unwrap();
    let halved = placed_title(|clip| {
        for (property, value) in [
            (Property::AnchorX, 0.0),
            (Property::AnchorY, 0.0),
            (Property::PositionX, -0.5),
            (Property::PositionY, -0.5),
            (Property::Scale, 0.5),
        ] {
            set_still(clip, property, value);
        }
    });
    let seen = white_spread(&halved, dir.path(), "halved.mp4");
    let summary = format!("(white, mean x, lower half, left of 78) {seen:?}");
    eprintln!("{summary}");
    // The frame-sized picture, halved about its top-left corner kept at the frame's:
    // the title's centre lands at a quarter of the width (x 80), in the upper half.
    for (count, mean_x, lower, _) in seen {
        assert!(count > 100, "{summary}");
        assert!((mean_x - 80.0).abs() < 8.0, "{summary}");
        assert_eq!(lower, 0, "{summary}");
    }
}
