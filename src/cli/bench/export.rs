//! `clipwright bench export`: the reference export job through Clipwright and through the
//! `ffmpeg` CLI, in the same run, on the same generated source, side by side.
//!
//! The job: N seconds (20 by default) of 1080p30 with a 440 Hz tone → 1.5× speed (pitch
//! kept), 1080×1920 fill, two burned subtitle cues, libx264 veryfast CRF 23 + AAC 160 kb/s
//! in MP4. Both run as child processes so their wall time and peak memory (sampled from
//! `/proc`) are measured the same way. Making the source is not timed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;

/// The options of `clipwright bench export`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Seconds of 1080p source to generate.
    #[arg(long, default_value_t = 20)]
    seconds: u32,
    /// Work folder (kept afterwards); a temporary one if not given.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Only run Clipwright (e.g. to watch memory on a long export).
    #[arg(long)]
    only_ours: bool,
}

/// One measured run.
pub(super) struct Run {
    pub(super) wall: Duration,
    peak_rss_kb: u64,
    frames: u64,
}

/// Runs the benchmark and prints the table.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let (_temp, dir) = super::work_dir(args.dir.as_deref())?;
    let dir: &Path = &dir;
    let source = dir.join(format!("source-{}s.mp4", args.seconds));
    let tone = [
        "-f".into(),
        "lavfi".into(),
        "-i".into(),
        format!(
            "sine=frequency=440:sample_rate=48000:duration={}",
            args.seconds
        ),
        "-c:a".into(),
        "aac".into(),
        "-b:a".into(),
        "160k".into(),
    ];
    super::make_source(&source, args.seconds, &tone)?;
    let subs = dir.join("cues.srt");
    std::fs::write(
        &subs,
        "1\n00:00:01,000 --> 00:00:04,000\nFirst burned cue\n\n\
         2\n00:00:06,000 --> 00:00:09,500\nSecond burned cue\n",
    )?;
    let out_frames = u64::from(args.seconds) * 30 * 2 / 3;

    let ours_out = dir.join("clipwright.mp4");
    let exe = std::env::current_exe().context("cannot find the clipwright program")?;
    let mut ours_cmd = Command::new(exe);
    ours_cmd
        .args(["export", "--quiet", "--no-hardware", "--input"])
        .arg(&source)
        .arg("-o")
        .arg(&ours_out)
        .args([
            "--speed",
            "1.5",
            "--canvas",
            "1080x1920",
            "--fit",
            "fill",
            "--crf",
            "23",
        ])
        .args(["--encoder", "libx264", "--subtitles"])
        .arg(&subs);
    let ours = measure(&mut ours_cmd, out_frames).context("the Clipwright export failed")?;

    let theirs = if args.only_ours {
        None
    } else {
        let theirs_out = dir.join("ffmpeg.mp4");
        let filter = format!(
            "[0:v]setpts=PTS/1.5,scale=1080:1920:force_original_aspect_ratio=increase,\
             crop=1080:1920,subtitles=filename={}[v];[0:a]atempo=1.5[a]",
            subs.display()
        );
        let mut cmd = Command::new("ffmpeg");
        cmd.args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
            .arg(&source)
            .args([
                "-filter_complex",
                &filter,
                "-map",
                "[v]",
                "-map",
                "[a]",
                "-r",
                "30",
            ])
            .args(["-c:v", "libx264", "-preset", "veryfast", "-crf", "23"])
            .args(["-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart"])
            .arg(&theirs_out);
        Some(measure(&mut cmd, out_frames).context("the ffmpeg CLI export failed")?)
    };

    println!(
        "reference job: {} s 1080p30 → 1.5× speed, 1080×1920 fill, 2 burned cues, libx264 veryfast CRF 23, AAC 160k",
        args.seconds
    );
    println!(
        "{:<12} {:>10} {:>10} {:>14}",
        "", "wall (s)", "fps", "peak RSS (MB)"
    );
    let row = |name: &str, r: &Run| {
        println!(
            "{name:<12} {:>10.2} {:>10.1} {:>14.0}",
            r.wall.as_secs_f64(),
            r.frames as f64 / r.wall.as_secs_f64().max(1e-9),
            r.peak_rss_kb as f64 / 1024.0
        );
    };
    row("clipwright", &ours);
    if let Some(t) = &theirs {
        row("ffmpeg CLI", t);
        println!(
            "ratio clipwright / ffmpeg: {:.2}× (target ≤ 1.10×)",
            ours.wall.as_secs_f64() / t.wall.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}

/// Runs `cmd`, sampling its resident memory every 50 ms.
pub(super) fn measure(cmd: &mut Command, frames: u64) -> anyhow::Result<Run> {
    let started = Instant::now();
    let mut child = cmd.stdin(Stdio::null()).spawn()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let status = loop {
        if let Some(kb) = std::fs::read_to_string(&status_path)
            .ok()
            .and_then(|s| field_kb(&s, "VmHWM:"))
        {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let wall = started.elapsed();
    if !status.success() {
        bail!("exited with {status}");
    }
    Ok(Run {
        wall,
        peak_rss_kb: peak,
        frames,
    })
}

fn field_kb(status: &str, key: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
