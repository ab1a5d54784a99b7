//! Small file-system rules shared by every module that reads or writes a user's file:
//! whether two names are the same file, whether a name is a regular file we may read,
//! and the temporary file a complete output is written to before it is renamed into place.
//!
//! Nothing here knows about media, subtitles or projects; it only keeps the promise that
//! nothing already on disk is lost or changed behind the user's back.

use std::fs::{self, Metadata, Permissions};
use std::io;
use std::path::{Path, PathBuf};

/// True when `a` and `b` name the same file: the same device and inode on Unix (so also
/// through symbolic and hard links), the same canonical path elsewhere. Names that do not
/// exist are never the same file as anything.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(ma), Ok(mb)) => same_identity(a, &ma, b, &mb),
        _ => false,
    }
}

#[cfg(unix)]
fn same_identity(_a: &Path, ma: &Metadata, _b: &Path, mb: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    ma.dev() == mb.dev() && ma.ino() == mb.ino()
}

#[cfg(not(unix))]
fn same_identity(a: &Path, _ma: &Metadata, b: &Path, _mb: &Metadata) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(ca), Ok(cb)) => ca == cb,
        _ => false,
    }
}

/// Checks that `path` is a regular file (following links) before anything opens it: a
/// FIFO would block the reader forever, and a device (`/dev/zero`) never ends.
pub fn check_regular_file(path: &Path) -> io::Result<Metadata> {
    let meta = fs::metadata(path)?;
    if meta.is_file() {
        Ok(meta)
    } else if meta.is_dir() {
        Err(io::Error::other("it is a folder, not a file"))
    } else {
        Err(io::Error::other(
            "not a regular file (a pipe, device or socket); give a file on disk",
        ))
    }
}

/// Where a complete output for `path` goes, and how it is to be made.
#[derive(Debug)]
pub struct OutputTarget {
    /// The file that will be replaced (or created): `path` itself, or the file a
    /// symbolic link at `path` points to — the link is never written through.
    pub destination: PathBuf,
    /// The permissions to give the new file: the replaced file's, or `None` for a new file
    /// (which then gets 0666 less the umask, as any new file does).
    pub keep_permissions: Option<Permissions>,
    /// True when `destination` exists already.
    pub exists: bool,
}

