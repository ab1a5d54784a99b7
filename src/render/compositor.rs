//! [`Compositor`]: the picture of a project at one instant, for preview and export alike.
//!
//! For each visible clip, bottom track first, it asks the clip's own decoder for the
//! source frame its speed mapping shows, places it ([`super::layout::place`]), converts
//! just the visible source region to the size it is drawn at (one swscale pass), and
//! blends it ([`super::blend`]). Clips hidden under an opaque full-frame clip are skipped.
//! A preview is the same call with a smaller size.
//!
//! Export asks [`Compositor::render`] instead: when one unturned opaque clip fills the
//! frame (the usual case — a recording, reframed to 9:16), it converts the decoded frame
//! straight to the encoder's YUV and skips RGBA entirely, as `ffmpeg`'s own filters would.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::media::{
    MediaError, Picture, PixelRect, Quality, RgbaFrame, ScaleError, Scaler, VideoDecoder,
    VideoFrame,
};
use crate::timeline::{ActiveClip, ClipContent, ClipId, OutputId, Project, Time};

use super::blend::{blend_at, blend_rotated, fill_rect, flipped};
use super::layout::{blur_window, place, IRect, Placement, RectF};

/// Why a frame could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A source file could not be read.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// A clip refers to a source the project does not have.
    #[error("clip {clip} refers to media source {source_id}, which is not in the project")]
    UnknownSource { clip: u64, source_id: u64 },
    /// A picture could not be converted.
    #[error("{}: {source}", path.display())]
    Convert {
        path: PathBuf,
        #[source]
        source: ScaleError,
    },
}

/// A composed frame: YUV straight from the fast path, or RGBA.
#[derive(Debug)]
pub enum Rendered {
    /// YUV 4:2:0 at the output size, ready for an encoder.
    Yuv(Picture),
    /// RGBA at the output size.
    Rgba(RgbaFrame),
}

/// Keeps one decoder per visible clip and a few recently scaled pictures.
#[derive(Debug, Default)]
pub struct Compositor {
    base_dir: PathBuf,
    decoders: HashMap<ClipId, VideoDecoder>,
    scaler: Scaler,
    cache: Vec<(CacheKey, RgbaFrame)>,
}

/// What a scaled picture was made from; equal keys give equal pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CacheKey {
    clip: ClipId,
    frame_time: i64,
    region: PixelRect,
    size: (u32, u32),
}

/// How many scaled pictures to keep: enough for slow motion and freeze frames of a few
/// layers, small enough to stay a few frames of memory.
const CACHE_LEN: usize = 6;

/// The blurred background is drawn at this fraction of the frame, then stretched.
const BLUR_DIVISOR: u32 = 24;

impl Compositor {
    /// A compositor resolving relative source paths against `base_dir` (the project
    /// file's folder).
    pub fn new(base_dir: impl Into<PathBuf>) -> Compositor {
        Compositor {
            base_dir: base_dir.into(),
            ..Compositor::default()
        }
    }

    /// The project's picture at `t`, `size` pixels large (the canvas size for export,
    /// smaller for preview), as RGBA.
    pub fn frame_at(
        &mut self,
        project: &Project,
        t: Time,
        size: (u32, u32),
    ) -> Result<RgbaFrame, RenderError> {
        match self.compose(project, t, size, false)? {
            Rendered::Rgba(f) => Ok(f),
            // Not reached: YUV is only produced when asked for.
            Rendered::Yuv(_) => Ok(RgbaFrame::filled(size.0, size.1, [0, 0, 0, 255])),
        }
    }

    /// The project's picture at `t` for export: YUV when one opaque clip fills the frame,
    /// RGBA otherwise. Same geometry as [`Compositor::frame_at`].
    pub fn render(
        &mut self,
        project: &Project,
        t: Time,
        size: (u32, u32),
    ) -> Result<Rendered, RenderError> {
        self.compose(project, t, size, true)
    }

