//! Which processes count as "the window's program" when recording one window's sound: the
//! window's own process, its children (a browser's audio process, a game's launcher…) and,
//! when the parent runs the same program, the parent and its other children (the browser
//! whose tab process owns the window). A parent that is another program — a shell, a
//! desktop session, a test runner — is not followed, or every program it started would be
//! recorded too.
//!
//! [`tree`] is pure (tested with made-up tables); `read_processes` reads the table from
//! `/proc` on Linux (macOS: `libproc`, in [`super::process_tap`]).

use std::collections::{BTreeSet, HashMap};

/// One running process, as much as the tree needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Process {
    /// Its id.
    pub(crate) pid: u32,
    /// Its parent's id (0 for none).
    pub(crate) ppid: u32,
    /// The program's name (Linux: `comm`, at most 15 bytes).
    pub(crate) name: String,
}

/// `pid`, its descendants, and — when its parent runs the same program — the parent and
/// the parent's descendants. A `pid` missing from `table` still counts (it may have just
/// ended while its streams play on).
pub(crate) fn tree(pid: u32, table: &[Process]) -> BTreeSet<u32> {
    let by_pid: HashMap<u32, &Process> = table.iter().map(|p| (p.pid, p)).collect();
    let mut root = pid;
    // Climb while the parent is the same program (browsers nest a few levels).
    while let Some(me) = by_pid.get(&root) {
        match by_pid.get(&me.ppid) {
            Some(parent) if parent.pid > 1 && parent.name == me.name => root = parent.pid,
            _ => break,
        }
    }
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for p in table {
        children.entry(p.ppid).or_default().push(p.pid);
    }
    let mut out = BTreeSet::from([pid]);
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        if out.insert(p) || p == pid {
            stack.extend(children.get(&p).into_iter().flatten().copied());
        }
    }
    out
}

/// The running processes, read from `/proc` (an empty list where there is none).
#[cfg(target_os = "linux")]
pub(crate) fn read_processes() -> Vec<Process> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|entry| {
        let entry = entry.ok()?;
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
        parse_stat(pid, &stat)
    })
    .collect()
}

/// Reads name and parent from a `/proc/PID/stat` line: `pid (name) state ppid …`; the
/// name may hold spaces and parentheses, so it ends at the last `)`.
#[cfg(any(target_os = "linux", test))]
fn parse_stat(pid: u32, stat: &str) -> Option<Process> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat.get(open + 1..close)?.to_owned();
    let mut rest = stat.get(close + 1..)?.split_whitespace();
    let _state = rest.next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some(Process { pid, ppid, name })
}

/// Whether process `pid` is running (Linux: it has a `/proc` entry).
#[cfg(target_os = "linux")]
pub(crate) fn is_running(pid: u32) -> bool {
    std::path::Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pid: u32, ppid: u32, name: &str) -> Process {
        Process {
            pid,
            ppid,
            name: name.into(),
        }
    }

    #[test]
    fn a_window_process_brings_its_children_but_not_a_foreign_parent_or_siblings() {
        let table = [
            p(1, 0, "init"),
            p(10, 1, "bash"),
            p(20, 10, "game"),
            p(21, 20, "game-audio"),
            p(22, 21, "helper"),
            p(30, 10, "music"),
        ];
        assert_eq!(tree(20, &table), BTreeSet::from([20, 21, 22]));
    }

    #[test]
    fn a_parent_running_the_same_program_brings_the_whole_family() {
        let table = [
            p(1, 0, "init"),
            p(10, 1, "bash"),
            p(100, 10, "firefox"),
            p(101, 100, "firefox"), // the tab that owns the window
            p(102, 100, "firefox"), // the tab that plays the sound
            p(103, 102, "plugin"),
            p(200, 10, "music"),
        ];
        assert_eq!(tree(101, &table), BTreeSet::from([100, 101, 102, 103]));
    }

    #[test]
    fn init_is_never_climbed_to() {
        let table = [p(1, 0, "x"), p(5, 1, "x"), p(6, 1, "y")];
        assert_eq!(tree(5, &table), BTreeSet::from([5]));
    }

    #[test]
    fn a_process_that_ended_still_counts_alone() {
        assert_eq!(tree(42, &[p(1, 0, "init")]), BTreeSet::from([42]));
    }

    #[test]
    fn stat_lines_with_odd_names_parse() {
        let s = "1234 (my (odd) prog) S 99 1234 1234 0 -1 4194560";
        assert_eq!(parse_stat(1234, s), Some(p(1234, 99, "my (odd) prog")));
        assert_eq!(parse_stat(1, "garbage"), None);
    }

    #[test]
    fn this_process_is_found_in_proc_with_its_parent() {
        let me = std::process::id();
        let table = read_processes();
        let found = table.iter().find(|p| p.pid == me);
        assert!(found.is_some_and(|p| p.ppid > 0), "{me} not in /proc");
        assert!(is_running(me));
    }
}
