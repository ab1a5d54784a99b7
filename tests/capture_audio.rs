//! System sound recorded from a PulseAudio monitor source lands on its own track, as
//! long as the picture, and in step with it; and it is what `record` takes by default.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::desktop::Desktop;
use common::recording::{finished, max_volume_db, record_pattern, record_window, sound_streams};

/// Records the window "Live Stream" to `file` with `args`, while a `hz` tone plays into the
/// desktop's null sink for `seconds`.
fn record_with_tone(file: &Path, hz: u32, seconds: u32, args: &[&str]) {
    let desktop = Desktop::start();
    let pulse = desktop.pulse();
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Live Stream");
    let _tone = pulse.play_tone(hz, seconds);
    finished(record_window(&desktop, "Live Stream", args, file));
}

#[test]
fn a_tone_played_into_a_null_sink_is_recorded_on_the_system_audio_track() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("with_sound.mp4");
    record_with_tone(&file, 1000, 8, &["--audio", "system", "--duration", "3"]);

    let report = clipwright::media::probe(&file).unwrap();
    let (video, _) = report.video().unwrap();
    let audio = sound_streams(&file);
    assert_eq!(audio.len(), 1, "one system-sound track");
    assert_eq!(audio[0].codec, "aac");
    let (v, a) = (video.duration_us.unwrap(), audio[0].duration_us.unwrap());
    // The AAC encoder's priming (1024 samples, 21 ms) is part of the track.
    assert!((a - v).abs() <= 50_000, "sound {a} µs vs picture {v} µs");
    assert!(
        (2_900_000..=3_100_000).contains(&a),
        "about 3 s of sound: {a} µs"
    );
    // ffmpeg's sine is at 1/8 of full scale: about -18 dBFS.
    let peak = max_volume_db(&file, 0);
    assert!(peak > -24.0, "the tone is there: peak {peak} dB");
}

#[test]
fn system_sound_and_microphone_are_recorded_as_two_separate_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("two_tracks.mp4");
    // The null sink's monitor stands in for a microphone too.
    let args = ["--audio", "system,mic", "--mic-device", "rec.monitor"];
    record_with_tone(&file, 440, 6, &[&args[..], &["--duration", "2"]].concat());
    assert_eq!(sound_tracks(&file), 2, "system and microphone tracks");
    assert!(max_volume_db(&file, 0) > -24.0);
    assert!(max_volume_db(&file, 1) > -24.0);
}

#[test]
fn a_flash_and_its_beep_stay_together_in_the_recording() {
    // A window that flashes white for 250 ms each second while a beep plays, both from
    // one ffplay, which keeps its picture in step with its sound — once it has settled:
    // in its first two or three seconds it shows some flashes late (by ~300 ms) and skips
    // others, whatever the recorder does. So the flashes are long enough not to be
    // skipped, and ten seconds give enough pairs that the median is the settled offset.
    let desktop = Desktop::start();
    let _pulse = desktop.pulse();
    let graph =
        "color=c=black:s=160x120:r=30,drawbox=c=white:t=fill:enable='lt(mod(t\\,1)\\,0.25)'[out0];\
                 sine=f=1000:r=48000,volume=0:enable='gte(mod(t\\,1)\\,0.25)'[out1]";
    let _app = desktop.ffplay_with_sound(graph, "Flash Beep");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("flash_beep.mp4");
    let args = ["--audio", "system", "--duration", "10", "--no-cursor"];
    finished(record_window(&desktop, "Flash Beep", &args, &file));

    let flashes = common::recording::flash_onsets_us(&file);
    let beeps = common::recording::beep_onsets_us(&file);
    assert!(flashes.len() >= 6, "flashes at {flashes:?}");
    assert!(beeps.len() >= 8, "beeps at {beeps:?}");
    let mut offsets: Vec<i64> = flashes
        .iter()
        .filter_map(|f| beeps.iter().map(|b| b - f).min_by_key(|d| d.abs()))
        // A flash cut off at either end of the recording has no beep near it.
        .filter(|d| d.abs() < 500_000)
        .collect();
    assert!(
        offsets.len() >= 5,
        "flashes with beeps: {offsets:?} (flashes at {flashes:?}, beeps at {beeps:?})"
    );
    offsets.sort();
    let median = offsets[offsets.len() / 2];
    println!("A/V offset (sound minus picture) per flash: {offsets:?} µs, median {median} µs");
    assert!(median.abs() <= 80_000, "A/V offset {median} µs");
}

fn sound_tracks(file: &Path) -> usize {
    sound_streams(file).len()
}

#[test]
fn without_audio_options_the_system_sound_is_recorded_where_there_is_a_sound_server() {
    let (desktop, _pulse, _tone) = Desktop::start_with_tone(1000, 6);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("default_sound.mp4");
    let args = ["--duration", "2"];
    let stderr = common::succeeds(
        record_pattern(desktop.clipwright(), "320x240", &args, &file).env_remove("PULSE_SERVER"),
    );
    assert!(!stderr.contains("without sound"), "{stderr}");
    assert_eq!(sound_tracks(&file), 1, "the system sound track");
    assert!(max_volume_db(&file, 0) > -24.0, "the tone is there");
}

#[test]
fn without_a_sound_server_the_recording_goes_on_silent_and_says_so_in_one_line() {
    let runtime = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no_server.mp4");
    let record = |args: &[&str], out: &Path| {
        let args = [&["--duration", "1"][..], args].concat();
        let mut cmd = record_pattern(common::clipwright(), "320x240", &args, out);
        cmd.env("XDG_RUNTIME_DIR", runtime.path())
            .env_remove("PULSE_SERVER");
        cmd
    };
    let stderr = common::succeeds(&mut record(&[], &file));
    let notices: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("without sound"))
        .collect();
    assert_eq!(notices.len(), 1, "{stderr}");
    assert!(notices[0].contains("--audio none"), "{stderr}");
    assert_eq!(sound_tracks(&file), 0);
    // Asked for explicitly, no sound is not a notice.
    let quiet = common::succeeds(&mut record(
        &["--audio", "none"],
        &dir.path().join("quiet.mp4"),
    ));
    assert!(!quiet.contains("without sound"), "{quiet}");
}
