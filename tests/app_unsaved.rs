//! Unsaved work is never replaced or dropped without asking: New project, Open project and
//! Quit ask "Save changes to X?" (Save / Don't save / Cancel) while the project has changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::session::Editor;
use clipwright::ui::{ClipwrightApp, NoDialogs};
use common::app::{choose_in_file_menu, harness_answering, harness_with, step_until};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// The app with the generated clip on its timeline, not saved yet.
fn app_with_unsaved_work(dialogs: NoDialogs) -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_answering(NoDialogs {
        media: Some(common::fixture(&common::H264_AAC)),
        ..dialogs
    });
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.editor.project.clips().count() == 2);
    assert!(harness.state().editor.dirty);
    harness
}

#[test]
fn new_project_asks_first_and_cancel_keeps_the_work() {
    let mut harness = app_with_unsaved_work(NoDialogs::default());
    choose_in_file_menu(&mut harness, "New project");
    harness.get_by_label("Save changes to “Untitled”?");
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(!harness.state().asking_to_save());
    assert_eq!(
        harness.state().editor.project.clips().count(),
        2,
        "the work stays"
    );

    choose_in_file_menu(&mut harness, "New project");
    harness.get_by_label("Don't save").click();
    harness.run_steps(2);
    assert_eq!(harness.state().editor.project.clips().count(), 0);
    assert!(!harness.state().editor.dirty);
}

#[test]
fn save_in_the_question_saves_through_the_dialog_then_opens_the_other_project() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.clipwright");
    let mut empty = Editor::new();
    empty.save_as(&other).unwrap();
    let work = dir.path().join("work.clipwright");
    let mut harness = app_with_unsaved_work(NoDialogs {
        save_project: Some(work.clone()),
        open_project: Some(other.clone()),
        ..Default::default()
    });

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    harness.run_steps(2);
    harness.get_by_label("Save").click();
    step_until(&mut harness, |app| {
        app.editor.path.as_deref() == Some(&*other)
    });

    let saved = Editor::open(&work).unwrap();
    assert_eq!(saved.project.clips().count(), 2, "the work was saved first");
    assert_eq!(harness.state().editor.project.clips().count(), 0);
}

#[test]
fn a_cancelled_save_dialog_keeps_the_work_and_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.clipwright");
    Editor::new().save_as(&other).unwrap();
    let mut harness = app_with_unsaved_work(NoDialogs {
        save_project: None,
        open_project: Some(other),
        ..Default::default()
    });
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    harness.run_steps(2);
    harness.get_by_label("Save").click();
    step_until(&mut harness, |app| !app.asking_to_save());
    harness.run_steps(10);
    assert_eq!(harness.state().editor.project.clips().count(), 2);
    assert!(harness.state().editor.path.is_none());
    assert!(harness.state().editor.dirty);
}

#[test]
fn quit_asks_while_work_is_unsaved_and_goes_at_once_when_it_is_not() {
    let mut harness = app_with_unsaved_work(NoDialogs::default());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Q);
    harness.run_steps(2);
    harness.get_by_label("Save changes to “Untitled”?");
    assert!(
        !harness.state().unsaved.quit_allowed,
        "nothing closes while asking"
    );
    harness.get_by_label("Don't save").click();
    harness.run_steps(2);
    assert!(harness.state().unsaved.quit_allowed);

    let mut clean = harness_with(None);
    choose_in_file_menu(&mut clean, "Quit  (Ctrl+Q)");
    assert!(
        !clean.state().asking_to_save(),
        "nothing to lose, nothing to ask"
    );
    assert!(clean.state().unsaved.quit_allowed);
}

#[test]
fn an_untouched_project_is_replaced_without_asking() {
    let mut harness = harness_with(None);
    choose_in_file_menu(&mut harness, "New project");
    assert!(!harness.state().asking_to_save());
    assert!(harness
        .query_by_label("Save changes to “Untitled”?")
        .is_none());
}
