//! Sticker layers: where a sticker clip goes, on the face in the layers under it when it
//! is pinned (`render/sticker.rs` does the placing), counting frames with no face.

use crate::timeline::{ActiveClip, Project};

use super::{Compositor, Layer, RenderError};
use crate::render::sticker::{sticker_layer, PinState};

impl Compositor {
    /// The layer of the sticker clip `a`, with `below` the clips under it (bottom first)
    /// and `layers` their layers.
    pub(super) fn sticker(
        &mut self,
        project: &Project,
        a: &ActiveClip<'_>,
        below: &[ActiveClip<'_>],
        layers: &[Layer],
        size: (u32, u32),
    ) -> Result<Layer, RenderError> {
        let under: Vec<_> = below
            .iter()
            .zip(layers)
            .map(|(c, l)| match l {
                Layer::Media { placement, .. } => (c, Some(*placement)),
                _ => (c, None),
            })
            .collect();
        let (layer, state) = sticker_layer(project, a, &under, size)?;
        if state == PinState::NoFace {
            self.stickers_without_face += 1;
        }
        Ok(layer.map_or(Layer::Nothing, |l| Layer::Sticker(Box::new(l))))
    }
}
