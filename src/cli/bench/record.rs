//! `clipwright bench record`: records a busy window (1280×720 and 1920×1080 by default) at
//! 30 fps with its sound three ways in the same run — Clipwright reading the window's own
//! content (Composite), Clipwright grabbing its screen area (the x11grab path), and the
//! `ffmpeg -f x11grab` + `-f pulse` command with the same encoder settings — and prints
//! side by side: frames, unique frames, dropped and duplicated frames, CPU time and its
//! ratio to ffmpeg, peak and sampled memory, and the A/V offset at the start and the end
//! of each file. With `--highlight`, one more recording of the window's content runs
//! while a highlight of it is exported (see `record_highlight.rs`).
//!
//! The window is ffplay showing FFmpeg's moving `testsrc2` picture, which flashes white for
//! 100 ms each whole second while a 1 kHz beep sounds for those 100 ms (switched per
//! sample). ffplay keeps its picture in step with its sound, so whatever offset it has
//! itself is in both recordings alike; the difference between the two is the recorder's.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;

use super::child::{self, ChildRun};
use super::desktop::Desktop;
use crate::capture::{CaptureBackend, OutputSize, TargetKind, X11Backend};
use crate::media::{self, OffsetSummary, SyncMeasurement};

const WINDOW_TITLE: &str = "Clipwright bench flash and beep";
const FPS: u32 = 30;
/// Same settings on both sides: libx264 veryfast at this CRF, a keyframe a second, no
/// B-frames, the encoder's own choice of threads.
const CRF: u8 = 23;
/// A flash and a beep further apart than this are not a pair.
const PAIR_GAP_US: i64 = 500_000;

/// The options of `clipwright bench record`.
#[derive(Debug, Args)]
pub struct RecordBenchArgs {
    /// Seconds to record with each recorder.
    #[arg(long, default_value_t = 60)]
    seconds: u32,
    /// Start a private Xvfb + openbox + PulseAudio instead of using $DISPLAY and the
    /// current sound server (for machines without a screen).
    #[arg(long)]
    own_desktop: bool,
    /// Work folder (the recordings and logs are kept); a temporary one if not given.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Only record with Clipwright (e.g. to watch memory on a long recording).
    #[arg(long)]
    only_ours: bool,
    /// Window sizes to record, each in turn, e.g. 1920x1080.
    #[arg(long, value_delimiter = ',', default_value = "1280x720,1920x1080")]
    sizes: Vec<String>,
    /// Also record the window's content while a highlight of the recording so far is
    /// exported from the growing file, beside the plain recording: drops, CPU and the
    /// export's own time with and without it.
    #[arg(long)]
    highlight: bool,
}

/// The ways of recording compared, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Way {
    /// Clipwright, the window's own content (Composite).
    Content,
    /// The same, while a highlight of the growing recording is exported.
    ContentWithExport,
    /// Clipwright, the window's screen area (x11grab through libavdevice).
    Area,
    /// The ffmpeg command line, x11grab of the window.
    Ffmpeg,
}

impl Way {
    fn label(self) -> &'static str {
        match self {
            Way::Content => "clipwright content",
            Way::ContentWithExport => "content + highlight export",
            Way::Area => "clipwright area",
            Way::Ffmpeg => "ffmpeg x11grab",
        }
    }

    fn file_tag(self) -> &'static str {
        match self {
            Way::Content => "content",
            Way::ContentWithExport => "content-export",
            Way::Area => "area",
            Way::Ffmpeg => "ffmpeg",
        }
    }
}

/// One recorder's results.
pub(super) struct Side {
    way: Way,
    run: ChildRun,
    frames: u64,
    /// Frames whose picture differs from the one before.
    unique: u64,
    dropped: u64,
    duplicated: u64,
    duration_us: i64,
    sync: SyncMeasurement,
    /// The highlight exported while it recorded, if one was.
    pub(super) export: Option<super::record_highlight::HighlightRun>,
}

