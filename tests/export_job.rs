//! The export job through the library: cancel, progress, burned subtitles, and a
//! two-track project composed like FFmpeg's own overlay.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use clipwright::export::{quick_project, ExportError, QuickOptions};
use clipwright::media::{PixelRect, RgbaFrame, TICKS_PER_SECOND};
use clipwright::render::Compositor;
use clipwright::timeline::{
    Canvas, Clip, ClipId, Interpolation, Keyframes, Project, Property, Time, Track, TrackId,
    TrackKind,
};
use common::fixture;
use common::make::{decoded_frame, export, export_job, never};

#[test]
fn cancelling_an_export_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cancelled.mp4");
    let project = quick_project(&fixture(&common::H264_AAC), &QuickOptions::default()).unwrap();
    let (tx, rx) = sync_channel(8);
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    // Cancel as soon as the first frame is reported.
    let watcher = std::thread::spawn(move || {
        if rx.recv().is_ok() {
            flag.store(true, Ordering::Relaxed);
        }
        while rx.recv().is_ok() {}
    });
    let result = export_job(project, &out).run(Some(tx), &cancel);
    watcher.join().unwrap();
    assert!(
        matches!(result, Err(ExportError::Cancelled { .. })),
        "{result:?}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn progress_counts_every_frame_of_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("counted.mp4");
    let project = common::make::opening_of(&common::VIDEO_ONLY, Time::from_millis(500));
    let (tx, rx) = sync_channel(64);
    let summary = export_job(project, &out).run(Some(tx), &never()).unwrap();
    assert_eq!(summary.frames, 15);
    assert_eq!(summary.encoder, "libx264");
    let last = rx.try_iter().last().unwrap();
    assert_eq!((last.frames_done, last.frames_total), (15, 15));
}

/// Mean absolute difference of the red channels inside `rect`.
fn red_difference(a: &RgbaFrame, b: &RgbaFrame, rect: PixelRect) -> f64 {
    let mut sum = 0u64;
    for y in rect.y..rect.y + rect.height {
        for x in rect.x..rect.x + rect.width {
            sum += u64::from(a.pixel(x, y).unwrap()[0].abs_diff(b.pixel(x, y).unwrap()[0]));
        }
    }
    sum as f64 / f64::from(rect.width * rect.height)
}

#[test]
fn burned_subtitles_change_the_picture_only_inside_their_cue() {
    let dir = tempfile::tempdir().unwrap();
    let plain_out = dir.path().join("plain.mp4");
    let subbed_out = dir.path().join("subbed.mp4");
    let plain = common::make::opening_of(&common::VIDEO_ONLY, Time::from_secs(1));
    let mut subbed = plain.clone();
    let subtitles = common::make::subtitle_track(TrackId(9), &[(500, 1000, "HELLO WORLD")]);
    subbed.tracks.push(subtitles);
    export(plain, &plain_out);
    export(subbed, &subbed_out);
    // Around the bottom centre, where a default cue sits.
    let band = PixelRect {
        x: 100,
        y: 195,
        width: 120,
        height: 35,
    };
    let before = TICKS_PER_SECOND / 4;
    let during = TICKS_PER_SECOND * 3 / 4;
    let outside = red_difference(
        &decoded_frame(&plain_out, before),
        &decoded_frame(&subbed_out, before),
        band,
    );
    let inside = red_difference(
        &decoded_frame(&plain_out, during),
        &decoded_frame(&subbed_out, during),
        band,
    );
    assert!(
        outside < 1.5,
        "the picture changed before the cue ({outside})"
    );
    assert!(inside > 4.0, "the cue did not show ({inside})");
}

