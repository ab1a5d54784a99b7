//! The timeline keeps its shape: every track header fits its row, the tracks scroll under
//! a fixed toolbar and ruler with a scrollbar when they do not fit, and subtitle cues are
//! moved and trimmed like clips, each drag one undo step. A finished recording lands where the
//! recorder panel says, never hidden under the clips already there.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::timeline::{CueId, Edit, SubtitleCue, Time, Track, TrackId, TrackKind};
use clipwright::ui::ClipwrightApp;
use common::app::{drag, harness_with_clips, step_until};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// Adds a subtitle track called `name` holding `cues` (start ms, end ms, text).
fn add_subtitle_track(
    harness: &mut Harness<'static, ClipwrightApp>,
    name: &str,
    cues: &[(i64, i64, &str)],
) -> TrackId {
    let editor = &mut harness.state_mut().editor;
    let id = editor.project.next_track_id();
    let mut track = Track::new(id, TrackKind::Subtitle, name);
    for &(start, end, text) in cues {
        let cue = SubtitleCue::new(
            CueId(editor.project.next_cue_id().0 + track.cues.len() as u64),
            Time::from_millis(start),
            Time::from_millis(end),
            text,
        );
        track.cues.push(cue);
    }
    let index = editor.project.tracks.len();
    editor.apply(Edit::AddTrack { index, track }).unwrap();
    harness.run_steps(2);
    id
}

/// The app with the two-second test clip (picture and sound) and `subtitle_tracks`
/// subtitle tracks, one cue each.
fn timeline_with_subtitles(subtitle_tracks: usize) -> Harness<'static, ClipwrightApp> {
    let file = common::fixture(&common::H264_AAC);
    let mut harness = harness_with_clips(&file, 1);
    for i in 0..subtitle_tracks {
        add_subtitle_track(
            &mut harness,
            &format!("Subtitles {}", i + 1),
            &[(200, 800, "Hello")],
        );
    }
    harness
}

fn wheel(harness: &mut Harness<'static, ClipwrightApp>, at: egui::Pos2, dy: f32) {
    harness.hover_at(at);
    harness.run_steps(1);
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, dy),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    });
    // egui spreads a wheel step over a few frames.
    harness.run_steps(20);
}

#[test]
fn every_track_header_holds_its_switches_inside_its_own_row() {
    let harness = timeline_with_subtitles(1);
    let names = ["Video 1 track", "Subtitles 1 track", "Audio 1 track"];
    let headers: Vec<egui::Rect> = names
        .iter()
        .map(|n| harness.get_by_label(n).rect())
        .collect();
    for pair in headers.windows(2) {
        assert!(
            pair[0].bottom() <= pair[1].top() + 0.5,
            "headers overlap: {headers:?}"
        );
    }
    // Every switch button lies wholly inside the header whose row it starts in.
    for label in ["M", "L", "H"] {
        for button in harness.get_all_by_label(label) {
            let r = button.rect();
            let Some(header) = headers.iter().find(|h| h.contains(r.center())) else {
                continue;
            };
            assert!(
                header.expand(0.5).contains_rect(r),
                "the {label} button {r:?} spills out of its header {header:?}"
            );
        }
    }
    // The subtitle track has a Lock and a Hide switch, both in its header.
    let sub = headers[1];
    let inside = |label: &str| {
        harness
            .get_all_by_label(label)
            .filter(|n| sub.contains_rect(n.rect()))
            .count()
    };
    assert_eq!((inside("L"), inside("H")), (1, 1));
}

