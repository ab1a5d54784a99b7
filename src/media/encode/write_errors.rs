//! Write failures of an output, told apart: a full disk (or a file size limit) is reported
//! as such, anything else with the step that failed.

use std::path::Path;

use ffmpeg_next as ff;

use super::super::MediaError;

/// Flushes the output's I/O buffer and returns the first write error it met, if any.
#[allow(unsafe_code)]
pub(super) fn flush_error(octx: &mut ff::format::context::Output) -> Option<ff::Error> {
    // SAFETY: `octx` owns a valid AVFormatContext; `pb` is null (no file) or its open
    // AVIOContext, which avio_flush may use and whose `error` field we only read.
    unsafe {
        let pb = (*octx.as_mut_ptr()).pb;
        if pb.is_null() {
            return None;
        }
        ff::ffi::avio_flush(pb);
        let err = (*pb).error;
        (err < 0).then(|| ff::Error::from(err))
    }
}

pub(super) fn is_disk_full(e: &ff::Error) -> bool {
    match e {
        ff::Error::Other { errno } => matches!(
            std::io::Error::from_raw_os_error(*errno).kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::FileTooLarge
        ),
        _ => false,
    }
}

pub(super) fn write_error(path: &Path, step: &'static str, e: ff::Error) -> MediaError {
    if is_disk_full(&e) {
        MediaError::DiskFull {
            path: path.to_owned(),
        }
    } else {
        MediaError::Write {
            path: path.to_owned(),
            detail: format!("{step} failed: {e}"),
        }
    }
}

pub(super) fn io_error(path: &Path, e: std::io::Error) -> MediaError {
    match e.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::FileTooLarge => {
            MediaError::DiskFull {
                path: path.to_owned(),
            }
        }
        _ => MediaError::Write {
            path: path.to_owned(),
            detail: e.to_string(),
        },
    }
}
