//! The inspector driven through `egui_kittest`: effects and the eyedropper, speed and
//! ramps, keyframes, sound fades, freeze frames and the preset gallery, each change one
//! undo step.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::timeline::ClipId;
use clipwright::ui::{ClipwrightApp, NoDialogs};
use common::app::{
    app_with_fixture_open, assert_one_step_then_undo, click_each, drag, harness_with,
    scroll_inspector_to, step_until,
};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// A 2 s video of one flat colour, `rgb`, made with the ffmpeg CLI.
fn flat_colour_video(rgb: [u8; 3]) -> std::path::PathBuf {
    let hex = format!("{:02X}{:02X}{:02X}", rgb[0], rgb[1], rgb[2]);
    let out = common::fixture_dir().join(format!("flat_{hex}.mp4"));
    if !out.exists() {
        let tmp = common::fixture_dir().join(format!("tmp-{}-flat_{hex}.mp4", std::process::id()));
        let graph = format!("color=c=0x{hex}:s=320x240:r=30:d=2");
        common::lavfi(&graph, &common::H264_FAST, &tmp);
        std::fs::rename(&tmp, &out).unwrap();
    }
    out
}

/// The app with `file` on the timeline and its clip selected.
fn harness_with_selected_clip(
    file: &std::path::Path,
) -> (
    Harness<'static, ClipwrightApp>,
    clipwright::timeline::ClipId,
) {
    let info = clipwright::media::probe(file).unwrap().source_info();
    let mut harness = harness_with(None);
    let editor = &mut harness.state_mut().editor;
    let id = editor.add_media(file, info).unwrap();
    editor.selection.clear();
    editor.selection.insert(id);
    harness.run_steps(3);
    (harness, id)
}

/// Scrolls the inspector to the widget labelled `label`, then clicks it.
fn click_in_view(harness: &mut Harness<'static, ClipwrightApp>, label: &str) {
    scroll_inspector_to(harness, None, label);
    harness.get_by_label(label).click();
    harness.run_steps(2);
}

#[test]
fn effects_set_in_the_inspector_change_the_clip_and_a_slider_drag_is_one_step() {
    use clipwright::timeline::{ChromaKey, ColorAdjust};
    use egui::accesskit::Role;
    let (mut harness, id) = harness_with_selected_clip(&common::fixture(&common::VIDEO_ONLY));
    let effects =
        |h: &Harness<'_, ClipwrightApp>| h.state().editor.project.clip(id).unwrap().effects.clone();
    click_in_view(&mut harness, "Chroma key");
    assert_eq!(effects(&harness).chroma_key, Some(ChromaKey::green()));
    click_in_view(&mut harness, "Colour");
    assert_eq!(effects(&harness).color, Some(ColorAdjust::default()));

    let steps = harness.state().editor.history.undo_len();
    scroll_inspector_to(&mut harness, Some(Role::Slider), "Saturation");
    let rail = harness
        .get_by_role_and_label(Role::Slider, "Saturation")
        .rect();
    let from = egui::pos2(rail.left() + rail.width() / 3.0, rail.center().y);
    drag(
        &mut harness,
        from,
        egui::pos2(rail.right() - 2.0, rail.center().y),
    );
    let saturation = effects(&harness).color.unwrap().saturation;
    assert!(saturation > 2.5, "dragged to {saturation}");
    let history = &harness.state().editor.history;
    assert_eq!(history.undo_len(), steps + 1, "the drag is one step");
    assert_eq!(history.undo_label(), Some("Change effects"));

    click_in_view(&mut harness, "Blur");
    assert!(effects(&harness).blur.is_some_and(|b| b.sigma > 0.0));
    // Undo takes the blur off again, leaving the rest.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert_eq!(effects(&harness).blur, None);
    assert!(effects(&harness).chroma_key.is_some());
}

