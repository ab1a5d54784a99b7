//! Drawing layers: the YUV fast path, scaling a clip's shown source region exactly as
//! FFmpeg's `scale` + `crop` would (with a small cache of scaled pictures), the blur-fill
//! background, and blending each layer onto the frame.

use std::path::PathBuf;

use crate::media::{Picture, PixelRect, Quality, RgbaFrame, Scaler};
use crate::render::blend::{blend_at, blend_rotated, fill_rect, flipped};
use crate::render::layout::{IRect, Placement, RectF};
use crate::timeline::ClipId;

use super::{shown_frame, Compositor, Layer, RenderError};

/// What a scaled picture was made from; equal keys give equal pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct CacheKey {
    clip: ClipId,
    frame_time: i64,
    /// Hash of the clip's effect chain; 0 without effects.
    effects: u64,
    plan: ScalePlan,
}

/// How many scaled pictures to keep: enough for slow motion and freeze frames of a few
/// layers, small enough to stay a few frames of memory.
pub(super) const CACHE_LEN: usize = 6;

/// The blurred background is drawn at this fraction of the frame, then stretched.
pub(super) const BLUR_DIVISOR: u32 = 24;

impl Compositor {
    pub(super) fn fast_yuv(
        &mut self,
        clip: ClipId,
        placement: &Placement,
        size: (u32, u32),
    ) -> Result<Option<Picture>, RenderError> {
        let Some((_, src)) = placement.visible(size) else {
            return Ok(None);
        };
        let src = self.to_decoded(clip, src);
        let Some((frame, path, _)) = shown_frame(&self.decoders, &self.effects, clip) else {
            return Ok(None);
        };
        let p = plan(src, frame.display_size(), size);
        let (sw, sh) = p.scaled;
        match frame.to_yuv420(p.region, sw, sh, &mut self.scaler) {
            // Even offsets keep 4:2:0 chroma on its grid (FFmpeg's `crop` does the same).
            Some(Ok(pic)) => pic
                .cropped(PixelRect {
                    x: p.offset.0 & !1,
                    y: p.offset.1 & !1,
                    width: size.0,
                    height: size.1,
                })
                .map(Some)
                .map_err(|source| RenderError::Convert {
                    path: path.to_owned(),
                    source,
                }),
            Some(Err(source)) => Err(RenderError::Convert {
                path: path.to_owned(),
                source,
            }),
            None => Ok(None),
        }
    }

    pub(super) fn draw(
        &mut self,
        out: &mut RgbaFrame,
        layer: &Layer,
        size: (u32, u32),
    ) -> Result<(), RenderError> {
        match layer {
            Layer::Nothing => Ok(()),
            Layer::Sticker(sticker) => Ok(crate::render::sticker::draw_sticker(out, sticker)?),
            Layer::Color { rgba } => {
                let all = IRect {
                    x: 0,
                    y: 0,
                    w: size.0,
                    h: size.1,
                };
                fill_rect(out, all, *rgba);
                Ok(())
            }
            Layer::Media {
                clip,
                placement,
                blur,
                portrait,
                ..
            } => {
                if let Some(window) = blur {
                    let bg = self.blurred(*clip, *window, size)?;
                    blend_at(out, &bg, 0, 0, placement.alpha);
                }
                if placement.is_axis_aligned() {
                    let Some((dest, src)) = placement.visible(size) else {
                        return Ok(());
                    };
                    let patch = self.scaled(*clip, src, (dest.w, dest.h), Quality::Export)?;
                    let patch = self.with_portrait(patch, src, portrait.as_deref())?;
                    let patch = flipped(patch, placement.flip_x, placement.flip_y);
                    blend_at(out, &patch, dest.x, dest.y, placement.alpha);
                } else {
                    // Turned: scale the whole shown part (bounded), then draw it turned.
                    let limit = f64::from(size.0.max(size.1)) * 2.0;
                    let w = placement.dest.w.min(limit).round().max(1.0) as u32;
                    let h = placement.dest.h.min(limit).round().max(1.0) as u32;
                    let patch = self.scaled(*clip, placement.source, (w, h), Quality::Export)?;
                    let patch = self.with_portrait(patch, placement.source, portrait.as_deref())?;
                    let patch = flipped(patch, placement.flip_x, placement.flip_y);
                    let origin = (placement.dest.x, placement.dest.y);
                    blend_rotated(
                        out,
                        &patch,
                        origin,
                        placement.pivot,
                        placement.rotation,
                        placement.alpha,
                    );
                }
                Ok(())
            }
        }
    }
}

impl Compositor {
    /// The blur-fill background: the window shrunk a lot, then stretched back (bilinear),
    /// which blurs it for almost no work.
    pub(super) fn blurred(
        &mut self,
        clip: ClipId,
        window: RectF,
        size: (u32, u32),
    ) -> Result<RgbaFrame, RenderError> {
        let small = (
            (size.0 / BLUR_DIVISOR).max(2),
            (size.1 / BLUR_DIVISOR).max(2),
        );
        let tiny = self.scaled(clip, window, small, Quality::Fast)?;
        let pic = Scaler::picture_from_rgba(&tiny);
        self.scaler
            .to_rgba(
                &pic,
                PixelRect::full(small.0, small.1),
                size.0,
                size.1,
                Quality::Fast,
            )
            .map_err(|source| RenderError::Convert {
                path: PathBuf::from("blurred background"),
                source,
            })
    }

