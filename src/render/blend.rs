//! Pixel work of the compositor, in integer arithmetic over `u8` slices so the compiler
//! can vectorise it: alpha blending, mirroring, and drawing a turned picture.
//!
//! Blending is straight-alpha "over": `out = (src·a + dst·(255 − a)) / 255` per channel,
//! with `a` the source alpha times the clip's opacity. Divisions by 255 use the exact
//! `(x + 128 + ((x + 128) >> 8)) >> 8` form.

use crate::media::RgbaFrame;

use super::layout::IRect;

/// `x / 255`, rounded, for `x` in `0..=255 * 255`.
#[inline]
pub fn div255(x: u32) -> u32 {
    let y = x + 128;
    (y + (y >> 8)) >> 8
}

/// Blends one source pixel over one destination pixel with extra opacity `alpha`.
#[inline]
fn over(d: &mut [u8], s: &[u8], alpha: u32) {
    let a = div255(u32::from(s[3]) * alpha);
    let ia = 255 - a;
    d[0] = div255(u32::from(s[0]) * a + u32::from(d[0]) * ia) as u8;
    d[1] = div255(u32::from(s[1]) * a + u32::from(d[1]) * ia) as u8;
    d[2] = div255(u32::from(s[2]) * a + u32::from(d[2]) * ia) as u8;
    d[3] = (a + div255(u32::from(d[3]) * ia)) as u8;
}

/// Draws `src` over `dst` with its top-left corner at (`x`, `y`), clipped to `dst`.
pub fn blend_at(dst: &mut RgbaFrame, src: &RgbaFrame, x: i32, y: i32, alpha: u8) {
    let (dw, dh) = (dst.width as i32, dst.height as i32);
    let x0 = x.max(0);
    let y0 = y.max(0);
    let x1 = (x + src.width as i32).min(dw);
    let y1 = (y + src.height as i32).min(dh);
    if x1 <= x0 || y1 <= y0 {
        return;
    }
    let cols = (x1 - x0) as usize;
    let opaque = alpha == 255 && src.data.chunks_exact(4).all(|p| p[3] == 255);
    for row in y0..y1 {
        let s_off = (((row - y) as usize) * src.width as usize + (x0 - x) as usize) * 4;
        let d_off = ((row as usize) * dst.width as usize + x0 as usize) * 4;
        let (Some(s), Some(d)) = (
            src.data.get(s_off..s_off + cols * 4),
            dst.data.get_mut(d_off..d_off + cols * 4),
        ) else {
            continue;
        };
        if opaque {
            d.copy_from_slice(s);
        } else {
            for (dp, sp) in d.chunks_exact_mut(4).zip(s.chunks_exact(4)) {
                over(dp, sp, u32::from(alpha));
            }
        }
    }
}

/// Fills `rect` (clipped to the frame) with `rgba`, blended by its alpha.
pub fn fill_rect(dst: &mut RgbaFrame, rect: IRect, rgba: [u8; 4]) {
    let x0 = rect.x.max(0) as usize;
    let y0 = rect.y.max(0) as usize;
    let x1 = ((rect.x + rect.w as i32).max(0) as usize).min(dst.width as usize);
    let y1 = ((rect.y + rect.h as i32).max(0) as usize).min(dst.height as usize);
    if x1 <= x0 {
        return;
    }
    let width = dst.width as usize;
    for row in y0..y1 {
        let Some(d) = dst
            .data
            .get_mut((row * width + x0) * 4..(row * width + x1) * 4)
        else {
            continue;
        };
        for dp in d.chunks_exact_mut(4) {
            over(dp, &rgba, 255);
        }
    }
}

/// The picture mirrored left–right and/or top–bottom.
pub fn flipped(mut f: RgbaFrame, x: bool, y: bool) -> RgbaFrame {
    let row = f.width as usize * 4;
    if x {
        for line in f.data.chunks_exact_mut(row.max(4)) {
            let px: Vec<[u8; 4]> = line
                .chunks_exact(4)
                .rev()
                .map(|p| [p[0], p[1], p[2], p[3]])
                .collect();
            for (d, s) in line.chunks_exact_mut(4).zip(px) {
                d.copy_from_slice(&s);
            }
        }
    }
    if y {
        let rows: Vec<Vec<u8>> = f
            .data
            .chunks_exact(row.max(4))
            .rev()
            .map(<[u8]>::to_vec)
            .collect();
        f.data = rows.concat();
    }
    f
}

