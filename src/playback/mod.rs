//! Preview sound and the play clock, with no window in it: `sound` mixes the project
//! from the playhead on a worker (with the export's own mixer) and feeds the default
//! output (a [`SoundOutput`]: the device, or a test's fake); `clock` turns what the device reports as heard into the playhead, so the
//! picture shows what is heard.

pub mod clock;
mod device;
pub mod output;
pub mod sound;

pub use clock::{Heard, PlayClock, Sound, Source, Tick};
pub use device::DeviceFeed;
pub use output::{DeviceOutput, FakeOutput, OutputError, OutputStream, SoundOutput};
pub use sound::{AudioPlayback, SoundPlayback};
