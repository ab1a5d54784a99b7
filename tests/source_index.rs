//! The per-source index and the preview proxies, against FFmpeg's own view of generated
//! files: the index lists the keyframes `ffprobe` lists, a frame reached through the index
//! is the frame decoded in sequence, decoding forward inside a GOP needs no seek, the
//! preview decodes a proxy close to the original, and broken files give clear errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::psnr;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use clipwright::media::{
    self, make_proxy, PixelRect, ProxyOutcome, Quality, RgbaFrame, Scaler, SourceIndex,
    VideoDecoder, VideoFrame, TICKS_PER_SECOND,
};
use clipwright::render::Compositor;
use clipwright::timeline::{Project, Time};

/// Makes `name` in the test folder with `ffmpeg` (testsrc2 at `size`, `seconds` long, 30 fps)
/// and the given encoder options, unless it is there.
fn generated(name: &str, size: &str, seconds: u32, encode: &[&str]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("source-index");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join(name);
    if out.exists() {
        return out;
    }
    let tmp = dir.join(format!(
        "tmp-{}-{:?}-{name}",
        std::process::id(),
        std::thread::current().id()
    ));
    let graph = format!("testsrc2=size={size}:rate=30:duration={seconds}");
    let args = [encode, &["-pix_fmt", "yuv420p", "-f", "mp4"]].concat();
    common::lavfi(&graph, &args, &tmp);
    std::fs::rename(&tmp, &out).unwrap();
    out
}

/// 4 s of 320×240 H.264 with B-frames and a keyframe every 12 frames (scene cuts off).
fn gop_12() -> PathBuf {
    generated(
        "gop12.mp4",
        "320x240",
        4,
        &[
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-bf",
            "2",
            "-g",
            "12",
            "-x264-params",
            "scenecut=0",
        ],
    )
}

/// What `ffprobe` shows of `entries` of the first video stream of `path`, as CSV.
fn ffprobe_video(path: &Path, entries: &str) -> String {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0"])
        .args(["-show_entries", entries, "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// `ffprobe`'s video packets of `path`: (pts in ticks, is keyframe).
fn ffprobe_packets(path: &Path) -> Vec<(i64, bool)> {
    let tb = ffprobe_video(path, "stream=time_base");
    let (num, den) = tb.trim().split_once('/').unwrap();
    let (num, den): (i128, i128) = (num.parse().unwrap(), den.parse().unwrap());
    ffprobe_video(path, "packet=pts,flags")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (pts, flags) = l.trim().split_once(',').unwrap();
            let pts: i128 = pts.parse().unwrap();
            let ticks = (pts * num * i128::from(TICKS_PER_SECOND) + den / 2) / den;
            (i64::try_from(ticks).unwrap(), flags.starts_with('K'))
        })
        .collect()
}

#[test]
fn the_index_lists_the_frames_and_keyframes_ffprobe_lists() {
    for path in [gop_12(), common::fixture(&common::VFR)] {
        let index = SourceIndex::scan(&path).unwrap();
        let packets = ffprobe_packets(&path);
        let mut frames: Vec<i64> = packets.iter().map(|p| p.0).collect();
        frames.sort_unstable();
        let mut keys: Vec<i64> = packets.iter().filter(|p| p.1).map(|p| p.0).collect();
        keys.sort_unstable();
        assert_eq!(index.frames(), frames.as_slice(), "{}", path.display());
        assert_eq!(index.keyframes(), keys.as_slice(), "{}", path.display());
        assert!(index.is_usable());
    }
    // A keyframe every 12 frames over 120 frames.
    let index = SourceIndex::scan(&gop_12()).unwrap();
    assert_eq!((index.frames().len(), index.keyframes().len()), (120, 10));
}

/// `frame` (320×240) shrunk to 32×24.
fn small(frame: &VideoFrame, scaler: &mut Scaler) -> RgbaFrame {
    frame
        .to_rgba(PixelRect::full(320, 240), 32, 24, Quality::Fast, scaler)
        .unwrap()
}

/// Every frame of `path` in decoding order, shrunk to 32×24, by start time.
fn frames_in_sequence(path: &Path) -> BTreeMap<i64, RgbaFrame> {
    let mut decoder = VideoDecoder::open(path).unwrap();
    let mut scaler = Scaler::new();
    let mut frames = BTreeMap::new();
    while let Some(f) = decoder.next_frame().unwrap() {
        frames.insert(f.time, small(&f, &mut scaler));
    }
    frames
}

fn indexed_decoder(path: &Path) -> VideoDecoder {
    media::prepare(path, false);
    assert!(media::wait_prepared(path, Duration::from_secs(60)));
    let mut decoder = VideoDecoder::open(path).unwrap();
    assert!(decoder.has_index(), "{} has no index", path.display());
    decoder
}

#[test]
fn a_frame_reached_through_the_index_is_the_frame_decoded_in_sequence() {
    let path = gop_12();
    let expected = frames_in_sequence(&path);
    let times: Vec<i64> = expected.keys().copied().collect();
    let mut decoder = indexed_decoder(&path);
    let mut scaler = Scaler::new();
    // Jumps back and forth, steps of one frame, and times between frame starts.
    let mut rng = 12345u64;
    for step in 0..150 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let n = (rng % times.len() as u64) as usize;
        let n = if step % 5 == 4 {
            n.saturating_sub(1)
        } else {
            n
        };
        let inside = if step % 3 == 0 {
            TICKS_PER_SECOND / 100
        } else {
            0
        };
        let time = times[n] + inside;
        let frame = decoder.frame_at(time).unwrap();
        assert_eq!(frame.time, times[n], "frame shown at {time}");
        assert!(
            small(frame, &mut scaler) == expected[&times[n]],
            "frame {n} differs after a seek"
        );
    }
}

