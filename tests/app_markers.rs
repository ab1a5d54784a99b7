//! Markers driven through `egui_kittest`: adding, jumping, dragging, renaming (on the
//! ruler and in the marker list) and removing them, each change one undo step.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::timeline::Time;
use clipwright::ui::ClipwrightApp;
use common::app::{assert_one_step_then_undo, drag, harness_with_clips};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

fn marker_names(harness: &Harness<'_, ClipwrightApp>) -> Vec<String> {
    harness
        .state()
        .editor
        .project
        .markers
        .iter()
        .map(|m| m.name.clone())
        .collect()
}

/// One clip on the timeline and a marker made with M at each of `times`.
fn harness_with_markers(times: &[Time]) -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_with_clips(&common::fixture(&common::H264_AAC), 2);
    for &t in times {
        harness.state_mut().editor.playhead = t;
        harness.key_press(egui::Key::M);
        harness.run_steps(2);
    }
    harness.state_mut().editor.playhead = Time::ZERO;
    harness.run_steps(1);
    harness
}

/// Double-clicks the middle of the node labelled `label` (role button): both clicks in
/// one frame, since the harness lets a quarter second pass between frames.
fn double_click(harness: &mut Harness<'_, ClipwrightApp>, label: &str) {
    let pos = harness
        .get_by_role_and_label(Role::Button, label)
        .rect()
        .center();
    harness.hover_at(pos);
    harness.run_steps(1);
    let events = &mut harness.input_mut().events;
    for _ in 0..2 {
        for pressed in [true, false] {
            events.push(egui::Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: egui::Modifiers::NONE,
            });
        }
    }
    harness.run_steps(3);
}

/// Types `text` into the focused marker name field and presses `key` (Enter or Escape).
fn type_marker_name(harness: &mut Harness<'_, ClipwrightApp>, text: &str, key: egui::Key) {
    let field = harness.get_by_role_and_label(Role::TextInput, "Marker name");
    assert!(field.is_focused(), "the name field takes the keyboard");
    field.type_text(text);
    harness.run_steps(1);
    harness.key_press(key);
    harness.run_steps(2);
}

#[test]
fn m_adds_a_marker_that_a_click_jumps_to_a_drag_moves_and_its_menu_removes() {
    let mut harness = harness_with_clips(&common::fixture(&common::H264_AAC), 1);
    harness.state_mut().editor.playhead = Time::from_secs(1);
    harness.key_press(egui::Key::M);
    harness.run_steps(2);
    let markers = |h: &Harness<'_, ClipwrightApp>| h.state().editor.project.markers.clone();
    assert_eq!(markers(&harness).len(), 1);
    assert_eq!(markers(&harness)[0].time, Time::from_secs(1));

    harness.state_mut().editor.playhead = Time::ZERO;
    harness.get_by_label("Marker 1").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().editor.playhead,
        Time::from_secs(1),
        "click jumps"
    );

    let steps = harness.state().editor.history.undo_len();
    let half_second = harness.get_by_label("Clip 1: h264_aac.mp4").rect().width() / 4.0;
    let from = harness.get_by_label("Marker 1").rect().center();
    drag(&mut harness, from, from + egui::vec2(half_second, 0.0));
    let moved = markers(&harness)[0].time;
    assert!(
        (Time::from_millis(1450)..Time::from_millis(1550)).contains(&moved),
        "dragged to {moved}"
    );
    assert_one_step_then_undo(&mut harness, steps, "one step");
    assert_eq!(
        markers(&harness)[0].time,
        Time::from_secs(1),
        "undo puts it back"
    );

    harness.get_by_label("Marker 1").click_secondary();
    harness.run_steps(2);
    harness.get_by_label("Remove marker").click();
    harness.run_steps(2);
    assert!(markers(&harness).is_empty(), "its menu removes it");
    assert!(harness.query_by_label("Marker 1").is_none());
}

#[test]
fn a_moved_clip_snaps_to_a_marker() {
    let mut harness = harness_with_clips(&common::fixture(&common::H264_AAC), 2);
    // A marker at 3 s, then drag the second clip (2–4 s) so its start comes near it.
    harness.state_mut().editor.playhead = Time::from_secs(3);
    harness.get_by_label("Add marker").click();
    harness.run_steps(2);
    harness.state_mut().editor.playhead = Time::ZERO;
    let clip = harness.get_by_label("Clip 3: h264_aac.mp4").rect();
    let px_per_sec = clip.width() / 2.0;
    let from = clip.center();
    drag(
        &mut harness,
        from,
        from + egui::vec2(px_per_sec * 0.97, 0.0),
    );
    let start = harness
        .state()
        .editor
        .project
        .clip(clipwright::timeline::ClipId(3))
        .unwrap()
        .start;
    assert_eq!(start, Time::from_secs(3), "snapped to the marker");
}

