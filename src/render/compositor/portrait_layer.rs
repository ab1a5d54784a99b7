//! A clip's portrait effect in the compositor: the person mask and faces of the frame it
//! shows (analysed once per source frame) and the effect drawn over its scaled picture.

use std::hash::{Hash, Hasher};
use std::path::Path;

use crate::media::{Quality, RgbaFrame};
use crate::render::layout::RectF;
use crate::render::portrait::PortraitLayer;
use crate::timeline::{ActiveClip, Time};
use crate::vision::{self, FrameKey, MASK_SIZE};

use super::{Compositor, RenderError};

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
        let analysis = match vision::cached(self.vision.as_ref(), key) {
            Some(hit) => hit,
            None => {
                let full = RectF {
                    x: 0.0,
                    y: 0.0,
                    w: f64::from(display.0),
                    h: f64::from(display.1),
                };
                let long = display.0.max(display.1).max(1);
                let face_size = (
                    (display.0 * 256 / long).max(1),
                    (display.1 * 256 / long).max(1),
                );
                let mask_in =
                    self.scaled(a.clip.id, full, (MASK_SIZE, MASK_SIZE), Quality::Fast)?;
                let face_in = self.scaled(a.clip.id, full, face_size, Quality::Fast)?;
                let err = |source| RenderError::Vision {
                    path: path.to_owned(),
                    source,
                };
                let mask_view = vision::Image::new(mask_in.width, mask_in.height, &mask_in.data);
                let face_view = vision::Image::new(face_in.width, face_in.height, &face_in.data);
                vision::analyze(
                    self.vision.as_ref(),
                    key,
                    vision::Timing {
                        gap: Time::from_millis(100).flicks(),
                        hold: Time::from_millis(500).flicks(),
                        detect_every: Time::from_millis(200).flicks(),
                    },
                    mask_view.map_err(err)?,
                    face_view.map_err(err)?,
                )
                .map_err(err)?
            }
        };
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
            Some(l) => Ok(self
                .portrait
                .apply(patch, src, l, &mut self.scaler, &self.base_dir)?),
            None => Ok(patch),
        }
    }
}
