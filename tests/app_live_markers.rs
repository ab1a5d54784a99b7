//! Live markers in the app: "Mark last 20 s" pressed while the test pattern records
//! lands, with the recording, as a range on the timeline that ends where it was pressed
//! (its pre-roll cut at the recording's start).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use clipwright::timeline::Time;
use common::app::{harness_with, record_test_pattern, step_until};
use egui_kittest::kittest::Queryable;

#[test]
fn mark_last_20_s_while_recording_becomes_a_range_on_the_timeline() {
    let mut harness = harness_with(None);
    record_test_pattern(&mut harness);
    let wait = |harness: &mut egui_kittest::Harness<'_, _>, ms| {
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(ms) {
            harness.step();
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait(&mut harness, 2000);
    harness.get_by_label("Mark last 20 s").click();
    wait(&mut harness, 1000);
    harness.get_by_label("■ Stop").click();
    // On the timeline while it recorded; in whole once the recording is finished.
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
    let end = marker.end().as_secs_f64();
    let length = project.sources[0].info.duration.as_secs_f64();
    assert!(
        (1.0..length - 0.3).contains(&end),
        "the range ends where it was marked, before the end ({length} s): {end}"
    );
    assert_eq!(marker.name, "Marker 1");
}
