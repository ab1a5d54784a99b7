//! Opening and saving a project runs on a worker: the window keeps drawing (with a
//! spinner in the status bar) while a large project is read, edits made while a save is
//! written stay unsaved, and a save that fails says why and keeps the work.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::timeline::file;
use clipwright::timeline::{
    Canvas, CueId, History, Project, SubtitleCue, Time, Track, TrackId, TrackKind,
};
use clipwright::ui::NoDialogs;
use common::app::{
    choose_in_file_menu, harness_answering, harness_with, resize_canvas, step_until,
};
use egui_kittest::kittest::Queryable;

/// A project of `cues` one-second subtitle cues, saved at `path` the way the app saves.
fn write_large_project(path: &std::path::Path, cues: u64) {
    let mut project = Project::new("large", Canvas::default());
    let mut track = Track::new(TrackId(1), TrackKind::Subtitle, "Subtitles");
    for i in 0..cues {
        let start = Time::from_secs(i64::try_from(i).unwrap());
        let end = start + Time::from_millis(900);
        let text = format!("cue number {i} of a long talk, with a few words to read");
        track
            .cues
            .push(SubtitleCue::new(CueId(i + 1), start, end, text));
    }
    project.tracks.push(track);
    file::save(path, &project, &History::default()).unwrap();
}

#[test]
fn a_large_project_opens_on_a_worker_while_the_window_keeps_drawing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.clipwright");
    write_large_project(&path, 60_000);
    let mut harness = harness_with(None);
    let ctx = harness.ctx.clone();
    harness.state_mut().open_paths(&ctx, vec![path.clone()]);
    // Asking to open returns at once: the file is read on a worker.
    assert!(harness.state().editor.path.is_none());
    assert!(harness.state().file_job().is_some());

    let mut frames_while_loading = 0;
    let mut spinner_seen = false;
    let start = std::time::Instant::now();
    while harness.state().editor.path.is_none() {
        assert!(start.elapsed().as_secs() < 120, "the project never opened");
        harness.step();
        frames_while_loading += 1;
        spinner_seen |= harness
            .query_by_label_contains("Opening large.clipwright")
            .is_some();
    }
    assert!(
        frames_while_loading > 1,
        "the window drew only {frames_while_loading} frame while the project was read"
    );
    assert!(spinner_seen, "the status bar said what was being opened");
    harness.run_steps(2);
    let app = harness.state();
    assert!(app.file_job().is_none());
    assert_eq!(app.editor.path.as_deref(), Some(path.as_path()));
    assert_eq!(app.editor.project.tracks[0].cues.len(), 60_000);
    assert!(!app.editor.dirty);
}

#[test]
fn an_edit_made_while_the_save_is_written_stays_unsaved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.clipwright");
    let mut harness = harness_answering(NoDialogs {
        save_project: Some(path.clone()),
        ..Default::default()
    });
    choose_in_file_menu(&mut harness, "Save project as…");
    step_until(&mut harness, |app| app.file_job().is_some());
    // The canvas changes after the project was handed to the worker.
    resize_canvas(&mut harness, 1080, 1920);
    step_until(&mut harness, |app| app.file_job().is_none());
    let app = harness.state();
    assert_eq!(app.editor.path.as_deref(), Some(path.as_path()));
    assert!(
        app.editor.dirty,
        "the change after the save is not in the file"
    );
    let saved = file::load(&path).unwrap();
    assert_ne!(saved.project.canvas.height, 1920);
}

#[test]
fn a_failed_save_says_why_and_keeps_the_work_unsaved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no such folder").join("lost.clipwright");
    let mut harness = harness_answering(NoDialogs {
        save_project: Some(path.clone()),
        ..Default::default()
    });
    resize_canvas(&mut harness, 1080, 1920);
    choose_in_file_menu(&mut harness, "Save project as…");
    step_until(&mut harness, |app| {
        app.file_job().is_none() && app.toasts.iter().any(|t| t.text.contains("lost"))
    });
    let app = harness.state();
    assert!(app.editor.dirty, "the work is still unsaved");
    assert_eq!(app.editor.path, None);
    assert_eq!(app.editor.project.canvas.height, 1920);
    assert!(!path.exists());
    harness.get_by_label_contains("lost.clipwright");
}
