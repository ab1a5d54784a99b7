//! Odd file names and odd files against every command: names that are not UTF-8, that
//! start with a dash, that look like FFmpeg URLs (`http:`, `concat:`, `pipe:`), a FIFO,
//! `/dev/zero`, links. Whatever the name, a command must not panic (exit 101), must not
//! hang, must fail (if it fails) with one line naming the file, must write nothing but the
//! output it was given, and must leave every existing file as it was.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime};

use assert_cmd::cargo::CommandCargoExt;

/// Every file under `dir` with its length and modification time.
fn snapshot(dir: &Path) -> BTreeMap<OsString, (u64, Option<SystemTime>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = std::fs::symlink_metadata(e.path()).unwrap();
            (e.file_name(), (meta.len(), meta.modified().ok()))
        })
        .collect()
}

fn run(dir: &Path, args: &[&OsStr]) -> (Output, Duration) {
    let tmp = dir.with_extension("tmp");
    let mut cmd = Command::cargo_bin("clipwright").unwrap();
    cmd.current_dir(dir).env("TMPDIR", &tmp).args(args);
    let start = Instant::now();
    let out = common::run_within(&mut cmd, Duration::from_secs(60));
    (out, start.elapsed())
}

/// A name as it appears in messages.
fn shown(name: &OsStr) -> String {
    Path::new(name).display().to_string()
}

struct Case {
    args: Vec<OsString>,
    /// The name the command gets that the error should mention.
    odd: OsString,
    /// The output the command may write.
    output: Option<OsString>,
}

impl Case {
    fn new(args: Vec<OsString>, odd: &OsStr, output: Option<&OsString>) -> Case {
        Case {
            args,
            odd: odd.to_owned(),
            output: output.cloned(),
        }
    }
}

