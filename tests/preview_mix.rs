//! The sound a preview plays from mid-project is the export's mix over the same span.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use clipwright::export::Mixer;
use clipwright::timeline::{Clip, ClipId, SourceId, Speed, SpeedFactor, Time};

fn all(mut mixer: Mixer) -> Vec<f32> {
    let mut samples = Vec::new();
    while let Some(block) = mixer.next_block().unwrap() {
        samples.extend(block);
    }
    samples
}

/// A 100 Hz tone placed at 0.5 s, from 0.25 s into its file, at `speed`: the preview's mix
/// from 1.3 s to 2.3 s, and the export's mix of the same second.
fn preview_and_export(speed: f64, keep_pitch: bool) -> (Vec<f32>, Vec<f32>) {
    let dir = tempfile::tempdir().unwrap();
    let tone = dir.path().join("tone.wav");
    common::lavfi(
        "sine=frequency=100:sample_rate=48000:duration=4",
        &[],
        &tone,
    );
    let mut clip = Clip::media(
        ClipId(1),
        SourceId(1),
        Time::from_millis(500),
        Time::from_millis(250),
        Time::from_millis(3250),
    );
    clip.speed = Speed::constant(SpeedFactor::from_f64(speed).unwrap());
    clip.speed.keep_pitch = keep_pitch;
    let project = common::make::sound_project("mix", &tone, clip);

    let (from, to) = (Time::from_millis(1300), Time::from_millis(2300));
    let export = all(Mixer::new(&project, Path::new("."), to));
    let preview = all(Mixer::between(&project, Path::new("."), from, to));
    let start = 1300 * 48 * 2;
    assert_eq!(preview.len(), export.len() - start, "one second of stereo");
    (preview, export[start..].to_vec())
}

fn level(samples: &[f32]) -> f32 {
    samples.iter().fold(0f32, |m, s| m.max(s.abs()))
}

fn worst_difference(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0f32, f32::max)
}

#[test]
fn mixing_from_the_middle_gives_the_export_mix_of_that_span() {
    let (preview, export) = preview_and_export(1.0, true);
    assert!(level(&export) > 0.05, "the span holds sound");
    assert_eq!(worst_difference(&preview, &export), 0.0);
}

#[test]
fn a_resampled_speed_change_mixes_the_same_from_the_middle() {
    let (preview, export) = preview_and_export(1.5, false);
    let loudest = level(&export);
    assert!(loudest > 0.05);
    let worst = worst_difference(&preview, &export);
    assert!(
        worst < 0.01 * loudest,
        "differs by up to {worst} at level {loudest}"
    );
}

#[test]
fn a_pitch_kept_speed_change_from_the_middle_keeps_the_exports_level_throughout() {
    // The time stretcher's windows start wherever reading starts, so samples differ in
    // phase; what must match is the sound: its level, 20 ms at a time.
    let (preview, export) = preview_and_export(1.5, true);
    for (i, (p, e)) in preview
        .chunks(20 * 48 * 2)
        .zip(export.chunks(20 * 48 * 2))
        .enumerate()
    {
        let (lp, le) = (level(p), level(e));
        assert!(
            (lp - le).abs() < 0.1 * le.max(0.05),
            "window {i}: level {lp} in the preview, {le} in the export"
        );
    }
}
