//! [`SubtitleBurner`]: draws an ASS script onto frames with libass, through FFmpeg's `ass`
//! filter — the same renderer the `ffmpeg` CLI's `subtitles` filter uses, so burned text
//! looks the same as theirs.

use std::path::{Path, PathBuf};

use ffmpeg_next as ff;

use super::decode::TICKS_PER_SECOND;
use super::frame::{Picture, PixelRect, Quality, RgbaFrame, Scaler};
use super::MediaError;

/// A libass filter graph for one script and one frame size, drawing on YUV 4:2:0 frames
/// ([`SubtitleBurner::burn`]) or on RGBA ones ([`SubtitleBurner::burn_rgba`]).
pub struct SubtitleBurner {
    script: PathBuf,
    yuv: Option<ff::filter::Graph>,
    rgba: Option<ff::filter::Graph>,
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
        // Fail now, not at the first frame, if libass cannot read the script.
        let yuv = Some(graph(script, width, height, ff::format::Pixel::YUV420P)?);
        Ok(SubtitleBurner {
            script: script.to_owned(),
            yuv,
            rgba: None,
            size: (width, height),
            scaler: Scaler::new(),
        })
    }

    /// Draws the text shown at `time` (ticks) onto `picture`, returned as YUV 4:2:0.
    pub fn burn(&mut self, picture: Picture, time: i64) -> Result<Picture, MediaError> {
        let yuv420 = ff::format::Pixel::YUV420P;
        let mut picture = self
            .scaler
            .fit_for_encoder(picture, yuv420, self.size)
            .map_err(|source| MediaError::Convert {
                path: self.script.clone(),
                source,
            })?;
        picture
            .frame
            .set_pts(Some(time / (TICKS_PER_SECOND / 1000)));
        run(self.yuv.as_mut(), picture, &self.script)
    }

    /// Draws the text shown at `time` (ticks) onto an RGBA picture of the burner's size.
    pub fn burn_rgba(&mut self, rgba: &RgbaFrame, time: i64) -> Result<RgbaFrame, MediaError> {
        if self.rgba.is_none() {
            let (w, h) = self.size;
            self.rgba = Some(graph(&self.script, w, h, ff::format::Pixel::RGBA)?);
        }
        let mut picture = Scaler::picture_from_rgba(rgba);
        picture
            .frame
            .set_pts(Some(time / (TICKS_PER_SECOND / 1000)));
        let out = run(self.rgba.as_mut(), picture, &self.script)?;
        let full = PixelRect::full(out.width(), out.height());
        self.scaler
            .to_rgba(&out, full, rgba.width, rgba.height, Quality::Fast)
            .map_err(|source| MediaError::Convert {
                path: self.script.clone(),
                source,
            })
    }
}

fn graph(
    script: &Path,
    width: u32,
    height: u32,
    format: ff::format::Pixel,
) -> Result<ff::filter::Graph, MediaError> {
    let err = |source| MediaError::Ffmpeg {
        path: script.to_owned(),
        step: "setting up the subtitle renderer (libass)",
        source,
    };
    let find = |name| ff::filter::find(name).ok_or(ff::Error::FilterNotFound);
    let mut graph = ff::filter::Graph::new();
    let raw: ff::ffi::AVPixelFormat = format.into();
    let args = format!(
        "video_size={width}x{height}:pix_fmt={}:time_base=1/1000:pixel_aspect=1/1",
        raw as i32
    );
    let mut input = graph
        .add(&find("buffer").map_err(err)?, "in", &args)
        .map_err(err)?;
    let mut options = format!("filename={}", escape(&script.to_string_lossy()));
    if let Some(fonts) = bundled_fonts_dir() {
        options.push_str(&format!(":fontsdir={}", escape(&fonts.to_string_lossy())));
    }
    let mut subs = graph
        .add(&find("ass").map_err(err)?, "subs", &options)
        .map_err(err)?;
    let mut output = graph
        .add(&find("buffersink").map_err(err)?, "out", "")
        .map_err(err)?;
    input.link(0, &mut subs, 0);
    subs.link(0, &mut output, 0);
    graph.validate().map_err(err)?;
    Ok(graph)
}

/// The `fonts` folder beside the executable, when there is one: the Windows package ships
/// the default style's font (Arial's metric twin, Liberation Sans) and DejaVu Sans there, so
/// burned text looks the same on a Windows without them. libass adds these fonts to the
/// system's (DirectWrite, fontconfig); installs without the folder (the Linux package)
/// use the system's alone.
fn bundled_fonts_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.join("fonts");
    dir.is_dir().then_some(dir)
}

/// Pushes one frame through a burner graph and takes the drawn frame out.
fn run(
    graph: Option<&mut ff::filter::Graph>,
    picture: Picture,
    script: &Path,
) -> Result<Picture, MediaError> {
    let err = |source| MediaError::Ffmpeg {
        path: script.to_owned(),
        step: "burning subtitles",
        source,
    };
    let Some(graph) = graph else {
        return Ok(picture);
    };
    let Some(mut input) = graph.get("in") else {
        return Ok(picture);
    };
    input.source().add(&picture.frame).map_err(err)?;
    let Some(mut output) = graph.get("out") else {
        return Ok(picture);
    };
    let mut out = ff::frame::Video::empty();
    output.sink().frame(&mut out).map_err(err)?;
    Ok(Picture { frame: out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colons_and_quotes_in_paths_are_escaped_for_the_filter() {
        assert_eq!(escape("C:\\subs\\it's.ass"), "C\\:\\\\subs\\\\it\\'s.ass");
    }
}
