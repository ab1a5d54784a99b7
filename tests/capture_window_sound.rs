//! `record --audio window` under Xvfb + openbox + a private PulseAudio: two windows play
//! two tones, and the recording of one holds only its own tone (checked by frequency);
//! the person's sound routing (default sink, each stream's sink) is the same afterwards —
//! also when the recorder is killed with SIGKILL and the program is started again; and a
//! program that starts playing only during the recording is silent until then and
//! recorded from then on.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::cli::succeeds_within;
use common::desktop::{App, Desktop, Pulse};
use common::recording::record_command;

/// A window showing a test picture and playing a sine tone of `hz` into PulseAudio.
fn tone_window(desktop: &Desktop, hz: u32, title: &str) -> App {
    desktop.ffplay_with_sound(
        &format!("testsrc2=size=320x240:rate=30[out0];sine=frequency={hz}:sample_rate=48000[out1]"),
        title,
    )
}

/// `pactl` on the desktop's sound server, in the C locale.
fn pactl(desktop: &Desktop, args: &[&str]) -> String {
    let out = desktop
        .command("pactl")
        .env("LC_ALL", "C")
        .args(args)
        .output()
        .expect("pactl must be installed (pulseaudio-utils)");
    assert!(out.status.success(), "pactl {args:?} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What the person's routing is: the default sink, each stream's sink (by index), and
/// whether any of our sinks or loopbacks are loaded.
#[derive(Debug, PartialEq, Eq)]
struct Routing {
    default_sink: String,
    streams: Vec<(String, String)>,
    ours_loaded: bool,
}

fn routing(desktop: &Desktop) -> Routing {
    let info = pactl(desktop, &["info"]);
    let default_sink = info
        .lines()
        .find_map(|l| l.strip_prefix("Default Sink: "))
        .unwrap()
        .to_owned();
    let sinks: Vec<(String, String)> = pactl(desktop, &["list", "short", "sinks"])
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_owned(), f[1].to_owned())
        })
        .collect();
    let mut streams: Vec<(String, String)> = pactl(desktop, &["list", "short", "sink-inputs"])
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let sink = sinks
                .iter()
                .find(|(i, _)| i == f[1])
                .map_or(f[1].to_owned(), |(_, n)| n.clone());
            (f[0].to_owned(), sink)
        })
        .collect();
    streams.sort();
    let modules = pactl(desktop, &["list", "short", "modules"]);
    Routing {
        default_sink,
        streams,
        ours_loaded: modules.contains("clipwright_window_"),
    }
}

/// Waits until the server plays `n` streams.
/// A desktop with sound and two windows playing tones: "Tone Low" (440 Hz) and "Tone High"
/// (1 kHz), both heard.
fn two_tone_windows() -> (Desktop, Pulse, [App; 2]) {
    let desktop = Desktop::start();
    let pulse = desktop.pulse();
    let low = tone_window(&desktop, 440, "Tone Low");
    let high = tone_window(&desktop, 1000, "Tone High");
    wait_for_streams(&desktop, 2);
    (desktop, pulse, [low, high])
}

fn wait_for_streams(desktop: &Desktop, n: usize) {
    desktop.wait_for(Duration::from_secs(30), || {
        routing(desktop).streams.len() >= n
    });
}

