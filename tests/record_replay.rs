//! `record --replay`: the test pattern recorded into a replay buffer of 5 s with system
//! sound, saved on SIGUSR1 after 12 s, gives a new playable file of about 5 s that holds
//! the last frames (the pattern's frame counter says which) and the sound beside them;
//! and a process killed while saving leaves the replays saved before it whole.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::desktop::{App, Desktop};
use common::recording::{
    decode_errors, exit_within, max_volume_db, pattern_counters, record_pattern, signal,
    sound_streams, StderrLines,
};

const W: u32 = 320;
const H: u32 = 240;

/// Saved replays in `dir` (hidden temporary files left out).
fn replays(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("Replay ") && name.ends_with(".mp4")
        })
        .collect();
    found.sort();
    found
}

/// Waits, 20 s at the most, for a replay to be saved in `dir`.
fn wait_for_a_replay(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while replays(dir).is_empty() {
        assert!(Instant::now() < deadline, "no replay was saved within 20 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigusr1_after_12_s_saves_the_last_5_s_with_sound_as_a_new_file() {
    let (desktop, _pulse, _tone) = Desktop::start_with_tone(1000, 40);
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--replay",
        "5",
        "--audio",
        "system",
        "--system-device",
        "rec.monitor",
    ];
    let size = format!("{W}x{H}");
    let mut cmd = record_pattern(desktop.clipwright(), &size, &args, dir.path());
    // Time zero: the recorder says it is buffering. (Killed if the test fails half way.)
    let (child, lines) = StderrLines::spawn(cmd.stdin(Stdio::null()));
    let mut rec = App(child);
    lines.wait_for("replay buffer of the last 5 s");
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(12).saturating_sub(started.elapsed()));
    assert!(
        replays(dir.path()).is_empty(),
        "nothing is written before asked"
    );
    signal(&rec.0, "-USR1");
    wait_for_a_replay(dir.path());
    let saved_after = started.elapsed();
    signal(&rec.0, "-INT");
    let status = exit_within(
        &mut rec.0,
        Duration::from_secs(20),
        "the recorder did not stop on Ctrl+C",
    );
    assert!(status.success());
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut rec.0.stdout.take().unwrap(), &mut stdout).unwrap();
    assert!(stdout.contains("saved replay"), "{stdout}");

    let files = replays(dir.path());
    assert_eq!(files.len(), 1, "one replay: {files:?}");
    let file = &files[0];
    assert_eq!(decode_errors(file), "", "the replay decodes cleanly");
    let report = clipwright::media::probe(file).unwrap();
    let (video, _) = report.video().unwrap();
    let v = video.duration_us.unwrap();
    assert!(
        (4_500_000..=5_500_000).contains(&v),
        "5 s ± 0.5 s: {v} µs ({stdout})"
    );
    let audio = sound_streams(file);
    assert_eq!(audio.len(), 1, "the sound track is kept");
    let a = audio[0].duration_us.unwrap();
    assert!(
        (a - v).abs() <= 150_000,
        "sound {a} µs beside picture {v} µs"
    );
    let peak = max_volume_db(file, 0);
    assert!(peak > -24.0, "the tone is in the replay: peak {peak} dB");

    // The last frames: the pattern's counter ends near where the source was at 12 s.
    let n = pattern_counters(file, W);
    let (first, last) = (n[0], *n.last().unwrap());
    assert!(
        last >= 11 * 30,
        "the replay ends at frame {last}, not near 12 s"
    );
    let at_most = (saved_after.as_secs() as u32 + 2) * 30;
    assert!(
        last <= at_most,
        "frame {last} is later than the save ({at_most})"
    );
    // In order; a busy machine may repeat a frame or skip one, never go back.
    assert!(n.windows(2).all(|w| w[0] <= w[1]), "frames in order: {n:?}");
    let span = last - first + 1;
    assert!(
        (4 * 30..=6 * 30).contains(&span),
        "about 5 s of the source's frames: {first}..={last}"
    );
}

#[test]
fn killing_the_process_while_a_replay_is_saved_leaves_earlier_replays_whole() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--replay", "3", "--audio", "none"];
    let mut rec = App(
        record_pattern(common::clipwright(), "640x360", &args, dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_secs(6));
    signal(&rec.0, "-USR1");
    wait_for_a_replay(dir.path());
    let first = replays(dir.path());
    let kept = std::fs::read(&first[0]).unwrap();
    // Wait out the second in which the first was named, so the next gets a new name.
    std::thread::sleep(Duration::from_millis(1100));
    signal(&rec.0, "-USR1");
    std::thread::sleep(Duration::from_millis(30));
    signal(&rec.0, "-KILL");
    let _ = rec.0.wait();

    assert_eq!(
        std::fs::read(&first[0]).unwrap(),
        kept,
        "the saved replay is untouched"
    );
    // Whatever the kill interrupted is under a hidden temporary name or complete.
    for file in replays(dir.path()) {
        assert_eq!(decode_errors(&file), "", "{} is whole", file.display());
        let v = clipwright::media::probe(&file)
            .unwrap()
            .video()
            .unwrap()
            .0
            .duration_us;
        assert!(v.unwrap() >= 2_500_000, "{} holds its 3 s", file.display());
    }
}
