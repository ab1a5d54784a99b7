//! Unit tests for the rest of the model's edits (locks, keyframes, presets, outputs,
//! sources, tracks, subtitles, markers) and the evaluation API.

use super::edits::apply_and_undo;
use super::fixtures::*;
use crate::timeline::snap::{cue_snap_targets, snap_clip_start, snap_targets, SnapKind};
use crate::timeline::*;

#[test]
fn locked_tracks_refuse_edits_until_unlocked() {
    let mut p = project();
    run(
        &mut p,
        Edit::SetTrackFlags {
            id: VIDEO,
            muted: None,
            locked: Some(true),
            hidden: None,
        },
    );
    let err = apply(&mut p, split_clip(ClipId(2), s(15)));
    assert_eq!(err, Err(EditError::TrackLocked(VIDEO)));
    let err = apply(
        &mut p,
        Edit::SetKeyframe {
            clip: ClipId(2),
            property: Property::Opacity,
            time: Time::ZERO,
            value: 0.5,
            interpolation: Interpolation::Hold,
        },
    );
    assert_eq!(err, Err(EditError::TrackLocked(VIDEO)));
    run(
        &mut p,
        Edit::SetTrackFlags {
            id: VIDEO,
            muted: None,
            locked: Some(false),
            hidden: None,
        },
    );
    run(&mut p, split_clip(ClipId(2), s(15)));
}

#[test]
fn keyframes_can_be_added_moved_and_removed() {
    let mut p = project();
    let key = |time, value| Edit::SetKeyframe {
        clip: ClipId(2),
        property: Property::PositionX,
        time,
        value,
        interpolation: Interpolation::EaseInOut,
    };
    run(&mut p, key(s(0), -0.5));
    run(&mut p, key(s(2), 0.5));
    assert_eq!(
        p.clip(ClipId(2)).unwrap().transform_at(s(11)).position.x,
        0.0
    );
    run(
        &mut p,
        Edit::MoveKeyframe {
            clip: ClipId(2),
            property: Property::PositionX,
            from: s(2),
            to: s(4),
        },
    );
    assert_eq!(
        p.clip(ClipId(2)).unwrap().transform_at(s(14)).position.x,
        0.5
    );
    apply_and_undo(
        &mut p,
        Edit::RemoveKeyframe {
            clip: ClipId(2),
            property: Property::PositionX,
            time: s(0),
        },
    );
    let err = apply(
        &mut p,
        Edit::RemoveKeyframe {
            clip: ClipId(2),
            property: Property::PositionX,
            time: s(1),
        },
    );
    assert!(matches!(err, Err(EditError::NoSuchKeyframe { .. })));
    let err = apply(&mut p, key(s(1), f64::NAN));
    assert!(err.is_err());
}

#[test]
fn a_preset_becomes_ordinary_editable_keyframes() {
    let mut p = project();
    run(
        &mut p,
        Edit::ApplyPreset {
            clip: ClipId(21),
            preset: "Pop in".into(),
            duration: ms(500),
        },
    );
    let clip = p.clip(ClipId(21)).unwrap();
    assert!(clip.transform_at(s(2)).scale.x < 1.0);
    assert_eq!(clip.transform_at(s(3)).scale.x, 1.0);
    let keys = clip.animation.channel(Property::Scale).unwrap();
    let last = keys.times().last().unwrap();
    run(
        &mut p,
        Edit::MoveKeyframe {
            clip: ClipId(21),
            property: Property::Scale,
            from: last,
            to: s(1),
        },
    );
    assert_eq!(
        apply(
            &mut p,
            Edit::ApplyPreset {
                clip: ClipId(21),
                preset: "Nope".into(),
                duration: s(1)
            }
        ),
        Err(EditError::NoSuchPreset("Nope".into()))
    );
}

#[test]
fn every_preset_applies_as_keyframes_that_can_be_edited_and_undone() {
    for preset in animation_presets() {
        let mut p = project();
        let before = p.clone();
        let undo = run(
            &mut p,
            Edit::ApplyPreset {
                clip: ClipId(21),
                preset: preset.name.clone(),
                duration: ms(800),
            },
        );
        for (property, _) in &preset.channels {
            let clip = p.clip(ClipId(21)).unwrap();
            let keys = clip.animation.channel(*property).unwrap();
            let first = keys.times().next().unwrap();
            let undo_edit = run(
                &mut p,
                Edit::SetKeyframe {
                    clip: ClipId(21),
                    property: *property,
                    time: first,
                    value: property.default_value(),
                    interpolation: Interpolation::Linear,
                },
            );
            let edited = p.clip(ClipId(21)).unwrap().animation.channel(*property);
            assert_eq!(
                edited.and_then(|k| k.value_at(first)),
                Some(property.default_value())
            );
            run(&mut p, undo_edit);
        }
        run(&mut p, undo);
        assert_eq!(p, before, "{}", preset.name);
    }
}

