//! `clipwright record`: list what can be recorded, or record one window, screen or region
//! to a crash-safe MP4 until Ctrl+C, SIGTERM, `--duration`, or the window closing; or,
//! with `--replay`, keep only the last seconds in memory and save them on SIGUSR1.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;

use crate::capture::{
    self, AudioSelection, CaptureBackend, EncoderChoice, OutputSize, RecordOptions, Recorder,
    RecordingSummary, SourceSettings, TargetKind, TargetSpec,
};

/// Options of `clipwright record`.
#[derive(Debug, Args)]
#[command(
    after_help = "Live markers (not with --replay): each line on standard input drops a \
marker at the moment recorded so far: NAME, or PRE-ROLL NAME with the pre-roll in seconds \
(\"20 goal\" marks the last 20 s, a range on the timeline); SIGUSR2 drops one too. They are \
kept in OUT.mp4.markers.json and land on the timeline with the recording."
)]
pub struct RecordArgs {
    /// List the windows and screens that can be recorded (id, app, title, size) and exit.
    #[arg(long)]
    list: bool,
    /// Record the window whose title contains this text.
    #[arg(long, value_name = "TITLE", group = "target")]
    window: Option<String>,
    /// Record the window with this id (as `--list` shows it, e.g. 0x1a00007).
    #[arg(long, value_name = "ID", group = "target")]
    window_id: Option<String>,
    /// Record a whole screen (0 is the first).
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "0", group = "target")]
    display: Option<u32>,
    /// Record a rectangle of the screen: X,Y,WIDTHxHEIGHT.
    #[arg(long, value_name = "X,Y,WxH", group = "target")]
    region: Option<String>,
    /// Record a moving test pattern of this size (no screen needed), e.g. 1280x720.
    #[arg(long, value_name = "WxH", group = "target")]
    test_pattern: Option<String>,
    /// The file to write (MP4); with --replay, the folder replays are saved into.
    #[arg(short, long, value_name = "OUT.mp4")]
    output: Option<PathBuf>,
    /// Replay buffer: write no file, keep the last SECONDS (picture and sound, as
    /// encoded packets) in memory, and save them as "Replay DATE TIME.mp4" in the -o
    /// folder each time the process gets SIGUSR1 (`kill -USR1 PID`) or, on X11,
    /// Ctrl+Alt+S is pressed. A saved replay starts on the keyframe nearest SECONDS
    /// back (keyframes come every second), so it lasts SECONDS ± 0.5 s.
    /// Memory: the packets take about (bit rate) × (SECONDS + 1), never more than
    /// max(32 MB, 8 MB × (SECONDS + 1)): beyond that the oldest seconds go. Saves
    /// share those packets; while one is written and one waits, the packets they
    /// hold can bring it to three times that.
    #[arg(long, value_name = "SECONDS", verbatim_doc_comment)]
    replay: Option<u32>,
    /// Output size: source, 2160p, 1440p, 1080p, 720p, 480p, 1080x1920 (vertical) or WxH.
    #[arg(long, default_value = "source")]
    size: String,
    /// Frames per second, 15 to 120.
    #[arg(long, default_value_t = 30)]
    fps: u32,
    /// How another shape fills the output: letterbox or crop.
    #[arg(long, default_value = "letterbox")]
    fit: String,
    /// Stop after this many seconds (decimals allowed).
    #[arg(long, value_name = "SECS")]
    duration: Option<String>,
    /// Wait this many seconds before recording starts.
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    countdown: u32,
    /// Leave the mouse pointer out.
    #[arg(long)]
    no_cursor: bool,
    /// Sound tracks: system, window, mic, system,mic, window,mic or none [default: system
    /// where this computer has a system-sound source (Linux: PulseAudio or PipeWire's pulse
    /// server; Windows: WASAPI loopback; macOS 14.6+: CoreAudio loopback), else none].
    /// `window` records only the recorded window's program (and the processes it started),
    /// falling back to all system sound with a notice where that cannot be done.
    #[arg(long, value_name = "SOURCES")]
    audio: Option<String>,
    /// Device for system sound: a PulseAudio monitor source on Linux, an output device's
    /// name on Windows and macOS (default: the default output).
    #[arg(long, value_name = "SOURCE")]
    system_device: Option<String>,
    /// Device for the microphone: a PulseAudio source on Linux, an input device's name on
    /// Windows and macOS (default: the default input).
    #[arg(long, value_name = "SOURCE")]
    mic_device: Option<String>,
    /// When the window closes, wait for a window of the same program and title.
    #[arg(long)]
    reacquire: bool,
    /// Video encoder: auto (hardware if present, else libx264) or an FFmpeg encoder name.
    #[arg(long, default_value = "auto")]
    encoder: String,
    /// libx264 quality (CRF): 18 fine … 28 small.
    #[arg(long, default_value_t = 23)]
    quality: u8,
    /// How a window is recorded on Linux/X11: content (its own pixels through Composite,
    /// so windows covering it are not recorded; the screen area where that is impossible)
    /// or area (its area of the screen through x11grab, covering windows included).
    #[arg(long, value_name = "HOW", default_value = "content")]
    window_capture: String,
    /// X display to use (default: $DISPLAY).
    #[arg(long, value_name = "DISPLAY")]
    x_display: Option<String>,
    /// Replace an existing output file (only once the new recording is complete).
    #[arg(long)]
    overwrite: bool,
}

