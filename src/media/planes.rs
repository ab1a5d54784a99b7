//! The planes of a YUV 4:2:0 [`Picture`], for effects that work on the picture an encoder
//! takes without converting it to RGBA (the portrait effect on the export's fast path).

use ff::format::Pixel;
use ffmpeg_next as ff;

use super::frame::{Picture, PixelRect, Quality, RgbaFrame, ScaleError, Scaler};

impl Picture {
    /// Plane `i` of an 8-bit YUV 4:2:0 picture (0: luma; 1 and 2: chroma at half size):
    /// its bytes, row pitch, width and height; `None` for other formats and planes.
    pub fn plane(&self, i: usize) -> Option<(&[u8], usize, u32, u32)> {
        let (w, h) = self.plane_size(i)?;
        Some((self.frame.data(i), self.frame.stride(i), w, h))
    }

    /// Plane `i` as [`Picture::plane`] gives it, to change in place.
    pub fn plane_mut(&mut self, i: usize) -> Option<(&mut [u8], usize, u32, u32)> {
        let (w, h) = self.plane_size(i)?;
        let stride = self.frame.stride(i);
        Some((self.frame.data_mut(i), stride, w, h))
    }

    fn plane_size(&self, i: usize) -> Option<(u32, u32)> {
        if i > 2 || !matches!(self.frame.format(), Pixel::YUV420P | Pixel::YUVJ420P) {
            return None;
        }
        let (w, h) = (self.width(), self.height());
        Some(if i == 0 {
            (w, h)
        } else {
            (w.div_ceil(2), h.div_ceil(2))
        })
    }
}

impl Scaler {
    /// Converts `region` of `src` to YUV 4:2:0 at `width` × `height`.
    pub fn yuv420(
        &mut self,
        src: &Picture,
        region: PixelRect,
        width: u32,
        height: u32,
        quality: Quality,
    ) -> Result<Picture, ScaleError> {
        self.to_picture(src, region, Pixel::YUV420P, width, height, quality)
    }

    /// `picture` as an encoder of `format` at `size` takes it: as it is when it is so
    /// already, else the whole of it converted.
    pub(crate) fn fit_for_encoder(
        &mut self,
        picture: Picture,
        format: Pixel,
        (width, height): (u32, u32),
    ) -> Result<Picture, ScaleError> {
        if picture.frame.format() == format
            && picture.width() == width
            && picture.height() == height
        {
            return Ok(picture);
        }
        let full = PixelRect::full(picture.width(), picture.height());
        self.to_picture(&picture, full, format, width, height, Quality::Export)
    }

    /// An RGBA picture converted to YUV 4:2:0 as an export's encoder gets it.
    pub fn rgba_to_yuv420(&mut self, rgba: &RgbaFrame) -> Result<Picture, ScaleError> {
        let (w, h) = (rgba.width, rgba.height);
        let pic = Scaler::picture_from_rgba(rgba);
        self.to_picture(
            &pic,
            PixelRect::full(w, h),
            Pixel::YUV420P,
            w,
            h,
            Quality::Export,
        )
    }
}