#[test]
fn the_effects_eyedropper_sets_the_key_to_the_source_colour_clicked_on_the_preview() {
    use egui::accesskit::Role;
    let backdrop = [0x20, 0xC0, 0x40];
    let (mut harness, id) = harness_with_selected_clip(&flat_colour_video(backdrop));
    click_in_view(&mut harness, "Chroma key");
    // Keyed with the default green first: the picked colour comes from the source, not
    // from the keyed picture on screen.
    click_in_view(&mut harness, "Pick from preview");
    harness
        .get_by_role_and_label(Role::Image, "Preview")
        .click();
    let key = |app: &ClipwrightApp| {
        app.editor
            .project
            .clip(id)
            .unwrap()
            .effects
            .chroma_key
            .unwrap()
            .color
    };
    step_until(&mut harness, |app| {
        key(app) != clipwright::timeline::Color::rgb(0, 255, 0)
    });
    let got = key(harness.state());
    for (g, want) in [got.r, got.g, got.b].into_iter().zip(backdrop) {
        assert!(g.abs_diff(want) <= 4, "picked {got:?}");
    }
    assert_eq!(
        harness.state().editor.history.undo_label(),
        Some("Change effects")
    );
}

/// The app with the 2 s H.264/AAC fixture on the timeline, its video clip selected and
/// the inspector showing.
fn harness_with_a_selected_clip() -> Harness<'static, ClipwrightApp> {
    let mut harness = app_with_fixture_open(NoDialogs::default());
    assert_eq!(harness.state().editor.selection.len(), 1);
    harness.run_steps(2);
    harness
}

fn selected_clip(harness: &Harness<'_, ClipwrightApp>) -> clipwright::timeline::Clip {
    let editor = &harness.state().editor;
    let id = *editor.selection.iter().next().unwrap();
    editor.project.clip(id).unwrap().clone()
}

/// Sets the inspector's `role` widget labelled `label` to `value` (as a screen reader
/// would); the selected clip three frames later.
fn set_in_inspector(
    harness: &mut Harness<'_, ClipwrightApp>,
    role: egui::accesskit::Role,
    label: &str,
    value: f64,
) -> clipwright::timeline::Clip {
    harness
        .get_by_role_and_label(role, label)
        .set_value_accesskit(value);
    harness.run_steps(3);
    selected_clip(harness)
}

#[test]
fn setting_speed_two_in_the_inspector_halves_the_clip() {
    use clipwright::timeline::{SpeedCurve, SpeedFactor, Time};
    let mut harness = harness_with_a_selected_clip();
    let before = selected_clip(&harness).duration();
    assert_eq!(before, Time::from_secs(2));
    let clip = set_in_inspector(&mut harness, egui::accesskit::Role::Slider, "Speed", 2.0);
    assert_eq!(
        clip.speed.curve,
        SpeedCurve::Constant {
            speed: SpeedFactor::from_milli(2000).unwrap()
        }
    );
    assert_eq!(clip.duration(), Time::from_secs(1), "2× halves the length");
    let audio = &harness.state().editor.project.tracks[1].clips[0];
    assert_eq!(audio.duration(), Time::from_secs(1), "its sound follows");
}

#[test]
fn a_ramp_preset_button_gives_the_clip_that_ramp_and_a_drag_reshapes_it_in_one_step() {
    use clipwright::timeline::{ramp_preset, SpeedCurve};
    let mut harness = harness_with_a_selected_clip();
    harness.get_by_label("Montage").click();
    harness.run_steps(3);
    let clip = selected_clip(&harness);
    let montage = ramp_preset("Montage").unwrap().speed();
    assert_eq!(clip.speed.curve, montage.curve);
    // Montage averages 1.8×, so two seconds of source last about 1.1 s.
    let secs = clip.duration().as_secs_f64();
    assert!((1.0..1.25).contains(&secs), "ramped clip lasts {secs} s");

    // Drag the first point (3× at the left edge) down towards 1×.
    let steps = harness.state().editor.history.undo_len();
    let curve = harness.get_by_label("Speed curve").rect();
    let y_of = |speed: f32| curve.bottom() - curve.height() * (speed.log10() + 1.0) / 2.0;
    let start = egui::pos2(curve.left() + 1.0, y_of(3.0));
    harness.hover_at(start);
    harness.run_steps(1);
    harness.drag_at(start);
    harness.run_steps(1);
    for i in 1..=6 {
        harness.hover_at(egui::pos2(start.x + 2.0, start.y + 4.0 * i as f32));
        harness.run_steps(1);
    }
    let end = egui::pos2(start.x + 2.0, y_of(1.0));
    harness.hover_at(end);
    harness.run_steps(1);
    harness.drop_at(end);
    harness.run_steps(2);
    let SpeedCurve::Ramp { points } = selected_clip(&harness).speed.curve else {
        panic!("still a ramp");
    };
    let first = points[0].speed.as_f64();
    assert!((0.9..1.1).contains(&first), "first point now {first}×");
    assert_eq!(points.len(), 6);
    assert_one_step_then_undo(&mut harness, steps, "the whole drag is one undo step");
    assert_eq!(selected_clip(&harness).speed.curve, montage.curve);
}

