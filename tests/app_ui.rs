//! The app's first screen driven through `egui_kittest`: open a file, see its probe.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use clipwright::ui::{ClipwrightApp, NoDialogs};
use common::app::{app_in, drag, harness_answering, harness_with, harness_with_clips, step_until};
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
    let mut harness = harness_with(Some(common::fixture(&common::H264_AAC)));
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.editor.project.clips().count() == 2);
    let project = &harness.state().editor.project;
    let video = &project.tracks[0].clips[0];
    assert_eq!(video.duration(), clipwright::timeline::Time::from_secs(2));
    assert_eq!(project.linked_clips(video.id).len(), 2);
    assert_eq!(project.sources.len(), 1);
}

/// A 2 s video of one flat colour, `rgb`, made with the ffmpeg CLI.
fn flat_colour_video(rgb: [u8; 3]) -> std::path::PathBuf {
    let hex = format!("{:02X}{:02X}{:02X}", rgb[0], rgb[1], rgb[2]);
    let out = common::fixture_dir().join(format!("flat_{hex}.mp4"));
    if !out.exists() {
        let tmp = common::fixture_dir().join(format!("tmp-{}-flat_{hex}.mp4", std::process::id()));
        let status = std::process::Command::new("ffmpeg")
            .args([
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
            ])
            .arg(format!("color=c=0x{hex}:s=320x240:r=30:d=2"))
            .args([
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
            ])
            .arg(&tmp)
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::rename(&tmp, &out).unwrap();
    }
    out
}

/// The app with `file` on the timeline and its clip selected.
fn harness_with_selected_clip(
    file: &std::path::Path,
) -> (
    Harness<'static, ClipwrightApp>,
    clipwright::timeline::ClipId,
) {
    let info = clipwright::media::probe(file).unwrap().source_info();
    let mut harness = harness_with(None);
    let editor = &mut harness.state_mut().editor;
    let id = editor.add_media(file, info).unwrap();
    editor.selection.clear();
    editor.selection.insert(id);
    harness.run_steps(3);
    (harness, id)
}

/// Scrolls the inspector until the middle of the widget labelled `label` (with `role`, if
/// given) shows between the panel's tabs and the timeline below it.
fn scroll_into_view(
    harness: &mut Harness<'static, ClipwrightApp>,
    role: Option<egui::accesskit::Role>,
    label: &str,
) {
    let centre_y = |harness: &Harness<'static, ClipwrightApp>| {
        let node = match role {
            Some(role) => harness.get_by_role_and_label(role, label),
            None => harness.get_by_label(label),
        };
        node.rect().center().y
    };
    for _ in 0..30 {
        // A scroll glides over several frames: wait until the widget rests, or a click
        // meant for it lands on whatever glides under the pointer next.
        let mut y = centre_y(harness);
        for _ in 0..30 {
            harness.run_steps(1);
            let now = centre_y(harness);
            if now == y {
                break;
            }
            y = now;
        }
        let top = harness.get_by_label("Inspector").rect().bottom() + 4.0;
        let bottom = harness.get_by_label("Fit").rect().top() - 4.0;
        if (top..=bottom).contains(&y) {
            return;
        }
        let node = match role {
            Some(role) => harness.get_by_role_and_label(role, label),
            None => harness.get_by_label(label),
        };
        if y > bottom {
            node.scroll_down();
        } else {
            node.scroll_up();
        }
        harness.run_steps(2);
    }
    panic!("could not scroll {label} into view");
}

/// Scrolls the inspector to the widget labelled `label`, then clicks it.
fn click_in_view(harness: &mut Harness<'static, ClipwrightApp>, label: &str) {
    scroll_into_view(harness, None, label);
    harness.get_by_label(label).click();
    harness.run_steps(2);
}

