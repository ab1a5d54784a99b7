//! The preview driven through `egui_kittest`: the crop window dragged on the source, fit
//! and 100 % zoom.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::timeline::{ClipId, CropWindow, OutputId, ReframeMode};
use clipwright::ui::ClipwrightApp;
use common::app::{
    choose_in_combo, drag, harness_with, open_on_a_portrait_canvas, resize_canvas,
    settle_for_snapshot, step_until,
};
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;

/// A 4:3 clip on the timeline of a 9:16 project, with the preview's first frame drawn.
fn vertical_project_with_a_landscape_clip() -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_with(Some(common::fixture(&common::H264_AAC)));
    open_on_a_portrait_canvas(&mut harness, 2);
    harness
}

/// [`vertical_project_with_a_landscape_clip`] with the crop window shown; and the clip.
fn crop_window_of_a_landscape_clip() -> (Harness<'static, ClipwrightApp>, ClipId) {
    let mut harness = vertical_project_with_a_landscape_clip();
    let clip = harness.state().editor.project.tracks[0].clips[0].id;
    harness.get_by_label("Crop window").click();
    harness.run_steps(3);
    (harness, clip)
}

/// Drags the middle of the source view `dx` points to the right.
fn drag_source_view(harness: &mut Harness<'_, ClipwrightApp>, dx: f32) {
    let from = harness
        .get_by_label("Source with crop window")
        .rect()
        .center();
    drag(harness, from, from + egui::vec2(dx, 0.0));
}

/// `clip`'s crop window for the canvas at the playhead.
fn canvas_window(harness: &Harness<'_, ClipwrightApp>, clip: ClipId) -> CropWindow {
    let editor = &harness.state().editor;
    editor.project.clip(clip).unwrap().reframes[&OutputId::MAIN]
        .crop
        .value_at_or(editor.playhead, CropWindow::default())
}

#[test]
fn dragging_the_crop_window_moves_the_clips_reframe_in_one_undo_step() {
    let (mut harness, clip) = crop_window_of_a_landscape_clip();
    let source = harness.get_by_label("Source with crop window").rect();
    let canvas = harness.get_by_label("Preview").rect();
    assert!(
        source.right() <= canvas.left(),
        "the source sits beside the canvas"
    );
    let steps_before = harness.state().editor.history.undo_len();

    // A 320×240 source cut to 9:16 keeps a 135 px wide strip: its centre can go from
    // 0.21 to 0.79 of the width. Drag it a fifth of the width to the right.
    drag_source_view(&mut harness, source.width() * 0.2);

    let editor = &harness.state().editor;
    let reframe = editor.project.clip(clip).unwrap().reframes[&OutputId::MAIN].clone();
    assert_eq!(reframe.mode, ReframeMode::Fill, "a moved window fills");
    let window = reframe
        .crop
        .value_at_or(editor.playhead, CropWindow::default());
    assert!(
        (window.center_x - 0.7).abs() < 0.02,
        "centre should follow the pointer to 0.7, is {}",
        window.center_x
    );
    assert!((window.center_y - 0.5).abs() < 1e-9);
    assert_eq!(
        editor.history.undo_len(),
        steps_before + 1,
        "the whole drag is one undo step"
    );

    // Dragging far past the edge stops with the window against it.
    drag_source_view(&mut harness, 400.0);
    let window = canvas_window(&harness, clip);
    assert!(
        (window.center_x - (1.0 - 135.0 / 320.0 / 2.0)).abs() < 1e-6,
        "against the right edge: {}",
        window.center_x
    );

    // The source with the window against its right edge, and the canvas showing that part.
    // (The media bin, which shows this machine's fixture path, is hidden.)
    harness.state_mut().layout.media_bin = false;
    step_until(&mut harness, |app| app.crop_source_shown().is_some());
    // Both pictures are drawn on workers; give them time to deliver the latest request.
    settle_for_snapshot(&mut harness);
    harness.snapshot("crop_window_9x16");

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    let editor = &harness.state().editor;
    assert!(
        !editor
            .project
            .clip(clip)
            .unwrap()
            .reframes
            .contains_key(&OutputId::MAIN),
        "two undos bring back the fitted clip"
    );
}

