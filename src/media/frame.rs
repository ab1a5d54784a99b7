//! Pictures in memory and the conversions between them, all through swscale.
//!
//! [`RgbaFrame`] is the compositor's currency: 8-bit RGBA, rows packed with no padding.
//! [`Picture`] wraps an FFmpeg frame in any pixel format — a decoded source frame, or a
//! YUV 4:2:0 frame ready for an encoder. [`Scaler`] converts a *region* of a picture to
//! another size and format in one swscale pass: cropping is done by offsetting the plane
//! pointers, so a crop never copies the source.
//!
//! Colour: sources are read with their own matrix (BT.601 / 709 / 2020) and range (full or
//! limited, including the `yuvj*` formats); YUV we produce for encoders is BT.601 limited
//! range, FFmpeg's own default, so our files match what the `ffmpeg` CLI writes.

use ff::format::Pixel;
use ffmpeg_next as ff;

/// An 8-bit RGBA picture with rows packed back to back (`width * 4` bytes a row).
#[derive(Clone, PartialEq, Eq)]
pub struct RgbaFrame {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes, red first; alpha 255 is opaque.
    pub data: Vec<u8>,
}

impl std::fmt::Debug for RgbaFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RgbaFrame({}x{})", self.width, self.height)
    }
}

impl RgbaFrame {
    /// A picture of one colour.
    pub fn filled(width: u32, height: u32, rgba: [u8; 4]) -> RgbaFrame {
        let n = width as usize * height as usize;
        let mut data = Vec::with_capacity(n * 4);
        for _ in 0..n {
            data.extend_from_slice(&rgba);
        }
        RgbaFrame {
            width,
            height,
            data,
        }
    }

    /// The RGBA value at (`x`, `y`), or `None` outside the picture.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 4;
        let p = self.data.get(i..i + 4)?;
        Some([p[0], p[1], p[2], p[3]])
    }

    /// A copy of the part of the picture inside `r` (clipped to the picture).
    pub fn cropped(&self, r: PixelRect) -> RgbaFrame {
        let x0 = r.x.min(self.width) as usize;
        let y0 = r.y.min(self.height) as usize;
        let x1 = (r.x + r.width).min(self.width) as usize;
        let y1 = (r.y + r.height).min(self.height) as usize;
        let row = self.width as usize * 4;
        let mut data = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
        for y in y0..y1 {
            if let Some(line) = self.data.get(y * row + x0 * 4..y * row + x1 * 4) {
                data.extend_from_slice(line);
            }
        }
        RgbaFrame {
            width: (x1 - x0) as u32,
            height: (y1 - y0) as u32,
            data,
        }
    }

    /// The picture turned clockwise by `degrees` (0, 90, 180 or 270; others are ignored).
    pub fn rotated_cw(self, degrees: i32) -> RgbaFrame {
        let degrees = degrees.rem_euclid(360);
        if !matches!(degrees, 90 | 180 | 270) {
            return self;
        }
        let (w, h) = (self.width as usize, self.height as usize);
        let src: Vec<[u8; 4]> = self
            .data
            .chunks_exact(4)
            .map(|p| [p[0], p[1], p[2], p[3]])
            .collect();
        // Destination (x, y) takes the source pixel that turns onto it.
        match degrees {
            90 => remap(&src, h, w, |x, y| (h - 1 - x) * w + y),
            180 => remap(&src, w, h, |x, y| (h - 1 - y) * w + (w - 1 - x)),
            270 => remap(&src, h, w, |x, y| x * w + (w - 1 - y)),
            _ => self,
        }
    }
}

/// A `nw` × `nh` picture whose pixel (x, y) is `src[pick(x, y)]`.
fn remap(src: &[[u8; 4]], nw: usize, nh: usize, pick: impl Fn(usize, usize) -> usize) -> RgbaFrame {
    let mut data = Vec::with_capacity(nw * nh * 4);
    for y in 0..nh {
        for x in 0..nw {
            data.extend_from_slice(&src[pick(x, y)]);
        }
    }
    RgbaFrame {
        width: nw as u32,
        height: nh as u32,
        data,
    }
}

/// A picture held in an FFmpeg frame, in any pixel format.
pub struct Picture {
    pub(crate) frame: ff::frame::Video,
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Picture({}x{} {:?})",
            self.frame.width(),
            self.frame.height(),
            self.frame.format()
        )
    }
}

impl Picture {
    /// Width in pixels (coded, before any rotation).
    pub fn width(&self) -> u32 {
        self.frame.width()
    }

    /// Height in pixels (coded, before any rotation).
    pub fn height(&self) -> u32 {
        self.frame.height()
    }

