//! The preview's sound: the project's mix played on the output device (a PulseAudio null
//! sink here, recorded through its monitor), with the sound leading the playhead — and a
//! preview that goes on silently when there is no device.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clipwright::playback::{SoundPlayback, Source};
use clipwright::session::Editor;
use clipwright::timeline::{Project, Time};
use common::desktop::{artifacts_dir, App, Desktop};

/// Two tests point this process's sound somewhere through its environment, which the
/// programs every test starts inherit: one test at a time.
static ENVIRONMENT: Mutex<()> = Mutex::new(());

/// Starts `desktop`'s PulseAudio and points this process's sound at it, as any program on
/// that desktop would find it. (Whatever an earlier test pointed it at is forgotten first:
/// pactl, which waits for the server, would go there.)
fn pulse_for_this_process(desktop: &Desktop) -> common::desktop::Pulse {
    std::env::remove_var("PULSE_SERVER");
    let pulse = desktop.pulse();
    let server = desktop.runtime_dir.path().join("pulse").join("native");
    std::env::set_var("PULSE_SERVER", format!("unix:{}", server.display()));
    std::env::set_var("XDG_RUNTIME_DIR", desktop.runtime_dir.path());
    pulse
}

/// A test's sound set-up: this process's sound pointed at a fresh desktop's PulseAudio, the
/// environment held for the test, and the beeps project in a folder of its own. (Fields
/// drop in this order, as the tests' own variables did.)
struct OnNullSink {
    project: Project,
    _dir: tempfile::TempDir,
    _pulse: common::desktop::Pulse,
    desktop: Desktop,
    _env: std::sync::MutexGuard<'static, ()>,
}

fn on_null_sink() -> OnNullSink {
    let env = ENVIRONMENT.lock().unwrap_or_else(|e| e.into_inner());
    let desktop = Desktop::start();
    let pulse = pulse_for_this_process(&desktop);
    let dir = tempfile::tempdir().unwrap();
    let project = beeps_project(dir.path());
    OnNullSink {
        project,
        _dir: dir,
        _pulse: pulse,
        desktop,
        _env: env,
    }
}

/// Where the beeps start (seconds): irregular, so no two stretches of the recording look
/// alike and a slip of a whole gap cannot pass for being in step.
const BEEPS: [f64; 10] = [0.3, 0.9, 1.6, 2.0, 2.7, 3.5, 3.9, 4.6, 5.2, 5.6];

/// How long each beep lasts (seconds).
const BEEP: f64 = 0.08;

const RATE: usize = 48_000;

/// A 6 s project whose only sound is 1 kHz beeps at [`BEEPS`], added as "Open media…"
/// adds it.
fn beeps_project(dir: &Path) -> Project {
    let beeps = dir.join("beeps.wav");
    beeps_file(&beeps, &BEEPS, 6, false);
    let info = clipwright::media::probe(&beeps).unwrap().source_info();
    let mut editor = Editor::new();
    editor.add_media(&beeps, info).unwrap();
    editor.project
}

/// Writes `seconds` of 1 kHz beeps starting at `beeps` (seconds) to `path`, with a
/// 320×240 picture if `picture` is set.
fn beeps_file(path: &Path, beeps: &[f64], seconds: u32, picture: bool) {
    let gates: Vec<String> = beeps
        .iter()
        .map(|b| format!("between(t,{b},{})", b + BEEP))
        .collect();
    let expr = format!("0.5*sin(2*PI*1000*t)*({})", gates.join("+"));
    let picture_in = format!("testsrc2=size=320x240:rate=30:duration={seconds}");
    let sound_in = format!("aevalsrc=exprs='{expr}':s={RATE}:d={seconds}");
    let mut args = Vec::new();
    if picture {
        args.extend(["-f", "lavfi", "-i", &picture_in]);
    }
    args.extend(["-f", "lavfi", "-i", &sound_in]);
    if picture {
        args.extend(common::H264_FAST);
    }
    common::ffmpeg(&args, path);
}

/// The sink's monitor, recorded as 16-bit mono with the arrival time of each piece.
struct Monitor {
    child: std::process::Child,
    reader: std::thread::JoinHandle<Vec<(Instant, Vec<i16>)>>,
}

