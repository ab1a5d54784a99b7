//! The export job: a project in, a finished file out.
//!
//! [`ExportJob::run`] decodes and composes on one worker thread, mixes the sound on
//! another, and encodes on the calling thread, with bounded channels between them, progress
//! ([`Progress`]) on a channel and a cancel flag. [`quick_project`] turns one file and a few
//! options into a one-clip project, so quick exports take the same path. [`Preset`] names
//! the usual frame shapes; [`batch`] names the files of a run writing several (each
//! output, each marker range). This module reads the timeline, draws through `render` and
//! writes through `media`; it never touches FFmpeg itself.

mod batch;
mod job;
mod many;
mod mix;
pub mod outputs;
mod preset;
mod quick;
mod subtitles;
mod target;

pub use batch::{batch, named_path, BatchItem};
pub use job::{ExportError, ExportJob, ExportSettings, ExportStage, ExportSummary, Progress};
pub use many::export_together;
pub use mix::{Mixer, BLOCK};
pub use preset::{parse_size, Preset};
pub use quick::{quick_project, quick_project_and_probe, source_info, QuickError, QuickOptions};
pub use subtitles::{
    add_subtitle_file, soft_subtitle_note, soft_subtitles, SoftCue, SoftSubtitles,
};
pub use target::{check_not_an_input, check_output, project_inputs};
