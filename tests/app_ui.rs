//! The app's first screen driven through `egui_kittest`: open a file, see its probe.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use clipwright::ui::{ClipwrightApp, NoDialogs};
use common::app::{
    add_clips, app_in, app_with_fixture_open, assert_one_step_then_undo, choose_export_output,
    click_each, distinct_colours, drag, harness_with, harness_with_clips, open_media,
    record_test_pattern, record_until, save_with_ctrl_s, step_until, stop_recording, temp_file,
};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

#[test]
fn opening_a_file_shows_its_streams() {
    let file = common::fixture(&common::H264_AAC);
    let mut harness = harness_with(Some(file.clone()));
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| {
        app.selected_item().is_some_and(|i| i.probe.is_some())
    });

    let app = harness.state();
    assert_eq!(app.items.len(), 1);
    assert_eq!(app.items[0].path, file);
    harness.get_by_label("Video · stream 0 · h264");
    harness.get_by_label("Audio · stream 1 · aac");
    harness.get_by_label("320 × 240");
    harness.get_by_label("48000 Hz");
    harness.get_by_label("Add to timeline");
    // The preview, thumbnails and waveform are drawn on workers; wait for all of them so
    // the picture is stable.
    step_until(&mut harness, |app| {
        app.preview_settled() && app.media_pictures_ready().1 == 1 && !app.media_pictures_busy()
    });
    // The fixture's folder differs between machines; hide that line (it never wraps)
    // across the whole media bin, which ends where the preview's Play button begins.
    let path_rect = harness.get_by_label(&file.display().to_string()).rect();
    let play = harness.get_by_label("▶ Play").rect();
    harness.mask(egui::Rect::from_min_max(
        path_rect.min,
        egui::pos2(play.left() - 4.0, path_rect.max.y),
    ));
    // The picture in the preview is compared by colour in tests/app_preview.rs; here its
    // last stretch of sharpening on a busy machine would make the snapshot flaky.
    let preview = harness.get_by_label("Preview").rect();
    harness.mask(preview);
    // A few anti-aliased pixels (a separator's edge, the combo's arrow) differ between a
    // quiet run and the loaded full suite; a changed layout differs in thousands.
    harness.snapshot_options(
        "opened_h264_aac",
        &egui_kittest::SnapshotOptions::new().max_failed_pixels(64),
    );
}

#[test]
fn a_broken_file_shows_its_error_instead_of_streams() {
    let file = common::bad("garbage.mp4");
    let mut harness = harness_with(Some(file));
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| {
        app.selected_item().is_some_and(|i| i.probe.is_some())
    });
    // Shown in the media panel and as a toast.
    assert!(harness
        .get_all_by_label_contains("not a media file")
        .all(|n| n.rect().width() > 0.0));
    assert!(harness.query_by_label_contains("stream 0").is_none());
}

#[test]
fn cancelling_the_dialog_changes_nothing() {
    let mut harness = harness_with(None);
    harness.get_by_label("Open media…").click();
    harness.run_steps(5);
    std::thread::sleep(Duration::from_millis(100));
    harness.run_steps(5);
    assert!(harness.state().items.is_empty());
    harness.get_by_label("Drop a video, audio or image file here");
}

/// A file dropped on the window, as the winit backend would report it.
#[derive(Debug)]
struct DroppedPath(std::path::PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_file_on_the_window_opens_it() {
    let file = common::fixture(&common::VP9_OPUS);
    let mut harness = harness_with(None);
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(file.clone())));
    step_until(&mut harness, |app| {
        app.selected_item().is_some_and(|i| i.probe.is_some())
    });
    assert_eq!(harness.state().items[0].path, file);
    harness.get_by_label("Video · stream 0 · vp9");
}

#[test]
fn an_opened_recording_lands_on_the_timeline_with_its_sound_linked() {
    let harness = app_with_fixture_open(NoDialogs::default());
    let project = &harness.state().editor.project;
    let video = &project.tracks[0].clips[0];
    assert_eq!(video.duration(), clipwright::timeline::Time::from_secs(2));
    assert_eq!(project.linked_clips(video.id).len(), 2);
    assert_eq!(project.sources.len(), 1);
}

