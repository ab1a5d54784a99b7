//! A recording read while it is written: caught with its last fragment half on disk, the
//! file says its whole fragments end where that fragment starts, and decoding up to there
//! gives the recording's own pictures, never the broken ones after. Followed with a
//! growing probe, reading only what was appended, it says what a full probe of its whole
//! fragments says.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use clipwright::capture::{
    read_counter, BgraFrame, CaptureBackend, RecordOptions, Recorder, SourceSettings, TargetSpec,
    TestPattern,
};
use clipwright::media::{
    probe, whole_fragments_end_us, GrowingProbe, Quality, SourceIndex, VideoDecoder,
    TICKS_PER_SECOND,
};

const W: u32 = 320;
const H: u32 = 240;

/// Three seconds of the test pattern, in three one-second fragments.
fn record_three_seconds(dir: &Path) -> PathBuf {
    let file = dir.join("full.mp4");
    let mut opts = RecordOptions::new(&file);
    opts.duration = Some(Duration::from_secs(3));
    let settings = SourceSettings {
        fps: opts.fps,
        cursor: false,
        reacquire: false,
    };
    let source = TestPattern::new(W, H)
        .start(&TargetSpec::Display(0), &settings)
        .unwrap();
    let rec = Recorder::start(source, &opts).unwrap();
    let started = std::time::Instant::now();
    while !rec.is_ending() {
        assert!(started.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(20));
    }
    rec.stop().unwrap();
    file
}

/// Offsets and types of the file's top-level boxes.
fn boxes(data: &[u8]) -> Vec<(usize, [u8; 4], usize)> {
    let mut at = 0;
    let mut out = Vec::new();
    while at + 8 <= data.len() {
        let size = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        out.push((at, data[at + 4..at + 8].try_into().unwrap(), size));
        at += size.max(8);
    }
    out
}

/// The pattern's counter in the picture `decoder` shows at `secs`.
fn counter_at(decoder: &mut VideoDecoder, secs: f64) -> u32 {
    let ticks = (secs * TICKS_PER_SECOND as f64) as i64;
    let frame = decoder.frame_at(ticks).unwrap();
    let rgba = common::make::rgba(frame, (W, H), Quality::Export);
    // The counter's blocks are grey, so RGBA reads as BGRA.
    let f = BgraFrame {
        width: W,
        height: H,
        stride: W as usize * 4,
        data: rgba.data,
    };
    read_counter(&f, W).unwrap()
}

#[test]
fn a_recording_caught_mid_fragment_is_whole_up_to_that_fragment_and_decodes_right_there() {
    let dir = tempfile::tempdir().unwrap();
    let full = record_three_seconds(dir.path());
    assert_eq!(whole_fragments_end_us(&full).unwrap(), None, "finished");
    let data = std::fs::read(&full).unwrap();
    let listed = boxes(&data);
    let fragments: Vec<_> = listed.iter().filter(|b| &b.1 == b"moof").collect();
    assert!(fragments.len() >= 3, "a fragment a second: {listed:?}");
    let (last_moof, _, moof_size) = **fragments.last().unwrap();
    // Fragments start on whole seconds.
    let last_start = fragments.len() - 1;
    let recorded = common::recording::pattern_counters(&full, W);

    // What FFmpeg makes of a half-written fragment reaches into it: a probe's length
    // ends inside it, on a picture cut in two.
    let half = last_moof + moof_size + (data.len() - last_moof) / 3;
    let growing = dir.path().join("growing.mp4");
    std::fs::write(&growing, &data[..half]).unwrap();
    let probed = clipwright::media::probe(&growing)
        .unwrap()
        .duration_us
        .unwrap();
    assert!(probed > last_start as i64 * 1_000_000, "{probed} µs");

    // The last fragment's samples listed, a third of it on disk; then none of it.
    for (name, cut) in [
        ("a third of it", half),
        ("its samples listed, none on disk", last_moof + moof_size),
    ] {
        let growing = dir.path().join("growing.mp4");
        std::fs::write(&growing, &data[..cut]).unwrap();
        let whole = whole_fragments_end_us(&growing).unwrap();
        let expected = Some(last_start as i64 * 1_000_000);
        assert_eq!(whole, expected, "{name}: whole up to {last_start} s");

        // Up to the last whole picture, the recording's own frames.
        let mut decoder = VideoDecoder::open(&growing).unwrap();
        for frame in [0, 31, last_start * 30 - 1] {
            let secs = frame as f64 / 30.0 + 0.001;
            assert_eq!(
                counter_at(&mut decoder, secs),
                recorded[frame],
                "{name}: frame {frame}"
            );
        }
    }

    // A fragment whose moof is itself cut short adds nothing: the ones before are whole.
    let growing = dir.path().join("growing.mp4");
    std::fs::write(&growing, &data[..last_moof + moof_size / 2]).unwrap();
    assert_eq!(whole_fragments_end_us(&growing).unwrap(), None);
}

