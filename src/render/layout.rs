//! Where a clip's picture lands on the output frame: pure geometry, no pixels.
//!
//! The order follows [`Transform`]'s contract: the reframing picks the part of the source
//! shown (the whole picture to fit, a window of the output's shape to fill), the transform's
//! crop trims it, its anchor is put at the frame centre plus the position, and it is scaled
//! (negative mirrors) and turned about the anchor. Everything here is `f64` per clip, never
//! per pixel; the pixel loops in [`super::blend`] are integer.

use crate::timeline::{CropRect, ReframeAt, ReframeMode, Transform};

/// A rectangle in pixels, with fractional edges.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RectF {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl RectF {
    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    fn from_crop(c: CropRect) -> RectF {
        RectF {
            x: c.x,
            y: c.y,
            w: c.width,
            h: c.height,
        }
    }
}

/// One clip's picture placed on the output frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    /// The part of the (upright) source shown, in source pixels.
    pub source: RectF,
    /// Where that part lands before rotation, in output pixels.
    pub dest: RectF,
    /// Mirrored left–right (negative horizontal scale).
    pub flip_x: bool,
    /// Mirrored top–bottom (negative vertical scale).
    pub flip_y: bool,
    /// Clockwise turn about `pivot`, degrees.
    pub rotation: f64,
    /// The anchor's position on the output frame.
    pub pivot: (f64, f64),
    /// Opacity, 0 to 255.
    pub alpha: u8,
}

impl Placement {
    /// True when the picture is neither turned nor mirrored (a plain scaled rectangle).
    pub fn is_axis_aligned(&self) -> bool {
        let r = self.rotation.rem_euclid(360.0);
        !(0.01..=359.99).contains(&r)
    }

    /// True when the picture covers the whole `out` frame opaquely and unmirrored: what is
    /// under it cannot show.
    pub fn covers(&self, out: (u32, u32)) -> bool {
        self.alpha == 255
            && self.is_axis_aligned()
            && !self.flip_x
            && !self.flip_y
            && self.dest.x <= 0.5
            && self.dest.y <= 0.5
            && self.dest.right() >= f64::from(out.0) - 0.5
            && self.dest.bottom() >= f64::from(out.1) - 0.5
    }

    /// The source pixel position (upright source pixels) drawn at output point `p`, or
    /// `None` when the picture does not cover `p`. Undoes the turn about the pivot, then
    /// the scale and any mirroring — the inverse of what drawing does.
    pub fn source_point(&self, p: (f64, f64)) -> Option<(f64, f64)> {
        let (sin, cos) = self.rotation.to_radians().sin_cos();
        let (dx, dy) = (p.0 - self.pivot.0, p.1 - self.pivot.1);
        let x = self.pivot.0 + dx * cos + dy * sin;
        let y = self.pivot.1 - dx * sin + dy * cos;
        let fx = (x - self.dest.x) / self.dest.w;
        let fy = (y - self.dest.y) / self.dest.h;
        if !(0.0..1.0).contains(&fx) || !(0.0..1.0).contains(&fy) {
            return None;
        }
        let fx = if self.flip_x { 1.0 - fx } else { fx };
        let fy = if self.flip_y { 1.0 - fy } else { fy };
        Some((
            self.source.x + fx * self.source.w,
            self.source.y + fy * self.source.h,
        ))
    }

    /// The output point where source point `s` (upright source pixels) is drawn: what
    /// [`Placement::source_point`] undoes, for points outside the picture too.
    pub fn output_point(&self, s: (f64, f64)) -> (f64, f64) {
        let fx = (s.0 - self.source.x) / self.source.w;
        let fy = (s.1 - self.source.y) / self.source.h;
        let fx = if self.flip_x { 1.0 - fx } else { fx };
        let fy = if self.flip_y { 1.0 - fy } else { fy };
        let (dx, dy) = (
            self.dest.x + fx * self.dest.w - self.pivot.0,
            self.dest.y + fy * self.dest.h - self.pivot.1,
        );
        let (sin, cos) = self.rotation.to_radians().sin_cos();
        (
            self.pivot.0 + dx * cos - dy * sin,
            self.pivot.1 + dx * sin + dy * cos,
        )
    }

    /// For an axis-aligned placement, the part of the output it draws on (whole pixels,
    /// clipped to the frame) and the source rectangle that maps onto exactly that part.
    pub fn visible(&self, out: (u32, u32)) -> Option<(IRect, RectF)> {
        let (ow, oh) = (f64::from(out.0), f64::from(out.1));
        let x0 = self.dest.x.max(0.0).round();
        let y0 = self.dest.y.max(0.0).round();
        let x1 = self.dest.right().min(ow).round();
        let y1 = self.dest.bottom().min(oh).round();
        if x1 - x0 < 1.0 || y1 - y0 < 1.0 {
            return None;
        }
        let kx = self.source.w / self.dest.w;
        let ky = self.source.h / self.dest.h;
        // Mirrored pictures read the source from the far edge.
        let sx = if self.flip_x {
            self.source.x + (self.dest.right() - x1) * kx
        } else {
            self.source.x + (x0 - self.dest.x) * kx
        };
        let sy = if self.flip_y {
            self.source.y + (self.dest.bottom() - y1) * ky
        } else {
            self.source.y + (y0 - self.dest.y) * ky
        };
        let dest = IRect {
            x: x0 as i32,
            y: y0 as i32,
            w: (x1 - x0) as u32,
            h: (y1 - y0) as u32,
        };
        let src = RectF {
            x: sx,
            y: sy,
            w: (x1 - x0) * kx,
            h: (y1 - y0) * ky,
        };
        Some((dest, src))
    }
}