#[test]
fn a_time_ahead_in_the_same_gop_is_decoded_to_without_a_seek() {
    let path = gop_12();
    let frame = TICKS_PER_SECOND / 30;
    let mut decoder = indexed_decoder(&path);
    // Frame 26 lies in the GOP starting at frame 24: one seek, to that keyframe.
    assert_eq!(decoder.frame_at(26 * frame).unwrap().time, 26 * frame);
    assert_eq!(decoder.seeks(), 1);
    // On to frame 35, the last of that GOP, and through the keyframe at 36 in order.
    for n in 27..=40 {
        assert_eq!(decoder.frame_at(n * frame).unwrap().time, n * frame);
    }
    assert_eq!(decoder.seeks(), 1, "playing on needs no seek");
    // Frame 50 lies past the keyframe at 48: one seek, straight there.
    assert_eq!(decoder.frame_at(50 * frame).unwrap().time, 50 * frame);
    assert_eq!(decoder.seeks(), 2);
}

#[test]
fn a_broken_file_gives_an_index_error_naming_it() {
    for (name, what) in common::BAD {
        let path = common::bad(name);
        let err = SourceIndex::scan(&path).expect_err(what).to_string();
        assert!(err.contains(name), "{what}: {err}");
    }
}

#[test]
fn a_broken_file_gives_a_proxy_error_and_leaves_no_file() {
    let out_dir = tempfile::tempdir().unwrap();
    for (name, what) in common::BAD {
        let path = common::bad(name);
        let out = out_dir.path().join(format!("{name}-proxy.mp4"));
        // An error naming the file — or, for a picture too small to need a proxy, none.
        match make_proxy(&path, &out, &|_| {}) {
            Err(e) => assert!(e.to_string().contains(name), "{what}: {e}"),
            Ok(outcome) => assert_eq!(outcome, ProxyOutcome::NotNeeded, "{what}"),
        }
        assert!(!out.exists(), "{what}: a proxy was left behind");
    }
    // A 1280×720 recording cut off before its index was written.
    let hd = generated(
        "hd-short.mp4",
        "1280x720",
        1,
        &["-c:v", "libx264", "-preset", "ultrafast"],
    );
    let bytes = std::fs::read(&hd).unwrap();
    let cut = out_dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = out_dir.path().join("cut-proxy.mp4");
    let err = make_proxy(&cut, &out, &|_| {}).unwrap_err().to_string();
    assert!(
        err.contains("cut.mp4") && err.contains("truncated"),
        "{err}"
    );
    assert!(!out.exists());
    std::fs::remove_file(&cut).unwrap();
    let left: Vec<_> = std::fs::read_dir(out_dir.path()).unwrap().collect();
    assert!(left.is_empty(), "files left: {left:?}");
}

