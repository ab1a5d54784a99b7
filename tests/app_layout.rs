//! The window layout (panels shown, their sizes, the theme) survives a restart through
//! eframe's storage.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::app::{app_with, click_each, drag, Settings};
use egui_kittest::kittest::Queryable;

#[test]
fn a_restarted_app_comes_back_with_the_panels_and_theme_it_was_closed_with() {
    let mut first = app_with(Settings::default());
    first.run_steps(3);
    let before = first.state().layout.clone();
    assert!(before.dark && before.media_bin);

    // Widen the right-hand panel by dragging its left edge 100 points to the left.
    let edge = 1000.0 - before.inspector_width;
    drag(
        &mut first,
        egui::pos2(edge, 320.0),
        egui::pos2(edge - 100.0, 320.0),
    );
    let widened = first.state().layout.inspector_width;
    assert!(
        (widened - before.inspector_width - 100.0).abs() < 4.0,
        "the drag should widen the panel by about 100 points: {} → {widened}",
        before.inspector_width
    );

    // Hide the media bin and switch to the light theme through the View menu.
    click_each(&mut first, &["View", "Media bin", "View", "Light theme"]);
    first.run_steps(1);
    let closed_with = first.state().layout.clone();
    assert!(!closed_with.media_bin);
    assert!(!closed_with.dark);
    assert_eq!(first.ctx.theme(), egui::Theme::Light);

    let mut settings = Settings::default();
    eframe::App::save(first.state_mut(), &mut settings);
    drop(first);

    let mut second = app_with(settings);
    second.run_steps(3);
    let reopened = second.state().layout.clone();
    // (The test harness forces its own theme onto the context after the app starts, so
    // the remembered choice is read from the layout the app came back with.)
    assert_eq!(reopened.theme(), egui::Theme::Light);
    assert!(!reopened.media_bin && reopened.inspector && reopened.timeline);
    assert!(
        (reopened.inspector_width - closed_with.inspector_width).abs() < 1.0,
        "inspector width {} came back as {}",
        closed_with.inspector_width,
        reopened.inspector_width
    );
    assert!((reopened.timeline_height - closed_with.timeline_height).abs() < 1.0);
    assert!(
        second.query_by_label("Media").is_none(),
        "the hidden media bin stays hidden"
    );
}