/// Parses decimal seconds (`3`, `2.5`) into a duration without going through floats.
fn parse_seconds(s: &str) -> anyhow::Result<Duration> {
    let bad = || anyhow::anyhow!("\"{s}\" is not a number of seconds");
    let (whole, frac) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let mut micros = 0_u64;
    for (i, c) in frac.chars().take(6).enumerate() {
        let d = c.to_digit(10).ok_or_else(bad)?;
        micros += u64::from(d) * 10_u64.pow(5 - i as u32);
    }
    let d = Duration::from_secs(whole) + Duration::from_micros(micros);
    if d.is_zero() {
        bail!("the duration must be more than 0 seconds");
    }
    Ok(d)
}

fn parse_id(s: &str) -> anyhow::Result<u64> {
    let t = s.trim();
    let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => t.parse(),
    };
    parsed.map_err(|_| anyhow::anyhow!("\"{s}\" is not a window id (decimal or 0x… hex)"))
}

/// Runs `clipwright record`.
pub fn run(args: RecordArgs) -> anyhow::Result<()> {
    let pattern = args
        .test_pattern
        .as_deref()
        .map(|s| match s.parse::<OutputSize>()? {
            OutputSize::Fixed(w, h) => Ok((w, h)),
            OutputSize::Source => Err(capture::CaptureError::Invalid(
                "--test-pattern needs a size such as 1280x720".into(),
            )),
        })
        .transpose()?;
    let backend: Box<dyn CaptureBackend> = match pattern {
        Some((w, h)) => Box::new(capture::TestPattern::new(w, h)),
        None => platform_backend(args.x_display.as_deref(), &args.window_capture)?,
    };
    if args.list {
        return list(backend.as_ref());
    }
    let spec = target_spec(&args, pattern.is_some())?;
    let opts = record_options(&args, backend.as_ref(), &spec)?;

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || stop.store(true, Ordering::Relaxed))
            .context("cannot install the Ctrl+C handler")?;
    }
    for left in (1..=args.countdown).rev() {
        eprintln!("recording in {left}…");
        std::thread::sleep(Duration::from_secs(1));
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
    }
    let settings = SourceSettings {
        fps: opts.fps,
        cursor: !args.no_cursor,
        reacquire: args.reacquire,
    };
    let source = backend.start(&spec, &settings)?;
    let recorder = Recorder::start(source, &opts)
        .with_context(|| format!("cannot start recording to {}", opts.output.display()))?;
    if let Some(notice) = recorder.sound_notice() {
        eprintln!("{notice}");
    }
    let mut hotkey = None;
    match opts.replay {
        None => eprintln!(
            "recording {}x{} at {} fps with {} into {} (Ctrl+C stops)",
            recorder.size().0,
            recorder.size().1,
            opts.fps,
            recorder.encoder(),
            opts.output.display()
        ),
        Some(keep) => {
            hotkey = listen_for_save(&recorder, args.x_display.as_deref())?;
            eprintln!(
                "replay buffer of the last {} s, {}x{} at {} fps with {}: `kill -USR1 {}` saves it into {} (Ctrl+C stops)",
                keep.as_secs(),
                recorder.size().0,
                recorder.size().1,
                opts.fps,
                recorder.encoder(),
                std::process::id(),
                opts.output.display()
            );
        }
    }
    let marks = if opts.replay.is_none() {
        Some(MarkInput::listen()?)
    } else {
        None
    };
    if let Some(notice) = recorder.notice() {
        eprintln!("note: {notice}");
    }
    wait_until_stopped(&recorder, &stop, marks.as_ref());
    drop(hotkey);
    let summary = recorder
        .stop()
        .with_context(|| format!("recording to {} failed", opts.output.display()))?;
    for saved in &summary.replays {
        print_replay(saved);
    }
    print_summary(&summary, opts.replay.is_some());
    Ok(())
}