#[test]
fn s_splits_at_the_playhead_and_ctrl_z_undoes_it() {
    use clipwright::timeline::Time;
    let mut harness = app_with_fixture_open(NoDialogs::default());
    harness.state_mut().editor.playhead = Time::from_secs(1);
    harness.state_mut().editor.selection.clear();
    harness.key_press(egui::Key::S);
    harness.run_steps(2);
    let clips = |h: &Harness<'_, ClipwrightApp>| h.state().editor.project.tracks[0].clips.len();
    assert_eq!(clips(&harness), 2, "S split the video clip");
    assert_eq!(
        harness.state().editor.project.tracks[1].clips.len(),
        2,
        "and its sound"
    );

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(clips(&harness), 1, "Ctrl+Z undid the split");
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    harness.run_steps(2);
    assert_eq!(clips(&harness), 2, "Ctrl+Shift+Z redid it");
}

#[test]
fn saving_and_reopening_a_project_through_the_menu_keeps_the_timeline() {
    let (_dir, project_path) = temp_file("stream.clipwright");
    let mut harness = app_with_fixture_open(NoDialogs {
        open_project: Some(project_path.clone()),
        save_project: Some(project_path.clone()),
        ..Default::default()
    });
    save_with_ctrl_s(&mut harness);
    assert!(project_path.exists());
    let saved = harness.state().editor.project.clone();

    harness.state_mut().editor = clipwright::session::Editor::new();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    step_until(&mut harness, |app| app.editor.path.is_some());
    assert_eq!(harness.state().editor.project, saved);
}

#[test]
fn unsaved_work_is_offered_back_after_a_crash() {
    let data_dir = tempfile::tempdir().unwrap();
    let build = |media: Option<std::path::PathBuf>| {
        let dialogs = NoDialogs {
            media,
            ..Default::default()
        };
        app_in(dialogs, data_dir.path().to_owned(), None)
    };

    // First run: add a clip, let the autosave happen, then "crash" (drop without saving).
    let mut first = build(Some(common::fixture(&common::H264_AAC)));
    assert!(first.state().recovery.is_none());
    open_media(&mut first, 2);
    let ctx = first.ctx.clone();
    first.state_mut().autosave_now(&ctx);
    step_until(&mut first, |app| !app.autosave_in_flight());
    let edited = first.state().editor.project.clone();
    drop(first);

    // Second run: the prompt offers the work back and restoring brings it.
    let mut second = build(None);
    assert!(second.state().recovery.is_some());
    second.run_steps(2);
    second.get_by_label("Recover unsaved work?");
    second.get_by_label("Restore").click();
    second.run_steps(3);
    assert!(second.state().recovery.is_none());
    assert_eq!(second.state().editor.project, edited);
    assert!(
        second.state().editor.dirty,
        "restored work still needs saving"
    );

    // Third run: nothing left to offer once the work was restored and saved… or discarded.
    let mut third = build(None);
    assert!(
        third.state().recovery.is_some(),
        "restored but unsaved: still offered"
    );
    third.run_steps(2);
    third.get_by_label("Discard").click();
    third.run_steps(2);
    let fourth = build(None);
    assert!(fourth.state().recovery.is_none());
}

#[test]
fn exporting_through_the_dialog_writes_the_timeline_to_a_file() {
    use clipwright::timeline::{Canvas, Edit, Time};
    let (_dir, out) = temp_file("clip.mp4");
    let mut harness = app_with_fixture_open(NoDialogs {
        save_export: Some(out.clone()),
        ..Default::default()
    });
    // A small canvas keeps the export quick.
    let canvas = Canvas {
        width: 320,
        height: 240,
        ..Default::default()
    };
    harness
        .state_mut()
        .editor
        .apply(Edit::SetCanvas { canvas })
        .unwrap();

    choose_export_output(&mut harness, None, &out);
    harness.get_by_label("Start export").click();
    step_until(&mut harness, |app| app.export.outcome.is_some());
    match &harness.state().export.outcome {
        Some(clipwright::ui::Outcome::Finished(summary)) => assert_eq!(summary.path, out),
        other => panic!("export did not finish: {other:?}"),
    }
    let report = clipwright::media::probe(&out).unwrap();
    let (stream, video) = report.video().unwrap();
    assert_eq!(stream.codec, "h264");
    assert_eq!((video.width, video.height), (320, 240));
    assert_eq!(report.audio().unwrap().0.codec, "aac");
    let info = report.source_info();
    assert!((info.duration - Time::from_secs(2)).flicks().abs() < Time::from_millis(100).flicks());
}

