//! System sound recorded from a PulseAudio monitor source lands on its own track, as
//! long as the picture, and in step with it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::desktop::Desktop;
use common::recording::max_volume_db;

#[test]
fn a_tone_played_into_a_null_sink_is_recorded_on_the_system_audio_track() {
    let desktop = Desktop::start();
    let pulse = desktop.pulse();
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Live Stream");
    let _tone = pulse.play_tone(1000, 8);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("with_sound.mp4");
    let out = desktop
        .command(env!("CARGO_BIN_EXE_clipwright"))
        .args([
            "record",
            "--window",
            "Live Stream",
            "--audio",
            "system",
            "--duration",
            "3",
            "-o",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let report = clipwright::media::probe(&file).unwrap();
    let (video, _) = report.video().unwrap();
    let audio: Vec<_> = report
        .streams
        .iter()
        .filter(|s| s.kind == clipwright::media::StreamKind::Audio)
        .collect();
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
