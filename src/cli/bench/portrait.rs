//! `clipwright bench portrait`: what the portrait effect and "Follow face" cost, each beside
//! the same work without them, in one run.
//!
//! - export: N seconds (10 by default) of 1080p30 with a person in it (the picture given
//!   with `--picture`, by default the astronaut photo the tests use) exported with a
//!   background blur, beside the same export without it (target ≤ 2×) and the `ffmpeg`
//!   CLI's plain export of the same source (libx264 veryfast CRF 23) as the reference;
//! - preview: frames drawn at 960×540 through a preview compositor, with and without the
//!   blur (target ≥ 24 fps), the mask model run as the product runs it
//!   ([`crate::render::MASK_EVERY`]);
//! - mask reuse: the blurred frames with the mask model run every frame against the same
//!   frames with it run as the product runs it (PSNR over the whole frame and over the
//!   face);
//! - follow face: the face analysis of a 60 s 1080p clip (target ≤ 0.5× real time);
//! - model load: loading and optimising the three shipped models, once.
//!
//! Making the sources is not timed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;

use crate::export::{quick_project, QuickOptions};
use crate::render::Compositor;
use crate::timeline::{ClipId, OutputId, Portrait, Time};

/// The options of `clipwright bench portrait`.
#[derive(Debug, Args)]
pub struct PortraitBenchArgs {
    /// Seconds of 1080p30 to export.
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    /// Seconds of 1080p30 for the follow-face analysis.
    #[arg(long, default_value_t = 60)]
    follow_seconds: u32,
    /// A picture of a person (default: astronaut.png in the test model folder, see
    /// scripts/fetch-test-models.sh).
    #[arg(long)]
    picture: Option<PathBuf>,
    /// Work folder (kept afterwards); a temporary one if not given.
    #[arg(long)]
    dir: Option<PathBuf>,
}

fn default_picture() -> Option<PathBuf> {
    let dir = std::env::var_os("CLIPWRIGHT_TEST_MODEL_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            directories::BaseDirs::new().map(|d| d.home_dir().join(".cache/clipwright/models"))
        })?;
    Some(dir.join("astronaut.png"))
}

/// 1080p30 of `testsrc2` with the person standing in front, drifting slowly sideways.
fn make_person_source(path: &Path, picture: &Path, seconds: u32) -> anyhow::Result<()> {
    let person: [&std::ffi::OsStr; 6] = [
        "-loop".as_ref(),
        "1".as_ref(),
        "-i".as_ref(),
        picture.as_os_str(),
        "-filter_complex".as_ref(),
        "[1]scale=-2:900[p];[0][p]overlay=x='300+200*sin(t/3)':y=H-h:shortest=1,format=yuv420p"
            .as_ref(),
    ];
    super::make_source(path, seconds, &person)
}