#[test]
fn effects_set_in_the_inspector_change_the_clip_and_a_slider_drag_is_one_step() {
    use clipwright::timeline::{ChromaKey, ColorAdjust};
    use egui::accesskit::Role;
    let (mut harness, id) = harness_with_selected_clip(&common::fixture(&common::VIDEO_ONLY));
    let effects =
        |h: &Harness<'_, ClipwrightApp>| h.state().editor.project.clip(id).unwrap().effects.clone();
    click_in_view(&mut harness, "Chroma key");
    assert_eq!(effects(&harness).chroma_key, Some(ChromaKey::green()));
    click_in_view(&mut harness, "Colour");
    assert_eq!(effects(&harness).color, Some(ColorAdjust::default()));

    let steps = harness.state().editor.history.undo_len();
    scroll_into_view(&mut harness, Some(Role::Slider), "Saturation");
    let rail = harness
        .get_by_role_and_label(Role::Slider, "Saturation")
        .rect();
    let from = egui::pos2(rail.left() + rail.width() / 3.0, rail.center().y);
    drag(
        &mut harness,
        from,
        egui::pos2(rail.right() - 2.0, rail.center().y),
    );
    let saturation = effects(&harness).color.unwrap().saturation;
    assert!(saturation > 2.5, "dragged to {saturation}");
    let history = &harness.state().editor.history;
    assert_eq!(history.undo_len(), steps + 1, "the drag is one step");
    assert_eq!(history.undo_label(), Some("Change effects"));

    click_in_view(&mut harness, "Blur");
    assert!(effects(&harness).blur.is_some_and(|b| b.sigma > 0.0));
    // Undo takes the blur off again, leaving the rest.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(effects(&harness).blur, None);
    assert!(effects(&harness).chroma_key.is_some());
}

#[test]
fn the_effects_eyedropper_sets_the_key_to_the_source_colour_clicked_on_the_preview() {
    use egui::accesskit::Role;
    let backdrop = [0x20, 0xC0, 0x40];
    let (mut harness, id) = harness_with_selected_clip(&flat_colour_video(backdrop));
    click_in_view(&mut harness, "Chroma key");
    // Keyed with the default green first: the picked colour comes from the source, not
    // from the keyed picture on screen.
    click_in_view(&mut harness, "Pick from preview");
    harness
        .get_by_role_and_label(Role::Image, "Preview")
        .click();
    let key = |app: &ClipwrightApp| {
        app.editor
            .project
            .clip(id)
            .unwrap()
            .effects
            .chroma_key
            .unwrap()
            .color
    };
    step_until(&mut harness, |app| {
        key(app) != clipwright::timeline::Color::rgb(0, 255, 0)
    });
    let got = key(harness.state());
    for (g, want) in [got.r, got.g, got.b].into_iter().zip(backdrop) {
        assert!(g.abs_diff(want) <= 4, "picked {got:?}");
    }
    assert_eq!(
        harness.state().editor.history.undo_label(),
        Some("Change effects")
    );
}

#[test]
fn s_splits_at_the_playhead_and_ctrl_z_undoes_it() {
    use clipwright::timeline::Time;
    let mut harness = harness_with(Some(common::fixture(&common::H264_AAC)));
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.editor.project.clips().count() == 2);
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
    let dir = tempfile::tempdir().unwrap();
    let project_path = dir.path().join("stream.clipwright");
    let mut harness = harness_answering(NoDialogs {
        media: Some(common::fixture(&common::H264_AAC)),
        open_project: Some(project_path.clone()),
        save_project: Some(project_path.clone()),
        ..Default::default()
    });
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.editor.project.clips().count() == 2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    step_until(&mut harness, |app| !app.editor.dirty);
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
    first.get_by_label("Open media…").click();
    step_until(&mut first, |app| app.editor.project.clips().count() == 2);
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
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clip.mp4");
    let mut harness = harness_answering(NoDialogs {
        media: Some(common::fixture(&common::H264_AAC)),
        save_export: Some(out.clone()),
        ..Default::default()
    });
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.editor.project.clips().count() == 2);
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

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    harness.run_steps(2);
    harness.get_by_label("Choose…").click();
    step_until(&mut harness, |app| {
        app.export.output == out.display().to_string()
    });
    harness.run_steps(2);
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
    harness.get_by_label("● Record…").click();
    step_until(&mut harness, |app| {
        app.recorder
            .target_titles()
            .iter()
            .any(|t| t == "Test pattern")
    });
    let app = harness.state_mut();
    let pattern = app
        .recorder
        .target_titles()
        .iter()
        .position(|t| t == "Test pattern");
    app.recorder.selected = pattern;
    app.recorder.set_countdown(false);
    harness.run_steps(2);
    harness.get_by_label("● Record").click();
    step_until(&mut harness, |app| app.recorder.is_recording());
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(2500) {
        harness.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    harness.get_by_label("■ Stop").click();
    step_until(&mut harness, |app| app.editor.project.clips().count() == 1);

    let project = &harness.state().editor.project;
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
    let mut harness = harness_with(Some(common::fixture(&common::H264_AAC)));
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.editor.project.clips().count() == 2);

    harness.event(egui::Event::Text("?".into()));
    harness.run_steps(2);
    harness.get_by_label("Split at the playhead");

    harness.get_by_label("View").click();
    harness.run_steps(2);
    harness.get_by_label("Undo history").click();
    harness.run_steps(2);
    harness.get_by_label("1. Add h264_aac.mp4");
}

