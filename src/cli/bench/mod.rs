//! `clipwright bench …`: measured runs of Clipwright's jobs beside the `ffmpeg` CLI doing
//! the same work, in the same run, printed side by side.
//!
//! - `export`: the reference export job (see [`export`]).
//! - `record`: a busy 1080p30 window with its sound, against `ffmpeg -f x11grab` (Linux);
//!   with `--highlight`, also while a highlight of the growing recording is exported.
//! - `replay`: a long replay-buffer recording's memory, against ffmpeg's segment ring
//!   (Linux).
//! - `portrait`: background blur in export and preview, follow-face analysis and model
//!   load, each beside the same work without it (see [`portrait`]).
//! - `outputs`: a two-output project exported both at once (one decode) and one after the
//!   other, beside the `ffmpeg` CLI making the same two files (see [`outputs`]; Linux).
//! - `scrub`, `play`: the preview path's seek latency and its memory over a long play
//!   (see [`preview`]).

#[cfg(target_os = "linux")]
mod child;
#[cfg(target_os = "linux")]
mod desktop;
pub(super) mod export;
pub(super) mod growing;
#[cfg(target_os = "linux")]
pub(super) mod outputs;
pub(super) mod portrait;
pub(super) mod preview;
#[cfg(target_os = "linux")]
pub(super) mod record;
#[cfg(target_os = "linux")]
mod record_highlight;
#[cfg(target_os = "linux")]
pub(super) mod replay;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(super) enum BenchWhat {
    /// 1080p30 → 1.5× speed, 9:16 fill, two burned cues, x264 veryfast CRF 23 + AAC 160k.
    Export(export::BenchArgs),
    /// A busy 1920x1080 window at 1080p30 with sound for 60 s, against ffmpeg's x11grab:
    /// drops, CPU, memory and A/V offset from a flash-and-beep source.
    #[cfg(target_os = "linux")]
    Record(record::RecordBenchArgs),
    /// A replay-buffer recording of the test pattern for 30 min (a replay saved every
    /// 5 min): memory over time beside ffmpeg's segment ring.
    #[cfg(target_os = "linux")]
    Replay(replay::ReplayBenchArgs),
    /// Preview seek latency (p50/p95 over random seeks in 1080p H.264) beside
    /// `ffmpeg -ss T -frames:v 1` per seek.
    Scrub(preview::ScrubArgs),
    /// One look at a growing 10-minute recording: probed whole with its waveform made
    /// again, beside reading only what was appended.
    Growing(growing::GrowingBenchArgs),
    /// Plays a long project (10 min by default) through the preview: frames/s and memory.
    Play(preview::PlayArgs),
    /// Background blur (export and 960x540 preview) and follow-face analysis, each beside
    /// the same work without it; model load time.
    Portrait(portrait::PortraitBenchArgs),
    /// A 16:9 + 9:16 project exported both at once (one decode) and one after the other,
    /// beside the ffmpeg CLI making the same two files: wall time, CPU, memory.
    #[cfg(target_os = "linux")]
    Outputs(outputs::OutputsBenchArgs),
}

/// Runs the benchmark `what` names.
pub(super) fn run(what: BenchWhat) -> anyhow::Result<()> {
    match what {
        BenchWhat::Export(args) => export::run(&args),
        #[cfg(target_os = "linux")]
        BenchWhat::Record(args) => record::run(&args),
        #[cfg(target_os = "linux")]
        BenchWhat::Replay(args) => replay::run(&args),
        BenchWhat::Scrub(args) => preview::scrub(&args),
        BenchWhat::Play(args) => preview::play(&args),
        BenchWhat::Growing(args) => growing::run(&args),
        BenchWhat::Portrait(args) => portrait::run(&args),
        #[cfg(target_os = "linux")]
        BenchWhat::Outputs(args) => outputs::run(&args),
    }
}

/// The benchmark's work folder: `dir` (made if missing, and made absolute so paths built
/// in it are not resolved against it a second time), or a temporary one removed when the
/// returned guard drops.
pub(super) fn work_dir(dir: Option<&Path>) -> anyhow::Result<(Option<tempfile::TempDir>, PathBuf)> {
    match dir {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
            let d = std::fs::canonicalize(d)
                .with_context(|| format!("cannot resolve {}", d.display()))?;
            Ok((None, d))
        }
        None => {
            let temp = tempfile::tempdir().context("cannot make a temporary folder")?;
            let path = temp.path().to_owned();
            Ok((Some(temp), path))
        }
    }
}

/// The load averages over 1, 5 and 15 minutes (as `uptime` prints them), or "unknown".
pub(super) fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Makes `seconds` of 1080p30 `testsrc2` as H.264 (veryfast, CRF 20) at `path` unless it
/// is already there. `encode` adds inputs and codec options after the picture's input
/// (e.g. a tone and its encoder, or a keyframe interval).
pub(super) fn make_source(
    path: &Path,
    seconds: u32,
    encode: &[impl AsRef<std::ffi::OsStr>],
) -> anyhow::Result<()> {
    if path.exists() {
        return Ok(());
    }
    eprintln!("making {seconds} s of 1080p30 source…");
    // Made under another name and renamed, so an interrupted run never leaves a short
    // source that the next run would take as made.
    let partial = path.with_extension("partial.mp4");
    let status = Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
        ])
        .arg(format!(
            "testsrc2=size=1920x1080:rate=30:duration={seconds}"
        ))
        .args(encode)
        .args([
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        ])
        .arg(&partial)
        .status()
        .context("the ffmpeg command-line tool is needed to make the source")?;
    if !status.success() {
        let _ = std::fs::remove_file(&partial);
        bail!("ffmpeg could not make the benchmark source");
    }
    std::fs::rename(&partial, path)
        .with_context(|| format!("cannot rename {} into place", partial.display()))
}