#[test]
fn tracks_that_do_not_fit_scroll_under_a_fixed_toolbar_and_ruler() {
    let mut harness = timeline_with_subtitles(4);
    let timeline = harness.get_by_label("Timeline").rect();
    let fit = harness.get_by_label("Fit").rect();
    // The bottom track does not fit: it is out of sight and a scrollbar says so.
    assert!(
        harness.query_by_label("Audio 1 track").is_none()
            || harness.get_by_label("Audio 1 track").rect().bottom() > timeline.bottom() - 1.0,
        "the last track should start out of view"
    );
    let bar = harness.get_by_label("Scroll the tracks").rect();
    assert!(bar.height() > 40.0 && bar.right() <= timeline.right() + 0.5);
    let first_before = harness.get_by_label("Video 1 track").rect();

    // The wheel over the track names scrolls the tracks, not the toolbar or the ruler.
    wheel(&mut harness, first_before.center(), -400.0);
    assert_eq!(harness.get_by_label("Fit").rect(), fit);
    assert_eq!(harness.get_by_label("Timeline").rect(), timeline);
    let audio = harness.get_by_label("Audio 1 track").rect();
    assert!(
        audio.bottom() <= timeline.bottom() + 0.5 && audio.height() > 40.0,
        "after scrolling down the last track shows whole: {audio:?} in {timeline:?}"
    );
    let ruler_bottom = timeline.top() + 24.0;
    if let Some(video) = harness.query_by_label("Video 1 track") {
        assert!(
            video.rect().top() >= ruler_bottom - 0.5,
            "a track scrolled up hides under the ruler, never over it"
        );
    }

    // The wheel over the scrollbar scrolls the tracks too.
    let bar = harness.get_by_label("Scroll the tracks").rect();
    wheel(&mut harness, bar.center(), 400.0);
    assert_eq!(harness.get_by_label("Video 1 track").rect(), first_before);
    wheel(&mut harness, bar.center(), -400.0);
    assert!(harness.get_by_label("Audio 1 track").rect().bottom() <= timeline.bottom() + 0.5);

    // Dragging the scrollbar's thumb back to the top shows the first track again.
    let bar = harness.get_by_label("Scroll the tracks").rect();
    drag(
        &mut harness,
        egui::pos2(bar.center().x, bar.bottom() - 10.0),
        egui::pos2(bar.center().x, bar.top() - 200.0),
    );
    assert_eq!(harness.get_by_label("Video 1 track").rect(), first_before);
}

#[test]
fn dragging_a_cue_moves_it_in_one_undo_step_and_snaps_to_the_playhead() {
    let mut harness = timeline_with_subtitles(1);
    let track = harness.state().editor.project.tracks[2].id;
    let cue_of = |h: &Harness<'static, ClipwrightApp>| {
        h.state().editor.project.track(track).unwrap().cues[0].clone()
    };
    let before = cue_of(&harness);
    let steps = harness.state().editor.history.undo_len();
    let pps = harness.state().timeline_zoom();

    // Put the playhead at 1.2 s; the cue's start dragged to about 1.19 s sticks to it.
    harness.state_mut().editor.playhead = Time::from_millis(1200);
    harness.run_steps(2);
    let r = harness.get_by_label("Cue 1").rect();
    let start = egui::pos2(r.center().x, r.center().y);
    let dx = 0.99 * pps;
    drag(&mut harness, start, start + egui::vec2(dx, 0.0));
    let moved = cue_of(&harness);
    assert_eq!(
        moved.start,
        Time::from_millis(1200),
        "snapped to the playhead"
    );
    assert_eq!(moved.end - moved.start, before.end - before.start);
    assert_eq!(harness.state().editor.history.undo_len(), steps + 1);

    // Trimming its end out by about 0.3 s.
    let r = harness.get_by_label("Cue 1").rect();
    let edge = egui::pos2(r.right() - 2.0, r.center().y);
    drag(&mut harness, edge, edge + egui::vec2(0.3 * pps, 0.0));
    let trimmed = cue_of(&harness);
    assert_eq!(trimmed.start, moved.start);
    let grown = (trimmed.end - moved.end).as_secs_f64();
    assert!((grown - 0.3).abs() < 0.03, "grew by {grown} s");
    assert_eq!(harness.state().editor.history.undo_len(), steps + 2);

    // Each drag undoes in one step.
    harness.state_mut().editor.undo().unwrap();
    assert_eq!(cue_of(&harness), moved);
    harness.state_mut().editor.undo().unwrap();
    assert_eq!(cue_of(&harness), before);
}

