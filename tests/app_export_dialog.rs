//! The export dialog refuses, before anything starts, an output that is one of the
//! project's own files: writing it would destroy the recording being read.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::ui::NoDialogs;
use common::app::{choose_export_output, harness_answering, open_media};
use egui_kittest::kittest::{NodeT, Queryable};

#[test]
fn the_export_dialog_refuses_to_write_over_a_source_of_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("rec.mp4");
    std::fs::copy(common::fixture(&common::H264_AAC), &recording).unwrap();
    let before = std::fs::read(&recording).unwrap();
    // Named through a link where the system has them: the same file all the same.
    #[cfg(unix)]
    let link = {
        let link = dir.path().join("link to rec.mp4");
        std::os::unix::fs::symlink(&recording, &link).unwrap();
        link
    };
    #[cfg(not(unix))]
    let link = recording.clone();
    let mut harness = harness_answering(NoDialogs {
        media: Some(recording.clone()),
        save_export: Some(link.clone()),
        ..Default::default()
    });
    open_media(&mut harness, 2);

    choose_export_output(&mut harness, None, &link);

    harness.get_by_label_contains("this is the same file as the input");
    let start = harness.get_by_label("Start export");
    assert!(
        start.accesskit_node().is_disabled(),
        "Start export stays off while the output is an input"
    );
    start.click();
    harness.run_steps(5);
    assert!(harness.state().export.outcome.is_none(), "nothing started");
    assert_eq!(
        std::fs::read(&recording).unwrap(),
        before,
        "the recording is untouched"
    );

    // Another name clears the refusal.
    harness.state_mut().export.output = dir.path().join("out.mp4").display().to_string();
    harness.run_steps(2);
    assert!(harness
        .query_by_label_contains("same file as the input")
        .is_none());
    assert!(!harness
        .get_by_label("Start export")
        .accesskit_node()
        .is_disabled());
}