/// Runs the benchmark and prints the table.
pub fn run(args: &PortraitBenchArgs) -> anyhow::Result<()> {
    let picture = args
        .picture
        .clone()
        .or_else(default_picture)
        .context("no picture")?;
    if !picture.is_file() {
        bail!(
            "{}: no picture of a person; run scripts/fetch-test-models.sh or give --picture FILE",
            picture.display()
        );
    }
    let (_temp, dir) = super::work_dir(args.dir.as_deref())?;
    let load = crate::vision::load_models()?;

    let source = dir.join(format!("person-{}s.mp4", args.seconds));
    make_person_source(&source, &picture, args.seconds)?;
    let frames = u64::from(args.seconds) * 30;
    let exe = std::env::current_exe().context("cannot find the clipwright program")?;
    let export = |extra: &[&str], name: &str| {
        let mut cmd = Command::new(&exe);
        cmd.args([
            "export",
            "--quiet",
            "--no-hardware",
            "--encoder",
            "libx264",
            "--input",
        ])
        .arg(&source)
        .args(extra)
        .arg("-o")
        .arg(dir.join(name));
        super::export::measure(&mut cmd, frames)
    };
    let plain = export(&[], "plain.mp4").context("the plain export failed")?;
    let blurred =
        export(&["--background", "blur"], "blurred.mp4").context("the blurred export failed")?;
    let mut reference = Command::new("ffmpeg");
    reference
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(&source)
        .args(["-c:v", "libx264", "-preset", "veryfast", "-crf", "23"])
        .args(["-pix_fmt", "yuv420p", "-movflags", "+faststart"])
        .arg(dir.join("ffmpeg.mp4"));
    let ffmpeg =
        super::export::measure(&mut reference, frames).context("the ffmpeg CLI export failed")?;

    let (preview_plain, preview_blur) = preview_fps(&source)?;
    let reuse = mask_reuse_psnr(&source)?;

    let long = dir.join(format!("person-{}s.mp4", args.follow_seconds));
    make_person_source(&long, &picture, args.follow_seconds)?;
    let options = QuickOptions {
        canvas: Some((1080, 1920)),
        ..QuickOptions::default()
    };
    let project = quick_project(&long, &options)?;
    let started = Instant::now();
    let never = AtomicBool::new(false);
    let samples = crate::render::follow::face_samples(
        &project,
        ClipId(1),
        Path::new(""),
        &crate::vision::TractVision,
        &never,
    )?;
    let follow = started.elapsed().as_secs_f64();
    let found = samples.iter().filter(|(_, f)| f.is_some()).count();

    let secs = |r: &super::export::Run| r.wall.as_secs_f64();
    println!(
        "portrait: {} s 1080p30 with a person, libx264 veryfast CRF 23 (one run)",
        args.seconds
    );
    println!("{:<44} {:>12} {:>12} {:>8}", "", "with", "without", "ratio");
    println!(
        "{:<44} {:>10.2} s {:>10.2} s {:>7.2}× (target ≤ 2×)",
        "export, background blur vs none",
        secs(&blurred),
        secs(&plain),
        secs(&blurred) / secs(&plain).max(1e-9)
    );
    println!(
        "{:<44} {:>10.2} s {:>12} {:>7.2}× of ours without, {:.2}× of ours with",
        "reference: ffmpeg CLI, the same plain export",
        secs(&ffmpeg),
        "",
        secs(&plain) / secs(&ffmpeg).max(1e-9),
        secs(&blurred) / secs(&ffmpeg).max(1e-9)
    );
    println!(
        "{:<44} {:>8.1} fps {:>8.1} fps {:>7.2}× (target ≥ 24 fps; mask model every 40 ms)",
        "preview 960×540, background blur vs none",
        preview_blur,
        preview_plain,
        preview_plain / preview_blur.max(1e-9)
    );
    println!(
        "{:<44} {:>10.2} s {:>10} s {:>7.2}× real time (target ≤ 0.5×; {found} of {} samples with a face)",
        format!("follow face, {} s 1080p clip", args.follow_seconds),
        follow,
        args.follow_seconds,
        follow / f64::from(args.follow_seconds.max(1)),
        samples.len()
    );
    println!(
        "mask model every {} ms vs every frame: PSNR {:.1} dB whole frame, {:.1} dB face ({} frames at 960×540)",
        crate::render::MASK_EVERY.as_secs_f64() * 1000.0,
        reuse.whole,
        reuse.face,
        reuse.frames
    );
    println!(
        "model load + optimise (once): {:.0} ms",
        load.as_secs_f64() * 1000.0
    );
    println!(
        "models embedded in the binary: {:.2} MB",
        crate::vision::EMBEDDED_MODEL_BYTES as f64 / 1e6
    );
    Ok(())
}

