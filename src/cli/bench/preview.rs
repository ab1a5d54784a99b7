//! `clipwright bench scrub` and `clipwright bench play`: the preview path — a
//! [`PreviewWorker`] with its one-slot mailbox and the compositor behind it — measured on a
//! generated 1080p H.264 source.
//!
//! - `scrub`: latency from a playhead move (a request) to the first picture shown for it
//!   and to its exact frame, over N random seeks, p50 / p95 / max — decoding the original
//!   before its index is built, and steered by its index, each three ways seek by seek in
//!   turn (so all meet the same load): decoding every frame on the way to the target,
//!   skipping the frames it does not need, and showing the keyframe first then refining
//!   (see [`crate::render::preview`]) — then the preview proxy, with the time the index
//!   and the proxy took to make; beside them, `ffmpeg -ss T -i SRC -frames:v 1` per seek,
//!   the usual way to grab one frame at a time (its time includes starting the process),
//!   and the machine's load averages during each part.
//! - `play`: a long project (the source placed back to back) played through the preview,
//!   frame after frame, as fast as it goes or at real time; frames per second and the
//!   process's resident memory sampled once a second from `/proc/self/status`.
//!
//! Making the source is not timed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;

use crate::media;
use crate::render::preview::{PreviewOptions, PreviewWorker};
use crate::timeline::{Project, Rational, Time, TrackId};

/// The options of `clipwright bench scrub`.
#[derive(Debug, Args)]
pub struct ScrubArgs {
    /// Random seeks to time.
    #[arg(long, default_value_t = 200)]
    seeks: usize,
    /// Seconds of 1080p30 source to generate (one keyframe a second, like a recording).
    #[arg(long, default_value_t = 60)]
    seconds: u32,
    /// Preview width in pixels (the height follows the 16:9 canvas).
    #[arg(long, default_value_t = 960)]
    width: u32,
    /// Seed of the seek positions, so runs can be compared.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Work folder (kept afterwards); a temporary one if not given.
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// The options of `clipwright bench play`.
#[derive(Debug, Args)]
pub struct PlayArgs {
    /// Length of the project to play, in seconds (10 minutes by default).
    #[arg(long, default_value_t = 600)]
    seconds: u32,
    /// Seconds of source to generate; the project repeats it back to back.
    #[arg(long, default_value_t = 30)]
    source_seconds: u32,
    /// Preview width in pixels (the height follows the 16:9 canvas).
    #[arg(long, default_value_t = 960)]
    width: u32,
    /// Pace frames at real time (30 per second) instead of as fast as they come.
    #[arg(long)]
    realtime: bool,
    /// Work folder (kept afterwards); a temporary one if not given.
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// A worker whose frames are waited for on a channel, as the UI waits for its wake-up.
struct Preview {
    worker: PreviewWorker,
    woke: Receiver<()>,
    project: Arc<Project>,
    base_dir: PathBuf,
    size: (u32, u32),
}

impl Preview {
    fn new(project: Project, base_dir: &Path, width: u32, options: PreviewOptions) -> Preview {
        let (tx, woke) = sync_channel(4);
        let worker = PreviewWorker::start_with(options, move || {
            let _ = tx.try_send(());
        });
        let w = width.max(2) & !1;
        let size = (
            w,
            ((u64::from(w) * u64::from(project.canvas.height)
                / u64::from(project.canvas.width.max(1))) as u32)
                .max(2)
                & !1,
        );
        Preview {
            worker,
            woke,
            project: Arc::new(project),
            base_dir: base_dir.to_owned(),
            size,
        }
    }

    /// Asks for the frame at `t` and waits until its exact frame is ready; the time that
    /// took.
    fn frame(&mut self, t: Time) -> anyhow::Result<Duration> {
        Ok(self.first_and_exact(t)?.1)
    }