#[test]
fn each_output_format_keeps_its_own_crop() {
    let mut p = project();
    let vertical = OutputFormat {
        id: OutputId(1),
        name: "TikTok".into(),
        width: 1080,
        height: 1920,
        safe_area: Default::default(),
    };
    run(
        &mut p,
        Edit::SetOutputs {
            outputs: vec![vertical],
        },
    );
    let follow = Reframe {
        mode: ReframeMode::Fill,
        crop: Keyframes::from_keys([(
            Time::ZERO,
            CropWindow {
                center_x: 0.2,
                center_y: 0.5,
                zoom: 1.0,
            },
            Interpolation::Linear,
        )]),
    };
    apply_and_undo(
        &mut p,
        Edit::SetReframe {
            clip: ClipId(2),
            output: OutputId(1),
            reframe: Some(follow.clone()),
        },
    );
    run(
        &mut p,
        Edit::SetReframe {
            clip: ClipId(2),
            output: OutputId(1),
            reframe: Some(follow),
        },
    );
    let c = p.clip(ClipId(2)).unwrap();
    let main = c.reframe_at(OutputId::MAIN, s(12), (1920, 1080), (1920, 1080));
    let tall = c.reframe_at(OutputId(1), s(12), (1920, 1080), (1080, 1920));
    assert_eq!(main.mode, ReframeMode::Fit);
    assert_eq!(tall.mode, ReframeMode::Fill);
    assert!((tall.crop.x + tall.crop.width / 2.0 - 384.0).abs() < 1e-9);
}

#[test]
fn a_source_in_use_cannot_be_removed_but_can_be_relinked() {
    let mut p = project();
    assert_eq!(
        apply(&mut p, Edit::RemoveSource { id: RECORDING }),
        Err(EditError::SourceInUse(RECORDING))
    );
    let mut moved = p.source(RECORDING).unwrap().clone();
    moved.path = "/elsewhere/recording.mp4".into();
    apply_and_undo(&mut p, Edit::UpdateSource { source: moved });
    apply_and_undo(&mut p, Edit::RemoveSource { id: STILL });
}

#[test]
fn tracks_can_be_added_reordered_renamed_and_removed() {
    let mut p = project();
    apply_and_undo(
        &mut p,
        Edit::AddTrack {
            index: 1,
            track: Track::new(TrackId(9), TrackKind::Overlay, "Stickers"),
        },
    );
    apply_and_undo(&mut p, Edit::MoveTrack { id: SUBS, index: 0 });
    apply_and_undo(
        &mut p,
        Edit::RenameTrack {
            id: VIDEO,
            name: "Main".into(),
        },
    );
    apply_and_undo(&mut p, Edit::RemoveTrack { id: VIDEO });
    let dup = Track::new(VIDEO, TrackKind::Audio, "dup");
    assert!(matches!(
        apply(
            &mut p,
            Edit::AddTrack {
                index: 0,
                track: dup
            }
        ),
        Err(EditError::DuplicateId(_))
    ));
}

#[test]
fn subtitle_edits_split_merge_shift_and_retime_and_undo() {
    let mut p = project();
    apply_and_undo(
        &mut p,
        Edit::SplitCue {
            track: SUBS,
            cue: CueId(1),
            at: s(2),
            text_at: None,
        },
    );
    apply_and_undo(
        &mut p,
        Edit::MergeCues {
            track: SUBS,
            first: CueId(1),
            second: CueId(2),
        },
    );
    apply_and_undo(
        &mut p,
        Edit::ShiftCues {
            track: SUBS,
            from: s(0),
            to: s(5),
            by: ms(250),
        },
    );
    apply_and_undo(
        &mut p,
        Edit::RetimeCues {
            track: SUBS,
            anchor: Time::ZERO,
            num: 25,
            den: 24,
        },
    );
    let cue = SubtitleCue::new(CueId(7), s(8), s(9), "Third\nline two");
    apply_and_undo(
        &mut p,
        Edit::AddCue {
            track: SUBS,
            cue: cue.clone(),
        },
    );
    let on_video = apply(&mut p, Edit::AddCue { track: VIDEO, cue });
    assert!(matches!(on_video, Err(EditError::WrongTrackKind { .. })));
    let clash = SubtitleCue::new(CueId(2), s(8), s(9), "same id");
    assert!(matches!(
        apply(
            &mut p,
            Edit::AddCue {
                track: SUBS,
                cue: clash
            }
        ),
        Err(EditError::DuplicateId(_))
    ));
}

#[test]
fn a_failed_batch_leaves_the_project_untouched() {
    let mut p = project();
    let before = p.clone();
    let batch = Edit::Batch {
        edits: vec![
            move_clip(ClipId(3), VIDEO, s(40)),
            Edit::RenameProject {
                name: "Renamed".into(),
            },
            split_clip(ClipId(99), s(1)),
        ],
    };
    assert_eq!(apply(&mut p, batch), Err(EditError::NoSuchClip(ClipId(99))));
    assert_eq!(p, before);
}

