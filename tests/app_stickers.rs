//! The sticker gallery in the app, through `egui_kittest`: a search narrows the stickers,
//! a click puts one on the timeline at the playhead (one undo step), and "Pin to face" in
//! the inspector finds the astronaut's face under it and pins the sticker there (one undo
//! step). The snapshots of the gallery and of the pinned sticker are the README's pictures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::timeline::{ClipContent, FaceAnchor, Time};
use clipwright::ui::ClipwrightApp;
use common::app::{harness_with, settle_for_snapshot, step_until};
use common::faces::Walk;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// The sticker clip's name and pin, if there is one.
fn sticker(harness: &Harness<'_, ClipwrightApp>) -> Option<(String, Option<FaceAnchor>)> {
    harness
        .state()
        .editor
        .project
        .clips()
        .find_map(|(_, c)| match &c.content {
            ClipContent::Sticker { name, pin } => {
                Some((name.clone(), pin.as_ref().map(|p| p.anchor)))
            }
            _ => None,
        })
}

#[test]
fn the_gallery_finds_adds_at_the_playhead_and_pins_a_sticker_to_the_face() {
    let dir = tempfile::tempdir().unwrap();
    let walk = Walk {
        size: (960, 540),
        walk: 2.0,
        seconds: 2.0,
        gone: None,
    };
    let video = walk.video(dir.path(), "walk.mp4");
    let mut harness = harness_with(Some(video));
    harness.get_by_label("Open media…").click();
    step_until(&mut harness, |app| app.editor.project.clips().count() == 1);
    harness.state_mut().editor.playhead = Time::from_millis(500);
    harness.get_by_label("Stickers").click();
    harness.run_steps(3);

    let search = harness.get_by_role_and_label(Role::TextInput, "Search stickers");
    search.click();
    harness.run_steps(1);
    harness
        .get_by_role_and_label(Role::TextInput, "Search stickers")
        .type_text("glass");
    harness.run_steps(3);
    assert!(harness.query_by_label("Sticker sunglasses").is_some());
    assert!(
        harness.query_by_label("Sticker nerd").is_some(),
        "found by its words"
    );
    assert!(harness.query_by_label("Sticker crown").is_none());

    let steps = harness.state().editor.history.undo_len();
    harness.get_by_label("Sticker glasses").click();
    harness.run_steps(3);
    assert_eq!(sticker(&harness), Some(("glasses".to_owned(), None)));
    let editor = &harness.state().editor;
    assert_eq!(editor.history.undo_len(), steps + 1, "one undo step");
    let id = *editor.selection.iter().next().unwrap();
    assert_eq!(
        editor.project.clip(id).unwrap().start,
        Time::from_millis(500)
    );

    // The gallery beside the preview, which shows the sticker where it was put.
    harness.state_mut().layout.media_bin = false;
    step_until(&mut harness, |app| app.preview_settled());
    settle_for_snapshot(&mut harness);
    harness.snapshot_options(
        "sticker_gallery",
        &egui_kittest::SnapshotOptions::new().max_failed_pixels(64),
    );

    harness.get_by_label("Inspector").click();
    harness.run_steps(3);
    let steps = harness.state().editor.history.undo_len();
    harness.get_by_label("Pin to face").click();
    harness.run_steps(2);
    harness.get_by_label("Eyes (glasses)").click();
    step_until(&mut harness, |app| {
        app.editor
            .project
            .clip(id)
            .is_some_and(|c| matches!(&c.content, ClipContent::Sticker { pin: Some(_), .. }))
    });
    let clip = harness.state().editor.project.clip(id).unwrap().clone();
    let ClipContent::Sticker { pin: Some(pin), .. } = &clip.content else {
        unreachable!()
    };
    assert_eq!(pin.anchor, FaceAnchor::Eyes);
    assert!(
        pin.track.faces_found() * 10 >= pin.track.samples.len() * 8,
        "her face is found under the sticker: {} of {}",
        pin.track.faces_found(),
        pin.track.samples.len()
    );
    assert_eq!(harness.state().editor.history.undo_len(), steps + 1);

    // The preview with the glasses on her eyes, and the inspector with its choice.
    step_until(&mut harness, |app| app.preview_settled());
    settle_for_snapshot(&mut harness);
    harness.snapshot_options(
        "sticker_pinned",
        &egui_kittest::SnapshotOptions::new().max_failed_pixels(64),
    );

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(sticker(&harness), Some(("glasses".to_owned(), None)));
}
