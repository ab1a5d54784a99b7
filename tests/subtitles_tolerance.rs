//! Broken real-world subtitle files: each fault is worked around with a warning
//! that names the right line, and what cannot be read at all is a clear error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clipwright::subtitles::{self, Format, SubtitleDoc, SubtitleError, Warning, WarningKind};

/// The (line, kind) of each warning, for compact assertions.
fn lines(warnings: &[Warning]) -> Vec<(Option<usize>, WarningKind)> {
    warnings.iter().map(|w| (w.line, w.kind)).collect()
}

/// Parses `text` as `format`, checking that it reads `events` cues with the warnings
/// `warned` (line, kind); returns the document.
fn parse_warned(
    text: &str,
    format: Format,
    events: usize,
    warned: &[(Option<usize>, WarningKind)],
) -> SubtitleDoc {
    let (doc, warnings) = subtitles::parse(text.as_bytes(), format).unwrap();
    assert_eq!(doc.events.len(), events);
    assert_eq!(lines(&warnings), warned);
    doc
}

#[test]
fn srt_missing_blank_lines_are_found_and_named() {
    let srt = "1\n00:00:01,000 --> 00:00:02,000\nfirst\n2\n00:00:03,000 --> 00:00:04,000\nsecond\n00:00:05,000 --> 00:00:06,000\nthird\n";
    let (doc, warnings) = subtitles::parse(srt.as_bytes(), Format::Srt).unwrap();
    let texts: Vec<&str> = doc.events.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["first", "second", "third"]);
    assert_eq!(
        lines(&warnings),
        [
            (Some(4), WarningKind::MissingBlankLine),
            (Some(7), WarningKind::MissingBlankLine),
            (Some(7), WarningKind::MissingIndex),
        ]
    );
    assert_eq!(
        warnings[0].to_string(),
        "line 4: no blank line before this cue"
    );
}

#[test]
fn srt_with_period_decimals_warns_once_naming_the_first_line() {
    let srt = "1\n00:00:01.000 --> 00:00:02.000\na\n\n2\n00:00:03.5 --> 00:00:04.25\nb\n\n3\n00:00:05.000 --> 00:00:06.000\nc\n";
    let (doc, warnings) = subtitles::parse(srt.as_bytes(), Format::Srt).unwrap();
    assert_eq!((doc.events[1].start_ms, doc.events[1].end_ms), (3500, 4250));
    assert_eq!(lines(&warnings), [(Some(2), WarningKind::LooseTimestamp)]);
    assert!(
        warnings[0].message.ends_with("(and 2 more lines)"),
        "{}",
        warnings[0]
    );
}

#[test]
fn out_of_order_srt_cues_are_sorted_with_a_warning_at_the_first_offender() {
    let srt = "1\n00:00:05,000 --> 00:00:06,000\nthird\n\n2\n00:00:01,000 --> 00:00:02,000\nfirst\n\n3\n00:00:03,000 --> 00:00:04,000\nsecond\n";
    let (doc, warnings) = subtitles::parse(srt.as_bytes(), Format::Srt).unwrap();
    let texts: Vec<&str> = doc.events.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["first", "second", "third"]);
    assert_eq!(lines(&warnings), [(Some(5), WarningKind::OutOfOrder)]);
    assert!(doc
        .write(Format::Srt)
        .starts_with("1\n00:00:01,000 --> 00:00:02,000\nfirst\n"));
}

#[test]
fn srt_stray_lines_and_backwards_cues_are_reported_by_line() {
    let srt = "\u{feff}Subtitles by someone\n\n1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:04,000 --> 00:00:03,000\nbackwards\n";
    let warned = [
        (Some(1), WarningKind::UnreadableLine),
        (Some(8), WarningKind::EndBeforeStart),
    ];
    parse_warned(srt, Format::Srt, 2, &warned);
}

#[test]
fn srt_without_hours_and_with_lone_cr_line_endings_still_reads() {
    let srt = "1\r01:02,5 --> 01:04,0\rold mac file\r";
    let (doc, warnings) = subtitles::parse(srt.as_bytes(), Format::Srt).unwrap();
    assert_eq!(
        (doc.events[0].start_ms, doc.events[0].end_ms),
        (62_500, 64_000)
    );
    assert_eq!(doc.events[0].text, "old mac file");
    assert_eq!(lines(&warnings), [(Some(2), WarningKind::LooseTimestamp)]);
}

#[test]
fn vtt_without_header_and_with_commas_warns_on_the_right_lines() {
    let vtt = "00:00:01,000 --> 00:00:02,000\nhello\n\nbroken id\nnot a timing\n\n00:00:03.000 --> 00:00:04.000\nbye\n";
    let warned = [
        (Some(1), WarningKind::MissingHeader),
        (Some(1), WarningKind::LooseTimestamp),
        (Some(5), WarningKind::UnreadableLine),
    ];
    parse_warned(vtt, Format::Vtt, 2, &warned);
}

