//! Live markers in the app: "Mark last 20 s" pressed while the test pattern records
//! lands, with the recording, as a range on the timeline that ends where it was pressed
//! (its pre-roll cut at the recording's start).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::timeline::Time;
use common::app::{harness_with, record_test_pattern, record_until, step_until, stop_recording};
use egui_kittest::kittest::Queryable;

#[test]
fn mark_last_20_s_while_recording_becomes_a_range_on_the_timeline() {
    let mut harness = harness_with(None);
    record_test_pattern(&mut harness);
    record_until(&mut harness, Time::from_millis(1500));
    harness.get_by_label("Mark last 20 s").click();
    // The marker comes onto the timeline once what it covers is there; then a little more.
    step_until(&mut harness, |app| app.editor.project.markers.len() == 1);
    let end = harness.state().editor.project.markers[0].end();
    record_until(&mut harness, end + Time::from_millis(500));
    stop_recording(&mut harness);
    assert_eq!(harness.state().editor.project.clips().count(), 1);

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
