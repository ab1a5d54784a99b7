//! Relinking a project's missing file through the media bin: the right file brings the
//! picture back in one undo step; a file that is not media, or of another kind, is
//! refused; one that looks like another file (shorter than the clips need, no sound) is
//! used only once the person confirms.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use clipwright::ui::{ClipwrightApp, NoDialogs};
use common::app::{harness_answering, open_media, save_with_ctrl_s, step_until};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// A project saved beside `take1.mp4` (a 2 s recording with sound, whole on the timeline
/// as a linked picture and sound pair); returns the folder, the project and the take.
fn saved_project_of_a_take() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("take1.mp4");
    std::fs::copy(common::fixture(&common::H264_AAC), &original).unwrap();
    let project = dir.path().join("edit.clipwright");
    let mut first = harness_answering(NoDialogs {
        media: Some(original.clone()),
        save_project: Some(project.clone()),
        ..Default::default()
    });
    open_media(&mut first, 2);
    save_with_ctrl_s(&mut first);
    drop(first);
    (dir, project, original)
}

/// The app with `project` opened and its "Open media…" (the relink dialog) answering `media`.
fn reopened(project: &Path, media: PathBuf) -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_answering(NoDialogs {
        media: Some(media),
        open_project: Some(project.to_owned()),
        ..Default::default()
    });
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    step_until(&mut harness, |app| app.editor.path.is_some());
    harness
}

/// Steps the UI until something labelled `label` shows (a worker's result opening a prompt).
fn step_until_shown(harness: &mut Harness<'_, ClipwrightApp>, label: &str) {
    for _ in 0..1500 {
        if harness.query_by_label(label).is_some() {
            return;
        }
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("{label} never showed");
}

#[test]
fn a_moved_file_shows_as_missing_and_relinking_it_brings_the_picture_back() {
    let (dir, project, original) = saved_project_of_a_take();

    let moved = dir.path().join("archive").join("take1-final.mp4");
    std::fs::create_dir(moved.parent().unwrap()).unwrap();
    std::fs::rename(&original, &moved).unwrap();

    let mut harness = reopened(&project, moved.clone());
    assert!(harness.state().editor.project.sources[0].missing);
    harness.get_by_label("Missing files");
    harness.get_by_label("⚠ take1.mp4 (missing)");
    assert!(
        harness.state().preview_shown().is_none(),
        "nothing to show while the file is gone"
    );

    let steps = harness.state().editor.history.undo_len();
    harness.get_by_label("Relink…").click();
    step_until(&mut harness, |app| !app.editor.project.sources[0].missing);
    let editor = &harness.state().editor;
    assert_eq!(editor.project.sources[0].path, moved);
    assert_eq!(
        editor.history.undo_len(),
        steps + 1,
        "relinking is one step"
    );
    assert!(harness.query_by_label("Missing files").is_none());
    // The preview draws from the new file, and its clips get their thumbnails again.
    step_until(&mut harness, |app| {
        app.preview_shown().is_some() && app.media_pictures_ready().0 > 0
    });
}

#[test]
fn relinking_to_a_file_that_is_not_media_keeps_the_source_missing() {
    let (_dir, project, original) = saved_project_of_a_take();
    std::fs::remove_file(&original).unwrap();

    let mut harness = reopened(&project, common::bad("garbage.mp4"));
    harness.get_by_label("Relink…").click();
    step_until(&mut harness, |app| {
        app.toasts
            .iter()
            .any(|t| t.text.starts_with("Could not relink"))
    });
    assert!(harness.state().editor.project.sources[0].missing);
    harness.get_by_label("Relink…");
}

#[test]
fn a_still_image_is_refused_for_a_missing_video_with_the_reason() {
    let (_dir, project, original) = saved_project_of_a_take();
    std::fs::remove_file(&original).unwrap();
    let mut harness = reopened(&project, common::fixture(&common::STILL));
    harness.get_by_label("Relink…").click();
    step_until(&mut harness, |app| {
        app.toasts
            .iter()
            .any(|t| t.text.starts_with("Cannot relink"))
    });
    let toast = harness.state().toasts.last().unwrap().text.clone();
    assert!(
        toast.contains("still.png: it is a still image, and the missing file was a video"),
        "{toast}"
    );
    assert!(harness.state().editor.project.sources[0].missing);
    assert!(harness
        .query_by_label("Relink to a different file?")
        .is_none());
}

#[test]
fn a_shorter_file_without_sound_is_relinked_only_once_confirmed() {
    let (_dir, project, original) = saved_project_of_a_take();
    std::fs::remove_file(&original).unwrap();
    // 1 s and silent, where the clips play 2 s of picture and sound.
    let short = common::fixture(&common::FULL_RANGE);
    let mut harness = reopened(&project, short.clone());

    harness.get_by_label("Relink…").click();
    step_until_shown(&mut harness, "Relink to a different file?");
    harness.get_by_label("full_range.mp4 may not be the missing take1.mp4:");
    harness.get_by_label_contains("s long, but the clips use the first 2.0 s");
    harness.get_by_label_contains("it has no sound, and 1 clip(s) play");
    harness.get_by_label("Cancel").click();
    harness.run_steps(3);
    assert!(harness
        .query_by_label("Relink to a different file?")
        .is_none());
    assert!(
        harness.state().editor.project.sources[0].missing,
        "cancelled: still missing"
    );

    let steps = harness.state().editor.history.undo_len();
    harness.get_by_label("Relink…").click();
    step_until_shown(&mut harness, "Relink to a different file?");
    harness.get_by_label("Relink anyway").click();
    harness.run_steps(3);
    let editor = &harness.state().editor;
    assert!(!editor.project.sources[0].missing);
    assert_eq!(editor.project.sources[0].path, short);
    assert_eq!(editor.history.undo_len(), steps + 1, "one step");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    let source = &harness.state().editor.project.sources[0];
    assert!(
        source.missing && source.path == original,
        "undo restores the missing file"
    );
}
