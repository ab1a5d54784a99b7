//! `clipwright bench outputs`: a project with two outputs (the 1920×1080 main one and a
//! 1080×1920 one filled from the middle of the picture) exported both at once — each
//! source frame decoded once for both — beside the same two outputs exported one after the
//! other, and beside the `ffmpeg` CLI making the same two files: two runs, one a plain
//! re-encode and one `crop,scale`, and one run with `split` feeding both (ffmpeg's own way
//! of decoding once). Everything runs as a child process, measured alike (wall time, CPU
//! time, peak memory); libx264 veryfast CRF 23 + AAC 160 kb/s throughout. Making the source
//! is not timed.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use clap::Args;

use super::child::{self, ChildRun};
use crate::timeline::{Edit, History, Reframe, ReframeMode};

/// The options of `clipwright bench outputs`.
#[derive(Debug, Args)]
pub struct OutputsBenchArgs {
    /// Seconds of 1080p30 source to generate.
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    /// Work folder (kept afterwards); a temporary one if not given.
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// The vertical output's name in the project.
const VERTICAL: &str = "Vertical";

/// Runs the benchmark and prints the table.
pub fn run(args: &OutputsBenchArgs) -> anyhow::Result<()> {
    let (_temp, dir) = super::work_dir(args.dir.as_deref())?;
    let source = dir.join(format!("source-{}s.mp4", args.seconds));
    let tone = format!(
        "sine=frequency=440:sample_rate=48000:duration={}",
        args.seconds
    );
    let audio = ["-f", "lavfi", "-i", &tone, "-c:a", "aac", "-b:a", "160k"];
    super::make_source(&source, args.seconds, &audio)?;
    let project = dir.join("two-outputs.clipwright");
    write_project(&source, &project)?;

    let exe = std::env::current_exe().context("cannot find the clipwright program")?;
    let export = |extra: &[&str], out: &Path| {
        let mut cmd = Command::new(&exe);
        cmd.args(["export", "--quiet", "--no-hardware", "--encoder", "libx264"])
            .arg(&project)
            .args(extra)
            .arg("-o")
            .arg(out);
        cmd
    };
    let log = |name: &str| {
        (
            dir.join(format!("{name}.out")),
            dir.join(format!("{name}.err")),
        )
    };
    let measure = |name: &str, mut cmd: Command| -> anyhow::Result<ChildRun> {
        let (out, err) = log(name);
        child::run(&mut cmd, &out, &err).with_context(|| format!("the run {name:?} failed"))
    };

    let together_dir = dir.join("together");
    std::fs::create_dir_all(&together_dir)?;
    let together = measure("together", export(&["--all-outputs"], &together_dir))?;
    let main = measure(
        "main",
        export(&["--project-output", "Main"], &dir.join("main.mp4")),
    )?;
    let vertical = measure(
        "vertical",
        export(&["--project-output", VERTICAL], &dir.join("vertical.mp4")),
    )?;

    let (crop_w, crop_x) = (1080 * 1080 / 1920 / 2 * 2, (1920 - 1080 * 1080 / 1920) / 2);
    let vertical_filter = format!("crop={crop_w}:1080:{crop_x}:0,scale=1080:1920");
    let ff_main = measure(
        "ffmpeg-main",
        ffmpeg(&source, None, &dir.join("ff-main.mp4")),
    )?;
    let ff_vertical = measure(
        "ffmpeg-vertical",
        ffmpeg(
            &source,
            Some(&vertical_filter),
            &dir.join("ff-vertical.mp4"),
        ),
    )?;
    let ff_split = measure(
        "ffmpeg-split",
        ffmpeg_split(&source, &vertical_filter, &dir),
    )?;

    println!(
        "two outputs of {} s 1080p30 with sound: 1920×1080 and 1080×1920 (centre crop), \
         libx264 veryfast CRF 23, AAC 160k",
        args.seconds
    );
    println!(
        "{:<34} {:>9} {:>9} {:>14}",
        "", "wall (s)", "CPU (s)", "peak RSS (MB)"
    );
    let row = |name: &str, runs: &[&ChildRun]| {
        let wall: f64 = runs.iter().map(|r| r.wall.as_secs_f64()).sum();
        let cpu: f64 = runs.iter().map(|r| r.cpu().as_secs_f64()).sum();
        let peak = runs.iter().map(|r| r.peak_rss_kb).max().unwrap_or(0);
        println!(
            "{name:<34} {wall:>9.2} {cpu:>9.2} {:>14.0}",
            peak as f64 / 1024.0
        );
        (wall, cpu)
    };
    let (t_wall, t_cpu) = row("clipwright, both at once", &[&together]);
    let (s_wall, s_cpu) = row("clipwright, one after the other", &[&main, &vertical]);
    row("ffmpeg CLI, one after the other", &[&ff_main, &ff_vertical]);
    row("ffmpeg CLI, both from one decode", &[&ff_split]);
    println!(
        "both at once / one after the other: wall {:.2}×, CPU {:.2}×",
        t_wall / s_wall.max(1e-9),
        t_cpu / s_cpu.max(1e-9)
    );
    Ok(())
}

/// A project of the whole `source` on the 1920×1080 canvas, with a 1080×1920 output that
/// fills its frame from the middle of the picture.
fn write_project(source: &Path, path: &Path) -> anyhow::Result<()> {
    let options = crate::export::QuickOptions::default();
    let mut project = crate::export::quick_project(source, &options)?;
    let (id, add) = crate::timeline::outputs::add_output(&project, VERTICAL, (1080, 1920));
    let mut edits = vec![add];
    for (_, clip) in project.clips().filter(|(t, _)| t.kind.is_visual()) {
        edits.push(Edit::SetReframe {
            clip: clip.id,
            output: id,
            reframe: Some(Reframe {
                mode: ReframeMode::Fill,
                crop: Default::default(),
            }),
        });
    }
    crate::timeline::apply(&mut project, Edit::Batch { edits })?;
    crate::timeline::file::save(path, &project, &History::default())?;
    Ok(())
}

/// `ffmpeg -i SOURCE [-vf FILTER] OUT` with the export's codecs.
fn ffmpeg(source: &Path, filter: Option<&str>, out: &Path) -> Command {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(source);
    if let Some(f) = filter {
        cmd.args(["-vf", f]);
    }
    cmd.args(CODECS).arg(out);
    cmd
}

/// ffmpeg making both files in one run, its decoded frames split between them.
fn ffmpeg_split(source: &Path, vertical: &str, dir: &Path) -> Command {
    let graph = format!("[0:v]split=2[a][b];[b]{vertical}[v]");
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(source)
        .args(["-filter_complex", &graph, "-map", "[a]", "-map", "0:a"])
        .args(CODECS)
        .arg(dir.join("ff-split-main.mp4"))
        .args(["-map", "[v]", "-map", "0:a"])
        .args(CODECS)
        .arg(dir.join("ff-split-vertical.mp4"));
    cmd
}

/// The export's default codecs, as ffmpeg options.
const CODECS: [&str; 10] = [
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", "-b:a", "160k",
];