#[test]
fn a_keyframe_added_in_the_inspector_can_be_jumped_to_and_eased() {
    use clipwright::timeline::{Interpolation, Property, Time};
    let mut harness = harness_with_a_selected_clip();
    harness.state_mut().editor.playhead = Time::from_secs(1);
    harness.run_steps(2);
    harness.get_by_label("Opacity keyframe").click_accesskit();
    harness.run_steps(2);
    let keys = selected_clip(&harness)
        .animation
        .channel(Property::Opacity)
        .cloned()
        .expect("opacity is animated");
    assert_eq!(keys.times().collect::<Vec<_>>(), vec![Time::from_secs(1)]);

    harness.state_mut().editor.playhead = Time::ZERO;
    harness.run_steps(2);
    harness
        .get_by_label("Next Opacity keyframe")
        .click_accesskit();
    harness.run_steps(2);
    assert_eq!(harness.state().editor.playhead, Time::from_secs(1));

    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Opacity easing")
        .click_accesskit();
    harness.run_steps(2);
    click_each(&mut harness, &["Ease out"]);
    let key = selected_clip(&harness)
        .animation
        .channel(Property::Opacity)
        .and_then(|k| k.get(Time::from_secs(1)))
        .unwrap();
    assert_eq!(key.interpolation, Interpolation::EaseOut);

    // The diamond at a keyframe removes it.
    harness.get_by_label("Opacity keyframe").click_accesskit();
    harness.run_steps(2);
    assert!(selected_clip(&harness)
        .animation
        .channel(Property::Opacity)
        .is_none());
}

#[test]
fn fading_the_sound_in_puts_volume_keyframes_on_the_linked_audio_clip() {
    use clipwright::timeline::{Property, Time};
    let mut harness = harness_with_a_selected_clip();
    harness.get_by_label("Fade sound in").click_accesskit();
    harness.run_steps(2);
    let audio = harness.state().editor.project.tracks[1].clips[0].clone();
    assert_eq!(audio.volume_at(Time::ZERO), 0.0);
    assert_eq!(audio.volume_at(Time::from_millis(500)), 1.0);
    assert!(audio.animation.channel(Property::Volume).is_some());
}

/// The tiny English speech model `scripts/fetch-test-models.sh` fetched, or `None` (with
/// a message) when the tests were not started through `scripts/test.sh`.
#[test]
fn freeze_frame_holds_the_clip_for_the_length_typed() {
    use clipwright::timeline::{SpeedCurve, Time};
    let mut harness = harness_with_a_selected_clip();
    harness.get_by_label("Freeze frame").click();
    harness.run_steps(2);
    assert!(matches!(
        selected_clip(&harness).speed.curve,
        SpeedCurve::Freeze { .. }
    ));
    let clip = set_in_inspector(
        &mut harness,
        egui::accesskit::Role::SpinButton,
        "Hold for",
        3.0,
    );
    assert_eq!(
        clip.speed.curve,
        SpeedCurve::Freeze {
            duration: Time::from_secs(3)
        }
    );
    assert_eq!(clip.duration(), Time::from_secs(3));
    assert_eq!(
        clip.source_time_at(clip.start + Time::from_secs(2)),
        clip.source_in
    );
}

