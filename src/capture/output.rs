//! Where a recording is written, so that nothing already on disk is lost.
//!
//! A new name is created exclusively (`O_EXCL`, never through a planted link) and recorded
//! into directly, so a crash leaves the recording under the name the user chose. An
//! existing file is refused unless [`RecordOptions::overwrite`] says otherwise; then the
//! recording goes to a temporary file beside it and replaces it only once complete, so a
//! recording that fails to start or breaks off never touches it. A symbolic link is
//! followed to its target, which is replaced by rename (never written through). An
//! existing device (`/dev/null`, `/dev/full`) named with `overwrite` is written directly.
//! The container comes from the extension: `.mp4`, `.m4v` (or none) and `.mov`.

use std::fs;
use std::path::{Path, PathBuf};

use super::options::RecordOptions;
use super::CaptureError;

/// The muxer for a recording named `path`: fragmented MP4 or MOV, the crash-safe formats.
pub(crate) fn muxer_for(path: &Path) -> Result<&'static str, CaptureError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        None | Some("mp4") | Some("m4v") => Ok("mp4"),
        Some("mov") => Ok("mov"),
        Some(other) => Err(CaptureError::Invalid(format!(
            "{}: recordings are written as MP4 (crash-safe); name the file .mp4 or .mov, not .{other}",
            path.display()
        ))),
    }
}

/// What [`check`] found out about the output.
#[derive(Debug)]
pub(crate) struct Planned {
    /// The muxer to use.
    pub(crate) muxer: &'static str,
    target: Target,
}

#[derive(Debug)]
enum Target {
    /// A name that does not exist yet.
    New(PathBuf),
    /// An existing regular file, replaced when the recording is complete.
    Replace(crate::files::OutputTarget),
    /// An existing device written directly (the user asked to overwrite it).
    Device(PathBuf),
}

/// Checks the output of a recording before anything starts: its format, that it is not an
/// existing file (without `overwrite`), and that it can take a file. Touches nothing,
/// except that a replay buffer's folder is created when missing.
pub fn check(opts: &RecordOptions) -> Result<(), CaptureError> {
    if opts.replay.is_some() {
        return check_replay_folder(&opts.output);
    }
    plan(opts).map(|_| ())
}

/// Checks (creating it if missing) the folder a replay buffer saves into.
pub(crate) fn check_replay_folder(dir: &Path) -> Result<(), CaptureError> {
    let refuse = |why: String| CaptureError::Invalid(format!("{}: {why}", dir.display()));
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(refuse(
            "with --replay, -o names the folder replays are saved into, and this is a file"
                .to_owned(),
        )),
        Err(_) => fs::create_dir_all(dir)
            .map_err(|e| refuse(format!("cannot create the folder for replays: {e}"))),
    }
}

pub(crate) fn plan(opts: &RecordOptions) -> Result<Planned, CaptureError> {
    let path = &opts.output;
    let muxer = muxer_for(path)?;
    let refuse = |why: String| CaptureError::Invalid(format!("{}: {why}", path.display()));
    let is_device = fs::metadata(path).is_ok_and(|m| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            m.file_type().is_char_device()
        }
        #[cfg(not(unix))]
        {
            let _ = m;
            false
        }
    });
    let target = if is_device {
        if !opts.overwrite {
            return Err(refuse(
                "is a device, not a file; add --overwrite to write into it".to_owned(),
            ));
        }
        Target::Device(path.clone())
    } else {
        let target = crate::files::output_target(path).map_err(|e| refuse(e.to_string()))?;
        if !target.exists {
            Target::New(target.destination)
        } else if opts.overwrite {
            Target::Replace(target)
        } else {
            return Err(refuse(
                "the file exists already; choose a new name, or add --overwrite to replace it once the new recording is complete".to_owned(),
            ));
        }
    };
    Ok(Planned { muxer, target })
}

/// The file being recorded into, and what to do with it at the end.
#[derive(Debug)]
pub(crate) struct Opened {
    /// The name FFmpeg writes to.
    pub(crate) write_to: PathBuf,
    kind: Opening,
}

#[derive(Debug)]
enum Opening {
    /// A file we created: removed again if the recording cannot start.
    Created(PathBuf),
    /// A temporary file that replaces `destination` when the recording is complete.
    Temp {
        temp: tempfile::TempPath,
        destination: PathBuf,
    },
    Device,
}

impl Planned {
    /// Creates the file to record into (exclusively: a name that appeared since [`check`]
    /// is refused, not replaced).
    pub(crate) fn open(self, shown: &Path) -> Result<Opened, CaptureError> {
        let refuse = |why: String| CaptureError::Invalid(format!("{}: {why}", shown.display()));
        match self.target {
            Target::New(path) => {
                fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .map_err(|e| match e.kind() {
                        std::io::ErrorKind::AlreadyExists => refuse(
                            "the file appeared while the recording was starting; choose a new name"
                                .to_owned(),
                        ),
                        _ => refuse(format!("cannot create the file: {e}")),
                    })?;
                Ok(Opened {
                    write_to: path.clone(),
                    kind: Opening::Created(path),
                })
            }
            Target::Replace(target) => {
                let temp = target
                    .temp_file_ending(".recording")
                    .map_err(|e| refuse(format!("cannot create a file beside it: {e}")))?
                    .into_temp_path();
                Ok(Opened {
                    write_to: temp.to_path_buf(),
                    kind: Opening::Temp {
                        temp,
                        destination: target.destination,
                    },
                })
            }
            Target::Device(path) => Ok(Opened {
                write_to: path,
                kind: Opening::Device,
            }),
        }
    }
}

impl Opened {
    /// The recording could not start: remove what was created, leave everything else.
    pub(crate) fn abandon(self) {
        match self.kind {
            Opening::Created(path) => {
                let _ = fs::remove_file(path);
            }
            // Dropping the temporary path deletes it.
            Opening::Temp { temp, .. } => drop(temp),
            Opening::Device => {}
        }
    }

    /// The recording ended. Complete (`ok`): a temporary file replaces the old one.
    /// Broken off: the old file stays as it was and the partial recording is kept under
    /// its temporary name, which is returned so it can be reported.
    pub(crate) fn finish(self, ok: bool) -> Result<Option<PathBuf>, std::io::Error> {
        match self.kind {
            Opening::Temp { temp, destination } if ok => {
                temp.persist(&destination).map_err(|e| e.error)?;
                Ok(None)
            }
            Opening::Temp { temp, .. } => temp.keep().map(Some).map_err(|e| e.error),
            Opening::Created(_) | Opening::Device => Ok(None),
        }
    }
}