#[test]
fn the_preview_decodes_the_proxy_once_ready_and_it_matches_the_original() {
    // 1280×720 with a keyframe a second: larger than a proxy, so it gets one.
    let source = generated(
        "hd.mp4",
        "1280x720",
        3,
        &["-c:v", "libx264", "-preset", "veryfast", "-g", "30"],
    );
    let proxies = tempfile::tempdir().unwrap();
    media::set_proxy_dir(Some(proxies.path().to_owned()));
    let report = media::probe(&source).unwrap();
    let project = Project::from_recording("proxy", &source, report.source_info());
    let clip = project.clips().next().unwrap().1.id;
    let size = (640, 360);
    let mut preview = Compositor::for_preview(".", true);
    let mut export = Compositor::new(".");
    // The first frame comes from the original and starts the proxy.
    preview.frame_at(&project, Time::ZERO, size).unwrap();
    assert!(!preview.uses_proxy(clip));
    assert!(media::wait_prepared(&source, Duration::from_secs(300)));
    let media::ProxyState::Ready(proxy, Some(proxy_index)) = media::proxy_of(&source) else {
        panic!("no proxy with an index: {:?}", media::proxy_of(&source));
    };
    assert!(proxy.starts_with(proxies.path()));

    // Same frames at the same times; a keyframe every few frames.
    let original = SourceIndex::scan(&source).unwrap();
    let small = SourceIndex::scan(&proxy).unwrap();
    assert_eq!(small.frames(), original.frames());
    assert_eq!(*proxy_index, small);
    let gop = i64::from(media::PROXY_GOP) * TICKS_PER_SECOND / 30;
    assert!(small.keyframes().windows(2).all(|w| w[1] - w[0] <= gop));
    let (w, h) = VideoDecoder::open(&proxy).unwrap().coded_size();
    assert_eq!((w, h), media::PROXY_BOX);

    for n in [1, 37, 44, 89] {
        let t = Time::from_frame(n, clipwright::timeline::Rational::FPS_30);
        let ours = preview.frame_at(&project, t, size).unwrap();
        assert!(preview.uses_proxy(clip), "frame {n} not from the proxy");
        let full = export.frame_at(&project, t, size).unwrap();
        let db = psnr(&ours, &full);
        assert!(db >= 30.0, "frame {n}: proxy {db:.1} dB from the original");
    }
    // Export never reads the proxy.
    assert!(!export.uses_proxy(clip));
    media::set_proxy_dir(None);
}

#[test]
fn a_proxy_made_once_is_used_again_and_sound_or_a_small_source_needs_none() {
    let out = tempfile::tempdir().unwrap();
    let sound = common::fixture(&common::MONO_44K);
    let proxy = out.path().join("sound-proxy.mp4");
    assert_eq!(
        make_proxy(&sound, &proxy, &|_| {}).unwrap(),
        ProxyOutcome::NotNeeded
    );
    let small = common::fixture(&common::VIDEO_ONLY);
    let proxy = out.path().join("small-proxy.mp4");
    assert_eq!(
        make_proxy(&small, &proxy, &|_| {}).unwrap(),
        ProxyOutcome::NotNeeded
    );
    assert!(!proxy.exists());
    let hd = generated(
        "hd-short.mp4",
        "1280x720",
        1,
        &["-c:v", "libx264", "-preset", "ultrafast"],
    );
    let proxy = out.path().join("hd-proxy.mp4");
    let seen = std::sync::Mutex::new(Vec::new());
    let outcome = make_proxy(&hd, &proxy, &|f| seen.lock().unwrap().push(f)).unwrap();
    assert_eq!(outcome, ProxyOutcome::Made);
    assert_eq!(seen.lock().unwrap().last(), Some(&1.0));
    assert_eq!(
        make_proxy(&hd, &proxy, &|_| {}).unwrap(),
        ProxyOutcome::Reused
    );
}
