//! Keyframe controls for the inspector: one row per property with its value at the
//! playhead, a diamond that adds or removes the keyframe there, ◀ ▶ to jump the playhead
//! to the previous or next keyframe, and the easing of the keyframe at the playhead
//! (hold, linear, the three eases, or a free Bézier). Also the sound fades, which are
//! volume keyframes.
//!
//! A property with no keyframe, or one keyframe at the clip's start, is a plain value:
//! changing it replaces that value. Once it has a keyframe elsewhere or two of them it is
//! animated, and changing it at the playhead adds or updates the keyframe there.

use crate::timeline::{
    Clip, Edit, EditError, Interpolation, Keyframe, Keyframes, Property, Time, TrackKind,
};

use super::gesture;
use crate::session::Editor;

/// The easings offered, in menu order; the Bézier starts as CSS's `ease`.
const EASINGS: [(&str, Interpolation); 6] = [
    ("Hold", Interpolation::Hold),
    ("Linear", Interpolation::Linear),
    ("Ease in", Interpolation::EaseIn),
    ("Ease out", Interpolation::EaseOut),
    ("Ease in-out", Interpolation::EaseInOut),
    ("Bézier", Interpolation::bezier(0.25, 0.1, 0.25, 1.0)),
];

/// The menu name of an easing.
pub fn easing_name(i: Interpolation) -> &'static str {
    match i {
        Interpolation::Hold => "Hold",
        Interpolation::Linear => "Linear",
        Interpolation::EaseIn => "Ease in",
        Interpolation::EaseOut => "Ease out",
        Interpolation::EaseInOut => "Ease in-out",
        Interpolation::CubicBezier { .. } => "Bézier",
    }
}

/// The clip's offset under the playhead, clamped to the clip.
fn playhead_offset(editor: &Editor, clip: &Clip) -> Time {
    (editor.playhead - clip.start).clamp_to(Time::ZERO, clip.duration())
}

/// The keyframe of `property` exactly at `offset`.
fn key_at(clip: &Clip, property: Property, offset: Time) -> Option<Keyframe<f64>> {
    clip.animation.channel(property)?.get(offset)
}

/// True when the property changes over the clip (see the module notes).
fn is_animated(clip: &Clip, property: Property) -> bool {
    clip.animation
        .channel(property)
        .is_some_and(|k| k.len() > 1 || k.times().next().is_some_and(|t| t != Time::ZERO))
}

/// The keyframe times before and after `offset`, nearest first.
fn neighbours(clip: &Clip, property: Property, offset: Time) -> (Option<Time>, Option<Time>) {
    let Some(keys) = clip.animation.channel(property) else {
        return (None, None);
    };
    let prev = keys.times().filter(|t| *t < offset).last();
    let next = keys.times().find(|t| *t > offset);
    (prev, next)
}

/// A grid of keyframe rows for `rows` (property, label, slider range) of `clip`, then the
/// easing of each keyframe under the playhead.
pub fn keyframe_grid(
    ui: &mut egui::Ui,
    editor: &mut Editor,
    clip: &Clip,
    id_salt: &str,
    rows: &[(Property, &str, f64, f64)],
) -> Result<(), EditError> {
    let mut outcome = Ok(());
    let offset = playhead_offset(editor, clip);
    egui::Grid::new(id_salt).num_columns(3).show(ui, |ui| {
        ui.spacing_mut().slider_width = 80.0;
        for &(property, label, lo, hi) in rows {
            let r = row(ui, editor, clip, property, label, lo..=hi);
            if outcome.is_ok() {
                outcome = r;
            }
            ui.end_row();
        }
    });
    for &(property, label, _, _) in rows {
        if let Some(key) = key_at(clip, property, offset) {
            let r = easing_row(ui, editor, clip, property, label, &key);
            if outcome.is_ok() {
                outcome = r;
            }
        }
    }
    outcome
}