#[test]
fn a_subtitle_typed_at_the_playhead_is_one_undo_step() {
    use clipwright::timeline::TrackKind;
    let mut harness = harness_with(Some(common::fixture(&common::H264_AAC)));
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.editor.project.clips().count() == 2);
    harness.get_by_label("Subtitles").click();
    harness.run_steps(2);
    harness.get_by_label("New track").click();
    harness.run_steps(2);
    harness.get_by_label("Add at playhead").click();
    harness.run_steps(2);
    let steps_before = harness.state().editor.history.undo_len();

    let text_box = harness.get_all_by_label("Text").last().unwrap();
    text_box.focus();
    harness.run_steps(1);
    harness
        .get_all_by_label("Text")
        .last()
        .unwrap()
        .type_text("Hello stream");
    harness.run_steps(2);
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);

    let editor = &harness.state().editor;
    let track = editor
        .project
        .tracks
        .iter()
        .find(|t| t.kind == TrackKind::Subtitle)
        .unwrap();
    assert_eq!(track.cues.len(), 1);
    assert!(
        track.cues[0].text.ends_with("Hello stream"),
        "{:?}",
        track.cues[0].text
    );
    assert_eq!(
        editor.history.undo_len(),
        steps_before + 1,
        "typing is one step"
    );
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
    assert_eq!(
        harness.state().editor.history.undo_len(),
        steps + 1,
        "one step"
    );

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
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
    let info = clipwright::media::probe(&file).unwrap().source_info();
    let mut harness = harness_with(None);
    harness
        .state_mut()
        .editor
        .add_media(&file, info.clone())
        .unwrap();
    harness.run_steps(2);
    let right = |h: &Harness<'_, ClipwrightApp>, label: &str| h.get_by_label(label).rect().right();
    let before = right(&harness, "Clip 1: h264_aac.mp4");
    assert!(before < 500.0, "the default zoom shows 2 s in {before} px");
    harness.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::Z);
    harness.run_steps(2);
    let fitted = right(&harness, "Clip 1: h264_aac.mp4");
    assert!(fitted > 900.0, "fitted to {fitted} px of 1000");

    for _ in 0..3 {
        harness
            .state_mut()
            .editor
            .add_media(&file, info.clone())
            .unwrap();
    }
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
    harness.get_by_label("Add track").click();
    harness.run_steps(2);
    harness.get_by_label("Overlay track").click();
    harness.run_steps(2);
    assert_eq!(tracks(&harness), 3);
    harness.get_by_label("Overlay 1").click_secondary();
    harness.run_steps(2);
    harness.get_by_label("Remove track").click();
    harness.run_steps(2);
    assert_eq!(tracks(&harness), 2);
    assert!(harness.query_by_label("Overlay 1").is_none());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(tracks(&harness), 3, "undo brings the track back");
}

/// The app with the 2 s H.264/AAC fixture on the timeline, its video clip selected and
/// the inspector showing.
fn harness_with_a_selected_clip() -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_with(Some(common::fixture(&common::H264_AAC)));
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.editor.project.clips().count() == 2);
    assert_eq!(harness.state().editor.selection.len(), 1);
    harness.run_steps(2);
    harness
}

fn selected_clip(harness: &Harness<'_, ClipwrightApp>) -> clipwright::timeline::Clip {
    let editor = &harness.state().editor;
    let id = *editor.selection.iter().next().unwrap();
    editor.project.clip(id).unwrap().clone()
}

