//! The error type of the media module: every variant names the file it concerns, so the
//! one line a user sees says which file and what is wrong with it.

use std::path::PathBuf;

/// What went wrong while reading or writing a media file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The path does not exist.
    #[error("{}: no such file", path.display())]
    NotFound { path: PathBuf },
    /// The path exists but could not be read (permissions, a directory, an I/O error).
    #[error("{}: cannot read: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file has no bytes at all.
    #[error("{}: the file is empty (0 bytes)", path.display())]
    Empty { path: PathBuf },
    /// FFmpeg recognised no media container in the file.
    #[error("{}: not a media file Clipwright can read ({reason})", path.display())]
    NotMedia { path: PathBuf, reason: String },
    /// The container opened but its data stops early or is damaged.
    #[error("{}: the file is truncated or damaged: {detail}", path.display())]
    Damaged { path: PathBuf, detail: String },
    /// The file holds no audio or video stream.
    #[error("{}: the file holds no audio or video stream", path.display())]
    NoStreams { path: PathBuf },
    /// Any other FFmpeg failure, with the step that failed.
    #[error("{}: {step} failed: {source}", path.display())]
    Ffmpeg {
        path: PathBuf,
        step: &'static str,
        #[source]
        source: ffmpeg_next::Error,
    },
    /// The file has no video stream where one is needed.
    #[error("{}: the file holds no video stream", path.display())]
    NoVideo { path: PathBuf },
    /// A picture could not be converted (size or pixel format swscale refuses).
    #[error("{}: {source}", path.display())]
    Convert {
        path: PathBuf,
        #[source]
        source: super::frame::ScaleError,
    },
    /// No encoder by that name, or none for the chosen format, could be opened.
    #[error("{}: cannot encode: {source}", path.display())]
    Encoder {
        path: PathBuf,
        #[source]
        source: super::codecs::CodecError,
    },
    /// The disk (or the file size limit) is full: the output could not be written.
    #[error("{}: the disk is full (or the file size limit was reached); nothing was written — free some space or choose another folder", path.display())]
    DiskFull { path: PathBuf },
    /// Writing the output failed for another reason.
    #[error("{}: cannot write: {detail}", path.display())]
    Write { path: PathBuf, detail: String },
    /// The job was cancelled; nothing was written.
    #[error("{}: cancelled; nothing was written", path.display())]
    Cancelled { path: PathBuf },
    /// A newer request took over before this frame was reached (see
    /// [`super::VideoDecoder::set_interrupt`]); the decoder is ready for the next one.
    #[error("{}: a newer request replaced this one", path.display())]
    Superseded { path: PathBuf },
}
