//! Property tests: no input makes a subtitle parser or writer panic, whatever the
//! bytes; text built from the formats' own pieces (timestamps, arrows, tags,
//! section headers) reaches deep into the parsers; and what a parser accepts is
//! written in a stable form (writing, reading and writing again changes nothing).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clipwright::subtitles::{self, Cue, Format, SubtitleDoc};
use proptest::prelude::*;

const FORMATS: [Format; 4] = [Format::Srt, Format::Vtt, Format::Ass, Format::Ssa];

/// Pieces of real subtitle files, glued together at random.
const PIECES: &[&str] = &[
    "1",
    "12",
    "\n",
    "\n",
    "\n",
    "\r\n",
    "\r",
    " ",
    ",",
    ":",
    ".",
    "-->",
    " --> ",
    "00:00:01,000",
    "00:00:02.500",
    "0:00:03.00",
    "99:59:59.999",
    "01:02.5",
    "999999999:00:00",
    "{",
    "}",
    "\\",
    "\\N",
    "\\n",
    "\\h",
    "{\\b1}",
    "{\\i0}",
    "{\\an8}",
    "{\\p1}",
    "{\\t(0,5,\\b1)}",
    "{\\c&H00FF00&}",
    "{\\k",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<",
    ">",
    "</",
    "<font color=\"#ff0000\">",
    "</font>",
    "<v Ann>",
    "<c.loud>",
    "&amp;",
    "&",
    "&#x1F600;",
    "&#99999999;",
    "[Script Info]",
    "[Events]",
    "[V4+ Styles]",
    "[V4 Styles]",
    "[Fonts]",
    "[",
    "]",
    "ScriptType: v4.00",
    "Format: Layer, Start, End, Style, Text",
    "Format: Name, Fontsize, Alignment",
    "Format: Marked, Start, End, Text",
    "Dialogue: ",
    "Comment: ",
    "Style: ",
    "Default",
    "&HFF00FF00",
    "-1",
    "WEBVTT",
    "NOTE",
    "STYLE",
    "REGION",
    "line:0",
    " align:start",
    "é",
    "\u{feff}",
    "日本",
    "\t",
    ";",
];

fn piece_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|p| p.concat())
}

/// A few pieces glued together: a field value or a line of cue text.
fn fragment() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..4).prop_map(|p| p.concat())
}

const TIMES: &[&str] = &[
    "00:00:01,000",
    "00:00:02.500",
    "0:00:03.00",
    "0:00:00.00",
    "01:02.5",
    "1:2:3",
    "00:00:04,5",
    "99:59:59.999",
    "x",
    "",
];
const COLUMNS: &[&str] = &[
    "Layer",
    "Start",
    "End",
    "Style",
    "Name",
    "MarginL",
    "MarginR",
    "MarginV",
    "Effect",
    "Text",
    "Marked",
    "Fontname",
    "Fontsize",
    "PrimaryColour",
    "Bold",
    "Alignment",
    "Encoding",
    "Bogus",
];

/// One line shaped like a line of some subtitle format.
fn subtitle_line() -> impl Strategy<Value = String> {
    let time = || prop::sample::select(TIMES);
    prop_oneof![
        Just(String::new()),
        (1u32..5).prop_map(|n| n.to_string()),
        (time(), time(), fragment()).prop_map(|(a, b, s)| format!("{a} --> {b} {s}")),
        fragment(),
        prop::sample::select(
            &[
                "[Script Info]",
                "[V4+ Styles]",
                "[V4 Styles]",
                "[Events]",
                "[Fonts]",
                "WEBVTT",
                "NOTE n",
                "STYLE"
            ][..]
        )
        .prop_map(str::to_owned),
        prop::sample::subsequence(COLUMNS, 0..COLUMNS.len())
            .prop_shuffle()
            .prop_map(|c| format!("Format: {}", c.join(", "))),
        (
            prop::sample::select(&["Dialogue", "Comment", "Style", "Sound", "Nope"][..]),
            prop::collection::vec(
                prop_oneof![time().prop_map(str::to_owned), fragment()],
                0..12
            )
        )
            .prop_map(|(kind, fields)| format!("{kind}: {}", fields.join(","))),
        (time(), time(), fragment(), fragment())
            .prop_map(|(a, b, style, text)| format!("Dialogue: 0,{a},{b},{style},,0,0,0,,{text}")),
        (time(), time(), fragment())
            .prop_map(|(a, b, text)| format!("Dialogue: Marked=0,{a},{b},{text}")),
    ]
}