    fn compose(
        &mut self,
        project: &Project,
        t: Time,
        size: (u32, u32),
        yuv_ok: bool,
    ) -> Result<Rendered, RenderError> {
        let active = project.active_clips_at(t);
        let mut used = HashSet::new();
        // Each visible media clip's frame and placement, bottom first.
        let mut layers = Vec::with_capacity(active.len());
        for a in &active {
            used.insert(a.clip.id);
            layers.push(self.layer(project, a, t, size)?);
        }
        self.decoders.retain(|id, _| used.contains(id));
        // Start at the topmost layer that hides everything under it.
        let first = layers
            .iter()
            .rposition(|l| match l {
                Layer::Media {
                    placement, still, ..
                } => !still && placement.covers(size),
                Layer::Color { rgba } => rgba[3] == 255,
                Layer::Nothing => false,
            })
            .unwrap_or(0);
        if yuv_ok && first + 1 == layers.len() {
            if let Some(Layer::Media {
                clip,
                placement,
                blur: None,
                ..
            }) = layers.get(first)
            {
                if placement.covers(size) && placement.is_axis_aligned() {
                    if let Some(pic) = self.fast_yuv(*clip, placement, size)? {
                        return Ok(Rendered::Yuv(pic));
                    }
                }
            }
        }
        let bg = project.canvas.background;
        let mut out = RgbaFrame::filled(size.0, size.1, [bg.r, bg.g, bg.b, 255]);
        for layer in layers.iter().skip(first) {
            self.draw(&mut out, layer, size)?;
        }
        Ok(Rendered::Rgba(out))
    }