/// Frames per second drawn at 960×540 by a preview compositor, without and with the blur,
/// over 3 s of consecutive frames.
fn preview_fps(source: &Path) -> anyhow::Result<(f64, f64)> {
    let mut project = quick_project(source, &QuickOptions::default())?;
    let size = (960, 540);
    let frames = 90;
    let time = |project: &crate::timeline::Project| -> anyhow::Result<f64> {
        let mut c = Compositor::for_preview("", false);
        c.set_output(OutputId::MAIN);
        c.frame_at(project, Time::ZERO, size)?;
        let started = Instant::now();
        for i in 1..=frames {
            let t = Time::from_frame(i, project.canvas.frame_rate);
            c.frame_at(project, t, size)?;
        }
        Ok(frames as f64 / started.elapsed().as_secs_f64().max(1e-9))
    };
    let plain = time(&project)?;
    let mut clip = None;
    for track in &mut project.tracks {
        for c in &mut track.clips {
            if c.id == ClipId(1) {
                c.effects.portrait = Some(Portrait::blur());
                clip = Some(c.id);
            }
        }
    }
    if clip.is_none() {
        bail!("the quick project has no picture clip");
    }
    let blur = time(&project)?;
    Ok((plain, blur))
}

/// How close the blurred frames with the mask reused between runs are to those with the
/// mask model run on every frame.
struct Reuse {
    whole: f64,
    face: f64,
    frames: u64,
}

/// Draws 2 s of `source` blurred at 960×540 twice in step, the mask model run every frame
/// and as the product runs it, and compares them over the whole frame and over the face
/// (found in each frame by the face model).
fn mask_reuse_psnr(source: &Path) -> anyhow::Result<Reuse> {
    use crate::vision::{FaceRange, Image, Vision};
    let mut project = quick_project(source, &QuickOptions::default())?;
    for track in &mut project.tracks {
        for c in &mut track.clips {
            c.effects.portrait = Some(Portrait::blur());
        }
    }
    let size = (960, 540);
    let mut every = Compositor::new("");
    every.set_portrait_mask_every(Time::ZERO);
    let mut reused = Compositor::new("");
    let (mut whole, mut face, mut face_px) = ((0u64, 0u64), 0u64, 0u64);
    let frames: u64 = 60;
    for i in 0..frames {
        let t = Time::from_frame(i as i64, project.canvas.frame_rate);
        let a = every.frame_at(&project, t, size)?;
        let b = reused.frame_at(&project, t, size)?;
        let sq = |p: &[u8], q: &[u8]| -> u64 {
            (0..3)
                .map(|c| (i64::from(p[c]) - i64::from(q[c])).pow(2) as u64)
                .sum()
        };
        whole.0 += a
            .data
            .chunks_exact(4)
            .zip(b.data.chunks_exact(4))
            .map(|(p, q)| sq(p, q))
            .sum::<u64>();
        whole.1 += u64::from(size.0 * size.1);
        let view = Image::new(a.width, a.height, &a.data)?;
        let Some(f) = crate::vision::TractVision
            .faces(view, FaceRange::Full)?
            .into_iter()
            .next()
        else {
            continue;
        };
        let px = |v: f32, n: u32| ((v.clamp(0.0, 1.0) * n as f32) as u32).min(n - 1);
        let (x0, x1) = (px(f.x, size.0), px(f.x + f.w, size.0));
        let (y0, y1) = (px(f.y, size.1), px(f.y + f.h, size.1));
        for y in y0..=y1 {
            for x in x0..=x1 {
                let at = ((y * size.0 + x) * 4) as usize;
                face += sq(&a.data[at..at + 4], &b.data[at..at + 4]);
                face_px += 1;
            }
        }
    }
    let db = |sum: u64, n: u64| {
        let mse = sum as f64 / (3 * n.max(1)) as f64;
        if mse == 0.0 {
            f64::INFINITY
        } else {
            10.0 * (255.0 * 255.0 / mse).log10()
        }
    };
    Ok(Reuse {
        whole: db(whole.0, whole.1),
        face: db(face, face_px),
        frames,
    })
}
