//! Keeps the proxy folder from growing without end: proxies not used for
//! [`PROXY_MAX_AGE`] are removed, then the least recently used ones until the folder holds
//! at most [`PROXY_BUDGET`]. A proxy's modification time is its last use: [`make_proxy`]
//! touches a proxy it reuses. Partial proxies left by a killed process are removed once
//! they are an hour old; files the app did not make are never touched.
//!
//! [`make_proxy`]: super::make_proxy

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The most the proxy folder keeps (5 GiB: about two and a half hours of busy 1080p).
pub const PROXY_BUDGET: u64 = 5 << 30;

/// A proxy unused for this long is removed (30 days).
pub const PROXY_MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);

/// A partial proxy older than this was left by a process that died while making it.
const PARTIAL_MAX_AGE: Duration = Duration::from_secs(3600);

/// What [`prune_proxies`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pruned {
    /// Files removed, and their bytes.
    pub removed: usize,
    pub freed: u64,
    /// Proxies kept, and their bytes.
    pub kept: usize,
    pub kept_bytes: u64,
}

/// Removes from `dir` the proxies unused for `max_age`, then the least recently used until
/// the rest fit in `budget` bytes, and stale partial proxies. A missing folder is empty.
pub fn prune_proxies(
    dir: &Path,
    budget: u64,
    max_age: Duration,
    now: SystemTime,
) -> std::io::Result<Pruned> {
    let mut pruned = Pruned::default();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(pruned),
        Err(e) => return Err(e),
    };
    let age = |t: SystemTime| now.duration_since(t).unwrap_or(Duration::ZERO);
    let mut proxies: Vec<(PathBuf, u64, SystemTime)> = Vec::new();
    for entry in entries {
        let entry = entry?;
        let meta = entry.metadata()?;
        if !meta.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let used = meta.modified().unwrap_or(now);
        let path = entry.path();
        if name.ends_with("-proxy.partial.mp4") {
            if age(used) > PARTIAL_MAX_AGE && std::fs::remove_file(&path).is_ok() {
                pruned.removed += 1;
                pruned.freed += meta.len();
            }
        } else if name.ends_with("-proxy.mp4") {
            proxies.push((path, meta.len(), used));
        }
    }
    // Newest first: what is kept is what was used last.
    proxies.sort_by_key(|p| std::cmp::Reverse(p.2));
    for (path, len, used) in proxies {
        let fits = pruned.kept_bytes + len <= budget;
        if fits && age(used) <= max_age {
            pruned.kept += 1;
            pruned.kept_bytes += len;
        } else if std::fs::remove_file(&path).is_ok() {
            pruned.removed += 1;
            pruned.freed += len;
        }
    }
    Ok(pruned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn file(dir: &Path, name: &str, len: usize, used: SystemTime) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, vec![0u8; len]).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(used)
            .unwrap();
        path
    }

    #[test]
    fn proxies_unused_for_the_maximum_age_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let old = file(dir.path(), "a-1-proxy.mp4", 10, now - 40 * 24 * HOUR);
        let recent = file(dir.path(), "b-2-proxy.mp4", 10, now - 2 * 24 * HOUR);
        let pruned = prune_proxies(dir.path(), 1000, PROXY_MAX_AGE, now).unwrap();
        assert!(!old.exists());
        assert!(recent.exists());
        assert_eq!((pruned.removed, pruned.freed, pruned.kept), (1, 10, 1));
    }

    #[test]
    fn the_least_recently_used_go_first_when_over_budget() {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let oldest = file(dir.path(), "a-1-proxy.mp4", 100, now - 3 * HOUR);
        let middle = file(dir.path(), "b-2-proxy.mp4", 100, now - 2 * HOUR);
        let newest = file(dir.path(), "c-3-proxy.mp4", 100, now - HOUR);
        let pruned = prune_proxies(dir.path(), 250, PROXY_MAX_AGE, now).unwrap();
        assert!(!oldest.exists());
        assert!(middle.exists() && newest.exists());
        assert_eq!((pruned.kept, pruned.kept_bytes), (2, 200));
    }

    #[test]
    fn stale_partials_go_and_other_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let stale = file(dir.path(), "a-1-proxy.partial.mp4", 10, now - 2 * HOUR);
        let writing = file(dir.path(), "b-2-proxy.partial.mp4", 10, now);
        let other = file(dir.path(), "notes.txt", 10, now - 400 * 24 * HOUR);
        prune_proxies(dir.path(), 0, PROXY_MAX_AGE, now).unwrap();
        assert!(!stale.exists());
        assert!(writing.exists(), "a proxy being made now is left alone");
        assert!(
            other.exists(),
            "a file the app did not make is never removed"
        );
    }

    #[test]
    fn a_missing_folder_is_an_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        let pruned = prune_proxies(
            &dir.path().join("none"),
            0,
            PROXY_MAX_AGE,
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(pruned, Pruned::default());
    }
}
