//! The global recording hotkey on a real X11 desktop: pressed (by xdotool) while another
//! program's window has the focus, it still reaches us; other keys do not; a combination
//! another program holds is refused with a clear message.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clipwright::capture::{GlobalHotkey, Hotkey};
use common::desktop::Desktop;

fn press(desktop: &Desktop, keys: &str) {
    desktop.xdotool(&["key", keys]);
}

/// Gives the focus to the other program's window, "Live Stream".
fn focus_live_stream(desktop: &Desktop) {
    let window = desktop.find_windows("^Live Stream$").remove(0);
    desktop.xdotool(&["windowactivate", "--sync", &window]);
}

#[test]
fn the_hotkey_reaches_us_while_another_window_has_the_focus() {
    let desktop = Desktop::start();
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Live Stream");
    focus_live_stream(&desktop);

    let presses = Arc::new(AtomicUsize::new(0));
    let counter = presses.clone();
    let _hotkey = GlobalHotkey::grab(Some(&desktop.display), Hotkey::RECORD, move || {
        counter.fetch_add(1, Ordering::SeqCst);
    })
    .unwrap();

    press(&desktop, "ctrl+alt+t");
    press(&desktop, "r");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(presses.load(Ordering::SeqCst), 0, "other keys are not ours");

    press(&desktop, "ctrl+alt+r");
    desktop.wait_for(Duration::from_secs(5), || {
        presses.load(Ordering::SeqCst) == 1
    });
    std::thread::sleep(Duration::from_millis(400));
    // Caps Lock on does not hide the hotkey.
    press(&desktop, "Caps_Lock");
    press(&desktop, "ctrl+alt+r");
    press(&desktop, "Caps_Lock");
    desktop.wait_for(Duration::from_secs(5), || {
        presses.load(Ordering::SeqCst) == 2
    });
}

#[test]
fn a_hotkey_another_program_holds_is_refused_with_a_clear_message() {
    let desktop = Desktop::start();
    let _first = GlobalHotkey::grab(Some(&desktop.display), Hotkey::RECORD, || {}).unwrap();
    let e = GlobalHotkey::grab(Some(&desktop.display), Hotkey::RECORD, || {}).unwrap_err();
    assert!(e.to_string().contains("taken by another program"), "{e}");
}

#[test]
fn ctrl_alt_r_starts_and_stops_a_recording_in_the_app_from_another_window() {
    use clipwright::timeline::Time;
    use common::app::{choose_test_pattern, harness_with, step_until};

    let desktop = Desktop::start();
    // The app's recorder panel grabs the hotkey on $DISPLAY, as it would on a desktop.
    std::env::set_var("DISPLAY", &desktop.display);
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Live Stream");
    let mut harness = harness_with(None);
    choose_test_pattern(&mut harness);
    assert!(harness.state().recorder.hotkey_enabled());

    focus_live_stream(&desktop);
    press(&desktop, "ctrl+alt+r");
    step_until(&mut harness, |app| app.recorder.is_recording());
    // A second of it on the timeline before the second press.
    step_until(&mut harness, |app| {
        app.editor
            .project
            .sources
            .first()
            .is_some_and(|s| s.info.duration >= Time::from_secs(1))
    });
    press(&desktop, "ctrl+alt+r");
    // The clip is on the timeline from the start of the recording; it is in for good once
    // the recorder is idle again.
    step_until(&mut harness, |app| app.recorder.is_idle());
    assert_eq!(harness.state().editor.project.clips().count(), 1);
}
