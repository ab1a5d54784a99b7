//! Nothing is lost and nothing leaves the machine: exports that would overwrite their own
//! input are refused, file names are never read as URLs, outputs are not written through
//! links and keep their permissions, and odd files (pipes, devices, huge subtitles) get a
//! clear error instead of a hang.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

#[cfg(unix)]
use assert_cmd::prelude::*;
#[cfg(unix)]
use common::cli::{assert_replaced_through_link, file_mode};
use common::cli::{export_command, fails, succeeds_with_output, succeeds_within};
use common::{clipwright, export_input, files_in, fixture, run_within, succeeds};

/// A copy of the 2 s H.264/AAC fixture at `dir/name`.
fn recording(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(fixture(&common::H264_AAC), &path).unwrap();
    path
}

/// `clipwright export` of the first half second of `input` to `output`, in software.
fn half_second_export(input: &Path, output: &Path) -> Command {
    export_command(input, &["--no-hardware", "--trim", "0..0.5"], output)
}

/// `clipwright subtitles convert INPUT OUTPUT`, `secs` at the most.
fn convert_within(input: &Path, output: &Path, secs: u64) -> Output {
    run_within(
        clipwright()
            .args(["subtitles", "convert"])
            .arg(input)
            .arg(output),
        Duration::from_secs(secs),
    )
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_export_onto_its_own_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let rec = recording(dir.path(), "rec.mp4");
    let before = std::fs::read(&rec).unwrap();
    let err = fails(&mut half_second_export(&rec, &rec));
    assert!(
        err.contains("rec.mp4") && err.contains("same file"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // Through a hard link and a symbolic link, too.
    let hard = dir.path().join("hard.mp4");
    std::fs::hard_link(&rec, &hard).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&rec, dir.path().join("soft.mp4")).unwrap();
    for name in ["hard.mp4", "soft.mp4"] {
        let link = dir.path().join(name);
        if !link.exists() {
            continue;
        }
        let err = fails(&mut export_command(&rec, &["--no-hardware"], &link));
        assert!(err.contains("same file"), "{name}: {err}");
    }
    assert_eq!(std::fs::read(&rec).unwrap(), before);
    std::fs::remove_file(&hard).unwrap();
    let _ = std::fs::remove_file(dir.path().join("soft.mp4"));
    assert_eq!(files_in(dir.path()), ["rec.mp4"]);
}

#[test]
fn a_project_exported_onto_one_of_its_sources_is_refused() {
    use clipwright::export::{quick_project, QuickOptions};
    use clipwright::timeline::{file, History};
    let dir = tempfile::tempdir().unwrap();
    let rec = recording(dir.path(), "take.mp4");
    let before = std::fs::read(&rec).unwrap();
    let project = quick_project(&rec, &QuickOptions::default()).unwrap();
    let project_file = dir.path().join("edit.clipwright");
    file::save(&project_file, &project, &History::default()).unwrap();
    let err = fails(
        clipwright()
            .args(["export", "-q", "--no-hardware"])
            .arg(&project_file)
            .arg("-o")
            .arg(&rec),
    );
    assert!(
        err.contains("take.mp4") && err.contains("same file"),
        "{err}"
    );
    assert_eq!(std::fs::read(&rec).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn an_export_replaces_a_links_target_by_rename_and_keeps_file_modes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let rec = recording(dir.path(), "in.mp4");
    let target = dir.path().join("target.mp4");
    std::fs::write(&target, b"old export").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.mp4");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    half_second_export(&rec, &link).assert().success();
    assert_replaced_through_link(&link, &target, 0o640);
    // A new file gets the mode any new file gets here (0666 less the umask), not 0600.
    let reference = dir.path().join("reference");
    std::fs::File::create(&reference).unwrap();
    let want = file_mode(&reference);
    std::fs::remove_file(&reference).unwrap();
    let new = dir.path().join("new.mp4");
    half_second_export(&rec, &new).assert().success();
    assert_eq!(file_mode(&new), want);
    // Subtitle files too.
    let srt = dir.path().join("a.srt");
    std::fs::write(&srt, "1\n00:00:00,000 --> 00:00:01,000\nHi\n").unwrap();
    let vtt = dir.path().join("a.vtt");
    let convert = || {
        common::succeeds(
            clipwright()
                .args(["subtitles", "convert"])
                .arg(&srt)
                .arg(&vtt),
        )
    };
    convert();
    assert_eq!(file_mode(&vtt), want);
    std::fs::set_permissions(&vtt, std::fs::Permissions::from_mode(0o604)).unwrap();
    convert();
    assert_eq!(file_mode(&vtt), 0o604);
    assert_eq!(
        files_in(dir.path()),
        [
            "a.srt",
            "a.vtt",
            "in.mp4",
            "link.mp4",
            "new.mp4",
            "target.mp4"
        ]
    );
}

/// A TCP listener on a free local port; `connected()` says whether anyone came.
struct Listener(std::net::TcpListener);

impl Listener {
    fn new() -> Listener {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        Listener(l)
    }
    fn port(&self) -> u16 {
        self.0.local_addr().unwrap().port()
    }
    fn connected(&self) -> bool {
        self.0.accept().is_ok()
    }
}

#[test]
fn file_names_that_look_like_urls_are_read_as_local_files() {
    let dir = tempfile::tempdir().unwrap();
    let net = Listener::new();
    let http = format!("http:127.0.0.1:{}", net.port());
    recording(dir.path(), &http);
    // `concat:` would join the two files named after it: 4 s instead of 2.
    recording(dir.path(), "a.mp4");
    recording(dir.path(), "concat:a.mp4|a.mp4");
    // `clipwright ARGS…` in that folder, `secs` at the most.
    let run = |args: &[&str], secs: u64| {
        run_within(
            clipwright().current_dir(dir.path()).args(args),
            Duration::from_secs(secs),
        )
    };
    for name in [http.as_str(), "concat:a.mp4|a.mp4"] {
        let out = run(&["probe", "--json", name], 30);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let us = json["duration_us"].as_i64().unwrap();
        assert!((1_900_000..2_100_000).contains(&us), "{name}: {us} µs");
    }
    // Exported and transcribed sources, and outputs, stay local too.
    let out = run(
        &[
            "export",
            "-q",
            "--no-hardware",
            "--trim",
            "0..0.3",
            "--input",
            &http,
            "-o",
            &format!("http:127.0.0.1:{}.mp4", net.port()),
        ],
        60,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir
        .path()
        .join(format!("http:127.0.0.1:{}.mp4", net.port()))
        .is_file());
    let out = run(
        &[
            "record",
            "--test-pattern",
            "64x64",
            "--audio",
            "none",
            "--duration",
            "0.2",
            "-o",
            &format!("http://127.0.0.1:{}/live.mp4", net.port()),
        ],
        60,
    );
    assert!(!out.status.success(), "no such folder here");
    assert!(!net.connected(), "something was sent over the network");
}

#[cfg(unix)]
fn fifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_is_refused_instead_of_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.mp4");
    fifo(&pipe);
    let pipe_srt = dir.path().join("pipe.srt");
    fifo(&pipe_srt);
    let project = dir.path().join("pipe.clipwright");
    fifo(&project);
    let out_vtt = dir.path().join("out.vtt");
    let out_mp4 = dir.path().join("out.mp4");
    let rec = recording(dir.path(), "rec.mp4");
    // The command lines, and the file each must name.
    let p = |path: &Path| path.to_str().unwrap().to_owned();
    let (pipe, pipe_srt, project) = (p(&pipe), p(&pipe_srt), p(&project));
    let (vtt, mp4, rec) = (p(&out_vtt), p(&out_mp4), p(&rec));
    let cases: [(&[&str], &str); 7] = [
        (&["probe", &pipe], &pipe),
        (&["export", "--input", &pipe, "-o", &mp4], &pipe),
        (&["export", &project, "-o", &mp4], &project),
        (
            &[
                "export",
                "--input",
                &rec,
                "--subtitles",
                &pipe_srt,
                "-o",
                &mp4,
            ],
            &pipe_srt,
        ),
        (&["subtitles", "convert", &pipe_srt, &vtt], &pipe_srt),
        (&["subtitles", "convert", "/dev/zero", &vtt], "/dev/zero"),
        (&["export", "--input", &rec, "-o", &pipe], &pipe),
    ];
    for (args, named) in cases {
        let out = run_within(clipwright().args(args), Duration::from_secs(20));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(named) && err.contains("not a regular file"),
            "{args:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert!(!out_vtt.exists() && !out_mp4.exists());
}

#[test]
fn a_subtitle_file_too_large_to_be_one_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.srt");
    // Sparse: 1 GB of zeros that take no disk space.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let out = convert_within(&big, &dir.path().join("big.vtt"), 20);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("big.srt") && err.contains("too large"),
        "{err}"
    );
}

