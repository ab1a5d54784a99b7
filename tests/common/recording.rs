//! Recording a window with the `clipwright record` command (start, wait, check the file),
//! and checks on recorded files through the ffmpeg command-line tool: per-frame hashes (to
//! see frames change), whole-file decoding, pixels of one frame, and the sound's level.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use clipwright::media::{StreamReport, VideoFacts};

use super::desktop::{App, Desktop};

/// Where a test of recording one window starts: a desktop showing that window, and a file
/// to record it to, in a folder of its own.
pub struct Stage {
    /// The window's program: dropping it closes the window.
    pub app: App,
    pub desktop: Desktop,
    /// The window's title.
    pub title: String,
    /// Where the recording goes (not made yet).
    pub file: PathBuf,
    pub dir: tempfile::TempDir,
}

impl Stage {
    /// Starts a desktop with an ffplay window titled `title` showing the lavfi source
    /// `lavfi` (see [`Desktop::ffplay`]); the recording is to be `file_name` in a new folder.
    pub fn window(lavfi: &str, title: &str, file_name: &str) -> Stage {
        let desktop = Desktop::start();
        let app = desktop.ffplay(lavfi, title);
        let dir = tempfile::tempdir().unwrap();
        Stage {
            app,
            desktop,
            title: title.to_owned(),
            file: dir.path().join(file_name),
            dir,
        }
    }

    /// [`Stage::window`] of a 320×240 `testsrc2` at 30 fps, which changes every frame.
    pub fn testsrc(title: &str, file_name: &str) -> Stage {
        Stage::window("testsrc2=size=320x240:rate=30", title, file_name)
    }

    /// [`record_command`] of the window into [`Stage::file`], with `args`.
    pub fn record_command(&self, args: &[&str]) -> Command {
        record_command(&self.desktop, &self.title, args, &self.file)
    }

    /// Starts [`Stage::record_command`].
    pub fn record(&self, args: &[&str]) -> Child {
        self.record_command(args).spawn().unwrap()
    }
}

/// `clipwright record --window TITLE ARGS… -o FILE` on `desktop`, its standard output and
/// error piped (see [`finished`]), ready to spawn.
pub fn record_command(desktop: &Desktop, title: &str, args: &[&str], file: &Path) -> Command {
    let mut cmd = desktop.clipwright();
    cmd.args(["record", "--window", title])
        .args(args)
        .arg("-o")
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// `cmd` (a `clipwright` command) given `record --test-pattern SIZE ARGS… -o OUT`: the
/// recorder on its built-in moving pattern of `SIZE` (e.g. `320x240`), needing no display.
pub fn record_pattern(mut cmd: Command, size: &str, args: &[&str], out: &Path) -> Command {
    cmd.args(["record", "--test-pattern", size])
        .args(args)
        .arg("-o")
        .arg(out);
    cmd
}

/// Starts [`record_command`].
pub fn record_window(desktop: &Desktop, title: &str, args: &[&str], file: &Path) -> Child {
    record_command(desktop, title, args, file).spawn().unwrap()
}

/// What a recorder printed, once it ended.
pub struct Finished {
    pub stdout: String,
    pub stderr: String,
}

/// Waits for a recorder started by [`record_window`] to end; fails the test, showing
/// both outputs, when it did not end successfully.
pub fn finished(child: Child) -> Finished {
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stdout}{stderr}");
    Finished { stdout, stderr }
}

/// The lines a child writes to its standard error, read on a thread of their own: the
/// reader never blocks, so the child never stalls on a full pipe while the test waits.
pub struct StderrLines(Receiver<String>);

impl StderrLines {
    /// Starts `cmd` with its standard output and error piped; returns it and the lines of
    /// its error output.
    pub fn spawn(cmd: &mut Command) -> (Child, StderrLines) {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = StderrLines::of(&mut child);
        (child, lines)
    }

    /// Takes `child`'s piped standard error.
    pub fn of(child: &mut Child) -> StderrLines {
        let stderr = BufReader::new(child.stderr.take().unwrap());
        // Unbounded on purpose: a bounded one could block the reader (see above).
        #[allow(clippy::disallowed_methods)]
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        StderrLines(rx)
    }

