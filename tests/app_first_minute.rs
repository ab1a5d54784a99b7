//! Small things a person meets in the first minute: the media bin of a reopened project,
//! where an export is suggested, what the size estimate claims, and an error that stays
//! until it is read.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::app::{harness_with, harness_with_clips, step_until};
use egui_kittest::kittest::Queryable;

#[test]
fn a_reopened_project_shows_its_files_in_the_media_bin() {
    let file = common::fixture(&common::H264_AAC);
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("reopened.clipwright");
    let mut first = harness_with_clips(&file, 1);
    first.state_mut().editor.save_as(&saved).unwrap();
    drop(first);

    let mut harness = harness_with(None);
    assert!(harness.state().items.is_empty());
    let ctx = harness.ctx.clone();
    harness.state_mut().open_paths(&ctx, vec![saved]);
    step_until(&mut harness, |app| {
        app.items.len() == 1 && app.items[0].probe.as_ref().is_some_and(|p| p.is_ok())
    });
    let app = harness.state();
    assert_eq!(app.items[0].path, file);
    assert_eq!(
        app.editor.project.clips().count(),
        2,
        "its clips are not added a second time"
    );
    assert!(
        harness.get_all_by_label("h264_aac.mp4").count() >= 1,
        "the bin lists the file"
    );
}

#[test]
fn an_unsaved_projects_export_is_suggested_in_the_videos_folder_not_beside_its_sources() {
    let file = common::fixture(&common::H264_AAC);
    let videos = tempfile::tempdir().unwrap();
    let mut harness = harness_with_clips(&file, 1);
    harness.state_mut().export.videos_dir = Some(videos.path().to_owned());
    harness.state_mut().open_export_dialog();
    harness.run_steps(2);
    let output = std::path::PathBuf::from(&harness.state().export.output);
    assert_eq!(output.parent(), Some(videos.path()), "{}", output.display());

    // The estimate it shows says what it rests on.
    harness.get_by_label_contains("(a guess: the clips' files are not read yet)");
}

#[test]
fn an_error_stays_until_dismissed_while_information_fades() {
    let mut harness = harness_with(None);
    let ctx = harness.ctx.clone();
    harness.state_mut().toast(
        &ctx,
        "the speech model 'base' is not installed".to_owned(),
        true,
    );
    harness.state_mut().toast(&ctx, "Saved".to_owned(), false);
    harness.run_steps(2);
    // A minute later (the UI clock is the toasts' clock).
    for t in &mut harness.state_mut().toasts {
        t.since -= 60.0;
    }
    harness.run_steps(2);
    let texts: Vec<String> = harness
        .state()
        .toasts
        .iter()
        .map(|t| t.text.clone())
        .collect();
    assert_eq!(texts, ["the speech model 'base' is not installed"]);
    harness.get_by_label_contains("is not installed").hover();
    harness.get_by_label("✕").click();
    harness.run_steps(2);
    assert!(harness.state().toasts.is_empty());
}
