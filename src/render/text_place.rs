//! Where a text clip is drawn, as ASS override tags. Its picture is a transparent frame
//! with the text at the centre, placed as a video clip's picture is
//! ([`super::layout::place`]): cropped, its anchor put at the frame centre plus the
//! position, scaled and turned about the anchor, faded by the opacity. With the default
//! anchor (the centre) and no crop, the text's centre is simply at the position.
//!
//! libass scales the text about its `\pos` and turns it about `\org`, so `\pos` is where
//! the text's centre lands before the turn and `\org` is the anchor; the crop is a
//! vector `\clip` of the cropped picture's four corners, turned with it.

use std::fmt::Write as _;

use super::entrance::alpha_byte;
use super::layout::{place, Placement};
use crate::timeline::{CropRect, Property, ReframeAt, ReframeMode, Transform};

/// The visual properties a text clip draws.
pub(super) const TEXT_PROPERTIES: [Property; 13] = [
    Property::PositionX,
    Property::PositionY,
    Property::Scale,
    Property::ScaleX,
    Property::ScaleY,
    Property::Rotation,
    Property::Opacity,
    Property::CropLeft,
    Property::CropTop,
    Property::CropRight,
    Property::CropBottom,
    Property::AnchorX,
    Property::AnchorY,
];

/// The override tags placing a text clip with transform `t` in a `play` sized script;
/// `None` when nothing of it shows (cropped away, scaled to nothing, transparent).
pub(super) fn placement_tags(t: &Transform, play: (u32, u32)) -> Option<String> {
    let (w, h) = (f64::from(play.0), f64::from(play.1));
    let whole = ReframeAt {
        mode: ReframeMode::Fit,
        crop: CropRect {
            x: 0.0,
            y: 0.0,
            width: w,
            height: h,
        },
    };
    let placed = place(t, &whole, play, play)?;
    let upright = Placement {
        rotation: 0.0,
        ..placed
    };
    let (x, y) = upright.output_point((w / 2.0, h / 2.0));
    let mut tags = format!("\\an5\\pos({x:.1},{y:.1})");
    let pivot = placed.pivot;
    if (pivot.0 - x).abs() >= 0.05 || (pivot.1 - y).abs() >= 0.05 {
        let _ = write!(tags, "\\org({:.1},{:.1})", pivot.0, pivot.1);
    }
    let _ = write!(
        tags,
        "\\fscx{:.1}\\fscy{:.1}\\frz{:.2}\\alpha&H{:02X}&",
        t.scale.x * 100.0,
        t.scale.y * 100.0,
        // ASS turns counterclockwise; the model clockwise.
        -t.rotation_degrees,
        alpha_byte(t.opacity),
    );
    let c = t.crop;
    if c.left > 0.0 || c.top > 0.0 || c.right > 0.0 || c.bottom > 0.0 {
        let s = placed.source;
        let corners = [
            (s.x, s.y),
            (s.right(), s.y),
            (s.right(), s.bottom()),
            (s.x, s.bottom()),
        ]
        .map(|p| placed.output_point(p));
        let [a, b, c, d] = corners.map(|(x, y)| format!("{:.0} {:.0}", x, y));
        let _ = write!(tags, "\\clip(m {a} l {b} {c} {d})");
    }
    Some(tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Vec2;

    const PLAY: (u32, u32) = (1920, 1080);

    #[test]
    fn a_centred_text_is_placed_at_its_position_without_origin_or_clip() {
        let t = Transform {
            position: Vec2::new(0.25, 0.0),
            ..Transform::default()
        };
        assert_eq!(
            placement_tags(&t, PLAY).unwrap(),
            "\\an5\\pos(1440.0,540.0)\\fscx100.0\\fscy100.0\\frz-0.00\\alpha&H00&"
        );
    }

    #[test]
    fn halved_about_the_top_left_anchor_the_text_moves_to_the_top_left_quarter() {
        let t = Transform {
            anchor: Vec2::new(0.0, 0.0),
            position: Vec2::new(-0.5, -0.5),
            scale: Vec2::new(0.5, 0.5),
            rotation_degrees: 90.0,
            ..Transform::default()
        };
        let tags = placement_tags(&t, PLAY).unwrap();
        // Before the turn its centre is at a quarter of the frame; it turns about (0, 0).
        assert!(
            tags.starts_with("\\an5\\pos(480.0,270.0)\\org(0.0,0.0)\\fscx50.0"),
            "{tags}"
        );
    }

    #[test]
    fn a_crop_clips_to_the_cropped_picture_turned_with_it() {
        let mut t = Transform::default();
        t.crop.left = 0.5;
        let tags = placement_tags(&t, PLAY).unwrap();
        // The right half of the picture, centred on the anchor: the text's centre is now
        // at the clip's left edge, a quarter of the frame left of the middle.
        assert!(tags.starts_with("\\an5\\pos(480.0,540.0)"), "{tags}");
        assert!(
            tags.ends_with("\\clip(m 480 0 l 1440 0 1440 1080 480 1080)"),
            "{tags}"
        );
        t.crop.left = 1.0;
        t.crop.right = 0.0;
        assert_eq!(placement_tags(&t, PLAY), None, "all cropped away");
    }
}
