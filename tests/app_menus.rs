//! The menus: each item says what it will do and which key does the same.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::ui::NoDialogs;
use common::app::{app_with_fixture_open, click_each};
use egui_kittest::kittest::Queryable;

#[test]
fn the_edit_menu_names_the_step_undo_and_redo_take_with_their_keys() {
    let mut harness = app_with_fixture_open(NoDialogs::default());

    click_each(&mut harness, &["Edit"]);
    let undo = harness.get_by_label_contains("Undo Add ");
    let undo_label = format!("{undo:?}");
    assert!(undo_label.contains("Ctrl+Z"), "{undo_label}");
    undo.click();
    harness.run_steps(2);
    assert_eq!(harness.state().editor.project.clips().count(), 0);

    click_each(&mut harness, &["Edit"]);
    let redo = harness.get_by_label_contains("Redo Add ");
    let redo_label = format!("{redo:?}");
    assert!(
        redo_label.contains("Shift+Ctrl+Z") || redo_label.contains("Ctrl+Shift+Z"),
        "{redo_label}"
    );
}
