//! The subtitles tab driven through `egui_kittest`: typing a cue, importing and exporting
//! subtitle files, track styles and caption looks, following the playhead, and soft
//! subtitles in the export dialog.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::ui::{ClipwrightApp, NoDialogs};
use common::app::{
    app_with_fixture_open, choose_in_combo, click_each, harness_answering, step_until,
    subtitle_tracks,
};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

#[test]
fn a_subtitle_typed_at_the_playhead_is_one_undo_step() {
    use clipwright::timeline::TrackKind;
    let mut harness = app_with_fixture_open(NoDialogs::default());
    click_each(&mut harness, &["Subtitles", "New track", "Add at playhead"]);
    let steps_before = harness.state().editor.history.undo_len();

    let text_box = harness.get_all_by_label("Text").last().unwrap();
    text_box.focus();
    harness.run_steps(1);
    harness
        .get_all_by_label("Text")
        .last()
        .unwrap()
        .type_text("Hello stream");
    harness.run_steps(2);
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);

    let editor = &harness.state().editor;
    let track = editor
        .project
        .tracks
        .iter()
        .find(|t| t.kind == TrackKind::Subtitle)
        .unwrap();
    assert_eq!(track.cues.len(), 1);
    assert!(
        track.cues[0].text.ends_with("Hello stream"),
        "{:?}",
        track.cues[0].text
    );
    assert_eq!(
        editor.history.undo_len(),
        steps_before + 1,
        "typing is one step"
    );
}

/// The app with `dialogs`, the subtitle tab showing.
fn subtitle_harness(dialogs: NoDialogs) -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_answering(dialogs);
    click_each(&mut harness, &["Subtitles"]);
    harness
}

const TWO_CUES_SRT: &str = "1\n00:00:01,000 --> 00:00:02,500\nHello there\n\n\
                            2\n00:00:03,000 --> 00:00:04,200\nSecond line\n";

/// The subtitle tab with [`TWO_CUES_SRT`], saved as `dir/name`, imported as a track; the
/// other dialogs answer as `dialogs` says.
fn harness_with_two_cues(
    dir: &std::path::Path,
    name: &str,
    dialogs: NoDialogs,
) -> Harness<'static, ClipwrightApp> {
    let srt = dir.join(name);
    std::fs::write(&srt, TWO_CUES_SRT).unwrap();
    let mut harness = subtitle_harness(NoDialogs {
        subtitles: Some(srt),
        ..dialogs
    });
    harness.get_by_label("Import subtitles…").click();
    step_until(&mut harness, |app| !subtitle_tracks(app).is_empty());
    harness
}

/// Opens the track's style editor; the undo steps there were before.
fn open_style_editor(harness: &mut Harness<'static, ClipwrightApp>) -> usize {
    click_each(harness, &["Style"]);
    harness.state().editor.history.undo_len()
}

#[test]
fn importing_an_srt_makes_a_track_and_a_garbage_one_says_why_it_cannot() {
    use clipwright::timeline::Time;
    let dir = tempfile::tempdir().unwrap();
    let harness = harness_with_two_cues(dir.path(), "talk.srt", NoDialogs::default());
    let track = &subtitle_tracks(harness.state())[0];
    assert_eq!(track.name, "talk");
    assert_eq!(track.cues.len(), 2);
    assert_eq!(track.cues[0].start, Time::from_secs(1));
    assert_eq!(track.cues[1].text, "Second line");
    harness.get_by_label_contains("Hello there");
    assert_eq!(harness.state().editor.history.undo_len(), 1, "one step");

    let garbage = dir.path().join("garbage.srt");
    std::fs::write(
        &garbage,
        "this is not\na subtitle file at all\n\u{1}\u{2}\n",
    )
    .unwrap();
    let mut harness = subtitle_harness(NoDialogs {
        subtitles: Some(garbage),
        ..Default::default()
    });
    harness.get_by_label("Import subtitles…").click();
    step_until(&mut harness, |app| !app.toasts.is_empty());
    let toast = &harness.state().toasts[0];
    assert!(toast.is_error);
    assert!(toast.text.contains("garbage.srt"), "{}", toast.text);
    assert!(subtitle_tracks(harness.state()).is_empty());
    harness.run_steps(2);
    harness.get_by_label_contains("garbage.srt");
}

