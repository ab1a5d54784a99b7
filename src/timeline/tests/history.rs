//! Unit tests for the undo history: undo and redo, one step per gesture, the step limit,
//! and edits that change nothing.

use super::fixtures::*;
use crate::timeline::*;

/// Applies `edits` to `p` through `h` as one gesture, as a drag does.
fn drag(h: &mut History, p: &mut Project, label: &str, edits: impl Iterator<Item = Edit>) {
    h.begin_gesture(label);
    for edit in edits {
        h.apply(p, edit).unwrap();
    }
    h.end_gesture();
}

#[test]
fn undo_restores_and_redo_replays() {
    let mut p = project();
    let mut h = History::default();
    h.apply(&mut p, split_clip(ClipId(2), s(15))).unwrap();
    h.apply(&mut p, Edit::RippleDelete { clip: ClipId(3) })
        .unwrap();
    let after = p.clone();
    assert_eq!(h.undo_label(), Some("Ripple delete"));
    assert!(h.undo(&mut p).unwrap() && h.undo(&mut p).unwrap());
    assert_eq!(p, project());
    assert!(!h.undo(&mut p).unwrap());
    assert!(h.redo(&mut p).unwrap() && h.redo(&mut p).unwrap());
    assert_eq!(p, after);
    assert!(!h.can_redo());
}

#[test]
fn a_whole_drag_is_one_undo_step() {
    let mut p = project();
    let mut h = History::default();
    let steps = (1..=20).map(|step| move_clip(ClipId(3), VIDEO, s(25) + ms(step * 100)));
    drag(&mut h, &mut p, "Move clip", steps);
    assert_eq!(h.undo_len(), 1);
    let saved = serde_json::to_string(&h).unwrap();
    assert!(
        saved.len() < 400,
        "a drag stores one small inverse, not twenty: {saved}"
    );
    assert_eq!(span(&p, 3).0, 27_000);
    h.undo(&mut p).unwrap();
    assert_eq!(p, project());
    h.redo(&mut p).unwrap();
    assert_eq!(span(&p, 3).0, 27_000);
}

#[test]
fn a_slider_drag_over_a_keyframe_and_a_trim_drag_are_one_step_each() {
    let mut p = project();
    let mut h = History::default();
    let opacities = (0..=10).map(|i| Edit::SetKeyframe {
        clip: ClipId(2),
        property: Property::Opacity,
        time: Time::ZERO,
        value: f64::from(i) / 10.0,
        interpolation: Interpolation::Linear,
    });
    drag(&mut h, &mut p, "Opacity", opacities);
    let trims = (1..=10).map(|i| trim(ClipId(1), Edge::Out, s(10) - ms(i * 100), false));
    drag(&mut h, &mut p, "Trim", trims);
    assert_eq!(h.undo_len(), 2);
    assert_eq!(span(&p, 1).1, 9_000);
    assert_eq!(span(&p, 11).1, 9_000, "the linked audio was trimmed along");
    h.undo(&mut p).unwrap();
    assert_eq!(span(&p, 11).1, 10_000);
    h.undo(&mut p).unwrap();
    assert_eq!(p, project());
}

#[test]
fn a_new_edit_after_undo_clears_redo() {
    let mut p = project();
    let mut h = History::default();
    h.apply(&mut p, Edit::RenameProject { name: "A".into() })
        .unwrap();
    h.undo(&mut p).unwrap();
    assert!(h.can_redo());
    h.apply(&mut p, Edit::RenameProject { name: "B".into() })
        .unwrap();
    assert!(!h.can_redo());
}

#[test]
fn history_keeps_at_most_its_limit_of_steps() {
    let mut p = project();
    let mut h = History::with_limit(3);
    for i in 0..10 {
        h.apply(
            &mut p,
            Edit::RenameProject {
                name: format!("{i}"),
            },
        )
        .unwrap();
    }
    assert_eq!(h.undo_len(), 3);
}

#[test]
fn an_edit_that_changes_nothing_takes_no_undo_step_and_keeps_redo() {
    let mut p = Project::new("t", Canvas::default());
    let mut h = History::default();
    h.apply(&mut p, Edit::RenameProject { name: "a".into() })
        .unwrap();
    h.undo(&mut p).unwrap();
    assert!(h.can_redo());

    let same = p.name.clone();
    let changed = h.apply(&mut p, Edit::RenameProject { name: same }).unwrap();

    assert!(!changed);
    assert!(!h.can_undo(), "renaming to the same name is no step");
    assert!(
        h.can_redo(),
        "and it does not throw away what can be redone"
    );
    let batch = Edit::Batch {
        edits: vec![
            Edit::RenameProject { name: "t".into() },
            Edit::SetCanvas {
                canvas: p.canvas.clone(),
            },
        ],
    };
    assert!(
        !h.apply(&mut p, batch).unwrap(),
        "a batch of no-ops is no step"
    );
    assert!(!h.can_undo());
}

#[test]
fn an_abandoned_gesture_reverts_its_edits_and_records_nothing() {
    let mut p = Project::new("t", Canvas::default());
    let mut h = History::default();
    h.apply(
        &mut p,
        Edit::RenameProject {
            name: "first".into(),
        },
    )
    .unwrap();
    h.begin_gesture("drag");
    h.apply(
        &mut p,
        Edit::RenameProject {
            name: "second".into(),
        },
    )
    .unwrap();
    h.abandon_gesture(&mut p).unwrap();
    assert_eq!(p.name, "first");
    assert_eq!(h.undo_len(), 1);
    assert_eq!(
        h.undo_label(),
        Some(
            Edit::RenameProject {
                name: String::new()
            }
            .label()
        )
    );
}