#[test]
fn setting_speed_two_in_the_inspector_halves_the_clip() {
    use clipwright::timeline::{SpeedCurve, SpeedFactor, Time};
    let mut harness = harness_with_a_selected_clip();
    let before = selected_clip(&harness).duration();
    assert_eq!(before, Time::from_secs(2));
    harness
        .get_by_role_and_label(egui::accesskit::Role::Slider, "Speed")
        .set_value_accesskit(2.0);
    harness.run_steps(3);
    let clip = selected_clip(&harness);
    assert_eq!(
        clip.speed.curve,
        SpeedCurve::Constant {
            speed: SpeedFactor::from_milli(2000).unwrap()
        }
    );
    assert_eq!(clip.duration(), Time::from_secs(1), "2× halves the length");
    let audio = &harness.state().editor.project.tracks[1].clips[0];
    assert_eq!(audio.duration(), Time::from_secs(1), "its sound follows");
}

#[test]
fn a_ramp_preset_button_gives_the_clip_that_ramp_and_a_drag_reshapes_it_in_one_step() {
    use clipwright::timeline::{ramp_preset, SpeedCurve};
    let mut harness = harness_with_a_selected_clip();
    harness.get_by_label("Montage").click();
    harness.run_steps(3);
    let clip = selected_clip(&harness);
    let montage = ramp_preset("Montage").unwrap().speed();
    assert_eq!(clip.speed.curve, montage.curve);
    // Montage averages 1.8×, so two seconds of source last about 1.1 s.
    let secs = clip.duration().as_secs_f64();
    assert!((1.0..1.25).contains(&secs), "ramped clip lasts {secs} s");

    // Drag the first point (3× at the left edge) down towards 1×.
    let steps = harness.state().editor.history.undo_len();
    let curve = harness.get_by_label("Speed curve").rect();
    let y_of = |speed: f32| curve.bottom() - curve.height() * (speed.log10() + 1.0) / 2.0;
    let start = egui::pos2(curve.left() + 1.0, y_of(3.0));
    harness.hover_at(start);
    harness.run_steps(1);
    harness.drag_at(start);
    harness.run_steps(1);
    for i in 1..=6 {
        harness.hover_at(egui::pos2(start.x + 2.0, start.y + 4.0 * i as f32));
        harness.run_steps(1);
    }
    let end = egui::pos2(start.x + 2.0, y_of(1.0));
    harness.hover_at(end);
    harness.run_steps(1);
    harness.drop_at(end);
    harness.run_steps(2);
    let SpeedCurve::Ramp { points } = selected_clip(&harness).speed.curve else {
        panic!("still a ramp");
    };
    let first = points[0].speed.as_f64();
    assert!((0.9..1.1).contains(&first), "first point now {first}×");
    assert_eq!(points.len(), 6);
    assert_eq!(
        harness.state().editor.history.undo_len(),
        steps + 1,
        "the whole drag is one undo step"
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(selected_clip(&harness).speed.curve, montage.curve);
}

#[test]
fn a_keyframe_added_in_the_inspector_can_be_jumped_to_and_eased() {
    use clipwright::timeline::{Interpolation, Property, Time};
    let mut harness = harness_with_a_selected_clip();
    harness.state_mut().editor.playhead = Time::from_secs(1);
    harness.run_steps(2);
    harness.get_by_label("Opacity keyframe").click_accesskit();
    harness.run_steps(2);
    let keys = selected_clip(&harness)
        .animation
        .channel(Property::Opacity)
        .cloned()
        .expect("opacity is animated");
    assert_eq!(keys.times().collect::<Vec<_>>(), vec![Time::from_secs(1)]);

    harness.state_mut().editor.playhead = Time::ZERO;
    harness.run_steps(2);
    harness
        .get_by_label("Next Opacity keyframe")
        .click_accesskit();
    harness.run_steps(2);
    assert_eq!(harness.state().editor.playhead, Time::from_secs(1));

    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Opacity easing")
        .click_accesskit();
    harness.run_steps(2);
    harness.get_by_label("Ease out").click();
    harness.run_steps(2);
    let key = selected_clip(&harness)
        .animation
        .channel(Property::Opacity)
        .and_then(|k| k.get(Time::from_secs(1)))
        .unwrap();
    assert_eq!(key.interpolation, Interpolation::EaseOut);

    // The diamond at a keyframe removes it.
    harness.get_by_label("Opacity keyframe").click_accesskit();
    harness.run_steps(2);
    assert!(selected_clip(&harness)
        .animation
        .channel(Property::Opacity)
        .is_none());
}

#[test]
fn fading_the_sound_in_puts_volume_keyframes_on_the_linked_audio_clip() {
    use clipwright::timeline::{Property, Time};
    let mut harness = harness_with_a_selected_clip();
    harness.get_by_label("Fade sound in").click_accesskit();
    harness.run_steps(2);
    let audio = harness.state().editor.project.tracks[1].clips[0].clone();
    assert_eq!(audio.volume_at(Time::ZERO), 0.0);
    assert_eq!(audio.volume_at(Time::from_millis(500)), 1.0);
    assert!(audio.animation.channel(Property::Volume).is_some());
}

#[test]
fn clips_show_thumbnails_and_a_waveform_made_off_the_ui_thread() {
    let mut harness = harness_with(Some(common::fixture(&common::H264_AAC)));
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.editor.project.clips().count() == 2);
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
    let mut colours: Vec<[u8; 3]> = video.iter().map(|p| p.map(|c| c / 32)).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 8,
        "only {} colours in the filmstrip",
        colours.len()
    );
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

