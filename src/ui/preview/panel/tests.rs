//! The preview panel playing sound: starting, moving the playhead, shuttling and editing
//! while playing, each heard from the right place.

use super::*;
use crate::timeline::{Edit, TrackKind};

/// An editor holding 3 s of a 1 kHz tone on an audio track, added as "Open media…" adds it.
fn tone_editor(dir: &Path) -> Editor {
    let tone = dir.join("tone.wav");
    let status = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"])
        .args(["-i", "sine=frequency=1000:sample_rate=48000:duration=3"])
        .arg(&tone)
        .status()
        .expect("the ffmpeg command line makes test media");
    assert!(status.success());
    let info = crate::media::probe(&tone).unwrap().source_info();
    let mut editor = Editor::new();
    editor.add_media(&tone, info).unwrap();
    editor
}

/// One frame of the panel without drawing: what `show` does before it draws.
fn frame(panel: &mut PreviewPanel, editor: &mut Editor, now: f64) {
    panel.sync_audio(editor, Path::new("."), now);
    panel.advance(editor, now);
}

/// A panel playing [`tone_editor`]'s tone from the start, one frame in; and its editor.
fn playing_tone(dir: &Path) -> (PreviewPanel, Editor) {
    let mut editor = tone_editor(dir);
    let mut panel = PreviewPanel::new(&egui::Context::default());
    panel.toggle_play(&editor, 0.0);
    frame(&mut panel, &mut editor, 0.0);
    (panel, editor)
}

#[test]
fn playing_from_the_very_start_keeps_playing_while_the_sound_opens() {
    let dir = tempfile::tempdir().unwrap();
    let mut editor = tone_editor(dir.path());
    let mut panel = PreviewPanel::new(&egui::Context::default());
    panel.toggle_play(&editor, 0.0);
    let started = std::time::Instant::now();
    let mut now = 0.0;
    while now < 0.6 {
        frame(&mut panel, &mut editor, now);
        assert!(panel.is_playing(), "stopped at {now:.3} s");
        std::thread::sleep(std::time::Duration::from_millis(16));
        now = started.elapsed().as_secs_f64();
    }
    assert!(editor.playhead > Time::ZERO, "the playhead moved on");
}

#[test]
fn moving_the_playhead_while_playing_plays_on_from_there_with_new_sound() {
    let dir = tempfile::tempdir().unwrap();
    let (mut panel, mut editor) = playing_tone(dir.path());
    let first = panel.sound.as_ref().map(|s| s.since);
    frame(&mut panel, &mut editor, 0.1);

    editor.playhead = Time::from_secs(2);
    frame(&mut panel, &mut editor, 0.2);
    assert!(panel.is_playing());
    assert!(
        editor.playhead >= Time::from_secs(2),
        "{:?}",
        editor.playhead
    );
    frame(&mut panel, &mut editor, 0.25);
    let second = panel.sound.as_ref().map(|s| s.since);
    assert!(
        second.is_some() && second != first,
        "the sound started again"
    );
    assert_eq!(panel.playing.map(|p| p.from), Some(Time::from_secs(2)));
}

#[test]
fn shuttling_forward_faster_starts_faster_sound_backwards_is_silent_and_k_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut editor = tone_editor(dir.path());
    let mut panel = PreviewPanel::new(&egui::Context::default());
    // From 1 s, so that J has somewhere to go back to.
    editor.playhead = Time::from_secs(1);
    panel.shuttle(&editor, 1, 0.0);
    frame(&mut panel, &mut editor, 0.0);
    let first = panel.sound.as_ref().map(|s| s.since);
    assert!(first.is_some(), "1× forward plays sound");
    panel.shuttle(&editor, 1, 0.1);
    frame(&mut panel, &mut editor, 0.1);
    assert!(panel.is_playing());
    let second = panel.sound.as_ref().map(|s| s.since);
    assert!(
        second.is_some() && second != first,
        "2× plays its own sound"
    );
    panel.shuttle(&editor, -1, 0.15);
    frame(&mut panel, &mut editor, 0.15);
    assert!(panel.is_playing());
    assert!(panel.sound.is_none(), "backwards is silent");
    panel.shuttle(&editor, 1, 0.2);
    panel.shuttle(&editor, 0, 0.3);
    frame(&mut panel, &mut editor, 0.3);
    assert!(!panel.is_playing());
    assert!(panel.sound.is_none());
}

#[test]
fn an_edit_while_playing_goes_to_the_sound_without_restarting_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut panel, mut editor) = playing_tone(dir.path());
    let since = panel.sound.as_ref().map(|s| s.since);
    let id = editor.first_track(TrackKind::Audio).unwrap();
    editor
        .apply(Edit::SetTrackFlags {
            id,
            muted: Some(true),
            locked: None,
            hidden: None,
        })
        .unwrap();
    frame(&mut panel, &mut editor, 0.1);
    let sound = panel.sound.as_ref().unwrap();
    assert_eq!(Some(sound.since), since, "the same sound plays on");
    assert_eq!(sound.revision, editor.revision, "with the edited project");
    assert!(panel.is_playing());
}
