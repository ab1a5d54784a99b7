//! The portrait effect on the export's fast path: a clip that covers the whole frame,
//! scaled straight to YUV 4:2:0, gets its background blurred or replaced by a colour in
//! YUV, plane by plane, without going through RGBA at all.
//!
//! Blending is linear in each channel, and YUV is a linear function of RGB (plus an
//! offset), so mixing Y, U and V with the mask gives the colours mixing R, G and B would,
//! to the rounding. The chroma planes take the mask stretched to their half size.

use crate::media::{Picture, PixelRect, Quality, RgbaFrame, ScaleError};
use crate::timeline::PortraitBackground;

use super::box_blur::box_blur;
use super::layout::RectF;
use super::portrait::{blur_radius, composite_plane, PortraitLayer, PortraitState, BLUR_SHRINK};

impl PortraitLayer {
    /// Whether this effect can run on a YUV picture (a removed background needs alpha, a
    /// picture behind needs RGBA).
    pub(super) fn yuv_ok(&self) -> bool {
        matches!(
            self.look.background,
            PortraitBackground::Blur | PortraitBackground::Color { .. }
        )
    }
}

impl PortraitState {
    /// `pic` (YUV 4:2:0, the source rectangle `src` scaled to its size) with the effect.
    pub(super) fn apply_yuv(
        &mut self,
        mut pic: Picture,
        src: RectF,
        layer: &PortraitLayer,
    ) -> Result<Picture, ScaleError> {
        let s = (layer.strength * 255.0).round() as u32;
        if s == 0 {
            return Ok(pic);
        }
        let background = match &layer.look.background {
            PortraitBackground::Color { color } => {
                // The colour in the encoder's YUV, as swscale converts the RGBA path's.
                let fill = RgbaFrame::filled(2, 2, [color.r, color.g, color.b, 255]);
                let small = self.scalers.backdrop.rgba_to_yuv420(&fill)?;
                Background::Flat([0, 1, 2].map(|i| small.plane(i).map_or(0, |(d, _, _, _)| d[0])))
            }
            _ => Background::Picture(self.blurred_yuv(&pic, layer.strength)?),
        };
        let mask = layer.feathered();
        // The mask at each plane's size: the two chroma planes share theirs.
        let mut alpha: (u32, u32, Vec<u8>) = (0, 0, Vec::new());
        for i in 0..3 {
            let Some((plane, stride, pw, ph)) = pic.plane_mut(i) else {
                continue;
            };
            if (alpha.0, alpha.1) != (pw, ph) {
                alpha = (pw, ph, layer.alpha_of(&mask, src, pw, ph));
            }
            let alpha = &alpha.2;
            let (pw, ph) = (pw as usize, ph as usize);
            let (bg, bstride): (std::borrow::Cow<'_, [u8]>, usize) = match &background {
                Background::Flat(v) => (vec![v[i]; pw].into(), 0),
                Background::Picture(p) => match p.plane(i) {
                    Some((b, bstride, _, _)) => (b.into(), bstride),
                    None => continue,
                },
            };
            for y in 0..ph {
                let (Some(row), Some(b)) = (
                    plane.get_mut(y * stride..y * stride + pw),
                    bg.get(y * bstride..y * bstride + pw),
                ) else {
                    continue;
                };
                composite_plane(row, &alpha[y * pw..(y + 1) * pw], s, b);
            }
        }
        Ok(pic)
    }

    /// `pic` blurred like the RGBA path blurs ([`super::portrait`]): shrunk, each plane
    /// box blurred twice, stretched back.
    fn blurred_yuv(&mut self, pic: &Picture, strength: f64) -> Result<Picture, ScaleError> {
        let (w, h) = (pic.width(), pic.height());
        let small = ((w / BLUR_SHRINK).max(2), (h / BLUR_SHRINK).max(2));
        let mut tiny = self.scalers.shrink.yuv420(
            pic,
            PixelRect::full(w, h),
            small.0,
            small.1,
            Quality::Fast,
        )?;
        let radius = blur_radius(strength, small.1);
        let mut line = Vec::new();
        for i in 0..3 {
            let Some((plane, stride, pw, ph)) = tiny.plane_mut(i) else {
                continue;
            };
            let (pw, ph) = (pw as usize, ph as usize);
            // Chroma is half the size: half the radius covers the same area.
            let r = if i == 0 { radius } else { (radius / 2).max(1) };
            line.clear();
            for y in 0..ph {
                line.extend_from_slice(&plane[y * stride..y * stride + pw]);
            }
            for _ in 0..2 {
                box_blur(&mut line, pw, ph, 1, r);
            }
            for y in 0..ph {
                plane[y * stride..y * stride + pw].copy_from_slice(&line[y * pw..(y + 1) * pw]);
            }
        }
        self.scalers.grow.yuv420(
            &tiny,
            PixelRect::full(small.0, small.1),
            w,
            h,
            Quality::Fast,
        )
    }
}

/// What the background of a YUV picture becomes.
enum Background {
    /// A colour: one value a plane.
    Flat([u8; 3]),
    /// A picture of the same size and format.
    Picture(Picture),
}
