//! [`VideoFrame`]: a decoded picture with its time and turn, converted to RGBA or YUV for
//! the part of it that is shown, and the map from shown to coded pixels.

use ffmpeg_next as ff;

use super::super::frame::{Picture, PixelRect, Quality, RgbaFrame, ScaleError, Scaler};

/// A decoded frame and when it is shown.
#[derive(Debug)]
pub struct VideoFrame {
    /// The picture as decoded (coded size, source pixel format).
    pub picture: Picture,
    /// When it starts being shown, in ticks from the start of the file's timeline.
    pub time: i64,
    /// Clockwise turn (0, 90, 180, 270) that shows the picture upright.
    pub rotation: i32,
}

impl VideoFrame {
    /// Width and height as shown, after rotation.
    pub fn display_size(&self) -> (u32, u32) {
        let (w, h) = (self.picture.width(), self.picture.height());
        if self.rotation % 180 == 90 {
            (h, w)
        } else {
            (w, h)
        }
    }

    /// Converts `region` (in upright, displayed pixels) to an upright RGBA picture of
    /// `width` × `height`: one swscale pass over the matching coded region, then a
    /// quarter-turn copy if the file is rotated.
    pub fn to_rgba(
        &self,
        region: PixelRect,
        width: u32,
        height: u32,
        quality: Quality,
        scaler: &mut Scaler,
    ) -> Result<RgbaFrame, ScaleError> {
        let coded = coded_region(
            region,
            self.picture.width(),
            self.picture.height(),
            self.rotation,
        );
        let (w, h) = if self.rotation % 180 == 90 {
            (height, width)
        } else {
            (width, height)
        };
        let rgba = scaler.to_rgba(&self.picture, coded, w, h, quality)?;
        Ok(rgba.rotated_cw(self.rotation))
    }

    /// Converts `region` of an unrotated frame straight to YUV 4:2:0 at `width` × `height`
    /// (the export fast path: no RGBA in between); `None` for rotated frames.
    pub fn to_yuv420(
        &self,
        region: PixelRect,
        width: u32,
        height: u32,
        scaler: &mut Scaler,
    ) -> Option<Result<Picture, ScaleError>> {
        (self.rotation == 0).then(|| {
            scaler.to_picture(
                &self.picture,
                region,
                ff::format::Pixel::YUV420P,
                width,
                height,
                Quality::Export,
            )
        })
    }
}

/// The coded-picture rectangle that shows as `r` once turned clockwise by `rotation`.
pub fn coded_region(r: PixelRect, coded_w: u32, coded_h: u32, rotation: i32) -> PixelRect {
    let (w, h) = (coded_w, coded_h);
    let sub = |a: u32, b: u32| a.saturating_sub(b);
    match rotation {
        90 => PixelRect {
            x: r.y,
            y: sub(h, r.x + r.width),
            width: r.height,
            height: r.width,
        },
        180 => PixelRect {
            x: sub(w, r.x + r.width),
            y: sub(h, r.y + r.height),
            width: r.width,
            height: r.height,
        },
        270 => PixelRect {
            x: sub(w, r.y + r.height),
            y: r.x,
            width: r.height,
            height: r.width,
        },
        _ => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_of_a_quarter_turned_picture_maps_back_to_the_coded_picture() {
        // Coded 320x180 turned 90° clockwise shows as 180x320; the displayed top strip
        // (y 0..10) is the coded left strip (x 0..10).
        let r = PixelRect {
            x: 0,
            y: 0,
            width: 180,
            height: 10,
        };
        assert_eq!(
            coded_region(r, 320, 180, 90),
            PixelRect {
                x: 0,
                y: 0,
                width: 10,
                height: 180
            }
        );
        let r = PixelRect {
            x: 0,
            y: 0,
            width: 10,
            height: 320,
        };
        assert_eq!(
            coded_region(r, 320, 180, 90),
            PixelRect {
                x: 0,
                y: 170,
                width: 320,
                height: 10
            }
        );
    }
}
