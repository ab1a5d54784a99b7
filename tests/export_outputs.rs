//! Several outputs of one project exported together: one decode drawn for each output
//! gives the very frames each output's own export gives.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use clipwright::export::{export_together, quick_project, ExportJob, ExportSettings, QuickOptions};
use clipwright::timeline::{
    apply, outputs, CropWindow, Edit, Interpolation, Keyframes, OutputId, Project, Reframe,
    ReframeMode, SafeArea, Time, TrackId,
};

/// A 2 s moving test picture with a tone, 320×240, made in `dir`.
fn moving_source(dir: &Path) -> PathBuf {
    let path = dir.join("moving.mp4");
    let picture = ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=2"];
    let tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=2"];
    let args = [&picture[..], &tone, &["-pix_fmt", "yuv420p", "-shortest"]].concat();
    common::ffmpeg(&args, &path);
    path
}

/// A moving source (made in `dir`) on a 320×180 canvas, with a 180×320 output cropped left
/// of centre whose subtitles sit above TikTok's buttons, and a cue on screen for the first
/// second.
fn two_output_project(dir: &Path) -> (Arc<Project>, OutputId) {
    let source = moving_source(dir);
    let options = QuickOptions {
        canvas: Some((320, 180)),
        ..QuickOptions::default()
    };
    let mut p = quick_project(&source, &options).unwrap();
    let (tall, add) = outputs::add_output(&p, "Tall", (180, 320));
    apply(&mut p, add).unwrap();
    {
        let edit = outputs::set_safe_area(&p, tall, SafeArea::TikTok).unwrap();
        apply(&mut p, edit).unwrap();
    }
    let clip = p.tracks[0].clips[0].id;
    let crop = CropWindow {
        center_x: 0.3,
        ..CropWindow::default()
    };
    let reframe = Reframe {
        mode: ReframeMode::Fill,
        crop: Keyframes::from_keys([(Time::ZERO, crop, Interpolation::Linear)]),
    };
    let edit = Edit::SetReframe {
        clip,
        output: tall,
        reframe: Some(reframe),
    };
    apply(&mut p, edit).unwrap();
    let subtitles = common::make::subtitle_track(TrackId(90), &[(0, 1000, "Both outputs")]);
    p.tracks.push(subtitles);
    (Arc::new(p), tall)
}

/// An export of `project`'s output `id` to `output`, on the software encoders, with
/// `dir` as the folder its sources are found in.
fn output_job(project: &Arc<Project>, id: OutputId, dir: &Path, output: PathBuf) -> ExportJob {
    let mut settings = ExportSettings::for_output(project, id).unwrap();
    settings.hardware = false;
    ExportJob {
        project: Arc::clone(project),
        base_dir: dir.to_owned(),
        output,
        settings,
    }
}

/// The lowest PSNR (dB) of any frame of `a` against the same frame of `b`, by ffmpeg's
/// own `psnr` filter; 99 for identical pictures.
fn worst_psnr(a: &Path, b: &Path) -> f64 {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-i"])
        .arg(a)
        .arg("-i")
        .arg(b)
        .args(["-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    let line = text.lines().find(|l| l.contains("PSNR")).expect(&text);
    let min = line
        .split("min:")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    if min == "inf" {
        99.0
    } else {
        min.parse().unwrap()
    }
}

#[test]
fn exporting_all_outputs_at_once_gives_the_frames_of_separate_exports() {
    let dir = tempfile::tempdir().unwrap();
    let (project, tall) = two_output_project(dir.path());
    let jobs = |prefix: &str| -> Vec<ExportJob> {
        [OutputId::MAIN, tall]
            .into_iter()
            .map(|id| {
                let out = dir.path().join(format!("{prefix}-{}.mp4", id.0));
                output_job(&project, id, dir.path(), out)
            })
            .collect()
    };
    let separate: Vec<_> = jobs("separate").iter().map(common::make::finish).collect();
    let together = export_together(&jobs("together"), None, &common::make::never()).unwrap();
    assert_eq!(together.len(), 2);

    for (s, t) in separate.iter().zip(&together) {
        assert_eq!(s.frames, 60);
        assert_eq!(t.frames, s.frames, "{}", t.path.display());
        let (ws, hs, _) = common::ffmpeg_rgba(&s.path, 0);
        assert_eq!(common::ffmpeg_rgba(&t.path, 0).0, ws);
        assert_eq!(common::ffmpeg_rgba(&t.path, 0).1, hs);
        let db = worst_psnr(&s.path, &t.path);
        eprintln!("{}: worst frame {db:.1} dB", t.path.display());
        assert!(db >= 45.0, "{}: worst frame {db:.1} dB", t.path.display());
    }
    // Each file holds its own output, not the other's.
    let (w, h, _) = common::ffmpeg_rgba(&together[0].path, 30);
    let (w2, h2, _) = common::ffmpeg_rgba(&together[1].path, 30);
    assert_eq!(((w, h), (w2, h2)), ((320, 180), (180, 320)));
}

#[test]
fn soft_subtitles_in_mkv_sit_above_each_outputs_own_safe_area() {
    let dir = tempfile::tempdir().unwrap();
    let (project, tall) = two_output_project(dir.path());
    let margins: Vec<String> = [OutputId::MAIN, tall]
        .into_iter()
        .map(|id| {
            let out = dir.path().join(format!("soft-{}.mkv", id.0));
            let mut job = output_job(&project, id, dir.path(), out.clone());
            job.settings.soft_subtitles = true;
            common::make::finish(&job);
            // FFmpeg's own extraction gives the track's script back.
            let back = dir.path().join(format!("soft-{}.ass", id.0));
            let args = ["-i", out.to_str().unwrap(), "-map", "0:s", "-c", "copy"];
            common::ffmpeg(&args, &back);
            let script = std::fs::read_to_string(&back).unwrap();
            let style = script.lines().find(|l| l.starts_with("Style: Default,"));
            let margin = style.and_then(|s| s.rsplit(',').nth(1));
            margin.expect(&script).to_owned()
        })
        .collect();
    // MarginV in the 1080-high play area: the style's own 80 px for the main output, a
    // fifth of the height above TikTok's buttons for the tall one, as burned in.
    assert_eq!(margins, ["80", "216"]);
}
