//! Test media, generated with the `ffmpeg` command-line tool on first use and cached under
//! Cargo's per-target temporary folder. Nothing is downloaded.
//!
//! Each [`Fixture`] says what it asked the generator for, so tests can check the probe
//! reports exactly those numbers.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod app;
pub mod cli;
pub mod desktop;
pub mod faces;
pub mod make;
pub mod recording;

use std::path::{Path, PathBuf};
use std::process::Command;

// Not every test file runs the command.
#[allow(unused_imports)]
pub use cli::{clipwright, export_input, files_in, run_within, succeeds};

/// A generated media file and the facts it was made with.
#[derive(Debug, Clone, Copy)]
pub struct Fixture {
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub seconds: u32,
    pub video_codec: Option<&'static str>,
    pub audio_codec: Option<&'static str>,
    pub sample_rate: u32,
    pub channels: u32,
    pub rotation: i32,
    pub vfr: bool,
}

const BASE: Fixture = Fixture {
    name: "",
    width: 320,
    height: 240,
    fps: 30,
    seconds: 2,
    video_codec: Some("h264"),
    audio_codec: Some("aac"),
    sample_rate: 48_000,
    channels: 2,
    rotation: 0,
    vfr: false,
};

pub const H264_AAC: Fixture = Fixture {
    name: "h264_aac.mp4",
    ..BASE
};
pub const VP9_OPUS: Fixture = Fixture {
    name: "vp9_opus.webm",
    fps: 25,
    video_codec: Some("vp9"),
    audio_codec: Some("opus"),
    ..BASE
};
pub const ODD_SIZE: Fixture = Fixture {
    name: "odd_size.mp4",
    width: 321,
    height: 241,
    audio_codec: None,
    ..BASE
};
pub const ROTATED: Fixture = Fixture {
    name: "rotated_phone.mp4",
    width: 320,
    height: 180,
    rotation: 90,
    ..BASE
};
pub const MONO_44K: Fixture = Fixture {
    name: "mono_44k.wav",
    video_codec: None,
    audio_codec: Some("pcm_s16le"),
    sample_rate: 44_100,
    channels: 1,
    ..BASE
};
pub const VIDEO_ONLY: Fixture = Fixture {
    name: "video_only.mp4",
    audio_codec: None,
    ..BASE
};
pub const VFR: Fixture = Fixture {
    name: "vfr.mp4",
    audio_codec: None,
    seconds: 3,
    vfr: true,
    ..BASE
};

/// 64×48, 30 fps, 2 s: frame `n` is flat grey with luma `16 + 3n` (see [`gray_ramp_luma`]).
pub const GRAY_RAMP: Fixture = Fixture {
    name: "gray_ramp.mp4",
    width: 64,
    height: 48,
    audio_codec: None,
    ..BASE
};
pub const TEN_BIT: Fixture = Fixture {
    name: "ten_bit.mkv",
    video_codec: Some("prores"),
    audio_codec: None,
    seconds: 1,
    ..BASE
};
pub const FULL_RANGE: Fixture = Fixture {
    name: "full_range.mp4",
    audio_codec: None,
    seconds: 1,
    ..BASE
};
pub const STILL: Fixture = Fixture {
    name: "still.png",
    width: 200,
    height: 100,
    video_codec: Some("png"),
    audio_codec: None,
    ..BASE
};

/// The luma of frame `n` of [`GRAY_RAMP`].
pub fn gray_ramp_luma(n: u32) -> u32 {
    16 + 3 * n
}

/// Decodes frame `index` of `path` with the `ffmpeg` CLI (auto-rotated) as RGBA.
pub fn ffmpeg_rgba(path: &Path, index: u32) -> (u32, u32, Vec<u8>) {
    let probe = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=width,height:stream_side_data=rotation",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&probe.stdout).to_string();
    let nums: Vec<i64> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter_map(|t| t.trim().parse().ok())
        .collect();
    let (mut w, mut h) = (nums[0] as u32, nums[1] as u32);
    if nums.get(2).is_some_and(|r| r.abs() % 180 == 90) {
        std::mem::swap(&mut w, &mut h);
    }
    let select = format!("select=eq(n\\,{index})");
    let args: [&std::ffi::OsStr; 6] = [
        "-i".as_ref(),
        path.as_os_str(),
        "-vf".as_ref(),
        select.as_ref(),
        "-frames:v".as_ref(),
        "1".as_ref(),
    ];
    let frame = ffmpeg_raw_rgba(&args, (w, h)).into_iter().next();
    (w, h, frame.unwrap_or_default())
}

