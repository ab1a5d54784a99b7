//! Stickers in the compositor: where a sticker clip lands, free or pinned to a face, and
//! its picture drawn at exactly that size.
//!
//! A free sticker is placed by its transform like any picture, scale 1 being
//! [`STICKER_SHARE`] of the frame's short side. A pinned one takes the face its
//! [`crate::timeline::FaceTrack`] gives at the source time of the clip under it, carried
//! through that clip's own placement (its crop, zoom, reframing and turn), so the sticker
//! stays on the face wherever the face is drawn; its transform then moves, scales and turns
//! it from there. Without a face to follow it stays where its transform puts it, and the
//! frame is counted so the person can be told.

use crate::media::RgbaFrame;
use crate::stickers::{self, StickerError};
use crate::timeline::{ActiveClip, ClipContent, Project, Reframe, Time, Transform, Vec2};

use super::blend::{blend_at, blend_rotated, flipped};
use super::layout::{place, Placement};

/// How much of the frame's short side a free sticker at scale 1 covers.
pub const STICKER_SHARE: f64 = 0.25;

/// A sticker ready to draw.
#[derive(Debug)]
pub(super) struct StickerLayer {
    pub name: String,
    pub placement: Placement,
    /// Its picture's own size, the units of `placement.source`.
    pub natural: (f64, f64),
}

/// What a pinned sticker found to follow on this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PinState {
    /// Not pinned.
    Free,
    /// On a face seen near this time.
    OnFace,
    /// Pinned, but no face near this time: held where it was last, or free before one.
    NoFace,
}

/// Where the sticker clip `a` goes in an `out`-sized frame. `under` holds the clips drawn
/// below it at this time, bottom first, with their placements (pictures only).
pub(super) fn sticker_layer(
    project: &Project,
    a: &ActiveClip<'_>,
    under: &[(&ActiveClip<'_>, Option<Placement>)],
    out: (u32, u32),
) -> Result<(Option<StickerLayer>, PinState), StickerError> {
    let ClipContent::Sticker { name, pin } = &a.clip.content else {
        return Ok((None, PinState::Free));
    };
    let natural = stickers::natural_size(name)?;
    let mut transform = a.transform();
    let mut state = PinState::Free;
    let mut on_a_face = false;
    if let Some(pin) = pin {
        state = PinState::NoFace;
        let target = under
            .iter()
            .rev()
            .find_map(|(c, p)| (c.clip.source() == Some(pin.track.source)).then_some((*c, (*p)?)));
        let display = project
            .source(pin.track.source)
            .and_then(|s| s.info.video.as_ref())
            .map(|v| v.display_size());
        if let (Some((clip, placement)), Some((dw, dh))) = (target, display) {
            if let Some((face, seen)) = pin.track.face_at(clip.source_time()) {
                on_a_face = true;
                if seen {
                    state = PinState::OnFace;
                }
                let (dw, dh) = (f64::from(dw), f64::from(dh));
                let spot = pin.anchor.spot(&face);
                let at = |p: (f64, f64)| placement.output_point((p.0 * dw, p.1 * dh));
                let point = at(spot.point);
                let [x, y, w, h] = face.rect.map(f64::from);
                let (l, r) = (at((x, y + h / 2.0)), at((x + w, y + h / 2.0)));
                let face_width = (r.0 - l.0).hypot(r.1 - l.1);
                let roll = face.roll_degrees(dw, dh) + placement.rotation;
                transform = on_face(transform, natural, out, point, face_width * spot.width);
                transform.anchor = Vec2 {
                    x: spot.sticker_point.0,
                    y: spot.sticker_point.1,
                };
                transform.rotation_degrees += roll;
            }
        }
    }
    if !on_a_face {
        transform.scale.x *= STICKER_SHARE;
        transform.scale.y *= STICKER_SHARE;
    }
    let size = (
        natural.0.round().max(1.0) as u32,
        natural.1.round().max(1.0) as u32,
    );
    let fit = Reframe::default().at(Time::ZERO, size, out);
    let placement = place(&transform, &fit, size, out);
    Ok((
        placement.map(|placement| StickerLayer {
            name: name.clone(),
            placement,
            natural: (f64::from(size.0), f64::from(size.1)),
        }),
        state,
    ))
}

/// The transform that puts a `natural`-sized picture's anchor at `point` (output pixels),
/// `width` output pixels across, keeping the clip's own scale and offset on top.
fn on_face(
    mut t: Transform,
    natural: (f64, f64),
    out: (u32, u32),
    point: (f64, f64),
    width: f64,
) -> Transform {
    let (ow, oh) = (f64::from(out.0), f64::from(out.1));
    // `place` fits the picture to the frame first: undo that fit.
    let fit = (ow / natural.0).min(oh / natural.1);
    let k = width / natural.0 / fit;
    t.scale.x *= k;
    t.scale.y *= k;
    t.position.x += point.0 / ow - 0.5;
    t.position.y += point.1 / oh - 0.5;
    t
}

/// Draws `layer` onto `out`: its picture drawn at the size it is shown (cached per size).
pub(super) fn draw_sticker(out: &mut RgbaFrame, layer: &StickerLayer) -> Result<(), StickerError> {
    let p = &layer.placement;
    let k = (p.dest.w / p.source.w, p.dest.h / p.source.h);
    let limit = f64::from(stickers::MAX_SIDE);
    let full = (
        (layer.natural.0 * k.0).round().clamp(1.0, limit) as u32,
        (layer.natural.1 * k.1).round().clamp(1.0, limit) as u32,
    );
    let picture = stickers::picture(&layer.name, full.0, full.1)?;
    let mut patch = RgbaFrame {
        width: picture.width,
        height: picture.height,
        data: picture.rgba.clone(),
    };
    let whole = p.source.x <= 0.0
        && p.source.y <= 0.0
        && p.source.w >= layer.natural.0
        && p.source.h >= layer.natural.1;
    if !whole {
        let x = (p.source.x * k.0).round().max(0.0) as u32;
        let y = (p.source.y * k.1).round().max(0.0) as u32;
        patch = patch.cropped(crate::media::PixelRect {
            x: x.min(full.0 - 1),
            y: y.min(full.1 - 1),
            width: (p.dest.w.round().max(1.0) as u32).min(full.0 - x.min(full.0 - 1)),
            height: (p.dest.h.round().max(1.0) as u32).min(full.1 - y.min(full.1 - 1)),
        });
    }
    let patch = flipped(patch, p.flip_x, p.flip_y);
    if p.is_axis_aligned() {
        let (x, y) = (p.dest.x.round() as i32, p.dest.y.round() as i32);
        blend_at(out, &patch, x, y, p.alpha);
    } else {
        blend_rotated(
            out,
            &patch,
            (p.dest.x, p.dest.y),
            p.pivot,
            p.rotation,
            p.alpha,
        );
    }
    Ok(())
}
