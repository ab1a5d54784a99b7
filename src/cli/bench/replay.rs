//! `clipwright bench replay`: a long replay-buffer recording of the test pattern, with a
//! replay saved every few minutes, beside FFmpeg keeping the same last seconds the way
//! the `ffmpeg` CLI can — a ring of one-second segment files on disk
//! (`-f segment -segment_wrap`) — encoding the same picture at the same x264 settings.
//! Prints each one's resident memory over time, side by side, and the CPU each used.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;

use super::child::{self, ChildRun};

/// The options of `clipwright bench replay`.
#[derive(Debug, Args)]
pub struct ReplayBenchArgs {
    /// Minutes to run.
    #[arg(long, default_value_t = 30)]
    minutes: u32,
    /// Seconds the replay buffer keeps.
    #[arg(long, default_value_t = 30)]
    replay: u32,
    /// Size of the test pattern (and of the recording).
    #[arg(long, default_value = "1280x720")]
    size: String,
    /// Save a replay every this many seconds (and once near the end).
    #[arg(long, default_value_t = 300)]
    save_every: u64,
    /// Print one row of memory every this many seconds.
    #[arg(long, default_value_t = 60)]
    every: u64,
    /// Work folder (saved replays and logs are kept); a temporary one if not given.
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// Runs the benchmark and prints the table.
pub fn run(args: &ReplayBenchArgs) -> anyhow::Result<()> {
    if args.minutes == 0 || args.replay == 0 || args.every == 0 || args.save_every < 10 {
        bail!("--minutes, --replay and --every must be above 0, --save-every at least 10");
    }
    let (_temp, dir) = super::work_dir(args.dir.as_deref())?;
    let seconds = u64::from(args.minutes) * 60;
    let ours_dir = dir.join("replays");
    let ring_dir = dir.join("ffmpeg-ring");
    for d in [&ours_dir, &ring_dir] {
        std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    eprintln!(
        "replay buffer of {} s at {} 30 fps for {} min, beside ffmpeg's segment ring…",
        args.replay, args.size, args.minutes
    );
    let exe = std::env::current_exe().context("cannot find this program's own path")?;
    let mut ours = Command::new(exe);
    ours.args(["record", "--test-pattern", &args.size, "--fps", "30"])
        .args(["--replay", &args.replay.to_string(), "--audio", "none"])
        .args(["--encoder", "libx264", "--quality", "23"])
        .args(["--duration", &seconds.to_string(), "-o"])
        .arg(&ours_dir);
    let mut theirs = Command::new("ffmpeg");
    theirs
        .args(["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi"])
        .arg("-i")
        .arg(format!("testsrc2=size={}:rate=30", args.size))
        .args(["-t", &seconds.to_string(), "-c:v", "libx264", "-preset"])
        .args(["veryfast", "-crf", "23", "-g", "30", "-keyint_min", "30"])
        .args(["-sc_threshold", "0", "-bf", "0", "-f", "segment"])
        .args(["-segment_time", "1", "-segment_wrap"])
        .arg((args.replay + 1).to_string())
        .args(["-reset_timestamps", "1"])
        .arg(ring_dir.join("seg%03d.ts"));
    let (o_out, o_err) = (dir.join("clipwright.out"), dir.join("clipwright.err"));
    let (t_out, t_err) = (dir.join("ffmpeg.out"), dir.join("ffmpeg.err"));
    let saves = saving_times(seconds, args.save_every);
    let theirs_run = std::thread::spawn(move || child::run(&mut theirs, &t_out, &t_err));
    let ours_run = child::run_with(&mut ours, &o_out, &o_err, |pid, at| {
        ask_to_save(pid, at, &saves);
    })?;
    let theirs_run = theirs_run
        .join()
        .map_err(|_| anyhow::anyhow!("the ffmpeg side's thread panicked"))??;
    print_table(args, &ours_run, &theirs_run);
    print_outcome(&dir.join("clipwright.out"), &ours_dir, &ring_dir)
}

/// When to ask for a replay: every `every` seconds, and 15 s before the end.
fn saving_times(seconds: u64, every: u64) -> Vec<Duration> {
    let mut at: Vec<Duration> = (1..)
        .map(|k| k * every)
        .take_while(|&s| s + 15 < seconds)
        .map(Duration::from_secs)
        .collect();
    if seconds > 20 {
        at.push(Duration::from_secs(seconds - 15));
    }
    at
}

/// Sends SIGUSR1 once as each saving time passes (the ticks come ten times a second).
#[allow(unsafe_code)]
fn ask_to_save(pid: u32, at: Duration, saves: &[Duration]) {
    let due = saves
        .iter()
        .any(|&s| at >= s && at < s + Duration::from_millis(100));
    if !due {
        return;
    }
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: kill only sends a signal to our own child, which installed a SIGUSR1
    // handler long before the first saving time.
    unsafe {
        libc::kill(pid, libc::SIGUSR1);
    }
}

fn mib(kb: Option<u64>) -> String {
    kb.map_or("-".to_owned(), |kb| format!("{:.1}", kb as f64 / 1024.0))
}

fn print_table(args: &ReplayBenchArgs, ours: &ChildRun, theirs: &ChildRun) {
    println!(
        "resident memory, MiB (median of each {} s)   clipwright --replay {}   ffmpeg segment ring",
        args.every, args.replay
    );
    let every = Duration::from_secs(args.every);
    let end = ours.wall.max(theirs.wall);
    let mut from = Duration::ZERO;
    while from < end {
        let to = from + every;
        println!(
            "  {:>5} s {:>36} {:>21}",
            from.as_secs(),
            mib(ours.rss_between(from, to)),
            mib(theirs.rss_between(from, to))
        );
        from = to;
    }
    let first = |r: &ChildRun| r.rss_between(Duration::from_secs(60), Duration::from_secs(120));
    let last = |r: &ChildRun| r.rss_between(r.wall.saturating_sub(every), r.wall);
    println!(
        "  2nd minute → last {} s: clipwright {} → {} MiB, ffmpeg {} → {} MiB",
        args.every,
        mib(first(ours)),
        mib(last(ours)),
        mib(first(theirs)),
        mib(last(theirs))
    );
    println!(
        "  peak: clipwright {} MiB, ffmpeg {} MiB",
        mib(Some(ours.peak_rss_kb)),
        mib(Some(theirs.peak_rss_kb))
    );
    println!(
        "  CPU: clipwright {:.1} s, ffmpeg {:.1} s over {:.0} s",
        ours.cpu().as_secs_f64(),
        theirs.cpu().as_secs_f64(),
        ours.wall.as_secs_f64()
    );
}

/// The replays saved (and the last one's length), and the size of ffmpeg's ring.
fn print_outcome(out: &Path, ours_dir: &Path, ring_dir: &Path) -> anyhow::Result<()> {
    let log =
        std::fs::read_to_string(out).with_context(|| format!("cannot read {}", out.display()))?;
    let saved: Vec<&str> = log
        .lines()
        .filter(|l| l.starts_with("saved replay"))
        .collect();
    println!(
        "  clipwright saved {} replays into {}",
        saved.len(),
        ours_dir.display()
    );
    if let Some(last) = saved.last() {
        println!("    last: {last}");
    }
    if let Some(held) = log.lines().find(|l| l.starts_with("replay buffer ended")) {
        println!("    {held}");
    }
    let ring_bytes: u64 = std::fs::read_dir(ring_dir)
        .map(|it| {
            it.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    println!(
        "  ffmpeg's ring holds {ring_bytes} bytes on disk in {}",
        ring_dir.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_are_asked_for_every_few_minutes_and_near_the_end() {
        let at = saving_times(1800, 300);
        let secs: Vec<u64> = at.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [300, 600, 900, 1200, 1500, 1785]);
    }
}
