//! The recorder panel's global hotkeys, pressed through `FakeHotkeys`, so no display is
//! needed: Ctrl+Alt+R starts and stops a recording of the test pattern, Ctrl+Alt+M drops a
//! marker whose pre-roll reaches back to the recording's start, and a key another program
//! holds is named in the panel. The real grab on an X desktop is `tests/capture_hotkey.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use clipwright::capture::{FakeHotkeys, Hotkey, Hotkeys};
use clipwright::timeline::Time;
use clipwright::ui::ClipwrightApp;
use common::app::{choose_test_pattern, harness_with, record_until, recorded, step_until};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// The app whose recorder panel takes its hotkeys from `keys`, with the panel open, the test
/// pattern chosen and no countdown.
fn recorder_with(keys: &FakeHotkeys) -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_with(None);
    harness.state_mut().recorder.hotkeys = Arc::new(keys.clone());
    choose_test_pattern(&mut harness);
    harness
}

#[test]
fn ctrl_alt_r_records_and_stops_and_ctrl_alt_m_marks_the_last_seconds() {
    let keys = FakeHotkeys::new();
    let mut harness = recorder_with(&keys);
    assert!(harness.state().recorder.hotkey_enabled());
    for key in [Hotkey::RECORD, Hotkey::MARK, Hotkey::SAVE_REPLAY] {
        assert!(keys.is_held(key), "{key:?} is grabbed when the panel opens");
    }

    assert!(keys.press(Hotkey::RECORD));
    step_until(&mut harness, |app| app.recorder.is_recording());
    // A second of it on the timeline, then the marker.
    record_until(&mut harness, Time::from_secs(1));
    let before_mark = recorded(harness.state());
    assert!(keys.press(Hotkey::MARK));
    harness.run_steps(2);
    harness.get_by_label_contains("Marker 1 at");
    // Recorded past the marker, then stopped by the hotkey.
    record_until(&mut harness, before_mark + Time::from_secs(1));
    assert!(keys.press(Hotkey::RECORD));
    step_until(&mut harness, |app| {
        app.recorder.is_idle()
            && app.live_recording().is_none()
            && app.editor.project.clips().count() == 1
    });

    let project = &harness.state().editor.project;
    let [marker] = project.markers.as_slice() else {
        panic!("one marker: {:?}", project.markers);
    };
    // The recording was placed at 0; 20 s of pre-roll reach back to its start.
    assert_eq!(marker.time, Time::ZERO);
    let (end, length) = (marker.end(), project.sources[0].info.duration);
    assert!(
        before_mark <= end && end < length,
        "the range ends where it was marked ({before_mark:?} on the timeline then), before \
         the end ({length:?}): {end:?}"
    );
}

#[test]
fn a_hotkey_another_program_holds_is_named_in_the_panel_and_the_others_still_work() {
    let keys = FakeHotkeys::new();
    let _other_program = keys.grab(Hotkey::RECORD, Arc::new(|| {})).unwrap();
    let harness = recorder_with(&keys);
    assert!(!harness.state().recorder.hotkey_enabled());
    harness.get_by_label_contains("No Ctrl+Alt+R hotkey: the hotkey is taken by another program");
    assert!(keys.is_held(Hotkey::MARK) && keys.is_held(Hotkey::SAVE_REPLAY));
}