    /// `src` (upright source pixels) of the clip's current frame, scaled to `size`.
    pub(super) fn scaled(
        &mut self,
        clip: ClipId,
        src: RectF,
        size: (u32, u32),
        quality: Quality,
    ) -> Result<RgbaFrame, RenderError> {
        let src = self.to_decoded(clip, src);
        let Some((frame, path, effects)) = self.current_frame(clip) else {
            return Ok(RgbaFrame::filled(size.0, size.1, [0, 0, 0, 0]));
        };
        let p = plan(src, frame.display_size(), size);
        let key = CacheKey {
            clip,
            frame_time: frame.time,
            effects,
            plan: p,
        };
        if let Some(i) = self.cache.iter().position(|(k, _)| *k == key) {
            let hit = self.cache.remove(i);
            let pixels = hit.1.clone();
            self.cache.push(hit);
            return Ok(pixels);
        }
        let path = path.to_owned();
        let Some((frame, _, _)) = shown_frame(&self.decoders, &self.effects, clip) else {
            return Ok(RgbaFrame::filled(size.0, size.1, [0, 0, 0, 0]));
        };
        let (sw, sh) = p.scaled;
        let big = frame
            .to_rgba(p.region, sw, sh, quality, &mut self.scaler)
            .map_err(|source| RenderError::Convert { path, source })?;
        let pixels = if p.scaled == size {
            big
        } else {
            big.cropped(PixelRect {
                x: p.offset.0,
                y: p.offset.1,
                width: size.0,
                height: size.1,
            })
        };
        if self.cache.len() >= CACHE_LEN {
            self.cache.remove(0);
        }
        self.cache.push((key, pixels.clone()));
        Ok(pixels)
    }
}

/// How to draw a fractional source rectangle at a whole-pixel size exactly: scale the
/// whole-pixel `region` around it (left and top edges on even pixels, as 4:2:0 chroma
/// needs) to `scaled`, then cut `size` pixels out at `offset`. This is what `ffmpeg`'s
/// `scale` + `crop` does, so a fill lands on the same pixels as theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ScalePlan {
    region: PixelRect,
    scaled: (u32, u32),
    offset: (u32, u32),
    size: (u32, u32),
}

pub(super) fn plan(r: RectF, source: (u32, u32), size: (u32, u32)) -> ScalePlan {
    let (sw, sh) = (f64::from(source.0), f64::from(source.1));
    let (w, h) = (f64::from(size.0.max(1)), f64::from(size.1.max(1)));
    let rw = r.w.max(1e-6);
    let rh = r.h.max(1e-6);
    let (kx, ky) = (w / rw, h / rh);
    let x0 = ((r.x.clamp(0.0, sw - 1.0) / 2.0).floor() * 2.0).max(0.0);
    let y0 = ((r.y.clamp(0.0, sh - 1.0) / 2.0).floor() * 2.0).max(0.0);
    let x1 = r.right().ceil().clamp(x0 + 1.0, sw);
    let y1 = r.bottom().ceil().clamp(y0 + 1.0, sh);
    let scaled_w = ((x1 - x0) * kx).round().max(w);
    let scaled_h = ((y1 - y0) * ky).round().max(h);
    let off_x = ((r.x - x0) * kx).round().clamp(0.0, scaled_w - w);
    let off_y = ((r.y - y0) * ky).round().clamp(0.0, scaled_h - h);
    ScalePlan {
        region: PixelRect {
            x: x0 as u32,
            y: y0 as u32,
            width: (x1 - x0) as u32,
            height: (y1 - y0) as u32,
        },
        scaled: (scaled_w as u32, scaled_h as u32),
        offset: (off_x as u32, off_y as u32),
        size,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f64, y: f64, w: f64, h: f64) -> RectF {
        RectF { x, y, w, h }
    }

    #[test]
    fn a_fractional_fill_window_is_scaled_from_whole_pixels_and_cut_exactly() {
        // 9:16 out of 320x240: the window is 135 wide from x = 92.5.
        let r = rect(92.5, 0.0, 135.0, 240.0);
        let p = plan(r, (320, 240), (270, 480));
        assert_eq!(
            p.region,
            PixelRect {
                x: 92,
                y: 0,
                width: 136,
                height: 240
            }
        );
        assert_eq!(p.scaled, (272, 480));
        assert_eq!(p.offset, (1, 0));
    }

    #[test]
    fn a_whole_picture_needs_no_cut() {
        let r = rect(0.0, 0.0, 320.0, 240.0);
        let p = plan(r, (320, 240), (160, 120));
        assert_eq!(p.region, PixelRect::full(320, 240));
        assert_eq!((p.scaled, p.offset), ((160, 120), (0, 0)));
    }
}
