//! The recorder panel's defaults: a picked window records its own sound, the choices come
//! back after a restart, a thumbnail click selects, Clipwright gets out of the way while
//! it records, and the panel closes once the recording is in the editor.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::timeline::Time;
use clipwright::ui::{Sound, SourceKind};
use common::app::{
    app_with, click_each, open_recorder, pattern_index, record_test_pattern, record_until,
    stop_recording, Settings,
};
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
    click_each(
        &mut first,
        &[
            "All system sound",
            "Crop to fill",
            "3 s countdown",
            "Hide Clipwright while recording",
            "Show the pointer",
        ],
    );
    // A click on the picture (not only the title) selects it. Scrolled into view first:
    // windows of a desktop the tests start may come before it in the list.
    first.get_by_label("Picture of Test pattern").scroll_to_me();
    first.run_steps(2);
    click_each(&mut first, &["Picture of Test pattern"]);
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
    record_test_pattern(&mut harness);
    assert!(harness.state().recorder.hidden_for_recording, "minimised");
    record_until(&mut harness, Time::from_secs(1));
    stop_recording(&mut harness);
    let app = harness.state();
    assert!(!app.recorder.open, "the panel closed");
    assert!(!app.recorder.hidden_for_recording, "the app came back");
    assert!(app.recorder.is_idle());
}