/// The app with `dialogs`, the subtitle tab showing.
fn subtitle_harness(dialogs: NoDialogs) -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_answering(dialogs);
    harness.get_by_label("Subtitles").click();
    harness.run_steps(2);
    harness
}

fn subtitle_tracks(app: &ClipwrightApp) -> Vec<clipwright::timeline::Track> {
    app.editor
        .project
        .tracks
        .iter()
        .filter(|t| t.kind == clipwright::timeline::TrackKind::Subtitle)
        .cloned()
        .collect()
}

const TWO_CUES_SRT: &str = "1\n00:00:01,000 --> 00:00:02,500\nHello there\n\n\
                            2\n00:00:03,000 --> 00:00:04,200\nSecond line\n";

/// The subtitle tab with [`TWO_CUES_SRT`], saved as `dir/name`, imported as a track; the
/// other dialogs answer as `dialogs` says.
fn harness_with_two_cues(
    dir: &std::path::Path,
    name: &str,
    dialogs: NoDialogs,
) -> Harness<'static, ClipwrightApp> {
    let srt = dir.join(name);
    std::fs::write(&srt, TWO_CUES_SRT).unwrap();
    let mut harness = subtitle_harness(NoDialogs {
        subtitles: Some(srt),
        ..dialogs
    });
    harness.get_by_label("Import subtitles…").click();
    step_until(&mut harness, |app| !subtitle_tracks(app).is_empty());
    harness
}

#[test]
fn importing_an_srt_makes_a_track_and_a_garbage_one_says_why_it_cannot() {
    use clipwright::timeline::Time;
    let dir = tempfile::tempdir().unwrap();
    let harness = harness_with_two_cues(dir.path(), "talk.srt", NoDialogs::default());
    let track = &subtitle_tracks(harness.state())[0];
    assert_eq!(track.name, "talk");
    assert_eq!(track.cues.len(), 2);
    assert_eq!(track.cues[0].start, Time::from_secs(1));
    assert_eq!(track.cues[1].text, "Second line");
    harness.get_by_label_contains("Hello there");
    assert_eq!(harness.state().editor.history.undo_len(), 1, "one step");

    let garbage = dir.path().join("garbage.srt");
    std::fs::write(
        &garbage,
        "this is not\na subtitle file at all\n\u{1}\u{2}\n",
    )
    .unwrap();
    let mut harness = subtitle_harness(NoDialogs {
        subtitles: Some(garbage),
        ..Default::default()
    });
    harness.get_by_label("Import subtitles…").click();
    step_until(&mut harness, |app| !app.toasts.is_empty());
    let toast = &harness.state().toasts[0];
    assert!(toast.is_error);
    assert!(toast.text.contains("garbage.srt"), "{}", toast.text);
    assert!(subtitle_tracks(harness.state()).is_empty());
    harness.run_steps(2);
    harness.get_by_label_contains("garbage.srt");
}

