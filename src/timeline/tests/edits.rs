//! Unit tests for the clip editing operations: move, insert, split, trim, ripple, roll,
//! ripple delete, close gap and effects.

use super::fixtures::*;
use crate::timeline::validate::validate;
use crate::timeline::*;

/// Applies `edit` to the project `p`, which must refuse it with an error matching
/// `pattern`.
macro_rules! assert_refused {
    ($p:expr, $edit:expr, $pattern:pat) => {{
        let err = apply($p, $edit);
        assert!(matches!(err, Err($pattern)), "{err:?}");
    }};
}

/// Applies `edit`, checks the result is valid, undoes it and checks the project is back.
pub(crate) fn apply_and_undo(p: &mut Project, edit: Edit) {
    let before = p.clone();
    let inverse = run(p, edit);
    assert_eq!(validate(p), Ok(()));
    run(p, inverse);
    assert_eq!(*p, before, "undo did not restore the project");
}

#[test]
fn the_fixture_project_is_valid() {
    assert_eq!(validate(&project()), Ok(()));
}

#[test]
fn moving_a_clip_moves_its_linked_audio_by_the_same_amount() {
    let mut p = project();
    run(&mut p, move_clip(ClipId(1), VIDEO, ms(-0) + s(40)));
    assert_eq!(span(&p, 1), (40_000, 50_000, 0, 10_000));
    assert_eq!(span(&p, 11), (40_000, 50_000, 0, 10_000));
    apply_and_undo(&mut p, move_clip(ClipId(11), AUDIO, s(50)));
}

#[test]
fn moving_a_clip_onto_another_is_refused_and_changes_nothing() {
    let mut p = project();
    let before = p.clone();
    assert_refused!(
        &mut p,
        move_clip(ClipId(3), VIDEO, s(15)),
        EditError::Overlap { track: VIDEO, .. }
    );
    assert_eq!(p, before);
}

#[test]
fn moving_a_clip_before_zero_is_refused() {
    let mut p = project();
    let err = apply(&mut p, move_clip(ClipId(2), VIDEO, s(-1)));
    assert_eq!(err, Err(EditError::BeforeZero));
}

#[test]
fn a_clip_can_move_to_another_track_of_a_fitting_kind_only() {
    let mut p = project();
    apply_and_undo(&mut p, move_clip(ClipId(3), OVERLAY, s(40)));
    assert_refused!(
        &mut p,
        move_clip(ClipId(21), AUDIO, s(40)),
        EditError::WrongTrackKind { .. }
    );
}

#[test]
fn inserting_a_clip_of_an_unknown_source_is_refused() {
    let mut p = project();
    let clip = Clip::media(ClipId(99), SourceId(42), s(40), s(0), s(1));
    assert_eq!(
        apply(&mut p, Edit::InsertClip { track: VIDEO, clip }),
        Err(EditError::NoSuchSource(SourceId(42)))
    );
}

#[test]
fn splitting_a_clip_makes_two_clips_that_show_the_same_frames() {
    let mut p = project();
    let before = p.clone();
    run(&mut p, split_clip(ClipId(2), s(14)));
    assert_eq!(span(&p, 2), (10_000, 14_000, 20_000, 24_000));
    let new = p.next_clip_id().0 - 1;
    assert_eq!(span(&p, new), (14_000, 20_000, 24_000, 30_000));
    for t in [s(10), s(13), s(14), ms(19_999)] {
        let old = before.active_clips_at(t)[0].source_time();
        let now = p.active_clips_at(t)[0].source_time();
        assert_eq!(old, now, "at {t}");
    }
    apply_and_undo(&mut p, split_clip(ClipId(3), s(27)));
}

#[test]
fn splitting_a_linked_clip_splits_its_audio_too_and_links_the_right_halves() {
    let mut p = project();
    run(&mut p, split_clip(ClipId(1), s(4)));
    let audio = &p.track(AUDIO).unwrap().clips;
    assert_eq!(audio.len(), 2);
    let video_right = p.track(VIDEO).unwrap().clip_at(s(5)).unwrap();
    assert_eq!(video_right.link, audio[1].link);
    assert_ne!(video_right.link, audio[0].link);
    assert_eq!(p.linked_clips(video_right.id).len(), 2);
}

#[test]
fn splitting_outside_a_clip_is_refused() {
    let mut p = project();
    assert_refused!(
        &mut p,
        split_clip(ClipId(2), s(20)),
        EditError::OutsideRange { .. }
    );
}

#[test]
fn splitting_keeps_animation_continuous_across_the_cut() {
    let mut p = project();
    run(
        &mut p,
        Edit::ApplyPreset {
            clip: ClipId(2),
            preset: "Ken Burns zoom in".into(),
            duration: s(1),
        },
    );
    let before = p.clone();
    run(&mut p, split_clip(ClipId(2), s(15)));
    for t in [s(12), s(15), s(17)] {
        let a = before.active_clips_at(t)[0].transform().scale.x;
        let b = p.active_clips_at(t)[0].transform().scale.x;
        assert!((a - b).abs() < 1e-9, "at {t}: {a} vs {b}");
    }
}

#[test]
fn trimming_the_in_point_keeps_the_end_and_moves_the_source() {
    let mut p = project();
    run(&mut p, trim(ClipId(2), Edge::In, s(12), false));
    assert_eq!(span(&p, 2), (12_000, 20_000, 22_000, 30_000));
    apply_and_undo(&mut p, trim(ClipId(2), Edge::Out, s(18), false));
}

