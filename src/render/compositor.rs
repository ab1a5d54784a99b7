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
//!
//! A clip with effects has its decoded frame run through its FFmpeg filter chain
//! ([`super::effects::filter_chain`]) first, at the source's own size, so a key, a colour
//! change or a blur looks the same in a small preview as in the export. The graph is kept
//! per clip and rebuilt only when the settings or the source's frame shape change, and the
//! filtered frame is kept until the clip shows another source frame.
//!
//! A preview compositor ([`Compositor::for_preview`]) has each source indexed (and, if asked, proxied) on the media workers, and once a source's
//! proxy is ready decodes the proxy instead: same frames, same times, at preview size.
//! Layout still works in the original's pixels; only the final source rectangle is mapped
//! onto the proxy's smaller picture. Clips with effects keep decoding the original, since
//! effect settings (a blur radius) are in the original's pixels.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::media::{
    MediaError, Picture, PixelRect, Quality, RgbaFrame, ScaleError, Scaler, VideoDecoder,
    VideoFilter, VideoFrame,
};
use crate::timeline::{ActiveClip, ClipContent, ClipId, OutputId, Project, Time};
use crate::vision::{TractVision, Vision, VisionError};

use super::effects::filter_chain;
use super::layout::{blur_window, place, Placement, RectF};
use super::portrait::{BackdropError, PortraitLayer, PortraitState};
use super::sticker::StickerLayer;

mod decoders;
mod draw;
mod portrait_layer;
mod sticker;
mod text;

