//! The real app in a real window: started under Xvfb with a window manager, it shows a
//! window titled "Clipwright", draws into it, and exits cleanly when the window is closed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::desktop::{artifacts_dir, Desktop};

#[test]
fn app_opens_a_window_titled_clipwright_and_closes_cleanly() {
    let desktop = Desktop::start();
    let mut app = desktop
        .command(assert_cmd::cargo::cargo_bin("clipwright"))
        .spawn()
        .unwrap();

    let start = Instant::now();
    let window = loop {
        if let Some(status) = app.try_wait().unwrap() {
            panic!("the app exited early with {status}");
        }
        if let Some(id) = desktop.find_windows("^Clipwright$").into_iter().next() {
            break id;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no window appeared"
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    assert!(!window.is_empty());

    // Give the renderer a moment to draw, then check the screen is not blank.
    std::thread::sleep(Duration::from_secs(2));
    let shot = artifacts_dir().join("app_window.png");
    desktop.screenshot(&shot);
    let image = image::open(&shot).unwrap().to_rgb8();
    let mut colours: Vec<[u8; 3]> = image.pixels().map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 20,
        "screen looks blank: {} colours",
        colours.len()
    );

    desktop.close_window("Clipwright");
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
