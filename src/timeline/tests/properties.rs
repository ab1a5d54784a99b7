//! Property tests over random edit sequences: every accepted edit keeps the project
//! valid, undoing everything restores the original, redo replays it, and save → load is
//! the identity.

use std::path::Path;

use proptest::prelude::*;

use super::fixtures::*;
use crate::timeline::validate::validate;
use crate::timeline::*;

/// A random edit, described by numbers that [`make_edit`] turns into a concrete edit
/// against the current project (so ids mostly exist and edits mostly succeed).
#[derive(Clone, Debug)]
pub(crate) struct Seed {
    op: u8,
    a: u32,
    b: u32,
    t: i64,
}

pub(crate) fn seeds(max: usize) -> impl Strategy<Value = Vec<Seed>> {
    prop::collection::vec(
        (0u8..30, any::<u32>(), any::<u32>(), -5_000i64..70_000).prop_map(|(op, a, b, t)| Seed {
            op,
            a,
            b,
            t,
        }),
        1..max,
    )
}

fn pick<T: Copy>(items: &[T], i: u32) -> Option<T> {
    if items.is_empty() {
        None
    } else {
        items.get(i as usize % items.len()).copied()
    }
}

/// Turns a seed into an edit for `p`; `None` if the project has nothing to apply it to.
pub(crate) fn make_edit(p: &Project, seed: &Seed) -> Option<Edit> {
    let clips: Vec<(TrackId, ClipId)> = p.clips().map(|(t, c)| (t.id, c.id)).collect();
    let tracks: Vec<TrackId> = p.tracks.iter().map(|t| t.id).collect();
    let cues: Vec<(TrackId, CueId)> = p
        .tracks
        .iter()
        .flat_map(|t| t.cues.iter().map(move |c| (t.id, c.id)))
        .collect();
    let t = ms(seed.t);
    let (a, b) = (seed.a, seed.b);
    let clip = pick(&clips, a).map(|c| c.1);
    let property = Property::ALL[b as usize % Property::ALL.len()];
    // The chosen clip and the time of its first keyframe of `property`.
    let first_key = || {
        let c = p.clip(clip?)?;
        Some((c.id, c.animation.channel(property)?.times().next()?))
    };
    Some(match seed.op {
        0 => Edit::MoveClip {
            clip: clip?,
            track: pick(&tracks, b)?,
            start: t,
        },
        1 => Edit::TrimClip {
            clip: clip?,
            edge: Edge::In,
            to: t,
            ripple: b % 2 == 0,
        },
        2 => Edit::TrimClip {
            clip: clip?,
            edge: Edge::Out,
            to: t,
            ripple: b % 2 == 0,
        },
        3 => Edit::RollEdit { clip: clip?, to: t },
        4 => Edit::SplitClip { clip: clip?, at: t },
        5 => Edit::RippleDelete { clip: clip? },
        6 => Edit::CloseGap {
            track: pick(&tracks, b)?,
            at: t,
        },
        7 => {
            let speed = match b % 4 {
                0 => Speed::constant(SpeedFactor::from_milli(100 + b % 20_000)?),
                1 => RAMP_PRESETS[b as usize % RAMP_PRESETS.len()].speed(),
                2 => Speed::freeze(ms(1 + i64::from(b % 5000))),
                _ => Speed {
                    reverse: true,
                    ..Speed::default()
                },
            };
            Edit::SetSpeed {
                clip: clip?,
                speed,
                ripple: a % 3 == 0,
            }
        }
        8 | 9 => Edit::SetKeyframe {
            clip: clip?,
            property,
            time: ms(seed.t % 8000),
            value: f64::from(a % 1000) / 250.0 - 2.0,
            interpolation: [
                Interpolation::Linear,
                Interpolation::Hold,
                Interpolation::EaseIn,
                Interpolation::bezier(0.2, -0.5, 0.8, 1.5),
            ][a as usize % 4],
        },
        10 => {
            let (clip, time) = first_key()?;
            Edit::RemoveKeyframe {
                clip,
                property,
                time,
            }
        }
        11 => {
            let (clip, from) = first_key()?;
            Edit::MoveKeyframe {
                clip,
                property,
                from,
                to: ms(seed.t % 8000),
            }
        }
        12 => {
            let presets = animation_presets();
            let preset = presets[b as usize % presets.len()].name.clone();
            Edit::ApplyPreset {
                clip: clip?,
                preset,
                duration: ms(1 + seed.t.abs() % 3000),
            }
        }
        13 => Edit::SetReframe {
            clip: clip?,
            output: OutputId(b % 2),
            reframe: (a % 3 != 0).then(|| Reframe {
                mode: ReframeMode::Fill,
                crop: Keyframes::from_keys([(
                    ms(seed.t % 4000),
                    CropWindow {
                        center_x: f64::from(b % 100) / 100.0,
                        center_y: 0.5,
                        zoom: 1.5,
                    },
                    Interpolation::Linear,
                )]),
            }),
        },
        14 => Edit::LinkClips {
            clips: vec![clip?, pick(&clips, b)?.1],
        },
        15 => Edit::UnlinkClips { clips: vec![clip?] },
        16 => Edit::SetTrackFlags {
            id: pick(&tracks, a)?,
            muted: Some(b % 2 == 0),
            locked: Some(b % 5 == 0),
            hidden: Some(b % 3 == 0),
        },
        17 => {
            let (track, _) = pick(&cues, a).or(Some((SUBS, CueId(0))))?;
            let start = ms(seed.t.max(0));
            Edit::AddCue {
                track,
                cue: SubtitleCue::new(
                    p.next_cue_id(),
                    start,
                    start + ms(1 + i64::from(b % 4000)),
                    "new cue text",
                ),
            }
        }
        18 => {
            let (track, cue) = pick(&cues, a)?;
            Edit::SplitCue {
                track,
                cue,
                at: t,
                text_at: None,
            }
        }
        19 => {
            let (track, first) = pick(&cues, a)?;
            Edit::MergeCues {
                track,
                first,
                second: pick(&cues, b)?.1,
            }
        }
        20 => Edit::ShiftCues {
            track: pick(&tracks, a)?,
            from: ms(i64::from(b % 10_000)),
            to: ms(60_000),
            by: ms(seed.t / 10),
        },
        21 => Edit::RetimeCues {
            track: pick(&tracks, a)?,
            anchor: ms(i64::from(b % 10_000)),
            num: 1 + a % 50,
            den: 1 + b % 50,
        },
        22 => Edit::AddMarker {
            marker: Marker::point(p.next_marker_id(), t, "m"),
        },
        23 => {
            let id = pick(&p.markers.iter().map(|m| m.id).collect::<Vec<_>>(), a)?;
            if b % 2 == 0 {
                Edit::MoveMarker { id, time: t }
            } else {
                Edit::RenameMarker {
                    id,
                    name: format!("m{b}"),
                }
            }
        }
        24 => {
            let start = ms(seed.t.max(0));
            let len = ms(1 + i64::from(b % 20_000));
            let clip = Clip::media(
                p.next_clip_id(),
                RECORDING,
                start,
                ms(i64::from(a % 30_000)),
                ms(i64::from(a % 30_000)) + len,
            );
            Edit::InsertClip {
                track: pick(&tracks, a)?,
                clip,
            }
        }
        25 => Edit::RemoveClip { clip: clip? },
        26 => Edit::MoveTrack {
            id: pick(&tracks, a)?,
            index: b as usize % 5,
        },
        27 => Edit::Batch {
            edits: vec![
                Edit::RenameProject {
                    name: format!("p{a}"),
                },
                Edit::MoveClip {
                    clip: clip?,
                    track: pick(&tracks, b)?,
                    start: t,
                },
            ],
        },
        28 => Edit::SetOutputs {
            outputs: if a % 2 == 0 {
                vec![]
            } else {
                vec![OutputFormat {
                    id: OutputId(1),
                    name: "9:16".into(),
                    width: 1080,
                    height: 1920,
                    safe_area: Default::default(),
                }]
            },
        },
        _ => Edit::RemoveTrack {
            id: pick(&tracks, a)?,
        },
    })
}

