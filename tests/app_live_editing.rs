//! Editing the part of a recording already on disk while it goes on, in the app, as a
//! finished recording is edited: the test pattern is recorded from the recorder panel
//! with the sound server's sound. While it records, what has been said so far is
//! transcribed; the growing clip gets twice the speed,
//! opacity keyframes and a subtitle typed in the panel; and a highlight exported from it
//! holds every other frame of the recording, the subtitle burned in where it was typed,
//! and nothing where the keyframes fade the clip out. A split made meanwhile and undone
//! leaves a clip that keeps growing.
//!
//! The transcription goes through the app's speech route with a model that hears set
//! words at set times (as far as the sound it is given lasts), not the real one: spoken
//! into the test sound server under load, only the first second of a sentence reached
//! the recording, so what the real model heard said nothing about the recorded part.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use clipwright::capture::draw_pattern;
use clipwright::subtitles::transcribe::FakeSpeech;
use clipwright::timeline::transform::Property;
use clipwright::timeline::{ClipId, Edit, Interpolation, Time, TrackKind};
use clipwright::ui::ClipwrightApp;
use common::app::{
    assert_frames_match, export_span, harness_with, lowercase_text, record_test_pattern,
    source_length, step_until_slow, subtitle_tracks, wait_for_transcript,
};
use common::desktop::Desktop;
use common::recording::{frame_bgra, pattern_counters};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// The recorder panel's test pattern is this big.
const PATTERN: (u32, u32) = (1280, 720);

/// The video clip on the timeline (the last, if split).
fn video_clip(app: &ClipwrightApp) -> ClipId {
    app.editor
        .project
        .clips()
        .filter(|(t, _)| t.kind == TrackKind::Video)
        .max_by_key(|(_, c)| c.start)
        .map(|(_, c)| c.id)
        .unwrap()
}

/// The end of the timeline's video.
fn timeline_end(app: &ClipwrightApp) -> Time {
    app.editor.project.clips_duration()
}

/// Transcribes the whole timeline from the Subtitles tab.
fn transcribe(harness: &mut Harness<'static, ClipwrightApp>) {
    harness.get_by_label("Subtitles").click();
    harness.run_steps(2);
    harness.get_by_label("Transcribe…").click();
    harness.run_steps(2);
    assert!(harness.state().subtitles_whole_timeline());
    harness.get_by_label("Start transcribing").click();
    harness.run_steps(2);
}

/// Types `text` as a new subtitle on a new track at `at`.
fn type_subtitle(harness: &mut Harness<'static, ClipwrightApp>, at: Time, text: &str) {
    harness.state_mut().editor.playhead = at;
    harness.get_by_label("New track").click();
    harness.run_steps(2);
    harness.get_by_label("Add at playhead").click();
    harness.run_steps(2);
    harness.get_all_by_label("Text").last().unwrap().focus();
    harness.run_steps(1);
    harness
        .get_all_by_label("Text")
        .last()
        .unwrap()
        .type_text(text);
    harness.run_steps(2);
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
}

/// Pixels of the lower middle of `frame` (BGRA, the pattern's size) that differ
/// strongly from the test pattern's own picture number `n`.
fn marked_pixels(frame: &[u8], n: u32) -> usize {
    let (w, h) = PATTERN;
    let drawn = draw_pattern(w, h, n);
    let mut count = 0;
    for y in h * 2 / 3..h {
        for x in w / 4..w * 3 / 4 {
            let at = ((y * w + x) * 4) as usize;
            let off = (0..3)
                .map(|c| {
                    frame[at + c]
                        .abs_diff(drawn.data[y as usize * drawn.stride + x as usize * 4 + c])
                })
                .max()
                .unwrap();
            count += usize::from(off > 100);
        }
    }
    count
}