#[test]
fn a_half_transparent_colour_track_over_video_blends_like_ffmpeg_overlay() {
    // Video at the bottom, a red colour clip at 50 % opacity above it.
    let options = QuickOptions::default();
    let mut project = quick_project(&fixture(&common::VIDEO_ONLY), &options).unwrap();
    let mut overlay = Track::new(TrackId(5), TrackKind::Overlay, "tint");
    let mut clip = Clip::with_content(
        ClipId(50),
        clipwright::timeline::ClipContent::Color {
            color: clipwright::timeline::Color::rgb(255, 0, 0),
        },
        Time::ZERO,
        Time::ZERO,
        Time::from_secs(2),
    );
    clip.animation.set_channel(
        Property::Opacity,
        Keyframes::from_keys([(Time::ZERO, 0.5, Interpolation::Linear)]),
    );
    overlay.clips.push(clip);
    project.tracks.push(overlay);
    let mut c = Compositor::new(".");
    let ours = c.frame_at(&project, Time::ZERO, (320, 240)).unwrap();
    let plain = decoded_frame(&fixture(&common::VIDEO_ONLY), 0);
    for (o, p) in ours.data.chunks_exact(4).zip(plain.data.chunks_exact(4)) {
        let want_r = (u32::from(p[0]) + 255).div_ceil(2);
        assert!(u32::from(o[0]).abs_diff(want_r) <= 1);
        assert!(u32::from(o[1]).abs_diff(u32::from(p[1]).div_ceil(2)) <= 1);
    }
    // A preview is the same picture, smaller.
    let preview = c.frame_at(&project, Time::ZERO, (160, 120)).unwrap();
    assert_eq!((preview.width, preview.height), (160, 120));
}

#[test]
fn a_reversed_clip_at_half_speed_shows_the_source_backwards_each_frame_twice() {
    let options = QuickOptions {
        reverse: true,
        speed: clipwright::timeline::SpeedFactor::from_f64(0.5).unwrap(),
        ..QuickOptions::default()
    };
    let project = quick_project(&fixture(&common::GRAY_RAMP), &options).unwrap();
    assert_eq!(project.duration(), Time::from_secs(4));
    let mut c = Compositor::new(".");
    let rate = project.canvas.frame_rate;
    for out_frame in 0..120i64 {
        let t = Time::from_frame(out_frame, rate);
        let f = c.frame_at(&project, t, (64, 48)).unwrap();
        let red = f.pixel(32, 24).unwrap()[0];
        let want = 59 - (out_frame / 2) as u32;
        let luma = f64::from(common::gray_ramp_luma(want) - 16) * 255.0 / 219.0;
        assert!(
            (f64::from(red) - luma).abs() < 2.0,
            "output frame {out_frame}: {red} vs {luma}"
        );
    }
}

#[test]
fn a_text_clip_is_drawn_in_preview_frames_only_while_it_lasts() {
    let mut project =
        quick_project(&fixture(&common::VIDEO_ONLY), &QuickOptions::default()).unwrap();
    let mut titles = Track::new(TrackId(7), TrackKind::Overlay, "titles");
    let style = clipwright::timeline::TextStyle {
        font_size: 200.0,
        ..Default::default()
    };
    titles.clips.push(Clip::text(
        ClipId(70),
        "TITLE",
        style,
        Time::from_millis(500),
        Time::from_millis(500),
    ));
    project.tracks.push(titles);
    let plain = quick_project(&fixture(&common::VIDEO_ONLY), &QuickOptions::default()).unwrap();
    let centre = PixelRect {
        x: 80,
        y: 90,
        width: 160,
        height: 60,
    };
    let mut with_text = Compositor::new(".");
    let mut without = Compositor::new(".");
    for (ms, shown) in [(250, false), (700, true), (1200, false)] {
        let t = Time::from_millis(ms);
        let a = with_text.frame_at(&project, t, (320, 240)).unwrap();
        let b = without.frame_at(&plain, t, (320, 240)).unwrap();
        let diff = red_difference(&a, &b, centre);
        assert_eq!(
            diff > 10.0,
            shown,
            "at {ms} ms the centre differs by {diff}"
        );
    }
}

#[test]
fn an_empty_project_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let project = Project::new("empty", Canvas::default());
    let result = export_job(project, &dir.path().join("x.mp4")).run(None, &never());
    assert!(matches!(result, Err(ExportError::Empty)));
}