#[test]
fn exporting_a_track_as_webvtt_reads_back_the_same_cues() {
    let dir = tempfile::tempdir().unwrap();
    let vtt = dir.path().join("out.vtt");
    let dialogs = NoDialogs {
        save_subtitles: Some(vtt.clone()),
        ..Default::default()
    };
    let mut harness = harness_with_two_cues(dir.path(), "talk.srt", dialogs);
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Export format")
        .click();
    harness.run_steps(2);
    harness.get_by_label("WebVTT").click();
    harness.run_steps(2);
    harness.get_by_label("Export subtitles…").click();
    step_until(&mut harness, |_| vtt.exists());
    harness.run_steps(3);

    let text = std::fs::read_to_string(&vtt).unwrap();
    assert!(text.starts_with("WEBVTT"), "{text}");
    let (doc, warnings) = clipwright::subtitles::read_file(&vtt).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let cues: Vec<(i64, i64, String)> = doc
        .events
        .iter()
        .map(|c| (c.start_ms, c.end_ms, c.text.clone()))
        .collect();
    assert_eq!(
        cues,
        vec![
            (1000, 2500, "Hello there".to_owned()),
            (3000, 4200, "Second line".to_owned())
        ]
    );
}

#[test]
fn changing_the_track_style_gives_its_cues_that_style_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_with_two_cues(dir.path(), "English.srt", NoDialogs::default());
    harness.get_by_label("Style").click();
    harness.run_steps(2);
    let steps = harness.state().editor.history.undo_len();
    harness
        .get_by_role_and_label(egui::accesskit::Role::SpinButton, "Size")
        .set_value_accesskit(90.0);
    harness.run_steps(2);
    harness.get_by_label("Top centre").click_accesskit();
    harness.run_steps(2);

    let app = harness.state();
    let track = &subtitle_tracks(app)[0];
    let name = track.cues[0].style.clone().expect("the cues got a style");
    assert_eq!(name, "English");
    assert!(track
        .cues
        .iter()
        .all(|c| c.style.as_deref() == Some("English")));
    let style = app.editor.project.cue_style(&track.cues[1]);
    assert_eq!(style.font_size, 90.0);
    assert_eq!(style.alignment, clipwright::timeline::Alignment::TopCenter);
    assert_eq!(
        app.editor.history.undo_len(),
        steps + 2,
        "one step per change"
    );
    // The compositor draws cues from this style.
    let script = clipwright::render::ass_script(&app.editor.project, (1920, 1080), true).unwrap();
    assert!(script.contains(",90.0,"), "{script}");
}

/// The tiny English speech model `scripts/fetch-test-models.sh` fetched, or `None` (with
/// a message) when the tests were not started through `scripts/test.sh`.
#[test]
fn freeze_frame_holds_the_clip_for_the_length_typed() {
    use clipwright::timeline::{SpeedCurve, Time};
    let mut harness = harness_with_a_selected_clip();
    harness.get_by_label("Freeze frame").click();
    harness.run_steps(2);
    assert!(matches!(
        selected_clip(&harness).speed.curve,
        SpeedCurve::Freeze { .. }
    ));
    harness
        .get_by_role_and_label(egui::accesskit::Role::SpinButton, "Hold for")
        .set_value_accesskit(3.0);
    harness.run_steps(2);
    let clip = selected_clip(&harness);
    assert_eq!(
        clip.speed.curve,
        SpeedCurve::Freeze {
            duration: Time::from_secs(3)
        }
    );
    assert_eq!(clip.duration(), Time::from_secs(3));
    assert_eq!(
        clip.source_time_at(clip.start + Time::from_secs(2)),
        clip.source_in
    );
}

#[test]
fn the_cue_under_the_playhead_is_scrolled_into_view() {
    use clipwright::timeline::Time;
    let dir = tempfile::tempdir().unwrap();
    let srt = dir.path().join("long.srt");
    let text: String = (0..60)
        .map(|i| {
            format!(
                "{}\n00:00:{:02},000 --> 00:00:{:02},800\nLine number {i}\n\n",
                i + 1,
                i,
                i
            )
        })
        .collect();
    std::fs::write(&srt, text).unwrap();
    let mut harness = subtitle_harness(NoDialogs {
        subtitles: Some(srt),
        ..Default::default()
    });
    harness.get_by_label("Import subtitles…").click();
    step_until(&mut harness, |app| !subtitle_tracks(app).is_empty());
    let visible = |h: &Harness<'_, ClipwrightApp>, label: &str| {
        let r = h.get_by_label_contains(label).rect();
        r.top() >= 0.0 && r.bottom() <= 640.0
    };
    assert!(!visible(&harness, "Line number 55"), "starts out of view");
    harness.state_mut().editor.playhead = Time::from_millis(55_300);
    harness.run_steps(4);
    assert!(visible(&harness, "Line number 55"), "followed the playhead");
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

