//! Transcription in the app: the whole timeline's speech (in timeline time) or one clip's
//! becomes a subtitle track in one undo step; cancelling leaves the project as it was; a
//! missing model is a readable error. Where only "a transcript comes back" matters, a
//! speech model that hears set words stands in for the real one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use clipwright::subtitles::transcribe::FakeSpeech;
use clipwright::ui::{ClipwrightApp, NoDialogs};
use common::app::{
    app_with_fixture_open, assert_one_step_then_undo, click_each, harness_answering,
    lowercase_text, open_media, step_until, subtitle_tracks, wait_for_transcript,
};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// The English test model; fails the test when it is not there.
fn test_speech_model() -> std::path::PathBuf {
    let models = std::env::var_os("CLIPWRIGHT_TEST_MODEL_DIR").expect(
        "CLIPWRIGHT_TEST_MODEL_DIR is not set: run ./scripts/test.sh, which fetches the speech \
         models, or set it to the folder scripts/fetch-test-models.sh prints",
    );
    let model = std::path::PathBuf::from(models).join("whisper-tiny.en-ct2");
    assert!(
        model.join("model.bin").is_file(),
        "no speech model in {}: run scripts/fetch-test-models.sh",
        model.display()
    );
    model
}

/// The app with `wav` on the timeline and selected, `model` picked in Transcribe.
fn transcribe_harness(
    wav: std::path::PathBuf,
    model: &std::path::Path,
) -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_answering(NoDialogs {
        media: Some(wav),
        model: Some(model.to_owned()),
        ..Default::default()
    });
    open_media(&mut harness, 1);
    pick_model_folder(&mut harness, model);
    harness
}

/// Opens Subtitles → Transcribe… and picks the model folder, which the dialogs answer
/// with `model`.
fn pick_model_folder(harness: &mut Harness<'static, ClipwrightApp>, model: &std::path::Path) {
    click_each(harness, &["Subtitles", "Transcribe…"]);
    harness.get_by_label("Model folder…").click();
    let expected = model.display().to_string();
    step_until(harness, |app| app.subtitles_model() == expected);
}