#[test]
fn active_clips_are_listed_bottom_to_top_and_hidden_tracks_are_skipped() {
    let mut p = project();
    let ids = |p: &Project, t| {
        p.active_clips_at(t)
            .iter()
            .map(|a| a.clip.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&p, s(3)), vec![ClipId(1), ClipId(21)]);
    assert_eq!(ids(&p, s(22)), vec![]);
    run(
        &mut p,
        Edit::SetTrackFlags {
            id: VIDEO,
            muted: None,
            locked: None,
            hidden: Some(true),
        },
    );
    assert_eq!(ids(&p, s(3)), vec![ClipId(21)]);
    let fresh = project();
    let at = fresh.active_clips_at(s(12))[0];
    assert_eq!(at.source_time(), s(22));
    assert_eq!(at.transform(), Transform::default());
}

#[test]
fn muted_audio_tracks_are_not_mixed() {
    let mut p = project();
    assert_eq!(p.audible_clips_at(s(1)).len(), 1);
    assert_eq!(p.audible_clips_at(s(1))[0].volume(), 1.0);
    run(
        &mut p,
        Edit::SetTrackFlags {
            id: AUDIO,
            muted: Some(true),
            locked: None,
            hidden: None,
        },
    );
    assert!(p.audible_clips_at(s(1)).is_empty());
}

#[test]
fn subtitles_on_screen_use_their_named_style_and_override() {
    let mut p = project();
    let big = TextStyle {
        font_size: 80.0,
        ..TextStyle::default()
    };
    run(
        &mut p,
        Edit::SetSubtitleStyle {
            name: "Big".into(),
            style: Some(big),
        },
    );
    let mut cue = p.track(SUBS).unwrap().cue(CueId(1)).unwrap().clone();
    cue.style = Some("Big".into());
    cue.style_override.bold = Some(true);
    run(&mut p, Edit::UpdateCue { track: SUBS, cue });
    let shown = p.subtitles_at(s(2));
    assert_eq!(shown.len(), 1);
    let style = p.cue_style(shown[0].1);
    assert_eq!((style.font_size, style.bold), (80.0, true));
}

#[test]
fn dragged_clips_snap_to_edges_markers_and_the_playhead() {
    let p = project();
    let targets = snap_targets(&p, s(33), &[ClipId(3)]);
    assert!(targets
        .iter()
        .any(|t| t.kind == SnapKind::Marker && t.time == s(22)));
    assert!(
        !targets.iter().any(|t| t.time == s(30)),
        "the dragged clip's own edges are excluded"
    );
    // Clip 3 lasts 5 s: dropping its start at 20.2 s snaps to clip 2's end at 20 s.
    assert_eq!(
        snap_clip_start(&p, ClipId(3), ms(20_200), s(33), ms(300)),
        s(20)
    );
    // Its end at 32.9 s snaps to the playhead at 33 s.
    assert_eq!(
        snap_clip_start(&p, ClipId(3), ms(27_900), s(33), ms(300)),
        s(28)
    );
    assert_eq!(
        snap_clip_start(&p, ClipId(3), ms(26_000), s(33), ms(300)),
        ms(26_000)
    );
}

#[test]
fn a_dragged_cue_snaps_to_other_cues_but_not_to_itself() {
    let mut p = project();
    let own = p.track(SUBS).unwrap().cues[0].clone();
    let other = SubtitleCue::new(CueId(50), s(7), s(9), "other");
    run(
        &mut p,
        Edit::AddCue {
            track: SUBS,
            cue: other,
        },
    );
    let targets = cue_snap_targets(&p, s(33), own.id);
    assert!(targets
        .iter()
        .any(|t| t.kind == SnapKind::CueEdge && t.time == s(9)));
    assert!(!targets
        .iter()
        .any(|t| t.kind == SnapKind::CueEdge && (t.time == own.start || t.time == own.end)));
    assert!(targets.iter().any(|t| t.kind == SnapKind::Playhead));
    assert!(targets.windows(2).all(|w| w[0].time <= w[1].time));
}

#[test]
fn markers_can_be_added_moved_renamed_and_removed() {
    let mut p = project();
    let m = Marker::point(MarkerId(2), s(5), "Intro");
    apply_and_undo(&mut p, Edit::AddMarker { marker: m });
    apply_and_undo(
        &mut p,
        Edit::MoveMarker {
            id: MarkerId(1),
            time: s(1),
        },
    );
    apply_and_undo(
        &mut p,
        Edit::RenameMarker {
            id: MarkerId(1),
            name: "Outro".into(),
        },
    );
    apply_and_undo(&mut p, Edit::RemoveMarker { id: MarkerId(1) });
    assert_eq!(
        apply(
            &mut p,
            Edit::RenameMarker {
                id: MarkerId(9),
                name: "Nowhere".into(),
            },
        ),
        Err(EditError::NoSuchMarker(MarkerId(9)))
    );
}

#[test]
fn a_marker_saved_without_a_name_loads_with_an_empty_one() {
    let m: Marker = serde_json::from_str(r#"{ "id": 3, "time": 0 }"#).unwrap();
    assert_eq!(m.name, "");
}