/// One property: label, slider, ◀, diamond, ▶.
fn row(
    ui: &mut egui::Ui,
    editor: &mut Editor,
    clip: &Clip,
    property: Property,
    label: &str,
    range: std::ops::RangeInclusive<f64>,
) -> Result<(), EditError> {
    let id = clip.id;
    let offset = playhead_offset(editor, clip);
    let here = key_at(clip, property, offset);
    let (prev, next) = neighbours(clip, property, offset);
    let mut outcome = Ok(());

    let name = ui.label(label);
    let before = clip.animation.value_at(property, offset);
    let mut v = before;
    let slider = ui
        .add(egui::Slider::new(&mut v, range).max_decimals(3))
        .labelled_by(name.id);
    gesture(editor, &slider, &format!("Change {}", label.to_lowercase()));
    if slider.changed() && (v - before).abs() > 1e-12 {
        let (time, interpolation) = match &here {
            Some(k) => (k.time, k.interpolation),
            None if is_animated(clip, property) => (offset, Interpolation::Linear),
            None => (Time::ZERO, Interpolation::Linear),
        };
        outcome = editor.apply(Edit::SetKeyframe {
            clip: id,
            property,
            time,
            value: v,
            interpolation,
        });
    }

    let jump = |ui: &mut egui::Ui, to: Option<Time>, text: &str, name: String| {
        ui.add_enabled(to.is_some(), egui::Button::new(text).small())
            .on_hover_text(&name)
            .accessible_name(name)
            .clicked()
            .then_some(to)
            .flatten()
    };
    let (diamond, tip) = match &here {
        Some(_) => ("◆", format!("Remove the {label} keyframe at the playhead")),
        None => ("◇", format!("Add a {label} keyframe at the playhead")),
    };
    let (to_prev, clicked, to_next) = ui
        .horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = 1.0;
            let to_prev = jump(ui, prev, "◀", format!("Previous {label} keyframe"));
            let clicked = ui
                .add(egui::Button::new(diamond).small())
                .on_hover_text(&tip)
                .accessible_name(format!("{label} keyframe"))
                .clicked();
            let to_next = jump(ui, next, "▶", format!("Next {label} keyframe"));
            (to_prev, clicked, to_next)
        })
        .inner;
    if let Some(t) = to_prev.or(to_next) {
        editor.playhead = clip.start + t;
    }
    if clicked {
        let edit = match &here {
            Some(k) => Edit::RemoveKeyframe {
                clip: id,
                property,
                time: k.time,
            },
            None => Edit::SetKeyframe {
                clip: id,
                property,
                time: offset,
                value: before,
                interpolation: Interpolation::Linear,
            },
        };
        outcome = outcome.and(editor.apply(edit));
    }

    outcome
}

/// The easing of the keyframe at the playhead, with the four control points when it is
/// a Bézier.
fn easing_row(
    ui: &mut egui::Ui,
    editor: &mut Editor,
    clip: &Clip,
    property: Property,
    label: &str,
    key: &Keyframe<f64>,
) -> Result<(), EditError> {
    let mut chosen = key.interpolation;
    ui.horizontal(|ui| {
        ui.label(format!("{label} easing"));
        let combo = egui::ComboBox::from_id_salt(("easing", clip.id, property))
            .selected_text(easing_name(chosen))
            .width(100.0)
            .show_ui(ui, |ui| {
                for (name, curve) in EASINGS {
                    let same = easing_name(chosen) == name;
                    if ui.selectable_label(same, name).clicked() && !same {
                        chosen = curve;
                    }
                }
            });
        combo
            .response
            .on_hover_text("How the value travels from this keyframe to the next")
            .accessible_name(format!("{label} easing"));
        if let Interpolation::CubicBezier { x1, y1, x2, y2 } = key.interpolation {
            let mut c = [x1, y1, x2, y2];
            let mut changed = false;
            for (i, name) in ["x1", "y1", "x2", "y2"].into_iter().enumerate() {
                let range = if i % 2 == 0 { 0.0..=1.0 } else { -2.0..=3.0 };
                let r = ui
                    .add(
                        egui::DragValue::new(&mut c[i])
                            .speed(0.01)
                            .range(range)
                            .max_decimals(2),
                    )
                    .on_hover_text(format!("Bézier control point {name}"))
                    .accessible_name(format!("{label} Bézier {name}"));
                gesture(editor, &r, "Change easing");
                changed |= r.changed();
            }
            if changed {
                chosen = Interpolation::bezier(c[0], c[1], c[2], c[3]);
            }
        }
    });
    if chosen == key.interpolation {
        return Ok(());
    }
    editor.apply(Edit::SetKeyframe {
        clip: clip.id,
        property,
        time: key.time,
        value: key.value,
        interpolation: chosen,
    })
}

/// The clip whose sound the inspector edits: the clip itself on an audio track, else its
/// linked clip on one (a recording's picture and sound are separate clips).
pub fn sound_clip(editor: &Editor, clip: &Clip) -> Option<Clip> {
    let project = &editor.project;
    let on_audio = |id| {
        let loc = project.locate_clip(id)?;
        let track = project.tracks.get(loc.track)?;
        (track.kind == TrackKind::Audio)
            .then(|| track.clips.get(loc.index).cloned())
            .flatten()
    };
    on_audio(clip.id).or_else(|| {
        project
            .linked_clips(clip.id)
            .into_iter()
            .filter(|&c| c != clip.id)
            .find_map(on_audio)
    })
}

/// Which end of a clip a fade shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fade {
    /// From silence at the start.
    In,
    /// To silence at the end.
    Out,
}