    /// The part inside `r` (clipped to the picture), sharing the pixels: only the plane
    /// pointers move. Subsampled chroma moves to the chroma pixel at or before `r`. Fails
    /// when FFmpeg refuses the crop (a picture it cannot crop in place).
    #[allow(unsafe_code)]
    pub fn cropped(mut self, r: PixelRect) -> Result<Picture, ScaleError> {
        let (w, h) = (self.width(), self.height());
        let x = r.x.min(w.saturating_sub(1));
        let y = r.y.min(h.saturating_sub(1));
        let right = w.saturating_sub(x + r.width.min(w - x));
        let bottom = h.saturating_sub(y + r.height.min(h - y));
        if (x, y, right, bottom) == (0, 0, 0, 0) {
            return Ok(self);
        }
        // SAFETY: the frame is valid and owned; the crop fields are set inside its size,
        // and av_frame_apply_cropping only moves its data pointers within its buffers and
        // shrinks width and height accordingly.
        let code = unsafe {
            let f = self.frame.as_mut_ptr();
            (*f).crop_left = x as usize;
            (*f).crop_top = y as usize;
            (*f).crop_right = right as usize;
            (*f).crop_bottom = bottom as usize;
            ff::ffi::av_frame_apply_cropping(f, ff::ffi::AV_FRAME_CROP_UNALIGNED as i32)
        };
        if code < 0 {
            return Err(ScaleError::Crop {
                format: self.format_name(),
                width: w,
                height: h,
                region: r,
                reason: ff::Error::from(code).to_string(),
            });
        }
        Ok(self)
    }

    /// The pixel format's FFmpeg name, e.g. `yuv420p10le`.
    pub fn format_name(&self) -> String {
        format!("{:?}", self.frame.format()).to_lowercase()
    }
}

/// A rectangle of whole pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelRect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width, at least 1.
    pub width: u32,
    /// Height, at least 1.
    pub height: u32,
}

impl PixelRect {
    /// The whole of a `width` × `height` picture.
    pub fn full(width: u32, height: u32) -> PixelRect {
        PixelRect {
            x: 0,
            y: 0,
            width,
            height,
        }
    }
}

/// Why a conversion could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScaleError {
    /// swscale refused the formats or sizes.
    #[error("cannot convert {from} {src_w}x{src_h} to {to} {dst_w}x{dst_h}")]
    Unsupported {
        from: String,
        src_w: u32,
        src_h: u32,
        to: String,
        dst_w: u32,
        dst_h: u32,
    },
    /// FFmpeg refused to crop a picture in place.
    #[error("cannot crop a {format} {width}x{height} picture to {region:?}: {reason}")]
    Crop {
        format: String,
        width: u32,
        height: u32,
        region: PixelRect,
        reason: String,
    },
}

/// How carefully to scale: bicubic for export, bilinear for fast previews and blurs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quality {
    /// Bicubic, as the `ffmpeg` CLI's `scale` filter does by default.
    Export,
    /// Bilinear: cheaper, fine for previews and for blurred backgrounds.
    Fast,
}

/// A reusable swscale context; it is rebuilt only when the formats or sizes change.
pub struct Scaler {
    ctx: *mut ff::ffi::SwsContext,
    /// Pictures converted so far.
    conversions: u64,
}

impl std::fmt::Debug for Scaler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scaler")
    }
}

// SAFETY: an SwsContext is plain memory owned by this value alone; it is never shared,
// only moved with the Scaler between threads.
#[allow(unsafe_code)]
unsafe impl Send for Scaler {}

impl Default for Scaler {
    fn default() -> Self {
        Scaler::new()
    }
}

impl Drop for Scaler {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: `ctx` is null or a context from `sws_getCachedContext`, freed once here.
        unsafe { ff::ffi::sws_freeContext(self.ctx) };
    }
}

/// Where one plane of a source region starts, and its row pitch.
struct Planes {
    ptrs: [*const u8; 4],
    strides: [i32; 4],
}

impl Scaler {
    /// A scaler with no context yet.
    pub fn new() -> Scaler {
        Scaler {
            ctx: std::ptr::null_mut(),
            conversions: 0,
        }
    }

    /// How many pictures this scaler has converted: what a cache of converted pictures
    /// saves shows here (for tests and benchmarks).
    pub fn conversions(&self) -> u64 {
        self.conversions
    }

    /// Converts `region` of `src` to an RGBA picture of `width` × `height`.
    pub fn to_rgba(
        &mut self,
        src: &Picture,
        region: PixelRect,
        width: u32,
        height: u32,
        quality: Quality,
    ) -> Result<RgbaFrame, ScaleError> {
        let mut out = RgbaFrame {
            width,
            height,
            data: vec![0; width as usize * height as usize * 4],
        };
        let stride = width as i32 * 4;
        let dst = [
            out.data.as_mut_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        ];
        self.run(
            src,
            region,
            Pixel::RGBA,
            width,
            height,
            quality,
            dst,
            [stride, 0, 0, 0],
        )?;
        Ok(out)
    }

