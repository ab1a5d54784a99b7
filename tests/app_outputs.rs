//! One project, many outputs, driven through `egui_kittest`: the output switcher above
//! the preview adds, renames, switches and removes outputs (each undoable), the crop window
//! edits the output shown, and the export dialog writes one output or all of them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::timeline::{ClipId, CropWindow, Edit, OutputId, SafeArea};
use clipwright::ui::{ClipwrightApp, NoDialogs};
use common::app::{
    app_with_fixture_open, choose_export_output, choose_in_combo, drag, resize_canvas,
    settle_for_snapshot, step_until,
};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;

/// A 4:3 clip on the timeline of a 16:9 project, with the preview's first frame drawn; the
/// other file dialogs answer with `dialogs`.
fn landscape_project_with_a_clip(dialogs: NoDialogs) -> (Harness<'static, ClipwrightApp>, ClipId) {
    let mut harness = app_with_fixture_open(dialogs);
    harness.state_mut().editor.selection.clear();
    step_until(&mut harness, |app| app.preview_settled());
    let clip = harness.state().editor.project.tracks[0].clips[0].id;
    (harness, clip)
}

/// Opens the "Outputs" menu and clicks `path`'s items one after the other.
fn outputs_menu(harness: &mut Harness<'_, ClipwrightApp>, path: &[&str]) {
    harness.get_by_label("Outputs").click();
    harness.run_steps(2);
    for item in path {
        let node = harness.get_by_label(item);
        if path.last() == Some(item) {
            node.click();
        } else {
            node.hover();
        }
        harness.run_steps(3);
    }
}

/// Chooses the output whose title (`"Main · 1920×1080"`) is `title` in the switcher.
fn switch_to(harness: &mut Harness<'_, ClipwrightApp>, title: &str) {
    choose_in_combo(harness, "Output", title);
    step_until(harness, |app| app.preview_settled());
}

/// The preview picture's width over its height.
fn preview_aspect(harness: &Harness<'_, ClipwrightApp>) -> f32 {
    let rect = harness.get_by_label("Preview").rect();
    rect.width() / rect.height()
}

/// `clip`'s crop window for `output` at the playhead, if it has one.
fn window(
    harness: &Harness<'_, ClipwrightApp>,
    clip: ClipId,
    output: OutputId,
) -> Option<CropWindow> {
    let editor = &harness.state().editor;
    let reframe = editor.project.clip(clip)?.reframes.get(&output)?;
    Some(
        reframe
            .crop
            .value_at_or(editor.playhead, CropWindow::default()),
    )
}

/// Drags the middle of the source view by `by` points.
fn drag_source_view(harness: &mut Harness<'_, ClipwrightApp>, by: egui::Vec2) {
    let from = harness
        .get_by_label("Source with crop window")
        .rect()
        .center();
    drag(harness, from, from + by);
}