#[test]
fn exporting_a_track_as_webvtt_reads_back_the_same_cues() {
    let dir = tempfile::tempdir().unwrap();
    let vtt = dir.path().join("out.vtt");
    let dialogs = NoDialogs {
        save_subtitles: Some(vtt.clone()),
        ..Default::default()
    };
    let mut harness = harness_with_two_cues(dir.path(), "talk.srt", dialogs);
    choose_in_combo(&mut harness, "Export format", "WebVTT");
    harness.get_by_label("Export subtitles…").click();
    step_until(&mut harness, |_| vtt.exists());
    harness.run_steps(3);

    let text = std::fs::read_to_string(&vtt).unwrap();
    assert!(text.starts_with("WEBVTT"), "{text}");
    let (doc, warnings) = clipwright::subtitles::read_file(&vtt).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let cues: Vec<(i64, i64, String)> = doc
        .events
        .iter()
        .map(|c| (c.start_ms, c.end_ms, c.text.clone()))
        .collect();
    assert_eq!(
        cues,
        vec![
            (1000, 2500, "Hello there".to_owned()),
            (3000, 4200, "Second line".to_owned())
        ]
    );
}

#[test]
fn changing_the_track_style_gives_its_cues_that_style_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_with_two_cues(dir.path(), "English.srt", NoDialogs::default());
    let steps = open_style_editor(&mut harness);
    harness
        .get_by_role_and_label(egui::accesskit::Role::SpinButton, "Size")
        .set_value_accesskit(90.0);
    harness.run_steps(2);
    harness.get_by_label("Top centre").click_accesskit();
    harness.run_steps(2);

    let app = harness.state();
    let track = &subtitle_tracks(app)[0];
    let name = track.cues[0].style.clone().expect("the cues got a style");
    assert_eq!(name, "English");
    assert!(track
        .cues
        .iter()
        .all(|c| c.style.as_deref() == Some("English")));
    let style = app.editor.project.cue_style(&track.cues[1]);
    assert_eq!(style.font_size, 90.0);
    assert_eq!(style.alignment, clipwright::timeline::Alignment::TopCenter);
    assert_eq!(
        app.editor.history.undo_len(),
        steps + 2,
        "one step per change"
    );
    // The compositor draws cues from this style.
    let script = clipwright::render::ass_script(&app.editor.project, (1920, 1080), true).unwrap();
    assert!(script.contains(",90.0,"), "{script}");
}

#[test]
fn the_cue_under_the_playhead_is_scrolled_into_view() {
    use clipwright::timeline::Time;
    let dir = tempfile::tempdir().unwrap();
    let srt = dir.path().join("long.srt");
    let text: String = (0..60)
        .map(|i| {
            format!(
                "{}\n00:00:{:02},000 --> 00:00:{:02},800\nLine number {i}\n\n",
                i + 1,
                i,
                i
            )
        })
        .collect();
    std::fs::write(&srt, text).unwrap();
    let mut harness = subtitle_harness(NoDialogs {
        subtitles: Some(srt),
        ..Default::default()
    });
    harness.get_by_label("Import subtitles…").click();
    step_until(&mut harness, |app| !subtitle_tracks(app).is_empty());
    let visible = |h: &Harness<'_, ClipwrightApp>, label: &str| {
        let r = h.get_by_label_contains(label).rect();
        r.top() >= 0.0 && r.bottom() <= 640.0
    };
    assert!(!visible(&harness, "Line number 55"), "starts out of view");
    harness.state_mut().editor.playhead = Time::from_millis(55_300);
    harness.run_steps(4);
    assert!(visible(&harness, "Line number 55"), "followed the playhead");
}

