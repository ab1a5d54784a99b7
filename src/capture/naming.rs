//! Names for new recordings: the local date and time, readable and sortable
//! (`Recording 2026-12-06 14-03-22.mp4`), never one that is already taken.

use std::path::{Path, PathBuf};

/// A path in `dir` for a recording started at `at` (local time) that no file has yet:
/// `Recording 2026-12-06 14-03-22.mp4`, then `… (2).mp4`, `… (3).mp4` for recordings
/// started within the same second. Colons are left out: Windows refuses them in names.
pub fn fresh_recording_path(dir: &Path, at: jiff::civil::DateTime, extension: &str) -> PathBuf {
    fresh_named_path(dir, "Recording", at, extension)
}

/// [`fresh_recording_path`] with another first word (`Replay 2026-12-06 14-03-22.mp4`).
pub fn fresh_named_path(
    dir: &Path,
    word: &str,
    at: jiff::civil::DateTime,
    extension: &str,
) -> PathBuf {
    let stem = format!("{word} {}", at.strftime("%Y-%m-%d %H-%M-%S"));
    let mut path = dir.join(format!("{stem}.{extension}"));
    let mut n = 2u32;
    // symlink_metadata: a dangling link is taken too.
    while path.symlink_metadata().is_ok() {
        path = dir.join(format!("{stem} ({n}).{extension}"));
        n += 1;
    }
    path
}

/// The local date and time now, for [`fresh_recording_path`]; UTC where the system's
/// time zone cannot be read.
pub fn local_now() -> jiff::civil::DateTime {
    jiff::Zoned::now().datetime()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_is_named_by_its_local_date_and_time() {
        let dir = tempfile::tempdir().unwrap();
        let at = jiff::civil::date(2026, 12, 6).at(14, 3, 22, 0);
        let path = fresh_recording_path(dir.path(), at, "mp4");
        assert_eq!(path, dir.path().join("Recording 2026-12-06 14-03-22.mp4"));
    }

    #[test]
    fn a_taken_name_gets_a_number_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let at = jiff::civil::date(2026, 12, 6).at(9, 0, 0, 0);
        let first = fresh_recording_path(dir.path(), at, "mp4");
        std::fs::write(&first, b"kept").unwrap();
        let second = fresh_recording_path(dir.path(), at, "mp4");
        assert_eq!(
            second,
            dir.path().join("Recording 2026-12-06 09-00-00 (2).mp4")
        );
        std::fs::write(&second, b"kept too").unwrap();
        let third = fresh_recording_path(dir.path(), at, "mp4");
        assert_eq!(
            third,
            dir.path().join("Recording 2026-12-06 09-00-00 (3).mp4")
        );
        assert_eq!(std::fs::read(&first).unwrap(), b"kept");
    }
}
