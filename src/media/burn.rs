//! [`SubtitleBurner`]: draws an ASS script onto frames with libass, through FFmpeg's `ass`
//! filter — the same renderer the `ffmpeg` CLI's `subtitles` filter uses, so burned text
//! looks the same as theirs.

use std::path::{Path, PathBuf};

use ffmpeg_next as ff;

use super::decode::TICKS_PER_SECOND;
use super::frame::{Picture, PixelRect, Quality, Scaler};
use super::MediaError;

/// A libass filter graph for one script and one frame size (YUV 4:2:0 frames).
pub struct SubtitleBurner {
    script: PathBuf,
    graph: ff::filter::Graph,
    size: (u32, u32),
    scaler: Scaler,
}

impl std::fmt::Debug for SubtitleBurner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SubtitleBurner({})", self.script.display())
    }
}

/// Escapes a filter option value (`\`, `:` and `'` are special to FFmpeg's parser).
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | ':' | '\'') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl SubtitleBurner {
    /// Prepares to burn the ASS script at `script` onto `width` × `height` frames.
    pub fn new(script: &Path, width: u32, height: u32) -> Result<SubtitleBurner, MediaError> {
        super::init();
        let err = |source| MediaError::Ffmpeg {
            path: script.to_owned(),
            step: "setting up the subtitle renderer (libass)",
            source,
        };
        let mut graph = ff::filter::Graph::new();
        let buffer = ff::filter::find("buffer")
            .ok_or(ff::Error::FilterNotFound)
            .map_err(err)?;
        let ass = ff::filter::find("ass")
            .ok_or(ff::Error::FilterNotFound)
            .map_err(err)?;
        let sink = ff::filter::find("buffersink")
            .ok_or(ff::Error::FilterNotFound)
            .map_err(err)?;
        let args = format!(
            "video_size={width}x{height}:pix_fmt={}:time_base=1/1000:pixel_aspect=1/1",
            ff::ffi::AVPixelFormat::AV_PIX_FMT_YUV420P as i32
        );
        let mut input = graph.add(&buffer, "in", &args).map_err(err)?;
        let name = script.to_string_lossy();
        let mut subs = graph
            .add(&ass, "subs", &format!("filename={}", escape(&name)))
            .map_err(err)?;
        let mut output = graph.add(&sink, "out", "").map_err(err)?;
        input.link(0, &mut subs, 0);
        subs.link(0, &mut output, 0);
        graph.validate().map_err(err)?;
        Ok(SubtitleBurner {
            script: script.to_owned(),
            graph,
            size: (width, height),
            scaler: Scaler::new(),
        })
    }

    /// Draws the subtitles shown at `time` (ticks) onto `picture`, returned as YUV 4:2:0.
    pub fn burn(&mut self, picture: Picture, time: i64) -> Result<Picture, MediaError> {
        let err = |source| MediaError::Ffmpeg {
            path: self.script.clone(),
            step: "burning subtitles",
            source,
        };
        let (w, h) = self.size;
        let mut picture = if picture.frame.format() == ff::format::Pixel::YUV420P
            && picture.width() == w
            && picture.height() == h
        {
            picture
        } else {
            let full = PixelRect::full(picture.width(), picture.height());
            self.scaler
                .to_picture(
                    &picture,
                    full,
                    ff::format::Pixel::YUV420P,
                    w,
                    h,
                    Quality::Export,
                )
                .map_err(|source| MediaError::Convert {
                    path: self.script.clone(),
                    source,
                })?
        };
        picture
            .frame
            .set_pts(Some(time / (TICKS_PER_SECOND / 1000)));
        let Some(mut input) = self.graph.get("in") else {
            return Ok(picture);
        };
        input.source().add(&picture.frame).map_err(err)?;
        let Some(mut output) = self.graph.get("out") else {
            return Ok(picture);
        };
        let mut out = ff::frame::Video::empty();
        output.sink().frame(&mut out).map_err(err)?;
        Ok(Picture { frame: out })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colons_and_quotes_in_paths_are_escaped_for_the_filter() {
        assert_eq!(escape("C:\\subs\\it's.ass"), "C\\:\\\\subs\\\\it\\'s.ass");
    }
}