/// A rectangle of whole pixels on the output frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IRect {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
}

/// Places a `source`-sized picture on an `out`-sized frame. `None` when nothing shows
/// (cropped away, scaled to nothing, fully transparent).
pub fn place(
    transform: &Transform,
    reframe: &ReframeAt,
    source: (u32, u32),
    out: (u32, u32),
) -> Option<Placement> {
    let (ow, oh) = (f64::from(out.0), f64::from(out.1));
    let whole = RectF {
        x: 0.0,
        y: 0.0,
        w: f64::from(source.0),
        h: f64::from(source.1),
    };
    let (r, fill) = match reframe.mode {
        ReframeMode::Fit | ReframeMode::BlurFill => (whole, false),
        ReframeMode::Fill => (RectF::from_crop(reframe.crop), true),
    };
    if r.w <= 0.0 || r.h <= 0.0 {
        return None;
    }
    let base = if fill {
        (ow / r.w).max(oh / r.h)
    } else {
        (ow / r.w).min(oh / r.h)
    };
    let c = transform.crop;
    let cropped = RectF {
        x: r.x + c.left * r.w,
        y: r.y + c.top * r.h,
        w: r.w * (1.0 - c.left - c.right),
        h: r.h * (1.0 - c.top - c.bottom),
    };
    let alpha = (transform.opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
    let (sx, sy) = (base * transform.scale.x, base * transform.scale.y);
    if cropped.w < 0.5 || cropped.h < 0.5 || alpha == 0 || !sx.is_finite() || !sy.is_finite() {
        return None;
    }
    if sx.abs() * cropped.w < 0.5 || sy.abs() * cropped.h < 0.5 {
        return None;
    }
    let anchor = (
        cropped.x + transform.anchor.x * cropped.w,
        cropped.y + transform.anchor.y * cropped.h,
    );
    let pivot = (
        ow / 2.0 + transform.position.x * ow,
        oh / 2.0 + transform.position.y * oh,
    );
    // The picture's edges relative to the anchor, scaled (a negative scale swaps them).
    let xs = [
        (cropped.x - anchor.0) * sx,
        (cropped.right() - anchor.0) * sx,
    ];
    let ys = [
        (cropped.y - anchor.1) * sy,
        (cropped.bottom() - anchor.1) * sy,
    ];
    let dest = RectF {
        x: pivot.0 + xs[0].min(xs[1]),
        y: pivot.1 + ys[0].min(ys[1]),
        w: cropped.w * sx.abs(),
        h: cropped.h * sy.abs(),
    };
    Some(Placement {
        source: cropped,
        dest,
        flip_x: sx < 0.0,
        flip_y: sy < 0.0,
        rotation: transform.rotation_degrees,
        pivot,
        alpha,
    })
}

/// For blur-fill, the source window stretched behind the fitted picture.
pub fn blur_window(reframe: &ReframeAt) -> Option<RectF> {
    (reframe.mode == ReframeMode::BlurFill).then(|| RectF::from_crop(reframe.crop))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Reframe, Time, Vec2};

    fn reframe(mode: ReframeMode, source: (u32, u32), out: (u32, u32)) -> ReframeAt {
        Reframe {
            mode,
            crop: Default::default(),
        }
        .at(Time::ZERO, source, out)
    }

    /// Where a `source`-sized picture with transform `t` and reframing `mode` lands in an
    /// `out`-sized frame; the tests below all place visible pictures.
    fn placed(t: &Transform, mode: ReframeMode, source: (u32, u32), out: (u32, u32)) -> Placement {
        place(t, &reframe(mode, source, out), source, out).unwrap()
    }

    #[test]
    fn a_source_point_drawn_turned_and_mirrored_maps_back_to_itself() {
        let t = Transform {
            rotation_degrees: 30.0,
            scale: Vec2 { x: -0.5, y: 0.7 },
            position: Vec2 { x: 0.1, y: -0.2 },
            ..Transform::default()
        };
        let p = placed(&t, ReframeMode::Fit, (640, 360), (1080, 1920));
        let out = p.output_point((100.0, 50.0));
        let back = p.source_point(out).unwrap();
        assert!(
            (back.0 - 100.0).abs() < 1e-6 && (back.1 - 50.0).abs() < 1e-6,
            "{back:?}"
        );
    }

    #[test]
    fn an_output_point_maps_back_to_the_source_pixel_drawn_there() {
        let out = (1080, 1920);
        let p = placed(&Transform::default(), ReframeMode::Fit, (1920, 1080), out);
        // Letterboxed at half size: the frame centre is the source centre, the bars are
        // not the picture.
        let (x, y) = p.source_point((540.0, 960.0)).unwrap();
        assert!((x - 960.0).abs() < 1e-9 && (y - 540.0).abs() < 1e-9);
        assert_eq!(p.source_point((540.0, 10.0)), None);
        // Turned a quarter clockwise about the centre: what was right of centre is below.
        let turned = Transform {
            rotation_degrees: 90.0,
            ..Transform::default()
        };
        let p = placed(&turned, ReframeMode::Fit, (1920, 1080), out);
        // 100 output pixels are 100 / 0.5625 source pixels at this size.
        let (x, y) = p.source_point((540.0, 960.0 + 100.0)).unwrap();
        let want = 960.0 + 100.0 / 0.5625;
        assert!(
            (x - want).abs() < 1e-6 && (y - 540.0).abs() < 1e-6,
            "{x} {y}"
        );
    }

    #[test]
    fn fitting_a_landscape_picture_in_a_portrait_frame_letterboxes_it() {
        let out = (1080, 1920);
        let p = placed(&Transform::default(), ReframeMode::Fit, (1920, 1080), out);
        assert_eq!(p.dest.w, 1080.0);
        assert!((p.dest.h - 607.5).abs() < 1e-9);
        assert!((p.dest.y - (1920.0 - 607.5) / 2.0).abs() < 1e-9);
        assert!(!p.covers(out));
    }

    #[test]
    fn filling_a_portrait_frame_shows_the_centre_strip_and_covers_it() {
        let out = (1080, 1920);
        let p = placed(&Transform::default(), ReframeMode::Fill, (1920, 1080), out);
        assert!(p.covers(out));
        assert!((p.source.x - (1920.0 - 607.5) / 2.0).abs() < 1e-9);
        let (dest, src) = p.visible(out).unwrap();
        assert_eq!(
            dest,
            IRect {
                x: 0,
                y: 0,
                w: 1080,
                h: 1920
            }
        );
        assert!((src.w - 607.5).abs() < 1e-6);
    }

    #[test]
    fn half_scale_at_the_right_edge_only_shows_the_part_inside_the_frame() {
        let out = (200, 100);
        let t = Transform {
            scale: Vec2::new(0.5, 0.5),
            position: Vec2::new(0.5, 0.0),
            ..Transform::default()
        };
        let p = placed(&t, ReframeMode::Fit, (200, 100), out);
        assert_eq!(
            p.dest,
            RectF {
                x: 150.0,
                y: 25.0,
                w: 100.0,
                h: 50.0
            }
        );
        let (dest, src) = p.visible(out).unwrap();
        assert_eq!(
            dest,
            IRect {
                x: 150,
                y: 25,
                w: 50,
                h: 50
            }
        );
        assert_eq!(
            src,
            RectF {
                x: 0.0,
                y: 0.0,
                w: 100.0,
                h: 100.0
            }
        );
    }

    #[test]
    fn a_mirrored_picture_reads_its_visible_part_from_the_far_edge() {
        let out = (200, 100);
        let t = Transform {
            scale: Vec2::new(-1.0, 1.0),
            position: Vec2::new(0.25, 0.0),
            ..Transform::default()
        };
        let p = placed(&t, ReframeMode::Fit, (200, 100), out);
        assert!(p.flip_x);
        let (dest, src) = p.visible(out).unwrap();
        assert_eq!(
            dest,
            IRect {
                x: 50,
                y: 0,
                w: 150,
                h: 100
            }
        );
        // Output columns 50..200 show source columns 200..50 mirrored: source 50..200.
        assert_eq!(src.x, 50.0);
        assert_eq!(src.w, 150.0);
    }

    #[test]
    fn cropping_the_left_half_keeps_the_right_half_centred_on_the_anchor() {
        let out = (200, 100);
        let mut t = Transform::default();
        t.crop.left = 0.5;
        let p = placed(&t, ReframeMode::Fit, (200, 100), out);
        assert_eq!(
            p.source,
            RectF {
                x: 100.0,
                y: 0.0,
                w: 100.0,
                h: 100.0
            }
        );
        assert_eq!(
            p.dest,
            RectF {
                x: 50.0,
                y: 0.0,
                w: 100.0,
                h: 100.0
            }
        );
    }

    #[test]
    fn an_invisible_clip_is_not_placed() {
        let t = Transform {
            opacity: 0.0,
            ..Transform::default()
        };
        let r = reframe(ReframeMode::Fit, (10, 10), (10, 10));
        assert!(place(&t, &r, (10, 10), (10, 10)).is_none());
    }
}
