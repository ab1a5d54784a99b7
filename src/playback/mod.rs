//! Preview sound and the play clock, with no window in it: `sound` mixes the project
//! from the playhead on a worker (with the export's own mixer) and feeds the default
//! output; `clock` turns what the device reports as heard into the playhead, so the
//! picture shows what is heard.

pub mod clock;
mod device;
pub mod sound;

pub use clock::{Heard, PlayClock, Sound, Source, Tick};
pub use sound::{AudioPlayback, SoundPlayback};