/// The raw RGBA frames, each `size`, that the `ffmpeg` CLI writes given `args` (its inputs,
/// filters and limits; the raw output options are added here).
pub fn ffmpeg_raw_rgba<S: AsRef<std::ffi::OsStr>>(args: &[S], size: (u32, u32)) -> Vec<Vec<u8>> {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error"])
        .args(args)
        .args(["-f", "rawvideo", "-pix_fmt", "rgba", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ffmpeg: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
        .chunks_exact((size.0 * size.1 * 4) as usize)
        .map(<[u8]>::to_vec)
        .collect()
}

/// Every well-formed fixture.
pub const GOOD: &[Fixture] = &[
    H264_AAC, VP9_OPUS, ODD_SIZE, ROTATED, MONO_44K, VIDEO_ONLY, VFR,
];

/// Broken files, each with what a user would call it.
pub const BAD: &[(&str, &str)] = &[
    ("empty.mp4", "empty"),
    ("garbage.mp4", "random bytes"),
    ("truncated.mp4", "cut off before its index was written"),
    ("truncated_faststart.mp4", "index present, data cut off"),
    ("missing.mp4", "does not exist"),
    ("a_folder.mp4", "a folder"),
];

/// Peak signal-to-noise ratio of two same-sized RGBA pictures over R, G and B, in dB; 99
/// for identical pictures.
pub fn psnr(a: &clipwright::media::RgbaFrame, b: &clipwright::media::RgbaFrame) -> f64 {
    assert_eq!((a.width, a.height), (b.width, b.height));
    psnr_rgba(&a.data, &b.data)
}

/// [`psnr`] of two RGBA byte buffers of the same size.
pub fn psnr_rgba(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    let (mut sum, mut n) = (0f64, 0f64);
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if i % 4 != 3 {
            let d = f64::from(*x) - f64::from(*y);
            sum += d * d;
            n += 1.0;
        }
    }
    let mse = sum / n;
    if mse == 0.0 {
        99.0
    } else {
        10.0 * (255.0 * 255.0 / mse).log10()
    }
}

/// `name` in the folder of test models and pictures (`CLIPWRIGHT_TEST_MODEL_DIR`, filled
/// by `scripts/fetch-test-models.sh`); fails the test, saying how to get it, when it is
/// missing.
pub fn test_model_file(name: &str) -> PathBuf {
    let dir = std::env::var_os("CLIPWRIGHT_TEST_MODEL_DIR").expect(
        "CLIPWRIGHT_TEST_MODEL_DIR is not set: run scripts/fetch-test-models.sh and set it to \
         the folder it prints (scripts/test.sh does both)",
    );
    let path = Path::new(&dir).join(name);
    assert!(
        path.exists(),
        "{} is missing: run scripts/fetch-test-models.sh",
        path.display()
    );
    path
}

/// `text` spoken by espeak-ng, as a WAV file in `dir`.
pub fn spoken_wav(dir: &std::path::Path, text: &str) -> std::path::PathBuf {
    let wav = dir.join("speech.wav");
    let status = std::process::Command::new("espeak-ng")
        .args(["-v", "en", "-w"])
        .arg(&wav)
        .arg(text)
        .status()
        .expect("espeak-ng must be installed (apt package espeak-ng)");
    assert!(status.success());
    wav
}

/// Folder holding the generated files.
pub fn fixture_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures-v2");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Path of a generated fixture, making it first if needed.
pub fn fixture(f: &Fixture) -> PathBuf {
    make(f.name)
}

/// Path of a broken fixture by name (see [`BAD`]), making it first if needed.
pub fn bad(name: &str) -> PathBuf {
    make(name)
}

fn make(name: &str) -> PathBuf {
    let out = fixture_dir().join(name);
    if out.exists() || name == "missing.mp4" {
        return out;
    }
    // Write under a unique name, then rename: parallel tests may race to make the same file.
    let tmp = fixture_dir().join(format!(
        "tmp-{}-{:?}-{name}",
        std::process::id(),
        std::thread::current().id()
    ));
    generate(name, &tmp);
    std::fs::rename(&tmp, &out).unwrap();
    out
}

fn lavfi_video(f: &Fixture) -> String {
    format!(
        "testsrc2=size={}x{}:rate={}:duration={}",
        f.width, f.height, f.fps, f.seconds
    )
}

fn lavfi_audio(f: &Fixture) -> String {
    let layout = if f.channels == 1 { "mono" } else { "stereo" };
    format!(
        "sine=frequency=440:sample_rate={}:duration={},aformat=channel_layouts={layout}",
        f.sample_rate, f.seconds
    )
}

/// Encoder options for a small, quick H.264 file.
pub const H264_FAST: [&str; 6] = [
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
];

/// Encoder options for a quick H.264 file in the pixel format `pix_fmt`.
fn x264_fast(pix_fmt: &str) -> [&str; 6] {
    [
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        pix_fmt,
    ]
}

/// Frames between the keyframes of [`long_gop_video`].
pub const LONG_GOP: i64 = 150;

/// 10 s of 1280×720 `testsrc2` (its picture moves every frame) at 30 fps, a keyframe every
/// [`LONG_GOP`] frames and none placed early by scene cuts, with B-frames as libx264's
/// usual presets make them: reaching a frame late in a GOP takes a while.
pub fn long_gop_video(dir: &Path) -> PathBuf {
    let path = dir.join("long_gop.mp4");
    let gop = LONG_GOP.to_string();
    lavfi(
        "testsrc2=size=1280x720:rate=30:d=10",
        &[
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            &gop,
            "-sc_threshold",
            "0",
            "-pix_fmt",
            "yuv420p",
        ],
        &path,
    );
    path
}

/// Makes `out` with the ffmpeg command-line tool from the lavfi source `graph`
/// (`testsrc2=…`, `color=…`, `sine=…`, `aevalsrc=…`), with the output options `args`.
pub fn lavfi(graph: &str, args: &[&str], out: &Path) {
    ffmpeg(&[&["-f", "lavfi", "-i", graph][..], args].concat(), out);
}

/// Runs the ffmpeg command-line tool with `args` writing `out`; fails the test when it fails.
pub fn ffmpeg(args: &[&str], out: &Path) {
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .arg(out)
        .status()
        .expect("the ffmpeg command-line tool must be installed to generate test media");
    assert!(status.success(), "ffmpeg failed making {}", out.display());
}

fn generate(name: &str, out: &Path) {
    let h264 = H264_FAST;
    match name {
        "h264_aac.mp4" | "video_only.mp4" | "unrotated_phone.mp4" => {
            let f = if name == "unrotated_phone.mp4" {
                &ROTATED
            } else {
                GOOD.iter().find(|f| f.name == name).unwrap()
            };
            let (v, a) = (lavfi_video(f), lavfi_audio(f));
            let mut args = vec!["-f", "lavfi", "-i", &v];
            if f.audio_codec.is_some() {
                args.extend(["-f", "lavfi", "-i", &a, "-c:a", "aac", "-b:a", "96k"]);
            }
            args.extend(h264);
            ffmpeg(&args, out);
        }
        "rotated_phone.mp4" => {
            // A phone held upright stores landscape frames plus a display matrix saying
            // "turn 90° clockwise" (ffprobe: rotation=-90). FFmpeg 5.1's MP4 muxer reads the
            // `rotate` tag as counter-clockwise degrees, hence 270 here.
            let plain = make("unrotated_phone.mp4");
            let p = plain.to_str().unwrap();
            ffmpeg(
                &["-i", p, "-c", "copy", "-metadata:s:v:0", "rotate=270"],
                out,
            );
        }
        "vp9_opus.webm" => {
            let f = VP9_OPUS;
            let (v, a) = (lavfi_video(&f), lavfi_audio(&f));
            ffmpeg(
                &[
                    "-f",
                    "lavfi",
                    "-i",
                    &v,
                    "-f",
                    "lavfi",
                    "-i",
                    &a,
                    "-c:v",
                    "libvpx-vp9",
                    "-deadline",
                    "realtime",
                    "-cpu-used",
                    "8",
                    "-b:v",
                    "300k",
                    "-c:a",
                    "libopus",
                ],
                out,
            );
        }
        "odd_size.mp4" => {
            // 4:2:0 needs even sizes; 4:4:4 carries an odd-sized picture as it is.
            // testsrc2 rounds its size to even numbers, so scale to the odd size after it.
            let args = [&["-vf", "scale=321:241"][..], &x264_fast("yuv444p")].concat();
            lavfi(&lavfi_video(&ODD_SIZE), &args, out);
        }
        "mono_44k.wav" => {
            lavfi(&lavfi_audio(&MONO_44K), &["-c:a", "pcm_s16le"], out);
        }
        "vfr.mp4" => {
            // One second at 30 fps, then every third frame: 10 fps.
            let v = lavfi_video(&VFR);
            let mut args = vec![
                "-f",
                "lavfi",
                "-i",
                &v,
                "-vf",
                "select='lt(n\\,30)+not(mod(n\\,3))'",
                "-vsync",
                "vfr",
            ];
            args.extend(h264);
            ffmpeg(&args, out);
        }
        "empty.mp4" => std::fs::write(out, b"").unwrap(),
        "garbage.mp4" => {
            // Deterministic noise (xorshift), so a failure reproduces.
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
            let bytes: Vec<u8> = (0..64 * 1024)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect();
            std::fs::write(out, bytes).unwrap();
        }
        "truncated.mp4" => cut(&fixture(&H264_AAC), out, 40),
        "faststart_whole.mp4" => {
            let (v, a) = (lavfi_video(&H264_AAC), lavfi_audio(&H264_AAC));
            let mut args = vec!["-f", "lavfi", "-i", &v, "-f", "lavfi", "-i", &a];
            args.extend(h264);
            args.extend(["-c:a", "aac", "-movflags", "+faststart"]);
            ffmpeg(&args, out);
        }
        "truncated_faststart.mp4" => cut(&make("faststart_whole.mp4"), out, 40),
        "gray_ramp.mp4" => {
            // Frame n is a flat grey of luma 16 + 3n (lossless), so a decoded frame says
            // which frame it is; a keyframe every 10 frames makes seeks decode forward.
            lavfi(
                "color=c=black:s=64x48:r=30:d=2,format=yuv420p,geq=lum='16+3*N':cb=128:cr=128",
                &[
                    "-c:v",
                    "libx264",
                    "-preset",
                    "ultrafast",
                    "-qp",
                    "0",
                    "-g",
                    "10",
                    "-bf",
                    "2",
                ],
                out,
            );
        }
        "ten_bit.mkv" => {
            let args = ["-c:v", "prores_ks", "-pix_fmt", "yuv422p10le"];
            lavfi(&lavfi_video(&TEN_BIT), &args, out);
        }
        "full_range.mp4" => {
            let full = ["-vf", "scale=out_range=full"];
            let args = [&full[..], &x264_fast("yuvj420p"), &["-color_range", "pc"]].concat();
            lavfi(&lavfi_video(&FULL_RANGE), &args, out);
        }
        "still.png" => lavfi("testsrc2=size=200x100", &["-frames:v", "1"], out),
        "a_folder.mp4" => std::fs::create_dir_all(out).unwrap(),
        other => panic!("no fixture named {other}"),
    }
}

/// Copies the first `percent` % of `from` to `to`.
fn cut(from: &Path, to: &Path, percent: usize) {
    let bytes = std::fs::read(from).unwrap();
    std::fs::write(to, &bytes[..bytes.len() * percent / 100]).unwrap();
}