#[test]
fn recording_the_test_pattern_lands_in_the_editor() {
    let mut harness = harness_with(None);
    record_test_pattern(&mut harness);
    record_until(&mut harness, clipwright::timeline::Time::from_millis(1500));
    stop_recording(&mut harness);

    let project = &harness.state().editor.project;
    assert_eq!(project.clips().count(), 1);
    let source = &project.sources[0];
    // Named by the local date and time: "Recording 2026-12-06 14-03-22.mp4".
    let name = source
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let stamp = name
        .strip_prefix("Recording ")
        .and_then(|n| n.strip_suffix(".mp4"))
        .unwrap_or_else(|| panic!("recording named {name}"));
    let today = jiff::Zoned::now().date().to_string();
    assert!(
        stamp.starts_with(&today[..7]),
        "{name} is not dated {today}"
    );
    assert_eq!(stamp.len(), "2026-12-06 14-03-22".len(), "{name}");
    let video = source.info.video.as_ref().unwrap();
    assert_eq!((video.width, video.height), (1280, 720));
    let secs = source.info.duration.as_secs_f64();
    assert!((1.5..4.0).contains(&secs), "recorded {secs} s");
    assert!(harness.state().recorder.is_idle());
}

#[test]
fn question_mark_shows_the_shortcut_sheet_and_the_history_lists_each_step() {
    let mut harness = app_with_fixture_open(NoDialogs::default());

    harness.event(egui::Event::Text("?".into()));
    harness.run_steps(2);
    harness.get_by_label("Split at the playhead");

    click_each(&mut harness, &["View", "Undo history"]);
    harness.get_by_label("1. Add h264_aac.mp4");
}

#[test]
fn shift_click_selects_several_clips_that_move_as_one_step_and_delete_together() {
    use clipwright::timeline::{ClipId, Time};
    let mut harness = harness_with_clips(&common::fixture(&common::H264_AAC), 3);
    let label = |id: u64| format!("Clip {id}: h264_aac.mp4");
    harness.get_by_label(&label(3)).click();
    harness.run_steps(1);
    harness
        .get_by_label(&label(5))
        .click_modifiers(egui::Modifiers::SHIFT);
    harness.run_steps(2);
    let selection: Vec<ClipId> = harness.state().editor.selection.iter().copied().collect();
    assert_eq!(selection, vec![ClipId(3), ClipId(5)]);

    let start = |h: &Harness<'_, ClipwrightApp>, id: u64| {
        h.state().editor.project.clip(ClipId(id)).unwrap().start
    };
    let steps = harness.state().editor.history.undo_len();
    let clip3 = harness.get_by_label(&label(3)).rect();
    let px_per_sec = clip3.width() / 2.0;
    drag(
        &mut harness,
        clip3.center(),
        clip3.center() + egui::vec2(px_per_sec, 0.0),
    );
    let moved = start(&harness, 3) - Time::from_secs(2);
    assert!(
        (Time::from_millis(800)..Time::from_millis(1200)).contains(&moved),
        "moved by {moved}"
    );
    assert_eq!(start(&harness, 5), Time::from_secs(4) + moved, "both moved");
    assert_eq!(
        start(&harness, 6),
        Time::from_secs(4) + moved,
        "with its sound"
    );
    assert_eq!(start(&harness, 1), Time::ZERO, "the unselected clip stayed");
    assert_one_step_then_undo(&mut harness, steps, "one step");
    assert_eq!(start(&harness, 3), Time::from_secs(2));
    assert_eq!(start(&harness, 5), Time::from_secs(4));

    // Undo keeps the selection; Delete removes every selected clip (and their sound).
    harness.key_press(egui::Key::Delete);
    harness.run_steps(2);
    let project = &harness.state().editor.project;
    assert_eq!(
        project.clips().count(),
        2,
        "only the first clip and its sound left"
    );
    assert!(project.clip(ClipId(1)).is_some());
}