/// Resolves where an output named `path` will land. An existing symbolic link is followed
/// to its target (the new file replaces the target by rename, so the link keeps working);
/// an existing name that is not a regular file (a folder, a FIFO, a device) is refused.
pub fn output_target(path: &Path) -> io::Result<OutputTarget> {
    let link = fs::symlink_metadata(path);
    let destination = match &link {
        Ok(m) if m.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(target) => target,
            // A dangling link: refuse rather than guess where the user meant.
            Err(_) => {
                return Err(io::Error::other(
                    "it is a symbolic link to nothing; give the real file name",
                ))
            }
        },
        _ => path.to_owned(),
    };
    match fs::metadata(&destination) {
        Ok(meta) if meta.is_file() => Ok(OutputTarget {
            destination,
            keep_permissions: Some(meta.permissions()),
            exists: true,
        }),
        Ok(meta) if meta.is_dir() => Err(io::Error::other("it is a folder, not a file")),
        Ok(_) => Err(io::Error::other(
            "it exists and is not a regular file (a pipe, device or socket)",
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(OutputTarget {
            destination,
            keep_permissions: None,
            exists: false,
        }),
        Err(e) => Err(e),
    }
}

impl OutputTarget {
    /// The folder the destination is in (`.` for a bare file name).
    pub fn folder(&self) -> &Path {
        match self.destination.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        }
    }

    /// Creates a new empty temporary file beside the destination, with a random hidden name
    /// (`.NAME~PID~XXXXXX.partial`), created exclusively (`O_EXCL`: never an existing file
    /// or a planted link), with the permissions the finished file should have. Partial
    /// files that a killed run left in that folder are removed first.
    pub fn temp_file(&self) -> io::Result<tempfile::NamedTempFile> {
        remove_leftovers(self.folder(), ".", PARTIAL);
        self.temp_file_ending(PARTIAL)
    }

    /// [`OutputTarget::temp_file`] with another ending, for a temporary file that must
    /// survive a killed run (a recording keeps what it recorded): never removed as a
    /// leftover.
    pub fn temp_file_ending(&self, suffix: &str) -> io::Result<tempfile::NamedTempFile> {
        let name = self
            .destination
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_owned());
        let prefix = format!(".{name}{}", pid_marker());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(suffix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // 0666 is narrowed by the umask as the file is created, like any new file.
            builder.permissions(Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(self.folder())?;
        if let Some(perm) = &self.keep_permissions {
            fs::set_permissions(temp.path(), perm.clone())?;
        }
        Ok(temp)
    }
}

/// The ending of an output's temporary file.
const PARTIAL: &str = ".partial";

/// `~PID~`: carried by the names of temporary files, so a later run can tell the leftovers
/// of a process that was killed (Ctrl+C and SIGTERM clean up; `kill -9` cannot) from files
/// another run is still writing.
pub fn pid_marker() -> String {
    format!("~{}~", std::process::id())
}

/// How long a leftover must have been untouched before it is removed.
pub const LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Removes the files in `dir` named `PREFIX…~PID~…SUFFIX` whose process PID no longer
/// runs and that were not modified for [`LEFTOVER_AGE`]. Files that cannot be removed (another user's) are left; on systems where this
/// cannot tell whether a process runs (all but Linux), nothing is removed.
pub fn remove_leftovers(dir: &Path, prefix: &str, suffix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.starts_with(prefix) || !name.ends_with(suffix) {
            continue;
        }
        let pid = name.split('~').nth(1).and_then(|p| p.parse::<u32>().ok());
        let Some(pid) = pid else { continue };
        if pid == std::process::id() || process_runs(pid) {
            continue;
        }
        // Untouched for a while too: on a folder shared between computers, the process
        // may be running on another one.
        let stale = entry.metadata().is_ok_and(|m| {
            m.is_file()
                && m.modified()
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age >= LEFTOVER_AGE)
        });
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(target_os = "linux")]
fn process_runs(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_runs(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::tests::fixtures::temp_file;

    /// A one-byte file `name` in `dir`.
    fn file_in(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, b"x").unwrap();
        path
    }

    #[test]
    fn links_to_one_file_are_the_same_file() {
        let (dir, a) = temp_file("a.mp4", b"x");
        let hard = dir.path().join("hard.mp4");
        fs::hard_link(&a, &hard).unwrap();
        assert!(same_file(&a, &a));
        assert!(same_file(&a, &hard));
        #[cfg(unix)]
        {
            let soft = dir.path().join("soft.mp4");
            std::os::unix::fs::symlink(&a, &soft).unwrap();
            assert!(same_file(&soft, &a));
        }
        let b = file_in(dir.path(), "b.mp4");
        assert!(!same_file(&a, &b));
        assert!(!same_file(&a, &dir.path().join("missing.mp4")));
    }

    #[cfg(unix)]
    #[test]
    fn temporaries_keep_the_old_mode_or_take_the_umask_default() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, old) = temp_file("old.srt", b"x");
        fs::set_permissions(&old, Permissions::from_mode(0o640)).unwrap();
        let t = output_target(&old).unwrap().temp_file().unwrap();
        assert_eq!(
            fs::metadata(t.path()).unwrap().permissions().mode() & 0o777,
            0o640
        );
        let new = output_target(&dir.path().join("new.srt")).unwrap();
        let t = new.temp_file().unwrap();
        let mode = fs::metadata(t.path()).unwrap().permissions().mode() & 0o777;
        // Whatever the umask, group/other read stays unless the umask removes it: not 0600.
        assert_eq!(mode & 0o600, 0o600);
        assert_eq!(mode & !0o666, 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_resolved_to_its_target_and_odd_files_are_refused() {
        let (dir, target) = temp_file("real.mp4", b"x");
        let link = dir.path().join("link.mp4");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let t = output_target(&link).unwrap();
        assert_eq!(t.destination, fs::canonicalize(&target).unwrap());
        assert!(t.exists);
        let dangling = dir.path().join("dangling.mp4");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(output_target(&dangling).is_err());
        assert!(output_target(Path::new("/dev/null")).is_err());
        assert!(check_regular_file(Path::new("/dev/zero")).is_err());
        assert!(check_regular_file(dir.path()).is_err());
        assert!(check_regular_file(&target).is_ok());
    }
}