#[test]
fn a_ten_megabyte_cue_is_read_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    // Each of these made a parser search to the end of the cue once per character.
    let shapes: [(&str, &str); 4] = [
        ("lt.srt", "<"),
        ("brace.srt", "{\\"),
        ("brace.ass", "{"),
        ("words.vtt", "a <b "),
    ];
    for (name, unit) in shapes {
        let path = dir.path().join(name);
        let body = unit.repeat(10_000_000 / unit.len());
        let text = if name.ends_with(".ass") {
            format!(
                "[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:00.00,0:00:02.00,Default,,0,0,0,,{body}\n"
            )
        } else if name.ends_with(".vtt") {
            format!("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n{body}\n")
        } else {
            format!("1\n00:00:00,000 --> 00:00:02,000\n{body}\n")
        };
        std::fs::write(&path, text).unwrap();
        let started = std::time::Instant::now();
        let out = convert_within(&path, &dir.path().join(format!("{name}.srt")), 60);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{name}: {:?}",
            started.elapsed()
        );
    }
}

fn video_seconds(path: &Path) -> f64 {
    let report = clipwright::media::probe(path).unwrap();
    report.duration_us.unwrap() as f64 / 1e6
}

#[test]
fn subtitles_never_lengthen_an_export() {
    let dir = tempfile::tempdir().unwrap();
    let rec = recording(dir.path(), "rec.mp4");
    let srt = dir.path().join("late.srt");
    std::fs::write(
        &srt,
        "1\n00:00:00,500 --> 00:00:01,500\nHello\n\n2\n00:01:00,000 --> 00:01:02,000\nA minute in\n\n3\n99999999:00:00,000 --> 99999999:00:01,000\nFar away\n",
    )
    .unwrap();
    for (trim, want, soft) in [
        (None, 2.0, false),
        (Some("0..1"), 1.0, false),
        (Some("0..1"), 1.0, true),
    ] {
        let out = dir
            .path()
            .join(if soft { "soft.mkv" } else { "burned.mp4" });
        let mut args = vec!["--no-hardware", "--subtitles", srt.to_str().unwrap()];
        if let Some(t) = trim {
            args.extend(["--trim", t]);
        }
        if soft {
            args.push("--soft-subtitles");
        }
        succeeds_within(
            &mut export_command(&rec, &args, &out),
            Duration::from_secs(120),
        );
        let got = video_seconds(&out);
        assert!((got - want).abs() < 0.1, "{trim:?}: {got} s, want {want}");
    }
}

