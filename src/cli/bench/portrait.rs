//! `clipwright bench portrait`: what the portrait effect and "Follow face" cost, each beside
//! the same work without them, in one run.
//!
//! - export: N seconds (10 by default) of 1080p30 with a person in it (the picture given
//!   with `--picture`, by default the astronaut photo the tests use) exported with a
//!   background blur, beside the same export without it (target ≤ 2×) and the `ffmpeg`
//!   CLI's plain export of the same source (libx264 veryfast CRF 23) as the reference; the
//!   blurred export also with the next frames analysed ahead on a thread of their own
//!   (`--portrait-look-ahead`), which decodes the source twice;
//! - preview: frames drawn at 960×540 through a preview compositor, with and without the
//!   blur (target ≥ 24 fps), the mask model run as the product runs it
//!   ([`crate::render::MASK_EVERY`]);
//! - mask reuse: the blurred frames with the mask model run every frame against the same
//!   frames with it run as the product runs it (PSNR over the whole frame and over the
//!   face);
//! - follow face: the face analysis of a 60 s 1080p clip (target ≤ 0.5× real time);
//! - model load: loading and optimising the three shipped models, once.
//!
//! The exports and previews with and without the blur run in turn, over a few rounds (the
//! order swapping each round), each round printed with the machine's load; the table gives
//! the medians. Making the sources is not timed.

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
    /// Rounds: each runs the exports and previews with and without the blur in turn (the
    /// order swapping every round), so a busy machine weighs on both alike; the table
    /// gives the median of each.
    #[arg(long, default_value_t = 3)]
    rounds: u32,
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
    let mut reference = Command::new("ffmpeg");
    reference
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(&source)
        .args(["-c:v", "libx264", "-preset", "veryfast", "-crf", "23"])
        .args(["-pix_fmt", "yuv420p", "-movflags", "+faststart"])
        .arg(dir.join("ffmpeg.mp4"));
    let mut runs = Rounds::default();
    for round in 0..args.rounds.max(1) {
        let machine = super::loadavg();
        let mut one = |blur: bool| -> anyhow::Result<()> {
            if blur {
                let r = export(&["--background", "blur"], "blurred.mp4")
                    .context("the blurred export failed")?;
                runs.blurred.push(r.wall.as_secs_f64());
                let r = export(
                    &["--background", "blur", "--portrait-look-ahead"],
                    "ahead.mp4",
                )
                .context("the blurred export analysed ahead failed")?;
                runs.blurred_ahead.push(r.wall.as_secs_f64());
                runs.preview_blur.push(preview_fps(&source, true, false)?);
                runs.preview_ahead.push(preview_fps(&source, true, true)?);
            } else {
                let r = export(&[], "plain.mp4").context("the plain export failed")?;
                runs.plain.push(r.wall.as_secs_f64());
                runs.preview_plain.push(preview_fps(&source, false, false)?);
            }
            Ok(())
        };
        one(round % 2 == 1)?;
        one(round % 2 == 0)?;
        let ffmpeg = super::export::measure(&mut reference, frames)
            .context("the ffmpeg CLI export failed")?;
        runs.ffmpeg.push(ffmpeg.wall.as_secs_f64());
        runs.print_round(round, &machine);
    }
    let reuse = mask_reuse_psnr(&source)?;

    let (follow, found, samples) = follow_face(&dir, &picture, args.follow_seconds)?;

    runs.print_medians(args.seconds);
    println!(
        "{:<44} {:>10.2} s {:>10} s {:>7.2}× real time (target ≤ 0.5×; {found} of {} samples with a face)",
        format!("follow face, {} s 1080p clip", args.follow_seconds),
        follow,
        args.follow_seconds,
        follow / f64::from(args.follow_seconds.max(1)),
        samples
    );
    println!(
        "mask model every {} ms vs every frame: PSNR {:.1} dB whole frame, {:.1} dB face ({} frames at 960×540)",
        crate::render::MASK_EVERY.as_secs_f64() * 1000.0,
        reuse.whole,
        reuse.face,
        reuse.frames
    );
    let (square, landscape) = mask_call_ms(&source)?;
    println!(
        "mask model per call (median of 21, load {}): square 256×256 {square:.1} ms, \
         landscape 256×144 {landscape:.1} ms",
        super::loadavg()
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

/// The face analysis of `seconds` of 1080p with the person in it, as "Follow face" runs
/// it: how long it took, how many samples found a face, and how many samples there were.
fn follow_face(dir: &Path, picture: &Path, seconds: u32) -> anyhow::Result<(f64, usize, usize)> {
    let long = dir.join(format!("person-{seconds}s.mp4"));
    make_person_source(&long, picture, seconds)?;
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
    Ok((follow, found, samples.len()))
}

/// The seconds and frame rates of each round, in the order measured.
#[derive(Default)]
struct Rounds {
    plain: Vec<f64>,
    blurred: Vec<f64>,
    /// With the blur, the next frames analysed ahead on a thread of their own.
    blurred_ahead: Vec<f64>,
    ffmpeg: Vec<f64>,
    preview_plain: Vec<f64>,
    preview_blur: Vec<f64>,
    /// With the blur, the next frames analysed ahead on a thread of their own.
    preview_ahead: Vec<f64>,
}

/// The median of `v` (the mean of the middle two for an even count).
fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

impl Rounds {
    /// One line for round `round`, measured with the machine at `load`.
    fn print_round(&self, round: u32, load: &str) {
        let last = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
        let (b, p) = (last(&self.blurred), last(&self.plain));
        println!(
            "round {}: export {b:.2} s with blur ({:.2} s analysed ahead), {p:.2} s without \
             ({:.2}×), ffmpeg {:.2} s; preview {:.1} fps with ({:.1} analysed ahead), \
             {:.1} fps without (load {load})",
            round + 1,
            last(&self.blurred_ahead),
            b / p.max(1e-9),
            last(&self.ffmpeg),
            last(&self.preview_blur),
            last(&self.preview_ahead),
            last(&self.preview_plain),
        );
    }

    /// The table: the median of each column over the rounds.
    fn print_medians(&self, seconds: u32) {
        let (b, p, f) = (
            median(&self.blurred),
            median(&self.plain),
            median(&self.ffmpeg),
        );
        let (pb, pp) = (median(&self.preview_blur), median(&self.preview_plain));
        println!(
            "portrait: {seconds} s 1080p30 with a person, libx264 veryfast CRF 23 \
             (median of {} interleaved rounds)",
            self.plain.len()
        );
        println!("{:<44} {:>12} {:>12} {:>8}", "", "with", "without", "ratio");
        println!(
            "{:<44} {b:>10.2} s {p:>10.2} s {:>7.2}× (target ≤ 2×)",
            "export, background blur vs none",
            b / p.max(1e-9)
        );
        let ba = median(&self.blurred_ahead);
        println!(
            "{:<44} {ba:>10.2} s {p:>10.2} s {:>7.2}×",
            "  the same, next frames analysed ahead",
            ba / p.max(1e-9)
        );
        println!(
            "{:<44} {f:>10.2} s {:>12} {:>7.2}× of ours without, {:.2}× of ours with",
            "reference: ffmpeg CLI, the same plain export",
            "",
            p / f.max(1e-9),
            b / f.max(1e-9)
        );
        println!(
            "{:<44} {pb:>8.1} fps {pp:>8.1} fps {:>7.2}× (target ≥ 24 fps; mask model every {} ms)",
            "preview 960×540, background blur vs none",
            pp / pb.max(1e-9),
            crate::render::MASK_EVERY.as_secs_f64() * 1000.0
        );
        println!(
            "{:<44} {:>8.1} fps {pp:>8.1} fps {:>7.2}×",
            "  the same, next frames analysed ahead",
            median(&self.preview_ahead),
            pp / median(&self.preview_ahead).max(1e-9)
        );
    }
}

/// Frames per second drawn at 960×540 by a preview compositor, with or without the blur,
/// over 3 s of consecutive frames (no analysis cached from before); `ahead`: the models
/// run on the next frames on a thread of their own (the app analyses in place).
fn preview_fps(source: &Path, blur: bool, ahead: bool) -> anyhow::Result<f64> {
    let mut project = quick_project(source, &QuickOptions::default())?;
    if blur {
        let clip = project
            .tracks
            .iter_mut()
            .flat_map(|t| t.clips.iter_mut())
            .find(|c| c.id == ClipId(1))
            .context("the quick project has no picture clip")?;
        clip.effects.portrait = Some(Portrait::blur());
    }
    crate::vision::clear_cache();
    let size = (960, 540);
    let frames = 90;
    let mut c = Compositor::for_preview("", false);
    c.set_output(OutputId::MAIN);
    c.set_portrait_look_ahead(ahead);
    c.frame_at(&project, Time::ZERO, size)?;
    let started = Instant::now();
    for i in 1..=frames {
        let t = Time::from_frame(i, project.canvas.frame_rate);
        c.frame_at(&project, t, size)?;
    }
    Ok(frames as f64 / started.elapsed().as_secs_f64().max(1e-9))
}

/// Milliseconds a call of the square and of the landscape mask model takes on the first
/// frame of `source` shrunk to each one's input (median of 21 calls each, in turn).
fn mask_call_ms(source: &Path) -> anyhow::Result<(f64, f64)> {
    use crate::vision::{Image, Vision, LANDSCAPE_MASK, MASK_SIZE};
    let frame = crate::render::frame_at(
        &quick_project(source, &QuickOptions::default())?,
        Time::ZERO,
        (1920, 1080),
    )?;
    let full = Image::new(frame.width, frame.height, &frame.data)?;
    let square = crate::vision::resize_bilinear(full, MASK_SIZE, MASK_SIZE);
    let (lw, lh) = LANDSCAPE_MASK;
    let wide = crate::vision::resize_bilinear(full, lw, lh);
    let inputs = [
        Image::new(MASK_SIZE, MASK_SIZE, &square)?,
        Image::new(lw, lh, &wide)?,
    ];
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..21 {
        for (input, t) in inputs.iter().zip(&mut times) {
            let started = Instant::now();
            crate::vision::TractVision.person_mask(*input)?;
            t.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok((median(&times[0]), median(&times[1])))
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
