//! Runs one benchmarked program as a child process and measures it the same way whoever
//! it is: CPU time (user + system, all its threads) and peak memory from the kernel's
//! `wait4` accounting, and resident memory sampled from `/proc` once a second.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// What one run cost.
#[derive(Clone, Debug)]
pub(super) struct ChildRun {
    pub(super) wall: Duration,
    pub(super) user: Duration,
    pub(super) system: Duration,
    /// Peak resident memory, KiB.
    pub(super) peak_rss_kb: u64,
    /// Resident memory (KiB) and when it was read, from the start.
    pub(super) rss: Vec<(Duration, u64)>,
}

impl ChildRun {
    /// User plus system CPU time.
    pub(super) fn cpu(&self) -> Duration {
        self.user + self.system
    }

    /// The median resident memory (KiB) of the samples taken in `[from, to)`.
    pub(super) fn rss_between(&self, from: Duration, to: Duration) -> Option<u64> {
        let mut inside: Vec<u64> = self
            .rss
            .iter()
            .filter(|(t, _)| *t >= from && *t < to)
            .map(|(_, kb)| *kb)
            .collect();
        inside.sort_unstable();
        inside.get(inside.len() / 2).copied()
    }
}

/// Runs `cmd` with its output going to `out` and `err`, sampling its memory every second,
/// and fails if it does not exit successfully.
pub(super) fn run(cmd: &mut Command, out: &Path, err: &Path) -> anyhow::Result<ChildRun> {
    run_with(cmd, out, err, |_, _| {})
}

/// [`run`], calling `tick` with the child's process id and the time since it started
/// about ten times a second (to signal it while it runs).
pub(super) fn run_with(
    cmd: &mut Command,
    out: &Path,
    err: &Path,
    mut tick: impl FnMut(u32, Duration),
) -> anyhow::Result<ChildRun> {
    let stdout =
        std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    let stderr =
        std::fs::File::create(err).with_context(|| format!("cannot write {}", err.display()))?;
    let started = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
    let pid = child.id();
    let status_path = format!("/proc/{pid}/status");
    let mut rss = Vec::new();
    let mut next_sample = Duration::ZERO;
    let (code, usage) = loop {
        if let Some(done) = reap(pid)? {
            break done;
        }
        let now = started.elapsed();
        tick(pid, now);
        if now >= next_sample {
            if let Some(kb) = std::fs::read_to_string(&status_path)
                .ok()
                .and_then(|s| field_kb(&s, "VmRSS:"))
            {
                rss.push((now, kb));
            }
            next_sample += Duration::from_secs(1);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let wall = started.elapsed();
    if code != 0 {
        bail!(
            "{:?} exited with status {code} (see {})",
            cmd.get_program(),
            err.display()
        );
    }
    Ok(ChildRun {
        wall,
        user: usage.user,
        system: usage.system,
        peak_rss_kb: usage.max_rss_kb,
        rss,
    })
}

/// What the kernel accounted to a finished child.
struct Usage {
    user: Duration,
    system: Duration,
    max_rss_kb: u64,
}

/// Collects the child `pid` if it has exited: its exit code (128 + signal if killed) and
/// its resource use; `None` while it runs.
#[allow(unsafe_code)]
fn reap(pid: u32) -> anyhow::Result<Option<(i32, Usage)>> {
    let pid = libc::pid_t::try_from(pid).context("a process id out of range")?;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 writes only to the two locations passed, both valid for the call. The
    // child was spawned by us and is reaped here only (std's `Child` is never waited).
    let got = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
    if got == 0 {
        return Ok(None);
    }
    if got < 0 {
        bail!(
            "waiting for process {pid} failed: {}",
            std::io::Error::last_os_error()
        );
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Ok(Some((
        code,
        Usage {
            user: time(usage.ru_utime),
            system: time(usage.ru_stime),
            // Linux reports ru_maxrss in KiB.
            max_rss_kb: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        },
    )))
}

fn field_kb(status: &str, key: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_child_is_charged_its_cpu_time_and_an_idle_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let (out, err) = (dir.path().join("out"), dir.path().join("err"));
        // About 0.3 s of arithmetic in the shell, then exit.
        let busy = run(
            Command::new("sh").args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"]),
            &out,
            &err,
        )
        .unwrap();
        let idle = run(Command::new("sleep").arg("0.3"), &out, &err).unwrap();
        assert!(busy.cpu() > Duration::from_millis(50), "{:?}", busy.cpu());
        assert!(idle.cpu() < Duration::from_millis(50), "{:?}", idle.cpu());
        assert!(idle.wall >= Duration::from_millis(300));
        assert!(busy.peak_rss_kb > 0);
    }

    #[test]
    fn a_failing_child_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (out, err) = (dir.path().join("out"), dir.path().join("err"));
        assert!(run(&mut Command::new("false"), &out, &err).is_err());
    }
}
