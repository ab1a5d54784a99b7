//! The error type of recording: opening a capture device, encoding, and writing the
//! recording file. Each variant names the device or file it concerns.

use std::path::PathBuf;

/// What went wrong while grabbing, encoding or writing a recording.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// FFmpeg lacks the capture device (e.g. `x11grab` or `pulse` not built in).
    #[error("FFmpeg has no \"{0}\" capture device in this build")]
    NoDevice(&'static str),
    /// A capture device could not be opened or read.
    #[error("{device} {url}: {step} failed: {source}")]
    Device {
        device: &'static str,
        url: String,
        step: &'static str,
        #[source]
        source: ffmpeg_next::Error,
    },
    /// A capture device delivered something we cannot use.
    #[error("{device} {url}: {detail}")]
    Unsupported {
        device: &'static str,
        url: String,
        detail: String,
    },
    /// No encoder could be opened for the output.
    #[error("cannot open a {what} encoder ({tried}): {detail}")]
    Encoder {
        what: &'static str,
        tried: String,
        detail: String,
    },
    /// Converting or encoding a frame failed.
    #[error("{step} failed: {source}")]
    Codec {
        step: &'static str,
        #[source]
        source: ffmpeg_next::Error,
    },
    /// The disk is full: the recording stopped, and what was written is kept.
    #[error("{}: the disk is full; the recording stopped and what was recorded so far is kept", path.display())]
    DiskFull { path: PathBuf },
    /// Creating or writing the recording file failed.
    #[error("{}: {step} failed: {source}", path.display())]
    Write {
        path: PathBuf,
        step: &'static str,
        #[source]
        source: ffmpeg_next::Error,
    },
}

/// True for FFmpeg's "no space left on device" (ENOSPC) and "quota exceeded" (EDQUOT).
pub(crate) fn is_disk_full(e: &ffmpeg_next::Error) -> bool {
    matches!(e, ffmpeg_next::Error::Other { errno } if *errno == libc_enospc() || *errno == libc_edquot())
}

// The errno values of Linux, macOS and Windows' CRT: ENOSPC is 28 everywhere; EDQUOT is
// 122 on Linux and 69 on macOS (Windows has none).
const fn libc_enospc() -> i32 {
    28
}

const fn libc_edquot() -> i32 {
    if cfg!(target_os = "macos") {
        69
    } else {
        122
    }
}