use draw::CacheKey;
use text::TextLayer;

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
    /// The text script for libass could not be written to a temporary file.
    #[error("cannot write the subtitle and text script: {source}")]
    TextScript {
        #[source]
        source: std::io::Error,
    },
    /// The person mask or face detection failed on a frame of this file.
    #[error("{}: portrait effect: {source}", path.display())]
    Vision {
        path: PathBuf,
        #[source]
        source: VisionError,
    },
    /// A portrait effect's replacement picture could not be read.
    #[error(transparent)]
    Backdrop(#[from] BackdropError),
    /// A sticker could not be drawn.
    #[error(transparent)]
    Sticker(#[from] crate::stickers::StickerError),
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
#[derive(Debug)]
pub struct Compositor {
    base_dir: PathBuf,
    decoders: HashMap<ClipId, VideoDecoder>,
    /// The length each clip's source had when its decoder was opened: a source that grew
    /// since (a recording still going on) is opened afresh to see its new end.
    opened_for: HashMap<ClipId, Time>,
    effects: HashMap<ClipId, ClipEffects>,
    effect_graphs_built: u64,
    scaler: Scaler,
    cache: Vec<(CacheKey, RgbaFrame)>,
    burn_subtitles: bool,
    /// Whose reframing clips follow: the canvas, or one of the project's extra outputs.
    output: OutputId,
    /// libass for the last few scripts and sizes, newest last: an export of several
    /// outputs at once draws each output's text in turn.
    text: Vec<TextLayer>,
    /// A preview's compositor: sources are indexed (and maybe proxied) on the workers.
    preview: bool,
    /// Decode sources' preview proxies once they are ready (preview only).
    proxies: bool,
    /// Clips whose decoder reads a proxy: decoded pixels per original pixel, across and down.
    proxied: HashMap<ClipId, (f64, f64)>,
    /// Person mask and face detection for portrait effects.
    vision: Arc<dyn Vision>,
    portrait: PortraitState,
    /// Frames in which a sticker pinned to a face had no face to follow.
    stickers_without_face: u64,
    /// Originals stop at the keyframe before the time asked for (see
    /// [`Compositor::set_keyframe_first`]).
    keyframe_first: bool,
    /// Some clip of the last frame showed a keyframe short of its time.
    short: bool,
    /// Handed to every decoder: raised, an exact frame is given up half-way.
    interrupt: Option<Arc<AtomicBool>>,
}

/// A clip's effect graph and the last frame it filtered.
#[derive(Debug)]
struct ClipEffects {
    /// Hash of the filter chain, part of the scaled-picture cache key.
    chain_hash: u64,
    filter: VideoFilter,
    /// The filtered frame, tagged with the source frame time it was made from.
    shown: Option<VideoFrame>,
}

impl Default for Compositor {
    fn default() -> Self {
        Compositor::new(".")
    }
}

impl Compositor {
    /// A compositor resolving relative source paths against `base_dir` (the project
    /// file's folder).
    pub fn new(base_dir: impl Into<PathBuf>) -> Compositor {
        Compositor {
            base_dir: base_dir.into(),
            decoders: HashMap::new(),
            opened_for: HashMap::new(),
            effects: HashMap::new(),
            effect_graphs_built: 0,
            scaler: Scaler::new(),
            cache: Vec::new(),
            burn_subtitles: true,
            output: OutputId::MAIN,
            text: Vec::new(),
            preview: false,
            proxies: false,
            proxied: HashMap::new(),
            vision: Arc::new(TractVision),
            portrait: PortraitState::default(),
            stickers_without_face: 0,
            keyframe_first: false,
            short: false,
            interrupt: None,
        }
    }

    /// Uses `vision` for portrait effects instead of the shipped models (tests use
    /// [`crate::vision::FakeVision`]).
    pub fn set_vision(&mut self, vision: Arc<dyn Vision>) {
        self.vision = vision;
    }

    /// Runs the person mask model once every `every` of source time instead of
    /// [`crate::render::MASK_EVERY`] (zero: every frame); frames between reuse the last
    /// smoothed mask. For comparing the two in `clipwright bench portrait`.
    pub fn set_portrait_mask_every(&mut self, every: Time) {
        self.portrait.mask_every = Some(every);
    }

    /// Whether a thread of its own analyses the next frames of a portrait clip while this
    /// one is drawn (see `render/portrait_ahead.rs`). Off by default: it decodes the source
    /// a second time, which on two cores cost more than it saved, in exports and playback
    /// alike (`clipwright bench portrait`).
    pub fn set_portrait_look_ahead(&mut self, on: bool) {
        self.portrait.ahead.on = on;
    }

    /// How many portrait frames a thread analysed ahead of this compositor.
    pub fn portrait_frames_analysed_ahead(&self) -> u64 {
        self.portrait.ahead.done()
    }

    /// How many clip frames a portrait effect left unchanged because no face was found
    /// in them (the model takes anything for a person, so the effect needs a face).
    pub fn portrait_frames_without_face(&self) -> u64 {
        self.portrait.frames_without_face
    }

    /// How many sticker frames pinned to a face found no face near that time, so the
    /// sticker held where the face was last seen (or stood where its transform puts it).
    pub fn sticker_frames_without_face(&self) -> u64 {
        self.stickers_without_face
    }

    /// A compositor for the preview: each source indexed on the media workers as soon as
    /// it is shown, and — with `proxies` — its preview proxy made and
    /// decoded instead of the original once ready.
    pub fn for_preview(base_dir: impl Into<PathBuf>, proxies: bool) -> Compositor {
        Compositor {
            preview: true,
            proxies,
            ..Compositor::new(base_dir)
        }
    }

    /// True when `clip`'s frames come from its source's preview proxy.
    pub fn uses_proxy(&self, clip: ClipId) -> bool {
        self.proxied.contains_key(&clip)
    }

    /// Whether subtitle tracks are drawn (true by default). Export turns this off when the
    /// subtitles go into their own stream; text clips are drawn either way.
    pub fn set_burn_subtitles(&mut self, burn: bool) {
        self.burn_subtitles = burn;
    }

    /// Draws `output` of the project (each clip reframed as set for it): the canvas
    /// ([`OutputId::MAIN`], the default) or an extra output such as a 9:16 version. The
    /// frame size stays the caller's, normally that output's size.
    pub fn set_output(&mut self, output: OutputId) {
        if output != self.output {
            self.output = output;
            self.cache.clear();
        }
    }

    /// How many effect filter graphs this compositor has built; graphs are reused from
    /// frame to frame, so this grows only when settings or sources change.
    pub fn effect_graphs_built(&self) -> u64 {
        self.effect_graphs_built
    }

    /// How many pictures this compositor has converted (scaled, cropped, turned to RGBA):
    /// a picture already converted for the same frame and placement comes from its cache
    /// of the last few, so drawing the same frame again converts nothing.
    pub fn pictures_converted(&self) -> u64 {
        self.scaler.conversions()
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

    /// The colour of `clip`'s own source pixel — before its effects — drawn at `point`
    /// (output pixels of a `size` frame) at `t`: what an eyedropper on the preview picks.
    /// `None` when the clip is not on screen at `t` or does not cover `point`.
    pub fn source_pixel_at(
        &mut self,
        project: &Project,
        clip: ClipId,
        t: Time,
        size: (u32, u32),
        point: (f64, f64),
    ) -> Result<Option<[u8; 4]>, RenderError> {
        let active = project.active_clips_at(t);
        let Some(a) = active.iter().find(|a| a.clip.id == clip) else {
            return Ok(None);
        };
        let Layer::Media { placement, .. } = self.layer(project, a, t, size)? else {
            return Ok(None);
        };
        let Some((x, y)) = placement.source_point(point) else {
            return Ok(None);
        };
        let (kx, ky) = self.proxied.get(&clip).copied().unwrap_or((1.0, 1.0));
        let (x, y) = (x * kx, y * ky);
        let Some(decoder) = self.decoders.get(&clip) else {
            return Ok(None);
        };
        let Some(frame) = decoder.current() else {
            return Ok(None);
        };
        let (w, h) = frame.display_size();
        let rgba = frame
            .to_rgba(
                PixelRect::full(w, h),
                w,
                h,
                Quality::Export,
                &mut self.scaler,
            )
            .map_err(|source| RenderError::Convert {
                path: decoder.path().to_owned(),
                source,
            })?;
        let px = (x.floor().max(0.0) as u32).min(w.saturating_sub(1));
        let py = (y.floor().max(0.0) as u32).min(h.saturating_sub(1));
        Ok(rgba.pixel(px, py))
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
        let picture = self.compose_picture(project, t, size, yuv_ok)?;
        self.draw_text(project, t, size, picture)
    }

    fn compose_picture(
        &mut self,
        project: &Project,
        t: Time,
        size: (u32, u32),
        yuv_ok: bool,
    ) -> Result<Rendered, RenderError> {
        self.short = false;
        let active = project.active_clips_at(t);
        let mut used = HashSet::new();
        // Each visible media clip's frame and placement, bottom first.
        let mut layers = Vec::with_capacity(active.len());
        for (i, a) in active.iter().enumerate() {
            used.insert(a.clip.id);
            let layer = if matches!(a.clip.content, ClipContent::Sticker { .. }) {
                self.sticker(project, a, &active[..i], &layers, size)?
            } else {
                self.layer(project, a, t, size)?
            };
            layers.push(layer);
        }
        self.decoders.retain(|id, _| used.contains(id));
        self.opened_for.retain(|id, _| used.contains(id));
        self.effects.retain(|id, _| used.contains(id));
        self.proxied.retain(|id, _| used.contains(id));
        // Start at the topmost layer that hides everything under it.
        let first = layers
            .iter()
            .rposition(|l| match l {
                Layer::Media {
                    placement,
                    still,
                    keyed,
                    ..
                } => !still && !keyed && placement.covers(size),
                Layer::Color { rgba } => rgba[3] == 255,
                Layer::Sticker(_) | Layer::Nothing => false,
            })
            .unwrap_or(0);
        if yuv_ok && first + 1 == layers.len() {
            if let Some(Layer::Media {
                clip,
                placement,
                blur: None,
                keyed: false,
                portrait,
                ..
            }) = layers.get(first)
            {
                let portrait = portrait.as_deref();
                if placement.covers(size)
                    && placement.is_axis_aligned()
                    && portrait.is_none_or(PortraitLayer::yuv_ok)
                {
                    if let Some(pic) = self.fast_yuv(*clip, placement, size)? {
                        return self.yuv_portrait(pic, *clip, placement, size, portrait);
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
                let duration = src.info.duration;
                if self.opened_for.insert(a.clip.id, duration) != Some(duration) {
                    self.decoders.remove(&a.clip.id);
                    self.proxied.remove(&a.clip.id);
                }
                if self.preview {
                    self.pick_preview_decoder(a.clip, &path, src.info.video.as_ref())?;
                }
                let decoder = match self.decoders.entry(a.clip.id) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(VideoDecoder::open(&path)?)
                    }
                };
                let still = decoder.is_still();
                // A stand-in is never given up (so a drag always gets pictures); an
                // exact frame may be.
                let interrupt = self.interrupt.clone().filter(|_| !self.keyframe_first);
                decoder.set_interrupt(interrupt);
                let at = a.source_time().flicks();
                let quick = self.keyframe_first && !self.proxied.contains_key(&a.clip.id);
                let (w, h) = if quick {
                    decoder.frame_toward(at)?.display_size()
                } else {
                    decoder.frame_at(at)?.display_size()
                };
                self.short |= !decoder.is_exact();
                // Layout works in the original's pixels, also when a proxy is decoded.
                let display = match self.proxied.get(&a.clip.id) {
                    Some(&(kx, ky)) => (
                        (f64::from(w) / kx).round() as u32,
                        (f64::from(h) / ky).round() as u32,
                    ),
                    None => (w, h),
                };
                self.run_effects(a.clip.id, filter_chain(&a.clip.effects))?;
                let reframe = a.clip.reframe_at(self.output, t, display, size);
                let Some(placement) = place(&transform, &reframe, display, size) else {
                    return Ok(Layer::Nothing);
                };
                let portrait = self.portrait_layer(a, t, &path, display)?;
                Ok(Layer::Media {
                    clip: a.clip.id,
                    placement,
                    blur: blur_window(&reframe),
                    still,
                    keyed: a.clip.effects.has_alpha(),
                    portrait,
                })
            }
            ClipContent::Color { color } => {
                let alpha = (f64::from(color.a) * transform.opacity.clamp(0.0, 1.0)).round();
                Ok(Layer::Color {
                    rgba: [color.r, color.g, color.b, alpha as u8],
                })
            }
            // Text overlays are drawn with the subtitles (libass), not here; stickers need
            // the layers under them (`Compositor::sticker`).
            ClipContent::Text { .. } | ClipContent::Sticker { .. } => Ok(Layer::Nothing),
        }
    }

    fn current_frame(&self, clip: ClipId) -> Option<(&VideoFrame, &Path, u64)> {
        shown_frame(&self.decoders, &self.effects, clip)
    }
}

/// The frame a clip shows: its decoded source frame, through its effects if it has any;
/// with the source path and the effect chain's hash (0 for none).
fn shown_frame<'a>(
    decoders: &'a HashMap<ClipId, VideoDecoder>,
    effects: &'a HashMap<ClipId, ClipEffects>,
    clip: ClipId,
) -> Option<(&'a VideoFrame, &'a Path, u64)> {
    let d = decoders.get(&clip)?;
    match effects.get(&clip) {
        Some(fx) => Some((fx.shown.as_ref()?, d.path(), fx.chain_hash)),
        None => Some((d.current()?, d.path(), 0)),
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
        /// Its effects can make pixels transparent (a chroma key).
        keyed: bool,
        /// Its portrait effect, when it has one and a face is in view.
        portrait: Option<Box<PortraitLayer>>,
    },
    Color {
        rgba: [u8; 4],
    },
    Sticker(Box<StickerLayer>),
    Nothing,
}

/// The project's picture at `t` as RGBA, with a compositor made for this one call.
/// Prefer keeping a [`Compositor`] for repeated calls: it keeps its decoders open.
pub fn frame_at(project: &Project, t: Time, size: (u32, u32)) -> Result<RgbaFrame, RenderError> {
    Compositor::new(".").frame_at(project, t, size)
}