/// The first sound track of `file`, decoded to 48 kHz mono.
fn decoded_sound(file: &Path) -> Vec<f64> {
    let out = common::recording::decode(
        file,
        &["-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "s16le"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
        .chunks_exact(2)
        .map(|b| f64::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
        .collect()
}

/// Power of `hz` in `samples` (48 kHz): the mean over 0.1 s blocks of the Goertzel
/// algorithm's, so a tone a few hertz off (clocks that differ a little) still counts.
fn power_at(samples: &[f64], hz: f64) -> f64 {
    let blocks: Vec<f64> = samples
        .chunks_exact(4_800)
        .map(|b| goertzel(b, hz))
        .collect();
    blocks.iter().sum::<f64>() / blocks.len().max(1) as f64
}

/// Power of `hz` in one block of `samples` (48 kHz), by the Goertzel algorithm.
fn goertzel(samples: &[f64], hz: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * hz / 48_000.0;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for &x in samples {
        let s = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (samples.len() as f64).powi(2)
}

#[test]
fn the_goertzel_check_tells_two_tones_apart() {
    let tone: Vec<f64> = (0..48_000)
        .map(|i| (2.0 * std::f64::consts::PI * 440.0 * f64::from(i) / 48_000.0).sin())
        .collect();
    assert!(power_at(&tone, 440.0) > 0.2);
    assert!(
        power_at(&tone, 443.0) > 0.1,
        "a tone a little sharp still counts"
    );
    assert!(power_at(&tone, 1000.0) < 1e-4);
}

#[test]
fn a_window_recorded_with_its_own_sound_holds_only_its_tone_and_the_routing_comes_back() {
    let (desktop, _pulse, _tones) = two_tone_windows();
    let before = routing(&desktop);
    assert!(!before.ours_loaded);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("low.mp4");
    let args = ["--audio", "window", "--size", "320x240", "--duration", "4"];
    let out = succeeds_within(
        &mut record_command(&desktop, "Tone Low", &args, &file),
        Duration::from_secs(60),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("Recording all system sound"),
        "fell back to the system mix: {stderr}"
    );

    let sound = decoded_sound(&file);
    assert!(sound.len() > 48_000 * 3, "{} samples", sound.len());
    // Skip the first second (the stream is moved as recording starts).
    let steady = &sound[48_000..sound.len() - 12_000];
    let (low, high) = (power_at(steady, 440.0), power_at(steady, 1000.0));
    eprintln!("440 Hz (the window's tone): {low:.3e}; 1000 Hz (the other window's): {high:.3e}");
    assert!(low > 1e-3, "the window's own tone is there: {low}");
    assert!(
        high < low / 1000.0,
        "the other window's tone leaked in: 440 Hz {low}, 1000 Hz {high}"
    );
    assert_eq!(routing(&desktop), before, "the routing is as it was");
}

#[test]
fn after_a_killed_recording_the_next_start_puts_the_routing_back() {
    let (desktop, _pulse, _tones) = two_tone_windows();
    let before = routing(&desktop);

    let dir = tempfile::tempdir().unwrap();
    let args = ["--audio", "window", "--size", "320x240"];
    let mut recorder = record_command(&desktop, "Tone Low", &args, &dir.path().join("killed.mp4"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the window's stream has been moved to our sink.
    let start = Instant::now();
    while !routing(&desktop)
        .streams
        .iter()
        .any(|(_, sink)| sink.starts_with("clipwright_window_"))
    {
        assert!(
            recorder.try_wait().unwrap().is_none(),
            "the recorder ended early"
        );
        assert!(start.elapsed() < Duration::from_secs(30), "never re-routed");
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(500));
    recorder.kill().unwrap(); // SIGKILL: no clean-up of its own
    recorder.wait().unwrap();
    let left = routing(&desktop);
    assert!(
        left.ours_loaded,
        "the kill left the routing changed: {left:?}"
    );
    assert_ne!(left, before);

    // The next start of the program, whatever it does, undoes it.
    let out = succeeds_within(
        desktop.clipwright().args(["record", "--list"]),
        Duration::from_secs(60),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("restored the sound routing"), "{stderr}");
    assert_eq!(routing(&desktop), before);
}

/// A program like a browser: a launcher process opens the window (a child of the same
/// name, so the two count as one program), and a third process starts playing a tone of
/// `hz` only when `trigger` exists. Killed with its whole process group on drop.
struct LateTone {
    launcher: std::process::Child,
    _dir: tempfile::TempDir,
}

impl LateTone {
    fn start(desktop: &Desktop, hz: u32, title: &str, trigger: &Path) -> LateTone {
        use std::os::unix::fs::PermissionsExt;
        use std::os::unix::process::CommandExt;
        let dir = tempfile::tempdir().unwrap();
        let tone = dir.path().join("tone.wav");
        let sine = format!("sine=frequency={hz}:sample_rate=48000:duration=30");
        common::lavfi(&sine, &[], &tone);
        // Named like the program it starts: the window's process tree climbs to it.
        let launcher = dir.path().join("ffplay");
        std::fs::write(
            &launcher,
            "#!/bin/sh\n\
             /usr/bin/ffplay -loglevel quiet -an -f lavfi -i testsrc2=size=320x240:rate=30 \
             -window_title \"$1\" -left 40 -top 40 </dev/null >/dev/null 2>&1 &\n\
             while [ ! -e \"$2\" ]; do sleep 0.1; done\n\
             paplay \"$3\" &\n\
             wait\n",
        )
        .unwrap();
        std::fs::set_permissions(&launcher, std::fs::Permissions::from_mode(0o755)).unwrap();
        let child = desktop
            .command(&launcher)
            .arg(title)
            .arg(trigger)
            .arg(&tone)
            .process_group(0)
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        desktop.wait_for(Duration::from_secs(60), || {
            !desktop.find_windows(&format!("^{title}$")).is_empty()
        });
        LateTone {
            launcher: child,
            _dir: dir,
        }
    }
}

impl Drop for LateTone {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        if let Ok(group) = i32::try_from(self.launcher.id()) {
            // SAFETY: kill(2) with a negative id signals the process group the launcher
            // leads (made with process_group(0)), and touches no memory.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
        let _ = self.launcher.wait();
    }
}

/// Stops `child` as Ctrl+C in its terminal would.
#[allow(unsafe_code)]
fn interrupt(child: &std::process::Child) {
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: kill(2) sends SIGINT to our own child process and touches no memory.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
}

#[test]
fn a_program_that_starts_its_sound_during_the_recording_is_silent_until_then_and_then_recorded() {
    let desktop = Desktop::start();
    let _pulse = desktop.pulse();
    let _other = tone_window(&desktop, 1000, "Tone High");
    wait_for_streams(&desktop, 1);
    let dir = tempfile::tempdir().unwrap();
    let trigger = dir.path().join("play now");
    let _late = LateTone::start(&desktop, 440, "Late Tone", &trigger);
    let before = routing(&desktop);

    let file = dir.path().join("late.mp4");
    let args = ["--audio", "window", "--size", "320x240"];
    let mut recorder = record_command(&desktop, "Late Tone", &args, &file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The program plays nothing yet: the recording still starts (on its own sink).
    let stderr = recorder.stderr.take().unwrap();
    // One signal is enough: a full channel means it was already sent.
    let (started_tx, started) = std::sync::mpsc::sync_channel(1);
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in std::io::BufRead::lines(std::io::BufReader::new(stderr)).map_while(Result::ok) {
            if line.starts_with("recording ") {
                let _ = started_tx.try_send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    if started.recv_timeout(Duration::from_secs(60)).is_err() {
        let _ = recorder.kill();
        panic!("the recording never started: {}", reader.join().unwrap());
    }
    assert!(
        routing(&desktop).ours_loaded,
        "no sink of ours while recording"
    );
    std::thread::sleep(Duration::from_millis(1500));
    std::fs::write(&trigger, b"").unwrap();
    // However slowly the late player starts on a busy machine: once its stream is on our
    // sink, record a few seconds more, then stop as Ctrl+C does.
    desktop.wait_for(Duration::from_secs(60), || {
        routing(&desktop)
            .streams
            .iter()
            .any(|(_, sink)| sink.starts_with("clipwright_window_"))
    });
    std::thread::sleep(Duration::from_millis(3000));
    interrupt(&recorder);
    let status = recorder.wait().unwrap();
    let stderr = reader.join().unwrap();
    assert!(status.success(), "{stderr}");
    assert!(
        !stderr.contains("Recording all system sound"),
        "fell back to the system mix: {stderr}"
    );

    let sound = decoded_sound(&file);
    assert!(sound.len() > 48_000 * 5, "{} samples", sound.len());
    // Where the tone begins, in 0.1 s blocks: silence before, the tone from then on.
    let blocks: Vec<f64> = sound
        .chunks_exact(4_800)
        .map(|b| goertzel(b, 440.0))
        .collect();
    let late = power_at(&sound[sound.len() - 96_000..], 440.0);
    let onset = blocks
        .iter()
        .position(|&p| p > late / 10.0)
        .unwrap_or(blocks.len());
    let leaked = power_at(&sound, 1000.0);
    eprintln!(
        "440 Hz: begins at {:.1} s, {late:.3e} in the last two seconds; 1000 Hz {leaked:.3e}",
        onset as f64 / 10.0
    );
    assert!(
        late > 1e-3,
        "the stream that started later was not recorded: {late}"
    );
    assert!(
        onset >= 5,
        "no silence before the program played: begins at block {onset}"
    );
    // The block before the onset may hold the tone's first milliseconds.
    let quiet = blocks[..onset - 1].iter().copied().fold(0.0, f64::max);
    assert!(
        quiet < late / 1000.0,
        "the start is not silent: up to {quiet} before the onset vs {late}"
    );
    assert!(
        blocks[onset + 3..blocks.len() - 2]
            .iter()
            .all(|&p| p > late / 10.0),
        "the tone did not go on to the end: {blocks:?}"
    );
    assert!(
        leaked < late / 1000.0,
        "the other window's tone leaked in: {leaked}"
    );

    // Put back: no sink of ours, the same default, and the late stream on the default sink.
    let after = routing(&desktop);
    assert!(!after.ours_loaded, "{after:?}");
    assert_eq!(after.default_sink, before.default_sink);
    assert!(
        after
            .streams
            .iter()
            .all(|(_, sink)| *sink == before.default_sink),
        "a stream was left elsewhere: {after:?}"
    );
}
