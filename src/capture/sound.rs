//! Where a recording's sound comes from: a [`SoundInput`] delivers chunks of samples and
//! how long ago they were captured, whichever way the platform records sound — PulseAudio
//! (through FFmpeg's `pulse` device) on Linux, cpal (WASAPI loopback, CoreAudio) on
//! Windows and macOS. The sound thread ([`super::audio`]) places every source's chunks on
//! the recording's clock the same way.

use super::CaptureError;
use crate::media::TimedChunk;

/// Which sound a track records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SoundKind {
    /// What the computer plays.
    System,
    /// A microphone.
    Microphone,
}

/// An open sound capture device.
pub(crate) trait SoundInput: Send {
    /// Samples per second of the chunks it delivers.
    fn rate(&self) -> u32;
    /// Waits for the next chunk, at most about a tenth of a second: `None` when nothing
    /// came (some devices deliver nothing while nothing plays), so the caller can stop.
    fn read(&mut self) -> Result<Option<TimedChunk>, CaptureError>;
}

#[cfg(target_os = "linux")]
impl SoundInput for crate::media::PulseInput {
    fn rate(&self) -> u32 {
        crate::media::PulseInput::rate(self)
    }

    fn read(&mut self) -> Result<Option<TimedChunk>, CaptureError> {
        // PulseAudio delivers a chunk every 20 ms, silence included.
        Ok(Some(crate::media::PulseInput::read(self)?))
    }
}

/// Opens the device `name` for `kind` (`@DEFAULT_MONITOR@` or `default` for the default
/// one).
#[cfg(target_os = "linux")]
pub(crate) fn open(kind: SoundKind, name: &str) -> Result<Box<dyn SoundInput>, CaptureError> {
    let _ = kind; // PulseAudio names monitors and microphones alike.
    Ok(Box::new(crate::media::PulseInput::open(name)?))
}

/// Opens the device `name` for `kind` (`@DEFAULT_MONITOR@` or `default` for the default
/// one).
#[cfg(any(windows, target_os = "macos"))]
pub(crate) fn open(kind: SoundKind, name: &str) -> Result<Box<dyn SoundInput>, CaptureError> {
    Ok(Box::new(super::cpal_sound::CpalInput::open(kind, name)?))
}

/// Opens the device `name` for `kind`.
#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
pub(crate) fn open(kind: SoundKind, name: &str) -> Result<Box<dyn SoundInput>, CaptureError> {
    let _ = kind;
    Err(CaptureError::SoundDevice {
        device: name.to_owned(),
        detail: "recording sound is not supported on this system".into(),
    })
}

/// Checks that system sound can be recorded here (Linux: a PulseAudio server with a
/// default output to monitor; Windows and macOS: a default output device), saying why not.
pub fn system_sound_available() -> Result<(), CaptureError> {
    #[cfg(target_os = "linux")]
    {
        open(SoundKind::System, "@DEFAULT_MONITOR@").map(|_| ())
    }
    #[cfg(any(windows, target_os = "macos"))]
    {
        super::cpal_sound::system_sound_available()
    }
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    {
        Err(CaptureError::Unsupported(
            "recording sound is not supported on this system".into(),
        ))
    }
}
