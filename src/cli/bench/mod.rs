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
