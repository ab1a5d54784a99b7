//! Files whose streams do not start at timestamp zero — an MPEG-TS (which starts at
//! 1.4 s), an MP4 and a Matroska file shifted with `-itsoffset` — export the way the ffmpeg
//! CLI plays them: picture and sound both counted from the file's start time, so the first
//! picture comes first, each flash keeps its beep, and nothing is cut off the end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::psnr_rgba;
use std::path::{Path, PathBuf};
use std::process::Command;

use clipwright::export::{quick_project, QuickOptions};
use clipwright::media::{AudioReader, VideoDecoder, MIX_CHANNELS, MIX_RATE, TICKS_PER_SECOND};

const FRAME_US: i64 = 33_334;
const SECONDS: f64 = 3.0;
/// Where the flashes and beeps start in the source, µs.
const ONSETS_US: [i64; 3] = [500_000, 1_500_000, 2_500_000];

fn ffmpeg(args: &[&str], out: &Path) {
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(args)
        .arg(out)
        .status()
        .expect("the ffmpeg command-line tool must be installed");
    assert!(status.success(), "ffmpeg made {}", out.display());
}

/// Makes `name` once (under a unique name first: tests in parallel may all make it).
fn fixture(name: &str, make: impl FnOnce(&Path)) -> PathBuf {
    let out = common::fixture_dir().join(name);
    if !out.exists() {
        let tmp = common::fixture_dir().join(format!(
            "tmp-{}-{:?}-{name}",
            std::process::id(),
            std::thread::current().id()
        ));
        make(&tmp);
        std::fs::rename(&tmp, &out).unwrap();
    }
    out
}

/// 3 s of a moving 30 fps picture that turns white for 0.5–0.58 s of each second, and a
/// 1 kHz beep over the same moments (switched per sample, so it starts exactly).
fn flash_beep() -> PathBuf {
    fixture("start_offset_flash_beep.mp4", |out| {
        let on = "gte(mod(t\\,1)\\,0.5)*lt(mod(t\\,1)\\,0.58)";
        ffmpeg(
            &[
                "-f",
                "lavfi",
                "-i",
                &format!(
                    "testsrc2=size=320x240:rate=30:duration={SECONDS},\
                     drawbox=c=white:t=fill:enable='{on}'"
                ),
                "-f",
                "lavfi",
                "-i",
                &format!("aevalsrc='0.5*sin(2*PI*1000*t)*{on}':s=48000:d={SECONDS}"),
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
            ],
            out,
        );
    })
}

/// The flash-and-beep source copied into another container, with `args` before its input.
fn shifted(name: &str, args: &[&str]) -> PathBuf {
    let source = flash_beep();
    fixture(name, |out| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["-i", source.to_str().unwrap(), "-c", "copy"]);
        ffmpeg(&all, out);
    })
}