#[test]
fn speed_keyframes_a_typed_subtitle_and_transcription_work_on_the_part_already_recorded() {
    let desktop = Desktop::start();
    let _pulse = desktop.pulse();
    // The recorder hears this desktop's sound server (the only test in this binary).
    std::env::set_var("XDG_RUNTIME_DIR", desktop.runtime_dir.path());
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_with(None);
    let app = harness.state_mut();
    // Words said 1 s and 2 s in, and one 10 minutes in: not recorded when transcribed.
    app.set_speech_model(Arc::new(FakeSpeech::hearing(
        "en",
        &[
            ("hello", 1000, 1400),
            ("stream", 2000, 2500),
            ("later", 600_000, 600_400),
        ],
    )));
    app.recorder.recordings_dir = dir.path().join("recordings");
    app.recorder.settings.hide_while_recording = false;
    record_test_pattern(&mut harness);
    step_until_slow(&mut harness, "the recording never reached 5 s", |app| {
        source_length(app).is_some_and(|d| d >= Time::from_secs(5))
    });
    let file = harness.state().live_recording().unwrap().to_owned();
    assert!(
        harness.state().editor.project.sources[0]
            .info
            .audio
            .is_some(),
        "recorded with its sound"
    );

    // What has been said so far, transcribed while the recording goes on.
    let said_until = timeline_end(harness.state());
    transcribe(&mut harness);
    let transcript = wait_for_transcript(&mut harness);
    assert!(harness.state().recorder.is_recording(), "still recording");
    let heard = lowercase_text(&transcript.cues);
    assert_eq!(heard, "hello stream", "what was said so far, no more");
    for cue in &transcript.cues {
        assert!(
            cue.start >= Time::ZERO && cue.end <= said_until,
            "a cue at {:?}..{:?} outside the {said_until:?} recorded when asked",
            cue.start,
            cue.end
        );
    }
    // Taken back, so the highlight below shows only the subtitle typed.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert!(subtitle_tracks(harness.state()).is_empty());

    // A split at 1 s, undone: the whole clip is back and grows on.
    let app = harness.state_mut();
    app.editor.playhead = Time::from_secs(1);
    app.editor.selection = app.editor.project.clips().map(|(_, c)| c.id).collect();
    app.editor.split_at_playhead().unwrap();
    let split_at = source_length(harness.state()).unwrap();
    step_until_slow(&mut harness, "the recording stopped growing", |app| {
        source_length(app).is_some_and(|d| d > split_at)
    });
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(
        harness.state().editor.project.clips().count(),
        2,
        "one clip a track"
    );
    let undone_at = source_length(harness.state()).unwrap();
    step_until_slow(&mut harness, "the restored clip never grew", |app| {
        source_length(app).is_some_and(|d| d > undone_at)
    });
    assert_eq!(
        timeline_end(harness.state()),
        source_length(harness.state()).unwrap()
    );

    // Twice the speed; visible until 1 s of timeline, then faded out.
    let app = harness.state_mut();
    let video = video_clip(app);
    let speed = clipwright::timeline::speed::Speed::constant(
        clipwright::timeline::speed::SpeedFactor::from_f64(2.0).unwrap(),
    );
    let edits = vec![
        Edit::SetSpeed {
            clip: video,
            speed,
            ripple: false,
        },
        Edit::SetKeyframe {
            clip: video,
            property: Property::Opacity,
            time: Time::ZERO,
            value: 1.0,
            interpolation: Interpolation::Hold,
        },
        Edit::SetKeyframe {
            clip: video,
            property: Property::Opacity,
            time: Time::from_secs(1),
            value: 0.0,
            interpolation: Interpolation::Hold,
        },
    ];
    for edit in edits {
        app.editor.apply(edit).unwrap();
    }
    type_subtitle(&mut harness, Time::from_millis(300), "LIVE");
    let cue = subtitle_tracks(harness.state())[0].cues[0].clone();
    assert_eq!(cue.start, Time::from_millis(300));
    let grown_from = timeline_end(harness.state());
    step_until_slow(&mut harness, "the sped-up clip never grew", |app| {
        timeline_end(app) > grown_from && timeline_end(app) >= Time::from_secs(2)
    });

    let highlight = dir.path().join("highlight.mp4");
    let frames = export_span(&mut harness, &highlight, Time::ZERO, Time::from_secs(2));
    assert_eq!(frames, 60);
    assert!(
        harness.state().recorder.is_recording(),
        "exported while recording"
    );

    harness.get_by_label("■ Stop").click();
    step_until_slow(&mut harness, "the recording never finished", |app| {
        app.recorder.is_idle() && app.live_recording().is_none()
    });

    // Every other frame of the recording for the first second (twice the speed)…
    let recorded = pattern_counters(&file, PATTERN.0);
    let exported = pattern_counters(&highlight, PATTERN.0);
    let expected: Vec<u32> = (0..30).map(|i| recorded[2 * i]).collect();
    assert_frames_match(
        &exported[..30],
        &expected,
        "the first second at twice the speed",
    );
    // …the typed subtitle burned in while it shows, not before…
    let frame_at = |i: u32| {
        frame_bgra(
            &highlight,
            &format!("{:.3}", (f64::from(i) + 0.5) / 30.0),
            PATTERN.0,
            PATTERN.1,
        )
    };
    let before = marked_pixels(&frame_at(3), exported[3]);
    let during = marked_pixels(&frame_at(18), exported[18]);
    eprintln!("pixels off the pattern: {before} before the cue, {during} with it");
    assert!(
        during > 500 && during > before * 5,
        "{before} before, {during} with the cue"
    );
    // …and faded out from 1 s on by the keyframes.
    for i in [33, 45, 58] {
        let frame = frame_at(i);
        let colour: Vec<u64> = frame
            .chunks_exact(4)
            .flat_map(|px| px[..3].iter().map(|&v| u64::from(v)))
            .collect();
        let mean = colour.iter().sum::<u64>() / colour.len() as u64;
        assert!(mean < 8, "frame {i} should be black: mean {mean}");
    }
}
