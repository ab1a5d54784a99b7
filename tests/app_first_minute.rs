//! Small things a person meets in the first minute: the media bin of a reopened project,
//! where an export is suggested, and what the size estimate claims.

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