/// A recording and a subtitle file with one 20 s cue in a folder of their own, and a folder
/// for an export's temporary files: an export that burns the cue in, slowed down, runs long
/// enough to be stopped midway.
#[cfg(unix)]
struct SubtitledExport {
    dir: tempfile::TempDir,
    tmp: tempfile::TempDir,
    rec: PathBuf,
    srt: PathBuf,
}

#[cfg(unix)]
impl SubtitledExport {
    fn new() -> SubtitledExport {
        let dir = tempfile::tempdir().unwrap();
        let rec = recording(dir.path(), "rec.mp4");
        let srt = dir.path().join("subs.srt");
        std::fs::write(&srt, "1\n00:00:00,000 --> 00:00:20,000\nAll along\n").unwrap();
        SubtitledExport {
            dir,
            tmp: tempfile::tempdir().unwrap(),
            rec,
            srt,
        }
    }

    /// `clipwright export` of the recording with the cue burned in, at `speed`, to `name`
    /// in the folder; its temporary files go to the other folder.
    fn command(&self, name: &str, speed: &str) -> Command {
        let mut cmd = clipwright();
        cmd.env("TMPDIR", self.tmp.path())
            .args(["export", "-q", "--no-hardware", "--speed", speed, "--input"])
            .arg(&self.rec)
            .arg("--subtitles")
            .arg(&self.srt)
            .arg("-o")
            .arg(self.dir.path().join(name));
        cmd
    }

