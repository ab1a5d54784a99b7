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
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::media::{
    MediaError, Picture, PixelRect, ProxyState, Quality, RgbaFrame, ScaleError, Scaler,
    SubtitleBurner, VideoDecoder, VideoFilter, VideoFrame,
};
use crate::timeline::{ActiveClip, ClipContent, ClipId, OutputId, Project, Time};
use crate::vision::{FrameKey, TractVision, Vision, VisionError};

use super::blend::{blend_at, blend_rotated, fill_rect, flipped};
use super::effects::filter_chain;
use super::layout::{blur_window, place, IRect, Placement, RectF};
use super::portrait::{AnalysisError, BackdropError, PortraitLayer, PortraitState};

/// How the names of the temporary subtitle scripts (`clipwright-text~PID~XXXXXX.ass`, in
/// the system's temporary folder) begin.
const TEXT_SCRIPT: &str = "clipwright-text";

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
    effects: HashMap<ClipId, ClipEffects>,
    effect_graphs_built: u64,
    scaler: Scaler,
    cache: Vec<(CacheKey, RgbaFrame)>,
    burn_subtitles: bool,
    /// Whose reframing clips follow: the canvas, or one of the project's extra outputs.
    output: OutputId,
    text: Option<TextLayer>,
    /// A preview's compositor: sources are indexed (and maybe proxied) on the workers.
    preview: bool,
    /// Decode sources' preview proxies once they are ready (preview only).
    proxies: bool,
    /// Clips whose decoder reads a proxy: decoded pixels per original pixel, across and down.
    proxied: HashMap<ClipId, (f64, f64)>,
    /// Person mask and face detection for portrait effects.
    vision: Arc<dyn Vision>,
    portrait: PortraitState,
}

/// libass ready for the current script and size.
#[derive(Debug)]
struct TextLayer {
    script: String,
    size: (u32, u32),
    burner: SubtitleBurner,
    /// The script on disk, deleted when the layer goes.
    _file: tempfile::TempPath,
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

/// What a scaled picture was made from; equal keys give equal pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CacheKey {
    clip: ClipId,
    frame_time: i64,
    /// Hash of the clip's effect chain; 0 without effects.
    effects: u64,
    plan: ScalePlan,
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
            decoders: HashMap::new(),
            effects: HashMap::new(),
            effect_graphs_built: 0,
            scaler: Scaler::new(),
            cache: Vec::new(),
            burn_subtitles: true,
            output: OutputId::MAIN,
            text: None,
            preview: false,
            proxies: false,
            proxied: HashMap::new(),
            vision: Arc::new(TractVision),
            portrait: PortraitState::default(),
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

    /// How many clip frames a portrait effect left unchanged because no face was found
    /// in them (the model takes anything for a person, so the effect needs a face).
    pub fn portrait_frames_without_face(&self) -> u64 {
        self.portrait.frames_without_face
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

    /// Draws subtitles and text clips shown at `t` with libass.
    fn draw_text(
        &mut self,
        project: &Project,
        t: Time,
        size: (u32, u32),
        picture: Rendered,
    ) -> Result<Rendered, RenderError> {
        let cue_shown = self.burn_subtitles && !project.subtitles_at(t).is_empty();
        let text_shown = project
            .active_clips_at(t)
            .iter()
            .any(|a| matches!(a.clip.content, ClipContent::Text { .. }));
        if !cue_shown && !text_shown {
            return Ok(picture);
        }
        let Some(script) = super::text::ass_script(project, size, self.burn_subtitles) else {
            return Ok(picture);
        };
        let stale = self
            .text
            .as_ref()
            .is_none_or(|l| l.script != script || l.size != size);
        if stale {
            self.text = None;
            let io = |source| RenderError::TextScript { source };
            // Scripts a killed run left behind go first, once a process.
            static SWEPT: std::sync::Once = std::sync::Once::new();
            SWEPT.call_once(|| {
                crate::files::remove_leftovers(&std::env::temp_dir(), TEXT_SCRIPT, ".ass");
            });
            let prefix = format!("{TEXT_SCRIPT}{}", crate::files::pid_marker());
            let mut file = tempfile::Builder::new()
                .prefix(&prefix)
                .suffix(".ass")
                .tempfile()
                .map_err(io)?;
            std::io::Write::write_all(&mut file, script.as_bytes()).map_err(io)?;
            let path = file.into_temp_path();
            let burner = SubtitleBurner::new(&path, size.0, size.1)?;
            self.text = Some(TextLayer {
                script,
                size,
                burner,
                _file: path,
            });
        }
        let Some(layer) = self.text.as_mut() else {
            return Ok(picture);
        };
        Ok(match picture {
            Rendered::Yuv(p) => Rendered::Yuv(layer.burner.burn(p, t.flicks())?),
            Rendered::Rgba(f) => Rendered::Rgba(layer.burner.burn_rgba(&f, t.flicks())?),
        })
    }

    fn compose_picture(
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
                Layer::Nothing => false,
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
                let (w, h) = decoder.frame_at(a.source_time().flicks())?.display_size();
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
            // Text overlays are drawn with the subtitles (libass), not here.
            ClipContent::Text { .. } => Ok(Layer::Nothing),
        }
    }

