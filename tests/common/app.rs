//! The app in a test window (`egui_kittest`, rendered with wgpu): how the UI tests start
//! it, wait for its workers, and drag the pointer across it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clipwright::timeline::{Canvas, CanvasPreset, Edit, Time};
use clipwright::ui::{ClipwrightApp, NoDialogs, RecorderPanel};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// eframe's storage as a map, standing in for the settings file between two app runs.
pub use clipwright::ui::MemoryStorage as Settings;

/// The app started with `settings` as its saved state.
pub fn app_with(settings: Settings) -> Harness<'static, ClipwrightApp> {
    let settings: &'static Settings = Box::leak(Box::new(settings));
    app_in(NoDialogs::default(), private_data_dir(), Some(settings))
}

/// A fresh temporary folder (kept while the test holds it) and the path of `name` in it.
pub fn temp_file(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}

/// The size of the test window, in points.
pub const WINDOW: egui::Vec2 = egui::vec2(1000.0, 640.0);

/// A fresh folder for the app's own files, so no autosave of another run shows up.
pub fn private_data_dir() -> PathBuf {
    tempfile::tempdir().unwrap().keep()
}

/// The app in a [`WINDOW`]-sized window whose file dialogs answer with `dialogs`, keeping
/// its autosaves in `data_dir` and started with `settings` as its saved state, if any.
pub fn app_in(
    dialogs: NoDialogs,
    data_dir: PathBuf,
    settings: Option<&'static dyn eframe::Storage>,
) -> Harness<'static, ClipwrightApp> {
    Harness::builder()
        .with_size(WINDOW)
        .wgpu()
        .build_eframe(move |cc| {
            if settings.is_some() {
                cc.storage = settings;
            }
            ClipwrightApp::with_data_dir(cc, Box::new(dialogs), data_dir)
        })
}

/// The app whose file dialogs answer with `dialogs`, with a private data folder.
pub fn harness_answering(dialogs: NoDialogs) -> Harness<'static, ClipwrightApp> {
    app_in(dialogs, private_data_dir(), None)
}

/// The app whose "Open media…" answers with `media` (`None`: the person cancels).
pub fn harness_with(media: Option<PathBuf>) -> Harness<'static, ClipwrightApp> {
    harness_answering(NoDialogs {
        media,
        ..Default::default()
    })
}

/// Steps the UI until `done` holds; workers run on real threads, so this waits for them.
pub fn step_until(harness: &mut Harness<'_, ClipwrightApp>, done: impl Fn(&ClipwrightApp) -> bool) {
    let start = Instant::now();
    while !done(harness.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "UI never got there"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    harness.run_steps(3);
}

/// Clicks "Open media…" and waits for its `clips` clips on the timeline.
pub fn open_media(harness: &mut Harness<'_, ClipwrightApp>, clips: usize) {
    harness.get_by_label("Open media…").click();
    step_until(harness, |app| app.editor.project.clips().count() == clips);
}

/// The app with the H.264/AAC fixture opened through "Open media…" (its picture and its
/// sound on the timeline), its other file dialogs answering with `dialogs`.
pub fn app_with_fixture_open(dialogs: NoDialogs) -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_answering(NoDialogs {
        media: Some(super::fixture(&super::H264_AAC)),
        ..dialogs
    });
    open_media(&mut harness, 2);
    harness
}

/// Saves the project with Ctrl+S and waits until it is saved.
pub fn save_with_ctrl_s(harness: &mut Harness<'_, ClipwrightApp>) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    step_until(harness, |app| !app.editor.dirty);
}

/// Opens the export dialog with Ctrl+E, clicks `choice` in it (if any), then "Choose…",
/// whose save dialog answers `out`, and waits for the dialog to show that output.
pub fn choose_export_output(
    harness: &mut Harness<'_, ClipwrightApp>,
    choice: Option<&str>,
    out: &Path,
) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    harness.run_steps(2);
    if let Some(choice) = choice {
        click_each(harness, &[choice]);
    }
    harness.get_by_label("Choose…").click();
    let out = out.display().to_string();
    step_until(harness, |app| app.export.output == out);
    harness.run_steps(2);
}

/// Asserts that the frame counters `exported` are those `expected`, frame by frame, all
/// but one at most; `what` names the frames in the message.
pub fn assert_frames_match(exported: &[u32], expected: &[u32], what: &str) {
    let off = exported
        .iter()
        .zip(expected)
        .filter(|(a, b)| a != b)
        .count();
    assert!(
        off <= 1,
        "{what}: exported {exported:?}, expected {expected:?}"
    );
}

