//! Captured BGRA pictures turned into the encoder's pixel format at the output size,
//! letterboxed or cropped to fit ([`Fit`]).

use ffmpeg_next::format::Pixel;
use ffmpeg_next::frame;
use ffmpeg_next::software::scaling;

use super::super::raw::BgraFrame;
use super::super::record_error::RecordError;

/// How a picture of another shape fills the output frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Fit {
    /// The whole picture, with black bars where the shapes differ.
    #[default]
    Letterbox,
    /// The output filled, the picture's overhanging sides cut off.
    Crop,
}

/// A rectangle `x, y, width, height` in pixels.
pub type Rect = (u32, u32, u32, u32);

/// Where a `src` picture goes in an `out` frame: the part of the source that is used, and
/// the rectangle of the output it is scaled into (sizes and offsets in the output even, as
/// 4:2:0 chroma needs).
pub fn placement(src: (u32, u32), out: (u32, u32), fit: Fit) -> (Rect, Rect) {
    let (sw, sh) = (u64::from(src.0.max(1)), u64::from(src.1.max(1)));
    let (ow, oh) = (u64::from(out.0.max(2)), u64::from(out.1.max(2)));
    let even = |v: u64| (v & !1).max(2);
    match fit {
        Fit::Letterbox => {
            // Scale by min(ow/sw, oh/sh), compared without division.
            let (w, h) = if sw * oh >= sh * ow {
                (ow, even(sh * ow / sw).min(oh))
            } else {
                (even(sw * oh / sh).min(ow), oh)
            };
            let (x, y) = (even_floor((ow - w) / 2), even_floor((oh - h) / 2));
            (
                (0, 0, src.0, src.1),
                (x as u32, y as u32, w as u32, h as u32),
            )
        }
        Fit::Crop => {
            let (cw, ch) = if sw * oh > sh * ow {
                ((ow * sh / oh).clamp(1, sw), sh)
            } else {
                (sw, (oh * sw / ow).clamp(1, sh))
            };
            let (cx, cy) = ((sw - cw) / 2, (sh - ch) / 2);
            (
                (cx as u32, cy as u32, cw as u32, ch as u32),
                (0, 0, ow as u32, oh as u32),
            )
        }
    }
}

fn even_floor(v: u64) -> u64 {
    v & !1
}

/// A picture ready for the video encoder (opaque: it holds an FFmpeg frame).
pub struct EncoderFrame(pub(super) frame::Video);

impl EncoderFrame {
    /// Another handle on the same picture, without copying it: how a picture is repeated
    /// to keep the frame rate constant. Pictures are never written after conversion, so
    /// sharing their buffers is safe.
    pub fn share(&self) -> Result<EncoderFrame, RecordError> {
        let mut f = frame::Video::empty();
        // SAFETY: `f` is a freshly allocated, empty AVFrame (as av_frame_ref requires) and
        // `self.0` a valid AVFrame with reference-counted buffers (made by
        // av_frame_get_buffer); av_frame_ref adds references to those buffers and copies
        // the frame's properties. Both frames are freed by their wrappers.
        #[allow(unsafe_code)]
        let r = unsafe { ffmpeg_next::ffi::av_frame_ref(f.as_mut_ptr(), self.0.as_ptr()) };
        if r < 0 {
            return Err(RecordError::Codec {
                step: "repeating a frame",
                source: ffmpeg_next::Error::from(r),
            });
        }
        Ok(EncoderFrame(f))
    }
}

impl std::fmt::Debug for EncoderFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EncoderFrame({}x{})", self.0.width(), self.0.height())
    }
}

/// Scales captured pictures into the output size and the encoder's pixel format. Lives on
/// one thread (FFmpeg's scaler is not `Send`); rebuilds itself when the source size changes.
pub struct PictureConverter {
    out: (u32, u32),
    fit: Fit,
    format: Pixel,
    scaler: Option<(u32, u32, Rect, Rect, scaling::Context)>,
}

impl std::fmt::Debug for PictureConverter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PictureConverter({:?} {:?})", self.out, self.fit)
    }
}

/// The pixel format an encoder takes (opaque), to build a [`PictureConverter`] on
/// another thread than the encoder's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PictureFormat(pub(super) Pixel);

impl PictureConverter {
    /// A converter to `out` (even sizes) in `format` (see [`VideoEncoder::picture_format`]).
    pub fn new(out: (u32, u32), fit: Fit, format: PictureFormat) -> PictureConverter {
        PictureConverter {
            out,
            fit,
            format: format.0,
            scaler: None,
        }
    }

