//! [`GifPalette`]: the 256 colours of an animated GIF chosen from its own pictures, by
//! FFmpeg's `palettegen` and `paletteuse` (error-diffusion dithering), instead of the fixed
//! 3-3-2 palette the `gif` encoder falls back to, which bands every gradient.
//!
//! One palette for the whole clip (`stats_mode=diff`, weighted to what moves) is the best
//! GIF, but `palettegen` can only say it after the last picture, so every picture waits in
//! the filter graph until then: 4 bytes a pixel. Up to [`WHOLE_CLIP_BYTES`] of pictures
//! that is what is done; a longer or larger GIF gets a palette per picture instead
//! (`stats_mode=single`, `new=1`), which streams in flat memory at the cost of a larger file.

use ff::format::Pixel;
use ffmpeg_next as ff;

/// Most picture bytes a whole-clip palette may hold back: a 480×270 GIF of about 640
/// pictures (21 s at 30 fps), 40 at 1080p. Measured: 900 pictures of 480×270 (466 MB
/// held) peaked at 579 MB, a palette per picture at 110 MB; this cap keeps an export
/// under 500 MB.
pub const WHOLE_CLIP_BYTES: u64 = 320 * 1024 * 1024;

/// The pixel format pictures go into the palette filters in (what they work on).
pub(crate) const GIF_INPUT: Pixel = Pixel::BGRA;

/// How the palette is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaletteMode {
    /// One palette from every picture, applied once all have arrived.
    WholeClip,
    /// A palette for each picture, applied at once.
    PerPicture,
}

impl PaletteMode {
    /// The mode for `frames` pictures of `width` × `height` (`None`: an unknown count).
    pub fn for_clip(width: u32, height: u32, frames: Option<u64>) -> PaletteMode {
        let bytes = u64::from(width) * u64::from(height) * 4;
        match frames {
            Some(n) if bytes.saturating_mul(n) <= WHOLE_CLIP_BYTES => PaletteMode::WholeClip,
            _ => PaletteMode::PerPicture,
        }
    }

    /// The filter graph, in FFmpeg's syntax (what the `ffmpeg` CLI would be given).
    pub fn graph(self) -> &'static str {
        match self {
            PaletteMode::WholeClip => {
                "split[a][b];[a]palettegen=stats_mode=diff[p];\
                 [b][p]paletteuse=dither=sierra2_4a"
            }
            PaletteMode::PerPicture => {
                "split[a][b];[a]palettegen=stats_mode=single[p];\
                 [b][p]paletteuse=new=1:dither=sierra2_4a"
            }
        }
    }
}

/// The palette filters for one GIF: [`GIF_INPUT`] pictures in, `PAL8` pictures out.
pub(crate) struct GifPalette {
    graph: ff::filter::Graph,
    mode: PaletteMode,
}

impl GifPalette {
    /// Filters for `width` × `height` pictures timed in `time_base`.
    pub(crate) fn new(
        width: u32,
        height: u32,
        time_base: ff::Rational,
        mode: PaletteMode,
    ) -> Result<GifPalette, ff::Error> {
        let find = |name| ff::filter::find(name).ok_or(ff::Error::FilterNotFound);
        let mut graph = ff::filter::Graph::new();
        let raw: ff::ffi::AVPixelFormat = GIF_INPUT.into();
        let args = format!(
            "video_size={width}x{height}:pix_fmt={}:time_base={}/{}:pixel_aspect=1/1",
            raw as i32,
            time_base.numerator(),
            time_base.denominator()
        );
        graph.add(&find("buffer")?, "in", &args)?;
        graph.add(&find("buffersink")?, "out", "")?;
        graph
            .output("in", 0)?
            .input("out", 0)?
            .parse(mode.graph())?;
        graph.validate()?;
        Ok(GifPalette { graph, mode })
    }

    /// How the palette is chosen.
    pub(crate) fn mode(&self) -> PaletteMode {
        self.mode
    }