/// The smallest and the largest of `values`.
fn extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// Draws `src`, whose unturned top-left corner is at `origin`, turned clockwise by
/// `degrees` about `pivot`, over `dst` (nearest-neighbour sampling).
///
/// The inverse mapping is set up once in 16.16 fixed point; each output pixel then costs
/// two integer additions, a bounds check and a blend.
pub fn blend_rotated(
    dst: &mut RgbaFrame,
    src: &RgbaFrame,
    origin: (f64, f64),
    pivot: (f64, f64),
    degrees: f64,
    alpha: u8,
) {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (sw, sh) = (f64::from(src.width), f64::from(src.height));
    // Corners of the turned picture, for the bounding box to scan.
    let turn = |x: f64, y: f64| {
        let (dx, dy) = (x - pivot.0, y - pivot.1);
        (pivot.0 + dx * cos - dy * sin, pivot.1 + dx * sin + dy * cos)
    };
    let corners = [
        turn(origin.0, origin.1),
        turn(origin.0 + sw, origin.1),
        turn(origin.0, origin.1 + sh),
        turn(origin.0 + sw, origin.1 + sh),
    ];
    let (left, right) = extent(corners.iter().map(|c| c.0));
    let (top, bottom) = extent(corners.iter().map(|c| c.1));
    let (min_x, max_x) = (
        left.floor().max(0.0),
        right.ceil().min(f64::from(dst.width)),
    );
    let (min_y, max_y) = (
        top.floor().max(0.0),
        bottom.ceil().min(f64::from(dst.height)),
    );
    if max_x <= min_x || max_y <= min_y {
        return;
    }
    const ONE: f64 = 65536.0;
    // Source coordinates of an output pixel centre: turn back by -degrees about the pivot.
    let back = |x: f64, y: f64| {
        let (dx, dy) = (x - pivot.0, y - pivot.1);
        (
            pivot.0 + dx * cos + dy * sin - origin.0,
            pivot.1 - dx * sin + dy * cos - origin.1,
        )
    };
    let du = (cos * ONE) as i64;
    let dv = (-sin * ONE) as i64;
    let (x0, x1, y0, y1) = (
        min_x as usize,
        max_x as usize,
        min_y as usize,
        max_y as usize,
    );
    let (swi, shi) = (i64::from(src.width), i64::from(src.height));
    let dst_w = dst.width as usize;
    for y in y0..y1 {
        let (u0, v0) = back(x0 as f64 + 0.5, y as f64 + 0.5);
        let (mut u, mut v) = ((u0 * ONE) as i64, (v0 * ONE) as i64);
        let Some(row) = dst.data.get_mut((y * dst_w + x0) * 4..(y * dst_w + x1) * 4) else {
            continue;
        };
        for dp in row.chunks_exact_mut(4) {
            let (iu, iv) = (u >> 16, v >> 16);
            if (0..swi).contains(&iu) && (0..shi).contains(&iv) {
                let i = ((iv * swi + iu) * 4) as usize;
                if let Some(sp) = src.data.get(i..i + 4) {
                    over(dp, sp, u32::from(alpha));
                }
            }
            u += du;
            v += dv;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dividing_by_255_is_exact_for_every_product_of_two_bytes() {
        for a in 0..=255u32 {
            for b in 0..=255u32 {
                let exact = ((a * b) as f64 / 255.0).round() as u32;
                assert_eq!(div255(a * b), exact, "{a} * {b}");
            }
        }
    }

    #[test]
    fn half_opacity_white_over_black_gives_mid_grey() {
        let mut dst = RgbaFrame::filled(2, 2, [0, 0, 0, 255]);
        let src = RgbaFrame::filled(1, 1, [255, 255, 255, 255]);
        blend_at(&mut dst, &src, 1, 1, 128);
        assert_eq!(dst.pixel(1, 1), Some([128, 128, 128, 255]));
        assert_eq!(dst.pixel(0, 0), Some([0, 0, 0, 255]));
    }

    #[test]
    fn a_picture_hanging_off_the_frame_is_clipped_not_wrapped() {
        let mut dst = RgbaFrame::filled(4, 4, [0, 0, 0, 255]);
        let src = RgbaFrame::filled(3, 3, [9, 9, 9, 255]);
        blend_at(&mut dst, &src, -2, 2, 255);
        assert_eq!(dst.pixel(0, 2), Some([9, 9, 9, 255]));
        assert_eq!(dst.pixel(1, 2), Some([0, 0, 0, 255]));
        assert_eq!(dst.pixel(0, 1), Some([0, 0, 0, 255]));
    }

    #[test]
    fn a_half_turn_about_the_centre_puts_the_top_left_pixel_bottom_right() {
        let mut src = RgbaFrame::filled(4, 4, [0, 0, 0, 255]);
        src.data[0..4].copy_from_slice(&[255, 0, 0, 255]);
        let mut dst = RgbaFrame::filled(4, 4, [0, 0, 255, 255]);
        blend_rotated(&mut dst, &src, (0.0, 0.0), (2.0, 2.0), 180.0, 255);
        assert_eq!(dst.pixel(3, 3), Some([255, 0, 0, 255]));
        assert_eq!(dst.pixel(0, 0), Some([0, 0, 0, 255]));
    }

    #[test]
    fn mirroring_left_to_right_reverses_each_row() {
        let mut f = RgbaFrame::filled(2, 1, [0, 0, 0, 255]);
        f.data[0] = 7;
        let m = flipped(f, true, false);
        assert_eq!(m.pixel(1, 0), Some([7, 0, 0, 255]));
    }
}
