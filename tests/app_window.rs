//! The real app in a real window: started under Xvfb with a window manager, it shows a
//! window titled "Clipwright", draws into it, and exits cleanly when the window is closed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_precision_loss)]

mod common;

use std::time::{Duration, Instant};

use common::app::{distinct_colours, wait_for_screen};
use common::desktop::{artifacts_dir, share_of, Desktop};

/// Closes the app's window as a person clicking × would, and checks it exits with success
/// within 20 s.
fn close_and_expect_a_clean_exit(desktop: &Desktop, app: &mut std::process::Child) {
    desktop.close_window("Clipwright");
    expect_a_clean_exit(app);
}

/// Checks the app exits with success within 20 s.
fn expect_a_clean_exit(app: &mut std::process::Child) {
    let start = Instant::now();
    let status = loop {
        if let Some(status) = app.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "app did not exit"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "app exited with {status}");
}

#[test]
fn app_opens_a_window_titled_clipwright_and_closes_cleanly() {
    let desktop = Desktop::start();
    let mut app = desktop
        .command(assert_cmd::cargo::cargo_bin("clipwright"))
        .spawn()
        .unwrap();

    let window = desktop.wait_for_app_window(&mut app, "^Clipwright$");
    assert!(!window.is_empty());

    // Give the renderer a moment to draw, then check the screen is not blank.
    std::thread::sleep(Duration::from_secs(2));
    let shot = artifacts_dir().join("app_window.png");
    desktop.screenshot(&shot);
    let image = image::open(&shot).unwrap().to_rgb8();
    let colours = distinct_colours(image.pixels().map(|p| p.0));
    assert!(colours > 20, "screen looks blank: {colours} colours");

    close_and_expect_a_clean_exit(&desktop, &mut app);
}

#[test]
fn app_without_a_display_says_so_in_one_sentence() {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("clipwright"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no graphical display"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn app_opens_a_file_from_its_arguments_and_follows_the_keyboard() {
    let desktop = Desktop::start();
    let home = tempfile::tempdir().unwrap();
    // Two seconds of magenta, then two of green: the preview's colour tells where the
    // playhead is. The filmstrip and the bin's thumbnail show both colours all along, so
    // the checks look for the preview's share of the screen (about 8 %) on top of those.
    let clip = home.path().join("magenta then green.mp4");
    common::ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=0xff00ff:s=320x240:r=30:d=2",
            "-f",
            "lavfi",
            "-i",
            "color=c=0x00ff00:s=320x240:r=30:d=2",
            "-filter_complex",
            "[0:v][1:v]concat=n=2:v=1[v]",
            "-map",
            "[v]",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
        ],
        &clip,
    );

    let mut app = desktop
        .command(assert_cmd::cargo::cargo_bin("clipwright"))
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .arg(&clip)
        .spawn()
        .unwrap();
    let shot = artifacts_dir().join("app_window_keys.png");
    let wait = |what: &str, done: &dyn Fn(&image::RgbImage) -> bool| {
        wait_for_screen(&desktop, &shot, what, Duration::from_secs(90), |s| {
            eprintln!(
                "{what}: magenta {:.3}, green {:.3}",
                share_of(s, [255, 0, 255]),
                share_of(s, [0, 255, 0])
            );
            done(s)
        });
    };

    // The clip is probed, put on the timeline and shown in the preview at 0 s.
    wait("first frame in the preview", &|s| {
        share_of(s, [255, 0, 255]) > 0.06
    });
    let window = desktop
        .find_windows("Clipwright")
        .into_iter()
        .next()
        .expect("the app's window");
    let key = |k: &str| {
        let status = desktop
            .command("xdotool")
            .args([
                "windowactivate",
                "--sync",
                &window,
                "key",
                "--clearmodifiers",
                k,
            ])
            .status()
            .unwrap();
        assert!(status.success());
    };

    // End, then one frame back: the last frame, green.
    key("End");
    key("Left");
    wait("last frame after End, Left", &|s| {
        share_of(s, [0, 255, 0]) > 0.06 && share_of(s, [255, 0, 255]) < 0.04
    });
    // Home: back to magenta.
    key("Home");
    wait("first frame after Home", &|s| {
        share_of(s, [255, 0, 255]) > 0.06 && share_of(s, [0, 255, 0]) < 0.04
    });
    assert!(app.try_wait().unwrap().is_none(), "the app exited");

    // The opened file is unsaved work: closing asks "Save changes?" instead of closing,
    // and Ctrl+D ("Don't save") lets it go.
    desktop.close_window("Clipwright");
    std::thread::sleep(Duration::from_secs(3));
    desktop.screenshot(&artifacts_dir().join("app_window_save_changes.png"));
    assert!(
        app.try_wait().unwrap().is_none(),
        "closing with unsaved work asks first"
    );
    key("ctrl+d");
    expect_a_clean_exit(&mut app);
}

#[test]
fn app_refuses_a_missing_file_argument_on_the_terminal() {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("clipwright"))
        .arg("prboe")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("prboe: no such file"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}