/// A time from ffprobe, in µs: `format=start_time` or `stream=start_time` (of the first
/// video stream).
fn probed_us(path: &Path, entry: &str) -> i64 {
    let mut cmd = Command::new("ffprobe");
    cmd.args(["-v", "error"]);
    if entry.starts_with("stream") {
        cmd.args(["-select_streams", "v:0"]);
    }
    let out = cmd
        .args(["-show_entries", entry])
        .args(["-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // MPEG-TS lists its programme's streams as well: the first line is the one asked for.
    let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap();
    let secs: f64 = first.trim_end_matches(',').parse().unwrap();
    (secs * 1e6).round() as i64
}

fn export(input: &Path, out: &Path) {
    let project = quick_project(input, &QuickOptions::default()).unwrap();
    let mut job = common::make::export_job(project, out);
    job.settings.crf = Some(18);
    common::make::finish(&job);
}

/// Exports `input` and checks it against what the ffmpeg CLI shows of it.
fn check(input: &Path, what: &str) {
    let file_start = probed_us(input, "format=start_time");
    let video_start = probed_us(input, "stream=start_time");
    assert!(file_start > 1_000_000, "{what} starts at {file_start} µs");
    // The picture may start a little after the file (AAC priming sound in MPEG-TS): both
    // are counted from the file's start, as `ffmpeg -i` does.
    let lead = video_start - file_start;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    export(input, &out);

    let flashes = common::recording::flash_onsets_us(&out);
    let beeps = common::recording::beep_onsets_us(&out);
    println!("{what}: lead {lead} µs, flashes {flashes:?}, beeps {beeps:?}");
    assert_eq!(
        flashes.len(),
        ONSETS_US.len(),
        "{what}: flashes {flashes:?}"
    );
    assert_eq!(beeps.len(), ONSETS_US.len(), "{what}: beeps {beeps:?}");
    for ((&want, &flash), &beep) in ONSETS_US.iter().zip(&flashes).zip(&beeps) {
        let want = want + lead;
        // A flash shows on the first frame starting at or after it.
        assert!(
            flash >= want - 2_000 && flash <= want + FRAME_US,
            "{what}: flash at {flash} µs, expected {want} µs"
        );
        assert!(
            (beep - want).abs() <= 15_000,
            "{what}: beep at {beep} µs, expected {want} µs"
        );
        assert!(
            (beep - flash).abs() <= FRAME_US,
            "{what}: beep {beep} µs against flash {flash} µs"
        );
    }

    // The first picture is the file's first picture.
    let (w, h, ours) = common::ffmpeg_rgba(&out, 0);
    let (sw, sh, theirs) = common::ffmpeg_rgba(input, 0);
    assert_eq!((w, h), (sw, sh));
    let (_, _, second) = common::ffmpeg_rgba(input, 6);
    let first = psnr_rgba(&ours, &theirs);
    println!(
        "{what}: first frame {first:.1} dB, against frame 6 {:.1} dB",
        psnr_rgba(&ours, &second)
    );
    assert!(first >= 30.0, "{what}: first frame PSNR {first:.1} dB");
    assert!(
        first > psnr_rgba(&ours, &second) + 3.0,
        "{what}: first frame is frame 6"
    );

    // As long as the file counted from its start time (a shifted MP4 or Matroska file
    // states its length from timestamp zero), the last picture included.
    let mut d = VideoDecoder::open(&out).unwrap();
    let mut n = 0i64;
    while d.next_frame().unwrap().is_some() {
        n += 1;
    }
    let length = lead + (SECONDS * 1e6) as i64;
    assert!(
        (n * 1_000_000 / 30 - length).abs() <= FRAME_US,
        "{what}: {n} frames exported of a {length} µs file"
    );
    // The last frame shows the source picture shown at its time.
    let last_us = (n - 1) * 1_000_000 / 30;
    let shown = ((last_us - lead) * 30 / 1_000_000).min(89);
    let (_, _, last) = common::ffmpeg_rgba(&out, n as u32 - 1);
    let (_, _, source_last) = common::ffmpeg_rgba(input, shown as u32);
    let p = psnr_rgba(&last, &source_last);
    assert!(p >= 30.0, "{what}: last frame PSNR {p:.1} dB");
}

#[test]
fn an_mpeg_ts_starting_at_1_4_s_exports_from_its_first_picture_in_sync() {
    check(&shifted("start_offset.ts", &[]), "MPEG-TS");
}

#[test]
fn an_mp4_shifted_by_an_edit_list_exports_from_its_first_picture_in_sync() {
    check(
        &shifted("start_offset_itsoffset.mp4", &["-itsoffset", "2"]),
        "MP4 -itsoffset 2",
    );
}

#[test]
fn a_matroska_file_shifted_by_2_s_exports_from_its_first_picture_in_sync() {
    check(
        &shifted("start_offset_itsoffset.mkv", &["-itsoffset", "2"]),
        "MKV -itsoffset 2",
    );
}

#[test]
fn a_shifted_file_decodes_its_first_picture_at_zero_and_seeks_exactly() {
    let input = shifted("start_offset.ts", &[]);
    let mut d = VideoDecoder::open(&input).unwrap();
    let lead = probed_us(&input, "stream=start_time") - probed_us(&input, "format=start_time");
    let first = d.next_frame().unwrap().unwrap();
    let want = lead * (TICKS_PER_SECOND / 1_000_000);
    assert!(
        (first.time - want).abs() < TICKS_PER_SECOND / 1000,
        "first picture at {} ticks, expected {want}",
        first.time
    );
    // A seek lands on the frame ffmpeg counts at that place: frame 45 of the file.
    let t = first.time + 45 * TICKS_PER_SECOND / 30;
    let rgba = common::make::decoded_frame(&input, t);
    let (_, _, theirs) = common::ffmpeg_rgba(&input, 45);
    let p = psnr_rgba(&rgba.data, &theirs);
    assert!(p >= 40.0, "frame 45 after a seek: {p:.1} dB");
}

#[test]
fn a_trimmed_range_of_matroska_sound_is_cut_on_the_file_timeline() {
    // Matroska times sound in milliseconds: the cut must still land on the right sample.
    let input = shifted("start_offset_itsoffset.mkv", &["-itsoffset", "2"]);
    let lead = probed_us(&input, "stream=start_time") - probed_us(&input, "format=start_time");
    let range = common::make::audio_range(TICKS_PER_SECOND, 2 * TICKS_PER_SECOND);
    let mut reader = AudioReader::open(&input, range).unwrap().unwrap();
    let mut samples: Vec<f32> = Vec::new();
    let mut buf = vec![0f32; 1024 * MIX_CHANNELS];
    loop {
        let n = reader.read(&mut buf).unwrap();
        samples.extend(buf[..n * MIX_CHANNELS].iter().step_by(MIX_CHANNELS));
        if n < 1024 {
            break;
        }
    }
    let len = samples.len() as f64 / f64::from(MIX_RATE);
    assert!((len - 1.0).abs() < 0.005, "{len} s read");
    let loud = samples.iter().position(|s| s.abs() > 0.1).unwrap();
    let at_us = loud as i64 * 1_000_000 / i64::from(MIX_RATE);
    let want = 500_000 + lead;
    assert!(
        (at_us - want).abs() < 2_000,
        "beep at {at_us} µs, expected {want}"
    );
}