    /// Scales `src` into a new output frame.
    pub fn convert(&mut self, src: &BgraFrame) -> Result<EncoderFrame, RecordError> {
        let codec_err = |source| RecordError::Codec {
            step: "scaling a captured frame",
            source,
        };
        if !src.is_consistent() {
            return Err(codec_err(ffmpeg_next::Error::InvalidData));
        }
        let rebuild =
            !matches!(&self.scaler, Some((w, h, ..)) if *w == src.width && *h == src.height);
        if rebuild {
            let (crop, dst) = placement((src.width, src.height), self.out, self.fit);
            let ctx = scaling::Context::get(
                Pixel::BGRA,
                crop.2,
                crop.3,
                self.format,
                dst.2,
                dst.3,
                scaling::Flags::BILINEAR,
            )
            .map_err(codec_err)?;
            self.scaler = Some((src.width, src.height, crop, dst, ctx));
        }
        let Some((_, _, crop, dst, ctx)) = self.scaler.as_mut() else {
            return Err(codec_err(ffmpeg_next::Error::Bug));
        };
        let (crop, dst) = (*crop, *dst);
        let full = dst.2 == self.out.0 && dst.3 == self.out.1;
        let mut out = frame::Video::new(self.format, self.out.0, self.out.1);
        if full {
            scale_from(ctx, src, crop, &mut out)?;
        } else {
            let mut inner = frame::Video::new(self.format, dst.2, dst.3);
            scale_from(ctx, src, crop, &mut inner)?;
            paint_black(&mut out);
            blit(&inner, &mut out, dst.0 as usize, dst.1 as usize);
        }
        Ok(EncoderFrame(out))
    }
}

/// Scales the `crop` rectangle of `src` straight from its buffer into `out` (which has
/// the scaler's output size and format), without first copying it into an FFmpeg frame.
fn scale_from(
    ctx: &mut scaling::Context,
    src: &BgraFrame,
    crop: Rect,
    out: &mut frame::Video,
) -> Result<(), RecordError> {
    let (x, y, w, h) = (
        crop.0 as usize,
        crop.1 as usize,
        crop.2 as usize,
        crop.3 as usize,
    );
    let fits = w > 0
        && h > 0
        && (x + w) * 4 <= src.stride
        && (y + h) * src.stride <= src.data.len()
        && out.width() == ctx.output().width
        && out.height() == ctx.output().height
        && out.format() == ctx.output().format
        && ctx.input().width == crop.2
        && ctx.input().height == crop.3;
    let stride = i32::try_from(src.stride).ok();
    let (true, Some(stride)) = (fits, stride) else {
        return Err(RecordError::Codec {
            step: "scaling a captured frame",
            source: ffmpeg_next::Error::InvalidData,
        });
    };
    let first = y * src.stride + x * 4;
    let planes: [*const u8; 4] = [
        src.data[first..].as_ptr(),
        std::ptr::null(),
        std::ptr::null(),
        std::ptr::null(),
    ];
    let strides: [i32; 4] = [stride, 0, 0, 0];
    // SAFETY: the source plane starts inside `src.data` and the checks above guarantee
    // `h` rows of `stride` bytes, each holding `w` BGRA pixels, lie within it; the
    // scaler was made for a `w`×`h` BGRA input and for exactly `out`'s size and format,
    // and `out` owns buffers of that size (av_frame_get_buffer). sws_scale only reads the
    // source and writes the destination planes.
    #[allow(unsafe_code)]
    let r = unsafe {
        ffmpeg_next::ffi::sws_scale(
            ctx.as_mut_ptr(),
            planes.as_ptr(),
            strides.as_ptr(),
            0,
            crop.3 as i32,
            (*out.as_mut_ptr()).data.as_ptr(),
            (*out.as_mut_ptr()).linesize.as_ptr(),
        )
    };
    if r <= 0 {
        return Err(RecordError::Codec {
            step: "scaling a captured frame",
            source: ffmpeg_next::Error::from(r.min(-1)),
        });
    }
    Ok(())
}

/// Fills a YUV 4:2:0 frame with video black (Y 16, chroma 128).
fn paint_black(f: &mut frame::Video) {
    for plane in 0..f.planes() {
        let v = if plane == 0 { 16 } else { 128 };
        f.data_mut(plane).fill(v);
    }
}

/// Copies `src` into `dst` with its top-left at (`x`, `y`) (even), plane by plane.
fn blit(src: &frame::Video, dst: &mut frame::Video, x: usize, y: usize) {
    for plane in 0..src.planes().min(dst.planes()) {
        // Luma is full size; chroma halves both ways. NV12's interleaved chroma plane has
        // half as many samples but two bytes each, so its byte offset in x is unchanged.
        let (px, py) = if plane == 0 { (x, y) } else { (x / 2, y / 2) };
        let bytes_x = if src.format() == Pixel::NV12 && plane == 1 {
            x
        } else {
            px
        };
        let row_bytes = src.plane_width(plane) as usize
            * if src.format() == Pixel::NV12 && plane == 1 {
                2
            } else {
                1
            };
        let (ss, ds) = (src.stride(plane), dst.stride(plane));
        let rows = src.plane_height(plane) as usize;
        let src_data = src.data(plane);
        let dst_data = dst.data_mut(plane);
        for r in 0..rows {
            let from = r * ss;
            let to = (py + r) * ds + bytes_x;
            if let (Some(s), Some(d)) = (
                src_data.get(from..from + row_bytes),
                dst_data.get_mut(to..to + row_bytes),
            ) {
                d.copy_from_slice(s);
            }
        }
    }
}