#[test]
fn delete_right_after_m_removes_the_new_marker_and_no_clip() {
    use clipwright::timeline::ClipId;
    let mut harness = harness_with_clips(&common::fixture(&common::H264_AAC), 1);
    harness.state_mut().editor.selection = [ClipId(1)].into();
    harness.state_mut().editor.playhead = Time::from_secs(1);
    harness.key_press(egui::Key::M);
    harness.run_steps(2);
    assert_eq!(harness.state().editor.project.markers.len(), 1);
    harness.key_press(egui::Key::Delete);
    harness.run_steps(2);
    let project = &harness.state().editor.project;
    assert!(project.markers.is_empty(), "Delete removed the marker");
    assert_eq!(project.clips().count(), 2, "and left the clips alone");
}

#[test]
fn double_clicking_a_marker_renames_it_in_one_undo_step() {
    let mut harness = harness_with_markers(&[Time::from_secs(1)]);
    let steps = harness.state().editor.history.undo_len();
    double_click(&mut harness, "Marker 1");
    type_marker_name(&mut harness, "Intro", egui::Key::Enter);
    assert_eq!(
        marker_names(&harness),
        ["Intro"],
        "typing replaced the old name"
    );
    assert!(
        harness.query_by_label("Marker name").is_none(),
        "the field closed"
    );
    harness.get_by_role_and_label(Role::Button, "Intro");
    assert_eq!(harness.state().editor.history.undo_len(), steps + 1);
    assert_eq!(
        harness.state().editor.history.undo_label(),
        Some("Rename marker")
    );

    // Escape leaves the name alone.
    double_click(&mut harness, "Intro");
    type_marker_name(&mut harness, "Oops", egui::Key::Escape);
    assert_eq!(marker_names(&harness), ["Intro"]);
    assert_eq!(harness.state().editor.history.undo_len(), steps + 1);

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(
        marker_names(&harness),
        ["Marker 1"],
        "undo brings the old name back"
    );
}

#[test]
fn a_markers_context_menu_renames_it() {
    let mut harness = harness_with_markers(&[Time::from_secs(1)]);
    harness.get_by_label("Marker 1").click_secondary();
    harness.run_steps(2);
    harness.get_by_label("Rename marker…").click();
    harness.run_steps(3);
    type_marker_name(&mut harness, "  Big moment ", egui::Key::Enter);
    assert_eq!(marker_names(&harness), ["Big moment"], "trimmed");

    // A name typed away to nothing keeps the old one.
    harness.get_by_label("Big moment").click_secondary();
    harness.run_steps(2);
    harness.get_by_label("Rename marker…").click();
    harness.run_steps(3);
    harness.key_press(egui::Key::Backspace);
    harness.run_steps(1);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
    assert_eq!(marker_names(&harness), ["Big moment"]);
}

#[test]
fn the_marker_list_jumps_to_renames_and_removes_markers() {
    let (one, three) = (Time::from_secs(1), Time::from_secs(3));
    // Added out of order: the list goes by time.
    let mut harness = harness_with_markers(&[three, one]);
    assert_eq!(marker_names(&harness), ["Marker 2", "Marker 1"]);
    harness.get_by_label("Marker list").click();
    harness.run_steps(2);
    let rate = harness.state().editor.project.canvas.frame_rate;
    let (at_one, at_three) = (one.to_timecode(rate), three.to_timecode(rate));
    let rows: Vec<f32> = [&at_one, &at_three]
        .iter()
        .map(|t| {
            harness
                .get_by_role_and_label(Role::Button, t)
                .rect()
                .center()
                .y
        })
        .collect();
    assert!(rows[0] < rows[1], "earlier markers are listed first");
    let name_y = |name| {
        harness
            .get_by_role_and_label(Role::Label, name)
            .rect()
            .center()
            .y
    };
    assert_eq!(name_y("Marker 2"), rows[0], "each name beside its time");
    assert_eq!(name_y("Marker 1"), rows[1]);

    // (The playhead's own timecode shows as a label, not a button.)
    harness
        .get_by_role_and_label(Role::Button, &at_three)
        .click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().editor.playhead,
        three,
        "a click jumps there"
    );

    harness.get_all_by_label("Rename…").nth(1).unwrap().click();
    harness.run_steps(3);
    type_marker_name(&mut harness, "Outro", egui::Key::Enter);
    assert_eq!(marker_names(&harness), ["Marker 2", "Outro"]);

    let steps = harness.state().editor.history.undo_len();
    harness.get_all_by_label("Remove").next().unwrap().click();
    harness.run_steps(2);
    assert_eq!(marker_names(&harness), ["Outro"]);
    assert!(
        harness
            .query_by_role_and_label(Role::Button, &at_one)
            .is_none(),
        "its row is gone"
    );
    assert_eq!(harness.state().editor.history.undo_len(), steps + 1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(marker_names(&harness), ["Marker 2", "Outro"]);

    // The list closes with its toggle.
    harness.get_by_label("Marker list").click();
    harness.run_steps(2);
    assert!(harness
        .query_by_role_and_label(Role::Button, &at_three)
        .is_none());
}