fn check(dir: &Path, case: &Case) {
    let before = snapshot(dir);
    let args: Vec<&OsStr> = case.args.iter().map(OsString::as_os_str).collect();
    let (out, _took) = run(dir, &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {err}");
    assert!(out.status.code().is_some(), "{args:?} was killed: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    if !out.status.success() {
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: one line: {err}");
        assert!(lines[0].starts_with("clipwright: "), "{args:?}: {err}");
        assert!(
            lines[0].contains(&shown(&case.odd)),
            "{args:?}: the error names {:?}: {err}",
            shown(&case.odd)
        );
    }
    let after = snapshot(dir);
    for (name, old) in &before {
        if Some(name) == case.output.as_ref() {
            continue;
        }
        assert_eq!(after.get(name), Some(old), "{args:?} changed {name:?}");
    }
    for name in after.keys() {
        assert!(
            before.contains_key(name) || Some(name) == case.output.as_ref(),
            "{args:?} wrote {name:?}"
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.with_extension("tmp"))
            .unwrap()
            .count(),
        0,
        "{args:?} left a temporary file"
    );
    // Start the next case from a clean folder.
    if let Some(o) = &case.output {
        let _ = std::fs::remove_file(dir.join(o));
    }
}

fn os(s: &str) -> OsString {
    OsString::from(s)
}

/// A command's arguments: the plain `words`, then the names in `then`, as they are.
fn cmd(words: &str, then: &[&OsStr]) -> Vec<OsString> {
    let plain = words.split_whitespace().map(os);
    plain.chain(then.iter().map(|&t| t.to_owned())).collect()
}

/// `--flag=value`, so a value starting with a dash stays a value.
fn flag(name: &str, value: &OsStr) -> OsString {
    let mut s = OsString::from(format!("--{name}="));
    s.push(value);
    s
}

/// A short recording of the test pattern, without its output.
const RECORD: &str = "record --test-pattern 64x64 --audio none --duration 0.3";

#[cfg(unix)]
fn odd_names() -> Vec<OsString> {
    use std::os::unix::ffi::OsStringExt;
    vec![
        OsString::from_vec(b"caf\xe9 \xff.mp4".to_vec()),
        os("-rf.mp4"),
        os("http:127.0.0.1:9.mp4"),
        os("concat:a.mp4|b.mp4"),
        os("pipe:1"),
        os("file:x.mp4"),
        os("subfile,,start,0,end,1,,:a.mp4"),
    ]
}

#[cfg(unix)]
#[test]
fn odd_names_and_odd_files_never_panic_hang_or_touch_other_files() {
    let root = tempfile::tempdir().unwrap();
    let d = &root.path().join("work");
    std::fs::create_dir(d).unwrap();
    std::fs::create_dir(d.with_extension("tmp")).unwrap();
    let good = d.join("good.mp4");
    std::fs::copy(common::fixture(&common::H264_AAC), &good).unwrap();
    std::fs::write(d.join("good.srt"), "1\n00:00:00,000 --> 00:00:01,000\nHi\n").unwrap();
    assert!(Command::new("mkfifo")
        .arg(d.join("fifo.mp4"))
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink("good.mp4", d.join("link.mp4")).unwrap();
    std::os::unix::fs::symlink("nowhere.mp4", d.join("dangling.mp4")).unwrap();

    let mut media: Vec<(OsString, bool)> = Vec::new();
    for name in odd_names() {
        // Half of the odd names hold real media, half hold junk.
        let real = media.len().is_multiple_of(2);
        if real {
            std::fs::copy(&good, d.join(&name)).unwrap();
        } else {
            std::fs::write(d.join(&name), b"not media, not subtitles \x00\x01").unwrap();
        }
        media.push((name, real));
    }
    let specials = [
        (os("fifo.mp4"), false),
        (os("/dev/zero"), false),
        (os("link.mp4"), true),
        (os("dangling.mp4"), false),
        (os("missing.mp4"), false),
    ];
    media.extend(specials);

    let out_mp4 = os("out.mp4");
    let out_srt = os("out.srt");
    for (name, real) in &media {
        let mut cases = vec![
            Case::new(cmd("probe --", &[name]), name, None),
            Case::new(
                cmd(
                    "export -q --no-hardware --trim 0..0.2 -o out.mp4",
                    &[&flag("input", name)],
                ),
                name,
                Some(&out_mp4),
            ),
            Case::new(
                cmd(
                    "export -q --no-hardware --input good.mp4 -o out.mp4",
                    &[&flag("subtitles", name)],
                ),
                name,
                Some(&out_mp4),
            ),
            Case::new(cmd("export -o out.mp4 --", &[name]), name, Some(&out_mp4)),
            Case::new(
                cmd("subtitles convert --", &[name, &out_srt]),
                name,
                Some(&out_srt),
            ),
        ];
        if !real {
            // Fails on the media before any model is looked for.
            cases.push(Case::new(
                cmd("transcribe -o out.srt --", &[name]),
                name,
                Some(&out_srt),
            ));
        }
        for case in &cases {
            check(d, case);
        }
    }

    // The same names as outputs, where none exists yet (the odd files above are moved
    // away first, so each name is new).
    for name in odd_names() {
        std::fs::remove_file(d.join(&name)).unwrap();
        let mut mp4 = name.clone();
        if Path::new(&name).extension() != Some(OsStr::new("mp4")) {
            mp4.push(".mp4");
        }
        let mut srt = name.clone();
        srt.push(".srt");
        let cases = [
            Case::new(
                cmd(
                    "export -q --no-hardware --trim 0..0.2 --input good.mp4",
                    &[&flag("output", &mp4)],
                ),
                &mp4,
                Some(&mp4),
            ),
            Case::new(cmd(RECORD, &[&flag("output", &mp4)]), &mp4, Some(&mp4)),
            Case::new(
                cmd("subtitles convert good.srt --", &[&srt]),
                &srt,
                Some(&srt),
            ),
        ];
        for case in &cases {
            check(d, case);
        }
    }

    // Outputs that must be refused and left alone: an existing file for `record`, a FIFO,
    // a device, a dangling link.
    for out in [
        "good.mp4",
        "fifo.mp4",
        "/dev/zero",
        "dangling.mp4",
        "link.mp4",
    ] {
        let cases = [
            Case::new(
                cmd(RECORD, &[OsStr::new("-o"), OsStr::new(out)]),
                &os(out),
                None,
            ),
            Case::new(
                cmd("subtitles convert good.srt", &[OsStr::new(out)]),
                &os(out),
                None,
            ),
        ];
        for case in &cases {
            let args: Vec<&OsStr> = case.args.iter().map(OsString::as_os_str).collect();
            let (res, _) = run(d, &args);
            assert!(!res.status.success(), "{args:?} must be refused");
            check(d, case);
        }
    }
}