/// What `args` asks to record; the test pattern's one display when it names nothing else.
fn target_spec(args: &RecordArgs, pattern: bool) -> anyhow::Result<TargetSpec> {
    Ok(if let Some(t) = &args.window {
        TargetSpec::WindowTitle(t.clone())
    } else if let Some(id) = &args.window_id {
        TargetSpec::WindowId(parse_id(id)?)
    } else if let Some(r) = &args.region {
        let (x, y, w, h) = capture::parse_region(r)?;
        TargetSpec::Region(x, y, w, h)
    } else if let Some(n) = args.display {
        TargetSpec::Display(n)
    } else if pattern {
        TargetSpec::Display(0)
    } else {
        bail!("say what to record: --window TITLE, --window-id ID, --display, --region X,Y,WxH or --test-pattern WxH (see --list)");
    })
}

/// The recording's options from `args`: output, size, rate, encoder and sound.
fn record_options(
    args: &RecordArgs,
    backend: &dyn CaptureBackend,
    spec: &TargetSpec,
) -> anyhow::Result<RecordOptions> {
    let Some(output) = args.output.clone() else {
        bail!("say where to write the recording: -o OUT.mp4 (with --replay, -o FOLDER)");
    };
    let mut opts = RecordOptions::new(output);
    opts.overwrite = args.overwrite;
    opts.replay = match args.replay {
        Some(0) => bail!("--replay needs a number of seconds above 0"),
        Some(s) => Some(Duration::from_secs(u64::from(s))),
        None => None,
    };
    capture::check_output(&opts)?;
    opts.size = args.size.parse()?;
    opts.fit = capture::parse_fit(&args.fit)?;
    opts.fps = capture::check_fps(args.fps)?;
    opts.duration = args.duration.as_deref().map(parse_seconds).transpose()?;
    opts.quality = args.quality.clamp(0, 51);
    opts.encoder = match args.encoder.as_str() {
        "auto" => EncoderChoice::Auto,
        name => EncoderChoice::Named(name.to_owned()),
    };
    let mut audio = AudioSelection::parse(&default_audio(args.audio.as_deref()))?;
    if let (Some(d), Some(_)) = (&args.system_device, &audio.system) {
        audio.system = Some(d.clone());
    }
    if let (Some(d), Some(_)) = (&args.mic_device, &audio.mic) {
        audio.mic = Some(d.clone());
    }
    if audio.window {
        opts.window_pid = window_pid(backend, spec)?;
    }
    opts.audio = audio;
    Ok(opts)
}

/// Waits until Ctrl+C or the recording ends by itself, saving replays and applying marks
/// as they come, with a line of statistics a second on a terminal.
fn wait_until_stopped(recorder: &Recorder, stop: &AtomicBool, marks: Option<&MarkInput>) {
    let live = std::io::stderr().is_terminal();
    let mut last_line = std::time::Instant::now();
    while !stop.load(Ordering::Relaxed) && !recorder.is_ending() {
        std::thread::sleep(Duration::from_millis(50));
        report_replays(recorder);
        if let Some(marks) = marks {
            marks.apply(recorder);
        }
        if live && last_line.elapsed() >= Duration::from_secs(1) {
            last_line = std::time::Instant::now();
            let s = recorder.stats();
            eprint!(
                "\r{:>4} s  {}.{:02} fps  {}  queues {}/{}/{}  {} KB   ",
                s.recorded_us / 1_000_000,
                s.fps_x100 / 100,
                s.fps_x100 % 100,
                s.describe_frames(),
                s.grab_queue,
                s.encode_queue,
                s.mux_queue,
                s.bytes / 1024,
            );
        }
    }
    if live {
        eprintln!();
    }
}

