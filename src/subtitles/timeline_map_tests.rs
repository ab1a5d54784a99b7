//! Tests of the mapping between subtitle documents and timeline subtitle tracks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::subtitles::{parse_str, Format};
use crate::timeline::{ClipId, SourceId, Speed, SpeedFactor};

const STYLED_ASS: &str = "[Script Info]
ScriptType: v4.00+
PlayResX: 640
PlayResY: 360

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,20,&H00FFFFFF,&H0000DDFF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,2,1,2,10,10,20,1
Style: Top,DejaVu Sans,30,&H0000FFFF,&H000000FF,&H00000000,&H00000000,-1,1,0,0,100,100,0,0,1,3,0,8,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,{\\k50}Hello {\\k20}{\\k100}world
Dialogue: 0,0:00:04.00,0:00:05.50,Top,,0,0,0,,Line one\\Nline two
Comment: 0,0:00:06.00,0:00:07.00,Default,,0,0,0,,not shown
";

fn ms(t: Time) -> i64 {
    time_to_ms(t)
}

#[test]
fn an_ass_file_becomes_cues_with_styles_sized_for_the_timeline() {
    let (doc, _) = parse_str(STYLED_ASS, Format::Ass).unwrap();
    let track = doc_to_track(&doc, CueId(10));
    assert_eq!(
        track.cues.len(),
        2,
        "comments are not shown, so not imported"
    );
    let first = &track.cues[0];
    assert_eq!(
        (first.id, ms(first.start), ms(first.end)),
        (CueId(10), 1000, 3000)
    );
    assert_eq!(first.text, "Hello world");
    assert_eq!(track.cues[1].text, "Line one\nline two");
    assert_eq!(track.cues[1].style.as_deref(), Some("Top"));

    let top = &track.styles["Top"];
    assert_eq!(
        top.font_size, 90.0,
        "30 px of a 360-px script is 90 px of 1080"
    );
    assert!(top.bold && top.italic);
    assert_eq!(top.alignment, Alignment::TopCenter);
    assert_eq!(top.color, Color::rgb(255, 255, 0));
    let default = &track.styles["Default"];
    assert_eq!(
        default.shadow_color.a, 127,
        "ASS alpha 0x80 is mostly transparent"
    );
    assert_eq!(default.highlight_color, Color::rgb(255, 221, 0));
}

#[test]
fn karaoke_tags_become_word_timings_and_back() {
    let (doc, _) = parse_str(STYLED_ASS, Format::Ass).unwrap();
    let track = doc_to_track(&doc, CueId(1));
    let words: Vec<(String, i64, i64)> = track.cues[0]
        .words
        .iter()
        .map(|w| (w.text.clone(), ms(w.start), ms(w.end)))
        .collect();
    assert_eq!(
        words,
        vec![("Hello".into(), 1000, 1500), ("world".into(), 1700, 2700)]
    );

    let out = track_to_doc(&track.cues, &track.styles, Format::Ass, Some(KaraokeTag::K));
    let text = out.write(Format::Ass);
    assert!(text.contains("{\\k50}Hello {\\k20}{\\k100}world"), "{text}");
    assert!(text.contains("Style: Top,DejaVu Sans,90,"), "{text}");
    let (back, warnings) = parse_str(&text, Format::Ass).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(doc_to_track(&back, CueId(1)).cues, track.cues);
}

#[test]
fn styles_survive_a_trip_through_ass() {
    let mut styles = BTreeMap::new();
    let style = TextStyle {
        font_family: "Inter".into(),
        font_size: 72.0,
        bold: true,
        alignment: Alignment::MiddleLeft,
        color: Color::rgb(10, 20, 30),
        ..TextStyle::default()
    };
    styles.insert("Big".to_owned(), style.clone());
    let cues = vec![SubtitleCue::new(
        CueId(1),
        Time::ZERO,
        Time::from_secs(1),
        "hi",
    )];
    let doc = track_to_doc(&cues, &styles, Format::Ass, None);
    let (read, _) = parse_str(&doc.write(Format::Ass), Format::Ass).unwrap();
    let back = doc_to_track(&read, CueId(1));
    assert_eq!(back.styles["Big"], style);
    assert!(back.styles.contains_key("Default"));
}