#[test]
fn the_crop_window_is_offered_only_when_the_shapes_differ() {
    let mut harness = vertical_project_with_a_landscape_clip();
    assert!(!harness
        .get_by_label("Crop window")
        .accesskit_node()
        .is_disabled());
    resize_canvas(&mut harness, 640, 480);
    harness.run_steps(3);
    assert!(harness
        .get_by_label("Crop window")
        .accesskit_node()
        .is_disabled());
    assert!(harness.query_by_label("Source with crop window").is_none());
}

#[test]
fn zoom_100_percent_draws_one_canvas_pixel_per_screen_pixel() {
    let mut harness = vertical_project_with_a_landscape_clip();
    let fitted = harness.get_by_label("Preview").rect();
    assert!(
        fitted.height() < 640.0,
        "fit keeps the canvas inside the panel"
    );
    harness.get_by_label("100 %").click();
    harness.run_steps(3);
    let actual = harness.get_by_label("Preview").rect();
    let ppp = harness.ctx.pixels_per_point();
    assert_eq!(actual.width() * ppp, 1080.0);
    assert_eq!(actual.height() * ppp, 1920.0);
    harness.get_by_label("Fit view").click();
    harness.run_steps(3);
    assert_eq!(harness.get_by_label("Preview").rect(), fitted);
}

#[test]
fn the_crop_window_takes_the_shape_of_the_canvas_preset_chosen() {
    let (mut harness, clip) = crop_window_of_a_landscape_clip();
    // The 320×240 source keeps a window of the canvas's shape, 240 px high; dragged far to
    // the right it stops with its right side on the source's edge.
    for (preset, aspect) in [("1:1 square", 1.0), ("4:5 portrait", 0.8)] {
        choose_in_combo(&mut harness, "Size", preset);
        harness.run_steps(1);
        drag_source_view(&mut harness, 400.0);
        let window = canvas_window(&harness, clip);
        let half_width = 240.0 * aspect / 320.0 / 2.0;
        assert!(
            (window.center_x - (1.0 - half_width)).abs() < 1e-6,
            "{preset}: centre {} against the right edge",
            window.center_x
        );
    }
}

#[test]
fn switching_to_9x16_offers_to_fill_all_clips_in_one_undo_step_and_the_inspector_follows_the_crop()
{
    let file = common::fixture(&common::H264_AAC);
    let mut harness = common::app::harness_with_clips(&file, 2);
    step_until(&mut harness, |app| app.preview_settled());
    let clips: Vec<ClipId> = harness.state().editor.project.tracks[0]
        .clips
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(clips.len(), 2);
    let steps = harness.state().editor.history.undo_len();

    choose_in_combo(&mut harness, "Size", "9:16 vertical");
    harness.run_steps(1);
    harness.get_by_label("2 clips show bars on this canvas.");
    harness.get_by_label("Fill all clips").click();
    harness.run_steps(3);

    let editor = &harness.state().editor;
    for clip in &clips {
        let reframe = &editor.project.clip(*clip).unwrap().reframes[&OutputId::MAIN];
        assert_eq!(reframe.mode, ReframeMode::Fill);
        assert_eq!(
            reframe
                .crop
                .value_at_or(editor.playhead, CropWindow::default()),
            CropWindow::default(),
            "centred"
        );
    }
    // The canvas switch and the fill: two steps, the fill one of them.
    assert_eq!(editor.history.undo_len(), steps + 2);
    assert_eq!(editor.history.undo_label(), Some("Fill all clips"));
    assert!(
        harness.query_by_label("Fill all clips").is_none(),
        "answered"
    );

    // The crop window opened to adjust it; the inspector shows the same crop.
    harness.state_mut().editor.selection = [clips[0]].into();
    step_until(&mut harness, |app| app.crop_source_shown().is_some());
    harness.get_by_label("Shows 135×240 px of the source from (92, 0)");
    drag_source_view(&mut harness, 40.0);
    let window = canvas_window(&harness, clips[0]);
    assert!(window.center_x > 0.55, "moved right: {}", window.center_x);
    let x = window.center_x * 320.0 - 135.0 / 2.0;
    harness.get_by_label(&format!("Shows 135×240 px of the source from ({x:.0}, 0)"));

    // Undoing the drag, then the fill, puts the bars back on both clips.
    harness.state_mut().editor.undo().unwrap();
    harness.state_mut().editor.undo().unwrap();
    let editor = &harness.state().editor;
    for clip in &clips {
        assert!(editor.project.clip(*clip).unwrap().reframes.is_empty());
    }
}