    /// Waits, 30 s at the most, for the line that starts with `prefix` (after the `\r` of a
    /// progress line) and returns it; fails the test with the lines before it.
    pub fn wait_for(&self, prefix: &str) -> String {
        let mut said = Vec::new();
        loop {
            let line = self
                .0
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no \"{prefix}\" line: {said:?}"));
            if line.trim_start_matches('\r').starts_with(prefix) {
                return line;
            }
            said.push(line);
        }
    }
}

/// Sends `child` the signal `sig` (as `kill` takes it, e.g. `-TERM`).
pub fn signal(child: &Child, sig: &str) {
    let status = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {sig} failed");
}

/// Waits for `child` to exit, `limit` at the most: after that it is killed and the test
/// fails, saying `what`.
pub fn exit_within(child: &mut Child, limit: Duration, what: &str) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The recorded video's length in microseconds (the stream's own, else the file's) and
/// its frames, after checking that the whole file decodes cleanly.
pub fn clean_video(file: &Path) -> (i64, u64) {
    let report = clipwright::media::probe(file).unwrap();
    let (stream, _) = report.video().unwrap();
    let us = stream.duration_us.or(report.duration_us).unwrap();
    let errors = decode_errors(file);
    assert!(errors.is_empty(), "decodes cleanly: {errors}");
    (us, stream.packets)
}

/// The video stream of `file` and its facts, as the probe reports them.
pub fn probed_video(file: &Path) -> (StreamReport, VideoFacts) {
    let report = clipwright::media::probe(file).unwrap();
    let (stream, video) = report.video().unwrap();
    (stream.clone(), video.clone())
}

/// The sound streams of `file`, as the probe reports them.
pub fn sound_streams(file: &Path) -> Vec<StreamReport> {
    clipwright::media::probe(file)
        .unwrap()
        .streams
        .into_iter()
        .filter(|s| s.kind == clipwright::media::StreamKind::Audio)
        .collect()
}

fn ffmpeg(args: &[&str]) -> Output {
    Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin"])
        .args(args)
        .output()
        .expect("the ffmpeg command-line tool must be installed")
}

/// Decodes `file` with the ffmpeg CLI (saying errors only) to its standard output, with the
/// output options `args`.
pub fn decode(file: &Path, args: &[&str]) -> Output {
    let input = ["-v", "error", "-i", file.to_str().unwrap()];
    ffmpeg(&[&input[..], args, &["-"]].concat())
}