/// How many different colours there are among `pixels`.
pub fn distinct_colours(pixels: impl IntoIterator<Item = [u8; 3]>) -> usize {
    let mut colours: Vec<[u8; 3]> = pixels.into_iter().collect();
    colours.sort_unstable();
    colours.dedup();
    colours.len()
}

/// Clicks the widgets labelled `labels` one after the other, two frames after each.
pub fn click_each(harness: &mut Harness<'_, ClipwrightApp>, labels: &[&str]) {
    for label in labels {
        harness.get_by_label(label).click();
        harness.run_steps(2);
    }
}

/// Opens the combo box labelled `combo` and picks `item` in its list.
pub fn choose_in_combo(harness: &mut Harness<'_, ClipwrightApp>, combo: &str, item: &str) {
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, combo)
        .click();
    harness.run_steps(2);
    click_each(harness, &[item]);
}

/// Asserts that the change just made is one undo step on top of the `steps` there were
/// (`what` says which), then undoes it with Ctrl+Z.
pub fn assert_one_step_then_undo(
    harness: &mut Harness<'_, ClipwrightApp>,
    steps: usize,
    what: &str,
) {
    assert_eq!(
        harness.state().editor.history.undo_len(),
        steps + 1,
        "{what}"
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
}

/// The words of `cues` in lower case, one string.
pub fn lowercase_text<'a>(
    cues: impl IntoIterator<Item = &'a clipwright::timeline::SubtitleCue>,
) -> String {
    cues.into_iter()
        .map(|c| c.text.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Clicks "Open media…", waits for its `clips` clips on the timeline, makes the canvas 9:16
/// with nothing selected, and waits for the preview to show it.
pub fn open_on_a_portrait_canvas(harness: &mut Harness<'_, ClipwrightApp>, clips: usize) {
    open_media(harness, clips);
    let (width, height) = CanvasPreset::Portrait9x16.size();
    resize_canvas(harness, width, height);
    harness.state_mut().editor.selection.clear();
    step_until(harness, |app| app.preview_settled());
}

/// Makes the project's canvas `width`×`height` (one undoable edit), keeping the rest of it.
pub fn resize_canvas(harness: &mut Harness<'_, ClipwrightApp>, width: u32, height: u32) {
    let editor = &mut harness.state_mut().editor;
    let canvas = Canvas {
        width,
        height,
        ..editor.project.canvas.clone()
    };
    editor.apply(Edit::SetCanvas { canvas }).unwrap();
}

/// Masks the status bar for a snapshot: it says whether an autosave is running, which
/// depends on timing.
pub fn mask_status_bar(harness: &mut Harness<'_, ClipwrightApp>) {
    harness.mask(egui::Rect::from_min_max(
        egui::pos2(0.0, WINDOW.y - 28.0),
        WINDOW.to_pos2(),
    ));
}

/// Readies the window for a snapshot: steps it 20 times, 30 ms apart, so the pictures drawn
/// on workers deliver the latest request, then masks the status bar.
pub fn settle_for_snapshot(harness: &mut Harness<'_, ClipwrightApp>) {
    for _ in 0..20 {
        harness.step();
        std::thread::sleep(Duration::from_millis(30));
    }
    mask_status_bar(harness);
}

/// Scrolls the inspector until the middle of the widget labelled `label` (with `role`, if
/// given) shows between the panel's tabs and the timeline below it.
pub fn scroll_inspector_to(
    harness: &mut Harness<'static, ClipwrightApp>,
    role: Option<egui::accesskit::Role>,
    label: &str,
) {
    let centre_y = |harness: &Harness<'static, ClipwrightApp>| {
        let node = match role {
            Some(role) => harness.get_by_role_and_label(role, label),
            None => harness.get_by_label(label),
        };
        node.rect().center().y
    };
    for _ in 0..30 {
        // A scroll glides over several frames: wait until the widget rests, or a click
        // meant for it lands on whatever glides under the pointer next.
        let mut y = centre_y(harness);
        for _ in 0..30 {
            harness.run_steps(1);
            let now = centre_y(harness);
            if now == y {
                break;
            }
            y = now;
        }
        let top = harness.get_by_label("Inspector").rect().bottom() + 4.0;
        let bottom = harness.get_by_label("Fit").rect().top() - 4.0;
        if (top..=bottom).contains(&y) {
            return;
        }
        let node = match role {
            Some(role) => harness.get_by_role_and_label(role, label),
            None => harness.get_by_label(label),
        };
        if y > bottom {
            node.scroll_down();
        } else {
            node.scroll_up();
        }
        harness.run_steps(2);
    }
    panic!("could not scroll {label} into view");
}

/// Opens the File menu and clicks `item` in it.
pub fn choose_in_file_menu(harness: &mut Harness<'static, ClipwrightApp>, item: &str) {
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label(item).click();
    harness.run_steps(2);
}

/// Presses at `from`, moves to `to` in a few steps, and releases: a drag as a person makes it.
pub fn drag(harness: &mut Harness<'_, ClipwrightApp>, from: egui::Pos2, to: egui::Pos2) {
    harness.hover_at(from);
    harness.run_steps(1);
    harness.drag_at(from);
    harness.run_steps(1);
    for i in 1..=5 {
        harness.hover_at(from + (to - from) * (i as f32 / 5.0));
        harness.run_steps(1);
    }
    harness.drop_at(to);
    harness.run_steps(2);
}

/// Places `file` on the timeline `times` times, one after the other.
pub fn add_clips(harness: &mut Harness<'_, ClipwrightApp>, file: &Path, times: usize) {
    let info = clipwright::media::probe(file).unwrap().source_info();
    for _ in 0..times {
        harness
            .state_mut()
            .editor
            .add_media(file, info.clone())
            .unwrap();
    }
}

/// The app with `file` placed on the timeline `times` times, one after the other, and the
/// timeline zoomed to fit.
pub fn harness_with_clips(file: &Path, times: usize) -> Harness<'static, ClipwrightApp> {
    let mut harness = harness_with(None);
    add_clips(&mut harness, file, times);
    harness.state_mut().editor.selection.clear();
    harness.run_steps(2);
    harness.get_by_label("Fit").click();
    harness.run_steps(2);
    harness
}