#[test]
fn shift_z_and_the_fit_button_show_the_whole_project() {
    let file = common::fixture(&common::H264_AAC);
    let mut harness = harness_with(None);
    add_clips(&mut harness, &file, 1);
    harness.run_steps(2);
    let right = |h: &Harness<'_, ClipwrightApp>, label: &str| h.get_by_label(label).rect().right();
    let before = right(&harness, "Clip 1: h264_aac.mp4");
    assert!(before < 500.0, "the default zoom shows 2 s in {before} px");
    harness.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::Z);
    harness.run_steps(2);
    let fitted = right(&harness, "Clip 1: h264_aac.mp4");
    assert!(fitted > 900.0, "fitted to {fitted} px of 1000");

    add_clips(&mut harness, &file, 3);
    harness.run_steps(2);
    harness.get_by_label("Fit").click();
    harness.run_steps(2);
    let last = right(&harness, "Clip 7: h264_aac.mp4");
    assert!(
        (900.0..=1000.0).contains(&last),
        "four clips end at {last} px"
    );
}

#[test]
fn tracks_are_added_from_the_toolbar_and_removed_from_their_header() {
    let mut harness = harness_with(None);
    let tracks = |h: &Harness<'_, ClipwrightApp>| h.state().editor.project.tracks.len();
    assert_eq!(tracks(&harness), 2);
    click_each(&mut harness, &["Add track", "Overlay track"]);
    assert_eq!(tracks(&harness), 3);
    harness.get_by_label("Overlay 1").click_secondary();
    harness.run_steps(2);
    click_each(&mut harness, &["Remove track"]);
    assert_eq!(tracks(&harness), 2);
    assert!(harness.query_by_label("Overlay 1").is_none());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(tracks(&harness), 3, "undo brings the track back");
}

#[test]
fn clips_show_thumbnails_and_a_waveform_made_off_the_ui_thread() {
    let mut harness = app_with_fixture_open(NoDialogs::default());
    // Thumbnails for the timeline and the bin, and the sound's waveform.
    step_until(&mut harness, |app| {
        let (thumbs, waves) = app.media_pictures_ready();
        thumbs >= 2 && waves == 1
    });
    let image = harness.render().unwrap();
    let scale = image.width() as f32 / 1000.0;
    let pixels_in = |rect: egui::Rect| {
        let r = rect.shrink(6.0);
        let mut out = Vec::new();
        let mut y = r.top();
        while y < r.bottom() {
            let mut x = r.left();
            while x < r.right() {
                let p = image.get_pixel((x * scale) as u32, (y * scale) as u32);
                out.push([p[0], p[1], p[2]]);
                x += 3.0;
            }
            y += 3.0;
        }
        out
    };
    // The test picture's colour bars show in the video clip, not just its plain blue.
    let video = pixels_in(harness.get_by_label("Clip 1: h264_aac.mp4").rect());
    let colours = distinct_colours(video.iter().map(|p| p.map(|c| c / 32)));
    assert!(colours > 8, "only {colours} colours in the filmstrip");
    // The tone (at an eighth of full scale) draws a band around the audio clip's middle,
    // lighter than the clip's green, and leaves its top and bottom plain.
    let audio = harness.get_by_label("Clip 2: h264_aac.mp4").rect();
    let is_wave = |p: &[u8; 3]| p[0] > 110 && p[2] > 110;
    let middle =
        egui::Rect::from_center_size(audio.center(), egui::vec2(audio.width() - 40.0, 4.0));
    // (right of the clip's name)
    let top = egui::Rect::from_min_size(
        audio.left_top() + egui::vec2(120.0, 6.0),
        egui::vec2(audio.width() - 140.0, 4.0),
    );
    let middle = pixels_in(middle.expand(6.0));
    assert!(
        middle.iter().filter(|p| is_wave(p)).count() * 2 > middle.len(),
        "the waveform crosses the middle"
    );
    let top = pixels_in(top.expand(6.0));
    assert!(
        top.iter().all(|p| !is_wave(p)),
        "a quiet tone stays off the edges"
    );
}

#[test]
fn the_media_bin_gets_its_thumbnail_with_the_timeline_hidden() {
    let mut harness = harness_with(Some(common::fixture(&common::VIDEO_ONLY)));
    harness.state_mut().layout.timeline = false;
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| {
        app.editor.project.clips().count() == 1 && app.media_pictures_ready().0 == 1
    });
    assert!(!harness.state().media_pictures_busy());
}