    /// Converts `region` of `src` to a new picture of `width` × `height` in `format`
    /// (e.g. YUV 4:2:0 for an encoder).
    pub fn to_picture(
        &mut self,
        src: &Picture,
        region: PixelRect,
        format: Pixel,
        width: u32,
        height: u32,
        quality: Quality,
    ) -> Result<Picture, ScaleError> {
        let mut frame = ff::frame::Video::new(format, width, height);
        let mut dst = [std::ptr::null_mut(); 4];
        let mut strides = [0i32; 4];
        for (i, (d, s)) in dst.iter_mut().zip(strides.iter_mut()).enumerate() {
            if i < frame.planes() {
                *s = frame.stride(i) as i32;
                *d = frame.data_mut(i).as_mut_ptr();
            }
        }
        self.run(src, region, format, width, height, quality, dst, strides)?;
        Ok(Picture { frame })
    }

    /// An RGBA picture as a [`Picture`] (a copy), so it can be converted onwards.
    pub fn picture_from_rgba(rgba: &RgbaFrame) -> Picture {
        let mut frame = ff::frame::Video::new(Pixel::RGBA, rgba.width, rgba.height);
        let stride = frame.stride(0);
        let row = rgba.width as usize * 4;
        let data = frame.data_mut(0);
        for (y, src) in rgba.data.chunks_exact(row.max(1)).enumerate() {
            if let Some(dst) = data.get_mut(y * stride..y * stride + row) {
                dst.copy_from_slice(src);
            }
        }
        Picture { frame }
    }

    #[allow(unsafe_code, clippy::too_many_arguments)]
    fn run(
        &mut self,
        src: &Picture,
        region: PixelRect,
        to: Pixel,
        width: u32,
        height: u32,
        quality: Quality,
        dst: [*mut u8; 4],
        dst_strides: [i32; 4],
    ) -> Result<(), ScaleError> {
        let from = src.frame.format();
        let unsupported = || ScaleError::Unsupported {
            from: format!("{from:?}").to_lowercase(),
            src_w: region.width,
            src_h: region.height,
            to: format!("{to:?}").to_lowercase(),
            dst_w: width,
            dst_h: height,
        };
        let Some((planes, region)) = region_planes(src, region) else {
            return Err(unsupported());
        };
        if width == 0 || height == 0 {
            return Err(unsupported());
        }
        let flags = match quality {
            Quality::Export => ff::ffi::SWS_BICUBIC,
            Quality::Fast => ff::ffi::SWS_BILINEAR,
        };
        let src_fmt: ff::ffi::AVPixelFormat = from.into();
        let dst_fmt: ff::ffi::AVPixelFormat = to.into();
        // SAFETY: `self.ctx` is null or a context this scaler owns; sws_getCachedContext
        // frees or reuses it and returns a valid context or null. The plane pointers come
        // from `region_planes`, which keeps them inside `src`'s buffers for `region`, and the
        // destination pointers and strides describe buffers of `width` × `height` in `to`
        // made by the callers above.
        unsafe {
            self.ctx = ff::ffi::sws_getCachedContext(
                self.ctx,
                region.width as i32,
                region.height as i32,
                src_fmt,
                width as i32,
                height as i32,
                dst_fmt,
                flags,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null(),
            );
            if self.ctx.is_null() {
                return Err(unsupported());
            }
            let raw = src.frame.as_ptr();
            let src_full = matches!(
                from,
                Pixel::YUVJ420P | Pixel::YUVJ422P | Pixel::YUVJ444P | Pixel::YUVJ440P
            ) || (*raw).color_range == ff::ffi::AVColorRange::AVCOL_RANGE_JPEG;
            let space = match (*raw).colorspace {
                ff::ffi::AVColorSpace::AVCOL_SPC_BT709 => ff::ffi::SWS_CS_ITU709,
                ff::ffi::AVColorSpace::AVCOL_SPC_BT2020_NCL
                | ff::ffi::AVColorSpace::AVCOL_SPC_BT2020_CL => ff::ffi::SWS_CS_BT2020,
                ff::ffi::AVColorSpace::AVCOL_SPC_SMPTE240M => ff::ffi::SWS_CS_SMPTE240M,
                _ => ff::ffi::SWS_CS_DEFAULT,
            };
            let dst_full = i32::from(!is_yuv(to));
            ff::ffi::sws_setColorspaceDetails(
                self.ctx,
                ff::ffi::sws_getCoefficients(space),
                i32::from(src_full),
                ff::ffi::sws_getCoefficients(ff::ffi::SWS_CS_DEFAULT),
                dst_full,
                0,
                1 << 16,
                1 << 16,
            );
            let done = ff::ffi::sws_scale(
                self.ctx,
                planes.ptrs.as_ptr(),
                planes.strides.as_ptr(),
                0,
                region.height as i32,
                dst.as_ptr(),
                dst_strides.as_ptr(),
            );
            if done <= 0 {
                return Err(unsupported());
            }
        }
        self.conversions += 1;
        Ok(())
    }
}

