//! `clipwright subtitles convert` run as a real binary: formats come from the file
//! extensions, problems in the input are printed with the file and line, and what
//! cannot be read fails with one clear line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;

/// A new folder holding one file, `name`, of `text`.
fn folder_with(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    dir
}

fn convert(dir: &std::path::Path, input: &str, output: &str) -> std::process::Output {
    Command::cargo_bin("clipwright")
        .unwrap()
        .current_dir(dir)
        .args(["subtitles", "convert", input, output])
        .output()
        .unwrap()
}

/// [`convert`], which must succeed: what it said on stderr, and the file it wrote.
fn converted(dir: &std::path::Path, input: &str, output: &str) -> (String, String) {
    let out = convert(dir, input, output);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (stderr, std::fs::read_to_string(dir.join(output)).unwrap())
}

#[test]
fn an_srt_file_converts_to_ass_and_vtt_by_extension() {
    let dir = folder_with(
        "in.srt",
        "1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hello</i> there\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nBye\r\n",
    );
    let (warnings, ass) = converted(dir.path(), "in.srt", "out.ass");
    assert!(warnings.is_empty(), "a clean file gives no warnings");
    assert!(
        ass.contains("Dialogue: 0,0:00:01.00,0:00:02.50,Default,,0,0,0,,{\\i1}Hello{\\i0} there"),
        "{ass}"
    );

    // The input's CRLF line endings are kept.
    let vtt = converted(dir.path(), "out.ass", "back.vtt")
        .1
        .replace("\r\n", "\n");
    assert!(
        vtt.starts_with("WEBVTT") && vtt.contains("00:00:03.000 --> 00:00:04.000\nBye"),
        "{vtt}"
    );
}

#[test]
fn warnings_name_the_file_and_line_on_stderr() {
    // The second cue has no number and no blank line before it.
    let dir = folder_with(
        "broken.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nOne\n00:00:03,000 --> 00:00:04,000\nTwo\n",
    );
    let (stderr, vtt) = converted(dir.path(), "broken.srt", "fixed.vtt");
    assert!(stderr.lines().count() >= 1, "{stderr}");
    for line in stderr.lines() {
        assert!(line.starts_with("broken.srt: line 4:"), "{line}");
    }
    assert!(vtt.contains("Two"), "{vtt}");
}

#[test]
fn an_unknown_output_extension_or_a_missing_file_fails_with_one_line() {
    let dir = folder_with("in.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n");
    for (input, output, message) in [
        (
            "in.srt",
            "out.docx",
            "cannot tell the subtitle format of out.docx",
        ),
        (
            "missing.srt",
            "out.vtt",
            "cannot read subtitle file missing.srt",
        ),
    ] {
        let out = convert(dir.path(), input, output);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{input} -> {output}");
        assert!(stderr.contains(message), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}