/// Opens the recorder panel and waits for the test pattern to be listed.
pub fn open_recorder(harness: &mut Harness<'static, ClipwrightApp>) {
    harness.get_by_label("● Record…").click();
    step_until(harness, |app| pattern_index(app).is_some());
}

/// Where the recorder panel lists the test pattern.
pub fn pattern_index(app: &ClipwrightApp) -> Option<usize> {
    app.recorder
        .target_titles()
        .iter()
        .position(|t| t == "Test pattern")
}

/// Opens the recorder panel and chooses the test pattern, without a countdown.
pub fn choose_test_pattern(harness: &mut Harness<'static, ClipwrightApp>) {
    open_recorder(harness);
    let app = harness.state_mut();
    app.recorder.selected = pattern_index(app);
    app.recorder.set_countdown(false);
    harness.run_steps(2);
}

/// Opens the recorder panel and records the test pattern, without a countdown.
pub fn record_test_pattern(harness: &mut Harness<'static, ClipwrightApp>) {
    record_test_pattern_with(harness, |_| {});
}

/// Like [`record_test_pattern`], with the panel's choices changed by `setup` first.
pub fn record_test_pattern_with(
    harness: &mut Harness<'static, ClipwrightApp>,
    setup: impl FnOnce(&mut RecorderPanel),
) {
    choose_test_pattern(harness);
    setup(&mut harness.state_mut().recorder);
    harness.run_steps(2);
    harness.get_by_label("● Record").click();
    step_until(harness, |app| app.recorder.is_recording());
}

/// How long the recording on the timeline is so far: zero until it lands, then its length
/// as the app last probed the growing file.
pub fn recorded(app: &ClipwrightApp) -> Time {
    app.editor
        .project
        .sources
        .first()
        .map_or(Time::ZERO, |s| s.info.duration)
}

/// Steps the UI until the recording on the timeline is `at_least` long: a wait on the
/// recording itself rather than on the wall clock.
pub fn record_until(harness: &mut Harness<'static, ClipwrightApp>, at_least: Time) {
    step_until(harness, |app| recorded(app) >= at_least);
}

/// Clicks Stop and waits until the recording has landed whole: the recorder idle, the file
/// no longer followed, and its clip on the timeline.
pub fn stop_recording(harness: &mut Harness<'static, ClipwrightApp>) {
    harness.get_by_label("■ Stop").click();
    // On the timeline while it recorded; in whole once the recording is finished.
    step_until(harness, |app| {
        app.recorder.is_idle()
            && app.live_recording().is_none()
            && app.editor.project.clips().count() >= 1
    });
}

