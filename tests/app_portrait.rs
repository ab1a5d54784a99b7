//! The portrait features in the app, through `egui_kittest`: "Portrait" in the inspector
//! sets a clip's background effect (one undo step), and "Follow face" on the crop window
//! writes a crop path that follows the face (one undo step), and a picture background is
//! chosen through the app's file dialog (here the in-app browser). The first two leave a
//! snapshot of the window (tests/snapshots/portrait_inspector.png,
//! follow_face_crop_window.png), shown in the README.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use clipwright::timeline::{ClipId, OutputId, PortraitBackground, ReframeMode};
use clipwright::ui::{ClipwrightApp, NoDialogs};
use common::app::{
    harness_answering, harness_with, mask_status_bar, open_on_a_portrait_canvas,
    scroll_inspector_to, step_until,
};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

fn portrait_of(harness: &Harness<'_, ClipwrightApp>, id: ClipId) -> Option<PortraitBackground> {
    let clip = harness.state().editor.project.clip(id).unwrap();
    clip.effects.portrait.as_ref().map(|p| p.background.clone())
}

/// Waits until the preview shows the playhead's frame as the project is now (drawn on
/// workers), hides the media bin (it shows this run's temporary paths) and masks the status
/// bar (it says whether an autosave is running), then compares the window with the
/// snapshot `name`.
fn snapshot_settled(harness: &mut Harness<'static, ClipwrightApp>, name: &str) {
    harness.state_mut().layout.media_bin = false;
    harness.run_steps(2);
    for _ in 0..20 {
        step_until(harness, |app| app.preview_settled());
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    mask_status_bar(harness);
    harness.snapshot(name);
}

#[test]
fn portrait_in_the_inspector_sets_the_background_effect_in_one_undo_step_each() {
    let dir = tempfile::tempdir().unwrap();
    let file = walking_video(dir.path());
    let info = clipwright::media::probe(&file).unwrap().source_info();
    let mut harness = harness_with(None);
    let editor = &mut harness.state_mut().editor;
    let id = editor.add_media(&file, info).unwrap();
    editor.selection.clear();
    editor.selection.insert(id);
    harness.run_steps(3);
    let steps = harness.state().editor.history.undo_len();

    scroll_inspector_to(&mut harness, None, "Portrait background");
    harness.get_by_label("Portrait background").click();
    harness.run_steps(3);
    assert_eq!(portrait_of(&harness, id), Some(PortraitBackground::Blur));
    assert_eq!(harness.state().editor.history.undo_len(), steps + 1);
    // The astronaut in front of a blurred backdrop, the Portrait controls beside her.
    scroll_inspector_to(&mut harness, None, "Background");
    snapshot_settled(&mut harness, "portrait_inspector");

    // Switch the background to "Remove".
    scroll_inspector_to(&mut harness, None, "Background");
    harness.get_by_label("Background").click();
    harness.run_steps(2);
    harness.get_by_label("Remove").click();
    harness.run_steps(3);
    assert_eq!(portrait_of(&harness, id), Some(PortraitBackground::Remove));
    assert_eq!(harness.state().editor.history.undo_len(), steps + 2);

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(portrait_of(&harness, id), Some(PortraitBackground::Blur));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(portrait_of(&harness, id), None);
}

#[test]
fn a_picture_background_is_chosen_in_the_in_app_browser_in_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let file = walking_video(dir.path());
    let pictures = dir.path().join("pictures");
    std::fs::create_dir(&pictures).unwrap();
    let backdrop = pictures.join("beach.png");
    image::RgbaImage::from_pixel(64, 36, image::Rgba([240, 200, 90, 255]))
        .save(&backdrop)
        .unwrap();
    std::fs::write(pictures.join("notes.txt"), "not a picture").unwrap();
    // A desktop where no native dialog opens: the app's own browser stands in.
    let mut harness = harness_answering(NoDialogs {
        unavailable: true,
        ..NoDialogs::default()
    });
    harness.state_mut().file_browser.remember(&pictures);
    let info = clipwright::media::probe(&file).unwrap().source_info();
    let editor = &mut harness.state_mut().editor;
    let id = editor.add_media(&file, info).unwrap();
    editor.selection.clear();
    editor.selection.insert(id);
    harness.run_steps(3);
    scroll_inspector_to(&mut harness, None, "Portrait background");
    harness.get_by_label("Portrait background").click();
    harness.run_steps(3);
    let steps = harness.state().editor.history.undo_len();

    // Picking "Picture" asks for the file; nothing changes until one is chosen.
    scroll_inspector_to(&mut harness, None, "Background");
    harness.get_by_label("Background").click();
    harness.run_steps(2);
    harness.get_by_label("Picture").click();
    step_until(&mut harness, |app| app.file_browser.is_open());
    assert_eq!(portrait_of(&harness, id), Some(PortraitBackground::Blur));
    assert!(
        harness.query_by_label("🗋 notes.txt").is_none(),
        "only pictures are listed"
    );
    harness.get_by_label("🗋 beach.png").click();
    harness.run_steps(2);
    harness.get_by_label("Open").click();
    step_until(&mut harness, |app| {
        !app.file_browser.is_open()
            && app
                .editor
                .project
                .clip(id)
                .and_then(|c| c.effects.portrait.as_ref())
                .is_some_and(|p| matches!(p.background, PortraitBackground::Image { .. }))
    });
    assert_eq!(
        portrait_of(&harness, id),
        Some(PortraitBackground::Image {
            path: backdrop.clone()
        })
    );
    assert_eq!(harness.state().editor.history.undo_len(), steps + 1);

    // "Choose picture…" asks again; cancelling keeps the picture.
    scroll_inspector_to(&mut harness, None, "Choose picture…");
    harness.get_by_label("Choose picture…").click();
    step_until(&mut harness, |app| app.file_browser.is_open());
    harness.get_by_label("Cancel").click();
    step_until(&mut harness, |app| !app.file_browser.is_open());
    harness.run_steps(3);
    assert_eq!(
        portrait_of(&harness, id),
        Some(PortraitBackground::Image { path: backdrop })
    );
    assert_eq!(harness.state().editor.history.undo_len(), steps + 1);

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(portrait_of(&harness, id), Some(PortraitBackground::Blur));
}

