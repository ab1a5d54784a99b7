//! A clip's portrait effect in the compositor: the person mask and faces of the frame it
//! shows (analysed once per source frame) and the effect drawn over its scaled picture.

use std::hash::{Hash, Hasher};
use std::path::Path;

use crate::media::{Picture, RgbaFrame};
use crate::render::layout::{Placement, RectF};
use crate::render::portrait::{AnalysisError, PortraitLayer};
use crate::timeline::{ActiveClip, ClipId, Time};
use crate::vision::FrameKey;

use super::{shown_frame, Compositor, RenderError, Rendered};

impl Compositor {
    /// The portrait effect of clip `a` at `t`: the mask of the frame it shows (analysed
    /// once per source frame, shared by every compositor), or `None` when it has none or
    /// no face is in view.
    pub(super) fn portrait_layer(
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
        let Some((frame, decode, chain)) = shown_frame(&self.decoders, &self.effects, a.clip.id)
        else {
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
        // Frames through an effect chain are analysed in place (the look-ahead decodes
        // the source alone).
        if chain == 0 {
            let every = self.portrait.mask_every();
            let key = crate::render::portrait::analysis_key(key, every);
            let decode = decode.to_owned();
            let proxy = self.proxied.contains_key(&a.clip.id).then(|| {
                let d = self.decoders.get(&a.clip.id);
                d.map_or(0, crate::media::VideoDecoder::rotation)
            });
            (self.portrait.ahead).after(key, (&decode, proxy), &self.vision, every);
        }
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

    pub(super) fn with_portrait(
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

    /// The export fast path's picture with the clip's portrait effect, if it has one.
    pub(super) fn yuv_portrait(
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
}
