//! [`VideoFilter`]: one libavfilter chain (e.g. `chromakey=…,eq=…,gblur=…`) run on single
//! pictures, so picture effects are computed by FFmpeg's own filters — the same code the
//! `ffmpeg` CLI runs for the same filter string.
//!
//! A filter is built for one input size and pixel format and reused for every picture of
//! that shape; the caller rebuilds it only when the chain or the shape changes. Pictures
//! go in by reference (no pixel copy), and formats the filters cannot take are converted
//! by the graph itself, as the CLI does (a key turns YUV 4:2:0 into YUVA 4:2:0).

use std::path::{Path, PathBuf};

use ffmpeg_next as ff;

use super::frame::Picture;
use super::MediaError;

/// A configured filter graph: `buffer → chain → buffersink`.
pub struct VideoFilter {
    path: PathBuf,
    chain: String,
    shape: (u32, u32, ff::format::Pixel),
    graph: ff::filter::Graph,
    pts: i64,
}

impl std::fmt::Debug for VideoFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VideoFilter({})", self.chain)
    }
}

impl VideoFilter {
    /// Builds `chain` (FFmpeg filter syntax) for pictures shaped like `like`. `path` names
    /// the source in errors.
    pub fn new(chain: &str, like: &Picture, path: &Path) -> Result<VideoFilter, MediaError> {
        super::init();
        let err = |source| MediaError::Ffmpeg {
            path: path.to_owned(),
            step: "setting up the picture effects",
            source,
        };
        let shape = shape_of(like);
        let find = |name| ff::filter::find(name).ok_or(ff::Error::FilterNotFound);
        let mut graph = ff::filter::Graph::new();
        let raw: ff::ffi::AVPixelFormat = shape.2.into();
        let args = format!(
            "video_size={}x{}:pix_fmt={}:time_base=1/1000:pixel_aspect=1/1",
            shape.0, shape.1, raw as i32
        );
        graph
            .add(&find("buffer").map_err(err)?, "in", &args)
            .map_err(err)?;
        graph
            .add(&find("buffersink").map_err(err)?, "out", "")
            .map_err(err)?;
        graph
            .output("in", 0)
            .and_then(|p| p.input("out", 0))
            .and_then(|p| p.parse(chain))
            .map_err(err)?;
        graph.validate().map_err(err)?;
        Ok(VideoFilter {
            path: path.to_owned(),
            chain: chain.to_owned(),
            shape,
            graph,
            pts: 0,
        })
    }

    /// The filter chain this graph runs.
    pub fn chain(&self) -> &str {
        &self.chain
    }

    /// True if `picture` has the size and pixel format this graph was built for.
    pub fn fits(&self, picture: &Picture) -> bool {
        shape_of(picture) == self.shape
    }

    /// Runs `picture` through the chain and returns the result (a new picture; the input
    /// is only referenced).
    #[allow(unsafe_code)]
    pub fn apply(&mut self, picture: &Picture) -> Result<Picture, MediaError> {
        let err = |source| MediaError::Ffmpeg {
            path: self.path.clone(),
            step: "applying the picture effects",
            source,
        };
        let mut input = ff::frame::Video::empty();
        // SAFETY: both frames are valid; av_frame_ref makes `input` a new reference to the
        // same buffers (and copies the properties) without touching `picture`.
        let ret = unsafe { ff::ffi::av_frame_ref(input.as_mut_ptr(), picture.frame.as_ptr()) };
        if ret < 0 {
            return Err(err(ff::Error::from(ret)));
        }
        // The filters used are per-frame; the count only keeps timestamps increasing.
        input.set_pts(Some(self.pts));
        self.pts += 1;
        let Some(mut src) = self.graph.get("in") else {
            return Err(err(ff::Error::FilterNotFound));
        };
        src.source().add(&input).map_err(err)?;
        let Some(mut sink) = self.graph.get("out") else {
            return Err(err(ff::Error::FilterNotFound));
        };
        let mut out = ff::frame::Video::empty();
        sink.sink().frame(&mut out).map_err(err)?;
        Ok(Picture { frame: out })
    }
}

fn shape_of(p: &Picture) -> (u32, u32, ff::format::Pixel) {
    (p.frame.width(), p.frame.height(), p.frame.format())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::{PixelRect, Quality, RgbaFrame, Scaler};

    fn green() -> Picture {
        Scaler::picture_from_rgba(&RgbaFrame::filled(16, 8, [0, 255, 0, 255]))
    }

    #[test]
    fn a_green_key_makes_a_green_picture_transparent() {
        let pic = green();
        let mut f = VideoFilter::new(
            "chromakey=color=0x00FF00:similarity=0.1",
            &pic,
            Path::new("g"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(f.fits(&pic));
        let out = f.apply(&pic).unwrap_or_else(|e| panic!("{e}"));
        let rgba = Scaler::new()
            .to_rgba(&out, PixelRect::full(16, 8), 16, 8, Quality::Export)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rgba.pixel(3, 3).map(|p| p[3]), Some(0));
        // The input is untouched and can go through again.
        assert!(f.apply(&pic).is_ok());
        assert_eq!(pic.width(), 16);
    }

    #[test]
    fn an_unknown_filter_is_an_error_naming_the_source() {
        let err = VideoFilter::new("nosuchfilter=1", &green(), Path::new("clip.mp4"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("clip.mp4"), "{err}");
    }
}