/// What the recording (or the replay buffer) came to.
fn print_summary(summary: &RecordingSummary, replay: bool) {
    let s = &summary.stats;
    if replay {
        println!(
            "replay buffer ended ({} frames, {} bytes held at the end): {} dropped, {} duplicated, ended: {:?}",
            s.written, s.bytes, s.dropped, s.duplicated, summary.end
        );
        return;
    }
    println!(
        "recorded {} ({}x{}, {} fps, {} frames, {}.{:03} s, {} sound track(s)): {} dropped, {} duplicated, {} bytes, ended: {:?}",
        summary.path.display(),
        summary.size.0,
        summary.size.1,
        summary.fps,
        s.written,
        summary.duration_us / 1_000_000,
        (summary.duration_us % 1_000_000) / 1000,
        summary.audio_tracks,
        s.dropped,
        s.duplicated,
        s.bytes,
        summary.end
    );
    println!(
        "dropped by cause: {}; repeated by cause: {}",
        none_if_empty(s.dropped_by.describe()),
        none_if_empty(s.repeated_by.describe())
    );
}

/// The process of the window `spec` names, for `--audio window` (`None` when the window
/// does not say: the recorder then records all system sound, with a notice).
fn window_pid(backend: &dyn CaptureBackend, spec: &TargetSpec) -> anyhow::Result<Option<u32>> {
    match spec {
        TargetSpec::WindowTitle(_) | TargetSpec::WindowId(_) => {
            let targets = backend.targets()?;
            Ok(capture::resolve_window(&targets, spec)?.pid)
        }
        TargetSpec::Display(_) | TargetSpec::Region(..) => {
            bail!("--audio window records one window's sound: pick a window with --window or --window-id")
        }
    }
}

/// Live markers asked for while recording: a line on standard input (`NAME`, or
/// `PRE-ROLL NAME` with the pre-roll in seconds: `20 goal` marks the last 20 s), or
/// SIGUSR2 (a marker named by its number, no pre-roll).
struct MarkInput {
    lines: std::sync::mpsc::Receiver<String>,
    signalled: Arc<AtomicBool>,
}

impl MarkInput {
    fn listen() -> anyhow::Result<MarkInput> {
        let (tx, lines) = std::sync::mpsc::sync_channel(16);
        std::thread::Builder::new()
            .name("marks-stdin".into())
            .spawn(move || {
                for line in std::io::stdin().lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            })
            .context("cannot start reading markers from standard input")?;
        let signalled = Arc::new(AtomicBool::new(false));
        #[cfg(unix)]
        signal_hook::flag::register(signal_hook::consts::SIGUSR2, signalled.clone())
            .context("cannot install the SIGUSR2 handler")?;
        Ok(MarkInput { lines, signalled })
    }

    /// Drops the markers asked for since the last call.
    fn apply(&self, recorder: &Recorder) {
        let mut asked: Vec<(Duration, String)> =
            self.lines.try_iter().map(|l| parse_mark(&l)).collect();
        if self.signalled.swap(false, Ordering::Relaxed) {
            asked.push((Duration::ZERO, String::new()));
        }
        for (pre_roll, name) in asked {
            match recorder.mark(&name, pre_roll) {
                Ok(m) => eprintln!(
                    "\rmarker \"{}\" at {}.{:03} s (pre-roll {} ms)",
                    m.name,
                    m.at_us / 1_000_000,
                    (m.at_us % 1_000_000) / 1000,
                    m.pre_roll_us / 1000
                ),
                Err(e) => eprintln!("\rthe marker was not saved: {e}"),
            }
        }
    }
}

fn none_if_empty(s: String) -> String {
    if s.is_empty() {
        "none".into()
    } else {
        s
    }
}