    /// Decodes what one active clip shows and works out where it goes.
    fn layer(
        &mut self,
        project: &Project,
        a: &ActiveClip<'_>,
        t: Time,
        size: (u32, u32),
    ) -> Result<Layer, RenderError> {
        let transform = a.transform();
        match &a.clip.content {
            ClipContent::Media { source } => {
                let Some(src) = project.source(*source) else {
                    return Err(RenderError::UnknownSource {
                        clip: a.clip.id.0,
                        source_id: source.0,
                    });
                };
                let path = self.resolve(&src.path);
                let decoder = match self.decoders.entry(a.clip.id) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(VideoDecoder::open(&path)?)
                    }
                };
                let still = decoder.is_still();
                let frame = decoder.frame_at(a.source_time().flicks())?;
                let display = frame.display_size();
                let reframe = a.clip.reframe_at(OutputId::MAIN, t, display, size);
                let Some(placement) = place(&transform, &reframe, display, size) else {
                    return Ok(Layer::Nothing);
                };
                Ok(Layer::Media {
                    clip: a.clip.id,
                    placement,
                    blur: blur_window(&reframe),
                    still,
                })
            }
            ClipContent::Color { color } => {
                let alpha = (f64::from(color.a) * transform.opacity.clamp(0.0, 1.0)).round();
                Ok(Layer::Color {
                    rgba: [color.r, color.g, color.b, alpha as u8],
                })
            }
            // Text overlays are drawn with the subtitles (libass), not here.
            ClipContent::Text { .. } => Ok(Layer::Nothing),
        }
    }

    fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_owned()
        } else {
            self.base_dir.join(path)
        }
    }

    fn current_frame(&self, clip: ClipId) -> Option<(&VideoFrame, &Path)> {
        let d = self.decoders.get(&clip)?;
        Some((d.current()?, d.path()))
    }

    fn fast_yuv(
        &mut self,
        clip: ClipId,
        placement: &Placement,
        size: (u32, u32),
    ) -> Result<Option<Picture>, RenderError> {
        let Some((_, src)) = placement.visible(size) else {
            return Ok(None);
        };
        let Some(decoder) = self.decoders.get(&clip) else {
            return Ok(None);
        };
        let Some(frame) = decoder.current() else {
            return Ok(None);
        };
        let region = pixel_rect(src, frame.display_size());
        match frame.to_yuv420(region, size.0, size.1, &mut self.scaler) {
            Some(Ok(p)) => Ok(Some(p)),
            Some(Err(source)) => Err(RenderError::Convert {
                path: decoder.path().to_owned(),
                source,
            }),
            None => Ok(None),
        }
    }

    fn draw(
        &mut self,
        out: &mut RgbaFrame,
        layer: &Layer,
        size: (u32, u32),
    ) -> Result<(), RenderError> {
        match layer {
            Layer::Nothing => Ok(()),
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
                    let patch = flipped(patch, placement.flip_x, placement.flip_y);
                    blend_at(out, &patch, dest.x, dest.y, placement.alpha);
                } else {
                    // Turned: scale the whole shown part (bounded), then draw it turned.
                    let limit = f64::from(size.0.max(size.1)) * 2.0;
                    let w = placement.dest.w.min(limit).round().max(1.0) as u32;
                    let h = placement.dest.h.min(limit).round().max(1.0) as u32;
                    let patch = self.scaled(*clip, placement.source, (w, h), Quality::Export)?;
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

    /// The blur-fill background: the window shrunk a lot, then stretched back (bilinear),
    /// which blurs it for almost no work.
    fn blurred(
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
    fn scaled(
        &mut self,
        clip: ClipId,
        src: RectF,
        size: (u32, u32),
        quality: Quality,
    ) -> Result<RgbaFrame, RenderError> {
        let Some((frame, path)) = self.current_frame(clip) else {
            return Ok(RgbaFrame::filled(size.0, size.1, [0, 0, 0, 0]));
        };
        let region = pixel_rect(src, frame.display_size());
        let key = CacheKey {
            clip,
            frame_time: frame.time,
            region,
            size,
        };
        if let Some(i) = self.cache.iter().position(|(k, _)| *k == key) {
            let hit = self.cache.remove(i);
            let pixels = hit.1.clone();
            self.cache.push(hit);
            return Ok(pixels);
        }
        let path = path.to_owned();
        let Some(decoder) = self.decoders.get(&clip) else {
            return Ok(RgbaFrame::filled(size.0, size.1, [0, 0, 0, 0]));
        };
        let Some(frame) = decoder.current() else {
            return Ok(RgbaFrame::filled(size.0, size.1, [0, 0, 0, 0]));
        };
        let pixels = frame
            .to_rgba(region, size.0, size.1, quality, &mut self.scaler)
            .map_err(|source| RenderError::Convert { path, source })?;
        if self.cache.len() >= CACHE_LEN {
            self.cache.remove(0);
        }
        self.cache.push((key, pixels.clone()));
        Ok(pixels)
    }
}

/// One thing to draw.
#[derive(Debug)]
enum Layer {
    Media {
        clip: ClipId,
        placement: Placement,
        blur: Option<RectF>,
        still: bool,
    },
    Color {
        rgba: [u8; 4],
    },
    Nothing,
}

/// The whole pixels covering `r`, kept inside a `size` picture.
fn pixel_rect(r: RectF, size: (u32, u32)) -> PixelRect {
    let (w, h) = (f64::from(size.0), f64::from(size.1));
    let x0 = r.x.clamp(0.0, w - 1.0).round();
    let y0 = r.y.clamp(0.0, h - 1.0).round();
    let x1 = r.right().clamp(x0 + 1.0, w).round();
    let y1 = r.bottom().clamp(y0 + 1.0, h).round();
    PixelRect {
        x: x0 as u32,
        y: y0 as u32,
        width: (x1 - x0).max(1.0) as u32,
        height: (y1 - y0).max(1.0) as u32,
    }
}

/// The project's picture at `t` as RGBA, with a compositor made for this one call.
/// Prefer keeping a [`Compositor`] for repeated calls: it keeps its decoders open.
pub fn frame_at(project: &Project, t: Time, size: (u32, u32)) -> Result<RgbaFrame, RenderError> {
    Compositor::new(".").frame_at(project, t, size)
}