/// Runs the benchmark and prints one table a window size.
pub fn run(args: &RecordBenchArgs) -> anyhow::Result<()> {
    if args.seconds < 5 {
        bail!("record at least 5 seconds, to see a few flashes");
    }
    let sizes = args
        .sizes
        .iter()
        .map(|s| match s.parse::<OutputSize>()? {
            OutputSize::Fixed(w, h) => Ok((w, h)),
            OutputSize::Source => bail!("--sizes takes sizes such as 1920x1080"),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (_temp, dir) = super::work_dir(args.dir.as_deref())?;
    let dir: &Path = &dir;
    let load_before = super::loadavg();
    let mut desktop = if args.own_desktop {
        Desktop::start_own(1920, 1200)?
    } else {
        Desktop::current()?
    };
    let mut ways = vec![Way::Content];
    if args.highlight {
        ways.push(Way::ContentWithExport);
    }
    ways.push(Way::Area);
    if !args.only_ours {
        ways.push(Way::Ffmpeg);
    }
    let mut tables = Vec::new();
    for &size in &sizes {
        let window = open_source_window(&mut desktop, size)?;
        let mut sides = Vec::new();
        for &way in &ways {
            eprintln!(
                "recording window {window:#x} ({}x{}) on {} for {} s: {}…",
                size.0,
                size.1,
                desktop.display,
                args.seconds,
                way.label()
            );
            let stem = dir.join(format!("{}x{}-{}", size.0, size.1, way.file_tag()));
            let take = Take {
                desktop: &desktop,
                window,
                seconds: args.seconds,
                stem: &stem,
            };
            sides.push(record(take, way)?);
        }
        desktop.stop_newest();
        tables.push((size, sides));
    }
    let load_after = super::loadavg();
    drop(desktop);

    println!(
        "recording benchmark: a busy window (testsrc2, white flash + 1 kHz beep each second) \
         at {FPS} fps for {} s, libx264 veryfast CRF {CRF} + AAC 160k, fragmented MP4",
        args.seconds
    );
    println!("machine load (1/5/15 min) before: {load_before}   after: {load_after}");
    for (size, sides) in &tables {
        println!();
        println!("window {}x{}:", size.0, size.1);
        print_table(sides, args.seconds);
    }
    println!("files and logs: {}", dir.display());
    Ok(())
}

fn record(take: Take<'_>, way: Way) -> anyhow::Result<Side> {
    match way {
        Way::Content => record_ours(take, "content", |_, _| {}),
        Way::ContentWithExport => super::record_highlight::record(take),
        Way::Area => record_ours(take, "area", |_, _| {}),
        Way::Ffmpeg => record_ffmpeg(take),
    }
    .map(|mut side| {
        side.way = way;
        side
    })
}

/// Starts the flash-and-beep window of `size` and returns its X11 id once it is listed.
fn open_source_window(desktop: &mut Desktop, size: (u32, u32)) -> anyhow::Result<u64> {
    let graph = format!(
        "testsrc2=size={}x{}:rate=30,\
         drawbox=c=white:t=fill:enable='lt(mod(t\\,1)\\,0.1)'[out0];\
         aevalsrc='0.5*sin(2*PI*1000*t)*lt(mod(t\\,1)\\,0.1)|\
         0.5*sin(2*PI*1000*t)*lt(mod(t\\,1)\\,0.1)':s=48000[out1]",
        size.0, size.1
    );
    let mut ffplay = desktop.command("ffplay");
    ffplay
        .env("SDL_AUDIODRIVER", "pulseaudio")
        .args(["-loglevel", "quiet", "-f", "lavfi", "-i", &graph])
        .args(["-window_title", WINDOW_TITLE, "-left", "0", "-top", "0"])
        .arg("-noborder");
    desktop
        .spawn(ffplay)
        .context("ffplay is needed to show the benchmark window")?;
    let backend = X11Backend::new(Some(&desktop.display));
    let started = Instant::now();
    loop {
        let found = backend.targets().ok().and_then(|ts| {
            ts.into_iter()
                .find(|t| t.kind == TargetKind::Window && t.title == WINDOW_TITLE)
        });
        if let Some(t) = found {
            if (t.width, t.height) != size {
                eprintln!(
                    "note: the window is {}x{}, not {}x{} (is the screen large enough?)",
                    t.width, t.height, size.0, size.1
                );
            }
            // Let ffplay's sound reach a steady state before recording.
            std::thread::sleep(Duration::from_secs(2));
            return Ok(t.id);
        }
        if started.elapsed() > Duration::from_secs(20) {
            bail!("the ffplay window \"{WINDOW_TITLE}\" did not appear");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `stem` + `.mp4`, `.out`, `.err`.
/// One recording of the benchmark: `window` on `desktop` for `seconds`, into files named
/// `stem` and an ending.
#[derive(Clone, Copy)]
pub(super) struct Take<'a> {
    pub(super) desktop: &'a Desktop,
    pub(super) window: u64,
    pub(super) seconds: u32,
    pub(super) stem: &'a Path,
}

impl Take<'_> {
    /// The file `stem` + `ending`.
    pub(super) fn file(&self, ending: &str) -> PathBuf {
        let mut s = self.stem.as_os_str().to_owned();
        s.push(ending);
        PathBuf::from(s)
    }
}

/// Records `window` with Clipwright (its content, or its screen `area`), calling `tick`
/// with the process id and the time since it started about ten times a second.
pub(super) fn record_ours(
    take: Take<'_>,
    how: &str,
    tick: impl FnMut(u32, Duration),
) -> anyhow::Result<Side> {
    let (desktop, window, seconds) = (take.desktop, take.window, take.seconds);
    let file = take.file(".mp4");
    let exe = std::env::current_exe().context("cannot find the clipwright program")?;
    let mut cmd = desktop.command(&exe.to_string_lossy());
    cmd.arg("record")
        .args(["--window-id", &format!("{window:#x}")])
        .args(["--x-display", &desktop.display, "--window-capture", how])
        .args(["--audio", "system", "--system-device", &desktop.monitor])
        .args(["--fps", &FPS.to_string(), "--size", "source", "--no-cursor"])
        .args(["--encoder", "libx264", "--quality", &CRF.to_string()])
        .args(["--duration", &seconds.to_string(), "-o"])
        .arg(&file);
    let (out, err) = (take.file(".out"), take.file(".err"));
    let run =
        child::run_with(&mut cmd, &out, &err, tick).context("the Clipwright recording failed")?;
    let summary = std::fs::read_to_string(&out).unwrap_or_default();
    let line = summary
        .lines()
        .find(|l| l.starts_with("recorded "))
        .with_context(|| format!("no summary line in {}", out.display()))?;
    let number =
        |word| number_before(line, word).with_context(|| format!("no \"{word}\" in \"{line}\""));
    let (frames, dropped, duplicated) =
        (number("frames")?, number("dropped")?, number("duplicated")?);
    analyse(&file, run, frames, dropped, duplicated)
}

fn record_ffmpeg(take: Take<'_>) -> anyhow::Result<Side> {
    let (desktop, window, seconds) = (take.desktop, take.window, take.seconds);
    let file = take.file(".mp4");
    let mut cmd = desktop.command("ffmpeg");
    cmd.args(["-hide_banner", "-nostdin", "-y"])
        .args(["-f", "x11grab"])
        .args(["-framerate", &FPS.to_string(), "-draw_mouse", "0"])
        .args(["-window_id", &window.to_string(), "-i", &desktop.display])
        .args(["-f", "pulse"])
        .args([
            "-sample_rate",
            "48000",
            "-channels",
            "2",
            "-fragment_size",
            "3840",
        ])
        .args(["-i", &desktop.monitor])
        .args(["-t", &seconds.to_string(), "-map", "0:v", "-map", "1:a"])
        .args(["-fps_mode", "cfr", "-r", &FPS.to_string()])
        .args([
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            &CRF.to_string(),
        ])
        .args(["-g", &FPS.to_string(), "-bf", "0"])
        .args(["-x264-params", &format!("scenecut=0:keyint_min={FPS}")])
        .args(["-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k"])
        .args(["-movflags", "frag_keyframe+empty_moov+default_base_moof"])
        .args(["-flush_packets", "1"])
        .arg(&file);
    let (out, err) = (take.file(".out"), take.file(".err"));
    let run = child::run(&mut cmd, &out, &err).context("the ffmpeg recording failed")?;
    let log = std::fs::read_to_string(&err).unwrap_or_default();
    let last = log
        .split(['\r', '\n'])
        .rfind(|l| l.contains("frame="))
        .with_context(|| format!("no progress line in {}", err.display()))?;
    let frames =
        value_after(last, "frame=").with_context(|| format!("no frame count in \"{last}\""))?;
    // ffmpeg prints dup= and drop= only once one of them is not zero.
    let dropped = value_after(last, "drop=").unwrap_or(0);
    let duplicated = value_after(last, "dup=").unwrap_or(0);
    analyse(&file, run, frames, dropped, duplicated)
}

fn analyse(
    file: &Path,
    run: ChildRun,
    frames: u64,
    dropped: u64,
    duplicated: u64,
) -> anyhow::Result<Side> {
    eprintln!("measuring A/V offsets in {}…", file.display());
    let duration_us = media::probe(file)?.duration_us.unwrap_or(0);
    let sync = media::measure_av_sync(file, PAIR_GAP_US)?;
    let unique = unique_frames(file)?;
    Ok(Side {
        way: Way::Content,
        run,
        frames,
        unique,
        dropped,
        duplicated,
        duration_us,
        sync,
        export: None,
    })
}

/// Frames whose decoded picture differs from the one before (the first counts), from
/// the `ffmpeg` command's per-frame MD5s.
fn unique_frames(file: &Path) -> anyhow::Result<u64> {
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-v", "error", "-i"])
        .arg(file)
        .args(["-map", "0:v", "-f", "framemd5", "-"])
        .output()
        .context("the ffmpeg command is needed to compare frames")?;
    if !out.status.success() {
        bail!("ffmpeg could not decode {}", file.display());
    }
    Ok(count_changes(&String::from_utf8_lossy(&out.stdout)))
}

/// Frames of a `framemd5` listing whose hash differs from the frame before.
fn count_changes(framemd5: &str) -> u64 {
    let mut last: Option<&str> = None;
    let mut changes = 0;
    for hash in framemd5
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit(',').next().map(str::trim))
    {
        if last != Some(hash) {
            changes += 1;
        }
        last = Some(hash);
    }
    changes
}

/// The whole number just before ` word` in `text` (`"3 dropped"` → 3).
fn number_before(text: &str, word: &str) -> Option<u64> {
    let at = text.find(&format!(" {word}"))?;
    text[..at].rsplit([' ', '(', ',']).next()?.parse().ok()
}

/// The whole number after `key` in an ffmpeg progress line (`"frame= 1800"` → 1800).
fn value_after(text: &str, key: &str) -> Option<u64> {
    let rest = text[text.find(key)? + key.len()..].trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn print_table(sides: &[Side], seconds: u32) {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |label: &str, f: &dyn Fn(&Side) -> String| {
        rows.push((label.to_owned(), sides.iter().map(f).collect()));
    };
    let pct = |n: u64, of: u64| 100.0 * n as f64 / of.max(1) as f64;
    row("frames written", &|s| s.frames.to_string());
    row("unique frames", &|s| {
        format!("{} ({:.1} %)", s.unique, pct(s.unique, s.frames))
    });
    row("dropped (target 0)", &|s| {
        format!("{} ({:.2} %)", s.dropped, pct(s.dropped, s.frames))
    });
    row("duplicated", &|s| {
        format!("{} ({:.2} %)", s.duplicated, pct(s.duplicated, s.frames))
    });
    row("file length (s)", &|s| {
        format!("{:.3}", s.duration_us as f64 / 1e6)
    });
    row("wall time (s)", &|s| {
        format!("{:.1}", s.run.wall.as_secs_f64())
    });
    row("CPU user+sys (s)", &|s| {
        format!(
            "{:.1} ({:.1} + {:.1})",
            s.run.cpu().as_secs_f64(),
            s.run.user.as_secs_f64(),
            s.run.system.as_secs_f64()
        )
    });
    row("CPU per recorded second", &|s| {
        format!(
            "{:.0} %",
            100.0 * s.run.cpu().as_secs_f64() / (s.duration_us.max(1) as f64 / 1e6)
        )
    });
    let reference = sides.iter().find(|s| s.way == Way::Ffmpeg);
    row("CPU / ffmpeg (target <= 1.0x)", &|s| match reference {
        Some(r) => format!(
            "{:.2}x",
            s.run.cpu().as_secs_f64() / r.run.cpu().as_secs_f64().max(1e-9)
        ),
        None => "-".into(),
    });
    if sides.iter().any(|s| s.export.is_some()) {
        row(
            "highlight export (part, start)",
            &super::record_highlight::cell,
        );
    }
    row("peak RSS (MB)", &|s| {
        format!("{:.0}", s.run.peak_rss_kb as f64 / 1024.0)
    });
    memory_and_sync_rows(&mut row, seconds);
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let mut header = format!("{:<width$}", "");
    for s in sides {
        header.push_str(&format!("  {:>24}", s.way.label()));
    }
    println!("{header}");
    for (label, cells) in &rows {
        let mut line = format!("{label:<width$}");
        for c in cells {
            line.push_str(&format!("  {c:>24}"));
        }
        println!("{line}");
    }
    if let (Some(r), Some(ours)) = (reference, sides.first()) {
        if let (Some(a), Some(b)) = (ours.sync.summary(0, i64::MAX), r.sync.summary(0, i64::MAX)) {
            println!(
                "A/V offset of {} relative to ffmpeg (whole file means): {:+.1} ms (the source's own offset cancels out)",
                ours.way.label(),
                (a.mean_us - b.mean_us) as f64 / 1000.0
            );
        }
    }
    println!("A/V offset: sound minus picture (positive: the sound is late); target < 40 ms after 10 minutes");
}

/// A table cell for one recorder.
type Cell<'a> = &'a dyn Fn(&Side) -> String;

/// Memory over time and the A/V offsets, as table rows.
fn memory_and_sync_rows(row: &mut dyn FnMut(&str, Cell<'_>), seconds: u32) {
    // Memory over time: the first, middle and last minute (thirds of a shorter run).
    let total = Duration::from_secs(u64::from(seconds));
    let span = if seconds >= 180 {
        Duration::from_secs(60)
    } else {
        total / 3
    };
    let mid = total / 2 - span / 2;
    let label = if seconds >= 180 {
        "RSS first/mid/last minute (MB)"
    } else {
        "RSS first/mid/last third (MB)"
    };
    row(label, &|s| {
        let at = |from: Duration| {
            s.run
                .rss_between(from, from + span)
                .map_or_else(|| "?".into(), |kb| format!("{:.0}", kb as f64 / 1024.0))
        };
        format!(
            "{} / {} / {}",
            at(Duration::ZERO),
            at(mid),
            at(total.saturating_sub(span))
        )
    });
    let minute = 60_000_000;
    row("flashes / beeps / pairs", &|s| {
        format!(
            "{} / {} / {}",
            s.sync.flashes_us.len(),
            s.sync.beeps_us.len(),
            s.sync.pairs.len()
        )
    });
    row("A/V first minute mean/max (ms)", &|s| {
        offsets(s.sync.summary(0, minute))
    });
    row("A/V last minute mean/max (ms)", &|s| {
        offsets(s.sync.summary(s.duration_us - minute, i64::MAX))
    });
    row("A/V drift last - first (ms)", &|s| match (
        s.sync.summary(0, minute),
        s.sync.summary(s.duration_us - minute, i64::MAX),
    ) {
        (Some(a), Some(b)) => format!("{:+.1}", (b.mean_us - a.mean_us) as f64 / 1000.0),
        _ => "?".into(),
    });
}

fn offsets(s: Option<OffsetSummary>) -> String {
    s.map_or_else(
        || "?".into(),
        |s| {
            format!(
                "{:+.1} / {:+.1} (n={})",
                s.mean_us as f64 / 1000.0,
                s.max_us as f64 / 1000.0,
                s.count
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_summary_line_gives_frames_drops_and_duplicates() {
        let line = "recorded /tmp/a.mp4 (1920x1080, 30 fps, 1800 frames, 60.000 s, 1 sound track(s)): 4 dropped, 2 duplicated, 123 bytes, ended: DurationReached";
        let want = [
            ("frames", Some(1800)),
            ("dropped", Some(4)),
            ("duplicated", Some(2)),
            ("missing", None),
        ];
        for (word, n) in want {
            assert_eq!(number_before(line, word), n, "{word}");
        }
    }

    #[test]
    fn unique_frames_count_changes_from_the_frame_before() {
        let listing = "#tb 0: 1/30\n0, 0, 0, 1, 100, aaa\n0, 1, 1, 1, 100, aaa\n\
                       0, 2, 2, 1, 100, bbb\n0, 3, 3, 1, 100, aaa\n";
        assert_eq!(count_changes(listing), 3);
        assert_eq!(count_changes(""), 0);
    }

    #[test]
    fn ffmpeg_progress_gives_frames_drops_and_duplicates() {
        let line = "frame= 1801 fps= 30 q=-1.0 Lsize=   12345kB time=00:01:00.03 bitrate=1685.1kbits/s dup=3 drop=1 speed=   1x";
        for (key, n) in [("frame=", 1801), ("dup=", 3), ("drop=", 1)] {
            assert_eq!(value_after(line, key), Some(n), "{key}");
        }
        assert_eq!(value_after("frame=  10 fps=0.0", "drop="), None);
    }
}
