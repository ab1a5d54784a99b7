//! Edit while recording, in the app: the test pattern recorded from the recorder panel is
//! on the timeline while it records and grows with its file; a split made meanwhile
//! keeps its first part as cut while the part at the live edge grows on; a highlight
//! exported through the export dialog while the recording goes on holds the recording's
//! own frames; and when it stops, the clip takes in the end of the file without a second
//! copy of it. A replay saved from the panel's replay buffer lands in the media bin.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use clipwright::timeline::{Time, TrackKind};
use clipwright::ui::{ClipwrightApp, RecorderPanel};
use common::app::{
    assert_frames_match, export_span, harness_with, record_test_pattern_with, run_for,
    source_length, step_until_slow,
};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// The recorder panel's test pattern is this wide.
const PATTERN_WIDTH: u32 = 1280;

/// Ends of the video clips, in timeline order.
fn video_clip_spans(app: &ClipwrightApp) -> Vec<(Time, Time)> {
    let mut spans: Vec<(Time, Time)> = app
        .editor
        .project
        .clips()
        .filter(|(t, _)| t.kind == TrackKind::Video)
        .map(|(_, c)| (c.start, c.end()))
        .collect();
    spans.sort();
    spans
}

/// The app recording the test pattern into `dir/recordings`, its window left showing,
/// with the panel's other choices changed by `setup` first.
fn recording_the_pattern_into(
    dir: &Path,
    setup: impl FnOnce(&mut RecorderPanel),
) -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_with(None);
    record_test_pattern_with(&mut harness, |recorder| {
        recorder.recordings_dir = dir.join("recordings");
        recorder.settings.hide_while_recording = false;
        setup(recorder);
    });
    harness
}

#[test]
fn a_recording_grows_on_the_timeline_and_a_highlight_exports_while_it_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = recording_the_pattern_into(dir.path(), |_| {});

    // On the timeline while it records, and growing.
    step_until_slow(&mut harness, "the clip never appeared", |app| {
        app.editor.project.clips().count() >= 1
    });
    assert!(harness.state().recorder.is_recording(), "still recording");
    let file: PathBuf = harness.state().live_recording().unwrap().to_owned();
    let first = source_length(harness.state()).unwrap();
    assert!(first > Time::ZERO);
    assert!(
        harness.state().items.iter().any(|m| m.path == file),
        "in the media bin"
    );
    step_until_slow(&mut harness, "the clip never grew", |app| {
        source_length(app).is_some_and(|d| d >= Time::from_secs(3) && d > first)
    });
    assert!(harness.state().recorder.is_recording(), "still recording");
    let spans = video_clip_spans(harness.state());
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].1, source_length(harness.state()).unwrap());

    // Split at 1 s: the first part stays, the part at the live edge grows on.
    let app = harness.state_mut();
    app.editor.playhead = Time::from_secs(1);
    app.editor.selection = app.editor.project.clips().map(|(_, c)| c.id).collect();
    app.editor.split_at_playhead().unwrap();
    let grown_past = source_length(harness.state()).unwrap() + Time::from_secs(1);

    // A highlight of the part recorded, exported while the recording goes on.
    let highlight = dir.path().join("highlight.mp4");
    let frames = export_span(
        &mut harness,
        &highlight,
        Time::from_secs(1),
        Time::from_secs(2),
    );
    assert!(
        harness.state().recorder.is_recording(),
        "the export was done while recording"
    );
    assert_eq!(frames, 30, "1 s at 30 fps");

    step_until_slow(&mut harness, "the clip stopped growing", |app| {
        source_length(app).is_some_and(|d| d >= grown_past)
    });
    let spans = video_clip_spans(harness.state());
    assert_eq!(spans.len(), 2, "{spans:?}");
    assert_eq!(
        spans[0],
        (Time::ZERO, Time::from_secs(1)),
        "the first part stays"
    );
    assert_eq!(spans[1].1, source_length(harness.state()).unwrap());

    // Stopped: the end of the file comes in, in the same clip.
    harness.get_by_label("■ Stop").click();
    step_until_slow(&mut harness, "the recording never finished", |app| {
        app.recorder.is_idle() && app.live_recording().is_none()
    });
    run_for(&mut harness, 300);
    let app = harness.state();
    let probed = clipwright::media::probe(&file)
        .unwrap()
        .source_info()
        .duration;
    assert_eq!(app.editor.project.sources.len(), 1, "no second copy");
    assert_eq!(source_length(app), Some(probed), "the whole file");
    let spans = video_clip_spans(app);
    assert_eq!(spans.len(), 2, "no second clip: {spans:?}");
    assert_eq!(spans[1].1, probed);

    // The highlight holds the recording's frames from 1 s to 2 s.
    let recorded = common::recording::pattern_counters(&file, PATTERN_WIDTH);
    let exported = common::recording::pattern_counters(&highlight, PATTERN_WIDTH);
    assert_eq!(exported.len(), 30);
    let expected = &recorded[30..60];
    assert_frames_match(&exported, expected, "the highlight's frames");
}

#[test]
fn a_replay_saved_from_the_panel_lands_in_the_media_bin() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = recording_the_pattern_into(dir.path(), |recorder| {
        recorder.set_replay_buffer(true);
    });
    assert!(
        harness.state().live_recording().is_none(),
        "a replay buffer writes no file to follow"
    );
    run_for(&mut harness, 3000);
    harness.get_by_label("Save replay").click();
    step_until_slow(&mut harness, "the replay never reached the bin", |app| {
        app.items
            .iter()
            .any(|m| m.path.to_string_lossy().contains("Replay") && matches!(m.probe, Some(Ok(_))))
    });
    harness.get_by_label("■ Stop").click();
    step_until_slow(&mut harness, "the recording never stopped", |app| {
        app.recorder.is_idle()
    });
    run_for(&mut harness, 300);
    let app = harness.state();
    let replay = app
        .items
        .iter()
        .find(|m| m.path.to_string_lossy().contains("Replay"))
        .unwrap();
    let Some(Ok(report)) = &replay.probe else {
        panic!("probed: {:?}", replay.probe);
    };
    assert!(
        report.duration_us.unwrap() > 0,
        "pictures in it: {report:?}"
    );
    assert_eq!(
        app.editor.project.clips().count(),
        0,
        "in the bin, not on the timeline"
    );
}