#[test]
fn transcribing_a_spoken_clip_adds_a_subtitle_track_with_its_words() {
    let model = test_speech_model();
    let dir = tempfile::tempdir().unwrap();
    let wav = common::spoken_wav(dir.path(), "the quick brown fox jumps over the lazy dog");
    let mut harness = transcribe_harness(wav, &model);
    click_each(&mut harness, &["Selected clip"]);
    assert!(!harness.state().subtitles_whole_timeline());
    click_each(&mut harness, &["Start transcribing"]);
    let track = &wait_for_transcript(&mut harness);
    let text = lowercase_text(&track.cues);
    eprintln!("heard: {text}");
    for word in ["quick", "brown", "fox", "lazy", "dog"] {
        assert!(text.contains(word), "{word} missing from {text:?}");
    }
    assert!(
        track.cues.iter().any(|c| !c.words.is_empty()),
        "word timings kept"
    );
    assert_eq!(track.language.as_deref(), Some("en"));
    assert!(
        harness.state().editor.history.undo_len() == 2,
        "import + transcript"
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert!(subtitle_tracks(harness.state()).is_empty(), "one undo step");
}

#[test]
fn a_folder_that_holds_no_speech_model_is_a_readable_error() {
    let empty = tempfile::tempdir().unwrap();
    let mut harness = app_with_fixture_open(NoDialogs {
        model: Some(empty.path().to_owned()),
        ..Default::default()
    });
    pick_model_folder(&mut harness, empty.path());
    harness.get_by_label("Start transcribing").click();
    step_until(&mut harness, |app| !app.toasts.is_empty());
    let toast = &harness.state().toasts[0];
    assert!(toast.is_error);
    let dir = empty.path().display().to_string();
    assert!(toast.text.contains(&dir), "{}", toast.text);
    assert!(subtitle_tracks(harness.state()).is_empty());
    harness.get_by_label("Start transcribing");
}

#[test]
fn cancelling_a_transcription_leaves_the_project_as_it_was() {
    let model = test_speech_model();
    let dir = tempfile::tempdir().unwrap();
    let wav = common::spoken_wav(
        dir.path(),
        "a longer sentence that the model would need a while to transcribe completely",
    );
    let mut harness = transcribe_harness(wav, &model);
    let steps = harness.state().editor.history.undo_len();
    harness.get_by_label("Start transcribing").click();
    harness.run_steps(2);
    harness.get_by_label("Cancel transcription").click();
    step_until(&mut harness, |app| {
        app.subtitles_note() == Some("Transcription cancelled")
    });
    assert!(subtitle_tracks(harness.state()).is_empty());
    assert!(harness.state().toasts.iter().all(|t| !t.is_error));
    assert_eq!(harness.state().editor.history.undo_len(), steps);
    harness.get_by_label("Start transcribing");
}

#[test]
fn the_whole_timeline_is_transcribed_in_timeline_time() {
    use clipwright::timeline::Time;
    let model = test_speech_model();
    let dir = tempfile::tempdir().unwrap();
    let wav = common::spoken_wav(dir.path(), "the quick brown fox jumps over the lazy dog");
    let mut harness = transcribe_harness(wav.clone(), &model);
    // The same sentence again, after the first, on the timeline only: the second half of
    // the transcript must be timed where that clip plays, not where its source starts.
    let info = clipwright::media::probe(&wav).unwrap().source_info();
    let first_end = harness.state().editor.project.clips_duration();
    harness.state_mut().editor.add_media(&wav, info).unwrap();
    harness.state_mut().editor.selection.clear();
    harness.run_steps(2);
    assert!(harness.state().subtitles_whole_timeline(), "the default");
    harness.get_by_label("Start transcribing").click();
    harness.run_steps(2);
    let track = wait_for_transcript(&mut harness);
    let text = |cues: &[&clipwright::timeline::SubtitleCue]| lowercase_text(cues.iter().copied());
    let (before, after): (Vec<_>, Vec<_>) = track
        .cues
        .iter()
        .partition(|c| c.start < first_end - Time::from_millis(300));
    eprintln!("first: {:?} second: {:?}", text(&before), text(&after));
    for half in [&before, &after] {
        let heard = text(half);
        assert!(heard.contains("fox") && heard.contains("dog"), "{heard:?}");
    }
    let end = harness.state().editor.project.clips_duration();
    assert!(track
        .cues
        .iter()
        .all(|c| c.end <= end + Time::from_millis(500)));
    assert_eq!(
        harness.state().editor.history.undo_len(),
        3,
        "import, add, transcript"
    );
}

#[test]
fn a_clips_transcript_lands_where_the_clip_plays_in_one_undo_step() {
    use clipwright::timeline::{Edit, Time};
    let mut harness = harness_answering(NoDialogs {
        media: Some(common::fixture(&common::H264_AAC)),
        ..Default::default()
    });
    harness
        .state_mut()
        .set_speech_model(Arc::new(FakeSpeech::hearing(
            "en",
            &[("hello", 100, 400), ("there", 500, 900)],
        )));
    open_media(&mut harness, 2);
    // The clip (and its linked sound) 2 s in: the words must follow it there.
    let app = harness.state_mut();
    let (track, clip) = app
        .editor
        .project
        .clips()
        .next()
        .map(|(t, c)| (t.id, c.id))
        .unwrap();
    let moved = Edit::MoveClip {
        clip,
        track,
        start: Time::from_secs(2),
    };
    app.editor.apply(moved).unwrap();
    app.editor.selection = [clip].into();
    let steps = app.editor.history.undo_len();
    click_each(
        &mut harness,
        &[
            "Subtitles",
            "Transcribe…",
            "Selected clip",
            "Start transcribing",
        ],
    );
    let track = wait_for_transcript(&mut harness);
    assert_eq!(track.cues.len(), 1, "{:?}", track.cues);
    let cue = &track.cues[0];
    assert_eq!(cue.text, "hello there");
    assert_eq!(
        (cue.start, cue.end),
        (Time::from_millis(2100), Time::from_millis(2900))
    );
    let words: Vec<_> = cue
        .words
        .iter()
        .map(|w| (w.text.as_str(), w.start))
        .collect();
    assert_eq!(
        words,
        [
            ("hello", Time::from_millis(2100)),
            ("there", Time::from_millis(2500))
        ]
    );
    assert_eq!(track.language.as_deref(), Some("en"));
    assert_one_step_then_undo(&mut harness, steps, "the transcript");
    assert!(subtitle_tracks(harness.state()).is_empty(), "one undo step");
}
