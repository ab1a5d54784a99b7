//! Where no native file dialog can open (no desktop portal, no zenity), the app's own
//! file browser opens instead, with the folders files were last picked in.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::ui::NoDialogs;
use common::app::{harness_answering, step_until};
use egui_kittest::kittest::Queryable;

#[test]
fn with_no_native_dialog_open_media_shows_the_in_app_browser_and_opens_the_file_picked() {
    let file = common::fixture(&common::H264_AAC);
    let fixtures = file.parent().unwrap().to_owned();
    let empty = tempfile::tempdir().unwrap();
    let mut harness = harness_answering(NoDialogs {
        unavailable: true,
        ..NoDialogs::default()
    });
    // The fixtures' folder is a recent one; the newest is an empty folder, where the
    // browser starts.
    harness.state_mut().file_browser.remember(&fixtures);
    harness.state_mut().file_browser.remember(empty.path());

    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.file_browser.is_open());
    assert!(harness.query_by_label("🗋 h264_aac.mp4").is_none());

    // A recent folder is one click away.
    let folder = fixtures.file_name().unwrap().to_string_lossy().into_owned();
    harness.get_by_label(&folder).click();
    harness.run_steps(3);
    harness.get_by_label("🗋 h264_aac.mp4").click();
    harness.run_steps(2);
    assert!(
        harness.query_by_label("🗋 garbage.srt").is_none(),
        "only media files are listed"
    );
    harness.get_by_label("Open").click();
    step_until(&mut harness, |app| {
        !app.file_browser.is_open()
            && app
                .items
                .iter()
                .any(|m| m.path == file && m.probe.as_ref().is_some_and(|p| p.is_ok()))
    });
    assert_eq!(harness.state().file_browser.recent[0], fixtures);
}

#[test]
fn cancelling_the_in_app_browser_changes_nothing_and_frees_the_next_dialog() {
    let mut harness = harness_answering(NoDialogs {
        unavailable: true,
        ..NoDialogs::default()
    });
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.file_browser.is_open());
    harness.get_by_label("Cancel").click();
    step_until(&mut harness, |app| !app.file_browser.is_open());
    assert!(harness.state().items.is_empty());
    // The app asks again at once: the first answer reached its worker.
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.file_browser.is_open());
}