/// Openings that put the lines after them inside a WebVTT body or an ASS events
/// section, so the parsers' deeper paths are reached often.
const OPENINGS: &[&str] = &[
    "",
    "WEBVTT",
    "[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    "[V4 Styles]\nFormat: Name, Fontname, Alignment\n[Events]\nFormat: Marked, Start, End, Text",
];

/// Whole files of subtitle-shaped lines, with LF or CRLF line endings.
fn subtitle_file() -> impl Strategy<Value = String> {
    (
        prop::sample::select(OPENINGS),
        prop::collection::vec(subtitle_line(), 0..30),
        any::<bool>(),
    )
        .prop_map(|(opening, lines, crlf)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            format!("{}{nl}{}", opening.replace('\n', nl), lines.join(nl))
        })
}

/// Parses, and if that works writes in every format and reads each back: none of
/// it may panic. Returns the document.
fn exercise(bytes: &[u8], format: Format) -> Option<SubtitleDoc> {
    let (doc, _) = subtitles::parse(bytes, format).ok()?;
    for target in FORMATS {
        let text = doc.write(target);
        let _ = subtitles::parse(text.as_bytes(), target);
        for cue in &doc.events {
            let _ = doc.plain_text(cue);
        }
    }
    Some(doc)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_any_parser(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        for format in FORMATS {
            exercise(&bytes, format);
        }
    }

    #[test]
    fn subtitle_shaped_text_never_panics_any_parser(text in piece_text(), file in subtitle_file()) {
        for format in FORMATS {
            exercise(text.as_bytes(), format);
            exercise(file.as_bytes(), format);
        }
    }

    #[test]
    fn whatever_is_accepted_is_written_in_a_stable_form(text in subtitle_file()) {

        for format in FORMATS {
            let Ok((doc, _)) = subtitles::parse(text.as_bytes(), format) else { continue };
            let once = doc.write(doc.format);
            let (again, _) = subtitles::parse(once.as_bytes(), doc.format).unwrap();
            prop_assert_eq!(&again.write(doc.format), &once, "{:?} from {:?}", format, text);
        }
    }

    #[test]
    fn generated_cues_survive_srt_vtt_and_ass_round_trips(
        cues in prop::collection::vec(
            (0i64..360_000_000, 0i64..600_000, "[a-zA-Z][a-zA-Z0-9 ,.!?éü]{0,20}(\n[a-zA-Z][a-zA-Z0-9 ,.!?]{0,20})?"),
            1..20,
        )
    ) {
        let mut doc = SubtitleDoc::new(Format::Srt);
        for (start, len, text) in &cues {
            // Multiples of 10 ms so ASS's centiseconds hold them exactly.
            doc.events.push(Cue::new(start / 10 * 10, (start + len) / 10 * 10, text.clone()));
        }
        doc.events.sort_by_key(|c| c.start_ms);
        for target in FORMATS {
            let written = doc.write(target);
            let (back, warnings) = subtitles::parse(written.as_bytes(), target).unwrap();
            prop_assert!(warnings.is_empty(), "{:?}: {:?}", target, warnings);
            prop_assert_eq!(back.events.len(), doc.events.len());
            for (a, b) in doc.events.iter().zip(&back.events) {
                prop_assert_eq!((a.start_ms, a.end_ms), (b.start_ms, b.end_ms));
                prop_assert_eq!(doc.plain_text(a), back.plain_text(b));
            }
        }
    }
}
