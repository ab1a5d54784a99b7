//! The compositor: what a project looks like at one instant, for preview and export.
//!
//! [`Compositor::frame_at`] draws every visible clip, bottom track first, through its
//! speed mapping, crop, scale, position, rotation, opacity and fit / fill / blur-fill, into
//! an RGBA [`Frame`]; a preview is the same call with a smaller size. A clip's effects
//! (chroma key, colour, blur) run first, on its source frame, as an FFmpeg filter chain
//! ([`filter_chain`]); a portrait effect (background blurred, removed or replaced behind a
//! person, from [`crate::vision`]'s mask) runs as the clip is drawn (`portrait.rs`). Geometry is worked out
//! per clip in [`layout`] (pure, unit tested), pixels are moved by swscale (in `media`) and
//! blended with integer arithmetic in [`blend`]; subtitles and text clips are drawn last by
//! libass from one ASS script ([`ass_script`]). This module reads the timeline and never
//! changes it, and touches FFmpeg only through `media`.

pub mod blend;
mod box_blur;
mod captions;
mod compositor;
mod effects;
mod entrance;
pub mod follow;
pub mod layout;
mod portrait;
mod portrait_ahead;
mod portrait_yuv;
pub mod preview;
mod sticker;
pub mod sticker_pin;
mod text;
mod text_place;

pub use compositor::{frame_at, Compositor, RenderError, Rendered};
pub use effects::filter_chain;
pub use portrait::{BackdropError, MASK_EVERY};
pub use sticker::STICKER_SHARE;
pub use text::{ass_script, ass_script_for, cues, has_subtitles, has_text_clips, play_res};

/// A composed picture: 8-bit RGBA, rows packed.
pub type Frame = crate::media::RgbaFrame;