/// The video clip made from the file at `path`, with the index of its track.
fn clip_of(app: &ClipwrightApp, path: &std::path::Path) -> (usize, Time) {
    let source = app
        .editor
        .project
        .sources
        .iter()
        .find(|s| s.path == path)
        .expect("the recording is in the media pool")
        .id;
    app.editor
        .project
        .tracks
        .iter()
        .enumerate()
        .find_map(|(i, t)| {
            let clip = t
                .clips
                .iter()
                .find(|c| t.kind == TrackKind::Video && c.source() == Some(source))?;
            Some((i, clip.start))
        })
        .expect("the recording is on a video track")
}

#[test]
fn a_finished_recording_lands_after_the_clips_or_above_them_at_the_playhead() {
    use clipwright::capture::into_project::Landing;

    let file = common::fixture(&common::H264_AAC);
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first.mp4"), dir.path().join("second.mp4"));
    std::fs::copy(&file, &first).unwrap();
    std::fs::copy(&file, &second).unwrap();
    let mut harness = harness_with_clips(&file, 2);
    let end = harness.state().editor.project.clips_duration();
    let (existing_track, _) = clip_of(harness.state(), &file);

    // The default: after everything, although the playhead is back at 0:00.
    harness.state_mut().editor.playhead = Time::ZERO;
    let ctx = harness.ctx.clone();
    harness.state_mut().open_recording(&ctx, first.clone());
    step_until(&mut harness, |app| app.editor.project.sources.len() == 2);
    assert_eq!(clip_of(harness.state(), &first), (existing_track, end));

    // At the playhead, over existing clips: on a track drawn above them.
    harness.state_mut().recorder.settings.landing = Landing::Playhead;
    harness.state_mut().editor.playhead = Time::from_millis(500);
    harness.state_mut().open_recording(&ctx, second.clone());
    step_until(&mut harness, |app| app.editor.project.sources.len() == 3);
    let (track, start) = clip_of(harness.state(), &second);
    assert_eq!(start, Time::from_millis(500));
    assert!(track > existing_track, "drawn over the clips already there");
    let linked = {
        let app = harness.state();
        let id = app.editor.selection.iter().next().copied().unwrap();
        app.editor.project.linked_clips(id).len()
    };
    assert_eq!(linked, 2, "picture and sound are linked");
}

#[test]
fn a_cue_dragged_onto_another_subtitle_track_moves_there_in_one_undo_step() {
    let mut harness = timeline_with_subtitles(2);
    let (first, second) = {
        let tracks = &harness.state().editor.project.tracks;
        (tracks[2].id, tracks[3].id)
    };
    let cue_ids = |h: &Harness<'static, ClipwrightApp>, track: TrackId| -> Vec<u64> {
        let track = h.state().editor.project.track(track).unwrap();
        track.cues.iter().map(|c| c.id.0).collect()
    };
    assert_eq!(cue_ids(&harness, first), [1]);
    assert_eq!(cue_ids(&harness, second), [2]);
    let steps = harness.state().editor.history.undo_len();
    let pps = harness.state().timeline_zoom();

    // Cue 1 taken down onto the second track's row and a second later.
    let from = harness.get_by_label("Cue 1").rect().center();
    let below = harness.get_by_label("Cue 2").rect().center();
    drag(&mut harness, from, egui::pos2(from.x + pps, below.y));
    assert_eq!(cue_ids(&harness, first), Vec::<u64>::new());
    assert_eq!(cue_ids(&harness, second), [2, 1]);
    let moved = harness.state().editor.project.track(second).unwrap().cues[1].clone();
    let start = moved.start.as_secs_f64();
    assert!((start - 1.2).abs() < 0.05, "starts at {start} s");
    assert_eq!(moved.text, "Hello");
    assert_eq!(harness.state().editor.history.undo_len(), steps + 1);

    // One undo puts it back where it was, on its own track.
    harness.state_mut().editor.undo().unwrap();
    assert_eq!(cue_ids(&harness, first), [1]);
    assert_eq!(cue_ids(&harness, second), [2]);
    let back = &harness.state().editor.project.track(first).unwrap().cues[0];
    assert_eq!(back.start, Time::from_millis(200));
}