    /// Asks for the frame at `t` and waits until its exact frame is ready; the times to
    /// the first picture for it (a keyframe stand-in, or the exact frame) and to the exact
    /// frame.
    fn first_and_exact(&mut self, t: Time) -> anyhow::Result<(Duration, Duration)> {
        let started = Instant::now();
        self.worker
            .request(&self.project, 0, self.base_dir.clone(), t, self.size);
        let mut first = None;
        loop {
            self.woke
                .recv_timeout(Duration::from_secs(30))
                .context("the preview worker gave no frame within 30 s")?;
            if let Some(frame) = self.worker.latest() {
                if frame.time != t {
                    continue;
                }
                let took = started.elapsed();
                frame
                    .frame
                    .map_err(|e| anyhow::anyhow!("preview at {t:?}: {e}"))?;
                let first = *first.get_or_insert(took);
                if frame.exact {
                    return Ok((first, took));
                }
            }
        }
    }
}

/// One way of scrubbing the original that `bench scrub` compares.
struct Way {
    name: &'static str,
    /// Dropping the frames a seek target does not need (`media::set_seek_skipping`).
    skipping: bool,
    keyframe_first: bool,
}

/// The ways compared on the original, the old ones first.
const WAYS: [Way; 3] = [
    Way {
        name: "every frame",
        skipping: false,
        keyframe_first: false,
    },
    Way {
        name: "skipping",
        skipping: true,
        keyframe_first: false,
    },
    Way {
        name: "keyframe first",
        skipping: true,
        keyframe_first: true,
    },
];

/// Per seek, the time to the first picture and to the exact frame.
#[derive(Debug, Default)]
struct Timings {
    first: Latencies,
    exact: Latencies,
}

/// Runs `bench scrub` and prints the table.
pub fn scrub(args: &ScrubArgs) -> anyhow::Result<()> {
    let (_temp, dir) = super::work_dir(args.dir.as_deref())?;
    let source = dir.join(format!("scrub-{}s.mp4", args.seconds));
    super::make_source(&source, args.seconds, &one_keyframe_a_second())?;
    let project = project_of(&source, 1)?;
    let length = project.duration();

    let seeks = random_seeks(args, length);

    // The original, as a preview shows it before the index is built.
    media::set_indexing(false);
    let load_plain = super::loadavg();
    let (mut plain, size) = seek_ways(&project, &dir, args.width, &seeks)?;
    let load_plain = format!("{load_plain} → {}", super::loadavg());
    media::set_indexing(true);

    // The original once its index is built (as after an import).
    let started = Instant::now();
    media::prepare(&source, false);
    media::wait_prepared(&source, Duration::from_secs(600));
    let index_took = started.elapsed();
    let Some(index) = media::index_of(&source) else {
        bail!("{}: no index was built", source.display());
    };
    let load_indexed = super::loadavg();
    let (mut indexed, _) = seek_ways(&project, &dir, args.width, &seeks)?;
    let load_indexed = format!("{load_indexed} → {}", super::loadavg());

    // The preview proxy, made afresh.
    let proxy_dir = dir.join("proxies");
    let _ = std::fs::remove_dir_all(&proxy_dir);
    media::set_proxy_dir(Some(proxy_dir));
    media::prepare(&source, true);
    media::wait_prepared(&source, Duration::from_secs(3600));
    let media::ProxyState::Ready(proxy, _) = media::proxy_of(&source) else {
        bail!(
            "{}: no preview proxy was made ({:?})",
            source.display(),
            media::proxy_of(&source)
        );
    };
    let proxy_took = media::proxy_build_time(&source).unwrap_or_default();
    let (mut proxied, _) = seek_all(&project, &dir, args.width, true, &seeks)?;

    let load_theirs = super::loadavg();
    let mut theirs = ffmpeg_seeks(&source, size, &seeks)?;
    let load_theirs = format!("{load_theirs} → {}", super::loadavg());

    println!(
        "scrub: {} random seeks in {} s of 1080p30 H.264 (1 s GOP), preview {}×{}",
        seeks.len(),
        args.seconds,
        size.0,
        size.1
    );
    let seconds = f64::from(args.seconds);
    println!(
        "index: {} frames, {} keyframes, built in {:.2} s ({:.0}× real time)",
        index.frames().len(),
        index.keyframes().len(),
        index_took.as_secs_f64(),
        seconds / index_took.as_secs_f64().max(1e-9)
    );
    let proxy_size = std::fs::metadata(&proxy).map_or(0, |m| m.len());
    println!(
        "proxy: {}×{}, keyframe every {} frames, {}, made in {:.1} s ({:.2}× real time)",
        media::PROXY_BOX.0,
        media::PROXY_BOX.1,
        media::PROXY_GOP,
        media::human_bytes(proxy_size),
        proxy_took.as_secs_f64(),
        proxy_took.as_secs_f64() / seconds.max(1e-9)
    );
    println!(
        "{:<50} {:>17} {:>26}",
        "request → picture shown", "first picture", "exact frame"
    );
    println!(
        "{:<50} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "", "p50", "p95", "p50", "p95", "max"
    );
    for (index, ways, load) in [
        ("no index", &mut plain, &load_plain),
        ("index", &mut indexed, &load_indexed),
    ] {
        println!("Clipwright, original, {index} (load {load}):");
        for (way, timings) in WAYS.iter().zip(ways.iter_mut()) {
            print_row(
                &format!("  {}", way.name),
                &mut timings.first,
                &mut timings.exact,
            );
        }
    }
    print_row(
        "Clipwright, preview proxy",
        &mut proxied.clone(),
        &mut proxied,
    );
    print_row(
        "ffmpeg -ss T -i SRC -frames:v 1 (process)",
        &mut theirs.clone(),
        &mut theirs,
    );
    println!("(ffmpeg during load {load_theirs})");
    println!("target: p95 < 60 ms");
    Ok(())
}

/// `args.seeks` positions on frame boundaries of a 30 fps source `length` long, spread
/// over all of it by a seeded generator; never the same twice in a row (the worker would
/// rightly skip an unchanged request), never the first frame.
fn random_seeks(args: &ScrubArgs, length: Time) -> Vec<Time> {
    let frames = u64::from(args.seconds) * 30 - 1;
    let frame = Time::frame_duration(Rational::FPS_30);
    let mut rng = args.seed.max(1);
    let mut seeks: Vec<Time> = Vec::with_capacity(args.seeks);
    while seeks.len() < args.seeks {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let n = i64::try_from(rng % frames.max(1)).unwrap_or(0);
        let t = Time(frame.flicks() * n).min(length - Time::TICK);
        if seeks.last() != Some(&t) && t != Time::ZERO {
            seeks.push(t);
        }
    }
    seeks
}

/// The reference: the `ffmpeg` command-line tool started once a seek, grabbing the frame
/// at each of `seeks` scaled to `size`; how long each took.
fn ffmpeg_seeks(source: &Path, size: (u32, u32), seeks: &[Time]) -> anyhow::Result<Vec<Duration>> {
    let mut theirs = Vec::with_capacity(seeks.len());
    for &t in seeks {
        let started = Instant::now();
        let status = Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-ss"])
            .arg(format!("{:.6}", t.as_secs_f64()))
            .arg("-i")
            .arg(source)
            .args(["-frames:v", "1", "-vf"])
            .arg(format!("scale={}:{}", size.0, size.1))
            .args(["-f", "null", "-"])
            .stdin(Stdio::null())
            .status()
            .context("the ffmpeg command-line tool is needed for the reference")?;
        if !status.success() {
            bail!(
                "ffmpeg could not grab the frame at {:.3} s",
                t.as_secs_f64()
            );
        }
        theirs.push(started.elapsed());
    }
    Ok(theirs)
}

/// Shows each of `seeks` through a fresh preview worker (after one warm-up frame, which
/// opens the decoder as the first frame shown in the app does); the latencies and the
/// preview size.
fn seek_all(
    project: &Project,
    dir: &Path,
    width: u32,
    proxies: bool,
    seeks: &[Time],
) -> anyhow::Result<(Vec<Duration>, (u32, u32))> {
    let options = PreviewOptions {
        proxies,
        keyframe_first: false,
    };
    let mut preview = Preview::new(project.clone(), dir, width, options);
    preview.frame(Time::ZERO)?;
    let mut times = Vec::with_capacity(seeks.len());
    for &t in seeks {
        times.push(preview.frame(t)?);
    }
    Ok((times, preview.size))
}

/// Request-to-frame times, one a seek.
type Latencies = Vec<Duration>;

/// Each of `seeks` on the original shown by one preview worker for each of [`WAYS`] in
/// turn, so all meet the same load on the machine: their latencies, and the preview size.
fn seek_ways(
    project: &Project,
    dir: &Path,
    width: u32,
    seeks: &[Time],
) -> anyhow::Result<(Vec<Timings>, (u32, u32))> {
    let mut previews: Vec<Preview> = WAYS
        .iter()
        .map(|way| {
            let options = PreviewOptions {
                proxies: false,
                keyframe_first: way.keyframe_first,
            };
            Preview::new(project.clone(), dir, width, options)
        })
        .collect();
    let mut timings: Vec<Timings> = WAYS.iter().map(|_| Timings::default()).collect();
    for (i, &t) in std::iter::once(&Time::ZERO).chain(seeks).enumerate() {
        for ((way, preview), timing) in WAYS.iter().zip(&mut previews).zip(&mut timings) {
            media::set_seek_skipping(way.skipping);
            let (first, exact) = preview.first_and_exact(t)?;
            // The first frame opens the decoders, as the first frame shown in the app does.
            if i > 0 {
                timing.first.push(first);
                timing.exact.push(exact);
            }
        }
    }
    media::set_seek_skipping(true);
    let size = previews.first().map_or((2, 2), |p| p.size);
    Ok((timings, size))
}

/// Runs `bench play` and prints the figures.
pub fn play(args: &PlayArgs) -> anyhow::Result<()> {
    let (_temp, dir) = super::work_dir(args.dir.as_deref())?;
    let source_seconds = args.source_seconds.clamp(1, args.seconds.max(1));
    let source = dir.join(format!("scrub-{source_seconds}s.mp4"));
    super::make_source(&source, source_seconds, &one_keyframe_a_second())?;
    let copies = args.seconds.div_ceil(source_seconds).max(1);
    let project = project_of(&source, copies)?;
    let end = Time::from_secs(i64::from(args.seconds)).min(project.duration());
    let options = PreviewOptions {
        proxies: false,
        keyframe_first: false,
    };
    let mut preview = Preview::new(project, &dir, args.width, options);

    let frame = Time::frame_duration(Rational::FPS_30);
    let started = Instant::now();
    let rss_start = rss_kb();
    let mut rss_peak = rss_start;
    let mut next_sample = Duration::ZERO;
    // Resident memory at each tenth of the play, to tell a plateau from growth.
    let mut tenths: Vec<u64> = Vec::with_capacity(10);
    let mut slowest = Duration::ZERO;
    let mut shown = 0u64;
    let mut t = Time::ZERO;
    while t < end {
        let took = preview.frame(t)?;
        slowest = slowest.max(took);
        shown += 1;
        let elapsed = started.elapsed();
        if elapsed >= next_sample {
            rss_peak = rss_peak.max(rss_kb());
            next_sample = elapsed + Duration::from_secs(1);
        }
        let done = (t.flicks() as f64 / end.flicks().max(1) as f64 * 10.0) as usize;
        if done > tenths.len() {
            tenths.push(rss_kb() / 1024);
        }
        if args.realtime {
            let due = Duration::from_secs_f64((t + frame).as_secs_f64());
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        t += frame;
    }
    let wall = started.elapsed();
    let rss_end = rss_kb();
    rss_peak = rss_peak.max(rss_end);
    println!(
        "play: {:.0} s project ({} × {} s of 1080p30 H.264), preview {}×{}, {}",
        end.as_secs_f64(),
        copies,
        source_seconds,
        preview.size.0,
        preview.size.1,
        if args.realtime {
            "paced at real time"
        } else {
            "as fast as frames come"
        }
    );
    println!(
        "frames {shown} in {:.1} s: {:.1} frames/s (real time is 30), slowest frame {} ms",
        wall.as_secs_f64(),
        shown as f64 / wall.as_secs_f64().max(1e-9),
        slowest.as_millis()
    );
    println!(
        "resident memory: start {} MiB, end {} MiB, peak {} MiB (sampled each second)",
        rss_start / 1024,
        rss_end / 1024,
        rss_peak / 1024
    );
    let tenths: Vec<String> = tenths.iter().map(u64::to_string).collect();
    println!("resident memory at each tenth, MiB: {}", tenths.join(" "));
    Ok(())
}

/// One line of the table: p50 and p95 of `first`, p50, p95 and max of `exact`.
fn print_row(name: &str, first: &mut [Duration], exact: &mut [Duration]) {
    let at = |times: &mut [Duration], q: f64| {
        times.sort();
        let i = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len().max(1)) - 1;
        times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{name:<50} {:>5.1} ms {:>5.1} ms {:>5.1} ms {:>5.1} ms {:>5.1} ms",
        at(first, 0.5),
        at(first, 0.95),
        at(exact, 0.5),
        at(exact, 0.95),
        at(exact, 1.0)
    );
}

/// The sources' encoder option: one keyframe a second (at 30 fps), as Clipwright records.
fn one_keyframe_a_second() -> [String; 2] {
    ["-g".to_owned(), "30".to_owned()]
}

/// A project playing `source` `copies` times back to back on one video track.
fn project_of(source: &Path, copies: u32) -> anyhow::Result<Project> {
    let report = crate::media::probe(source)?;
    let mut project = Project::from_recording("bench", source, report.source_info());
    let Some(src) = project.sources.first().map(|s| s.id) else {
        bail!(
            "{}: the source did not land in the project",
            source.display()
        );
    };
    let length = project.duration();
    for i in 1..copies {
        let place = project.place_source_edit(
            src,
            Time(length.flicks() * i64::from(i)),
            Some(TrackId(1)),
            None,
        )?;
        crate::timeline::apply(&mut project, place)?;
    }
    Ok(project)
}

/// This process's resident memory in KiB (0 where `/proc` is not there).
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
