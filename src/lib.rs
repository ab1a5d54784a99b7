//! Clipwright: a screen recorder and video editor.
//!
//! The crate is laid out one folder a concern (see `docs/architecture.md`): `media` is the
//! only module that touches FFmpeg, `ui` is the egui app, and `cli` runs the same jobs
//! without a window.

pub mod capture;
pub mod cli;
pub mod export;
pub mod files;
pub mod media;
pub mod playback;
pub mod render;
pub mod session;
pub mod stickers;
pub mod subtitles;
pub mod threads;
pub mod timeline;
pub mod ui;
pub mod vision;