#[test]
fn the_preset_gallery_shows_every_preset_and_applies_the_one_clicked() {
    use clipwright::timeline::{animation_presets, Property};
    let mut harness = harness_with_a_selected_clip();
    let presets = animation_presets();
    harness
        .get_by_label(&format!("Preset gallery ({})", presets.len()))
        .click_accesskit();
    harness.run_steps(10);
    for preset in &presets {
        harness.get_by_role_and_label(egui::accesskit::Role::Button, &preset.name);
    }
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Slide left out")
        .click_accesskit();
    harness.run_steps(2);
    harness.get_by_label("Apply").click_accesskit();
    harness.run_steps(2);
    let clip = selected_clip(&harness);
    let keys = clip.animation.channel(Property::PositionX).unwrap();
    let end = clip.duration();
    assert_eq!(keys.value_at(end), Some(-1.0), "leaves to the left");
    assert_eq!(keys.len(), 2, "two ordinary keyframes");
}

#[test]
fn a_caption_look_becomes_the_track_style_in_one_step_and_the_words_follow_it() {
    use clipwright::timeline::{caption_presets, Time, WordDisplay, WordTiming};
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_with_two_cues(dir.path(), "English.srt", NoDialogs::default());
    // Word timings, as transcription gives them, on the first cue.
    let mut cues = subtitle_tracks(harness.state())[0].cues.clone();
    let start = cues[0].start;
    let middle = start + Time::from_millis(500);
    let first_word = cues[0].text.split_whitespace().next().unwrap().to_owned();
    cues[0].words = vec![WordTiming {
        start,
        end: middle,
        text: first_word.clone(),
    }];
    let track = subtitle_tracks(harness.state())[0].id;
    harness
        .state_mut()
        .editor
        .apply(clipwright::timeline::Edit::SetCues { track, cues })
        .unwrap();
    harness.get_by_label("Style").click();
    harness.run_steps(2);
    let steps = harness.state().editor.history.undo_len();
    harness.get_by_label("One word at a time").click_accesskit();
    harness.run_steps(2);

    let app = harness.state();
    let track = &subtitle_tracks(app)[0];
    let style = app.editor.project.cue_style(&track.cues[0]);
    let (_, look) = caption_presets()
        .into_iter()
        .find(|(n, _)| *n == "One word at a time")
        .unwrap();
    assert_eq!(style, look);
    assert_eq!(style.word_display, WordDisplay::OneWord);
    assert_eq!(app.editor.history.undo_len(), steps + 1, "one step");
    // The compositor draws only the spoken word, and only while it is said.
    let script = clipwright::render::ass_script(&app.editor.project, (1920, 1080), true).unwrap();
    let first_cue: Vec<&str> = script
        .lines()
        .filter(|l| l.contains(&first_word) && l.starts_with("Dialogue: 100,"))
        .collect();
    assert_eq!(first_cue.len(), 1, "{script}");
    assert!(
        first_cue[0].ends_with(&format!("}}{first_word}{{\\1c&HFFFFFF&}}")),
        "{script}"
    );
}

#[test]
fn the_export_dialog_offers_soft_subtitles_and_says_where_styles_are_lost() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_with_two_cues(dir.path(), "English.srt", NoDialogs::default());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    harness.run_steps(2);
    harness
        .get_by_label("As a track players can switch on and off")
        .click_accesskit();
    harness.run_steps(2);
    assert!(harness.state().export.soft_subtitles);
    let notes = harness.query_all_by_label_contains("mov_text").count();
    assert_eq!(notes, 1, "MP4 says its styles are lost");
    // MKV, fourth in the format list.
    harness.state_mut().export.format = 3;
    harness.run_steps(2);
    assert_eq!(harness.state().export.extension(), "mkv");
    let notes = harness.query_all_by_label_contains("are lost").count();
    assert_eq!(notes, 0, "MKV keeps them");
}