#[test]
fn outputs_are_added_renamed_switched_cropped_apart_and_removed_with_undo() {
    let (mut harness, clip) = landscape_project_with_a_clip(NoDialogs::default());
    assert!((preview_aspect(&harness) - 16.0 / 9.0).abs() < 0.02);
    let steps = harness.state().editor.history.undo_len();

    // Add a 9:16 output: the preview shows it at once, tall.
    outputs_menu(&mut harness, &["Add output", "9:16 vertical (1080×1920)"]);
    let tall = harness.state().editor.project.outputs[0].id;
    assert_eq!(
        harness.state().editor.output,
        tall,
        "the new output is shown"
    );
    step_until(&mut harness, |app| app.preview_settled());
    assert!(
        (preview_aspect(&harness) - 9.0 / 16.0).abs() < 0.02,
        "the preview takes the output's shape: {}",
        preview_aspect(&harness)
    );
    assert_eq!(
        harness.state().preview_shown_size().map(|(w, h)| w < h),
        Some(true)
    );

    // Rename it.
    outputs_menu(&mut harness, &["Rename…"]);
    let field = harness.get_by_role_and_label(Role::TextInput, "Output name");
    assert!(field.is_focused(), "typing replaces the old name");
    field.type_text("TikTok");
    harness.run_steps(1);
    harness.get_by_label("OK").click();
    harness.run_steps(2);
    assert_eq!(harness.state().editor.project.outputs[0].name, "TikTok");

    // Its subtitles sit above TikTok's buttons.
    outputs_menu(&mut harness, &["Subtitles above", "TikTok"]);
    assert_eq!(
        harness.state().editor.project.outputs[0].safe_area,
        SafeArea::TikTok
    );

    // The crop window moves this output's crop, to the right…
    harness.get_by_label("Crop window").click();
    step_until(&mut harness, |app| app.crop_source_shown().is_some());
    drag_source_view(&mut harness, egui::vec2(60.0, 0.0));
    let tall_window = window(&harness, clip, tall).expect("the 9:16 output is cropped");
    assert!(tall_window.center_x > 0.55, "moved right: {tall_window:?}");
    assert!(
        window(&harness, clip, OutputId::MAIN).is_none(),
        "main untouched"
    );

    // …and, with the main output shown, the main one's (a 16:9 strip of the 4:3 source) up:
    // each keeps its own.
    switch_to(&mut harness, "Main · 1920×1080");
    assert_eq!(harness.state().editor.output, OutputId::MAIN);
    assert!((preview_aspect(&harness) - 16.0 / 9.0).abs() < 0.02);
    step_until(&mut harness, |app| app.crop_source_shown().is_some());
    drag_source_view(&mut harness, egui::vec2(0.0, -30.0));
    let main_window = window(&harness, clip, OutputId::MAIN).expect("main is cropped");
    assert!(main_window.center_y < 0.45, "moved up: {main_window:?}");
    assert!((tall_window.center_y - 0.5).abs() < 1e-9);
    assert_eq!(
        window(&harness, clip, tall),
        Some(tall_window),
        "9:16 kept its own"
    );

    // The main output cannot be removed; the 9:16 one can, and undo brings it back whole.
    harness.get_by_label("Outputs").click();
    harness.run_steps(2);
    assert!(harness
        .get_by_label("Remove this output")
        .accesskit_node()
        .is_disabled());
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    switch_to(&mut harness, "TikTok · 1080×1920");
    outputs_menu(&mut harness, &["Remove this output"]);
    assert!(harness.state().editor.project.outputs.is_empty());
    assert_eq!(harness.state().editor.output().id, OutputId::MAIN);
    step_until(&mut harness, |app| app.preview_settled());
    assert!((preview_aspect(&harness) - 16.0 / 9.0).abs() < 0.02);

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    let project = &harness.state().editor.project;
    assert_eq!(project.outputs.len(), 1);
    assert_eq!(project.outputs[0].name, "TikTok");
    assert_eq!(window(&harness, clip, tall), Some(tall_window));
    // Add, rename, subtitle area, two crop drags, remove: six steps, one undone.
    assert_eq!(harness.state().editor.history.undo_len(), steps + 5);
}

#[test]
fn the_output_switcher_lists_the_projects_outputs() {
    let (mut harness, _) = landscape_project_with_a_clip(NoDialogs::default());
    outputs_menu(&mut harness, &["Add output", "9:16 vertical (1080×1920)"]);
    outputs_menu(&mut harness, &["Add output", "1:1 square (1080×1080)"]);
    assert_eq!(harness.state().editor.project.outputs.len(), 2);
    // (The media bin, which shows this machine's fixture path, is hidden.)
    harness.state_mut().layout.media_bin = false;
    harness.run_steps(2);
    switch_to(&mut harness, "9:16 vertical · 1080×1920");
    harness
        .get_by_role_and_label(Role::ComboBox, "Output")
        .click();
    settle_for_snapshot(&mut harness);
    harness.snapshot("output_switcher");
}

#[test]
fn the_export_dialog_writes_every_output_in_one_go_each_at_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cut.mp4");
    let (mut harness, _) = landscape_project_with_a_clip(NoDialogs {
        save_export: Some(out.clone()),
        ..Default::default()
    });
    outputs_menu(&mut harness, &["Add output", "9:16 vertical (1080×1920)"]);
    // Small sizes keep the export quick.
    resize_canvas(&mut harness, 320, 180);
    let editor = &mut harness.state_mut().editor;
    let mut outputs = editor.project.outputs.clone();
    (outputs[0].width, outputs[0].height) = (180, 320);
    editor.apply(Edit::SetOutputs { outputs }).unwrap();

    choose_export_output(&mut harness, Some("All 2 outputs, a file each"), &out);
    harness.get_by_label("Start export").click();
    step_until(&mut harness, |app| app.export.outcome.is_some());
    let written = harness.state().export.exported.clone();
    assert_eq!(
        written,
        vec![
            dir.path().join("cut-Main.mp4"),
            dir.path().join("cut-9-16-vertical.mp4")
        ]
    );
    for (path, size) in written.iter().zip([(320, 180), (180, 320)]) {
        let report = clipwright::media::probe(path).unwrap();
        let (_, video) = report.video().unwrap();
        assert_eq!((video.width, video.height), size, "{}", path.display());
    }
}
