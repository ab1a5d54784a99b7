//! Dragging the playhead along the ruler over a video with no preview proxy: the preview
//! shows a keyframe stand-in while the pointer moves, and the exact frame at the playhead
//! once the pointer rests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use clipwright::timeline::Time;
use clipwright::ui::ClipwrightApp;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// Steps the UI every few milliseconds until `done` holds; every stand-in seen meanwhile
/// (the playhead time it stood in for, and the playhead then).
fn watch(
    harness: &mut Harness<'_, ClipwrightApp>,
    done: impl Fn(&ClipwrightApp) -> bool,
) -> Vec<(Time, Time)> {
    let start = Instant::now();
    let mut stand_ins = Vec::new();
    while !done(harness.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the preview never got there"
        );
        harness.step();
        let app = harness.state();
        if let Some(t) = app.preview_stand_in() {
            stand_ins.push((t, app.editor.playhead));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    stand_ins
}

#[test]
fn dragging_the_playhead_over_an_original_shows_keyframes_then_the_exact_frame_where_it_rests() {
    let dir = tempfile::tempdir().unwrap();
    let video = common::long_gop_video(dir.path());
    let mut harness = common::app::harness_with_clips(&video, 1);
    assert!(clipwright::media::wait_prepared(
        &video,
        Duration::from_secs(60)
    ));
    watch(&mut harness, ClipwrightApp::preview_settled);

    let clip = harness.get_by_label("Clip 1: long_gop.mp4").rect();
    let ruler_y = harness.get_by_label("Timeline").rect().top() + 12.0;
    let at = |fraction: f32| egui::pos2(clip.left() + clip.width() * fraction, ruler_y);
    harness.hover_at(at(0.05));
    harness.run_steps(1);
    harness.drag_at(at(0.05));
    harness.run_steps(1);
    let mut stand_ins = Vec::new();
    let mut playheads = Vec::new();
    // Across the first GOP into the second, a new playhead each frame of the UI.
    for i in 1..=8 {
        harness.hover_at(at(0.05 + 0.1 * i as f32));
        harness.step();
        let app = harness.state();
        playheads.push(app.editor.playhead);
        stand_ins.extend(app.preview_stand_in().map(|t| (t, app.editor.playhead)));
        std::thread::sleep(Duration::from_millis(16));
    }
    let rest = harness.state().editor.playhead;
    let last_gop = Time(
        common::LONG_GOP * Time::frame_duration(clipwright::timeline::Rational::FPS_30).flicks(),
    );
    assert!(rest > last_gop, "the drag ends in the second GOP: {rest}");
    // The pointer rests (still pressed): the stand-in, then the exact frame.
    stand_ins.extend(watch(&mut harness, |app| {
        app.preview_shown() == Some(app.editor.playhead)
    }));
    harness.drop_at(at(0.85));
    harness.run_steps(2);

    assert!(
        stand_ins
            .iter()
            .any(|&(t, playhead)| t == rest && playhead == rest),
        "a keyframe stood in for the frame where the pointer rests first: {stand_ins:?}"
    );
    assert!(
        stand_ins.iter().all(|(t, _)| playheads.contains(t)),
        "stand-ins only for where the playhead was"
    );
    let app = harness.state();
    assert_eq!(app.editor.playhead, rest);
    assert_eq!(
        app.preview_shown(),
        Some(rest),
        "the exact frame is on screen"
    );
    assert_eq!(
        app.preview_stand_in(),
        None,
        "no stand-in is left on screen"
    );
}