/// The edit that fades `clip`'s volume in or out over `length` (at most the clip): the
/// volume keyframes inside the fade are replaced by silence at the clip's edge and the
/// level the clip had at the fade's inner end.
pub fn fade_edit(clip: &Clip, length: Time, fade: Fade) -> Edit {
    let duration = clip.duration();
    let length = length.clamp_to(Time::TICK, duration.max(Time::TICK));
    let (edge, inner) = match fade {
        Fade::In => (Time::ZERO, length),
        Fade::Out => (duration, duration - length),
    };
    let level = clip.animation.value_at(Property::Volume, inner);
    let old = clip
        .animation
        .channel(Property::Volume)
        .cloned()
        .unwrap_or_default();
    let inside = |t: Time| match fade {
        Fade::In => t <= inner,
        Fade::Out => t >= inner,
    };
    let curve_at_inner = old
        .iter()
        .filter(|k| k.time <= inner)
        .last()
        .map_or(Interpolation::Linear, |k| k.interpolation);
    let mut keys = Keyframes::from_keys(
        old.iter()
            .filter(|k| !inside(k.time))
            .map(|k| (k.time, k.value, k.interpolation)),
    );
    match fade {
        Fade::In => {
            keys.insert(edge, 0.0, Interpolation::Linear);
            keys.insert(inner, level, curve_at_inner);
        }
        Fade::Out => {
            keys.insert(inner, level, Interpolation::Linear);
            keys.insert(edge, 0.0, Interpolation::Linear);
        }
    }
    Edit::SetChannel {
        clip: clip.id,
        property: Property::Volume,
        keyframes: keys,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{ClipId, SourceId};

    fn clip() -> Clip {
        Clip::media(
            ClipId(1),
            SourceId(1),
            Time::ZERO,
            Time::ZERO,
            Time::from_secs(4),
        )
    }

    fn volume_after(clip: &Clip, edit: Edit) -> Keyframes<f64> {
        let Edit::SetChannel { keyframes, .. } = edit else {
            panic!("a fade sets the volume channel: {edit:?}");
        };
        let mut c = clip.clone();
        c.animation.set_channel(Property::Volume, keyframes.clone());
        assert!(c
            .animation
            .value_at(Property::Volume, Time::ZERO)
            .is_finite());
        keyframes
    }

    #[test]
    fn a_fade_in_starts_silent_and_reaches_the_clip_level() {
        let mut c = clip();
        c.animation.set_channel(
            Property::Volume,
            Keyframes::from_keys([(Time::ZERO, 0.5, Interpolation::Linear)]),
        );
        let keys = volume_after(&c, fade_edit(&c, Time::from_secs(1), Fade::In));
        assert_eq!(keys.value_at(Time::ZERO), Some(0.0));
        assert_eq!(keys.value_at(Time::from_secs(1)), Some(0.5));
        assert_eq!(keys.value_at(Time::from_secs(3)), Some(0.5));
    }

    #[test]
    fn a_fade_out_keeps_earlier_keyframes_and_ends_silent() {
        let mut c = clip();
        c.animation.set_channel(
            Property::Volume,
            Keyframes::from_keys([
                (Time::ZERO, 1.0, Interpolation::Linear),
                (Time::from_secs(1), 2.0, Interpolation::Linear),
            ]),
        );
        let keys = volume_after(&c, fade_edit(&c, Time::from_secs(1), Fade::Out));
        assert_eq!(keys.value_at(Time::from_secs(1)), Some(2.0));
        assert_eq!(keys.value_at(Time::from_secs(3)), Some(2.0));
        assert_eq!(keys.value_at(Time::from_secs(4)), Some(0.0));
        assert_eq!(keys.len(), 4);
    }

    #[test]
    fn a_fade_longer_than_the_clip_covers_the_clip() {
        let c = clip();
        let keys = volume_after(&c, fade_edit(&c, Time::from_secs(60), Fade::In));
        assert_eq!(keys.value_at(Time::ZERO), Some(0.0));
        assert_eq!(keys.value_at(Time::from_secs(4)), Some(1.0));
    }

    #[test]
    fn a_single_keyframe_at_the_start_is_a_plain_value() {
        let mut c = clip();
        assert!(!is_animated(&c, Property::Opacity));
        c.animation.set_channel(
            Property::Opacity,
            Keyframes::from_keys([(Time::ZERO, 0.5, Interpolation::Linear)]),
        );
        assert!(!is_animated(&c, Property::Opacity));
        c.animation.set_channel(
            Property::Opacity,
            Keyframes::from_keys([(Time::from_secs(1), 0.5, Interpolation::Linear)]),
        );
        assert!(is_animated(&c, Property::Opacity));
        assert_eq!(
            neighbours(&c, Property::Opacity, Time::ZERO),
            (None, Some(Time::from_secs(1)))
        );
    }
}