#[test]
fn srt_and_vtt_get_plain_text_with_vtt_escapes() {
    let cues = vec![SubtitleCue::new(
        CueId(1),
        Time::from_millis(1500),
        Time::from_secs(3),
        "a < b & c",
    )];
    let srt =
        track_to_doc(&cues, &BTreeMap::new(), Format::Srt, Some(KaraokeTag::K)).write(Format::Srt);
    assert!(
        srt.contains("00:00:01,500 --> 00:00:03,000\na < b & c"),
        "{srt}"
    );
    let vtt = track_to_doc(&cues, &BTreeMap::new(), Format::Vtt, None).write(Format::Vtt);
    assert!(vtt.contains("a &lt; b &amp; c"), "{vtt}");
}

fn clip_at_speed(milli: u32) -> Clip {
    // Source 10 s..20 s placed at 100 s on the timeline.
    let mut clip = Clip::media(
        ClipId(1),
        SourceId(1),
        Time::from_secs(100),
        Time::from_secs(10),
        Time::from_secs(20),
    );
    clip.speed = Speed::constant(SpeedFactor::from_milli(milli).unwrap());
    clip
}

fn cue_with_word(id: u64, start_ms: i64, end_ms: i64) -> SubtitleCue {
    let mut cue = SubtitleCue::new(CueId(id), ms_to_time(start_ms), ms_to_time(end_ms), "word");
    cue.words.push(TimelineWord {
        start: ms_to_time(start_ms),
        end: ms_to_time(end_ms),
        text: "word".into(),
    });
    cue
}

#[test]
fn source_timed_cues_follow_the_clip_position_trim_and_speed() {
    let cues = vec![
        cue_with_word(1, 5_000, 6_000),   // before the trim: dropped
        cue_with_word(2, 12_000, 14_000), // inside
        cue_with_word(3, 19_000, 22_000), // straddles the out point: cut
    ];
    let placed = source_cues_on_timeline(&cues, &clip_at_speed(2000));
    let times: Vec<(u64, i64, i64)> = placed
        .iter()
        .map(|c| (c.id.0, ms(c.start), ms(c.end)))
        .collect();
    assert_eq!(times, vec![(2, 101_000, 102_000), (3, 104_500, 105_000)]);
    assert_eq!(ms(placed[0].words[0].start), 101_000);
}

#[test]
fn cues_over_a_clip_stay_on_their_words_when_its_speed_changes() {
    let before = clip_at_speed(1000);
    let after = clip_at_speed(500); // half speed: twice as long
    let cues = vec![
        cue_with_word(1, 102_000, 104_000),
        cue_with_word(2, 50_000, 51_000), // not over the clip: untouched
    ];
    let moved = follow_clip_change(&cues, &before, &after);
    let times: Vec<(u64, i64, i64)> = moved
        .iter()
        .map(|c| (c.id.0, ms(c.start), ms(c.end)))
        .collect();
    assert_eq!(times, vec![(2, 50_000, 51_000), (1, 104_000, 108_000)]);
}

#[test]
fn a_freeze_frame_carries_no_speech() {
    let mut clip = clip_at_speed(1000);
    clip.speed = Speed {
        curve: SpeedCurve::Freeze {
            duration: Time::from_secs(2),
        },
        ..Speed::default()
    };
    assert!(source_cues_on_timeline(&[cue_with_word(1, 12_000, 13_000)], &clip).is_empty());
}

#[test]
fn override_tags_from_a_file_are_written_back_until_the_text_is_edited() {
    let (doc, _) = parse_str(STYLED_ASS, Format::Ass).unwrap();
    let mut track = doc_to_track(&doc, CueId(1));
    assert_eq!(
        track.cues[0].markup.as_deref(),
        Some("{\\k50}Hello {\\k20}{\\k100}world")
    );
    assert_eq!(track.cues[1].markup, None, "plain lines keep nothing extra");
    let written = track_to_doc(&track.cues, &track.styles, Format::Ass, None);
    assert_eq!(written.events[0].text, "{\\k50}Hello {\\k20}{\\k100}world");
    track.cues[0].text = "Goodbye world".into();
    let edited = track_to_doc(&track.cues, &track.styles, Format::Ass, None);
    assert_eq!(edited.events[0].text, "Goodbye world");
}