fn is_yuv(p: Pixel) -> bool {
    !matches!(
        p,
        Pixel::RGBA | Pixel::BGRA | Pixel::RGB24 | Pixel::BGR24 | Pixel::RGB8 | Pixel::BGR8
    ) && !matches!(p, Pixel::GRAY8 | Pixel::PAL8)
}

/// The plane pointers of `region` inside `src`, with the region snapped to the chroma grid
/// (so a 4:2:0 crop starts on an even pixel) and kept inside the picture.
#[allow(unsafe_code)]
fn region_planes(src: &Picture, region: PixelRect) -> Option<(Planes, PixelRect)> {
    let (w, h) = (src.frame.width(), src.frame.height());
    let format: ff::ffi::AVPixelFormat = src.frame.format().into();
    // SAFETY: av_pix_fmt_desc_get returns null or a pointer to a static descriptor.
    let desc = unsafe { ff::ffi::av_pix_fmt_desc_get(format).as_ref()? };
    let unsupported_flags = (ff::ffi::AV_PIX_FMT_FLAG_BITSTREAM
        | ff::ffi::AV_PIX_FMT_FLAG_HWACCEL
        | ff::ffi::AV_PIX_FMT_FLAG_PAL) as u64;
    let whole = region == PixelRect::full(w, h);
    if desc.flags & unsupported_flags != 0 && !whole {
        return None;
    }
    let rgb = desc.flags & ff::ffi::AV_PIX_FMT_FLAG_RGB as u64 != 0;
    let (cw, ch) = (u32::from(desc.log2_chroma_w), u32::from(desc.log2_chroma_h));
    let x = (region.x.min(w.saturating_sub(1)) >> cw) << cw;
    let y = (region.y.min(h.saturating_sub(1)) >> ch) << ch;
    let right = (region.x + region.width).min(w).max(x + 1);
    let bottom = (region.y + region.height).min(h).max(y + 1);
    let region = PixelRect {
        x,
        y,
        width: right - x,
        height: bottom - y,
    };
    let mut planes = Planes {
        ptrs: [std::ptr::null(); 4],
        strides: [0; 4],
    };
    for plane in 0..src.frame.planes().min(4) {
        let stride = src.frame.stride(plane);
        let comp = desc
            .comp
            .iter()
            .take(usize::from(desc.nb_components))
            .enumerate()
            .find(|(_, c)| c.plane == plane as i32);
        let (step, chroma) = match comp {
            Some((i, c)) => (c.step.max(1) as usize, !rgb && (i == 1 || i == 2)),
            None => (1, false),
        };
        let (px, py) = if chroma {
            ((x >> cw) as usize, (y >> ch) as usize)
        } else {
            (x as usize, y as usize)
        };
        let offset = if whole { 0 } else { py * stride + px * step };
        let data = src.frame.data(plane);
        planes.ptrs[plane] = data.get(offset..)?.as_ptr();
        planes.strides[plane] = stride as i32;
    }
    Some((planes, region))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(w: u32, h: u32) -> RgbaFrame {
        let mut f = RgbaFrame::filled(w, h, [0, 0, 0, 255]);
        for (i, px) in f.data.chunks_exact_mut(4).enumerate() {
            px[0] = i as u8;
        }
        f
    }

    #[test]
    fn a_quarter_turn_moves_the_bottom_left_corner_to_the_top_left() {
        let f = numbered(3, 2).rotated_cw(90);
        assert_eq!((f.width, f.height), (2, 3));
        // Source row 1 (bottom) column 0 is pixel 3.
        assert_eq!(f.pixel(0, 0).map(|p| p[0]), Some(3));
        assert_eq!(f.pixel(1, 0).map(|p| p[0]), Some(0));
    }

    #[test]
    fn four_quarter_turns_give_the_picture_back() {
        let f = numbered(5, 3);
        let back = f
            .clone()
            .rotated_cw(90)
            .rotated_cw(180)
            .rotated_cw(270)
            .rotated_cw(180);
        assert_eq!(back, f);
    }
}