/// MD5 of each decoded video frame, in order.
pub fn frame_hashes(file: &Path) -> Vec<String> {
    let out = decode(file, &["-map", "0:v", "-f", "framemd5"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit(',').next().map(|h| h.trim().to_owned()))
        .collect()
}

/// Number of distinct pictures among the frames.
pub fn distinct_frames(file: &Path) -> usize {
    distinct(&frame_hashes(file))
}

/// Number of distinct hashes among `hashes` (see [`frame_hashes`]).
pub fn distinct(hashes: &[String]) -> usize {
    let mut h = hashes.to_vec();
    h.sort();
    h.dedup();
    h.len()
}

/// Decodes the whole file; returns FFmpeg's error output (empty when clean).
pub fn decode_errors(file: &Path) -> String {
    let out = decode(file, &["-f", "null"]);
    assert!(
        out.status.success(),
        "ffmpeg could not decode {}",
        file.display()
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The picture at `at_secs` as BGRA bytes of `width`×`height` (scaled to that size).
pub fn frame_bgra(file: &Path, at_secs: &str, width: u32, height: u32) -> Vec<u8> {
    let scale = format!("scale={width}:{height}");
    let out = ffmpeg(&[
        "-v",
        "error",
        "-ss",
        at_secs,
        "-i",
        file.to_str().unwrap(),
        "-frames:v",
        "1",
        "-vf",
        &scale,
        "-f",
        "rawvideo",
        "-pix_fmt",
        "bgra",
        "-",
    ]);
    assert_eq!(
        out.stdout.len(),
        (width * height * 4) as usize,
        "one frame of {}",
        file.display()
    );
    out.stdout
}

/// Loudest sample of audio stream `index` (0 is the first audio stream), in dBFS.
pub fn max_volume_db(file: &Path, index: usize) -> f64 {
    let map = format!("0:a:{index}");
    let out = ffmpeg(&[
        "-i",
        file.to_str().unwrap(),
        "-map",
        &map,
        "-af",
        "volumedetect",
        "-f",
        "null",
        "-",
    ]);
    let text = String::from_utf8_lossy(&out.stderr);
    let line = text
        .lines()
        .find(|l| l.contains("max_volume:"))
        .unwrap_or_else(|| panic!("no volume for {map}: {text}"));
    line.split("max_volume:")
        .nth(1)
        .unwrap()
        .trim()
        .trim_end_matches(" dB")
        .parse()
        .unwrap()
}

/// Times (µs) at which the picture turns from dark to bright.
pub fn flash_onsets_us(file: &Path) -> Vec<i64> {
    let out = decode(
        file,
        &[
            "-map",
            "0:v",
            "-vf",
            "scale=16:12",
            "-pix_fmt",
            "gray",
            "-f",
            "rawvideo",
        ],
    );
    let report = clipwright::media::probe(file).unwrap();
    let (_, v) = report.video().unwrap();
    let (num, den) = (
        i64::from(v.avg_frame_rate[0]),
        i64::from(v.avg_frame_rate[1]),
    );
    let mut onsets = Vec::new();
    let mut bright = false;
    for (i, frame) in out.stdout.chunks_exact(16 * 12).enumerate() {
        let mean = frame.iter().map(|&p| u32::from(p)).sum::<u32>() / (16 * 12);
        let now = mean > 128;
        if now && !bright {
            onsets.push(i as i64 * 1_000_000 * den / num);
        }
        bright = now;
    }
    onsets
}

/// Times (µs) at which the first audio track goes from silence to sound.
pub fn beep_onsets_us(file: &Path) -> Vec<i64> {
    let out = decode(
        file,
        &["-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "s16le"],
    );
    let samples: Vec<i16> = out
        .stdout
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    let mut onsets = Vec::new();
    let mut quiet_run = 48_000; // samples of silence before; start as if long quiet
    for (i, s) in samples.iter().enumerate() {
        if s.unsigned_abs() > 1000 {
            if quiet_run > 24_000 {
                onsets.push(i as i64 * 1_000_000 / 48_000);
            }
            quiet_run = 0;
        } else {
            quiet_run += 1;
        }
    }
    onsets
}

/// The test pattern's frame counter in each frame of `file`, a recording (or an export)
/// of a pattern `width` pixels wide filling the frame. Only the strip holding the counter
/// is decoded, at half size, so a long file costs little memory.
pub fn pattern_counters(file: &Path, width: u32) -> Vec<u32> {
    use clipwright::capture::COUNTER_BLOCK;
    let half = (width / 2) & !1;
    let filter = format!("scale={half}:-2,crop={half}:{COUNTER_BLOCK}:0:0");
    let out = decode(
        file,
        &["-vf", &filter, "-f", "rawvideo", "-pix_fmt", "bgra"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    read_counters(&out.stdout, (half, COUNTER_BLOCK), width)
}

/// How many frames of `exported` hold another counter than the same frame of `expected`
/// (see [`pattern_counters`]).
pub fn frames_differing(exported: &[u32], expected: &[u32]) -> usize {
    exported
        .iter()
        .zip(expected)
        .filter(|(a, b)| a != b)
        .count()
}

/// The test pattern's frame counter in each frame of `file`, a recording of a pattern of
/// `width`×`height` at that size, read from the whole decoded frames.
pub fn pattern_counters_at_size(file: &Path, width: u32, height: u32) -> Vec<u32> {
    let out = decode(file, &["-f", "rawvideo", "-pix_fmt", "bgra"]);
    read_counters(&out.stdout, (width, height), width)
}

/// The frame counters in `raw`, BGRA pictures of `size` one after the other, of a pattern
/// `width` pixels wide.
fn read_counters(raw: &[u8], size: (u32, u32), width: u32) -> Vec<u32> {
    use clipwright::capture::{read_counter, BgraFrame};
    let (w, h) = size;
    raw.chunks_exact((w * h * 4) as usize)
        .map(|data| {
            let f = BgraFrame {
                width: w,
                height: h,
                stride: w as usize * 4,
                data: data.to_vec(),
            };
            read_counter(&f, width).unwrap()
        })
        .collect()
}