#[test]
fn a_caption_look_becomes_the_track_style_in_one_step_and_the_words_follow_it() {
    use clipwright::timeline::{caption_presets, Time, WordDisplay, WordTiming};
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_with_two_cues(dir.path(), "English.srt", NoDialogs::default());
    // Word timings, as transcription gives them, on the first cue.
    let mut cues = subtitle_tracks(harness.state())[0].cues.clone();
    let start = cues[0].start;
    let middle = start + Time::from_millis(500);
    let first_word = cues[0].text.split_whitespace().next().unwrap().to_owned();
    cues[0].words = vec![WordTiming {
        start,
        end: middle,
        text: first_word.clone(),
    }];
    let track = subtitle_tracks(harness.state())[0].id;
    harness
        .state_mut()
        .editor
        .apply(clipwright::timeline::Edit::SetCues { track, cues })
        .unwrap();
    let steps = open_style_editor(&mut harness);
    harness.get_by_label("One word at a time").click_accesskit();
    harness.run_steps(2);

    let app = harness.state();
    let track = &subtitle_tracks(app)[0];
    let style = app.editor.project.cue_style(&track.cues[0]);
    let (_, look) = caption_presets()
        .into_iter()
        .find(|(n, _)| *n == "One word at a time")
        .unwrap();
    assert_eq!(style, look);
    assert_eq!(style.word_display, WordDisplay::OneWord);
    assert_eq!(app.editor.history.undo_len(), steps + 1, "one step");
    // The compositor draws only the spoken word, and only while it is said.
    let script = clipwright::render::ass_script(&app.editor.project, (1920, 1080), true).unwrap();
    let first_cue: Vec<&str> = script
        .lines()
        .filter(|l| l.contains(&first_word) && l.starts_with("Dialogue: 100,"))
        .collect();
    assert_eq!(first_cue.len(), 1, "{script}");
    assert!(
        first_cue[0].ends_with(&format!("}}{first_word}{{\\1c&HFFFFFF&}}")),
        "{script}"
    );
}

#[test]
fn a_caption_entrance_chosen_in_the_style_editor_is_saved_and_undone_in_one_step() {
    use clipwright::timeline::EntranceKind;
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_with_two_cues(dir.path(), "English.srt", NoDialogs::default());
    let steps = open_style_editor(&mut harness);
    // Below the caption looks, perhaps out of the panel's view: clicked by accessibility.
    harness.get_by_label("Entrance").click_accesskit();
    harness.run_steps(2);
    harness
        .get_by_label(EntranceKind::Typewriter.label())
        .click_accesskit();
    harness.run_steps(2);

    let app = harness.state();
    let track = &subtitle_tracks(app)[0];
    let style = app.editor.project.cue_style(&track.cues[0]);
    assert_eq!(style.entrance.kind, EntranceKind::Typewriter);
    assert_eq!(app.editor.history.undo_len(), steps + 1, "one step");
    // Each cue's letters are shown one at a time from its start.
    let script = clipwright::render::ass_script(&app.editor.project, (1920, 1080), true).unwrap();
    let typed = script
        .lines()
        .filter(|l| l.starts_with("Dialogue: 100,") && l.contains("\\alpha&HFF&\\t("))
        .count();
    assert_eq!(typed, 2, "both cues type: {script}");
    harness.state_mut().editor.undo().unwrap();
    harness.run_steps(2);
    let app = harness.state();
    let track = &subtitle_tracks(app)[0];
    let style = app.editor.project.cue_style(&track.cues[0]);
    assert_eq!(style.entrance.kind, EntranceKind::None);
}

#[test]
fn the_export_dialog_offers_soft_subtitles_and_says_where_styles_are_lost() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_with_two_cues(dir.path(), "English.srt", NoDialogs::default());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    harness.run_steps(2);
    harness
        .get_by_label("As a track players can switch on and off")
        .click_accesskit();
    harness.run_steps(2);
    assert!(harness.state().export.soft_subtitles);
    let notes = harness.query_all_by_label_contains("mov_text").count();
    assert_eq!(notes, 1, "MP4 says its styles are lost");
    // MKV, fourth in the format list.
    harness.state_mut().export.format = 3;
    harness.run_steps(2);
    assert_eq!(harness.state().export.extension(), "mkv");
    let notes = harness.query_all_by_label_contains("are lost").count();
    assert_eq!(notes, 0, "MKV keeps them");
}