/// Rising edges of sound in interleaved stereo `samples`, in seconds: where the level in
/// 1 ms windows first passes 0.1 after at least 50 ms of quiet.
fn onsets(samples: &[f32]) -> Vec<f64> {
    let window = 48;
    let mut out = Vec::new();
    let mut quiet = 0;
    for (i, w) in samples.chunks(window * 2).enumerate() {
        let peak = w.iter().fold(0f32, |m, s| m.max(s.abs()));
        if peak > 0.1 {
            if quiet >= 50 {
                out.push(i as f64 / 1000.0);
            }
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    out
}

#[test]
fn a_speed_ramped_clips_sound_follows_the_ramp_not_its_average() {
    use clipwright::export::Mixer;
    use clipwright::timeline::{RampPoint, SourceId, Speed, SpeedFactor};
    // 4 s of 20 ms beeps every quarter second.
    let dir = tempfile::tempdir().unwrap();
    let beeps = dir.path().join("beeps.wav");
    common::lavfi(
        "aevalsrc=exprs='if(lt(mod(t\\,0.25)\\,0.02)\\,0.8*sin(2*PI*1000*t)\\,0)':s=48000:d=4",
        &[],
        &beeps,
    );
    let mut clip = common::make::clip_from_start(ClipId(1), SourceId(1), Time::from_secs(4));
    // From half speed to double speed: 3.2 s on the timeline (mean speed 1.25).
    clip.speed = Speed::ramp(vec![
        RampPoint {
            position: 0,
            speed: SpeedFactor::from_f64(0.5).unwrap(),
        },
        RampPoint {
            position: 1_000_000_000,
            speed: SpeedFactor::from_f64(2.0).unwrap(),
        },
    ]);
    assert_eq!(clip.duration(), Time::from_millis(3200));
    let mut project = common::make::sound_project("ramp", &beeps, clip.clone());

    let mut mixer = Mixer::new(&project, Path::new("."), project.duration());
    let mut samples = Vec::new();
    while let Some(block) = mixer.next_block().unwrap() {
        samples.extend(block);
    }
    assert_eq!(samples.len(), 3200 * 48 * 2);
    let heard = onsets(&samples);
    // Where the picture shows each beep's source instant.
    let expected: Vec<f64> = (0..16)
        .filter_map(|k| clip.timeline_time_of(Time::from_millis(250 * k)))
        .map(|t| t.as_secs_f64())
        .collect();
    assert!(heard.len() >= 15, "heard {heard:?}");
    let mut worst = 0f64;
    for h in &heard {
        let nearest = expected
            .iter()
            .map(|e| (h - e).abs())
            .fold(f64::MAX, f64::min);
        worst = worst.max(nearest);
    }
    eprintln!("worst beep offset along the ramp: {:.1} ms", worst * 1000.0);
    // `atempo` itself lets an onset through up to ~20 ms of source early (its window
    // overlaps the beep; `ffmpeg -af atempo=0.5` puts this beep 40 ms early too), so
    // within 50 ms is on time; the average speed would be 450 ms off.
    assert!(
        worst < 0.05,
        "a beep is {worst:.3} s from its picture: {heard:?} vs {expected:?}"
    );
    // At the average speed the fourth beep (1 s into the source) would come at 0.8 s,
    // not 1.26 s: the test tells the two apart.
    assert!((expected[4] - 0.8).abs() > 0.3);

    // A steady tone through the same ramp stays steady: the pieces it is read in join
    // without gaps.
    let tone = dir.path().join("tone.wav");
    common::lavfi(
        "sine=frequency=440:sample_rate=48000:duration=4",
        &[],
        &tone,
    );
    project.sources[0].path = tone;
    let mut mixer = Mixer::new(&project, Path::new("."), project.duration());
    let mut samples = Vec::new();
    while let Some(block) = mixer.next_block().unwrap() {
        samples.extend(block);
    }
    let peaks: Vec<f32> = samples
        .chunks(5 * 48 * 2)
        .skip(4)
        .take(3200 / 5 - 8)
        .map(|w| w.iter().fold(0f32, |m, s| m.max(s.abs())))
        .collect();
    let quietest = peaks.iter().copied().fold(f32::MAX, f32::min);
    let loudest = peaks.iter().copied().fold(0f32, f32::max);
    assert!(
        loudest > 0.05 && quietest > 0.9 * loudest,
        "the tone's level wanders from {loudest} down to {quietest}"
    );
}
