//! `clipwright bench growing`: what one look at a recording going on costs once it is
//! long. A 10-minute fragmented MP4 with sound (laid out as recordings are: a fragment a
//! second) is written out a second's worth of bytes at a time, as a recorder would, and
//! each time it is looked at both ways: probing it whole, reading all its sound again for
//! the waveform and all its packets again for the seek index (as the app did), and taking
//! in only what was appended (a `GrowingProbe` refresh, the waveform extended, the index
//! extended from its last keyframe). Prints the time of each, side by side, per look.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::media::{self, GrowingProbe, Peaks, ProbeReport, SourceIndex};
use crate::timeline::{Rounding, Time};
use anyhow::{bail, Context};
use clap::Args;

/// The options of `clipwright bench growing`.
#[derive(Debug, Args)]
pub struct GrowingBenchArgs {
    /// Length of the recording when the looks are timed, in seconds.
    #[arg(long, default_value_t = 600)]
    seconds: u32,
    /// How many looks to time (a second of recording apart).
    #[arg(long, default_value_t = 5)]
    looks: u32,
    /// Work folder (the source is kept there and used again); a temporary one if not given.
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// The length a look found: the probe's, cut where the whole fragments end.
fn length(report: &ProbeReport, whole_until_us: Option<i64>) -> Time {
    let us = report
        .duration_us
        .unwrap_or(0)
        .min(whole_until_us.unwrap_or(i64::MAX));
    Time::from_secs(1).mul_ratio(us, 1_000_000, Rounding::Floor)
}

/// Runs the benchmark and prints the table.
pub fn run(args: &GrowingBenchArgs) -> anyhow::Result<()> {
    if args.seconds < 10 || args.looks == 0 || args.looks >= args.seconds {
        bail!("--seconds must be at least 10 and --looks between 1 and --seconds");
    }
    let (_temp, dir) = super::work_dir(args.dir.as_deref())?;
    let source = dir.join(format!("growing-source-{}s.mp4", args.seconds));
    let sound = format!("sine=frequency=440:duration={}", args.seconds);
    super::make_source(
        &source,
        args.seconds,
        &[
            "-f",
            "lavfi",
            "-i",
            &sound,
            "-c:a",
            "aac",
            "-g",
            "30",
            "-bf",
            "0",
            "-movflags",
            "frag_keyframe+empty_moov+default_base_moof",
        ],
    )?;
    let data =
        std::fs::read(&source).with_context(|| format!("cannot read {}", source.display()))?;
    let per_second = data.len() / args.seconds as usize;
    let growing = dir.join("growing.mp4");
    let first = data.len() - per_second * (args.looks as usize + 1);
    std::fs::write(&growing, &data[..first]).context("cannot write the growing file")?;

    // The first look of each way, untimed: both start from the file as it is.
    let mut follower = GrowingProbe::start(&growing)?;
    let at = length(follower.report(), follower.whole_fragments_end_us());
    let mut peaks = Peaks::read(&growing, at)?.context("the source has no sound")?;
    let mut index = SourceIndex::scan(&growing)?;

    println!(
        "{:>6} {:>10} {:>34} {:>18}",
        "look", "length", "whole probe + waveform + index", "appended only"
    );
    let mut written = first;
    let (mut before_total, mut after_total) = (Duration::ZERO, Duration::ZERO);
    for look in 1..=args.looks {
        let to = (written + per_second).min(data.len());
        let mut file = std::fs::OpenOptions::new().append(true).open(&growing)?;
        file.write_all(&data[written..to])?;
        file.sync_data()?;
        written = to;

        let started = Instant::now();
        let report = media::probe(&growing)?;
        let whole = media::whole_fragments_end_us(&growing)?;
        let whole_length = length(&report, whole);
        let rebuilt = Peaks::read(&growing, whole_length)?;
        let rescanned = SourceIndex::scan(&growing)?;
        let before = started.elapsed();

        let started = Instant::now();
        follower.refresh()?;
        let grown_length = length(follower.report(), follower.whole_fragments_end_us());
        peaks = peaks
            .extended(&growing, grown_length)?
            .context("the sound went missing")?;
        index = index.extended(&growing)?;
        let after = started.elapsed();

        if grown_length != whole_length
            || rebuilt.map(|p| p.buckets()) != Some(peaks.buckets())
            || rescanned != index
        {
            bail!(
                "the two ways disagree: {:?} against {:?}",
                grown_length,
                whole_length
            );
        }
        before_total += before;
        after_total += after;
        println!(
            "{look:>6} {:>9.1}s {:>32.1}ms {:>16.1}ms",
            whole_length.as_secs_f64(),
            before.as_secs_f64() * 1000.0,
            after.as_secs_f64() * 1000.0
        );
    }
    let n = f64::from(args.looks);
    println!(
        "{:>6} {:>10} {:>32.1}ms {:>16.1}ms",
        "mean",
        "",
        before_total.as_secs_f64() * 1000.0 / n,
        after_total.as_secs_f64() * 1000.0 / n
    );
    Ok(())
}