impl Monitor {
    fn start(runtime_dir: &Path) -> Monitor {
        let server = runtime_dir.join("pulse").join("native");
        let mut child = Command::new("parec")
            .env("XDG_RUNTIME_DIR", runtime_dir)
            .env("PULSE_SERVER", format!("unix:{}", server.display()))
            .args(["--device=rec.monitor", "--format=s16le", "--channels=1"])
            .arg(format!("--rate={RATE}"))
            .arg("--latency-msec=10")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("parec (pulseaudio-utils) records the sink");
        let mut out = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut pieces = Vec::new();
            let mut buf = vec![0u8; 4096];
            let mut odd: Option<u8> = None;
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let at = Instant::now();
                let mut bytes: Vec<u8> = odd.take().into_iter().collect();
                bytes.extend_from_slice(&buf[..n]);
                if bytes.len() % 2 == 1 {
                    odd = bytes.pop();
                }
                let samples = bytes
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]))
                    .collect();
                pieces.push((at, samples));
            }
            pieces
        });
        Monitor { child, reader }
    }

    /// Stops recording; returns when each beep heard began, by the wall clock.
    fn beeps_heard(mut self) -> Vec<Instant> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let pieces = self.reader.join().unwrap();
        let mut onsets = Vec::new();
        let mut quiet = 0usize;
        for (at, samples) in &pieces {
            let n = samples.len();
            for (i, window) in samples.chunks(96).enumerate() {
                let rms = (window
                    .iter()
                    .map(|&s| (f64::from(s) / 32768.0).powi(2))
                    .sum::<f64>()
                    / window.len() as f64)
                    .sqrt();
                if rms > 0.1 {
                    if quiet >= RATE / 10 {
                        // This sample arrived with the end of its piece.
                        let after = n - i * 96;
                        onsets.push(*at - Duration::from_secs_f64(after as f64 / RATE as f64));
                    }
                    quiet = 0;
                } else {
                    quiet += window.len();
                }
            }
        }
        onsets
    }
}

/// The playhead at `at`, from a log of (time, playhead) taken while playing.
fn playhead_at(log: &[(Instant, Time)], at: Instant) -> Option<f64> {
    let i = log.iter().position(|(t, _)| *t >= at)?;
    Some(log[i.max(1) - 1].1.as_secs_f64())
}

/// A play on `desktop`'s sink, as the preview panel drives it: its sink's monitor recorded
/// from before it starts until after it ends.
struct Listened {
    /// The playhead, by the wall clock, at every step.
    log: Vec<(Instant, Time)>,
    /// Wall time from the start to the last step.
    took: f64,
    /// When each beep heard began, by the wall clock.
    onsets: Vec<Instant>,
}

