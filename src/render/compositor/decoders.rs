//! Which decoder a clip reads (the original, or its preview proxy once ready), how far it
//! decodes (the exact frame, or the keyframe before it while a playhead is dragged), and
//! its effect chain run over the decoded frame.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::media::{ProxyState, VideoDecoder, VideoFilter, VideoFrame};
use crate::render::effects::filter_chain;
use crate::render::layout::RectF;
use crate::timeline::ClipId;

use super::{ClipEffects, Compositor, RenderError};

impl Compositor {
    /// With `on`, clips decoding an original (no proxy) show the keyframe at or before
    /// their frame instead of decoding up to it ([`VideoDecoder::frame_toward`]): a picture
    /// at once while scrubbing. [`Compositor::stopped_short`] then says whether the frame
    /// drawn is the exact one; a call with `on` false draws it.
    pub fn set_keyframe_first(&mut self, on: bool) {
        self.keyframe_first = on;
    }

    /// Whether some clip of the last frame drawn showed a keyframe before its own frame.
    pub fn stopped_short(&self) -> bool {
        self.short
    }

    /// Has every decoder give up an exact frame half-way, with
    /// [`crate::media::MediaError::Superseded`], once `flag` is raised (never a frame drawn
    /// keyframe first).
    pub fn set_interrupt(&mut self, flag: Option<Arc<AtomicBool>>) {
        self.interrupt = flag;
    }

    /// For the preview: has `path` indexed (and proxied), and switches the clip's decoder
    /// to the proxy once it is ready — or back to the original when the clip gets effects.
    pub(super) fn pick_preview_decoder(
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
    pub(super) fn to_decoded(&self, clip: ClipId, r: RectF) -> RectF {
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

    pub(super) fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_owned()
        } else {
            self.base_dir.join(path)
        }
    }

    /// Runs the clip's current source frame through its effect chain, unless that frame
    /// was already filtered with the same chain; `None` drops the clip's effects.
    pub(super) fn run_effects(
        &mut self,
        clip: ClipId,
        chain: Option<String>,
    ) -> Result<(), RenderError> {
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
}