    /// Hands one picture (in [`GIF_INPUT`], at the size given to [`GifPalette::new`], its
    /// timestamp set) to the filters; `None` says there are no more.
    pub(crate) fn push(&mut self, frame: Option<&ff::frame::Video>) -> Result<(), ff::Error> {
        let Some(mut src) = self.graph.get("in") else {
            return Err(ff::Error::FilterNotFound);
        };
        match frame {
            Some(f) => src.source().add(f),
            None => src.source().flush(),
        }
    }

    /// The next paletted picture, if one is ready (`None`: none yet, or no more).
    pub(crate) fn pull(&mut self) -> Result<Option<ff::frame::Video>, ff::Error> {
        let Some(mut sink) = self.graph.get("out") else {
            return Err(ff::Error::FilterNotFound);
        };
        let mut out = ff::frame::Video::empty();
        match sink.sink().frame(&mut out) {
            Ok(()) => Ok(Some(out)),
            Err(ff::Error::Eof) => Ok(None),
            Err(ff::Error::Other { errno }) if errno == ff::util::error::EAGAIN => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An opaque 8×8 grey picture at `pts`.
    fn grey(level: u8, pts: i64) -> ff::frame::Video {
        let mut f = ff::frame::Video::new(GIF_INPUT, 8, 8);
        for px in f.data_mut(0).chunks_exact_mut(4) {
            px.copy_from_slice(&[level, level, level, 255]);
        }
        f.set_pts(Some(pts));
        f
    }

    /// A palette maker for 8×8 pictures at 10 a second.
    fn palette_8x8(mode: PaletteMode) -> GifPalette {
        crate::media::init();
        let tb = ff::Rational::new(1, 10);
        GifPalette::new(8, 8, tb, mode).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn short_gifs_share_one_palette_and_long_ones_get_one_a_picture() {
        assert_eq!(
            PaletteMode::for_clip(480, 270, Some(300)),
            PaletteMode::WholeClip
        );
        assert_eq!(
            PaletteMode::for_clip(1920, 1080, Some(30 * 60)),
            PaletteMode::PerPicture
        );
        assert_eq!(
            PaletteMode::for_clip(480, 270, None),
            PaletteMode::PerPicture
        );
    }

    #[test]
    fn a_whole_clip_palette_holds_every_picture_back_until_the_end() {
        let mut p = palette_8x8(PaletteMode::WholeClip);
        for i in 0..3 {
            let f = grey(40 * i as u8, i);
            p.push(Some(&f)).unwrap_or_else(|e| panic!("{e}"));
            assert!(p.pull().unwrap_or_else(|e| panic!("{e}")).is_none());
        }
        p.push(None).unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        while let Some(f) = p.pull().unwrap_or_else(|e| panic!("{e}")) {
            out.push(f);
        }
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|f| f.format() == Pixel::PAL8));
        // Dark, middle and light pictures: one palette holds all three greys.
        let colours = |f: &ff::frame::Video| f.data(0)[0];
        assert_ne!(colours(&out[0]), colours(&out[2]));
        assert_eq!(
            out.iter().map(|f| f.pts()).collect::<Vec<_>>(),
            [Some(0), Some(1), Some(2)]
        );
    }

    #[test]
    fn a_palette_per_picture_streams_without_holding_pictures_back() {
        let mut p = palette_8x8(PaletteMode::PerPicture);
        let mut out = 0;
        for i in 0..5 {
            let f = grey(40 * i as u8, i);
            p.push(Some(&f)).unwrap_or_else(|e| panic!("{e}"));
            while p.pull().unwrap_or_else(|e| panic!("{e}")).is_some() {
                out += 1;
            }
            // At most one picture waits for its palette.
            assert!(out >= i, "{out} out after {} in", i + 1);
        }
        p.push(None).unwrap_or_else(|e| panic!("{e}"));
        while p.pull().unwrap_or_else(|e| panic!("{e}")).is_some() {
            out += 1;
        }
        assert_eq!(out, 5);
    }
}
