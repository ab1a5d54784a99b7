//! Text that moves and captions that follow the voice, exported and decoded again with
//! the `ffmpeg` CLI: where the text is, found by its colour.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use clipwright::export::{ExportJob, ExportSettings};
use clipwright::render::Compositor;
use clipwright::timeline::{
    animation_preset, Canvas, Clip, ClipContent, ClipId, Color, EntranceKind, Project, Rational,
    TextEntrance, TextStyle, Time, Track, TrackId, TrackKind,
};

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

fn export(project: Project, output: &Path) {
    let mut settings = ExportSettings::for_project(&project);
    settings.hardware = false;
    ExportJob {
        project: Arc::new(project),
        base_dir: ".".into(),
        output: output.to_owned(),
        settings,
    }
    .run(None, &Arc::new(AtomicBool::new(false)))
    .unwrap();
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

#[test]
fn a_text_clip_sliding_in_is_further_right_at_each_sampled_time_in_export_and_preview() {
    let mut project = black_project(3);
    let mut titles = Track::new(TrackId(2), TrackKind::Overlay, "titles");
    let style = TextStyle {
        font_size: 300.0,
        bold: true,
        color: Color::rgb(RED[0], RED[1], RED[2]),
        outline_width: 0.0,
        shadow_offset: 0.0,
        ..TextStyle::default()
    };
    let mut clip = Clip::text(ClipId(2), "HHH", style, Time::ZERO, Time::from_secs(3));
    let preset = animation_preset("Slide right in").unwrap();
    for (property, keys) in
        preset.keyframes_for(&clip.animation, clip.duration(), Time::from_secs(2))
    {
        clip.animation.set_channel(property, keys);
    }
    titles.clips.push(clip);
    project.tracks.push(titles);

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
    let mut project = black_project(2);
    let mut titles = Track::new(TrackId(2), TrackKind::Overlay, "titles");
    let style = TextStyle {
        font_size: 250.0,
        bold: true,
        outline_width: 0.0,
        shadow_offset: 0.0,
        ..TextStyle::default()
    };
    let mut clip = Clip::text(ClipId(2), "AB CD", style, Time::ZERO, Time::from_secs(2));
    if let ClipContent::Text { entrance: e, .. } = &mut clip.content {
        *e = TextEntrance {
            kind,
            duration: entrance,
        };
    }
    titles.clips.push(clip);
    project.tracks.push(titles);
    project
}

/// White pixels of frame `frame` in the export `file` and in the preview of `project`,
/// as `(left half, right half)` counts each.
fn white_halves(file: &Path, project: &Project, frame: u32) -> ((usize, usize), (usize, usize)) {
    let halves = |rgba: &[u8], width: u32| {
        let left: Vec<u8> = rgba
            .chunks_exact(4)
            .enumerate()
            .filter(|(i, _)| (*i as u32 % width) < width / 2)
            .flat_map(|(_, px)| px.to_vec())
            .collect();
        let all = pixels_like(rgba, width, WHITE).0;
        let left = pixels_like(&left, width / 2, WHITE).0;
        (left, all - left)
    };
    let (w, _, rgba) = common::ffmpeg_rgba(file, frame);
    let t = Time::from_frame(i64::from(frame), Rational::FPS_30);
    let picture = Compositor::new(".").frame_at(project, t, SIZE).unwrap();
    (halves(&rgba, w), halves(&picture.data, picture.width))
}

const WHITE: [u8; 3] = [255, 255, 255];

#[test]
fn a_typewriter_title_shows_more_letters_at_each_sampled_time_then_all_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let typed = entering_title(EntranceKind::Typewriter, Time::from_secs(1));
    let plain = entering_title(EntranceKind::None, Time::from_secs(1));
    let (typed_out, plain_out) = (dir.path().join("typed.mp4"), dir.path().join("plain.mp4"));
    export(typed.clone(), &typed_out);
    export(plain.clone(), &plain_out);
    // Four letters, one every quarter second: 0.1 s shows one, 0.4 s two, 0.8 s four.
    let seen: Vec<_> = [3u32, 12, 24, 45]
        .iter()
        .map(|&f| white_halves(&typed_out, &typed, f))
        .collect();
    let plain_seen = white_halves(&plain_out, &plain, 45);
    let summary =
        format!("typed ((left, right) exported, previewed): {seen:?}, plain {plain_seen:?}");
    eprintln!("{summary}");
    let total = |h: (usize, usize)| h.0 + h.1;
    for pair in seen[..3].windows(2) {
        assert!(total(pair[0].0) + 100 < total(pair[1].0), "{summary}");
        assert!(total(pair[0].1) + 100 < total(pair[1].1), "{summary}");
    }
    assert!(
        total(seen[0].0) > 100,
        "the first letter shows at once: {summary}"
    );
    // Once typed, the title is drawn as the plain one: the same pixels in the preview,
    // the same within the encoder's noise in the export.
    assert_eq!(seen[3].1, plain_seen.1, "{summary}");
    assert!(
        total(seen[3].0).abs_diff(total(plain_seen.0)) < 40,
        "{summary}"
    );
    for (exported, previewed) in &seen {
        assert!(
            total(*exported).abs_diff(total(*previewed)) < 200,
            "{summary}"
        );
    }
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
    for (exported, previewed) in &seen {
        let diff = (exported.0 + exported.1).abs_diff(previewed.0 + previewed.1);
        assert!(diff < 200, "{summary}");
    }
}
