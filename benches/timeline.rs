//! Timeline benchmark (plain `Instant`, no harness): evaluating a 1,000-clip project at
//! 10,000 times, applying and undoing 10,000 edits, and loading and saving the project.
//!
//! Run with `cargo bench --bench timeline`; figures go to stdout.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use clipwright::timeline::{
    animation_presets, file, Clip, ClipId, Edge, Edit, History, Interpolation, MediaSource,
    Project, Property, Rational, SourceId, SourceInfo, Time, Track, TrackId, TrackKind, VideoInfo,
    RAMP_PRESETS,
};

/// 1,000 five-second clips over four video/overlay tracks, each with a preset animation
/// and some with a speed ramp, all from one 2-hour recording.
fn big_project() -> Project {
    let mut p = Project::default();
    p.sources.push(MediaSource::new(
        SourceId(1),
        "/media/long-recording.mp4",
        SourceInfo {
            duration: Time::from_secs(7200),
            video: Some(VideoInfo {
                width: 1920,
                height: 1080,
                frame_rate: Rational::FPS_60,
                rotation_degrees: 0,
                codec: "h264".into(),
            }),
            audio: None,
            is_still_image: false,
        },
    ));
    let presets = animation_presets();
    for t in 0..4u64 {
        let kind = if t == 0 {
            TrackKind::Video
        } else {
            TrackKind::Overlay
        };
        let mut track = Track::new(TrackId(t + 1), kind, format!("Track {t}"));
        for i in 0..250u64 {
            let id = t * 250 + i + 1;
            let start = Time::from_secs((i * 6) as i64);
            let src = Time::from_secs(((id * 7) % 7000) as i64);
            let mut clip = Clip::media(
                ClipId(id),
                SourceId(1),
                start,
                src,
                src + Time::from_secs(5),
            );
            if id % 5 == 0 {
                clip.speed = RAMP_PRESETS[(id as usize / 5) % RAMP_PRESETS.len()].speed();
            }
            let preset = &presets[id as usize % presets.len()];
            for (property, keys) in
                preset.keyframes_for(&clip.animation, clip.duration(), Time::from_secs(1))
            {
                clip.animation.set_channel(property, keys);
            }
            track.clips.push(clip);
        }
        p.tracks.push(track);
    }
    p
}

fn report(what: &str, count: usize, elapsed: Duration) {
    let per = elapsed.as_secs_f64() * 1e9 / count as f64;
    println!(
        "{what:<58} {:>9.1} ms total  {per:>10.0} ns each",
        elapsed.as_secs_f64() * 1e3
    );
}

fn main() {
    let project = big_project();
    let clip_count: usize = project.tracks.iter().map(|t| t.clips.len()).sum();
    println!("project: {clip_count} clips, {} long", project.duration());

    // Evaluate everything the compositor asks at 10,000 times spread over the project.
    let times = 10_000;
    let span = project.duration().0;
    let start = Instant::now();
    let mut evaluated = 0usize;
    for i in 0..times {
        let t = Time(span / times * i);
        for active in project.active_clips_at(t) {
            black_box(active.source_time());
            black_box(active.transform());
            black_box(active.volume());
            evaluated += 1;
        }
    }
    report(
        &format!("evaluate active clips at {times} times ({evaluated} clip evaluations)"),
        times as usize,
        start.elapsed(),
    );

    // Every animated property of every one of the 1,000 clips at each of the 10,000 times
    // (ten million clip evaluations; outside a clip its values hold).
    let start = Instant::now();
    for i in 0..times {
        let t = Time(span / times * i);
        for (_, clip) in project.clips() {
            black_box(clip.transform_at(t));
            black_box(clip.source_time_at(t));
            black_box(clip.volume_at(t));
        }
    }
    report(
        "evaluate all properties of 1,000 clips at 10,000 times",
        clip_count * times as usize,
        start.elapsed(),
    );

    // Apply and undo 10,000 edits through the history.
    let mut p = project.clone();
    let mut history = History::with_limit(20_000);
    let edits = 10_000u64;
    let start = Instant::now();
    for i in 0..edits {
        let clip = ClipId(i % 1000 + 1);
        let edit = match i % 4 {
            0 => Edit::SetKeyframe {
                clip,
                property: Property::Opacity,
                time: Time::from_millis((i % 4000) as i64),
                value: 0.5,
                interpolation: Interpolation::EaseInOut,
            },
            1 => Edit::TrimClip {
                clip,
                edge: Edge::Out,
                to: p
                    .clip(clip)
                    .map_or(Time::ZERO, |c| c.end() - Time::from_millis(10)),
                ripple: false,
            },
            2 => Edit::MoveClip {
                clip,
                track: p
                    .locate_clip(clip)
                    .map_or(TrackId(1), |l| p.tracks[l.track].id),
                start: p
                    .clip(clip)
                    .map_or(Time::ZERO, |c| c.start + Time::from_millis(5)),
            },
            _ => Edit::RenameProject {
                name: format!("rename {i}"),
            },
        };
        if history.apply(&mut p, edit).is_err() {
            eprintln!("edit {i} failed");
        }
    }
    let applied = start.elapsed();
    let start = Instant::now();
    while history.undo(&mut p).unwrap_or(false) {}
    let undone = start.elapsed();
    report(&format!("apply {edits} edits"), edits as usize, applied);
    report(&format!("undo {edits} edits"), edits as usize, undone);
    assert!(p == project, "undo-all must restore the project");

    // Save and load the 1,000-clip project.
    let Ok(dir) = tempfile::tempdir() else {
        eprintln!("no temporary folder; skipping load/save");
        return;
    };
    let path = dir.path().join("bench.clipwright");
    let history = History::default();
    let rounds = 20;
    let start = Instant::now();
    for _ in 0..rounds {
        if let Err(e) = file::save(&path, &project, &history) {
            eprintln!("{e}");
            return;
        }
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    report(
        &format!(
            "save 1,000-clip project ({} KiB, atomic + fsync)",
            size / 1024
        ),
        rounds,
        start.elapsed(),
    );
    let start = Instant::now();
    for _ in 0..rounds {
        match file::load(Path::new(&path)) {
            Ok(f) => {
                black_box(f);
            }
            Err(e) => {
                eprintln!("{e}");
                return;
            }
        }
    }
    report(
        "load 1,000-clip project (parse + validate)",
        rounds,
        start.elapsed(),
    );
}