#[test]
fn vtt_cue_running_into_the_next_one_is_split_with_a_warning() {
    let vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\none\n00:03.000 --> 00:04.000\ntwo\n";
    let warned = [(Some(5), WarningKind::MissingBlankLine)];
    parse_warned(vtt, Format::Vtt, 2, &warned);
}

#[test]
fn ass_lines_that_cannot_be_read_are_kept_verbatim_and_named() {
    let ass = "[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize\nStyle: Default,Arial,huge\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,fine\nDialogue: 0,soon,later,Default,,0,0,0,,bad time\nDialogue: x,0:00:03.00,0:00:04.00,Default,,0,0,0,,bad layer\ngarbage here\n";
    let warned = [
        (Some(6), WarningKind::BadField),
        (Some(11), WarningKind::UnreadableLine),
        (Some(12), WarningKind::BadField),
        (Some(13), WarningKind::UnreadableLine),
    ];
    let doc = parse_warned(ass, Format::Ass, 2, &warned);
    // Nothing is lost: the unreadable lines come back where they were.
    assert_eq!(doc.write(Format::Ass), ass);
}

#[test]
fn ass_without_format_lines_assumes_the_standard_columns() {
    let ass = "[Script Info]\nScriptType: v4.00+\n\n[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,text, with comma\n";
    let (doc, warnings) = subtitles::parse(ass.as_bytes(), Format::Ass).unwrap();
    assert_eq!(doc.events[0].text, "text, with comma");
    assert_eq!(lines(&warnings), [(Some(5), WarningKind::MissingHeader)]);
}

#[test]
fn binary_garbage_is_refused_with_a_clear_error() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0";
    for format in [Format::Srt, Format::Vtt, Format::Ass] {
        let err = subtitles::parse(png, format).unwrap_err();
        assert!(matches!(err, SubtitleError::Binary { .. }), "{err}");
        assert!(err.to_string().contains("not a subtitle file"));
    }
}

#[test]
fn text_without_any_cue_is_an_error_naming_the_format() {
    let prose = b"Dear diary,\nno subtitles here.\n";
    let err = subtitles::parse(prose, Format::Srt).unwrap_err();
    assert!(matches!(
        err,
        SubtitleError::NoCues {
            format: Format::Srt
        }
    ));
    assert_eq!(
        err.to_string(),
        "no subtitle found when reading this as SRT"
    );
    assert!(subtitles::parse(prose, Format::Vtt).is_err());
    assert!(subtitles::parse(prose, Format::Ass).is_err());
}

#[test]
fn empty_files_are_empty_documents() {
    for format in [Format::Srt, Format::Vtt, Format::Ass, Format::Ssa] {
        let (doc, warnings) = subtitles::parse(b"\r\n\r\n", format).unwrap();
        assert!(doc.events.is_empty() && warnings.is_empty(), "{format}");
    }
}

#[test]
fn file_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.srt");
    let err = subtitles::read_file(&missing).unwrap_err();
    assert!(err.to_string().contains("missing.srt"), "{err}");

    let garbage = dir.path().join("notes.srt");
    std::fs::write(&garbage, "just words\n").unwrap();
    let err = subtitles::read_file(&garbage).unwrap_err();
    assert!(
        err.to_string().starts_with(&garbage.display().to_string()),
        "{err}"
    );

    let unknown = dir.path().join("mystery.dat");
    std::fs::write(&unknown, "just words\n").unwrap();
    let err = subtitles::read_file(&unknown).unwrap_err();
    assert!(matches!(err, SubtitleError::UnknownFormat { .. }), "{err}");

    let vtt_named_srt = dir.path().join("really_vtt.srt");
    std::fs::write(
        &vtt_named_srt,
        "WEBVTT\n\nsay\n00:01.000 --> 00:02.000\nhi\n",
    )
    .unwrap();
    let (doc, warnings) = subtitles::read_file(&vtt_named_srt).unwrap();
    assert_eq!(doc.format, Format::Vtt);
    assert_eq!(doc.events[0].identifier.as_deref(), Some("say"));
    assert_eq!(lines(&warnings), [(None, WarningKind::FormatMismatch)]);

    let into_missing_dir = dir.path().join("no/such/dir/out.srt");
    let doc = subtitles::SubtitleDoc::new(Format::Srt);
    let err = subtitles::write_file(&into_missing_dir, &doc).unwrap_err();
    assert!(matches!(err, SubtitleError::Write { .. }) && err.to_string().contains("out.srt"));
}

#[test]
fn content_sniffing_needs_real_headers() {
    let srt = b"1\n00:00:01,000 --> 00:00:02,000\n[Events]\n";
    assert_eq!(Format::sniff(srt), Some(Format::Srt));
    assert_eq!(
        Format::sniff(b"\xef\xbb\xbf[Script Info]\nTitle: x\n"),
        Some(Format::Ass)
    );
    assert_eq!(
        Format::sniff(b"[V4 Styles]\nFormat: Name\n\n[Events]\n"),
        Some(Format::Ssa)
    );
    assert_eq!(Format::sniff(b"WEBVTT\n"), Some(Format::Vtt));
    assert_eq!(Format::sniff(b"hello"), None);
}
