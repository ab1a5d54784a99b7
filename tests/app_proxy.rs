//! The media bin shows a video's preview proxy being made and then ready, and the preview
//! keeps showing pictures meanwhile.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;

/// One second of 1280×720: larger than a proxy, so importing it makes one.
fn hd_source(dir: &Path) -> PathBuf {
    let out = dir.join("wide.mp4");
    common::lavfi(
        "testsrc2=size=1280x720:rate=30:duration=1",
        &common::H264_FAST,
        &out,
    );
    out
}

#[test]
fn an_imported_video_gets_a_proxy_and_the_bin_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let source = hd_source(dir.path());
    let proxies = dir.path().join("proxies");
    clipwright::media::set_proxy_dir(Some(proxies.clone()));
    let mut harness = common::app::harness_with(Some(source.clone()));
    harness.get_by_label("Open media…").click();
    let start = Instant::now();
    while harness.query_by_label("wide.mp4 · proxy ready").is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the bin never showed the proxy ready"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    let made: Vec<_> = std::fs::read_dir(&proxies)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        made.len() == 1 && made[0].starts_with("wide-") && made[0].ends_with("-proxy.mp4"),
        "{made:?}"
    );
    assert!(harness.state().preview_shown().is_some());
    clipwright::media::set_proxy_dir(None);
}