/// 2 s of 16:9: the astronaut, 360 pixels tall, walking from the left edge to the right.
fn walking_video(dir: &Path) -> PathBuf {
    let out = dir.join("walk.mp4");
    let photo = common::faces::astronaut();
    #[rustfmt::skip]
    common::ffmpeg(&[
        "-f", "lavfi", "-i", "color=c=0x405060:s=640x360:r=30:d=2",
        "-loop", "1", "-i", photo.to_str().unwrap(),
        "-filter_complex",
        "[1]scale=360:360[p];[0][p]overlay=x='(W-w)*min(t/2\\,1)':y=H-h:shortest=1,format=yuv420p",
        "-t", "2", "-c:v", "libx264", "-preset", "veryfast",
    ], &out);
    out
}

#[test]
fn follow_face_on_the_crop_window_writes_a_crop_path_in_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let video = walking_video(dir.path());
    let mut harness = harness_with(Some(video));
    open_on_a_portrait_canvas(&mut harness, 1);
    let clip = harness.state().editor.project.tracks[0].clips[0].id;
    harness.get_by_label("Crop window").click();
    harness.run_steps(3);
    let steps = harness.state().editor.history.undo_len();

    harness.get_by_label("Follow face").click();
    step_until(&mut harness, |app| {
        app.editor
            .project
            .clip(clip)
            .and_then(|c| c.reframes.get(&OutputId::MAIN))
            .is_some_and(|r| r.crop.len() >= 2)
    });
    let editor = &harness.state().editor;
    let reframe = editor.project.clip(clip).unwrap().reframes[&OutputId::MAIN].clone();
    assert_eq!(reframe.mode, ReframeMode::Fill);
    let first = reframe.crop.iter().next().unwrap().value.center_x;
    let last = reframe.crop.iter().last().unwrap().value.center_x;
    assert!(
        last > first + 0.2,
        "the window walks right with her: {first} → {last}"
    );
    assert_eq!(editor.history.undo_len(), steps + 1, "one undo step");
    // The crop window on the source beside the 9:16 canvas, where the face is.
    snapshot_settled(&mut harness, "follow_face_crop_window");

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert!(!harness
        .state()
        .editor
        .project
        .clip(clip)
        .unwrap()
        .reframes
        .contains_key(&OutputId::MAIN));
}