#[test]
fn a_growing_probe_takes_in_appended_fragments_as_a_full_probe_of_them_sees_them() {
    let dir = tempfile::tempdir().unwrap();
    let full = record_three_seconds(dir.path());
    let data = std::fs::read(&full).unwrap();
    let listed = boxes(&data);
    let moofs: Vec<usize> = listed
        .iter()
        .filter(|b| &b.1 == b"moof")
        .map(|b| b.0)
        .collect();
    assert!(moofs.len() >= 3, "a fragment a second: {listed:?}");
    let growing = dir.path().join("growing.mp4");
    let whole = dir.path().join("whole.mp4");
    // (where the file is cut: half way into fragment `n`; where fragment `n` starts)
    let mid = |n: usize| {
        let next = moofs.get(n + 1).copied().unwrap_or(data.len());
        (moofs[n] + (next - moofs[n]) / 2, moofs[n])
    };

    let (cut, whole_end) = mid(1);
    std::fs::write(&growing, &data[..cut]).unwrap();
    let mut live = GrowingProbe::start(&growing).unwrap();
    let expect = |live: &GrowingProbe, whole_end: usize, what: &str| {
        std::fs::write(&whole, &data[..whole_end]).unwrap();
        let reference = probe(&whole).unwrap();
        let (got, want) = (live.report(), &reference);
        assert_eq!(got.duration_us, want.duration_us, "{what}: length");
        let packets = |r: &clipwright::media::ProbeReport| -> Vec<u64> {
            r.streams.iter().map(|s| s.packets).collect()
        };
        assert_eq!(packets(got), packets(want), "{what}: packets");
        assert_eq!(
            got.source_info().video,
            want.source_info().video,
            "{what}: picture"
        );
    };
    expect(
        &live,
        whole_end,
        "first look, caught in the second fragment",
    );
    assert_eq!(
        live.whole_fragments_end_us(),
        whole_fragments_end_us(&growing).unwrap()
    );
    assert!(live.whole_fragments_end_us().is_some());

    // Grown into the third fragment: the second is taken in.
    let (cut, whole_end) = mid(2);
    std::fs::write(&growing, &data[..cut]).unwrap();
    assert!(live.refresh().unwrap(), "it grew");
    expect(&live, whole_end, "caught in the third fragment");
    assert_eq!(
        live.whole_fragments_end_us(),
        whole_fragments_end_us(&growing).unwrap()
    );
    assert!(!live.refresh().unwrap(), "nothing new");

    // Finished.
    std::fs::write(&growing, &data).unwrap();
    assert!(live.refresh().unwrap());
    expect(&live, data.len(), "finished");
    assert_eq!(live.whole_fragments_end_us(), None);
}

#[test]
fn a_seek_index_extended_as_the_file_grows_is_the_one_a_whole_scan_makes() {
    let dir = tempfile::tempdir().unwrap();
    let full = record_three_seconds(dir.path());
    let data = std::fs::read(&full).unwrap();
    let moofs: Vec<usize> = boxes(&data)
        .iter()
        .filter(|b| &b.1 == b"moof")
        .map(|b| b.0)
        .collect();
    let growing = dir.path().join("growing.mp4");
    std::fs::write(&growing, &data[..moofs[1]]).unwrap();
    let mut index = SourceIndex::scan(&growing).unwrap();
    assert_eq!(index.frames().len(), 30, "the first second");
    for cut in [moofs[2], data.len()] {
        std::fs::write(&growing, &data[..cut]).unwrap();
        index = index.extended(&growing).unwrap();
        assert_eq!(
            index,
            SourceIndex::scan(&growing).unwrap(),
            "up to byte {cut}"
        );
    }
    assert_eq!(index.frames().len(), 90, "all three seconds");
    assert_eq!(index.keyframes().len(), 3, "a keyframe a second");
}