/// The project's subtitle tracks, in order.
pub fn subtitle_tracks(app: &ClipwrightApp) -> Vec<clipwright::timeline::Track> {
    app.editor
        .project
        .tracks
        .iter()
        .filter(|t| t.kind == clipwright::timeline::TrackKind::Subtitle)
        .cloned()
        .collect()
}

/// Steps the UI for `ms` milliseconds of wall time.
pub fn run_for(harness: &mut Harness<'_, ClipwrightApp>, ms: u64) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(ms) {
        harness.step();
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// Like `step_until`, with room for a loaded machine (an export runs meanwhile).
pub fn step_until_slow(
    harness: &mut Harness<'_, ClipwrightApp>,
    what: &str,
    done: impl Fn(&ClipwrightApp) -> bool,
) {
    let started = Instant::now();
    while !done(harness.state()) {
        assert!(started.elapsed() < Duration::from_secs(120), "{what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// The length of the recording's source in the project, if it is there.
pub fn source_length(app: &ClipwrightApp) -> Option<clipwright::timeline::Time> {
    app.editor.project.sources.first().map(|s| s.info.duration)
}

/// Steps until a transcription added a subtitle track, failing on an error toast.
pub fn wait_for_transcript(
    harness: &mut Harness<'static, ClipwrightApp>,
) -> clipwright::timeline::Track {
    let start = Instant::now();
    while subtitle_tracks(harness.state()).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "transcription never finished"
        );
        assert!(
            harness.state().toasts.iter().all(|t| !t.is_error),
            "{:?}",
            harness.state().toasts
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    subtitle_tracks(harness.state()).remove(0)
}

/// Exports the timeline from `from` to `to` into `out` through the export dialog
/// (software encoder) and waits for it; the frames it wrote.
pub fn export_span(
    harness: &mut Harness<'_, ClipwrightApp>,
    out: &Path,
    from: clipwright::timeline::Time,
    to: clipwright::timeline::Time,
) -> u64 {
    use clipwright::ui::{ExportRange, Outcome};
    let app = harness.state_mut();
    app.open_export_dialog();
    app.export.set_output(out);
    app.export.hardware = false;
    app.export.range = ExportRange::Span(from, to);
    harness.run_steps(2);
    harness.get_by_label("Start export").click();
    harness.run_steps(1);
    assert!(harness.state().export.is_running());
    step_until_slow(harness, "the export never ended", |app| {
        !app.export.is_running()
    });
    match &harness.state().export.outcome {
        Some(Outcome::Finished(s)) => s.frames,
        other => panic!("{} was not written: {other:?}", out.display()),
    }
}

/// The real app for `desktop`, at home in `home` (the user's folders under it too), where
/// nothing answers a native file dialog: no session bus (so no portal), no zenity on the
/// PATH, no file dialog chosen through the environment.
pub fn app_without_native_dialogs(
    desktop: &super::desktop::Desktop,
    home: &Path,
) -> std::process::Command {
    super::desktop::assert_no_zenity();
    let mut app = desktop.command(assert_cmd::cargo::cargo_bin("clipwright"));
    app.env("HOME", home)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("CLIPWRIGHT_FILE_DIALOG")
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME");
    app
}

/// Starts `app`, waits for its window titled "Clipwright" and gives it 2 s to draw; the
/// running app and its window.
pub fn show_window(
    desktop: &super::desktop::Desktop,
    mut app: std::process::Command,
) -> (std::process::Child, String) {
    let mut app = app.spawn().unwrap();
    let window = desktop.wait_for_app_window(&mut app, "Clipwright");
    std::thread::sleep(Duration::from_secs(2));
    (app, window)
}

/// Screenshots `desktop` into `shot` every half second until `done` holds for the picture,
/// which it returns; fails after `limit`, saying `what` it waited for.
pub fn wait_for_screen(
    desktop: &super::desktop::Desktop,
    shot: &Path,
    what: &str,
    limit: Duration,
    mut done: impl FnMut(&image::RgbImage) -> bool,
) -> image::RgbImage {
    let start = Instant::now();
    loop {
        let image = desktop.screenshot_rgb(shot);
        if done(&image) {
            return image;
        }
        assert!(
            start.elapsed() < limit,
            "waited {limit:?} for {what}; see {}",
            shot.display()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}
