//! The recorder panel's defaults: a picked window records its own sound, the choices come
//! back after a restart, a thumbnail click selects, Clipwright gets out of the way while
//! it records, and the panel closes once the recording is in the editor.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use clipwright::ui::{Sound, SourceKind};
use common::app::{app_with, open_recorder, pattern_index, step_until, Settings};
use egui_kittest::kittest::Queryable;

#[test]
fn a_fresh_panel_records_the_picked_windows_own_sound() {
    let mut harness = app_with(Settings::default());
    open_recorder(&mut harness);
    assert_eq!(harness.state().recorder.settings.sound, Sound::ThisWindow);
    assert!(harness.state().recorder.settings.hide_while_recording);
    harness.get_by_label("This window's sound");
    harness.get_by_label("Hide Clipwright while recording");
}

#[test]
fn the_panels_choices_and_kind_of_source_come_back_after_a_restart() {
    let mut first = app_with(Settings::default());
    open_recorder(&mut first);
    for label in [
        "All system sound",
        "Crop to fill",
        "3 s countdown",
        "Hide Clipwright while recording",
        "Show the pointer",
    ] {
        first.get_by_label(label).click();
        first.run_steps(2);
    }
    // A click on the picture (not only the title) selects it. Scrolled into view first:
    // windows of a desktop the tests start may come before it in the list.
    first.get_by_label("Picture of Test pattern").scroll_to_me();
    first.run_steps(2);
    first.get_by_label("Picture of Test pattern").click();
    first.run_steps(2);
    let chosen = first.state().recorder.settings.clone();
    assert_eq!(
        first.state().recorder.selected,
        pattern_index(first.state())
    );
    assert_eq!(chosen.sound, Sound::AllSystem);
    assert!(chosen.crop && !chosen.countdown && !chosen.hide_while_recording && !chosen.cursor);
    assert_eq!(chosen.source, SourceKind::TestPattern);

    let mut settings = Settings::default();
    eframe::App::save(first.state_mut(), &mut settings);
    drop(first);

    let mut second = app_with(settings);
    open_recorder(&mut second);
    assert_eq!(second.state().recorder.settings, chosen);
    assert_eq!(
        second.state().recorder.selected,
        pattern_index(second.state()),
        "the kind of source picked last time is picked again"
    );
}

#[test]
fn recording_hides_the_app_and_the_panel_closes_when_the_recording_is_in() {
    let mut harness = app_with(Settings::default());
    open_recorder(&mut harness);
    let app = harness.state_mut();
    app.recorder.selected = pattern_index(app);
    app.recorder.set_countdown(false);
    harness.run_steps(2);
    harness.get_by_label("● Record").click();
    step_until(&mut harness, |app| app.recorder.is_recording());
    assert!(harness.state().recorder.hidden_for_recording, "minimised");
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(1500) {
        harness.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    harness.get_by_label("■ Stop").click();
    // On the timeline while it recorded; in whole once the recording is finished.
    step_until(&mut harness, |app| {
        app.recorder.is_idle()
            && app.live_recording().is_none()
            && app.editor.project.clips().count() >= 1
    });
    let app = harness.state();
    assert!(!app.recorder.open, "the panel closed");
    assert!(!app.recorder.hidden_for_recording, "the app came back");
    assert!(app.recorder.is_idle());
}
