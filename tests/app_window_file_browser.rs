//! The real app under Xvfb on a desktop with no desktop portal and no zenity, where a
//! native file dialog cannot open: Import media (Ctrl+I) shows the in-app browser, and a
//! file double-clicked in it lands in the preview.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_precision_loss)]

mod common;

use std::time::Duration;

use common::app::{app_without_native_dialogs, show_window, wait_for_screen};
use common::desktop::{artifacts_dir, share_of, Desktop};

#[test]
fn with_no_portal_and_no_zenity_import_media_opens_a_file_through_the_in_app_browser() {
    let desktop = Desktop::start();
    let home = tempfile::tempdir().unwrap();
    let clip = home.path().join("magenta.mp4");
    common::lavfi(
        "color=c=0xff00ff:s=320x240:r=30:d=2",
        &["-c:v", "libx264", "-pix_fmt", "yuv420p"],
        &clip,
    );
    let app = app_without_native_dialogs(&desktop, home.path());
    let (mut app, window) = show_window(&desktop, app);
    let xdotool = |args: &[&str]| {
        let status = desktop.command("xdotool").args(args).status().unwrap();
        assert!(status.success(), "xdotool {args:?}");
    };
    xdotool(&[
        "windowactivate",
        "--sync",
        &window,
        "key",
        "--clearmodifiers",
        "ctrl+i",
    ]);
    std::thread::sleep(Duration::from_secs(3));
    desktop.screenshot(&artifacts_dir().join("file_browser_open.png"));

    // The browser (512 points square, centred in the 1100×720 window) starts in the home
    // folder, whose one visible entry is the clip: its row is the first, about 90 points
    // below the browser's top.
    xdotool(&["mousemove", "--window", &window, "550", "194"]);
    std::thread::sleep(Duration::from_millis(300));
    xdotool(&["click", "--repeat", "2", "--delay", "80", "1"]);

    let shot = artifacts_dir().join("file_browser_picked.png");
    let limit = Duration::from_secs(90);
    wait_for_screen(&desktop, &shot, "the picked clip", limit, |s| {
        let magenta = share_of(s, [255, 0, 255]);
        eprintln!("magenta {magenta:.3}");
        magenta > 0.06
    });
    let _ = app.kill();
    let _ = app.wait();
}