#[test]
fn the_preset_gallery_shows_every_preset_and_applies_the_one_clicked() {
    use clipwright::timeline::{animation_presets, Property};
    let mut harness = harness_with_a_selected_clip();
    let presets = animation_presets();
    harness
        .get_by_label(&format!("Preset gallery ({})", presets.len()))
        .click_accesskit();
    harness.run_steps(10);
    for preset in &presets {
        harness.get_by_role_and_label(egui::accesskit::Role::Button, &preset.name);
    }
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Slide left out")
        .click_accesskit();
    harness.run_steps(2);
    harness.get_by_label("Apply").click_accesskit();
    harness.run_steps(2);
    let clip = selected_clip(&harness);
    let keys = clip.animation.channel(Property::PositionX).unwrap();
    let end = clip.duration();
    assert_eq!(keys.value_at(end), Some(-1.0), "leaves to the left");
    assert_eq!(keys.len(), 2, "two ordinary keyframes");
}

/// The app with a two-second text clip "Hi" on a new overlay track, selected.
fn harness_with_a_selected_title() -> (Harness<'static, ClipwrightApp>, ClipId) {
    use clipwright::timeline::{Clip, Edit, TextStyle, Time, Track, TrackId, TrackKind};
    let mut harness = harness_with(None);
    let editor = &mut harness.state_mut().editor;
    let track = TrackId(900);
    editor
        .apply(Edit::AddTrack {
            index: 0,
            track: Track::new(track, TrackKind::Overlay, "titles"),
        })
        .unwrap();
    let id = editor.project.next_clip_id();
    let title = Clip::text(
        id,
        "Hi",
        TextStyle::default(),
        Time::ZERO,
        Time::from_secs(2),
    );
    editor
        .apply(Edit::InsertClip { track, clip: title })
        .unwrap();
    editor.selection.clear();
    editor.selection.insert(id);
    harness.run_steps(3);
    (harness, id)
}

/// The entrance of text clip `id`.
fn entrance_of(
    harness: &Harness<'static, ClipwrightApp>,
    id: ClipId,
) -> clipwright::timeline::TextEntrance {
    use clipwright::timeline::ClipContent;
    match &harness.state().editor.project.clip(id).unwrap().content {
        ClipContent::Text { entrance, .. } => *entrance,
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn a_text_entrance_picked_in_the_inspector_is_stored_on_the_clip_and_undone_in_one_step() {
    use clipwright::timeline::EntranceKind;
    let (mut harness, id) = harness_with_a_selected_title();
    assert_eq!(entrance_of(&harness, id).kind, EntranceKind::None);
    click_in_view(&mut harness, "Letters and words");
    harness
        .get_by_label(EntranceKind::Typewriter.label())
        .click_accesskit();
    harness.run_steps(3);
    assert_eq!(entrance_of(&harness, id).kind, EntranceKind::Typewriter);
    harness.state_mut().editor.undo().unwrap();
    harness.run_steps(2);
    assert_eq!(entrance_of(&harness, id).kind, EntranceKind::None);
}

#[test]
fn an_entrance_card_in_the_preset_gallery_applies_to_a_title_in_one_step() {
    use clipwright::timeline::{animation_presets, EntranceKind};
    let (mut harness, id) = harness_with_a_selected_title();
    let gallery = format!("Preset gallery ({})", animation_presets().len());
    click_in_view(&mut harness, &gallery);
    harness.run_steps(10);
    // Each entrance is a card beside the motion presets.
    for kind in [
        EntranceKind::Typewriter,
        EntranceKind::Pop,
        EntranceKind::Rise,
    ] {
        harness.get_by_role_and_label(egui::accesskit::Role::Button, kind.label());
    }
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, EntranceKind::Pop.label())
        .click_accesskit();
    harness.run_steps(2);
    let steps_before = harness.state().editor.history.undo_len();
    click_in_view(&mut harness, "Apply");
    harness.run_steps(2);
    assert_eq!(entrance_of(&harness, id).kind, EntranceKind::Pop);
    assert_eq!(harness.state().editor.history.undo_len(), steps_before + 1);
    harness.state_mut().editor.undo().unwrap();
    harness.run_steps(2);
    assert_eq!(entrance_of(&harness, id).kind, EntranceKind::None);
}