/// Evaluates everything the compositor and mixer would ask for at `t`.
pub(crate) fn evaluate_everything(p: &Project, t: Time) {
    for active in p
        .active_clips_at(t)
        .into_iter()
        .chain(p.audible_clips_at(t))
    {
        let _ = active.source_time();
        let _ = active.transform();
        let _ = active.volume();
        let _ = active
            .clip
            .reframe_at(OutputId(1), t, (1920, 1080), (1080, 1920));
    }
    for (_, cue) in p.subtitles_at(t) {
        let _ = p.cue_style(cue);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_keep_the_project_valid_and_undo_all_restores_it(seeds in seeds(40)) {
        let original = project();
        let mut p = original.clone();
        let mut history = History::default();
        let mut applied = 0;
        for seed in &seeds {
            // Group runs of edits into gestures now and then, as drags do.
            match seed.b % 8 {
                0 => history.begin_gesture("drag"),
                1 => {
                    history.end_gesture();
                }
                _ => {}
            }
            let Some(edit) = make_edit(&p, seed) else { continue };
            let before = p.clone();
            match history.apply(&mut p, edit.clone()) {
                Ok(false) => prop_assert_eq!(&p, &before, "{:?} changed the project but took no undo step", edit),
                Ok(true) => {
                    applied += 1;
                    prop_assert_eq!(validate(&p), Ok(()), "after {:?}", edit);
                    evaluate_everything(&p, ms(seed.t));
                }
                Err(_) => prop_assert_eq!(&p, &before, "a failed {:?} changed the project", edit),
            }
        }
        let edited = p.clone();
        while history.undo(&mut p).map_err(|e| TestCaseError::fail(e.to_string()))? {}
        prop_assert_eq!(&p, &original);
        while history.redo(&mut p).map_err(|e| TestCaseError::fail(e.to_string()))? {}
        prop_assert_eq!(&p, &edited);
        prop_assert!(applied <= seeds.len());
    }

    #[test]
    fn save_then_load_is_the_identity(seeds in seeds(25)) {
        let mut p = project();
        let mut history = History::default();
        for seed in &seeds {
            if let Some(edit) = make_edit(&p, seed) {
                let _ = history.apply(&mut p, edit);
            }
        }
        let path = Path::new("memory.clipwright");
        let text = file::to_json(&p, &history, path).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let loaded = file::parse(text.as_bytes(), path).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&loaded.project, &p);
        prop_assert_eq!(&loaded.history, &history);
        // And the loaded history still undoes everything.
        let (mut q, mut h) = (loaded.project, loaded.history);
        while h.undo(&mut q).map_err(|e| TestCaseError::fail(e.to_string()))? {}
        prop_assert_eq!(q, project());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn splitting_a_clip_keeps_every_frame_where_it_was(
        speed in crate::timeline::speed::tests::arb_speed(),
        reverse in any::<bool>(),
        len_ms in 100i64..600_000,
        cut in 0.0f64..1.0,
        probe in 0.0f64..1.0,
    ) {
        let mut clip = Clip::media(ClipId(1), RECORDING, s(1), s(2), s(2) + ms(len_ms));
        clip.speed = Speed { reverse, ..speed };
        let d = clip.duration();
        let at = clip.start + Time((cut * d.0 as f64) as i64);
        let Ok((left, right)) = crate::timeline::edit_ops::split_value(&clip, at, ClipId(2)) else {
            return Ok(());
        };
        prop_assert!(left.end() <= right.start && right.start <= at);
        prop_assert!(right.end() <= clip.end());
        prop_assert!(at - right.start <= ms(1), "cut moved by {:?}", at - right.start);
        let t = clip.start + Time((probe * d.0 as f64) as i64);
        let half = if t < right.start { &left } else { &right };
        if half.contains(t) {
            // Exact for constant speeds; a ramp's halves need the speed at the cut, rounded
            // to a millionth of 1x, which moves frames by a few millionths of the clip length.
            let err = (half.source_time_at(t) - clip.source_time_at(t)).0.abs();
            let bound = d.0 / 100_000 + 1000;
            prop_assert!(err <= bound, "source time off by {} flicks (bound {})", err, bound);
        }
    }
}