/// `20 goal` → (20 s, "goal"); `goal` → (0, "goal").
fn parse_mark(line: &str) -> (Duration, String) {
    let line = line.trim();
    let (first, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    match parse_seconds(first) {
        Ok(pre_roll) => (pre_roll, rest.trim().to_owned()),
        Err(_) => (Duration::ZERO, line.to_owned()),
    }
}

/// Makes SIGUSR1 (Unix) and, on X11, Ctrl+Alt+S save the replay buffer. The hotkey is
/// held as long as the returned value lives; without a display there is only the signal.
fn listen_for_save(
    recorder: &Recorder,
    display: Option<&str>,
) -> anyhow::Result<Option<Box<dyn std::any::Any>>> {
    let Some(flag) = recorder.replay_trigger() else {
        return Ok(None);
    };
    #[cfg(unix)]
    signal_hook::flag::register(signal_hook::consts::SIGUSR1, flag.clone())
        .context("cannot install the SIGUSR1 handler")?;
    #[cfg(target_os = "linux")]
    {
        use capture::Hotkeys;
        let hotkeys = capture::SystemHotkeys {
            display: display.map(str::to_owned),
        };
        let key = capture::Hotkey::SAVE_REPLAY;
        match hotkeys.grab(key, Arc::new(move || flag.store(true, Ordering::Relaxed))) {
            Ok(h) => return Ok(Some(Box::new(h))),
            Err(e) => tracing::info!("no Ctrl+Alt+S hotkey for replays: {e}"),
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (display, flag);
    Ok(None)
}

/// Prints the replays saved since the last call, and why one was not.
fn report_replays(recorder: &Recorder) {
    for r in recorder.replay_results() {
        match r {
            Ok(saved) => print_replay(&saved),
            Err(e) => eprintln!("\rthe replay was not saved: {e}"),
        }
    }
}

fn print_replay(saved: &capture::SavedReplay) {
    println!(
        "saved replay {} ({}.{:03} s)",
        saved.path.display(),
        saved.duration_us / 1_000_000,
        (saved.duration_us % 1_000_000) / 1000
    );
}

/// The `--audio` value to use: the one given, or `system` where system sound can be
/// recorded and `none` (with a one-line notice saying why) where it cannot.
fn default_audio(given: Option<&str>) -> String {
    if let Some(given) = given {
        return given.to_owned();
    }
    match capture::system_sound_available() {
        Ok(()) => "system".to_owned(),
        Err(e) => {
            eprintln!("recording without sound: no system sound to record ({e}); --audio none hides this notice");
            "none".to_owned()
        }
    }
}

fn list(backend: &dyn CaptureBackend) -> anyhow::Result<()> {
    let targets = backend.targets()?;
    println!(
        "{:<12} {:<8} {:<16} {:>11}  TITLE",
        "ID", "KIND", "APP", "SIZE"
    );
    for t in targets {
        let kind = match t.kind {
            TargetKind::Window => "window",
            TargetKind::Display => "display",
        };
        println!(
            "{:<12} {:<8} {:<16} {:>11}  {}",
            format!("{:#x}", t.id),
            kind,
            t.app,
            format!("{}x{}", t.width, t.height),
            t.title
        );
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn platform_backend(
    display: Option<&str>,
    window_capture: &str,
) -> anyhow::Result<Box<dyn CaptureBackend>> {
    let how: capture::WindowCapture = window_capture.parse()?;
    Ok(Box::new(
        capture::X11Backend::new(display).with_window_capture(how),
    ))
}

/// Windows and macOS always record a window's own content (`--window-capture` is X11's).
#[cfg(any(windows, target_os = "macos"))]
fn platform_backend(
    _display: Option<&str>,
    _window_capture: &str,
) -> anyhow::Result<Box<dyn CaptureBackend>> {
    Ok(Box::new(capture::ScapBackend::new()?))
}

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
fn platform_backend(
    _display: Option<&str>,
    _window_capture: &str,
) -> anyhow::Result<Box<dyn CaptureBackend>> {
    bail!("screen capture is not supported on this system; use --test-pattern")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_parse_exactly_without_floats() {
        assert_eq!(parse_seconds("3").unwrap(), Duration::from_secs(3));
        assert_eq!(parse_seconds("2.5").unwrap(), Duration::from_millis(2500));
        assert_eq!(parse_seconds(".25").unwrap(), Duration::from_millis(250));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("abc").is_err());
    }

    #[test]
    fn a_marker_line_may_start_with_its_pre_roll() {
        assert_eq!(
            parse_mark("20 good bit"),
            (Duration::from_secs(20), "good bit".to_owned())
        );
        assert_eq!(parse_mark("goal"), (Duration::ZERO, "goal".to_owned()));
        assert_eq!(
            parse_mark("2.5"),
            (Duration::from_millis(2500), String::new())
        );
    }

    #[test]
    fn window_ids_parse_in_hex_and_decimal() {
        assert_eq!(parse_id("0x1a00007").unwrap(), 0x1a0_0007);
        assert_eq!(parse_id("42").unwrap(), 42);
        assert!(parse_id("xyz").is_err());
    }
}
