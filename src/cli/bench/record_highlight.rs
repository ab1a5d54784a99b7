//! `clipwright bench record --highlight`: the window's content recorded once more while,
//! part way through, a highlight of what is recorded so far is exported from the growing
//! file (`clipwright export --input REC.mp4 --trim A..B`, as the editor exports a range of
//! a recording still going on). Beside the plain content recording of the same run, the
//! table shows what the export costs the recording (drops, duplicates, CPU) and how long
//! the export itself takes.

use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{anyhow, Context};

use super::child::{self, ChildRun};
use super::record::{record_ours, Side, Take};

/// The export run beside a recording.
pub(super) struct HighlightRun {
    pub(super) run: ChildRun,
    /// When it started, from the start of the recording process.
    pub(super) started_at: Duration,
    /// The part of the recording exported, in seconds.
    pub(super) span: (u32, u32),
}

/// The highlight exported from a recording of `seconds`: from 1 s, a third of it (2 to
/// 10 s long), started once that much is on disk.
fn plan(seconds: u32) -> ((u32, u32), Duration) {
    let span = (1, 1 + (seconds / 3).clamp(2, 10));
    // The recorder takes about a second to start, and the last fragment a second more.
    (span, Duration::from_secs(u64::from(span.1) + 3))
}

/// Records the content of `window` for `seconds`, exporting a highlight of it meanwhile.
pub(super) fn record(take: Take<'_>) -> anyhow::Result<Side> {
    let file = take.file(".mp4");
    let (span, start_at) = plan(take.seconds);
    let exe = std::env::current_exe().context("cannot find the clipwright program")?;
    let highlight = take.file("-highlight.mp4");
    let (out, err) = (take.file("-highlight.out"), take.file("-highlight.err"));
    let mut export: Option<(Duration, JoinHandle<anyhow::Result<ChildRun>>)> = None;
    let mut side = record_ours(take, "content", |_, at| {
        if export.is_some() || at < start_at {
            return;
        }
        let mut cmd = std::process::Command::new(&exe);
        cmd.args(["export", "--quiet", "--no-hardware", "--input"])
            .arg(&file)
            .args(["--trim", &format!("{}..{}", span.0, span.1), "-o"])
            .arg(&highlight);
        let (out, err) = (out.clone(), err.clone());
        let thread = std::thread::spawn(move || {
            child::run(&mut cmd, &out, &err).context("the highlight export failed")
        });
        export = Some((at, thread));
    })?;
    let (started_at, thread) =
        export.context("the recording ended before the highlight export started")?;
    let run = thread
        .join()
        .map_err(|_| anyhow!("the highlight export's thread panicked"))??;
    side.export = Some(HighlightRun {
        run,
        started_at,
        span,
    });
    Ok(side)
}

/// The table cell saying what the export did, `-` for a recording without one.
pub(super) fn cell(side: &Side) -> String {
    match &side.export {
        Some(h) => format!(
            "{}-{} s at {:.0} s: {:.1} s, CPU {:.1} s",
            h.span.0,
            h.span.1,
            h.started_at.as_secs_f64(),
            h.run.wall.as_secs_f64(),
            h.run.cpu().as_secs_f64()
        ),
        None => "-".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highlight_is_a_third_of_the_recording_and_starts_once_it_is_recorded() {
        assert_eq!(plan(30), ((1, 11), Duration::from_secs(14)));
        assert_eq!(plan(6), ((1, 3), Duration::from_secs(6)));
        assert_eq!(plan(600).0, (1, 11));
    }
}