    /// Waits, 30 s at the most, until `started` holds for the names of the files in the
    /// folder and in the temporary folder.
    fn wait_until(&self, started: impl Fn(&[String], &[String]) -> bool) {
        let start = std::time::Instant::now();
        while !started(&files_in(self.dir.path()), &files_in(self.tmp.path())) {
            assert!(start.elapsed() < Duration::from_secs(30), "never started");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[cfg(unix)]
fn partial(names: &[String]) -> bool {
    names.iter().any(|n| n.ends_with(".partial"))
}

#[cfg(unix)]
#[test]
fn sigterm_during_an_export_leaves_no_partial_file_or_temporary_script() {
    let job = SubtitledExport::new();
    // At a tenth of the speed: a 20 s export, long enough to be stopped midway.
    let mut child = job
        .command("slow.mp4", "0.1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the export to be under way (its temporary file exists), then stop it.
    job.wait_until(|dir, _| partial(dir));
    std::thread::sleep(Duration::from_millis(300));
    common::recording::signal(&child, "-TERM");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "ended by its own handler");
    assert_eq!(files_in(job.dir.path()), ["rec.mp4", "subs.srt"]);
    assert_eq!(files_in(job.tmp.path()), Vec::<String>::new());
}

#[test]
fn bad_options_are_named_instead_of_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let rec = recording(dir.path(), "rec.mp4");
    for (extra, want) in [
        (&["--crf", "63"][..], "--crf 63"),
        (&["--soft-subtitles"][..], "--soft-subtitles"),
    ] {
        let out = export_command(&rec, extra, &dir.path().join("out.mp4"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(want), "{}", stderr(&out));
    }
    assert_eq!(files_in(dir.path()), ["rec.mp4"]);
}

#[test]
fn an_error_says_its_cause_once_and_escapes_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let out = clipwright()
        .args(["subtitles", "convert"])
        .arg(dir.path().join("gone\x1b[31m.srt"))
        .arg(dir.path().join("out.vtt"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
    assert!(
        !err.contains('\x1b') && err.contains("gone\\u{1b}[31m.srt"),
        "{err}"
    );
    // Nor does a report or a summary send them to the terminal.
    let red = recording(dir.path(), "red\x1b[31m.mp4");
    let text = succeeds_with_output(clipwright().arg("probe").arg(&red));
    assert!(
        !text.contains('\x1b') && text.contains("red\\u{1b}[31m.mp4"),
        "{text}"
    );
    let err = succeeds(
        clipwright()
            .args(["export", "--no-hardware", "--trim", "0..0.2", "--input"])
            .arg(&red)
            .arg("-o")
            .arg(dir.path().join("out\x1b[0m.mp4")),
    );
    assert!(!err.contains('\x1b'), "{err:?}");
}

#[test]
fn a_recording_without_a_stated_length_is_measured_and_exports_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mkv = dir.path().join("cut_off.mkv");
    // Written to a pipe, the muxer cannot go back to write the length: what a recorder
    // killed mid-way leaves.
    let file = std::fs::File::create(&mkv).unwrap();
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(fixture(&common::H264_AAC))
        .args(["-c", "copy", "-f", "matroska", "-"])
        .stdout(file)
        .status()
        .unwrap();
    assert!(status.success());
    let out = succeeds_with_output(clipwright().args(["probe", "--json"]).arg(&mkv));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["duration_measured"], true, "{json}");
    let us = json["duration_us"].as_i64().unwrap();
    assert!((1_900_000..2_100_000).contains(&us), "{us}");
    let text = clipwright().arg("probe").arg(&mkv).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("measured"));
    let exported = dir.path().join("whole.mp4");
    export_input(&mkv, &["--no-hardware"], &exported);
    let got = video_seconds(&exported);
    assert!((got - 2.0).abs() < 0.1, "{got} s");
}

/// Mean absolute difference of two RGBA pictures' colour channels.
fn picture_difference(a: &[u8], b: &[u8]) -> f64 {
    let sum: u64 = a
        .iter()
        .zip(b)
        .enumerate()
        .filter(|(i, _)| i % 4 != 3)
        .map(|(_, (x, y))| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / (a.len() as f64 * 0.75)
}

#[test]
fn an_opus_track_starting_early_does_not_put_the_pictures_a_frame_late() {
    // The WebM fixture's Opus track starts 7 ms before time zero and its pictures 7 ms
    // after: 14 ms off the 25 fps grid.
    let dir = tempfile::tempdir().unwrap();
    let source = fixture(&common::VP9_OPUS);
    let out = dir.path().join("from_webm.mp4");
    export_input(&source, &["--no-hardware", "--crf", "10"], &out);
    for k in [1, 2, 10, 40] {
        let (_, _, ours) = common::ffmpeg_rgba(&out, k);
        let (_, _, same) = common::ffmpeg_rgba(&source, k);
        let (_, _, before) = common::ffmpeg_rgba(&source, k - 1);
        let (d_same, d_before) = (
            picture_difference(&ours, &same),
            picture_difference(&ours, &before),
        );
        assert!(
            d_same < d_before && d_same < 3.0,
            "frame {k}: {d_same:.2} from source frame {k}, {d_before:.2} from frame {}",
            k - 1
        );
    }
}

#[test]
fn a_file_cut_off_after_its_header_ends_where_its_pictures_end_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.mkv");
    common::lavfi(
        "testsrc2=size=320x240:rate=30",
        &["-t", "3", "-c:v", "libx264", "-g", "30"],
        &whole,
    );
    // The header says 3 s; the first quarter of the bytes holds well under a second.
    let bytes = std::fs::read(&whole).unwrap();
    let cut = dir.path().join("cut.mkv");
    std::fs::write(&cut, &bytes[..bytes.len() / 4]).unwrap();
    let out = dir.path().join("out.mp4");
    let err = export_input(&cut, &["--no-hardware"], &out);
    assert!(err.contains("cut.mkv") && err.contains("cut off"), "{err}");
    let got = video_seconds(&out);
    assert!(got > 0.3 && got < 1.5, "{got} s, not the stated 3 s");
    let probe = clipwright().arg("probe").arg(&cut).output().unwrap();
    assert!(String::from_utf8_lossy(&probe.stdout).contains("cut off"));
}

#[cfg(unix)]
#[test]
fn warnings_carry_no_colour_codes_when_stderr_is_not_a_terminal() {
    // A file size limit makes the recording's writer fail mid-way, which logs a warning.
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("clipwright");
    let script = format!(
        "trap '' XFSZ; ulimit -f 20; exec '{}' record --test-pattern 640x480 --audio none --duration 3 -o '{}'",
        bin.display(),
        dir.path().join("big.mp4").display()
    );
    let out = run_within(
        Command::new("sh").arg("-c").arg(script),
        Duration::from_secs(60),
    );
    let err = stderr(&out);
    assert!(err.contains("WARN"), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn what_a_killed_export_leaves_is_removed_by_the_next_one() {
    let job = SubtitledExport::new();
    let (dir, tmp) = (job.dir.path(), job.tmp.path());
    let mut child = job.command("slow.mp4", "0.1").spawn().unwrap();
    job.wait_until(|dir, tmp| partial(dir) && !tmp.is_empty());
    // kill -9 cannot be handled: the temporaries stay behind...
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(files_in(dir).len(), 3, "{:?}", files_in(dir));
    assert_eq!(files_in(tmp).len(), 1, "{:?}", files_in(tmp));
    // ...until the next export into that folder, once they have been left alone for a
    // while (made to look 20 minutes old here).
    let old = std::time::SystemTime::now() - Duration::from_secs(20 * 60);
    for folder in [dir, tmp] {
        for name in files_in(folder) {
            if name.ends_with(".partial") || name.ends_with(".ass") {
                std::fs::File::options()
                    .write(true)
                    .open(folder.join(name))
                    .unwrap()
                    .set_modified(old)
                    .unwrap();
            }
        }
    }
    let out = job.command("next.mp4", "4").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(files_in(dir), ["next.mp4", "rec.mp4", "subs.srt"]);
    assert_eq!(files_in(tmp), Vec::<String>::new());
}