/// Starts `play` (given the caller's clock at its start, 0) with the sink's monitor
/// recording, then asks for its playhead every 5 ms (the panel at 200 frames a second),
/// handing each to `step` until it says stop or `limit` has passed; returns what was heard.
fn listen(
    desktop: &Desktop,
    limit: Duration,
    play: impl FnOnce() -> SoundPlayback,
    mut step: impl FnMut(&mut SoundPlayback, Time, f64) -> bool,
) -> Listened {
    let monitor = Monitor::start(desktop.runtime_dir.path());
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    let mut playback = play();
    let mut log = Vec::new();
    while start.elapsed() < limit {
        let now = Instant::now();
        let clock = now.duration_since(start).as_secs_f64();
        let position = playback.position(clock);
        log.push((now, position));
        if !step(&mut playback, position, clock) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let took = start.elapsed().as_secs_f64();
    drop(playback);
    std::thread::sleep(Duration::from_millis(300));
    Listened {
        log,
        took,
        onsets: monitor.beeps_heard(),
    }
}

impl Listened {
    /// The playhead at each beep heard.
    fn beeps_at_playhead(&self) -> Vec<f64> {
        self.onsets
            .iter()
            .filter_map(|o| playhead_at(&self.log, *o))
            .collect()
    }
}

#[test]
fn playing_sends_the_beeps_to_the_sink_in_step_with_the_playhead_and_never_freezes() {
    let sink = on_null_sink();
    let project = Arc::new(sink.project);
    let mut sources = Vec::new();
    let (mut longest_hold, mut held_since, mut last) = (0.0f64, 0.0, Time::ZERO);
    let mut late = 0.0;
    let heard = listen(
        &sink.desktop,
        Duration::from_secs(15),
        || SoundPlayback::start(project, PathBuf::from("."), Time::ZERO, 0.0),
        |playback, position, clock| {
            assert_eq!(playback.error(), None, "the sound plays on the null sink");
            if position > last {
                last = position;
                held_since = clock;
            }
            longest_hold = longest_hold.max(clock - held_since);
            if sources.last() != Some(&playback.source()) {
                sources.push(playback.source());
            }
            late = playback.late();
            last < Time::from_millis(5900)
        },
    );
    let (log, took, onsets) = (heard.log, heard.took, heard.onsets);

    eprintln!(
        "clock sources: {sources:?}; longest hold {longest_hold:.3} s; 5.9 s took {took:.2} s; \
         mix late for {late:.3} s"
    );
    assert!(
        longest_hold < 0.4,
        "the picture held still for {longest_hold:.2} s"
    );
    assert!(
        (5.4..7.0).contains(&took),
        "5.9 s of project played in {took:.2} s"
    );
    assert_eq!(
        sources.last(),
        Some(&Source::Device),
        "the sound leads the picture by the end"
    );

    // Each beep heard: which beep it is, by the playhead at that moment, and how far the
    // picture was from it. Beeps before the sound settled may have been skipped.
    let mut errors = Vec::new();
    for onset in &onsets {
        let Some(shown) = playhead_at(&log, *onset) else {
            continue;
        };
        let beep = BEEPS
            .iter()
            .copied()
            .min_by(|a, b| (a - shown).abs().total_cmp(&(b - shown).abs()))
            .unwrap();
        errors.push((beep, shown - beep));
    }
    eprintln!("beeps heard (beep, picture minus sound): {errors:?}");
    let settled: Vec<_> = errors.iter().filter(|(beep, _)| *beep >= 3.0).collect();
    assert!(
        settled.len() >= 4,
        "the beeps after 3 s were all heard: {errors:?}"
    );
    // Lip sync wants 45 ms; the null sink renders in blocks of its latency (about 85 ms
    // here) and a loaded two-core machine delays the recorder's reads, so allow 150 ms.
    for (beep, error) in settled {
        assert!(
            error.abs() < 0.15,
            "the beep at {beep} s was heard with the picture {error:+.3} s from it"
        );
    }
}

#[test]
fn shuttling_at_twice_the_speed_plays_the_beeps_sped_up_and_in_step() {
    let sink = on_null_sink();
    let project = Arc::new(sink.project);
    let listened = listen(
        &sink.desktop,
        Duration::from_secs(10),
        || SoundPlayback::start_at_rate(project, PathBuf::from("."), Time::ZERO, 0.0, 2),
        |_, position, _| position < Time::from_millis(5900),
    );
    let (took, heard) = (listened.took, listened.beeps_at_playhead());
    eprintln!("5.9 s at 2x took {took:.2} s; beeps heard at playhead {heard:?}");
    assert!((2.7..4.0).contains(&took), "5.9 s at 2x took {took:.2} s");
    // After the null sink's stall (up to 2 s of wall time, 4 s of timeline here).
    for beep in [4.6, 5.2, 5.6] {
        assert!(
            heard.iter().any(|t| (t - beep).abs() < 0.2),
            "the beep at {beep} s was heard with the playhead there: {heard:?}"
        );
    }
}

#[test]
fn muting_the_track_while_playing_silences_the_sink_within_a_moment() {
    let sink = on_null_sink();
    let project = sink.project;
    let mut muted = project.clone();
    for track in &mut muted.tracks {
        track.muted = true;
    }
    let mut muted_at = None;
    let listened = listen(
        &sink.desktop,
        Duration::from_secs(15),
        || SoundPlayback::start(Arc::new(project), PathBuf::from("."), Time::ZERO, 0.0),
        |playback, position, _| {
            // The edit, between the beeps at 3.5 and 3.9 s.
            if muted_at.is_none() && position >= Time::from_millis(3650) {
                playback.replace_project(Arc::new(muted.clone()));
                muted_at = Some(position.as_secs_f64());
            }
            position < Time::from_millis(5900)
        },
    );
    let heard = listened.beeps_at_playhead();
    eprintln!("muted at {muted_at:?}; beeps heard at playhead {heard:?}");
    assert!(muted_at.is_some(), "the playhead reached the edit");
    assert!(
        heard.iter().any(|t| (3.4..3.6).contains(t)),
        "the beep at 3.5 s, before the edit, was heard: {heard:?}"
    );
    assert!(
        heard.iter().all(|t| *t < 3.7),
        "nothing after the edit: {heard:?}"
    );
}

#[test]
fn without_an_output_device_the_preview_plays_silently_and_says_why() {
    let _env = ENVIRONMENT.lock().unwrap_or_else(|e| e.into_inner());
    // No server at this address, and ALSA has no card on a headless machine.
    std::env::set_var("PULSE_SERVER", "unix:/nonexistent/clipwright/pulse");
    let dir = tempfile::tempdir().unwrap();
    let project = Arc::new(beeps_project(dir.path()));
    let start = Instant::now();
    let mut playback = SoundPlayback::start(project, PathBuf::from("."), Time::from_secs(1), 0.0);
    let mut error = None;
    let mut position = Time::ZERO;
    while start.elapsed() < Duration::from_millis(1500) {
        position = playback.position(start.elapsed().as_secs_f64());
        error = error.or_else(|| playback.error());
        std::thread::sleep(Duration::from_millis(10));
    }
    let error = error.expect("a missing device is reported");
    eprintln!("reported: {error}");
    assert!(error.contains("audio output"), "{error}");
    assert_eq!(playback.error(), None, "said once");
    assert!(matches!(playback.source(), Source::Wall { .. }));
    // The picture went on by the wall clock, from 1 s.
    let played = position.as_secs_f64() - 1.0;
    assert!(
        (1.2..1.6).contains(&played),
        "played {played:.2} s in 1.5 s"
    );
}

#[test]
fn the_app_plays_its_clip_with_sound_when_space_is_pressed() {
    let _env = ENVIRONMENT.lock().unwrap_or_else(|e| e.into_inner());
    // What another test pointed this process at would lead pactl and the app astray.
    std::env::remove_var("PULSE_SERVER");
    let desktop = Desktop::start();
    let _pulse = desktop.pulse();
    let home = tempfile::tempdir().unwrap();
    // The null sink stalls for up to 2 s after the first play starts (see the first test),
    // so the beeps that count come after that.
    let beeps = [2.8, 3.5, 4.6, 5.2];
    let clip = home.path().join("beeps.mp4");
    beeps_file(&clip, &beeps, 6, true);

    // Killed when dropped, should an assertion fail first.
    let mut app = App(desktop
        .command(assert_cmd::cargo::cargo_bin("clipwright"))
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("PULSE_SERVER")
        .arg(&clip)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap());
    let start = Instant::now();
    let window = loop {
        assert!(app.0.try_wait().unwrap().is_none(), "the app exited early");
        if let Some(id) = desktop.find_windows("Clipwright").into_iter().next() {
            break id;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no window");
        std::thread::sleep(Duration::from_millis(250));
    };
    // The clip is probed and put on the timeline.
    std::thread::sleep(Duration::from_secs(4));

    let monitor = Monitor::start(desktop.runtime_dir.path());
    std::thread::sleep(Duration::from_millis(300));
    let pressed = Instant::now();
    let status = desktop
        .command("xdotool")
        .args(["windowactivate", "--sync", &window, "key", "space"])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_secs(7));
    desktop.screenshot(&artifacts_dir().join("preview_audio_app.png"));
    let onsets = monitor.beeps_heard();
    let alive = app.0.try_wait().unwrap().is_none();
    drop(app);
    assert!(alive, "the app kept running while it played");

    let heard: Vec<f64> = onsets
        .iter()
        .map(|o| o.saturating_duration_since(pressed).as_secs_f64())
        .collect();
    eprintln!("beeps heard after Space (s): {heard:?}");
    // The last beeps of the clip, each heard once and as far apart as in the clip. Measured
    // within 10 ms at a load of 9 on two cores; once in a few runs the starved app's sound
    // was 70 ms late between two beeps (heard as a gap), hence 100 ms.
    let last: Vec<f64> = heard.iter().copied().filter(|t| *t > 2.3).collect();
    assert_eq!(last.len(), beeps.len(), "heard {heard:?}");
    for (pair, want) in last.windows(2).zip(beeps.windows(2)) {
        let gap = pair[1] - pair[0];
        let expected = want[1] - want[0];
        assert!(
            (gap - expected).abs() < 0.1,
            "beeps {expected:.2} s apart in the clip came {gap:.3} s apart: {heard:?}"
        );
    }
    // And heard about when the playhead got there: Space to sound takes the key's way
    // through xdotool and the app's next frame, then the device's latency — up to 0.35 s
    // measured at a load of 9 with the tests in parallel. (How closely sound and picture
    // agree is the first test's business.)
    let late = last[0] - beeps[0];
    assert!(
        (-0.1..1.0).contains(&late),
        "the beep at {} s came {late:+.3} s off",
        beeps[0]
    );
}