#[test]
fn trimming_stops_at_the_ends_of_the_media() {
    let mut p = project();
    // Clip 3 uses source 40–45 s of a 60 s recording: the out-point can grow by 15 s only.
    run(&mut p, trim(ClipId(3), Edge::Out, s(100), false));
    assert_eq!(span(&p, 3), (25_000, 45_000, 40_000, 60_000));
    // Clip 2 starts at source 20 s but a neighbour ends at 10 s on the timeline.
    run(&mut p, trim(ClipId(2), Edge::In, s(0), false));
    assert_eq!(span(&p, 2).0, 10_000);
}

#[test]
fn trimming_a_linked_clip_trims_its_partner_on_the_shared_edge() {
    let mut p = project();
    run(&mut p, trim(ClipId(1), Edge::Out, s(8), false));
    assert_eq!(span(&p, 1), (0, 8_000, 0, 8_000));
    assert_eq!(span(&p, 11), (0, 8_000, 0, 8_000));
}

#[test]
fn ripple_trim_shifts_the_clips_after_it() {
    let mut p = project();
    run(&mut p, trim(ClipId(2), Edge::Out, s(16), true));
    assert_eq!(span(&p, 2), (10_000, 16_000, 20_000, 26_000));
    assert_eq!(span(&p, 3).0, 21_000);
    run(&mut p, trim(ClipId(2), Edge::In, s(12), true));
    assert_eq!(span(&p, 2), (10_000, 14_000, 22_000, 26_000));
    assert_eq!(span(&p, 3).0, 19_000);
    apply_and_undo(&mut p, trim(ClipId(2), Edge::Out, s(18), true));
}

#[test]
fn a_roll_edit_moves_the_cut_between_two_adjacent_clips() {
    let mut p = project();
    run(&mut p, roll_edit(ClipId(1), s(8)));
    assert_eq!(span(&p, 1), (0, 8_000, 0, 8_000));
    assert_eq!(span(&p, 2), (8_000, 20_000, 18_000, 30_000));
    run(&mut p, roll_edit(ClipId(1), s(9)));
    assert_eq!(span(&p, 1).1, 9_000);
    assert_eq!(span(&p, 2).0, 9_000);
    assert_eq!(
        apply(&mut p, roll_edit(ClipId(3), s(27))),
        Err(EditError::NotAdjacent(ClipId(3)))
    );
}

#[test]
fn ripple_delete_removes_the_clip_and_its_audio_and_closes_the_hole() {
    let mut p = project();
    let inverse = run(&mut p, Edit::RippleDelete { clip: ClipId(1) });
    assert!(p.clip(ClipId(1)).is_none() && p.clip(ClipId(11)).is_none());
    assert_eq!(span(&p, 2).0, 0);
    assert_eq!(span(&p, 3).0, 15_000);
    run(&mut p, inverse);
    assert_eq!(p, project());
}

#[test]
fn closing_a_gap_pulls_the_later_clips_left() {
    let mut p = project();
    apply_and_undo(&mut p, close_gap(VIDEO, s(22)));
    run(&mut p, close_gap(VIDEO, s(22)));
    assert_eq!(span(&p, 3).0, 20_000);
    assert_refused!(
        &mut p,
        close_gap(VIDEO, s(5)),
        EditError::OutsideRange { .. }
    );
}

#[test]
fn edits_are_stored_as_readable_externally_tagged_json() {
    let edit = Edit::MoveClip {
        clip: ClipId(3),
        track: VIDEO,
        start: Time::ZERO,
    };
    let json = serde_json::to_string(&edit).unwrap();
    assert_eq!(json, r#"{"move_clip":{"clip":3,"track":1,"start":0}}"#);
    assert_eq!(serde_json::from_str::<Edit>(&json).unwrap(), edit);
}

#[test]
fn setting_effects_is_one_undoable_step_that_restores_the_old_ones() {
    let mut p = project();
    let keyed = Effects {
        chroma_key: Some(ChromaKey::green()),
        blur: Some(Blur { sigma: 4.0 }),
        ..Effects::default()
    };
    apply_and_undo(
        &mut p,
        Edit::SetEffects {
            clip: ClipId(2),
            effects: keyed.clone(),
        },
    );
    let mut history = History::default();
    // A slider drag: many values, one step.
    history.begin_gesture("Change effects");
    for sigma in [1.0, 2.0, 3.0] {
        let effects = Effects {
            blur: Some(Blur { sigma }),
            ..keyed.clone()
        };
        history
            .apply(
                &mut p,
                Edit::SetEffects {
                    clip: ClipId(2),
                    effects,
                },
            )
            .unwrap();
    }
    history.end_gesture();
    assert_eq!(
        p.clip(ClipId(2)).unwrap().effects.blur,
        Some(Blur { sigma: 3.0 })
    );
    assert_eq!(history.undo_labels(), vec!["Change effects"]);
    history.undo(&mut p).unwrap();
    assert!(p.clip(ClipId(2)).unwrap().effects.is_empty());
}

#[test]
fn effects_outside_their_range_or_on_text_clips_are_refused() {
    let mut p = project();
    let before = p.clone();
    let bad = Effects {
        color: Some(ColorAdjust {
            saturation: 5.0,
            ..ColorAdjust::default()
        }),
        ..Effects::default()
    };
    let err = apply(
        &mut p,
        Edit::SetEffects {
            clip: ClipId(2),
            effects: bad,
        },
    );
    assert!(
        matches!(&err, Err(EditError::Invalid(m)) if m.contains("saturation")),
        "{err:?}"
    );
    let err = apply(
        &mut p,
        Edit::SetEffects {
            clip: ClipId(21),
            effects: Effects {
                blur: Some(Blur { sigma: 1.0 }),
                ..Effects::default()
            },
        },
    );
    assert!(matches!(err, Err(EditError::Invalid(_))), "{err:?}");
    assert_eq!(p, before);
}