    /// For the preview: has `path` indexed (and proxied), and switches the clip's decoder
    /// to the proxy once it is ready — or back to the original when the clip gets effects.
    fn pick_preview_decoder(
        &mut self,
        clip: &crate::timeline::Clip,
        path: &Path,
        video: Option<&crate::timeline::VideoInfo>,
    ) -> Result<(), RenderError> {
        let wants_proxy = self.proxies && filter_chain(&clip.effects).is_none();
        if !self.decoders.contains_key(&clip.id) {
            crate::media::prepare(path, self.proxies);
        }
        match (wants_proxy, self.proxied.contains_key(&clip.id)) {
            (true, false) => {
                let (Some(v), ProxyState::Ready(proxy, index)) =
                    (video, crate::media::proxy_of(path))
                else {
                    return Ok(());
                };
                let rotation = v.rotation_degrees.rem_euclid(360);
                let decoder = VideoDecoder::open(&proxy)?
                    .with_rotation(rotation)
                    .with_stored_timestamps()
                    .with_index(index);
                let (pw, ph) = decoder.coded_size();
                let scale = (
                    f64::from(pw) / f64::from(v.width.max(1)),
                    f64::from(ph) / f64::from(v.height.max(1)),
                );
                let scale = if rotation % 180 == 90 {
                    (scale.1, scale.0)
                } else {
                    scale
                };
                self.decoders.insert(clip.id, decoder);
                self.proxied.insert(clip.id, scale);
            }
            (false, true) => {
                self.decoders.remove(&clip.id);
                self.proxied.remove(&clip.id);
            }
            _ => {}
        }
        Ok(())
    }

    /// `r` (the clip's original, upright pixels) in the pixels of the frame its decoder gives.
    fn to_decoded(&self, clip: ClipId, r: RectF) -> RectF {
        match self.proxied.get(&clip) {
            Some(&(kx, ky)) => RectF {
                x: r.x * kx,
                y: r.y * ky,
                w: r.w * kx,
                h: r.h * ky,
            },
            None => r,
        }
    }

    fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_owned()
        } else {
            self.base_dir.join(path)
        }
    }

    /// Runs the clip's current source frame through its effect chain, unless that frame
    /// was already filtered with the same chain; `None` drops the clip's effects.
    fn run_effects(&mut self, clip: ClipId, chain: Option<String>) -> Result<(), RenderError> {
        let Some(chain) = chain else {
            self.effects.remove(&clip);
            return Ok(());
        };
        let Some(decoder) = self.decoders.get(&clip) else {
            return Ok(());
        };
        let Some(frame) = decoder.current() else {
            return Ok(());
        };
        let stale = self
            .effects
            .get(&clip)
            .is_none_or(|e| e.filter.chain() != chain || !e.filter.fits(&frame.picture));
        if stale {
            let filter = VideoFilter::new(&chain, &frame.picture, decoder.path())?;
            self.effect_graphs_built += 1;
            let mut h = std::collections::hash_map::DefaultHasher::new();
            chain.hash(&mut h);
            self.effects.insert(
                clip,
                ClipEffects {
                    chain_hash: h.finish() | 1,
                    filter,
                    shown: None,
                },
            );
        }
        let Some(fx) = self.effects.get_mut(&clip) else {
            return Ok(());
        };
        if fx.shown.as_ref().is_some_and(|s| s.time == frame.time) {
            return Ok(());
        }
        let picture = fx.filter.apply(&frame.picture)?;
        fx.shown = Some(VideoFrame {
            picture,
            time: frame.time,
            rotation: frame.rotation,
        });
        Ok(())
    }

    fn current_frame(&self, clip: ClipId) -> Option<(&VideoFrame, &Path, u64)> {
        shown_frame(&self.decoders, &self.effects, clip)
    }

    /// The fast path's picture with the clip's portrait effect, if it has one.
    fn yuv_portrait(
        &mut self,
        pic: Picture,
        clip: ClipId,
        placement: &Placement,
        size: (u32, u32),
        portrait: Option<&PortraitLayer>,
    ) -> Result<Rendered, RenderError> {
        let (Some(layer), Some((_, src))) = (portrait, placement.visible(size)) else {
            return Ok(Rendered::Yuv(pic));
        };
        let path = self.current_frame(clip).map(|(_, p, _)| p.to_owned());
        self.portrait
            .apply_yuv(pic, src, layer)
            .map(Rendered::Yuv)
            .map_err(|source| RenderError::Convert {
                path: path.unwrap_or_default(),
                source,
            })
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
        let src = self.to_decoded(clip, src);
        let Some((frame, path, _)) = shown_frame(&self.decoders, &self.effects, clip) else {
            return Ok(None);
        };
        let p = plan(src, frame.display_size(), size);
        let (sw, sh) = p.scaled;
        match frame.to_yuv420(p.region, sw, sh, &mut self.scaler) {
            // Even offsets keep 4:2:0 chroma on its grid (FFmpeg's `crop` does the same).
            Some(Ok(pic)) => pic
                .cropped(PixelRect {
                    x: p.offset.0 & !1,
                    y: p.offset.1 & !1,
                    width: size.0,
                    height: size.1,
                })
                .map(Some)
                .map_err(|source| RenderError::Convert {
                    path: path.to_owned(),
                    source,
                }),
            Some(Err(source)) => Err(RenderError::Convert {
                path: path.to_owned(),
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
                portrait,
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
                    let patch = self.with_portrait(patch, src, portrait.as_deref())?;
                    let patch = flipped(patch, placement.flip_x, placement.flip_y);
                    blend_at(out, &patch, dest.x, dest.y, placement.alpha);
                } else {
                    // Turned: scale the whole shown part (bounded), then draw it turned.
                    let limit = f64::from(size.0.max(size.1)) * 2.0;
                    let w = placement.dest.w.min(limit).round().max(1.0) as u32;
                    let h = placement.dest.h.min(limit).round().max(1.0) as u32;
                    let patch = self.scaled(*clip, placement.source, (w, h), Quality::Export)?;
                    let patch = self.with_portrait(patch, placement.source, portrait.as_deref())?;
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

    /// The portrait effect of clip `a` at `t`: the mask of the frame it shows (analysed
    /// once per source frame, shared by every compositor), or `None` when it has none or
    /// no face is in view.
    fn portrait_layer(
        &mut self,
        a: &ActiveClip<'_>,
        t: Time,
        path: &Path,
        display: (u32, u32),
    ) -> Result<Option<Box<PortraitLayer>>, RenderError> {
        let Some(look) = &a.clip.effects.portrait else {
            return Ok(None);
        };
        let Some(time) = self.current_frame(a.clip.id).map(|(f, _, _)| f.time) else {
            return Ok(None);
        };
        let mut h = std::collections::hash_map::DefaultHasher::new();
        path.hash(&mut h);
        // The original's name, also when a proxy is decoded: one analysis a source frame.
        let key = FrameKey {
            source: h.finish(),
            time,
        };
        let Some((frame, _, _)) = shown_frame(&self.decoders, &self.effects, a.clip.id) else {
            return Ok(None);
        };
        let analysis = self
            .portrait
            .analysis(self.vision.as_ref(), key, frame)
            .map_err(|e| match e {
                AnalysisError::Vision(source) => RenderError::Vision {
                    path: path.to_owned(),
                    source,
                },
                AnalysisError::Scale(source) => RenderError::Convert {
                    path: path.to_owned(),
                    source,
                },
            })?;
        if !analysis.face_seen {
            self.portrait.frames_without_face += 1;
            return Ok(None);
        }
        Ok(Some(Box::new(PortraitLayer {
            analysis,
            look: look.clone(),
            strength: look.strength_at(t - a.clip.start),
            display,
        })))
    }

    fn with_portrait(
        &mut self,
        patch: RgbaFrame,
        src: RectF,
        layer: Option<&PortraitLayer>,
    ) -> Result<RgbaFrame, RenderError> {
        match layer {
            Some(l) => Ok(self.portrait.apply(patch, src, l, &self.base_dir)?),
            None => Ok(patch),
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
        let src = self.to_decoded(clip, src);
        let Some((frame, path, effects)) = self.current_frame(clip) else {
            return Ok(RgbaFrame::filled(size.0, size.1, [0, 0, 0, 0]));
        };
        let p = plan(src, frame.display_size(), size);
        let key = CacheKey {
            clip,
            frame_time: frame.time,
            effects,
            plan: p,
        };
        if let Some(i) = self.cache.iter().position(|(k, _)| *k == key) {
            let hit = self.cache.remove(i);
            let pixels = hit.1.clone();
            self.cache.push(hit);
            return Ok(pixels);
        }
        let path = path.to_owned();
        let Some((frame, _, _)) = shown_frame(&self.decoders, &self.effects, clip) else {
            return Ok(RgbaFrame::filled(size.0, size.1, [0, 0, 0, 0]));
        };
        let (sw, sh) = p.scaled;
        let big = frame
            .to_rgba(p.region, sw, sh, quality, &mut self.scaler)
            .map_err(|source| RenderError::Convert { path, source })?;
        let pixels = if p.scaled == size {
            big
        } else {
            big.cropped(PixelRect {
                x: p.offset.0,
                y: p.offset.1,
                width: size.0,
                height: size.1,
            })
        };
        if self.cache.len() >= CACHE_LEN {
            self.cache.remove(0);
        }
        self.cache.push((key, pixels.clone()));
        Ok(pixels)
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
    Nothing,
}

/// How to draw a fractional source rectangle at a whole-pixel size exactly: scale the
/// whole-pixel `region` around it (left and top edges on even pixels, as 4:2:0 chroma
/// needs) to `scaled`, then cut `size` pixels out at `offset`. This is what `ffmpeg`'s
/// `scale` + `crop` does, so a fill lands on the same pixels as theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ScalePlan {
    region: PixelRect,
    scaled: (u32, u32),
    offset: (u32, u32),
    size: (u32, u32),
}

fn plan(r: RectF, source: (u32, u32), size: (u32, u32)) -> ScalePlan {
    let (sw, sh) = (f64::from(source.0), f64::from(source.1));
    let (w, h) = (f64::from(size.0.max(1)), f64::from(size.1.max(1)));
    let rw = r.w.max(1e-6);
    let rh = r.h.max(1e-6);
    let (kx, ky) = (w / rw, h / rh);
    let x0 = ((r.x.clamp(0.0, sw - 1.0) / 2.0).floor() * 2.0).max(0.0);
    let y0 = ((r.y.clamp(0.0, sh - 1.0) / 2.0).floor() * 2.0).max(0.0);
    let x1 = r.right().ceil().clamp(x0 + 1.0, sw);
    let y1 = r.bottom().ceil().clamp(y0 + 1.0, sh);
    let scaled_w = ((x1 - x0) * kx).round().max(w);
    let scaled_h = ((y1 - y0) * ky).round().max(h);
    let off_x = ((r.x - x0) * kx).round().clamp(0.0, scaled_w - w);
    let off_y = ((r.y - y0) * ky).round().clamp(0.0, scaled_h - h);
    ScalePlan {
        region: PixelRect {
            x: x0 as u32,
            y: y0 as u32,
            width: (x1 - x0) as u32,
            height: (y1 - y0) as u32,
        },
        scaled: (scaled_w as u32, scaled_h as u32),
        offset: (off_x as u32, off_y as u32),
        size,
    }
}

/// The project's picture at `t` as RGBA, with a compositor made for this one call.
/// Prefer keeping a [`Compositor`] for repeated calls: it keeps its decoders open.
pub fn frame_at(project: &Project, t: Time, size: (u32, u32)) -> Result<RgbaFrame, RenderError> {
    Compositor::new(".").frame_at(project, t, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fractional_fill_window_is_scaled_from_whole_pixels_and_cut_exactly() {
        // 9:16 out of 320x240: the window is 135 wide from x = 92.5.
        let r = RectF {
            x: 92.5,
            y: 0.0,
            w: 135.0,
            h: 240.0,
        };
        let p = plan(r, (320, 240), (270, 480));
        assert_eq!(
            p.region,
            PixelRect {
                x: 92,
                y: 0,
                width: 136,
                height: 240
            }
        );
        assert_eq!(p.scaled, (272, 480));
        assert_eq!(p.offset, (1, 0));
    }

    #[test]
    fn a_whole_picture_needs_no_cut() {
        let r = RectF {
            x: 0.0,
            y: 0.0,
            w: 320.0,
            h: 240.0,
        };
        let p = plan(r, (320, 240), (160, 120));
        assert_eq!(p.region, PixelRect::full(320, 240));
        assert_eq!((p.scaled, p.offset), ((160, 120), (0, 0)));
    }
}
